//! Retry backoff schedules and the optimistic-concurrency contention model of Marc Brooker,
//! "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015).
//!
//! The schedules follow the article's formulas, with `v = min(cap, base * 2^n)` for retry
//! number `n` (the first retry is `n = 1`):
//! - [`Algorithm::None`]: no backoff at all, the client retries at once. This is the
//!   article's starting point ("what happens without backoff"), kept so the learner sees
//!   why backoff exists.
//! - [`Algorithm::Exponential`]: `v`, capped exponential without jitter.
//! - [`Algorithm::FullJitter`]: uniform in `[0, v]`.
//! - [`Algorithm::EqualJitter`]: `v/2 + uniform in [0, v/2]`.
//! - [`Algorithm::Decorrelated`]: `min(cap, uniform in [base, 3 * previous])`, where the
//!   previous sleep starts at `base`; it ignores `n` and remembers its last sleep instead.
//!
//! The contention model is described on [`ContentionSim`].

mod winner_tree;
mod ziggurat;

use serde::{Deserialize, Serialize};

use super::engine::{SimRng, SimTime};

/// The article's base delay, in milliseconds.
pub const BASE_MS: f64 = 5.0;
/// The article's cap, in milliseconds.
pub const CAP_MS: f64 = 2000.0;
/// Mean one-way network delay of a message, in milliseconds.
pub const NETWORK_MEAN_MS: f64 = 10.0;
/// Standard deviation of the one-way network delay, in milliseconds.
pub const NETWORK_SD_MS: f64 = 2.0;

/// A backoff algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    None,
    Exponential,
    FullJitter,
    EqualJitter,
    Decorrelated,
}

impl Algorithm {
    pub const ALL: [Algorithm; 5] = [
        Self::None,
        Self::Exponential,
        Self::FullJitter,
        Self::EqualJitter,
        Self::Decorrelated,
    ];

    /// The id used on the command line and in CSV.
    pub fn id(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Exponential => "exponential",
            Self::FullJitter => "full_jitter",
            Self::EqualJitter => "equal_jitter",
            Self::Decorrelated => "decorrelated",
        }
    }

    /// A human name for legends.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "No backoff",
            Self::Exponential => "Exponential (no jitter)",
            Self::FullJitter => "Full jitter",
            Self::EqualJitter => "Equal jitter",
            Self::Decorrelated => "Decorrelated jitter",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// Whether the schedule draws random numbers.
    pub fn is_jittered(self) -> bool {
        matches!(
            self,
            Self::FullJitter | Self::EqualJitter | Self::Decorrelated
        )
    }
}

/// A schedule's parameters were unusable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackoffError {
    #[error("base delay must be a positive number of milliseconds, got {0}")]
    Base(f64),
    #[error("cap must be at least the base delay ({base} ms), got {cap} ms")]
    Cap { base: f64, cap: f64 },
    #[error("the contention model needs between 1 and {max} clients, got {0}", max = MAX_CLIENTS)]
    Clients(u32),
}

/// `min(cap, base * 2^n)`: the capped exponential every jittered schedule but
/// decorrelated starts from.
pub fn capped_exponential_ms(base_ms: f64, cap_ms: f64, attempt: u32) -> f64 {
    // A shift instead of powi (a libm call that showed up in profiles of the sweep); past
    // 2^63 the product is far above any cap a schedule could have.
    match 1u64.checked_shl(attempt) {
        Some(factor) => (base_ms * factor as f64).min(cap_ms),
        None => cap_ms,
    }
}

/// One client's backoff state: the algorithm and, for decorrelated jitter, the last sleep.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    algorithm: Algorithm,
    base_ms: f64,
    cap_ms: f64,
    prev_ms: f64,
}

impl Backoff {
    pub fn new(algorithm: Algorithm, base_ms: f64, cap_ms: f64) -> Result<Self, BackoffError> {
        if !(base_ms.is_finite() && base_ms > 0.0) {
            return Err(BackoffError::Base(base_ms));
        }
        if !(cap_ms.is_finite() && cap_ms >= base_ms) {
            return Err(BackoffError::Cap {
                base: base_ms,
                cap: cap_ms,
            });
        }
        Ok(Self {
            algorithm,
            base_ms,
            cap_ms,
            prev_ms: base_ms,
        })
    }

