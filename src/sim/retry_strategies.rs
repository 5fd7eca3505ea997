//! Retry strategies against a failing service: the experiment of Marc Brooker's "Fixing
//! retries with token buckets and circuit breakers" (2022), rebuilt on the shared engine
//! after its public simulator (`mbrooker/simulator_example`, `retry_sim`).
//!
//! The model: independent clients each start calls as a Poisson process; every attempt
//! crosses the network (exponential delay each way), and the service fails it with
//! probability `p`, independently of everything else; no overload is modelled, so
//! retries cost load but never make the service worse. New calls start during
//! `duration_s`; the calls in flight then finish. A failed attempt asks the client's
//! strategy whether to retry, and a retry is sent at once (no backoff, as in the post).
//!
//! Figures: success % is the share of distinct calls that finally succeeded; load % is
//! all attempts over distinct calls (100 % means no retries at all).
//!
//! What the post shows, and the tests check: three retries reach `1 - p^4` success at a
//! load of `1 + p + p^2 + p^3`, so the load nearly quadruples as `p` grows; the token
//! bucket matches them at small `p` and caps the extra load near 10 % at large `p`; the
//! breaker matches them below 10 % failures and stops retrying above, and with per-client
//! state both drift as the same load is spread over more clients (fewer calls each): the
//! bucket's starting tokens last for a larger share of the calls, so it tends to three
//! retries, while the breaker's ratio crosses 10 % after the first failure or two, so it
//! tends to none.

mod budget;
#[cfg(test)]
mod tests;

use budget::{CallSoFar, ClientBudget};

use super::backoff::run_seed;
use super::engine::{EventQueue, SimRng};

/// How a client decides whether to retry a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Never retry.
    None,
    /// Retry up to three times, at once.
    Retries3,
    /// The post's retry token bucket, per client: each new call deposits 0.1 token into
    /// a bucket of at most 5 that starts full; a retry needs more than 1 token and
    /// spends 1. As in the simulator, a call may retry as long as there are tokens, and
    /// the deposit is made when a call starts (the post's prose says on a success; the
    /// simulator's `start` hook, which its figures come from, deposits on every call).
    TokenBucket,
    /// The post's retry circuit breaker, per client: up to three retries while the
    /// client's failed attempts (retries included) over its first tries, counted over its
    /// whole run with no window, are at most 10 %; none above.
    Breaker,
    /// The AWS SDKs' standard retry mode: a quota of 500 per client, a retry takes 5 (10
    /// for a timeout, which this model never has), a call that succeeds on its first try
    /// gives 1 back and one that succeeds on a retry returns what it took; 3 attempts.
    /// Unlike the post's bucket, the quota is large (100 retries before any refill) and
    /// refills on successes, not on new calls, so it acts like two retries until the
    /// quota runs dry: a client of this model needs about 10 s at `p` = 0.75 to drain it,
    /// after which few retries pass. The SDKs also back off with jitter between
    /// attempts, which this load-insensitive model leaves out.
    AwsStandard,
    /// gRPC retry throttling (`maxTokens` 10, `tokenRatio` 0.1), per client (a channel
    /// in gRPC): every failed attempt costs 1 token, every success returns 0.1, and
    /// retries stop while the count is at or below half (5). Unlike the post's bucket it
    /// charges failures rather than retries and refills on successes, so it works like
    /// a breaker on the recent failure rate (about 9 %: a failure costs ten successes).
    /// Up to three retries (`maxAttempts` 4); gRPC's own backoff is left out.
    GrpcThrottling,
    /// Finagle's default `RetryBudget`: each request deposits 0.2 retry and a retry
    /// withdraws 1, over a sliding 10 s window, on top of a reserve of 10 retries per
    /// second (100 per window). Unlike the post's bucket, the reserve is sized for busy
    /// clients: a client of this model sends 100 calls per window, so reserve and
    /// deposits (120 retries a window) cover three retries of every failure up to `p`
    /// near 0.6, and the budget only bites above. Up to three retries here (Finagle's
    /// count comes from its retry policy); deposits are counted per new call.
    FinagleBudget,
}

impl Strategy {
    /// The post's four, in its order.
    pub const POST: [Self; 4] = [Self::None, Self::Retries3, Self::TokenBucket, Self::Breaker];
    /// The post's four, then the real budgets.
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Retries3,
        Self::TokenBucket,
        Self::Breaker,
        Self::AwsStandard,
        Self::GrpcThrottling,
        Self::FinagleBudget,
    ];

    /// The id the CLI and CSV use.
    pub fn id(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Retries3 => "retries3",
            Self::TokenBucket => "token_bucket",
            Self::Breaker => "breaker",
            Self::AwsStandard => "aws_standard",
            Self::GrpcThrottling => "grpc_throttling",
            Self::FinagleBudget => "finagle_budget",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The name a screen shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "no retries",
            Self::Retries3 => "3 retries",
            Self::TokenBucket => "token bucket",
            Self::Breaker => "retry breaker",
            Self::AwsStandard => "AWS SDK standard",
            Self::GrpcThrottling => "gRPC throttling",
            Self::FinagleBudget => "Finagle RetryBudget",
        }
    }
}

