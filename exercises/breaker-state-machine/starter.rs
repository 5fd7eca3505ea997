//! A circuit breaker with an injected clock. The task is in the pane beside the editor.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Where the breaker reads the time from.
pub trait Clock {
    /// Time since an arbitrary start; never goes backwards.
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
    /// Failures in a row, while closed, that open the breaker.
    pub failure_threshold: u32,
    /// How long the breaker stays open before trying again.
    pub open_for: Duration,
    /// Trial calls admitted when half-open; all must succeed to close.
    pub half_open_trials: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

/// Permission to make one call. Report its outcome with `on_success` or `on_failure`.
/// It is not `Clone`: one call, one outcome.
#[derive(Debug, PartialEq, Eq)]
pub struct Permit {
    /// The state change count when this permit was issued.
    epoch: u64,
}

pub struct CircuitBreaker<C: Clock> {
    config: BreakerConfig,
    clock: C,
    // Add the fields you need: the current state with its counters, the epoch...
}

impl<C: Clock> CircuitBreaker<C> {
    /// A new breaker starts closed.
    pub fn new(config: BreakerConfig, clock: C) -> Self {
        todo!("start closed with no failures")
    }

    /// The state as of `clock.now()`.
    pub fn state(&self) -> State {
        todo!("remember: open and waited long enough means half-open")
    }

    /// Asks to make a call: `Some(permit)` to go ahead, `None` to fail fast.
    pub fn try_acquire(&mut self) -> Option<Permit> {
        todo!("closed: always; open: never; half-open: up to half_open_trials")
    }

    /// The call made under `permit` succeeded.
    pub fn on_success(&mut self, permit: Permit) {
        todo!("ignore stale permits; reset or count towards closing")
    }

    /// The call made under `permit` failed.
    pub fn on_failure(&mut self, permit: Permit) {
        todo!("ignore stale permits; count, open, or re-open")
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
