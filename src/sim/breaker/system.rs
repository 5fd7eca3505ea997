//! The system a breaker protects: clients send requests at a rate to a caller service with
//! a fixed pool of threads; each request holds a thread while it calls a dependency that
//! fails with some probability and answers after a sampled latency (cut off by a timeout).
//! The breaker sits between the caller and the dependency; a rejected call is answered at
//! once, by a fallback if there is one.
//!
//! Faults (outage, slow dependency, recovery) are inputs at a virtual time, scheduled in
//! the config or injected live; either way they land in [`BreakerSystem::fault_log`].
//! States set by hand (FORCED_OPEN, DISABLED, CLOSED) land in
//! [`BreakerSystem::manual_log`] the same way, so a run can be replayed exactly from
//! config + seed + faults + manual states.
//!
//! Every request draws its would-be dependency latency and failure at arrival, from a
//! stream separate from the arrivals, whether or not the call is made (the pool or the
//! breaker may turn it away). So the same seed
//! with and without a breaker sees the very same requests and the very same dependency
//! behaviour: only what the breaker decides differs.

use serde::{Deserialize, Serialize};

use super::{BreakerConfig, CircuitBreaker, State, Transition};
use crate::sim::engine::{EventQueue, Latency, Series, SimRng, SimTime, percentile};
use crate::sim::requests::{Fate, Request, RequestLog};

/// The dependency behind the breaker, when healthy and when slow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DependencyConfig {
    /// Chance a healthy call fails, 0 to 1.
    pub failure_probability: f64,
    pub latency: Latency,
    /// Latency while the "slow" fault is on.
    pub slow_latency: Latency,
}

impl Default for DependencyConfig {
    fn default() -> Self {
        Self {
            failure_probability: 0.02,
            latency: Latency::LogNormal {
                median: 40.0,
                sigma: 0.4,
            },
            slow_latency: Latency::LogNormal {
                median: 4_000.0,
                sigma: 0.3,
            },
        }
    }
}

/// The calling service and its clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallerConfig {
    /// Requests per second (Poisson arrivals).
    pub arrival_rate: f64,
    /// Worker threads; a request finding none free fails at once.
    pub threads: u32,
    /// The caller gives up on the dependency after this long (the call then fails).
    pub timeout_ms: f64,
    /// Answer rejected calls from a fallback (a cache, a default) instead of an error.
    pub fallback: bool,
}

impl Default for CallerConfig {
    fn default() -> Self {
        Self {
            arrival_rate: 50.0,
            threads: 20,
            timeout_ms: 2_000.0,
            fallback: true,
        }
    }
}

/// What can go wrong with the dependency, and the way back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// Every call fails (after its normal latency).
    Outage,
    /// Calls take the slow latency distribution.
    Slow,
    /// Back to healthy.
    Recover,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScheduledFault {
    pub at_ms: f64,
    pub fault: Fault,
}

/// A breaker state set by hand (an operator's override) at a virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScheduledState {
    pub at_ms: f64,
    pub state: State,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemConfig {
    pub breaker: BreakerConfig,
    /// Without it the breaker is DISABLED: every call goes through, nothing is recorded.
    pub use_breaker: bool,
    pub caller: CallerConfig,
    pub dependency: DependencyConfig,
    pub faults: Vec<ScheduledFault>,
    /// States set by hand. Ignored without a breaker, so the comparison run of the same
    /// config stays the plain "no breaker" baseline.
    pub manual: Vec<ScheduledState>,
    /// Virtual milliseconds between recorded samples of the time series.
    pub sample_ms: f64,
    /// Keep every request's fate in [`BreakerSystem::requests`] (the drills' SLO).
    pub record_requests: bool,
}

impl Default for SystemConfig {
    fn default() -> Self {
        Self {
            breaker: BreakerConfig::default(),
            use_breaker: true,
            caller: CallerConfig::default(),
            dependency: DependencyConfig::default(),
            faults: Vec::new(),
            manual: Vec::new(),
            sample_ms: 1_000.0,
            record_requests: false,
        }
    }
}