    /// The article's parameters: base 5 ms, cap 2000 ms.
    pub fn article(algorithm: Algorithm) -> Self {
        Self {
            algorithm,
            base_ms: BASE_MS,
            cap_ms: CAP_MS,
            prev_ms: BASE_MS,
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The sleep before retry number `attempt` (the first retry is 1), in milliseconds.
    /// Decorrelated jitter ignores `attempt` and remembers the sleep it returns.
    pub fn next_delay_ms(&mut self, attempt: u32, rng: &mut SimRng) -> f64 {
        let v = capped_exponential_ms(self.base_ms, self.cap_ms, attempt);
        match self.algorithm {
            Algorithm::None => 0.0,
            Algorithm::Exponential => v,
            Algorithm::FullJitter => rng.uniform(0.0, v),
            Algorithm::EqualJitter => {
                let half = v / 2.0;
                half + rng.uniform(0.0, half)
            }
            Algorithm::Decorrelated => {
                let sleep = rng
                    .uniform(self.base_ms, 3.0 * self.prev_ms)
                    .min(self.cap_ms);
                self.prev_ms = sleep;
                sleep
            }
        }
    }

    /// The range a sleep for `attempt` may fall in, for plots. For decorrelated jitter it
    /// depends on the previous sleep, so this is the range given the current state.
    pub fn delay_range_ms(&self, attempt: u32) -> (f64, f64) {
        let v = capped_exponential_ms(self.base_ms, self.cap_ms, attempt);
        match self.algorithm {
            Algorithm::None => (0.0, 0.0),
            Algorithm::Exponential => (v, v),
            Algorithm::FullJitter => (0.0, v),
            Algorithm::EqualJitter => (v / 2.0, v),
            Algorithm::Decorrelated => (self.base_ms, (3.0 * self.prev_ms).min(self.cap_ms)),
        }
    }
}

/// Samples of the delay for each retry number, for the "delay per attempt" plot: `clients`
/// independent clients, each retrying `attempts` times in a row.
/// Returns `(attempt, delay_ms)` points.
pub fn delay_samples(
    algorithm: Algorithm,
    attempts: u32,
    clients: u32,
    seed: u64,
) -> Vec<[f64; 2]> {
    let mut rng = SimRng::new(seed);
    let mut points = Vec::with_capacity((attempts * clients) as usize);
    for _ in 0..clients {
        let mut backoff = Backoff::article(algorithm);
        for attempt in 1..=attempts {
            let delay = backoff.next_delay_ms(attempt, &mut rng);
            points.push([attempt as f64, delay]);
        }
    }
    points
}

/// What a client in the contention model is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Its read is on the way to the server, or the reply on the way back.
    Reading,
    /// Its write is on the way to the server, or the verdict on the way back.
    Writing,
    /// Backing off after a rejected write.
    Sleeping,
    /// Its write was accepted; it has stopped.
    Done,
}

/// One write handled by the server, for the timeline plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteAttempt {
    /// When the server handled it.
    pub at_ms: f64,
    pub client: u32,
    /// 0 for the first try, then the retry number.
    pub attempt: u32,
    pub accepted: bool,
}

/// Settings of one contention run.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentionConfig {
    pub clients: u32,
    pub algorithm: Algorithm,
    pub base_ms: f64,
    pub cap_ms: f64,
    /// Keep every write in [`ContentionSim::writes`] (views); sweeps leave it off.
    pub record_writes: bool,
}

impl ContentionConfig {
    /// The article's setting for `clients` clients and one algorithm.
    pub fn article(clients: u32, algorithm: Algorithm) -> Self {
        Self {
            clients,
            algorithm,
            base_ms: BASE_MS,
            cap_ms: CAP_MS,
            record_writes: false,
        }
    }
}

/// The totals of one finished run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RunOutcome {
    /// Writes sent, accepted and rejected.
    pub calls: u64,
    /// When the last message was handled, in milliseconds.
    pub time_ms: f64,
}

