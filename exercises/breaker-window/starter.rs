//! A breaker that trips on a failure rate. The task is in the pane beside the editor.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How many of the most recent outcomes the window keeps.
    pub window_size: usize,
    /// Outcomes needed in the window before the rate is judged.
    pub minimum_calls: usize,
    /// Trip when the failure rate in percent is at least this (1..=100).
    pub failure_rate_threshold: u32,
    /// How long Open lasts before the first trial.
    pub open_ms: u64,
    /// Trials granted in HalfOpen; this many successes close the breaker.
    pub half_open_calls: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    ZeroWindow,
    MinimumCallsOutOfRange {
        minimum_calls: usize,
        window_size: usize,
    },
    ThresholdOutOfRange(u32),
    ZeroHalfOpenCalls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

/// Why permission was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Open; the first trial is possible in `retry_in_ms`.
    Open { retry_in_ms: u64 },
    /// HalfOpen, and every trial slot is taken.
    HalfOpenFull,
}

#[derive(Debug)]
pub struct Breaker {
    config: Config,
    state: State,
    /// Most recent outcomes, oldest first; `true` means the call failed.
    window: VecDeque<bool>,
    opened_at_ms: u64,
    trials_granted: u32,
    trial_successes: u32,
}

impl Breaker {
    /// A closed breaker with an empty window, or the first problem with `config`.
    pub fn new(config: Config) -> Result<Breaker, ConfigError> {
        todo!("validate (window, minimum calls, threshold, half-open calls), then build")
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// How many outcomes the window holds right now.
    pub fn recorded_calls(&self) -> usize {
        self.window.len()
    }

    /// Failure rate in percent over the window, or `None` while the window holds
    /// fewer than `minimum_calls` outcomes (too few to judge).
    pub fn failure_rate(&self) -> Option<f64> {
        todo!("failures * 100 / calls, once there are enough calls")
    }

    /// Asks permission for one call.
    pub fn try_acquire(&mut self, now_ms: u64) -> Result<(), Rejected> {
        todo!("Closed: yes. Open: no until open_ms passed, then HalfOpen + first trial. HalfOpen: up to half_open_calls")
    }

    /// A granted call succeeded. (`now_ms` matters: a success can complete the
    /// minimum number of calls and trip the breaker.)
    pub fn on_success(&mut self, now_ms: u64) {
        todo!("Closed: record and judge. HalfOpen: count, close after enough. Open: ignore")
    }

    /// A granted call failed.
    pub fn on_failure(&mut self, now_ms: u64) {
        todo!("Closed: record and judge. HalfOpen: re-open at once. Open: ignore")
    }
}

/// What `SharedBreaker::call` can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The breaker refused; the dependency was not called.
    Rejected(Rejected),
    /// The dependency was called and failed.
    Failed(String),
}

/// A breaker many threads can use through `&self`.
#[derive(Debug)]
pub struct SharedBreaker {
    inner: Mutex<Breaker>,
}

impl SharedBreaker {
    pub fn new(config: Config) -> Result<SharedBreaker, ConfigError> {
        Ok(SharedBreaker {
            inner: Mutex::new(Breaker::new(config)?),
        })
    }

    /// The breaker, locked. A poisoned lock is recovered: every method leaves the
    /// breaker consistent, so a panic elsewhere cannot leave it half-updated.
    fn lock(&self) -> MutexGuard<'_, Breaker> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn state(&self) -> State {
        self.lock().state()
    }

    /// Asks permission, runs `f` WITHOUT holding the lock, records the outcome.
    pub fn call<T>(
        &self,
        now_ms: u64,
        f: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, CallError> {
        todo!("lock for try_acquire; unlock; run f; lock again to record")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    fn config() -> Config {
        Config {
            window_size: 10,
            minimum_calls: 5,
            failure_rate_threshold: 50,
            open_ms: 1_000,
            half_open_calls: 2,
        }
    }

    #[test]
    fn does_not_judge_before_the_minimum() {
        let mut b = Breaker::new(config()).unwrap();
        for _ in 0..4 {
            b.try_acquire(0).unwrap();
            b.on_failure(0);
        }
        assert_eq!(
            b.state(),
            State::Closed,
            "4 failures out of 4, but 5 calls are needed"
        );
        assert_eq!(b.failure_rate(), None);
    }

    #[test]
    fn trips_when_the_rate_reaches_the_threshold() {
        let mut b = Breaker::new(config()).unwrap();
        for outcome in [true, false, true, false, true] {
            b.try_acquire(0).unwrap();
            if outcome {
                b.on_failure(0)
            } else {
                b.on_success(0)
            }
        }
        assert_eq!(b.state(), State::Open, "3 failures out of 5 = 60% >= 50%");
        assert_eq!(b.try_acquire(400), Err(Rejected::Open { retry_in_ms: 600 }));
    }
}
