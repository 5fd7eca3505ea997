//! A circuit breaker with resilience4j's semantics, plus the simulated system around it.
//!
//! The state machine follows resilience4j's `CircuitBreakerStateMachine` (its inner
//! `ClosedState`, `OpenState`, `HalfOpenState`, `DisabledState`, `ForcedOpenState`) and
//! `CircuitBreakerMetrics`, rule for rule, because the lesson teaches the behaviour learners
//! will meet in production, not a textbook simplification:
//!
//! - **CLOSED** permits every call and records each outcome in the sliding window. After
//!   each record, `checkIfThresholdsExceeded` computes the rates, but only once the window
//!   holds at least the minimum number of calls (below it, no rate exists and the breaker
//!   cannot trip). It trips when the failure rate `>=` its threshold or the slow-call rate
//!   `>=` its threshold.
//! - A call is **slow** when its duration is strictly greater than the slow-call duration
//!   threshold; a call can be both slow and failed.
//! - For a count-based window the minimum is capped at the window size
//!   (`min(minimumNumberOfCalls, slidingWindowSize)`); for a time-based window it is not.
//! - **OPEN** rejects calls (`CallNotPermittedException`) without recording them in the
//!   window. It keeps the CLOSED window's metrics for display. The first call strictly
//!   after the wait (`clock.instant().isAfter(retryAfterWaitDuration)`) moves it to
//!   HALF_OPEN and is judged there; with automatic transition on, a timer moves it at the
//!   end of the wait instead.
//! - **HALF_OPEN** gets fresh metrics: a count-based window of `permittedNumberOfCalls`
//!   with a minimum of `min(minimumNumberOfCalls, permittedNumberOfCalls)`. It permits that
//!   many calls and rejects the rest; once enough have completed it re-opens (a threshold
//!   reached) or closes (below both). With `maxWaitDurationInHalfOpenState` > 0 it re-opens
//!   if no verdict came within that time.
//! - Outcomes are recorded in whatever state the breaker is in when the call *completes*:
//!   a late result arriving in OPEN updates the kept metrics but cannot change the state.
//! - **DISABLED** permits everything and records nothing; **FORCED_OPEN** rejects
//!   everything. Both are entered only by hand.
//!
//! Defaults are resilience4j's `CircuitBreakerConfig` defaults (see [`BreakerConfig`]).

mod scenario;
mod system;
mod window;

pub use scenario::{
    CallOutcome, ScenarioCall, ScenarioError, ScriptedScenario, TraceLine, run_scenario,
};
pub use system::{
    BreakerSystem, CallerConfig, DependencyConfig, Fault, ScheduledFault, ScheduledState,
    SystemConfig, SystemStats,
};
pub use window::{CountWindow, Outcome, Snapshot, TimeWindow};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sim::engine::SimTime;

/// How outcomes are aggregated: the last N calls, or the calls of the last N seconds
/// (resilience4j's `slidingWindowType` + `slidingWindowSize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowType {
    CountBased(u32),
    TimeBased(u32),
}

/// Breaker settings. Every default is resilience4j's `CircuitBreakerConfig` default:
/// failureRateThreshold 50, slowCallRateThreshold 100, slowCallDurationThreshold 60 s,
/// permittedNumberOfCallsInHalfOpenState 10, slidingWindowType COUNT_BASED,
/// slidingWindowSize 100, minimumNumberOfCalls 100, waitDurationInOpenState 60 s,
/// automaticTransitionFromOpenToHalfOpenEnabled false, maxWaitDurationInHalfOpenState 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerConfig {
    pub window: WindowType,
    pub minimum_calls: u32,
    /// Percent, in (0, 100].
    pub failure_rate_threshold: f32,
    /// Percent, in (0, 100].
    pub slow_call_rate_threshold: f32,
    pub slow_call_duration_ms: u64,
    pub wait_in_open_ms: u64,
    pub permitted_calls_in_half_open: u32,
    pub automatic_transition: bool,
    /// 0 means wait in HALF_OPEN for as long as the verdict takes.
    pub max_wait_in_half_open_ms: u64,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            window: WindowType::CountBased(100),
            minimum_calls: 100,
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration_ms: 60_000,
            wait_in_open_ms: 60_000,
            permitted_calls_in_half_open: 10,
            automatic_transition: false,
            max_wait_in_half_open_ms: 0,
        }
    }
}