/// Running totals since the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SystemStats {
    pub arrivals: u64,
    /// Calls the breaker let through to the dependency.
    pub permitted: u64,
    pub rejected_by_breaker: u64,
    /// Requests that found every caller thread busy.
    pub rejected_by_pool: u64,
    pub succeeded: u64,
    /// Dependency calls that failed, timeouts included.
    pub failed: u64,
    pub timed_out: u64,
    /// Rejected calls answered by the fallback.
    pub fallbacks: u64,
}

impl SystemStats {
    /// Requests that got a useful answer (a success or a fallback).
    pub fn answered(&self) -> u64 {
        self.succeeded + self.fallbacks
    }
}

/// Time series the views plot; x is virtual seconds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SystemSeries {
    /// Breaker failure rate in percent (no point while it is not calculable).
    pub failure_rate: Series,
    pub slow_rate: Series,
    /// Calls per second let through and rejected by the breaker.
    pub permitted: Series,
    pub rejected: Series,
    /// Requests per second that found no free thread.
    pub pool_rejected: Series,
    /// Caller threads busy at the sample time.
    pub threads_busy: Series,
    /// Latency the clients saw over the interval, ms.
    pub latency_p50: Series,
    pub latency_p99: Series,
}

const SERIES_POINTS: usize = 2_000;
/// Transitions kept for display; older ones are dropped.
const TRANSITIONS_KEPT: usize = 256;

