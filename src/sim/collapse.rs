//! Congestive collapse, a metastable failure: the experiment of Marc Brooker's
//! `simple_collapse_sim` (`mbrooker/simulator_example`), rebuilt on the shared engine.
//!
//! A server has no queue and no limit: it starts every request at once, and a request
//! takes `base_s + slope_s * in_flight` (in flight counted with itself, fixed when it
//! starts), a rough stand-in for the coordination costs that grow with concurrency. Each
//! message crosses the network with an exponential delay. A client waits `timeout_s` for
//! the answer to its current attempt, counted from when it decides to send it (any backoff
//! wait included); on a timeout it sends another attempt, up to `max_attempts` in all, and
//! an answer to an attempt that has timed out is ignored (as most real clients do), though
//! the server did the work.
//!
//! Why it collapses: at 40 requests/s about 67 requests are in flight and each takes about
//! 1.7 s, inside the 3 s timeout. At 80/s the in-flight count grows past the point where
//! requests take longer than the timeout; every attempt then times out, and each timeout
//! adds a retry, so the server sees up to three times the offered load. When the spike
//! ends, that retry load alone keeps it past the timeout: the failure sustains itself
//! (metastable) although the demand is back where it was fine. Backoff with jitter
//! (uniform up to 20 s before the second attempt, up to 40 s before the third) spreads the
//! retries out so that the in-flight count falls back and the server recovers; a long ramp
//! to 80/s, though, keeps the demand alone above what the server can do for long enough
//! that backoff only delays the retries into the slope down, and the collapse outlives it.

use super::engine::{EventQueue, SimRng, SimTime};

/// The offered load over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// 40 requests/s, 80/s from t = 20 s to 25 s.
    Spike,
    /// `80 - 1.6 * |t - 25|` requests/s: 40/s at the start, 80/s at t = 25 s, 40/s again
    /// at 50 s and none from 75 s.
    Ramp,
}

impl Load {
    pub const ALL: [Self; 2] = [Self::Spike, Self::Ramp];

    pub fn id(self) -> &'static str {
        match self {
            Self::Spike => "spike",
            Self::Ramp => "ramp",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.id() == id)
    }

    /// New requests per second at `t_s`.
    pub fn rate(self, t_s: f64) -> f64 {
        match self {
            Self::Spike if (SPIKE_START_S..=SPIKE_START_S + SPIKE_LEN_S).contains(&t_s) => 80.0,
            Self::Spike => 40.0,
            Self::Ramp => (80.0 - 1.6 * (t_s - 25.0).abs()).max(0.0),
        }
    }
}

/// When the spike starts, and how long it lasts, in seconds.
pub const SPIKE_START_S: f64 = 20.0;
pub const SPIKE_LEN_S: f64 = 5.0;

/// What a client waits before a retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backoff {
    /// Retry at once.
    None,
    /// Uniform in `[0, 20 s)` before the second attempt, `[0, 40 s)` before the third:
    /// the simulator's doubling from 10 s, with full jitter.
    Jitter,
}

impl Backoff {
    pub const ALL: [Self; 2] = [Self::None, Self::Jitter];

    pub fn id(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Jitter => "jitter",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.id() == id)
    }

    /// The wait before attempt `attempt` (2 for the first retry), in seconds.
    fn wait_s(self, attempt: u32, rng: &mut SimRng) -> f64 {
        match self {
            Self::None => 0.0,
            Self::Jitter => rng.uniform(0.0, JITTER_FIRST_S * 2f64.powi(attempt as i32 - 2)),
        }
    }
}

/// The jitter range before the first retry; it doubles for each later one.
pub const JITTER_FIRST_S: f64 = 20.0;

/// Settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct CollapseConfig {
    pub load: Load,
    pub backoff: Backoff,
    /// Service time with nothing else in flight, in seconds.
    pub base_s: f64,
    /// Extra service time per request in flight, in seconds.
    pub slope_s: f64,
    /// Mean of the exponential network delay, each way, in seconds.
    pub net_delay_s: f64,
    pub timeout_s: f64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Length of the run, in whole seconds.
    pub duration_s: u32,
}

impl CollapseConfig {
    /// The simulator's setting: 1.0 s + 0.01 s per request in flight, 0.1 s network,
    /// 3 s timeout, 3 attempts, 80 s.
    pub fn brooker(load: Load, backoff: Backoff) -> Self {
        Self {
            load,
            backoff,
            base_s: 1.0,
            slope_s: 0.01,
            net_delay_s: 0.1,
            timeout_s: 3.0,
            max_attempts: 3,
            duration_s: 80,
        }
    }

