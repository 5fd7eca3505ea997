//! Bulkheads: three workloads (a critical API, reports, background jobs) served either by
//! one shared pool or by one pool each, so that a slow workload can only exhaust its own.
//!
//! Every pool is a semaphore bulkhead with resilience4j's `SemaphoreBulkhead` semantics:
//! at most `max_concurrent_calls` calls run at once (default 25); a call that finds no
//! permit waits at most `max_wait_ms` (default 0: rejected at once with
//! `BulkheadFullException`). The semaphore is fair, so waiters get permits in arrival order.
//! The shared mode is the same semaphore, used by every workload.
//!
//! Each workload draws its arrivals and service times from its own random stream, at
//! arrival, so the shared and partitioned runs of one seed see exactly the same requests.
//!
//! With `record_requests` each workload keeps every request's fate (the incident drills
//! measure their SLO over the critical workload's).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::sim::engine::{EventQueue, Latency, Series, SimRng, SimTime, percentile};
use crate::sim::requests::{Fate, Request, RequestLog};

/// What a request turned away at once, with no permit and no wait allowed, is labelled.
pub const REJECTED: &str = "rejected: no free permit";
/// What a request that waited its whole `max_wait_ms` for a permit is labelled.
pub const WAITED_OUT: &str = "rejected after waiting for a permit";

/// resilience4j's `BulkheadConfig` limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkheadLimit {
    pub max_concurrent_calls: u32,
    pub max_wait_ms: f64,
}