/// Most clients a run may have.
pub const MAX_CLIENTS: u32 = 10_000;
/// Most new calls a run may start on average (clients x rate x duration), which bounds
/// its time and memory.
pub const MAX_CALLS: f64 = 2_000_000.0;

/// Settings of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    pub clients: u32,
    /// New calls per second, per client.
    pub rate_per_client: f64,
    /// How long new calls start, in seconds.
    pub duration_s: f64,
    /// Mean of the exponential network delay, each way, in ms.
    pub net_delay_ms: f64,
    /// Probability that the service fails an attempt.
    pub failure_rate: f64,
    pub strategy: Strategy,
}

impl RetryConfig {
    /// The post's setting: 100 clients at 10 calls/s for 10 s, 10 ms each way.
    pub fn post(failure_rate: f64, strategy: Strategy) -> Self {
        Self {
            clients: 100,
            rate_per_client: 10.0,
            duration_s: 10.0,
            net_delay_ms: 10.0,
            failure_rate,
            strategy,
        }
    }

    /// The post's client-count panel: 1,000 calls/s in all, spread over `clients`.
    pub fn spread(clients: u32, failure_rate: f64, strategy: Strategy) -> Self {
        Self {
            clients,
            rate_per_client: TOTAL_RATE / clients.max(1) as f64,
            ..Self::post(failure_rate, strategy)
        }
    }

    pub fn validate(&self) -> Result<(), RetryConfigError> {
        if self.clients == 0 || self.clients > MAX_CLIENTS {
            return Err(RetryConfigError::Clients(self.clients));
        }
        if !(0.0..=1.0).contains(&self.failure_rate) {
            return Err(RetryConfigError::FailureRate(self.failure_rate));
        }
        if let Some((name, v)) = super::engine::first_non_positive(&[
            ("rate per client", self.rate_per_client),
            ("duration", self.duration_s),
            ("network delay", self.net_delay_ms),
        ]) {
            return Err(RetryConfigError::NotPositive(name, v));
        }
        let calls = self.clients as f64 * self.rate_per_client * self.duration_s;
        if calls > MAX_CALLS {
            return Err(RetryConfigError::TooManyCalls(calls));
        }
        Ok(())
    }
}

/// The post's total load for the client-count panel, in calls per second.
pub const TOTAL_RATE: f64 = 1000.0;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RetryConfigError {
    #[error("the model needs between 1 and {MAX_CLIENTS} clients, got {0}")]
    Clients(u32),
    #[error("a failure rate is a probability between 0 and 1, got {0}")]
    FailureRate(f64),
    #[error("the {0} must be a positive number, got {1}")]
    NotPositive(&'static str, f64),
    #[error("a run may start at most {MAX_CALLS} calls on average, this one {0}")]
    TooManyCalls(f64),
}

/// What a run counted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RetryOutcome {
    /// Distinct calls (first tries).
    pub calls: u64,
    /// All attempts, first tries included.
    pub attempts: u64,
    /// Calls that finally succeeded.
    pub successes: u64,
}

impl RetryOutcome {
    pub fn success_pct(&self) -> f64 {
        100.0 * self.successes as f64 / self.calls.max(1) as f64
    }

    pub fn load_pct(&self) -> f64 {
        100.0 * self.attempts as f64 / self.calls.max(1) as f64
    }
}

#[derive(Debug, Clone, Copy)]
enum Event {
    /// A client's next new call starts.
    NewCall { client: u32 },
    /// The answer to the current attempt of a call reaches its client.
    Answer { call: u32, ok: bool },
}

#[derive(Debug, Clone, Copy)]
struct CallState {
    client: u32,
    so_far: CallSoFar,
}

/// Runs one simulation to the end: new calls for `duration_s`, then the calls in flight
/// finish.
pub fn run(config: &RetryConfig, seed: u64) -> Result<RetryOutcome, RetryConfigError> {
    config.validate()?;
    let mut rng = SimRng::new(seed);
    let mut queue = EventQueue::new();
    let mut budgets = vec![ClientBudget::new(config.strategy); config.clients as usize];
    let mut calls: Vec<CallState> = Vec::new();
    let mut outcome = RetryOutcome::default();
    let gap_ms = 1000.0 / config.rate_per_client;
    let end_ms = config.duration_s * 1000.0;
    for client in 0..config.clients {
        queue.schedule_in(rng.exponential(gap_ms), Event::NewCall { client });
    }
    while let Some((now, event)) = queue.pop() {
        let now_s = now.as_secs();
        match event {
            Event::NewCall { client } => {
                if now.as_ms() > end_ms {
                    continue;
                }
                queue.schedule_in(rng.exponential(gap_ms), Event::NewCall { client });
                budgets[client as usize].on_new_call(now_s);
                let call = calls.len() as u32;
                calls.push(CallState {
                    client,
                    so_far: CallSoFar::default(),
                });
                outcome.calls += 1;
                send(config, &mut rng, &mut queue, &mut outcome, call);
            }
            Event::Answer { call, ok } => {
                let state = &mut calls[call as usize];
                let budget = &mut budgets[state.client as usize];
                if ok {
                    budget.on_success(&state.so_far);
                    outcome.successes += 1;
                } else if budget.on_failure(config.strategy, &mut state.so_far, now_s) {
                    state.so_far.retries += 1;
                    send(config, &mut rng, &mut queue, &mut outcome, call);
                }
            }
        }
    }
    Ok(outcome)
}