#[derive(Debug, Clone)]
struct Client {
    /// Rejections so far: the retry number of the next sleep.
    attempt: u32,
    backoff: Backoff,
    /// The end of the current sleep: the read goes out then (0 for the first try).
    wake: SimTime,
    /// When the server handles the read: its queue key, which orders it among the writes.
    read_key: u64,
    /// When the read's reply lands and the client sends its write.
    reply: SimTime,
    /// When the acceptance reaches the client, once its write was accepted.
    done_at: Option<SimTime>,
}

/// Bits of a queue key that hold the client index; the time (in µs) sits above them.
const CLIENT_BITS: u32 = 24;
const CLIENT_MASK: u64 = (1 << CLIENT_BITS) - 1;
/// Most clients a run may have.
pub const MAX_CLIENTS: u32 = 1 << CLIENT_BITS;

/// Brooker's contention model, as an event-driven simulation.
///
/// `N` clients start at time 0. Each must make one successful write to a single row under
/// optimistic concurrency, then stops. A client sends a read; the reply carries the row's
/// version; it sends a write carrying that version. The server accepts a write whose
/// version equals the row's current version (and increments the version) and rejects any
/// other. On a rejection the client increments its attempt counter `n` (the first retry is
/// `n = 1`), sleeps `backoff(n)` with its own backoff state, and starts again with a read.
/// Every message, in either direction, takes `|normal(10 ms, 2 ms)|`; the server handles a
/// message the moment it arrives. "Calls" counts writes (accepted and rejected); "time" is
/// when the last message is handled, which is the last client receiving its acceptance.
///
/// Why only writes are events: a client reacts to a reply at once and only by sending its
/// next message, so once the server rejects a write, the verdict's arrival, the sleep, the
/// read's arrival, the reply and the next write's arrival can all be drawn then. A read
/// changes nothing on the server; all the write needs to know is whether the row's version
/// moved since its read was handled, that is, whether an accepted write was handled
/// before the write and after the read. Events are handled in the order of their queue
/// key `time << 24 | client`, so that is `last_accept_key > read_key`, exactly as if the
/// read had been an event of its own. Each client thus has one pending event, and the
/// queue is a [`winner_tree::WinnerTree`] of one key per client. This gives the same
/// model (every message time is drawn and kept) at a fraction of the cost, which is what
/// lets the full 9,500-run sweep finish well under a second.
#[derive(Debug, Clone)]
pub struct ContentionSim {
    config: ContentionConfig,
    rng: SimRng,
    normal: ziggurat::Ziggurat,
    /// Each waiting client's next write, `time_us << CLIENT_BITS | client`.
    queue: winner_tree::WinnerTree,
    now: SimTime,
    clients: Vec<Client>,
    /// The key of the last accepted write (`None` before the first): a write is accepted
    /// only if its read came after it.
    last_accept: Option<u64>,
    calls: u64,
    last_handled: SimTime,
    writes: Vec<WriteAttempt>,
}

impl ContentionSim {
    pub fn new(config: ContentionConfig, seed: u64) -> Result<Self, BackoffError> {
        if config.clients == 0 || config.clients > MAX_CLIENTS {
            return Err(BackoffError::Clients(config.clients));
        }
        let backoff = Backoff::new(config.algorithm, config.base_ms, config.cap_ms)?;
        let n = config.clients as usize;
        let mut sim = Self {
            rng: SimRng::new(seed),
            normal: ziggurat::Ziggurat::default(),
            queue: winner_tree::WinnerTree::new(&[]),
            now: SimTime::ZERO,
            clients: vec![
                Client {
                    attempt: 0,
                    backoff,
                    wake: SimTime::ZERO,
                    read_key: 0,
                    reply: SimTime::ZERO,
                    done_at: None,
                };
                n
            ],
            last_accept: None,
            calls: 0,
            last_handled: SimTime::ZERO,
            writes: Vec::new(),
            config,
        };
        let first_writes: Vec<u64> = (0..sim.config.clients)
            .map(|client| key(sim.send_read(client, SimTime::ZERO), client))
            .collect();
        sim.queue = winner_tree::WinnerTree::new(&first_writes);
        Ok(sim)
    }

    pub fn config(&self) -> &ContentionConfig {
        &self.config
    }

    /// `from` plus one network delay of `|normal(10, 2)|` ms.
    fn after_delay(&mut self, from: SimTime) -> SimTime {
        let ms = (NETWORK_MEAN_MS + NETWORK_SD_MS * self.normal.sample(&mut self.rng)).abs();
        later(from, ms)
    }

