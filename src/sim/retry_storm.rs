//! A retry storm: a server comes back from an outage while its clients keep retrying.
//!
//! Users send requests (Poisson arrivals) to a server with a fixed number of workers and a
//! bounded FIFO queue. During the outage the server answers nothing (tries are lost, as
//! when a host hangs or drops packets). A client waits at most `client_timeout_ms` for an
//! answer; on a failure (timed out, or refused because the queue is full) it retries after
//! a backoff, up to `max_attempts` tries in all. The server does not know when a client has
//! given up, so it still serves requests nobody waits for any more: wasted work.
//!
//! Why a storm outlives the outage: during the outage each user request turns into
//! `max_attempts` tries, so the offered load is a multiple of the real demand. When the
//! server returns, that load is above its capacity, the queue fills, waits pass the
//! client timeout, every answer comes too late, and each late answer causes another retry.
//! The server is busy all the time and almost nothing succeeds, even though the real
//! demand fits its capacity (a metastable failure). A retry budget, a token bucket that
//! every retry must take a token from, caps the extra load at its refill rate; the queue
//! then drains and the service recovers.
//!
//! With `record_requests` the model also keeps each user request's fate (answered, even
//! on a retry, or given up and why) and each try's story (sent, queued, served, how its
//! client saw it end), for the retry-storm drill's SLO and traces; off, it costs nothing.

use std::collections::VecDeque;

use super::backoff::{Algorithm, Backoff};
use super::engine::{EventQueue, Latency, Series, SimRng, SimTime};
use super::requests::{Fate, Request as Recorded, RequestLog};

/// Settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct StormConfig {
    /// New user requests per second.
    pub demand_per_sec: f64,
    pub workers: u32,
    pub service: Latency,
    /// Requests that may wait for a worker; more are refused at once.
    pub queue_limit: usize,
    pub client_timeout_ms: f64,
    /// Tries per user request, the first included.
    pub max_attempts: u32,
    /// Backoff between tries.
    pub backoff: Algorithm,
    pub backoff_base_ms: f64,
    pub backoff_cap_ms: f64,
    /// When the server goes down, and for how long, in seconds.
    pub outage_start_s: f64,
    pub outage_len_s: f64,
    /// The retry budget, if any.
    pub budget: Option<RetryBudget>,
    /// Width of one bucket of the recorded series, in seconds.
    pub bucket_s: f64,
    /// Keep every user request's fate ([`StormSim::requests`]) and every try's story
    /// ([`StormSim::tries`]), for the drills' SLO and traces.
    pub record_requests: bool,
}

/// A token bucket for retries: it starts full, refills at `per_sec`, holds at most
/// `burst`; a retry is sent only if it can take a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryBudget {
    pub per_sec: f64,
    pub burst: f64,
}

/// The fate labels of a user request that was not answered.
pub const GAVE_UP: &str = "gave up: every try failed";
pub const NO_BUDGET: &str = "gave up: the retry budget was empty";

/// How a try ended for its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryEnd {
    /// The client is still waiting (the run ended first).
    Pending,
    Answered,
    /// No answer within the client timeout: lost in the outage, or still queued.
    TimedOut,
    /// The queue was full.
    Refused,
}

/// One try of a user request, as recorded with `record_requests` (times in ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TryRecord {
    /// The user request's index, in arrival order.
    pub request: u32,
    /// 1 for the first try.
    pub number: u32,
    pub sent_ms: f64,
    /// When a worker took it up, if one did.
    pub started_ms: Option<f64>,
    /// When a worker finished it, if one did: after `ended_ms` nobody waited for it.
    pub served_ms: Option<f64>,
    /// When the client stopped waiting (NaN while pending).
    pub ended_ms: f64,
    pub end: TryEnd,
    /// The outage lost it: sent while the server was down, or inside the server (queued
    /// or being served) when it went down.
    pub lost: bool,
}