impl BreakerConfig {
    /// The same checks resilience4j's builder makes, with the field named in the message.
    pub fn validate(&self) -> Result<(), String> {
        let (WindowType::CountBased(size) | WindowType::TimeBased(size)) = self.window;
        if size == 0 {
            return Err("window size must be at least 1".into());
        }
        if self.minimum_calls == 0 {
            return Err("minimum_calls must be at least 1".into());
        }
        for (name, v) in [
            ("failure_rate_threshold", self.failure_rate_threshold),
            ("slow_call_rate_threshold", self.slow_call_rate_threshold),
        ] {
            if !(v > 0.0 && v <= 100.0) {
                return Err(format!("{name} must be in (0, 100], got {v}"));
            }
        }
        if self.permitted_calls_in_half_open == 0 {
            return Err("permitted_calls_in_half_open must be at least 1".into());
        }
        if self.wait_in_open_ms == 0 {
            return Err("wait_in_open_ms must be at least 1".into());
        }
        Ok(())
    }

    fn slow_threshold(&self) -> SimTime {
        SimTime(self.slow_call_duration_ms.saturating_mul(1000))
    }
}

/// The five states (resilience4j's METRICS_ONLY is left out: it never rejects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
    Disabled,
    ForcedOpen,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Closed,
        State::Open,
        State::HalfOpen,
        State::Disabled,
        State::ForcedOpen,
    ];

    /// resilience4j's spelling, used in traces.
    pub fn name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Open => "OPEN",
            State::HalfOpen => "HALF_OPEN",
            State::Disabled => "DISABLED",
            State::ForcedOpen => "FORCED_OPEN",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why the breaker changed state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// CLOSED -> OPEN or HALF_OPEN -> OPEN: a rate reached its threshold.
    ThresholdReached {
        failure_rate: f32,
        slow_rate: f32,
        failure_threshold: f32,
        slow_threshold: f32,
    },
    /// OPEN -> HALF_OPEN lazily: the first call after the wait.
    WaitElapsedOnCall { wait_ms: u64 },
    /// OPEN -> HALF_OPEN by the automatic-transition timer.
    WaitElapsedTimer { wait_ms: u64 },
    /// HALF_OPEN -> CLOSED: the trial calls stayed below both thresholds.
    TrialsPassed { failure_rate: f32, slow_rate: f32 },
    /// HALF_OPEN -> OPEN: no verdict within `max_wait_in_half_open_ms`.
    HalfOpenTimedOut { max_wait_ms: u64 },
    /// Set by hand (disable, force open, reset, close).
    Manual,
}

impl fmt::Display for Reason {
    /// Free of commas, so it fits a CSV field.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::ThresholdReached {
                failure_rate,
                slow_rate,
                failure_threshold,
                slow_threshold,
            } => {
                let fail = failure_rate >= failure_threshold;
                let slow = slow_rate >= slow_threshold;
                if fail {
                    write!(
                        f,
                        "failure rate {failure_rate:.1}% >= {failure_threshold:.1}%"
                    )?;
                }
                if fail && slow {
                    f.write_str(" and ")?;
                }
                if slow {
                    write!(f, "slow call rate {slow_rate:.1}% >= {slow_threshold:.1}%")?;
                }
                Ok(())
            }
            Reason::WaitElapsedOnCall { wait_ms } => {
                write!(f, "first call after the {wait_ms} ms wait")
            }
            Reason::WaitElapsedTimer { wait_ms } => {
                write!(f, "automatic transition after the {wait_ms} ms wait")
            }
            Reason::TrialsPassed {
                failure_rate,
                slow_rate,
            } => write!(
                f,
                "trial calls below thresholds (failure {failure_rate:.1}% slow {slow_rate:.1}%)"
            ),
            Reason::HalfOpenTimedOut { max_wait_ms } => {
                write!(f, "no verdict within {max_wait_ms} ms in half-open")
            }
            Reason::Manual => f.write_str("set by hand"),
        }
    }
}

/// One state change, with the virtual time it happened at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    pub at: SimTime,
    pub from: State,
    pub to: State,
    pub reason: Reason,
}

/// The metrics a state owns: its window plus the minimum number of calls for a rate.
#[derive(Debug, Clone)]
enum Metrics {
    Count(CountWindow),
    Time(TimeWindow),
    /// DISABLED and FORCED_OPEN keep no window.
    None,
}

impl Metrics {
    fn record(&mut self, now: SimTime, o: Outcome) -> Snapshot {
        match self {
            Metrics::Count(w) => w.record(o),
            Metrics::Time(w) => w.record(now, o),
            Metrics::None => Snapshot::default(),
        }
    }

    fn snapshot(&mut self, now: SimTime) -> Snapshot {
        match self {
            Metrics::Count(w) => w.snapshot(),
            Metrics::Time(w) => w.snapshot(now),
            Metrics::None => Snapshot::default(),
        }
    }
}