    /// `client` sends a read at `wake`: draws when the server handles it, when the reply
    /// lands and when the write that follows reaches the server, which it returns.
    fn send_read(&mut self, client: u32, wake: SimTime) -> SimTime {
        let read = self.after_delay(wake);
        let reply = self.after_delay(read);
        let write = self.after_delay(reply);
        let c = &mut self.clients[client as usize];
        c.wake = wake;
        c.read_key = key(read, client);
        c.reply = reply;
        write
    }

    /// Handles the next write; false when every client is done.
    pub fn step(&mut self) -> bool {
        let Some(top) = self.queue.min() else {
            return false;
        };
        let (at, client) = unkey(top);
        self.now = at;
        let next = self.handle_write(at, client);
        self.queue
            .set(client as usize, next.map(|next| key(next, client)));
        true
    }

    /// Handles every write due at or before `until` and moves the clock there.
    pub fn step_until(&mut self, until: SimTime) {
        while self.queue.min().is_some_and(|top| unkey(top).0 <= until) {
            self.step();
        }
        self.now = self.now.max(until);
    }

    /// Runs to the end and returns the totals.
    pub fn run_to_end(&mut self) -> RunOutcome {
        while self.step() {}
        self.now = self.now.max(self.last_handled);
        self.outcome()
    }

    /// The server handles `client`'s write at `at`; returns when that client's next write
    /// reaches the server, or `None` once it is done.
    fn handle_write(&mut self, at: SimTime, client: u32) -> Option<SimTime> {
        self.calls += 1;
        let read_key = self.clients[client as usize].read_key;
        let accepted = self.last_accept.is_none_or(|last| last < read_key);
        let verdict = self.after_delay(at);
        self.last_handled = self.last_handled.max(verdict);
        if self.config.record_writes {
            self.writes.push(WriteAttempt {
                at_ms: at.as_ms(),
                client,
                attempt: self.clients[client as usize].attempt,
                accepted,
            });
        }
        if accepted {
            self.last_accept = Some(key(at, client));
            self.clients[client as usize].done_at = Some(verdict);
            return None;
        }
        let c = &mut self.clients[client as usize];
        c.attempt += 1;
        let sleep = c.backoff.next_delay_ms(c.attempt, &mut self.rng);
        Some(self.send_read(client, later(verdict, sleep)))
    }

    /// Virtual time now.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Whether every client's write has been accepted and the last verdict delivered.
    pub fn finished(&self) -> bool {
        self.queue.min().is_none() && self.now >= self.last_handled
    }

    /// Writes handled so far, accepted and rejected.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Clients that know their write was accepted.
    pub fn done_clients(&self) -> usize {
        self.phases().filter(|&p| p == Phase::Done).count()
    }

    /// The totals so far (final once the queue is empty).
    pub fn outcome(&self) -> RunOutcome {
        RunOutcome {
            calls: self.calls,
            time_ms: self.last_handled.as_ms(),
        }
    }

    /// What each client is doing now. A rejected client counts as sleeping from the
    /// moment the server rejects it (the verdict's trip is part of its wait).
    pub fn phases(&self) -> impl Iterator<Item = Phase> + '_ {
        self.clients.iter().map(|c| match c.done_at {
            Some(done) if self.now >= done => Phase::Done,
            Some(_) => Phase::Writing,
            None if self.now < c.wake => Phase::Sleeping,
            None if self.now < c.reply => Phase::Reading,
            None => Phase::Writing,
        })
    }

    /// How many retries each client has needed so far.
    pub fn attempts(&self) -> impl Iterator<Item = u32> + '_ {
        self.clients.iter().map(|c| c.attempt)
    }

    /// Every write handled so far, if the config asked for them.
    pub fn writes(&self) -> &[WriteAttempt] {
        &self.writes
    }
}

/// `at` plus `ms` (non-negative), rounded to the microsecond. Adding 0.5 and truncating
/// rounds like `SimTime::from_ms` for non-negative values without the libm call, which
/// showed up in profiles of the sweep.
fn later(at: SimTime, ms: f64) -> SimTime {
    SimTime(at.0 + (ms * 1000.0 + 0.5) as u64)
}