impl Default for StormConfig {
    fn default() -> Self {
        Self {
            demand_per_sec: 80.0,
            workers: 10,
            service: Latency::LogNormal {
                median: 95.0,
                sigma: 0.3,
            },
            queue_limit: 2000,
            client_timeout_ms: 1000.0,
            max_attempts: 4,
            backoff: Algorithm::FullJitter,
            backoff_base_ms: 100.0,
            backoff_cap_ms: 2000.0,
            outage_start_s: 10.0,
            outage_len_s: 10.0,
            budget: None,
            bucket_s: 0.5,
            record_requests: false,
        }
    }
}

impl StormConfig {
    /// Requests per second the workers can finish, from the mean service time.
    pub fn capacity_per_sec(&self) -> f64 {
        self.workers as f64 * 1000.0 / self.service.mean().max(1e-9)
    }

    /// The same settings with the usual budget: 10% of the demand per second.
    pub fn with_budget(mut self) -> Self {
        self.budget = Some(RetryBudget {
            per_sec: self.demand_per_sec * 0.1,
            burst: self.demand_per_sec * 0.1,
        });
        self
    }
}

/// A setting that makes no sense.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StormError {
    #[error("demand must be a positive number of requests per second, got {0}")]
    Demand(f64),
    #[error("the server needs at least one worker")]
    Workers,
    #[error("a user request needs at least one attempt")]
    Attempts,
    #[error("the bucket width must be positive, got {0} s")]
    Bucket(f64),
    #[error(transparent)]
    Backoff(#[from] super::backoff::BackoffError),
}

#[derive(Debug, Clone, Copy)]
enum Event {
    /// A new user request.
    Demand,
    /// A try of `request` reaches the server.
    Try {
        request: u32,
    },
    /// A worker finishes the try `attempt`.
    Served {
        attempt: u32,
        epoch: u32,
    },
    /// The client stops waiting for `attempt`.
    Timeout {
        attempt: u32,
    },
    /// A refusal reaches the client.
    Refused {
        attempt: u32,
    },
    OutageStart,
    OutageEnd,
}

#[derive(Debug, Clone)]
struct Request {
    tries: u32,
    backoff: Backoff,
    started: SimTime,
}

#[derive(Debug, Clone, Copy)]
struct Attempt {
    request: u32,
    /// The client has its answer or gave up; later news about this try is ignored.
    settled: bool,
}

/// Counts within the current bucket.
#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    fresh: u32,
    retries: u32,
    ok: u32,
    failed: u32,
    wasted: u32,
    latency_sum_ms: f64,
}

/// The recorded series (x in seconds).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StormSeries {
    /// Tries reaching the server per second: new requests plus retries.
    pub offered: Series,
    pub fresh: Series,
    pub retries: Series,
    /// User requests answered in time, per second.
    pub goodput: Series,
    /// Requests finished by the server after their client left, per second.
    pub wasted: Series,
    /// Of the user requests that ended in the bucket, the share that succeeded (0-100 %).
    pub success_pct: Series,
    pub queue: Series,
    pub busy_workers: Series,
    pub tokens: Series,
    /// Mean latency of successful user requests (first try to answer), ms.
    pub latency_ms: Series,
}

impl StormSeries {
    fn new() -> Self {
        let s = || Series::new(2048);
        Self {
            offered: s(),
            fresh: s(),
            retries: s(),
            goodput: s(),
            wasted: s(),
            success_pct: s(),
            queue: s(),
            busy_workers: s(),
            tokens: s(),
            latency_ms: s(),
        }
    }
}

/// Totals since the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct StormTotals {
    pub requests: u64,
    pub tries: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub wasted: u64,
    /// Retries the budget refused.
    pub budget_denied: u64,
}

