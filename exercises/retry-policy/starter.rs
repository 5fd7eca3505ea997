//! # A retry policy that knows when to stop
//!
//! Retrying is the first thing everyone adds and the easiest to get dangerously wrong:
//! - Retrying a *permanent* error (a malformed request, "insufficient funds") wastes
//!   time and load: it will fail the same way every time.
//! - Retrying a *non-idempotent* operation after an ambiguous error double-charges.
//!   A timeout does not mean "nothing happened"; it means "I do not know what happened".
//!   The server may have charged the card and the reply got lost. Only operations that
//!   are safe to repeat (idempotent, or carrying an idempotency key the server
//!   deduplicates on) may be retried after such an error.
//!   Two errors are different because they prove the work was not done: `Refused`
//!   (connection refused: the request never reached the server) and `TooManyRequests`
//!   (a 429 is the server's explicit refusal to take the request; AWS SDKs retry
//!   throttling errors for every operation). Even a non-idempotent call may be retried
//!   after either. A 503 proves nothing: the server may have started the work.
//! - Retrying without limits turns a short outage into a retry storm: every client
//!   multiplies its load just when the server is weakest. So retries are bounded twice,
//!   by a number of attempts and by a time budget (the caller has a deadline; a retry
//!   that would start after it is pure waste).
//!
//! The policy you implement, after attempt `n` (1-based) fails with `error`:
//! 1. `error` not transient -> give up: `Permanent`.
//! 2. transient, but the operation is not safe to repeat and `error` is neither
//!    `Refused` nor `TooManyRequests` -> give up: `NotSafeToRetry`.
//! 3. `n` has reached `max_attempts` -> give up: `AttemptsExhausted`.
//! 4. delay = `backoff_ms(n)` = `base_delay_ms * 2^(n-1)`, capped at `max_delay_ms`;
//!    when a 429 carries `retry_after_ms`, wait at least that long (the server knows
//!    better than our formula).
//! 5. if `elapsed + delay >= budget_ms` -> give up: `BudgetExhausted` (the next try would
//!    start at or after the deadline). `elapsed` counts from just before the first call,
//!    including the time spent inside calls. (Add with `saturating_add`: delays can be
//!    as large as `u64::MAX`.)
//! 6. otherwise sleep `delay` on the injected clock and make attempt `n + 1`.
//!
//! The first call always happens, whatever the budget; `max_attempts == 0` acts like 1.
//! Every give-up carries the last error and the number of attempts made, for the log.
//! (Jitter is left out to keep the tests exact; the backoff-schedule exercise adds it.)
//!
//! The clock is injected (`Clock`), so tests run in microseconds with exact timings.

use std::cell::{Cell, RefCell};

/// What a call to the dependency can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No reply in time. The server may or may not have done the work.
    Timeout,
    /// Connection refused: the request never reached the server.
    Refused,
    /// 503: overloaded or restarting; try later.
    Unavailable,
    /// 429: too many requests; the server may say how long to wait.
    TooManyRequests { retry_after_ms: Option<u64> },
    /// 400: the request is malformed; it will be malformed next time too.
    BadRequest(String),
    /// A business refusal (e.g. "insufficient funds"); repeating will not change it.
    Declined(String),
}

impl CallError {
    /// `true` for errors that may go away on their own: Timeout, Refused, Unavailable,
    /// TooManyRequests.
    pub fn is_transient(&self) -> bool {
        todo!("match the transient variants")
    }
}

/// What we are about to do, as far as retrying is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// GET, PUT, DELETE are idempotent; a plain POST is not.
    pub idempotent: bool,
    /// A key the server deduplicates on makes even a POST safe to repeat.
    pub idempotency_key: Option<String>,
}

impl Operation {
    /// May this operation run twice without harm?
    pub fn safe_to_repeat(&self) -> bool {
        todo!("idempotent, or carries an idempotency key")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total tries, the first one included.
    pub max_attempts: u32,
    pub base_delay_ms: u64,
    pub max_delay_ms: u64,
    /// Time allowed for everything: all tries and all waits.
    pub budget_ms: u64,
}

impl RetryPolicy {
    /// The wait after failed attempt `failed_attempt` (1-based):
    /// `base_delay_ms * 2^(failed_attempt - 1)`, at most `max_delay_ms`. Never overflows
    /// (huge values saturate at `u64::MAX`); `0` is treated like `1`.
    pub fn backoff_ms(&self, failed_attempt: u32) -> u64 {
        todo!("exponential, capped, saturating")
    }
}

/// Why `retry` gave up. Each variant says how many attempts were made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryError {
    Permanent { error: CallError, attempts: u32 },
    NotSafeToRetry { error: CallError, attempts: u32 },
    AttemptsExhausted { last: CallError, attempts: u32 },
    BudgetExhausted { last: CallError, attempts: u32 },
}

/// Time, injected. Real code would use `Instant` and `thread::sleep`.
pub trait Clock {
    fn now_ms(&self) -> u64;
    fn sleep_ms(&self, ms: u64);
}

/// A clock for tests: time moves only when someone sleeps or calls `advance`.
/// (Given; `Cell` lets the calls and the retry loop share it through `&`.)
#[derive(Debug, Default)]
pub struct ManualClock {
    now: Cell<u64>,
    sleeps: RefCell<Vec<u64>>,
}

impl ManualClock {
    pub fn new(start_ms: u64) -> ManualClock {
        ManualClock {
            now: Cell::new(start_ms),
            sleeps: RefCell::new(Vec::new()),
        }
    }

    /// Time passing inside a call (e.g. a slow reply).
    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get() + ms);
    }

    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<u64> {
        self.sleeps.borrow().clone()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }

    fn sleep_ms(&self, ms: u64) {
        self.sleeps.borrow_mut().push(ms);
        self.advance(ms);
    }
}

/// Calls `call(attempt)` (attempt = 1, 2, ...) until it succeeds or the policy says stop.
pub fn retry<T, C: Clock>(
    policy: &RetryPolicy,
    op: &Operation,
    clock: &C,
    mut call: impl FnMut(u32) -> Result<T, CallError>,
) -> Result<T, RetryError> {
    todo!("loop: call, and on failure apply rules 1 to 6 in order")
}

#[cfg(test)]
mod examples {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 100,
            max_delay_ms: 1_000,
            budget_ms: 10_000,
        }
    }

    #[test]
    fn a_transient_failure_is_retried_after_a_backoff() {
        let clock = ManualClock::new(0);
        let get = Operation {
            idempotent: true,
            idempotency_key: None,
        };
        let result = retry(&policy(), &get, &clock, |attempt| {
            if attempt < 3 {
                Err(CallError::Unavailable)
            } else {
                Ok("page")
            }
        });
        assert_eq!(result, Ok("page"));
        assert_eq!(clock.sleeps(), vec![100, 200]);
    }

    #[test]
    fn a_post_without_a_key_is_not_retried_after_a_timeout() {
        let clock = ManualClock::new(0);
        let post = Operation {
            idempotent: false,
            idempotency_key: None,
        };
        let result: Result<(), _> = retry(&policy(), &post, &clock, |_| Err(CallError::Timeout));
        assert_eq!(
            result,
            Err(RetryError::NotSafeToRetry {
                error: CallError::Timeout,
                attempts: 1
            })
        );
    }
}