    /// The highest steady attempt rate whose requests still answer within the timeout on
    /// average. With `N` in flight at rate `r`, Little's law gives `N = r (base + slope N)`,
    /// so a request takes `base / (1 - slope r)`; adding the round trip and solving for
    /// the timeout gives this rate (about 64/s for the simulator's setting).
    pub fn capacity_per_s(&self) -> f64 {
        let service_budget = self.timeout_s - 2.0 * self.net_delay_s;
        if service_budget <= self.base_s {
            return 0.0;
        }
        (1.0 - self.base_s / service_budget) / self.slope_s
    }
}

/// The state of one second, by the rule of [`classify`] (after Bronson et al.,
/// "Metastable Failures in Distributed Systems", 2021).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Healthy, and even if every request used all its attempts the server would keep up.
    Stable,
    /// Healthy, but a trigger could tip it: retries would amplify the demand past the
    /// capacity. Also a server overloaded by the demand itself (the trigger at work).
    Vulnerable,
    /// Unhealthy although the demand fits the capacity: the retries sustain the failure.
    Metastable,
}

impl State {
    pub fn id(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Vulnerable => "vulnerable",
            Self::Metastable => "metastable",
        }
    }
}

/// The rule, judged at the end of each second:
/// - healthy: a request starting now, with the server's in-flight count, would take
///   `base + slope * (in_flight + 1)`, and that plus the mean round trip fits the
///   timeout (at most about 180 in flight for the simulator's setting). It looks at the
///   server's state, not at the goodput, which lags the load by a second or two and is
///   noisy.
/// - the demand is the load's nominal rate of new requests in the middle of the second
///   (not the sampled count, so Poisson noise cannot flip a state); the capacity is
///   [`CollapseConfig::capacity_per_s`].
///
/// Healthy with `demand * max_attempts <= capacity`: stable. Healthy otherwise:
/// vulnerable. Unhealthy with `demand <= capacity`: metastable. Unhealthy with the
/// demand above the capacity: vulnerable, as the overload is the trigger's own doing and
/// not yet self-sustaining; it turns metastable when the demand falls back and the
/// server stays unhealthy.
pub fn classify(second: &Second, config: &CollapseConfig) -> State {
    let capacity = config.capacity_per_s();
    let service = config.base_s + config.slope_s * (f64::from(second.concurrency) + 1.0);
    let healthy = service + 2.0 * config.net_delay_s <= config.timeout_s;
    let demand = config.load.rate(f64::from(second.t) + 0.5);
    match (healthy, demand * f64::from(config.max_attempts) <= capacity) {
        (true, true) => State::Stable,
        (true, false) => State::Vulnerable,
        (false, _) if demand <= capacity => State::Metastable,
        (false, _) => State::Vulnerable,
    }
}

/// What happened in one second `[t, t + 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Second {
    pub t: u32,
    /// New requests started.
    pub offered: u32,
    /// Requests whose answer arrived in time.
    pub goodput: u32,
    /// Retries decided on (a timeout with attempts left); sent at once, or after the
    /// backoff wait.
    pub retries: u32,
    /// Requests in flight at the server at the end of the second.
    pub concurrency: u32,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    /// The next new request arrives.
    Arrival,
    /// Attempt `attempt` of request `req` reaches the server.
    AtServer { req: u32, attempt: u32 },
    /// The server finishes it.
    Done { req: u32, attempt: u32 },
    /// Its answer reaches the client.
    Answer { req: u32, attempt: u32 },
    /// The client's timer for it runs out.
    Timeout { req: u32, attempt: u32 },
    /// A second ends.
    Tick,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CollapseError {
    #[error("the {0} must be a positive number, got {1}")]
    NotPositive(&'static str, f64),
    #[error("attempts per request must be between 1 and 10, got {0}")]
    Attempts(u32),
    #[error("a run lasts between 1 and 3600 seconds, got {0}")]
    Duration(u32),
}

/// Runs the model and returns one [`Second`] per second of the run.
pub fn run(config: &CollapseConfig, seed: u64) -> Result<Vec<Second>, CollapseError> {
    if let Some((name, v)) = super::engine::first_non_positive(&[
        ("base service time", config.base_s),
        ("slope", config.slope_s),
        ("network delay", config.net_delay_s),
        ("timeout", config.timeout_s),
    ]) {
        return Err(CollapseError::NotPositive(name, v));
    }
    if !(1..=10).contains(&config.max_attempts) {
        return Err(CollapseError::Attempts(config.max_attempts));
    }
    if !(1..=3600).contains(&config.duration_s) {
        return Err(CollapseError::Duration(config.duration_s));
    }
    Ok(Model::new(config, seed).run())
}

struct Model<'a> {
    config: &'a CollapseConfig,
    rng: SimRng,
    queue: EventQueue<Event>,
    /// The current attempt of each request (1-based); past `max_attempts` when done.
    current: Vec<u32>,
    in_flight: u32,
    second: Second,
    seconds: Vec<Second>,
}