/// The retry-storm model; see the module docs.
#[derive(Debug, Clone)]
pub struct StormSim {
    config: StormConfig,
    rng: SimRng,
    queue: EventQueue<Event>,
    /// A fresh backoff state, cloned for each user request.
    backoff: Backoff,
    requests: Vec<Request>,
    attempts: Vec<Attempt>,
    waiting: VecDeque<u32>,
    busy: u32,
    down: bool,
    /// Bumped at each outage so work cut off by it is recognised when its event fires.
    epoch: u32,
    tokens: f64,
    tokens_at: SimTime,
    bucket: Bucket,
    bucket_end: SimTime,
    series: StormSeries,
    totals: StormTotals,
    log: RequestLog,
    /// Indexed like `attempts`; empty unless `record_requests`.
    tries: Vec<TryRecord>,
}

impl StormSim {
    pub fn new(config: StormConfig, seed: u64) -> Result<Self, StormError> {
        if !(config.demand_per_sec.is_finite() && config.demand_per_sec > 0.0) {
            return Err(StormError::Demand(config.demand_per_sec));
        }
        if config.workers == 0 {
            return Err(StormError::Workers);
        }
        if config.max_attempts == 0 {
            return Err(StormError::Attempts);
        }
        if !(config.bucket_s.is_finite() && config.bucket_s > 0.0) {
            return Err(StormError::Bucket(config.bucket_s));
        }
        let backoff = Backoff::new(
            config.backoff,
            config.backoff_base_ms,
            config.backoff_cap_ms,
        )?;
        let mut queue = EventQueue::new();
        queue.schedule(SimTime::ZERO, Event::Demand);
        if config.outage_len_s > 0.0 {
            queue.schedule(
                SimTime::from_secs(config.outage_start_s),
                Event::OutageStart,
            );
            queue.schedule(
                SimTime::from_secs(config.outage_start_s + config.outage_len_s),
                Event::OutageEnd,
            );
        }
        Ok(Self {
            rng: SimRng::new(seed),
            queue,
            backoff,
            requests: Vec::new(),
            attempts: Vec::new(),
            waiting: VecDeque::new(),
            busy: 0,
            down: false,
            epoch: 0,
            tokens: config.budget.map_or(0.0, |b| b.burst),
            tokens_at: SimTime::ZERO,
            bucket: Bucket::default(),
            bucket_end: SimTime::from_secs(config.bucket_s),
            series: StormSeries::new(),
            totals: StormTotals::default(),
            log: RequestLog::new(config.record_requests),
            tries: Vec::new(),
            config,
        })
    }

    pub fn config(&self) -> &StormConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn series(&self) -> &StormSeries {
        &self.series
    }

    pub fn totals(&self) -> StormTotals {
        self.totals
    }

    pub fn queue_len(&self) -> usize {
        self.waiting.len()
    }

    pub fn busy_workers(&self) -> u32 {
        self.busy
    }

    pub fn is_down(&self) -> bool {
        self.down
    }

    /// Every user request that ended, with its fate, in the order they ended, when
    /// `record_requests` is set. Latency runs from the first try to the answer or to
    /// giving up, so a request answered on a retry counts its earlier tries' time.
    pub fn requests(&self) -> &[Recorded] {
        self.log.requests()
    }

    /// Every try, in the order sent, when `record_requests` is set.
    pub fn tries(&self) -> &[TryRecord] {
        &self.tries
    }

    /// Tokens in the retry budget now (0 without a budget).
    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Advances virtual time to `until`, handling every event due by then.
    pub fn step_until(&mut self, until: SimTime) {
        loop {
            let next = self.queue.peek_time().filter(|&t| t <= until);
            // Close every bucket that ends before the next event (or the horizon).
            let horizon = next.unwrap_or(until);
            while self.bucket_end <= horizon {
                self.close_bucket();
            }
            match next {
                Some(_) => {
                    if let Some((at, event)) = self.queue.pop() {
                        self.handle(at, event);
                    }
                }
                None => break,
            }
        }
        self.queue.pop_until(until);
    }