/// Sends an attempt of `call`: the service's verdict is drawn now (it has no state), the
/// answer arrives after the delay there and back.
fn send(
    config: &RetryConfig,
    rng: &mut SimRng,
    queue: &mut EventQueue<Event>,
    outcome: &mut RetryOutcome,
    call: u32,
) {
    outcome.attempts += 1;
    let ok = !rng.chance(config.failure_rate);
    let delay = rng.exponential(config.net_delay_ms) + rng.exponential(config.net_delay_ms);
    queue.schedule_in(delay, Event::Answer { call, ok });
}

/// One line of a sweep: means over the runs of one failure rate and strategy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepRow {
    pub failure_rate: f64,
    pub strategy: Strategy,
    pub success_pct: f64,
    pub load_pct: f64,
}

/// Runs `config` `runs` times and returns the means. Run `r` uses the same seed whatever
/// the failure rate and strategy (common random numbers), which makes the curves smoother
/// and their comparison fairer.
pub fn point(config: &RetryConfig, runs: u32, seed: u64) -> Result<SweepRow, RetryConfigError> {
    let (mut success, mut load) = (0.0, 0.0);
    for r in 0..runs {
        let outcome = run(config, run_seed(seed, config.clients, r))?;
        success += outcome.success_pct();
        load += outcome.load_pct();
    }
    let n = runs.max(1) as f64;
    Ok(SweepRow {
        failure_rate: config.failure_rate,
        strategy: config.strategy,
        success_pct: success / n,
        load_pct: load / n,
    })
}

/// Runs `make(p, strategy)` `runs` times for every failure rate and strategy, in that
/// order, and returns the means (see [`point`]).
pub fn sweep(
    failure_rates: &[f64],
    strategies: &[Strategy],
    runs: u32,
    seed: u64,
    make: impl Fn(f64, Strategy) -> RetryConfig,
) -> Result<Vec<SweepRow>, RetryConfigError> {
    let mut rows = Vec::with_capacity(failure_rates.len() * strategies.len());
    for &failure_rate in failure_rates {
        for &strategy in strategies {
            rows.push(point(&make(failure_rate, strategy), runs, seed)?);
        }
    }
    Ok(rows)
}

/// The failure rates the simulation page sweeps, one per step of its clock: the CLI's
/// default six and a few between, so the log-scale curves are smooth.
pub const PAGE_RATES: [f64; 9] = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75];
/// Runs per point the page starts with.
pub const PAGE_RUNS: u32 = 2;

/// A [`sweep`] of `RetryConfig::spread(clients, ..)` computed one row at a time, so a
/// screen can spread the work over frames. The rows are the sweep's, whatever the split.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressiveSweep {
    failure_rates: Vec<f64>,
    strategies: Vec<Strategy>,
    clients: u32,
    runs: u32,
    seed: u64,
    rows: Vec<SweepRow>,
}

impl ProgressiveSweep {
    pub fn new(
        failure_rates: &[f64],
        strategies: &[Strategy],
        clients: u32,
        runs: u32,
        seed: u64,
    ) -> Self {
        Self {
            failure_rates: failure_rates.to_vec(),
            strategies: strategies.to_vec(),
            clients,
            runs,
            seed,
            rows: Vec::with_capacity(failure_rates.len() * strategies.len()),
        }
    }

    /// Computes the next row; returns false once every row is there.
    pub fn step(&mut self) -> Result<bool, RetryConfigError> {
        let i = self.rows.len();
        let per_rate = self.strategies.len().max(1);
        let (Some(&p), Some(&strategy)) = (
            self.failure_rates.get(i / per_rate),
            self.strategies.get(i % per_rate),
        ) else {
            return Ok(false);
        };
        let config = RetryConfig::spread(self.clients, p, strategy);
        self.rows.push(point(&config, self.runs, self.seed)?);
        Ok(true)
    }

    pub fn rows(&self) -> &[SweepRow] {
        &self.rows
    }

    /// Failure rates with every strategy computed.
    pub fn rates_done(&self) -> usize {
        self.rows.len() / self.strategies.len().max(1)
    }

    pub fn complete(&self) -> bool {
        self.rates_done() >= self.failure_rates.len()
    }

    pub fn clients(&self) -> u32 {
        self.clients
    }
}