/// The rates of a snapshot, or `None` when fewer than the minimum calls were recorded
/// (resilience4j returns -1 then: "not calculable").
fn rates(snap: Snapshot, minimum: u32) -> Option<(f32, f32)> {
    (snap.calls > 0 && snap.calls >= minimum).then(|| (snap.failure_rate(), snap.slow_rate()))
}

/// The breaker. All methods take the current virtual time; nothing reads a real clock.
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: State,
    metrics: Metrics,
    /// The state the metrics were made for: OPEN has none of its own and keeps those of
    /// the state it came from.
    metrics_of: State,
    /// Minimum calls before the current metrics yield a rate.
    minimum: u32,
    /// OPEN: the instant after which the first call moves to HALF_OPEN.
    retry_after: SimTime,
    /// HALF_OPEN: trial permits not yet handed out.
    permits_left: u32,
    /// HALF_OPEN: when it gives up and re-opens (max wait), if set.
    half_open_deadline: Option<SimTime>,
    not_permitted: u64,
}

impl CircuitBreaker {
    /// A CLOSED breaker. The config should have passed [`BreakerConfig::validate`]; zero
    /// sizes are clamped to 1 so a bad config cannot panic.
    pub fn new(config: BreakerConfig) -> Self {
        let mut breaker = Self {
            state: State::Closed,
            metrics: Metrics::None,
            metrics_of: State::Closed,
            minimum: 1,
            retry_after: SimTime::ZERO,
            permits_left: 0,
            half_open_deadline: None,
            not_permitted: 0,
            config,
        };
        breaker.enter_closed();
        breaker
    }

    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// Calls rejected so far (never part of any window).
    pub fn not_permitted(&self) -> u64 {
        self.not_permitted
    }

    /// The current state's window totals.
    pub fn snapshot(&mut self, now: SimTime) -> Snapshot {
        self.metrics.snapshot(now)
    }

    /// Failure and slow-call rates in percent, `None` below the minimum number of calls.
    pub fn rates(&mut self, now: SimTime) -> Option<(f32, f32)> {
        let snap = self.metrics.snapshot(now);
        rates(snap, self.minimum)
    }

    /// The state whose window the breaker keeps now: itself, except in OPEN, which keeps
    /// the window of the state it came from (CLOSED's sliding window, or HALF_OPEN's
    /// trial window of `permitted_calls_in_half_open` calls after a failed trial).
    pub fn window_of(&self) -> State {
        self.metrics_of
    }

    /// Minimum calls the current window needs before a rate exists.
    pub fn minimum_calls(&self) -> u32 {
        self.minimum
    }

    /// The count-based window, if the current state has one (for drawing).
    pub fn count_window(&self) -> Option<&CountWindow> {
        match &self.metrics {
            Metrics::Count(w) => Some(w),
            _ => None,
        }
    }

    /// The time-based window, if the current state has one (for drawing).
    pub fn time_window(&self) -> Option<&TimeWindow> {
        match &self.metrics {
            Metrics::Time(w) => Some(w),
            _ => None,
        }
    }

    /// When OPEN: the time after which a call is let through as a trial.
    pub fn retry_after(&self) -> Option<SimTime> {
        (self.state == State::Open).then_some(self.retry_after)
    }

    /// HALF_OPEN trial permits not yet handed out.
    pub fn permits_left(&self) -> u32 {
        self.permits_left
    }

    fn enter_closed(&mut self) {
        self.state = State::Closed;
        self.metrics_of = State::Closed;
        self.half_open_deadline = None;
        match self.config.window {
            WindowType::CountBased(size) => {
                let size = size.max(1);
                self.metrics = Metrics::Count(CountWindow::new(size));
                self.minimum = self.config.minimum_calls.min(size).max(1);
            }
            WindowType::TimeBased(secs) => {
                self.metrics = Metrics::Time(TimeWindow::new(secs.max(1)));
                self.minimum = self.config.minimum_calls.max(1);
            }
        }
    }

    /// OPEN keeps the metrics of the state it came from.
    fn enter_open(&mut self, now: SimTime) {
        self.state = State::Open;
        self.half_open_deadline = None;
        self.retry_after = SimTime(now.0 + self.config.wait_in_open_ms.saturating_mul(1000));
    }

    fn enter_half_open(&mut self, now: SimTime) {
        let permitted = self.config.permitted_calls_in_half_open.max(1);
        self.state = State::HalfOpen;
        self.metrics_of = State::HalfOpen;
        self.metrics = Metrics::Count(CountWindow::new(permitted));
        self.minimum = self.config.minimum_calls.min(permitted).max(1);
        self.permits_left = permitted;
        self.half_open_deadline = (self.config.max_wait_in_half_open_ms >= 1)
            .then(|| SimTime(now.0 + self.config.max_wait_in_half_open_ms * 1000));
    }