    fn close_bucket(&mut self) {
        let t = self.bucket_end.as_secs();
        let width = self.config.bucket_s;
        let b = std::mem::take(&mut self.bucket);
        let s = &mut self.series;
        s.fresh.push(t, b.fresh as f64 / width);
        s.retries.push(t, b.retries as f64 / width);
        s.offered.push(t, (b.fresh + b.retries) as f64 / width);
        s.goodput.push(t, b.ok as f64 / width);
        s.wasted.push(t, b.wasted as f64 / width);
        let ended = b.ok + b.failed;
        if ended > 0 {
            s.success_pct.push(t, 100.0 * b.ok as f64 / ended as f64);
        } else {
            s.success_pct.push_gap(t);
        }
        if b.ok > 0 {
            s.latency_ms.push(t, b.latency_sum_ms / b.ok as f64);
        } else {
            s.latency_ms.push_gap(t);
        }
        s.queue.push(t, self.waiting.len() as f64);
        s.busy_workers.push(t, self.busy as f64);
        self.refill(self.bucket_end);
        self.series.tokens.push(t, self.tokens);
        self.bucket_end = SimTime::from_secs(t + width);
    }

    fn handle(&mut self, at: SimTime, event: Event) {
        match event {
            Event::Demand => {
                let gap = self.rng.exponential(1000.0 / self.config.demand_per_sec);
                self.queue.schedule_in(gap, Event::Demand);
                let request = self.requests.len() as u32;
                self.requests.push(Request {
                    tries: 0,
                    backoff: self.backoff.clone(),
                    started: at,
                });
                self.totals.requests += 1;
                self.bucket.fresh += 1;
                self.arrive(request);
            }
            Event::Try { request } => {
                self.bucket.retries += 1;
                self.arrive(request);
            }
            Event::Served { attempt, epoch } => {
                if epoch != self.epoch {
                    self.mark_lost(attempt);
                    return; // cut off by an outage
                }
                self.busy -= 1;
                if let Some(t) = self.tries.get_mut(attempt as usize) {
                    t.served_ms = Some(at.as_ms());
                }
                let a = &mut self.attempts[attempt as usize];
                if a.settled {
                    self.bucket.wasted += 1;
                    self.totals.wasted += 1;
                } else {
                    a.settled = true;
                    let started = self.requests[a.request as usize].started;
                    let latency_ms = at.as_ms() - started.as_ms();
                    self.bucket.ok += 1;
                    self.bucket.latency_sum_ms += latency_ms;
                    self.totals.succeeded += 1;
                    self.log.push(started.as_ms(), latency_ms, Fate::Ok);
                    self.end_try(attempt, at, TryEnd::Answered);
                }
                self.start_next();
            }
            Event::Timeout { attempt } | Event::Refused { attempt } => {
                let a = &mut self.attempts[attempt as usize];
                if !a.settled {
                    a.settled = true;
                    let request = a.request;
                    let end = match event {
                        Event::Refused { .. } => TryEnd::Refused,
                        _ => TryEnd::TimedOut,
                    };
                    self.end_try(attempt, at, end);
                    self.retry_or_fail(request);
                }
            }
            Event::OutageStart => {
                self.down = true;
                self.epoch += 1;
                self.busy = 0;
                // Everything in the server is lost; clients hear of it by their timeouts.
                for attempt in std::mem::take(&mut self.waiting) {
                    self.mark_lost(attempt);
                }
            }
            Event::OutageEnd => self.down = false,
        }
    }

    /// A try of `request` reaches the server.
    fn arrive(&mut self, request: u32) {
        self.totals.tries += 1;
        self.requests[request as usize].tries += 1;
        let attempt = self.attempts.len() as u32;
        self.attempts.push(Attempt {
            request,
            settled: false,
        });
        if self.config.record_requests {
            self.tries.push(TryRecord {
                request,
                number: self.requests[request as usize].tries,
                sent_ms: self.queue.now().as_ms(),
                started_ms: None,
                served_ms: None,
                ended_ms: f64::NAN,
                end: TryEnd::Pending,
                lost: self.down,
            });
        }
        if !self.down && self.waiting.len() >= self.config.queue_limit {
            // Refused: the client hears of it after a short network round trip.
            self.queue.schedule_in(5.0, Event::Refused { attempt });
            return;
        }
        self.queue
            .schedule_in(self.config.client_timeout_ms, Event::Timeout { attempt });
        if self.down {
            return; // lost: the client only learns of it by its timeout
        }
        self.waiting.push_back(attempt);
        self.start_next();
    }