/// The order in which the server handles messages: by time, then by client.
fn key(at: SimTime, client: u32) -> u64 {
    (at.0 << CLIENT_BITS) | client as u64
}

fn unkey(key: u64) -> (SimTime, u32) {
    (SimTime(key >> CLIENT_BITS), (key & CLIENT_MASK) as u32)
}

/// One line of a sweep: the means over all runs of one client count and algorithm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepRow {
    pub clients: u32,
    pub algorithm: Algorithm,
    pub mean_calls: f64,
    pub mean_time_ms: f64,
}

/// A seed for one run, mixed from the sweep seed and the run's coordinates (SplitMix64
/// finaliser), so every run is independent of the order and the thread it runs on. The
/// algorithm is left out on purpose: all algorithms see the same seeds (common random
/// numbers), which makes their comparison less noisy.
pub fn run_seed(seed: u64, clients: u32, run: u32) -> u64 {
    let mut z = seed
        .wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(((clients as u64) << 32) | run as u64));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs the article's model for every client count and algorithm, `runs` times each, and
/// returns the means, in the order of `clients` then `algorithms`. Runs are spread over
/// the machine's cores; the result does not depend on how many there are.
pub fn sweep(
    clients: &[u32],
    algorithms: &[Algorithm],
    runs: u32,
    seed: u64,
) -> Result<Vec<SweepRow>, BackoffError> {
    if let Some(&bad) = clients.iter().find(|&&c| c == 0 || c > MAX_CLIENTS) {
        return Err(BackoffError::Clients(bad));
    }
    let points: Vec<(u32, Algorithm)> = clients
        .iter()
        .flat_map(|&c| algorithms.iter().map(move |&a| (c, a)))
        .collect();
    let jobs = points.len() * runs as usize;
    let outcomes = parallel_map(jobs, |job| {
        let (clients, algorithm) = points[job / runs as usize];
        let run = (job % runs as usize) as u32;
        let config = ContentionConfig::article(clients, algorithm);
        // Clients > 0 was checked above and the article's parameters are valid.
        ContentionSim::new(config, run_seed(seed, clients, run)).map(|mut sim| sim.run_to_end())
    });
    let mut rows = Vec::with_capacity(points.len());
    for (i, &(clients, algorithm)) in points.iter().enumerate() {
        let chunk = &outcomes[i * runs as usize..(i + 1) * runs as usize];
        let (mut calls, mut time) = (0.0, 0.0);
        for outcome in chunk {
            let outcome = outcome.clone()?;
            calls += outcome.calls as f64;
            time += outcome.time_ms;
        }
        let n = runs.max(1) as f64;
        rows.push(SweepRow {
            clients,
            algorithm,
            mean_calls: calls / n,
            mean_time_ms: time / n,
        });
    }
    Ok(rows)
}