impl Default for BulkheadLimit {
    /// resilience4j's defaults: 25 concurrent calls, no waiting.
    fn default() -> Self {
        Self {
            max_concurrent_calls: 25,
            max_wait_ms: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workload {
    pub name: String,
    /// Requests per second (Poisson); 0 for none.
    pub arrival_rate: f64,
    pub service: Latency,
    /// Service time while the "reports get slow" fault is on (only reports change).
    pub slow_service: Latency,
    /// Its own bulkhead in the partitioned mode.
    pub limit: BulkheadLimit,
}

impl Default for Workload {
    fn default() -> Self {
        Self {
            name: "workload".into(),
            arrival_rate: 1.0,
            service: Latency::Fixed(100.0),
            slow_service: Latency::Fixed(100.0),
            limit: BulkheadLimit::default(),
        }
    }
}

/// Index of each workload in [`BulkheadConfig::workloads`].
pub const CRITICAL: usize = 0;
pub const REPORTS: usize = 1;
pub const BACKGROUND: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoolMode {
    /// One pool (`shared` limit) for every workload.
    Shared,
    /// One pool per workload (each workload's `limit`).
    Partitioned,
}

/// A number of requests of one workload arriving together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Burst {
    pub at_ms: f64,
    pub workload: usize,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkheadFault {
    ReportsSlow,
    Recover,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScheduledBulkheadFault {
    pub at_ms: f64,
    pub fault: BulkheadFault,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BulkheadConfig {
    pub mode: PoolMode,
    pub shared: BulkheadLimit,
    /// Critical API, reports, background, in that order.
    pub workloads: Vec<Workload>,
    pub bursts: Vec<Burst>,
    pub faults: Vec<ScheduledBulkheadFault>,
    pub sample_ms: f64,
    /// Keep every request's fate in [`WorkloadStats::requests`] (the drills' SLO).
    pub record_requests: bool,
}

impl Default for BulkheadConfig {
    fn default() -> Self {
        let w = |name: &str, rate, median, slow, limit| Workload {
            name: name.into(),
            arrival_rate: rate,
            service: Latency::LogNormal { median, sigma: 0.3 },
            slow_service: Latency::LogNormal {
                median: slow,
                sigma: 0.2,
            },
            limit: BulkheadLimit {
                max_concurrent_calls: limit,
                max_wait_ms: 0.0,
            },
        };
        Self {
            mode: PoolMode::Partitioned,
            shared: BulkheadLimit {
                max_concurrent_calls: 18,
                max_wait_ms: 500.0,
            },
            workloads: vec![
                w("critical API", 40.0, 50.0, 50.0, 10),
                w("reports", 1.0, 800.0, 30_000.0, 5),
                w("background", 4.0, 200.0, 200.0, 3),
            ],
            bursts: Vec::new(),
            faults: Vec::new(),
            sample_ms: 1_000.0,
            record_requests: false,
        }
    }
}

impl BulkheadConfig {
    /// The same config with the other pool mode: what the comparison runs.
    pub fn with_mode(&self, mode: PoolMode) -> Self {
        Self {
            mode,
            ..self.clone()
        }
    }

    /// Parses a config (scenario) file; errors carry `line:column`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Self = ron::from_str(text)
            .map_err(|e| format!("{}:{}: {}", e.span.start.line, e.span.start.col, e.code))?;
        if let Some(b) = config
            .bursts
            .iter()
            .find(|b| b.workload >= config.workloads.len())
        {
            return Err(format!(
                "burst names workload {} which does not exist",
                b.workload
            ));
        }
        Ok(config)
    }
}

/// A semaphore bulkhead: permits in use and a FIFO of waiters.
#[derive(Debug, Clone)]
pub struct Pool {
    pub limit: BulkheadLimit,
    pub in_use: u32,
    /// (request id, workload, arrival time, service time)
    waiting: VecDeque<(u64, usize, SimTime, SimTime)>,
    /// Permits in use per workload (for drawing whose call holds a slot).
    pub in_use_by: Vec<u32>,
}

impl Pool {
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Workloads of the waiters, first in line first.
    pub fn waiting_workloads(&self) -> impl Iterator<Item = usize> + '_ {
        self.waiting.iter().map(|w| w.1)
    }
}

/// Per-workload results.
#[derive(Debug, Clone)]
pub struct WorkloadStats {
    pub arrived: u64,
    pub completed: u64,
    pub rejected: u64,
    /// Latency (queue wait + service) of the last [`RECENT`] completed requests, ms.
    recent: VecDeque<f32>,
    pub wait_total_ms: f64,
    pub latency_p50: Series,
    pub latency_p99: Series,
    /// Rejections per second.
    pub rejections: Series,
    /// Mean queue wait over the interval, ms.
    pub queue_wait: Series,
    /// Permits this workload holds, sampled (in the shared pool: its share of it).
    pub held: Series,
    requests: RequestLog,
    interval_latencies: Vec<f32>,
    interval_rejected: u32,
    interval_wait_ms: f64,
    interval_done: u32,
}

/// How many recent latencies the summary percentiles cover.
pub const RECENT: usize = 10_000;

impl WorkloadStats {
    fn new(record_requests: bool) -> Self {
        Self {
            arrived: 0,
            completed: 0,
            rejected: 0,
            recent: VecDeque::new(),
            wait_total_ms: 0.0,
            latency_p50: Series::new(2_000),
            latency_p99: Series::new(2_000),
            rejections: Series::new(2_000),
            queue_wait: Series::new(2_000),
            held: Series::new(2_000),
            requests: RequestLog::new(record_requests),
            interval_latencies: Vec::new(),
            interval_rejected: 0,
            interval_wait_ms: 0.0,
            interval_done: 0,
        }
    }

    /// Latency quantile (0 to 1) over the recent completed requests, ms.
    pub fn latency_quantile(&self, q: f64) -> f32 {
        let mut v: Vec<f32> = self.recent.iter().copied().collect();
        percentile(&mut v, q)
    }

    /// Every request's fate when `record_requests` is set, in the order they were
    /// admitted or turned away.
    pub fn requests(&self) -> &[Request] {
        self.requests.requests()
    }

    /// Mean queue wait of completed requests, ms.
    pub fn mean_wait_ms(&self) -> f64 {
        if self.completed == 0 {
            0.0
        } else {
            self.wait_total_ms / self.completed as f64
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival(usize),
    Burst(usize, u32),
    Done { pool: usize, workload: usize },
    WaitExpired { pool: usize, id: u64 },
    Fault(BulkheadFault),
    Sample,
}

/// The bulkhead simulation. Same config and seed: the same run.
#[derive(Debug, Clone)]
pub struct BulkheadSim {
    config: BulkheadConfig,
    queue: EventQueue<Event>,
    rngs: Vec<SimRng>,
    pools: Vec<Pool>,
    stats: Vec<WorkloadStats>,
    /// Pool occupancy (permits in use) per pool, sampled.
    occupancy: Vec<Series>,
    reports_slow: bool,
    next_id: u64,
    fault_log: Vec<ScheduledBulkheadFault>,
}

impl BulkheadSim {
    pub fn new(config: BulkheadConfig, seed: u64) -> Self {
        let n = config.workloads.len();
        let limits: Vec<BulkheadLimit> = match config.mode {
            PoolMode::Shared => vec![config.shared],
            PoolMode::Partitioned => config.workloads.iter().map(|w| w.limit).collect(),
        };
        let pools = limits
            .into_iter()
            .map(|limit| Pool {
                limit,
                in_use: 0,
                waiting: VecDeque::new(),
                in_use_by: vec![0; n],
            })
            .collect::<Vec<_>>();
        let mut rngs: Vec<SimRng> = (0..n as u64)
            .map(|i| SimRng::new(seed.wrapping_add(i.wrapping_mul(0x9e37_79b9_7f4a_7c15))))
            .collect();
        let mut queue = EventQueue::new();
        for (i, w) in config.workloads.iter().enumerate() {
            if w.arrival_rate > 0.0 {
                let gap = rngs[i].exponential(1000.0 / w.arrival_rate.max(1e-3));
                queue.schedule(SimTime::from_ms(gap), Event::Arrival(i));
            }
        }
        for b in &config.bursts {
            queue.schedule(SimTime::from_ms(b.at_ms), Event::Burst(b.workload, b.count));
        }
        for f in &config.faults {
            queue.schedule(SimTime::from_ms(f.at_ms), Event::Fault(f.fault));
        }
        queue.schedule(SimTime::from_ms(config.sample_ms.max(1.0)), Event::Sample);
        let occupancy = (0..pools.len()).map(|_| Series::new(2_000)).collect();
        Self {
            queue,
            rngs,
            pools,
            stats: (0..n)
                .map(|_| WorkloadStats::new(config.record_requests))
                .collect(),
            occupancy,
            reports_slow: false,
            next_id: 0,
            fault_log: Vec::new(),
            config,
        }
    }

    pub fn config(&self) -> &BulkheadConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn pools(&self) -> &[Pool] {
        &self.pools
    }

    pub fn stats(&self) -> &[WorkloadStats] {
        &self.stats
    }

    pub fn occupancy(&self) -> &[Series] {
        &self.occupancy
    }

    pub fn reports_slow(&self) -> bool {
        self.reports_slow
    }

    pub fn fault_log(&self) -> &[ScheduledBulkheadFault] {
        &self.fault_log
    }

    pub fn inject(&mut self, fault: BulkheadFault) {
        self.apply(fault);
    }

    pub fn advance_to(&mut self, until: SimTime) {
        while let Some((now, event)) = self.queue.pop_until(until) {
            self.handle(now, event);
        }
    }

    pub fn advance_ms(&mut self, ms: f64) {
        let until = self.now().plus_ms(ms);
        self.advance_to(until);
    }

    fn apply(&mut self, fault: BulkheadFault) {
        self.reports_slow = fault == BulkheadFault::ReportsSlow;
        self.fault_log.push(ScheduledBulkheadFault {
            at_ms: self.now().as_ms(),
            fault,
        });
    }

    fn pool_of(&self, workload: usize) -> usize {
        match self.config.mode {
            PoolMode::Shared => 0,
            PoolMode::Partitioned => workload,
        }
    }

    fn handle(&mut self, now: SimTime, event: Event) {
        match event {
            Event::Arrival(w) => {
                self.arrive(now, w);
                let rate = self.config.workloads[w].arrival_rate.max(1e-3);
                let gap = self.rngs[w].exponential(1000.0 / rate);
                self.queue.schedule_in(gap, Event::Arrival(w));
            }
            Event::Burst(w, count) => {
                for _ in 0..count {
                    self.arrive(now, w);
                }
            }
            Event::Done { pool, workload } => {
                let p = &mut self.pools[pool];
                p.in_use -= 1;
                p.in_use_by[workload] -= 1;
                self.admit_waiter(now, pool);
            }
            Event::WaitExpired { pool, id } => {
                let p = &mut self.pools[pool];
                if let Some(pos) = p.waiting.iter().position(|w| w.0 == id) {
                    if let Some((_, w, arrived, _)) = p.waiting.remove(pos) {
                        self.reject(w, arrived, now, WAITED_OUT);
                    }
                }
            }
            Event::Fault(f) => self.apply(f),
            Event::Sample => {
                self.sample(now);
                self.queue
                    .schedule_in(self.config.sample_ms.max(1.0), Event::Sample);
            }
        }
    }

    fn arrive(&mut self, now: SimTime, w: usize) {
        let workload = &self.config.workloads[w];
        let slow = self.reports_slow && w == REPORTS;
        let dist = if slow {
            &workload.slow_service
        } else {
            &workload.service
        };
        let service = SimTime::from_ms(dist.sample(&mut self.rngs[w]));
        self.stats[w].arrived += 1;
        let pool = self.pool_of(w);
        let p = &mut self.pools[pool];
        if p.in_use < p.limit.max_concurrent_calls {
            self.start(now, pool, w, now, service);
        } else if p.limit.max_wait_ms > 0.0 {
            let id = self.next_id;
            self.next_id += 1;
            p.waiting.push_back((id, w, now, service));
            self.queue.schedule(
                now.plus_ms(p.limit.max_wait_ms),
                Event::WaitExpired { pool, id },
            );
        } else {
            self.reject(w, now, now, REJECTED);
        }
    }

    fn start(&mut self, now: SimTime, pool: usize, w: usize, arrived: SimTime, service: SimTime) {
        let p = &mut self.pools[pool];
        p.in_use += 1;
        p.in_use_by[w] += 1;
        let wait_ms = (now.0 - arrived.0) as f64 / 1000.0;
        let latency = (wait_ms + service.as_ms()) as f32;
        let s = &mut self.stats[w];
        s.completed += 1;
        s.wait_total_ms += wait_ms;
        if s.recent.len() == RECENT {
            s.recent.pop_front();
        }
        s.recent.push_back(latency);
        s.interval_latencies.push(latency);
        s.interval_wait_ms += wait_ms;
        s.interval_done += 1;
        s.requests
            .push(arrived.as_ms(), f64::from(latency), Fate::Ok);
        self.queue.schedule(
            SimTime(now.0 + service.0),
            Event::Done { pool, workload: w },
        );
    }

    /// A permit came free: the first waiter in line takes it (fair semaphore).
    fn admit_waiter(&mut self, now: SimTime, pool: usize) {
        if let Some((_, w, arrived, service)) = self.pools[pool].waiting.pop_front() {
            self.start(now, pool, w, arrived, service);
        }
    }

    /// Turns away a request of workload `w` that arrived at `arrived`, now.
    fn reject(&mut self, w: usize, arrived: SimTime, now: SimTime, why: &'static str) {
        let s = &mut self.stats[w];
        s.rejected += 1;
        s.interval_rejected += 1;
        let waited = now.as_ms() - arrived.as_ms();
        s.requests.push(arrived.as_ms(), waited, Fate::Refused(why));
    }

    fn sample(&mut self, now: SimTime) {
        let t = now.as_secs();
        let per_sec = 1000.0 / self.config.sample_ms.max(1.0);
        for (w, s) in self.stats.iter_mut().enumerate() {
            let held: u32 = self.pools.iter().map(|p| p.in_use_by[w]).sum();
            s.held.push(t, f64::from(held));
            if !s.interval_latencies.is_empty() {
                s.latency_p50
                    .push(t, f64::from(percentile(&mut s.interval_latencies, 0.5)));
                s.latency_p99
                    .push(t, f64::from(percentile(&mut s.interval_latencies, 0.99)));
            }
            s.rejections
                .push(t, f64::from(s.interval_rejected) * per_sec);
            let wait = if s.interval_done > 0 {
                s.interval_wait_ms / f64::from(s.interval_done)
            } else {
                0.0
            };
            s.queue_wait.push(t, wait);
            s.interval_latencies.clear();
            s.interval_rejected = 0;
            s.interval_wait_ms = 0.0;
            s.interval_done = 0;
        }
        for (series, pool) in self.occupancy.iter_mut().zip(&self.pools) {
            series.push(t, f64::from(pool.in_use));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(rate: f64, ms: f64, limit: u32, wait: f64) -> Workload {
        Workload {
            name: "w".into(),
            arrival_rate: rate,
            service: Latency::Fixed(ms),
            slow_service: Latency::Fixed(ms * 100.0),
            limit: BulkheadLimit {
                max_concurrent_calls: limit,
                max_wait_ms: wait,
            },
        }
    }

    fn burst_config(limit: u32, wait: f64, count: u32) -> BulkheadConfig {
        BulkheadConfig {
            workloads: vec![fixed(0.0, 100.0, limit, wait)],
            bursts: vec![Burst {
                at_ms: 0.0,
                workload: 0,
                count,
            }],
            ..BulkheadConfig::default()
        }
    }

    #[test]
    fn defaults_are_resilience4js() {
        let d = BulkheadLimit::default();
        assert_eq!((d.max_concurrent_calls, d.max_wait_ms), (25, 0.0));
    }

    #[test]
    fn without_wait_calls_beyond_the_limit_are_rejected_at_once() {
        let mut sim = BulkheadSim::new(burst_config(3, 0.0, 5), 1);
        sim.advance_to(SimTime::from_ms(1.0));
        assert_eq!(sim.pools()[0].in_use, 3);
        assert_eq!(sim.stats()[0].rejected, 2);
        assert_eq!(sim.pools()[0].waiting(), 0);
    }

    #[test]
    fn waiters_get_permits_in_order_within_the_max_wait() {
        // Limit 2, wait 150 ms, 5 calls of 100 ms at t=0: two run, three wait; at 100 ms
        // two waiters get permits (they waited 100 ms); the fifth would be served at
        // 200 ms, past its 150 ms wait, so it is rejected at 150 ms.
        let mut sim = BulkheadSim::new(burst_config(2, 150.0, 5), 1);
        sim.advance_to(SimTime::from_ms(1.0));
        assert_eq!(sim.pools()[0].waiting(), 3);
        sim.advance_to(SimTime::from_ms(120.0));
        assert_eq!(sim.stats()[0].completed, 4);
        assert_eq!(sim.pools()[0].waiting(), 1);
        sim.advance_to(SimTime::from_ms(160.0));
        assert_eq!(sim.stats()[0].rejected, 1);
        assert!((sim.stats()[0].mean_wait_ms() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn each_request_is_recorded_once_with_its_fate_when_asked() {
        // Limit 2, wait 150 ms, 5 calls of 100 ms: two at once, two after waiting 100 ms,
        // one turned away after its 150 ms wait.
        let mut config = burst_config(2, 150.0, 5);
        assert!(
            BulkheadSim::new(config.clone(), 1).stats()[0]
                .requests()
                .is_empty()
        );
        config.record_requests = true;
        let mut sim = BulkheadSim::new(config, 1);
        sim.advance_to(SimTime::from_ms(500.0));
        let r = sim.stats()[0].requests();
        assert_eq!(r.len() as u64, sim.stats()[0].arrived);
        let ok: Vec<f64> = r
            .iter()
            .filter(|r| r.fate == Fate::Ok)
            .map(|r| r.latency_ms)
            .collect();
        assert_eq!(ok, [100.0, 100.0, 200.0, 200.0]);
        assert_eq!(r[4].fate, Fate::Refused(WAITED_OUT));
        assert_eq!(r[4].latency_ms, 150.0);
    }

    #[test]
    fn shared_and_partitioned_runs_see_the_same_requests() {
        let config = BulkheadConfig::default();
        let mut a = BulkheadSim::new(config.with_mode(PoolMode::Shared), 9);
        let mut b = BulkheadSim::new(config.with_mode(PoolMode::Partitioned), 9);
        a.advance_to(SimTime::from_secs(30.0));
        b.advance_to(SimTime::from_secs(30.0));
        for w in 0..3 {
            assert_eq!(a.stats()[w].arrived, b.stats()[w].arrived);
        }
    }

    #[test]
    fn slow_reports_starve_the_critical_api_only_in_a_shared_pool() {
        let config = BulkheadConfig {
            faults: vec![ScheduledBulkheadFault {
                at_ms: 5_000.0,
                fault: BulkheadFault::ReportsSlow,
            }],
            ..BulkheadConfig::default()
        };
        let run = |mode| {
            let mut sim = BulkheadSim::new(config.with_mode(mode), 4);
            sim.advance_to(SimTime::from_secs(60.0));
            sim
        };
        let shared = run(PoolMode::Shared);
        let parted = run(PoolMode::Partitioned);
        let crit_shared = &shared.stats()[CRITICAL];
        let crit_parted = &parted.stats()[CRITICAL];
        assert!(
            crit_shared.rejected > 100,
            "shared: {}",
            crit_shared.rejected
        );
        assert!(
            crit_parted.rejected < 10,
            "partitioned: {}",
            crit_parted.rejected
        );
        assert!(
            parted.stats()[REPORTS].rejected > 0,
            "reports hit their own wall"
        );
    }
}