    /// Gives free workers the oldest waiting tries.
    fn start_next(&mut self) {
        while self.busy < self.config.workers {
            let Some(attempt) = self.waiting.pop_front() else {
                return;
            };
            self.busy += 1;
            if let Some(t) = self.tries.get_mut(attempt as usize) {
                t.started_ms = Some(self.queue.now().as_ms());
            }
            let service = self.config.service.sample(&mut self.rng);
            let epoch = self.epoch;
            self.queue
                .schedule_in(service, Event::Served { attempt, epoch });
        }
    }

    fn refill(&mut self, at: SimTime) {
        if let Some(budget) = self.config.budget {
            let dt = at.as_secs() - self.tokens_at.as_secs();
            self.tokens = (self.tokens + dt * budget.per_sec).min(budget.burst);
        }
        self.tokens_at = self.tokens_at.max(at);
    }

    fn retry_or_fail(&mut self, request: u32) {
        let now = self.queue.now();
        let r = &mut self.requests[request as usize];
        if r.tries >= self.config.max_attempts {
            self.fail(request, GAVE_UP);
            return;
        }
        if self.config.budget.is_some() {
            self.refill(now);
            if self.tokens < 1.0 {
                self.totals.budget_denied += 1;
                self.fail(request, NO_BUDGET);
                return;
            }
            self.tokens -= 1.0;
        }
        let r = &mut self.requests[request as usize];
        let delay = r.backoff.next_delay_ms(r.tries, &mut self.rng);
        self.queue.schedule_in(delay, Event::Try { request });
    }

    fn fail(&mut self, request: u32, why: &'static str) {
        self.bucket.failed += 1;
        self.totals.failed += 1;
        let started = self.requests[request as usize].started.as_ms();
        let now = self.queue.now().as_ms();
        self.log.push(started, now - started, Fate::Failed(why));
    }

    fn mark_lost(&mut self, attempt: u32) {
        if let Some(t) = self.tries.get_mut(attempt as usize) {
            t.lost = true;
        }
    }

