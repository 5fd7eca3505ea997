//! Reference solution for "A breaker that trips on a failure rate".

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
        if config.window_size == 0 {
            return Err(ConfigError::ZeroWindow);
        }
        if config.minimum_calls == 0 || config.minimum_calls > config.window_size {
            return Err(ConfigError::MinimumCallsOutOfRange {
                minimum_calls: config.minimum_calls,
                window_size: config.window_size,
            });
        }
        if !(1..=100).contains(&config.failure_rate_threshold) {
            return Err(ConfigError::ThresholdOutOfRange(
                config.failure_rate_threshold,
            ));
        }
        if config.half_open_calls == 0 {
            return Err(ConfigError::ZeroHalfOpenCalls);
        }
        Ok(Breaker {
            config,
            state: State::Closed,
            window: VecDeque::with_capacity(config.window_size),
            opened_at_ms: 0,
            trials_granted: 0,
            trial_successes: 0,
        })
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
        let calls = self.window.len();
        if calls < self.config.minimum_calls {
            return None;
        }
        Some(self.failures() as f64 * 100.0 / calls as f64)
    }

    /// Asks permission for one call.
    pub fn try_acquire(&mut self, now_ms: u64) -> Result<(), Rejected> {
        match self.state {
            State::Closed => Ok(()),
            State::Open => {
                let ready_at = self.opened_at_ms.saturating_add(self.config.open_ms);
                if now_ms < ready_at {
                    return Err(Rejected::Open {
                        retry_in_ms: ready_at - now_ms,
                    });
                }
                self.transition(State::HalfOpen, now_ms);
                self.trials_granted = 1;
                Ok(())
            }
            State::HalfOpen => {
                if self.trials_granted < self.config.half_open_calls {
                    self.trials_granted += 1;
                    Ok(())
                } else {
                    Err(Rejected::HalfOpenFull)
                }
            }
        }
    }

    /// A granted call succeeded. (`now_ms` matters: a success can complete the
    /// minimum number of calls and trip the breaker.)
    pub fn on_success(&mut self, now_ms: u64) {
        match self.state {
            State::Closed => self.record(false, now_ms),
            State::HalfOpen => {
                self.trial_successes += 1;
                if self.trial_successes >= self.config.half_open_calls {
                    self.transition(State::Closed, now_ms);
                }
            }
            State::Open => {}
        }
    }

    /// A granted call failed.
    pub fn on_failure(&mut self, now_ms: u64) {
        match self.state {
            State::Closed => self.record(true, now_ms),
            State::HalfOpen => self.transition(State::Open, now_ms),
            State::Open => {}
        }
    }

    fn failures(&self) -> usize {
        self.window.iter().filter(|&&failed| failed).count()
    }

    /// Closed only: slide the window, then judge it.
    fn record(&mut self, failed: bool, now_ms: u64) {
        if self.window.len() == self.config.window_size {
            self.window.pop_front();
        }
        self.window.push_back(failed);
        let calls = self.window.len();
        if calls >= self.config.minimum_calls
            && self.failures() * 100 >= self.config.failure_rate_threshold as usize * calls
        {
            self.transition(State::Open, now_ms);
        }
    }

    /// Every change of state starts from a clean slate.
    fn transition(&mut self, to: State, now_ms: u64) {
        self.state = to;
        self.window.clear();
        self.trials_granted = 0;
        self.trial_successes = 0;
        if to == State::Open {
            self.opened_at_ms = now_ms;
        }
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
        // The guard is a temporary: it is dropped at the end of this statement.
        let admitted = self.lock().try_acquire(now_ms);
        if let Err(rejected) = admitted {
            return Err(CallError::Rejected(rejected));
        }
        let outcome = f();
        let mut breaker = self.lock();
        match outcome {
            Ok(value) => {
                breaker.on_success(now_ms);
                Ok(value)
            }
            Err(message) => {
                breaker.on_failure(now_ms);
                Err(CallError::Failed(message))
            }
        }
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