impl SystemSeries {
    fn new() -> Self {
        let s = || Series::new(SERIES_POINTS);
        Self {
            failure_rate: s(),
            slow_rate: s(),
            permitted: s(),
            rejected: s(),
            pool_rejected: s(),
            threads_busy: s(),
            latency_p50: s(),
            latency_p99: s(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Event {
    /// A dependency call ends and frees its thread.
    Done {
        failed: bool,
        held: SimTime,
    },
    BreakerTimer,
    Fault(Fault),
    SetState(State),
    Sample,
}

/// Counters over the current sample interval.
#[derive(Debug, Clone, Default)]
struct Interval {
    permitted: u32,
    rejected: u32,
    pool_rejected: u32,
    latencies: Vec<f32>,
}

/// The whole simulated system. Same config and seed: the same run.
#[derive(Debug, Clone)]
pub struct BreakerSystem {
    config: SystemConfig,
    /// Every event but arrivals. Arrivals are the bulk of the work and always come one at
    /// a time, so the next one is kept aside instead of going through the heap.
    queue: EventQueue<Event>,
    next_arrival: Option<SimTime>,
    clock: SimTime,
    arrivals_rng: SimRng,
    dependency_rng: SimRng,
    breaker: CircuitBreaker,
    busy: u32,
    health: Fault,
    stats: SystemStats,
    series: SystemSeries,
    interval: Interval,
    transitions: Vec<Transition>,
    fault_log: Vec<ScheduledFault>,
    manual_log: Vec<ScheduledState>,
    timer_at: Option<SimTime>,
    requests: RequestLog,
}

/// Keeps the two random streams apart while deriving both from one seed.
const DEPENDENCY_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;

impl BreakerSystem {
    pub fn new(config: SystemConfig, seed: u64) -> Self {
        let mut breaker = CircuitBreaker::new(config.breaker.clone());
        if !config.use_breaker {
            breaker.set_state(SimTime::ZERO, State::Disabled);
        }
        let mut queue = EventQueue::new();
        let mut arrivals_rng = SimRng::new(seed);
        let next_arrival = (config.caller.arrival_rate > 0.0).then(|| {
            SimTime::from_ms(
                arrivals_rng.exponential(1000.0 / config.caller.arrival_rate.max(1e-3)),
            )
        });
        for f in &config.faults {
            queue.schedule(SimTime::from_ms(f.at_ms), Event::Fault(f.fault));
        }
        if config.use_breaker {
            for m in &config.manual {
                queue.schedule(SimTime::from_ms(m.at_ms), Event::SetState(m.state));
            }
        }
        queue.schedule(SimTime::from_ms(config.sample_ms.max(1.0)), Event::Sample);
        Self {
            queue,
            next_arrival,
            clock: SimTime::ZERO,
            arrivals_rng,
            dependency_rng: SimRng::new(seed ^ DEPENDENCY_STREAM),
            breaker,
            busy: 0,
            health: Fault::Recover,
            stats: SystemStats::default(),
            series: SystemSeries::new(),
            interval: Interval::default(),
            transitions: Vec::new(),
            fault_log: Vec::new(),
            manual_log: Vec::new(),
            timer_at: None,
            requests: RequestLog::new(config.record_requests),
            config,
        }
    }

    pub fn config(&self) -> &SystemConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.clock
    }

    /// Every request's fate, in arrival order, when `record_requests` is set.
    pub fn requests(&self) -> &[Request] {
        self.requests.requests()
    }

    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// Current breaker rates (needs `&mut`: a time window slides to now first).
    pub fn breaker_rates(&mut self) -> Option<(f32, f32)> {
        let now = self.now();
        self.breaker.rates(now)
    }

    pub fn stats(&self) -> &SystemStats {
        &self.stats
    }

    pub fn series(&self) -> &SystemSeries {
        &self.series
    }

    pub fn threads_busy(&self) -> u32 {
        self.busy
    }

    /// The dependency's current condition (`Recover` means healthy).
    pub fn health(&self) -> Fault {
        self.health
    }

    /// The most recent state changes, oldest first.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// Every fault applied so far, with its time: feed it back as `config.faults` to replay.
    pub fn fault_log(&self) -> &[ScheduledFault] {
        &self.fault_log
    }

    /// Applies a fault now (a button in the view).
    pub fn inject(&mut self, fault: Fault) {
        self.apply_fault(fault);
    }

    /// Every state set by hand so far, with its time: feed it back as `config.manual`.
    pub fn manual_log(&self) -> &[ScheduledState] {
        &self.manual_log
    }

    /// Forces the breaker into a state by hand (DISABLED, FORCED_OPEN, CLOSED...).
    pub fn set_breaker_state(&mut self, state: State) {
        let now = self.now();
        self.manual_log.push(ScheduledState {
            at_ms: now.as_ms(),
            state,
        });
        if let Some(t) = self.breaker.set_state(now, state) {
            self.note(t);
        }
        self.arm_timer();
    }

    /// Runs every event up to and including `until`, then sets the clock there.
    pub fn advance_to(&mut self, until: SimTime) {
        loop {
            let arrival = self
                .next_arrival
                .filter(|&a| a <= until && self.queue.peek_time().is_none_or(|e| a < e));
            if let Some(at) = arrival {
                self.clock = at;
                self.on_arrival(at);
                // Only ever set when the rate is positive (see `new`).
                let gap = self
                    .arrivals_rng
                    .exponential(1000.0 / self.config.caller.arrival_rate.max(1e-3));
                self.next_arrival = Some(at.plus_ms(gap));
                self.arm_timer();
            } else if let Some((now, event)) = self.queue.pop_until(until) {
                self.clock = now;
                self.handle(now, event);
            } else {
                break;
            }
        }
        self.clock = self.clock.max(until);
    }

    pub fn advance_ms(&mut self, ms: f64) {
        let until = self.now().plus_ms(ms);
        self.advance_to(until);
    }

    fn apply_fault(&mut self, fault: Fault) {
        self.health = fault;
        self.fault_log.push(ScheduledFault {
            at_ms: self.now().as_ms(),
            fault,
        });
    }

    fn note(&mut self, t: Transition) {
        if self.transitions.len() == TRANSITIONS_KEPT {
            self.transitions.remove(0);
        }
        self.transitions.push(t);
    }

    /// Makes sure a timer event is pending for the breaker's next timer, if it has one.
    fn arm_timer(&mut self) {
        let next = self.breaker.next_timer();
        if next.is_some() && next != self.timer_at {
            self.timer_at = next;
            if let Some(at) = next {
                self.queue.schedule(at, Event::BreakerTimer);
            }
        }
    }

    fn handle(&mut self, now: SimTime, event: Event) {
        match event {
            Event::Done { failed, held } => {
                self.busy -= 1;
                if failed {
                    self.stats.failed += 1;
                } else {
                    self.stats.succeeded += 1;
                }
                self.interval.latencies.push(held.as_ms() as f32);
                if let Some(t) = self.breaker.on_result(now, failed, held) {
                    self.note(t);
                }
            }
            Event::BreakerTimer => {
                if self.timer_at.is_some_and(|t| t <= now) {
                    self.timer_at = None;
                }
                if let Some(t) = self.breaker.poll_timers(now) {
                    self.note(t);
                }
            }
            Event::Fault(f) => self.apply_fault(f),
            Event::SetState(state) => self.set_breaker_state(state),
            Event::Sample => {
                self.sample(now);
                self.queue
                    .schedule(now.plus_ms(self.config.sample_ms.max(1.0)), Event::Sample);
            }
        }
        self.arm_timer();
    }

    fn on_arrival(&mut self, now: SimTime) {
        self.stats.arrivals += 1;
        // Drawn for every request, used or not: see the module doc. Which distribution
        // applies depends only on the faults, never on the breaker, so both runs of a
        // comparison draw the same numbers.
        let dep = &self.config.dependency;
        let latency = match self.health {
            Fault::Slow => dep.slow_latency.sample(&mut self.dependency_rng),
            Fault::Outage | Fault::Recover => dep.latency.sample(&mut self.dependency_rng),
        };
        let unlucky = self.dependency_rng.chance(dep.failure_probability);

        let at_ms = now.as_ms();
        if self.busy >= self.config.caller.threads {
            self.stats.rejected_by_pool += 1;
            self.interval.pool_rejected += 1;
            self.requests
                .push(at_ms, 0.0, Fate::Refused("no free thread"));
            return;
        }
        let (permitted, lazy) = self.breaker.try_acquire(now);
        if let Some(t) = lazy {
            self.note(t);
        }
        if !permitted {
            self.stats.rejected_by_breaker += 1;
            self.interval.rejected += 1;
            if self.config.caller.fallback {
                self.stats.fallbacks += 1;
                self.interval.latencies.push(0.0);
                self.requests.push(at_ms, 0.0, Fate::Fallback);
            } else {
                self.requests
                    .push(at_ms, 0.0, Fate::Refused("refused by the breaker"));
            }
            return;
        }
        self.stats.permitted += 1;
        self.interval.permitted += 1;
        let timeout = self.config.caller.timeout_ms;
        let timed_out = latency > timeout;
        if timed_out {
            self.stats.timed_out += 1;
        }
        let failed = timed_out || unlucky || self.health == Fault::Outage;
        let held = SimTime::from_ms(latency.min(timeout));
        let fate = if timed_out {
            Fate::Failed("timed out")
        } else if failed {
            Fate::Failed("error from the dependency")
        } else {
            Fate::Ok
        };
        self.requests.push(at_ms, held.as_ms(), fate);
        self.busy += 1;
        self.queue
            .schedule(SimTime(now.0 + held.0), Event::Done { failed, held });
    }

    fn sample(&mut self, now: SimTime) {
        let t = now.as_secs();
        let per_sec = 1000.0 / self.config.sample_ms.max(1.0);
        let s = &mut self.series;
        if let Some((fail, slow)) = self.breaker.rates(now) {
            s.failure_rate.push(t, f64::from(fail));
            s.slow_rate.push(t, f64::from(slow));
        } else {
            s.failure_rate.push_gap(t);
            s.slow_rate.push_gap(t);
        }
        let iv = &mut self.interval;
        s.permitted.push(t, f64::from(iv.permitted) * per_sec);
        s.rejected.push(t, f64::from(iv.rejected) * per_sec);
        s.pool_rejected
            .push(t, f64::from(iv.pool_rejected) * per_sec);
        s.threads_busy.push(t, f64::from(self.busy));
        if !iv.latencies.is_empty() {
            s.latency_p50
                .push(t, f64::from(percentile(&mut iv.latencies, 0.50)));
            s.latency_p99
                .push(t, f64::from(percentile(&mut iv.latencies, 0.99)));
        } else {
            s.latency_p50.push_gap(t);
            s.latency_p99.push_gap(t);
        }
        iv.permitted = 0;
        iv.rejected = 0;
        iv.pool_rejected = 0;
        iv.latencies.clear();
    }
}
