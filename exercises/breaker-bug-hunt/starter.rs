//! Find the bugs in a textbook breaker. The task is in the pane beside the editor.

/// The three states of a circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

/// Why `call` did not return a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The breaker refused the call; the dependency was not touched.
    Rejected,
    /// The dependency was called and failed with this message.
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Consecutive failures in Closed that trip the breaker.
    pub failure_threshold: u32,
    /// How long the breaker stays Open before allowing a trial.
    pub open_ms: u64,
    /// How many trial calls HalfOpen lets through (0 is treated as 1).
    pub trial_calls: u32,
}

#[derive(Debug)]
pub struct Breaker {
    config: Config,
    state: State,
    consecutive_failures: u32,
    opened_at_ms: u64,
    trials_started: u32,
}

impl Breaker {
    pub fn new(config: Config) -> Breaker {
        Breaker {
            config,
            state: State::Closed,
            consecutive_failures: 0,
            opened_at_ms: 0,
            trials_started: 0,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// Asks permission for one call. `true` means go ahead, and report the outcome with
    /// `record_success` or `record_failure`.
    pub fn try_acquire(&mut self, now_ms: u64) -> bool {
        match self.state {
            State::Closed => true,
            State::Open => {
                if now_ms.saturating_sub(self.opened_at_ms) >= self.config.open_ms {
                    self.state = State::HalfOpen;
                    self.trials_started = 1;
                    true
                } else {
                    false
                }
            }
            State::HalfOpen => {
                self.trials_started += 1;
                true
            }
        }
    }

    /// The permitted call succeeded.
    pub fn record_success(&mut self) {
        if self.state == State::HalfOpen {
            self.state = State::Closed;
            self.consecutive_failures = 0;
        }
    }

    /// The permitted call failed.
    pub fn record_failure(&mut self, now_ms: u64) {
        if self.state == State::Open {
            return;
        }
        self.consecutive_failures += 1;
        if self.consecutive_failures >= self.config.failure_threshold {
            self.trip(now_ms);
        }
    }

    fn trip(&mut self, now_ms: u64) {
        self.state = State::Open;
        self.opened_at_ms = now_ms;
        self.consecutive_failures = 0;
    }

    /// Asks permission, runs `f` if allowed, and records the outcome.
    pub fn call<T>(
        &mut self,
        now_ms: u64,
        f: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, CallError> {
        if !self.try_acquire(now_ms) {
            return Err(CallError::Failed("service unavailable".to_string()));
        }
        match f() {
            Ok(value) => {
                self.record_success();
                Ok(value)
            }
            Err(message) => {
                self.record_failure(now_ms);
                Err(CallError::Failed(message))
            }
        }
    }
}

#[cfg(test)]
mod examples {
    // These are the blog post's own tests. They pass, which is exactly the problem:
    // they only test the happy path of each state.
    use super::*;

    fn breaker() -> Breaker {
        Breaker::new(Config {
            failure_threshold: 3,
            open_ms: 1_000,
            trial_calls: 1,
        })
    }

    #[test]
    fn trips_after_three_failures_in_a_row() {
        let mut b = breaker();
        for _ in 0..3 {
            let _ = b.call(0, || Err::<(), _>("boom".to_string()));
        }
        assert_eq!(b.state(), State::Open);
    }

    #[test]
    fn open_does_not_call_the_dependency() {
        let mut b = breaker();
        for _ in 0..3 {
            let _ = b.call(0, || Err::<(), _>("boom".to_string()));
        }
        let result = b.call(10, || -> Result<(), String> {
            panic!("must not be called")
        });
        assert!(result.is_err());
    }

    #[test]
    fn a_successful_trial_closes_it_again() {
        let mut b = breaker();
        for _ in 0..3 {
            let _ = b.call(0, || Err::<(), _>("boom".to_string()));
        }
        assert_eq!(b.call(1_000, || Ok::<_, String>(1)), Ok(1));
        assert_eq!(b.state(), State::Closed);
    }
}