/// `f(0..jobs)` on all cores, results in job order. Threads take the next job from a shared
/// counter, so a few slow jobs (many clients, no backoff) do not leave a core idle.
fn parallel_map<T: Send>(jobs: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(jobs.max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let job = next.fetch_add(1, Ordering::Relaxed);
            if job >= jobs {
                return done;
            }
            done.push((job, f(job)));
        }
    };
    let mut results: Vec<(usize, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for handle in handles {
            // A job that panicked is a bug; re-raise it on the caller's thread.
            match handle.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_unstable_by_key(|(job, _)| *job);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(algorithm: Algorithm, attempt: u32, n: usize) -> Vec<f64> {
        let mut rng = SimRng::new(3);
        (0..n)
            .map(|_| Backoff::article(algorithm).next_delay_ms(attempt, &mut rng))
            .collect()
    }

    #[test]
    fn capped_exponential_doubles_then_stops_at_the_cap() {
        assert_eq!(capped_exponential_ms(5.0, 2000.0, 0), 5.0);
        assert_eq!(capped_exponential_ms(5.0, 2000.0, 1), 10.0);
        assert_eq!(capped_exponential_ms(5.0, 2000.0, 8), 1280.0);
        assert_eq!(capped_exponential_ms(5.0, 2000.0, 9), 2000.0);
        assert_eq!(capped_exponential_ms(5.0, 2000.0, u32::MAX), 2000.0);
    }

    #[test]
    fn no_backoff_retries_at_once_and_exponential_has_no_randomness() {
        assert!(draws(Algorithm::None, 4, 50).iter().all(|&d| d == 0.0));
        assert!(
            draws(Algorithm::Exponential, 3, 50)
                .iter()
                .all(|&d| d == 40.0)
        );
    }

    #[test]
    fn full_jitter_spreads_over_zero_to_v() {
        let d = draws(Algorithm::FullJitter, 4, 5000); // v = 80
        assert!(d.iter().all(|&x| (0.0..=80.0).contains(&x)));
        assert!(d.iter().any(|&x| x < 8.0) && d.iter().any(|&x| x > 72.0));
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        assert!((mean - 40.0).abs() < 2.0, "{mean}");
    }

    #[test]
    fn equal_jitter_keeps_half_and_spreads_the_other_half() {
        let d = draws(Algorithm::EqualJitter, 4, 5000); // v = 80
        assert!(d.iter().all(|&x| (40.0..=80.0).contains(&x)));
        assert!(d.iter().any(|&x| x < 44.0) && d.iter().any(|&x| x > 76.0));
    }

    #[test]
    fn jittered_schedules_never_pass_the_cap() {
        for algorithm in Algorithm::ALL {
            for attempt in [9, 10, 30, 1000] {
                assert!(draws(algorithm, attempt, 500).iter().all(|&d| d <= CAP_MS));
            }
        }
    }

    #[test]
    fn decorrelated_depends_on_the_previous_sleep() {
        let mut rng = SimRng::new(11);
        let mut b = Backoff::article(Algorithm::Decorrelated);
        let mut prev = BASE_MS;
        for attempt in 1..200 {
            let sleep = b.next_delay_ms(attempt, &mut rng);
            assert!(sleep >= BASE_MS, "never below base");
            assert!(sleep <= (3.0 * prev).min(CAP_MS), "at most 3x the previous");
            prev = sleep;
        }
        // From the start the first sleep is in [base, 3 * base].
        let first = draws(Algorithm::Decorrelated, 1, 2000);
        assert!(first.iter().all(|&x| (5.0..=15.0).contains(&x)));
        // And it grows: after many retries it sits near the cap on average.
        let mut b = Backoff::article(Algorithm::Decorrelated);
        let late: Vec<f64> = (1..400).map(|n| b.next_delay_ms(n, &mut rng)).collect();
        let tail_mean = late[200..].iter().sum::<f64>() / 199.0;
        assert!(tail_mean > 600.0, "{tail_mean}");
    }

    #[test]
    fn same_seed_gives_the_same_schedule() {
        for algorithm in Algorithm::ALL {
            assert_eq!(
                delay_samples(algorithm, 12, 5, 9),
                delay_samples(algorithm, 12, 5, 9)
            );
        }
        assert_ne!(
            delay_samples(Algorithm::FullJitter, 12, 5, 9),
            delay_samples(Algorithm::FullJitter, 12, 5, 10)
        );
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert_eq!(
            Backoff::new(Algorithm::FullJitter, 0.0, 10.0),
            Err(BackoffError::Base(0.0))
        );
        assert!(Backoff::new(Algorithm::FullJitter, 10.0, 5.0).is_err());
        assert!(ContentionSim::new(ContentionConfig::article(0, Algorithm::None), 1).is_err());
    }

    #[test]
    fn one_client_writes_once_in_four_messages() {
        let mut sim =
            ContentionSim::new(ContentionConfig::article(1, Algorithm::FullJitter), 5).unwrap();
        let out = sim.run_to_end();
        assert_eq!(out.calls, 1);
        assert!(sim.finished());
        // read, reply, write, verdict: four delays of about 10 ms.
        assert!((20.0..60.0).contains(&out.time_ms), "{}", out.time_ms);
    }

    #[test]
    fn every_client_finishes_with_exactly_one_accepted_write() {
        for algorithm in Algorithm::ALL {
            let mut config = ContentionConfig::article(25, algorithm);
            config.record_writes = true;
            let mut sim = ContentionSim::new(config, 8).unwrap();
            let out = sim.run_to_end();
            assert!(sim.finished());
            let accepted: Vec<u32> = sim
                .writes()
                .iter()
                .filter(|w| w.accepted)
                .map(|w| w.client)
                .collect();
            assert_eq!(accepted.len(), 25);
            let mut unique = accepted.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), 25, "nobody writes twice");
            assert_eq!(out.calls as usize, sim.writes().len());
            assert!(sim.phases().all(|p| p == Phase::Done));
        }
    }

    /// The model done the plain way: reads are events of their own and the server keeps a
    /// version number. It draws its random numbers in the same order as [`ContentionSim`],
    /// so the two must agree write for write. Returns `(client, accepted)` per write.
    fn reference_run(clients: u32, algorithm: Algorithm, seed: u64) -> Vec<(u32, bool)> {
        use std::cmp::Reverse;
        let mut rng = SimRng::new(seed);
        let normal = ziggurat::Ziggurat::default();
        let delay = |rng: &mut SimRng, from: SimTime| {
            later(
                from,
                (NETWORK_MEAN_MS + NETWORK_SD_MS * normal.sample(rng)).abs(),
            )
        };
        let n = clients as usize;
        let mut backoffs = vec![Backoff::article(algorithm); n];
        let mut attempts = vec![0u32; n];
        let mut read_version = vec![0u64; n];
        let mut write_at = vec![SimTime::ZERO; n];
        // (key, is_write): a read sorts before a write with the same key.
        let mut queue = std::collections::BinaryHeap::new();
        let send_read = |rng: &mut SimRng,
                         queue: &mut std::collections::BinaryHeap<_>,
                         write_at: &mut Vec<SimTime>,
                         client: u32,
                         wake: SimTime| {
            let read = delay(rng, wake);
            let reply = delay(rng, read);
            write_at[client as usize] = delay(rng, reply);
            queue.push(Reverse((key(read, client), false)));
        };
        for client in 0..clients {
            send_read(&mut rng, &mut queue, &mut write_at, client, SimTime::ZERO);
        }
        let (mut version, mut log) = (0u64, Vec::new());
        while let Some(Reverse((k, is_write))) = queue.pop() {
            let (at, client) = unkey(k);
            let c = client as usize;
            if !is_write {
                read_version[c] = version;
                queue.push(Reverse((key(write_at[c], client), true)));
                continue;
            }
            let accepted = read_version[c] == version;
            let verdict = delay(&mut rng, at);
            log.push((client, accepted));
            if accepted {
                version += 1;
                continue;
            }
            attempts[c] += 1;
            let sleep = backoffs[c].next_delay_ms(attempts[c], &mut rng);
            send_read(
                &mut rng,
                &mut queue,
                &mut write_at,
                client,
                later(verdict, sleep),
            );
        }
        log
    }

    #[test]
    fn one_event_per_write_gives_the_same_runs_as_reads_as_events() {
        for algorithm in Algorithm::ALL {
            for (clients, seed) in [(1, 1), (7, 2), (40, 3), (120, 4)] {
                let mut config = ContentionConfig::article(clients, algorithm);
                config.record_writes = true;
                let mut sim = ContentionSim::new(config, seed).unwrap();
                sim.run_to_end();
                let fast: Vec<(u32, bool)> = sim
                    .writes()
                    .iter()
                    .map(|w| (w.client, w.accepted))
                    .collect();
                assert_eq!(
                    fast,
                    reference_run(clients, algorithm, seed),
                    "{algorithm:?}"
                );
            }
        }
    }

    #[test]
    fn a_run_is_reproducible_from_its_seed() {
        let run = |seed| {
            ContentionSim::new(ContentionConfig::article(30, Algorithm::Decorrelated), seed)
                .unwrap()
                .run_to_end()
        };
        assert_eq!(run(4), run(4));
        assert_ne!(run(4), run(5));
    }

    #[test]
    fn the_sweep_does_not_depend_on_threads_or_order() {
        let a = sweep(&[10, 20], &Algorithm::ALL, 5, 3).unwrap();
        let b = sweep(&[20], &[Algorithm::EqualJitter], 5, 3).unwrap();
        assert_eq!(a.len(), 10);
        assert_eq!(a[5 + 3], b[0]);
    }
}
