//! # A circuit breaker with an injected clock (reference solution)
//!
//! One `Mode` enum holds each state's own data, and an epoch that grows on every
//! transition lets results from an earlier state be recognised and ignored.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Where the breaker reads the time from.
pub trait Clock {
    fn now(&self) -> Duration;
}

/// A clock the tests move by hand. Clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Rc<Cell<Duration>>);

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        self.0.set(self.0.get() + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.0.get()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    pub failure_threshold: u32,
    pub open_for: Duration,
    pub half_open_trials: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Permit {
    epoch: u64,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Closed { failures: u32 },
    Open { since: Duration },
    HalfOpen { admitted: u32, succeeded: u32 },
}

pub struct CircuitBreaker<C: Clock> {
    config: BreakerConfig,
    clock: C,
    mode: Mode,
    epoch: u64,
}

impl<C: Clock> CircuitBreaker<C> {
    pub fn new(config: BreakerConfig, clock: C) -> Self {
        Self {
            config,
            clock,
            mode: Mode::Closed { failures: 0 },
            epoch: 0,
        }
    }

    /// Whether an open breaker has waited long enough to try again.
    fn wait_is_over(&self, since: Duration) -> bool {
        self.clock.now().saturating_sub(since) >= self.config.open_for
    }

    pub fn state(&self) -> State {
        match self.mode {
            Mode::Closed { .. } => State::Closed,
            Mode::Open { since } if self.wait_is_over(since) => State::HalfOpen,
            Mode::Open { .. } => State::Open,
            Mode::HalfOpen { .. } => State::HalfOpen,
        }
    }

    fn enter(&mut self, mode: Mode) {
        self.mode = mode;
        self.epoch += 1;
    }

    fn refresh(&mut self) {
        if let Mode::Open { since } = self.mode {
            if self.wait_is_over(since) {
                self.enter(Mode::HalfOpen { admitted: 0, succeeded: 0 });
            }
        }
    }

    pub fn try_acquire(&mut self) -> Option<Permit> {
        self.refresh();
        match &mut self.mode {
            Mode::Closed { .. } => {}
            Mode::Open { .. } => return None,
            Mode::HalfOpen { admitted, .. } => {
                if *admitted >= self.config.half_open_trials {
                    return None;
                }
                *admitted += 1;
            }
        }
        Some(Permit { epoch: self.epoch })
    }

    pub fn on_success(&mut self, permit: Permit) {
        if permit.epoch != self.epoch {
            return;
        }
        match &mut self.mode {
            Mode::Closed { failures } => *failures = 0,
            Mode::Open { .. } => {}
            Mode::HalfOpen { succeeded, .. } => {
                *succeeded += 1;
                if *succeeded >= self.config.half_open_trials {
                    self.enter(Mode::Closed { failures: 0 });
                }
            }
        }
    }

    pub fn on_failure(&mut self, permit: Permit) {
        if permit.epoch != self.epoch {
            return;
        }
        let now = self.clock.now();
        match &mut self.mode {
            Mode::Closed { failures } => {
                *failures += 1;
                if *failures >= self.config.failure_threshold {
                    self.enter(Mode::Open { since: now });
                }
            }
            Mode::Open { .. } => {}
            Mode::HalfOpen { .. } => self.enter(Mode::Open { since: now }),
        }
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    fn breaker() -> (CircuitBreaker<ManualClock>, ManualClock) {
        let clock = ManualClock::default();
        let config = BreakerConfig {
            failure_threshold: 3,
            open_for: Duration::from_secs(10),
            half_open_trials: 2,
        };
        (CircuitBreaker::new(config, clock.clone()), clock)
    }

    #[test]
    fn starts_closed_and_admits_calls() {
        let (mut b, _) = breaker();
        assert_eq!(b.state(), State::Closed);
        assert!(b.try_acquire().is_some());
    }

    #[test]
    fn three_failures_in_a_row_open_it() {
        let (mut b, _) = breaker();
        for _ in 0..3 {
            let p = b.try_acquire().unwrap();
            b.on_failure(p);
        }
        assert_eq!(b.state(), State::Open);
        assert!(b.try_acquire().is_none());
    }
}