impl<'a> Model<'a> {
    fn new(config: &'a CollapseConfig, seed: u64) -> Self {
        let mut queue = EventQueue::new();
        // As in the simulator: the first arrival at 10 ms, the first tick at 1 s.
        queue.schedule(SimTime::from_secs(0.01), Event::Arrival);
        queue.schedule(SimTime::from_secs(1.0), Event::Tick);
        Self {
            config,
            rng: SimRng::new(seed),
            queue,
            current: Vec::new(),
            in_flight: 0,
            second: Second::default(),
            seconds: Vec::with_capacity(config.duration_s as usize),
        }
    }

    fn run(mut self) -> Vec<Second> {
        while self.seconds.len() < self.config.duration_s as usize {
            let Some((now, event)) = self.queue.pop() else {
                break;
            };
            self.handle(now.as_secs(), event);
        }
        self.seconds
    }

    fn handle(&mut self, now: f64, event: Event) {
        match event {
            Event::Arrival => {
                let req = self.current.len() as u32;
                self.current.push(1);
                self.second.offered += 1;
                self.send(req, 1, 0.0);
                let rate = self.config.load.rate(now);
                if rate > 0.0 {
                    let gap = self.rng.exponential(1.0 / rate);
                    self.queue
                        .schedule(SimTime::from_secs(now + gap), Event::Arrival);
                }
            }
            Event::AtServer { req, attempt } => {
                self.in_flight += 1;
                let service = self.config.base_s + self.config.slope_s * f64::from(self.in_flight);
                self.at(now + service, Event::Done { req, attempt });
            }
            Event::Done { req, attempt } => {
                self.in_flight -= 1;
                let back = self.net_delay();
                self.at(now + back, Event::Answer { req, attempt });
            }
            Event::Answer { req, attempt } => {
                if self.current[req as usize] == attempt {
                    self.second.goodput += 1;
                    self.current[req as usize] = u32::MAX;
                }
            }
            Event::Timeout { req, attempt } => {
                if self.current[req as usize] == attempt {
                    let next = attempt + 1;
                    self.current[req as usize] = next;
                    if next <= self.config.max_attempts {
                        self.second.retries += 1;
                        let wait = self.config.backoff.wait_s(next, &mut self.rng);
                        self.send(req, next, wait);
                    }
                }
            }
            Event::Tick => {
                self.second.concurrency = self.in_flight;
                let t = self.seconds.len() as u32;
                self.seconds.push(Second { t, ..self.second });
                self.second = Second::default();
                self.at(now + 1.0, Event::Tick);
            }
        }
    }

    /// Sends attempt `attempt` of `req` after `wait` seconds, and arms its timeout.
    fn send(&mut self, req: u32, attempt: u32, wait: f64) {
        let now = self.queue.now().as_secs();
        let there = self.net_delay();
        self.at(now + wait + there, Event::AtServer { req, attempt });
        self.at(
            now + wait + self.config.timeout_s,
            Event::Timeout { req, attempt },
        );
    }

    fn net_delay(&mut self) -> f64 {
        self.rng.exponential(self.config.net_delay_s)
    }

    fn at(&mut self, t_s: f64, event: Event) {
        self.queue.schedule(SimTime::from_secs(t_s), event);
    }
}

/// Mean goodput per second over `from <= t < to`, for summaries and tests.
pub fn mean_goodput(seconds: &[Second], from: u32, to: u32) -> f64 {
    let window: Vec<&Second> = seconds
        .iter()
        .filter(|s| (from..to).contains(&s.t))
        .collect();
    window.iter().map(|s| f64::from(s.goodput)).sum::<f64>() / window.len().max(1) as f64
}

#[cfg(test)]
mod tests;