    fn transition(&mut self, now: SimTime, to: State, reason: Reason) -> Transition {
        let from = self.state;
        match to {
            State::Closed => self.enter_closed(),
            State::Open => self.enter_open(now),
            State::HalfOpen => self.enter_half_open(now),
            State::Disabled | State::ForcedOpen => {
                self.state = to;
                self.metrics_of = to;
                self.metrics = Metrics::None;
                self.minimum = 1;
                self.half_open_deadline = None;
            }
        }
        Transition {
            at: now,
            from,
            to,
            reason,
        }
    }

    /// resilience4j's `tryAcquirePermission`: whether a call may go ahead now. Returns the
    /// lazy OPEN -> HALF_OPEN transition if this call caused it.
    pub fn try_acquire(&mut self, now: SimTime) -> (bool, Option<Transition>) {
        match self.state {
            State::Closed | State::Disabled => (true, None),
            State::ForcedOpen => {
                self.not_permitted += 1;
                (false, None)
            }
            State::Open => {
                if now > self.retry_after {
                    let reason = Reason::WaitElapsedOnCall {
                        wait_ms: self.config.wait_in_open_ms,
                    };
                    let t = self.transition(now, State::HalfOpen, reason);
                    let (permitted, _) = self.try_acquire(now);
                    (permitted, Some(t))
                } else {
                    self.not_permitted += 1;
                    (false, None)
                }
            }
            State::HalfOpen => {
                if self.permits_left > 0 {
                    self.permits_left -= 1;
                    (true, None)
                } else {
                    self.not_permitted += 1;
                    (false, None)
                }
            }
        }
    }

    /// resilience4j's `releasePermission`: a permitted call that never ran gives its
    /// HALF_OPEN trial permit back.
    pub fn release(&mut self) {
        if self.state == State::HalfOpen {
            self.permits_left += 1;
        }
    }

    /// Records a completed call (`onSuccess` / `onError`) that ran for `duration`, and
    /// returns the state change it caused, if any.
    pub fn on_result(
        &mut self,
        now: SimTime,
        failed: bool,
        duration: SimTime,
    ) -> Option<Transition> {
        let outcome = Outcome {
            failed,
            slow: duration > self.config.slow_threshold(),
        };
        match self.state {
            State::Disabled | State::ForcedOpen => None,
            State::Open => {
                self.metrics.record(now, outcome);
                None
            }
            State::Closed | State::HalfOpen => {
                let snap = self.metrics.record(now, outcome);
                let (failure_rate, slow_rate) = rates(snap, self.minimum)?;
                let over = failure_rate >= self.config.failure_rate_threshold
                    || slow_rate >= self.config.slow_call_rate_threshold;
                if over {
                    let reason = Reason::ThresholdReached {
                        failure_rate,
                        slow_rate,
                        failure_threshold: self.config.failure_rate_threshold,
                        slow_threshold: self.config.slow_call_rate_threshold,
                    };
                    Some(self.transition(now, State::Open, reason))
                } else if self.state == State::HalfOpen {
                    let reason = Reason::TrialsPassed {
                        failure_rate,
                        slow_rate,
                    };
                    Some(self.transition(now, State::Closed, reason))
                } else {
                    None
                }
            }
        }
    }

    /// The next time a timer may change the state by itself (automatic transition, or
    /// the half-open max wait), if any.
    pub fn next_timer(&self) -> Option<SimTime> {
        match self.state {
            State::Open if self.config.automatic_transition => Some(self.retry_after),
            State::HalfOpen => self.half_open_deadline,
            _ => None,
        }
    }

    /// Fires a timer due at or before `now`, as resilience4j's scheduler would.
    pub fn poll_timers(&mut self, now: SimTime) -> Option<Transition> {
        let due = self.next_timer().filter(|&t| t <= now)?;
        match self.state {
            State::Open => {
                let reason = Reason::WaitElapsedTimer {
                    wait_ms: self.config.wait_in_open_ms,
                };
                Some(self.transition(due, State::HalfOpen, reason))
            }
            State::HalfOpen => {
                let reason = Reason::HalfOpenTimedOut {
                    max_wait_ms: self.config.max_wait_in_half_open_ms,
                };
                Some(self.transition(due, State::Open, reason))
            }
            _ => None,
        }
    }

    /// Moves to a state by hand (`transitionToDisabledState`, `transitionToForcedOpenState`,
    /// `transitionToClosedState`, ...). Returns `None` if already there.
    pub fn set_state(&mut self, now: SimTime, to: State) -> Option<Transition> {
        (self.state != to).then(|| self.transition(now, to, Reason::Manual))
    }
}

#[cfg(test)]
mod tests;
