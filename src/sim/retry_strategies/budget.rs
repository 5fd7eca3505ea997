//! The retry decision of each strategy: the per-client state a strategy keeps and the
//! hooks the model calls (a new call starts, an attempt fails, an attempt succeeds).
//!
//! The post's four strategies follow `retry_strategy.py` of `mbrooker/simulator_example`
//! line by line; the three real budgets follow their libraries' source, with the
//! differences from the post's model said on each.

use std::collections::VecDeque;

use super::Strategy;

/// The post's retry count for "three retries" and for the breaker while closed.
pub const POST_RETRIES: u32 = 3;
/// The post's token bucket: each new call deposits this much ...
pub const BUCKET_DEPOSIT: f64 = 0.1;
/// ... into a bucket holding at most this much (it starts full).
pub const BUCKET_CAP: f64 = 5.0;
/// The post's breaker: retries stop once failures / first tries exceed this.
pub const BREAKER_MAX_RATIO: f64 = 0.1;

/// AWS SDK standard mode (`INITIAL_RETRY_TOKENS`, `RETRY_COST`, `NO_RETRY_INCREMENT`,
/// and three attempts by default).
pub const AWS_CAPACITY: f64 = 500.0;
pub const AWS_RETRY_COST: f64 = 5.0;
pub const AWS_NO_RETRY_INCREMENT: f64 = 1.0;
pub const AWS_MAX_ATTEMPTS: u32 = 3;

/// gRPC `retryThrottling` as in the gRPC retry design (A6) examples: `maxTokens` 10,
/// `tokenRatio` 0.1; retries are allowed while the count is above `maxTokens / 2`.
pub const GRPC_MAX_TOKENS: f64 = 10.0;
pub const GRPC_TOKEN_RATIO: f64 = 0.1;

/// Finagle's default `RetryBudget()`: a 10 s window, 10 retries per second of reserve,
/// 20 % of requests.
pub const FINAGLE_TTL_S: f64 = 10.0;
pub const FINAGLE_MIN_RETRIES_PER_SEC: f64 = 10.0;
pub const FINAGLE_PERCENT_CAN_RETRY: f64 = 0.2;

/// What one client remembers between calls, per strategy.
#[derive(Debug, Clone)]
pub enum ClientBudget {
    /// `none` and `retries3`: nothing shared between calls.
    Stateless,
    /// The post's token bucket, in tokens.
    Bucket(f64),
    /// The post's breaker: first tries and failed attempts over the whole run.
    Breaker { calls: f64, failures: f64 },
    /// AWS standard mode: the retry quota, in capacity units.
    Aws(f64),
    /// gRPC throttling: the token count.
    Grpc(f64),
    /// Finagle: the windowed ledger, in retries (a request adds `percentCanRetry`, a
    /// retry takes 1); entries older than the ttl drop out.
    Finagle(Ledger),
}

/// A sliding-window sum: `(time_s, amount)` entries, the oldest first.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    entries: VecDeque<(f64, f64)>,
    sum: f64,
}

impl Ledger {
    fn add(&mut self, now_s: f64, amount: f64) {
        self.expire(now_s);
        self.entries.push_back((now_s, amount));
        self.sum += amount;
    }

    fn balance(&mut self, now_s: f64) -> f64 {
        self.expire(now_s);
        self.sum
    }

    fn expire(&mut self, now_s: f64) {
        while let Some(&(t, amount)) = self.entries.front() {
            if now_s - t < FINAGLE_TTL_S {
                break;
            }
            self.entries.pop_front();
            self.sum -= amount;
        }
    }
}

/// What a call has done so far, for the strategies that look at it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallSoFar {
    /// Retries sent so far (0 on the first try).
    pub retries: u32,
    /// AWS: the quota this call holds for its last retry, refunded if it succeeds.
    pub held: f64,
}

impl ClientBudget {
    pub fn new(strategy: Strategy) -> Self {
        match strategy {
            Strategy::None | Strategy::Retries3 => Self::Stateless,
            Strategy::TokenBucket => Self::Bucket(BUCKET_CAP),
            Strategy::Breaker => Self::Breaker {
                calls: 0.0,
                failures: 0.0,
            },
            Strategy::AwsStandard => Self::Aws(AWS_CAPACITY),
            Strategy::GrpcThrottling => Self::Grpc(GRPC_MAX_TOKENS),
            Strategy::FinagleBudget => Self::Finagle(Ledger::default()),
        }
    }

    /// A new call starts (its first try is about to be sent).
    pub fn on_new_call(&mut self, now_s: f64) {
        match self {
            Self::Bucket(tokens) => *tokens = (*tokens + BUCKET_DEPOSIT).min(BUCKET_CAP),
            Self::Breaker { calls, .. } => *calls += 1.0,
            Self::Finagle(ledger) => ledger.add(now_s, FINAGLE_PERCENT_CAN_RETRY),
            Self::Stateless | Self::Aws(_) | Self::Grpc(_) => {}
        }
    }

    /// An attempt of `call` failed: may it retry? A yes spends what the strategy charges.
    pub fn on_failure(&mut self, strategy: Strategy, call: &mut CallSoFar, now_s: f64) -> bool {
        let under_cap = |max| call.retries < max;
        match self {
            Self::Stateless => strategy == Strategy::Retries3 && under_cap(POST_RETRIES),
            // As in the simulator: no cap on retries per call, only on tokens.
            Self::Bucket(tokens) => {
                if *tokens > 1.0 {
                    *tokens -= 1.0;
                    true
                } else {
                    false
                }
            }
            // Every failed attempt counts, the last one of a call included.
            Self::Breaker { calls, failures } => {
                *failures += 1.0;
                *failures / *calls <= BREAKER_MAX_RATIO && under_cap(POST_RETRIES)
            }
            Self::Aws(quota) => {
                if under_cap(AWS_MAX_ATTEMPTS - 1) && *quota >= AWS_RETRY_COST {
                    *quota -= AWS_RETRY_COST;
                    call.held = AWS_RETRY_COST;
                    true
                } else {
                    false
                }
            }
            // Every failed attempt costs a token, whether or not it may retry.
            Self::Grpc(tokens) => {
                *tokens = (*tokens - 1.0).max(0.0);
                *tokens > GRPC_MAX_TOKENS / 2.0 && under_cap(POST_RETRIES)
            }
            Self::Finagle(ledger) => {
                let reserve = FINAGLE_MIN_RETRIES_PER_SEC * FINAGLE_TTL_S;
                if under_cap(POST_RETRIES) && ledger.balance(now_s) + reserve >= 1.0 {
                    ledger.add(now_s, -1.0);
                    true
                } else {
                    false
                }
            }
        }
    }

    /// An attempt of `call` succeeded.
    pub fn on_success(&mut self, call: &CallSoFar) {
        match self {
            Self::Aws(quota) => {
                let back = if call.retries == 0 {
                    AWS_NO_RETRY_INCREMENT
                } else {
                    call.held
                };
                *quota = (*quota + back).min(AWS_CAPACITY);
            }
            Self::Grpc(tokens) => *tokens = (*tokens + GRPC_TOKEN_RATIO).min(GRPC_MAX_TOKENS),
            Self::Stateless | Self::Bucket(_) | Self::Breaker { .. } | Self::Finagle(_) => {}
        }
    }
}