    /// Notes how a recorded try ended for its client.
    fn end_try(&mut self, attempt: u32, at: SimTime, end: TryEnd) {
        if let Some(t) = self.tries.get_mut(attempt as usize) {
            t.ended_ms = at.as_ms();
            t.end = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(config: StormConfig, secs: f64) -> StormSim {
        let mut sim = StormSim::new(config, 7).unwrap();
        sim.step_until(SimTime::from_secs(secs));
        sim
    }

    #[test]
    fn without_an_outage_the_demand_is_served() {
        let config = StormConfig {
            outage_len_s: 0.0,
            ..Default::default()
        };
        let sim = run(config, 30.0);
        let s = sim.series();
        assert!(s.success_pct.mean_between(2.0, 30.0) > 99.0);
        assert!(s.retries.mean_between(2.0, 30.0) < 2.0);
    }

    #[test]
    fn retries_multiply_the_load_and_the_storm_outlives_the_outage() {
        let sim = run(StormConfig::default(), 60.0);
        let s = sim.series();
        let c = sim.config();
        // During the outage each request is tried up to four times.
        assert!(s.offered.mean_between(12.0, 20.0) > 2.5 * c.demand_per_sec);
        // Long after the server is back, the load is still above its capacity and almost
        // nothing succeeds, while the server is saturated doing wasted work.
        assert!(s.offered.mean_between(40.0, 60.0) > c.capacity_per_sec());
        assert!(s.success_pct.mean_between(40.0, 60.0) < 20.0);
        assert!(s.wasted.mean_between(40.0, 60.0) > 0.5 * c.capacity_per_sec());
    }

    #[test]
    fn a_retry_budget_caps_the_extra_load_and_the_service_recovers() {
        let sim = run(StormConfig::default().with_budget(), 60.0);
        let s = sim.series();
        let c = sim.config();
        let cap = c.demand_per_sec + c.budget.map_or(0.0, |b| b.per_sec);
        assert!(s.offered.mean_between(12.0, 20.0) < cap * 1.15);
        assert!(s.success_pct.mean_between(30.0, 60.0) > 97.0);
        assert!(sim.totals().budget_denied > 0);
    }

    #[test]
    fn same_seed_same_storm() {
        let a = run(StormConfig::default(), 30.0).totals();
        let b = run(StormConfig::default(), 30.0).totals();
        assert_eq!(a, b);
    }

    #[test]
    fn bad_settings_are_refused() {
        let bad = StormConfig {
            workers: 0,
            ..Default::default()
        };
        assert_eq!(StormSim::new(bad, 1).err(), Some(StormError::Workers));
    }

    fn recorded(config: StormConfig) -> StormSim {
        run(
            StormConfig {
                record_requests: true,
                ..config
            },
            60.0,
        )
    }

    #[test]
    fn recording_changes_nothing_the_pages_see() {
        let plain = run(StormConfig::default().with_budget(), 60.0);
        let rec = recorded(StormConfig::default().with_budget());
        assert_eq!(plain.totals(), rec.totals());
        assert_eq!(
            plain.series().offered.points(),
            rec.series().offered.points()
        );
        assert!(plain.requests().is_empty() && plain.tries().is_empty());
    }

    /// Each request's fate is what its tries say: answered by its last try (latency from
    /// the first try's sending), or given up with the reason.
    #[test]
    fn fates_follow_the_tries() {
        let sim = recorded(StormConfig::default().with_budget());
        let t = sim.totals();
        let ok = sim.requests().iter().filter(|r| r.fate == Fate::Ok).count() as u64;
        assert_eq!(ok, t.succeeded);
        assert_eq!(sim.requests().len() as u64, t.succeeded + t.failed);
        let denied = sim
            .requests()
            .iter()
            .filter(|r| r.fate == Fate::Failed(NO_BUDGET))
            .count() as u64;
        assert_eq!(denied, t.budget_denied);
        assert_eq!(sim.tries().len() as u64, t.tries);

        // A request answered on a retry is Ok, and its latency counts the earlier tries.
        let retried = sim
            .tries()
            .iter()
            .find(|x| x.number > 1 && x.end == TryEnd::Answered)
            .unwrap();
        let first = sim
            .tries()
            .iter()
            .find(|x| x.request == retried.request && x.number == 1)
            .unwrap();
        let r = sim
            .requests()
            .iter()
            .find(|r| r.at_ms == first.sent_ms)
            .unwrap();
        assert_eq!(r.fate, Fate::Ok);
        assert!((r.latency_ms - (retried.ended_ms - first.sent_ms)).abs() < 1e-6);
    }

    #[test]
    fn tries_in_the_outage_are_lost_and_late_work_is_marked() {
        let sim = recorded(StormConfig::default());
        let c = sim.config();
        let (from, to) = (
            c.outage_start_s * 1000.0,
            (c.outage_start_s + c.outage_len_s) * 1000.0,
        );
        let lost = |x: &&TryRecord| x.sent_ms >= from && x.sent_ms < to;
        assert!(
            sim.tries()
                .iter()
                .filter(lost)
                .all(|x| x.lost && x.end == TryEnd::TimedOut && x.served_ms.is_none())
        );
        // In the storm, tries are served after their clients gave up.
        let wasted = sim
            .tries()
            .iter()
            .filter(|x| x.end == TryEnd::TimedOut && x.served_ms.is_some())
            .count() as u64;
        assert_eq!(wasted, sim.totals().wasted);
    }
}
