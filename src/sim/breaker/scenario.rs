//! Scripted breaker scenarios: a config and a list of calls in a RON file, replayed call
//! by call into a trace. Lessons and flashcards use them to *prove* an answer, and
//! `workbook sim breaker --scenario FILE --trace` prints the trace as CSV.
//!
//! A scripted call asks for permission at `at_ms` and, if permitted, reports its outcome
//! and measured duration at that same instant, the way resilience4j's own tests drive a
//! breaker with a mock clock. The duration only decides whether the call was slow.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{BreakerConfig, CircuitBreaker, State, Transition, WindowType};
use crate::sim::engine::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallOutcome {
    Success,
    Failure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioCall {
    pub at_ms: u64,
    pub outcome: CallOutcome,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedScenario {
    pub config: BreakerConfig,
    pub calls: Vec<ScenarioCall>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{line}:{column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("config: {0}")]
    Config(String),
    #[error(
        "call {index} (at_ms {at_ms}) comes before the call above it; list calls in time order"
    )]
    OutOfOrder { index: usize, at_ms: u64 },
    /// A size or count past what a scenario file may ask for (see [`Limits`]).
    #[error("{0}")]
    TooLarge(String),
}

/// The most a scenario file may ask for, so a few bytes cannot take gigabytes or hours:
/// window sizes, the number of calls, times, and the trace a run may produce (a breaker
/// that flaps every millisecond until a far-away call writes a line per change).
pub struct Limits;

impl Limits {
    pub const WINDOW_CALLS: u32 = 100_000;
    pub const WINDOW_SECONDS: u32 = 3_600;
    pub const CALLS: usize = 1_000_000;
    /// About 31 years: microseconds of it still fit the clock.
    pub const AT_MS: u64 = 1_000_000_000_000;
    pub const TRACE_LINES: usize = 1_000_000;
}

fn check_limits(scenario: &ScriptedScenario) -> Result<(), ScenarioError> {
    let too_large = |what: String| Err(ScenarioError::TooLarge(what));
    match scenario.config.window {
        WindowType::CountBased(n) if n > Limits::WINDOW_CALLS => {
            return too_large(format!(
                "config: window CountBased({n}) is larger than the limit of {} calls",
                Limits::WINDOW_CALLS
            ));
        }
        WindowType::TimeBased(s) if s > Limits::WINDOW_SECONDS => {
            return too_large(format!(
                "config: window TimeBased({s}) is longer than the limit of {} seconds",
                Limits::WINDOW_SECONDS
            ));
        }
        _ => {}
    }
    if scenario.calls.len() > Limits::CALLS {
        return too_large(format!(
            "{} calls is more than the limit of {}",
            scenario.calls.len(),
            Limits::CALLS
        ));
    }
    let times = [
        scenario.config.wait_in_open_ms,
        scenario.config.slow_call_duration_ms,
        scenario.config.max_wait_in_half_open_ms,
    ];
    if let Some(index) = scenario
        .calls
        .iter()
        .position(|c| c.at_ms.max(c.duration_ms) > Limits::AT_MS)
    {
        return too_large(format!(
            "call {index}: at_ms and duration_ms may be at most {}",
            Limits::AT_MS
        ));
    }
    if times.iter().any(|&t| t > Limits::AT_MS) {
        return too_large(format!(
            "config: durations may be at most {} ms",
            Limits::AT_MS
        ));
    }
    Ok(())
}

impl ScriptedScenario {
    /// Parses and checks a scenario. Syntax errors carry the line and column.
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let scenario: Self = ron::from_str(text).map_err(|e| ScenarioError::Syntax {
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        scenario.config.validate().map_err(ScenarioError::Config)?;
        check_limits(&scenario)?;
        for (index, pair) in scenario.calls.windows(2).enumerate() {
            if pair[1].at_ms < pair[0].at_ms {
                return Err(ScenarioError::OutOfOrder {
                    index: index + 1,
                    at_ms: pair[1].at_ms,
                });
            }
        }
        Ok(scenario)
    }
}

/// One line of a trace.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceLine {
    Call {
        at_ms: u64,
        permitted: bool,
        state_after: State,
        /// Failure and slow-call rates after the call; `None` below the minimum calls.
        rates: Option<(f32, f32)>,
    },
    Transition(Transition),
}

impl TraceLine {
    pub const CSV_HEADER: &str = "at_ms,permitted,state_after,failure_rate,slow_rate";
}

impl fmt::Display for TraceLine {
    /// CSV: `at_ms,permitted,state_after,failure_rate,slow_rate` for a call (rates are -1
    /// below the minimum number of calls, as resilience4j reports them), and
    /// `at_ms,transition,FROM,TO,reason` for a state change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceLine::Call {
                at_ms,
                permitted,
                state_after,
                rates,
            } => {
                write!(f, "{at_ms},{permitted},{state_after},")?;
                match rates {
                    Some((fail, slow)) => write!(f, "{fail:.1},{slow:.1}"),
                    None => f.write_str("-1,-1"),
                }
            }
            TraceLine::Transition(t) => write!(
                f,
                "{},transition,{},{},{}",
                t.at.as_ms(),
                t.from,
                t.to,
                t.reason
            ),
        }
    }
}

/// Replays the calls through a fresh breaker. Timers (automatic transition, half-open
/// max wait) fire at their own time, before any call at or after it. A trace longer
/// than [`Limits::TRACE_LINES`] stops the run with an error.
pub fn run_scenario(scenario: &ScriptedScenario) -> Result<Vec<TraceLine>, ScenarioError> {
    let too_long = || {
        ScenarioError::TooLarge(format!(
            "the trace passed the limit of {} lines (does the breaker flap between far-apart calls?)",
            Limits::TRACE_LINES
        ))
    };
    let mut breaker = CircuitBreaker::new(scenario.config.clone());
    let mut trace = Vec::with_capacity(scenario.calls.len() + 8);
    for call in &scenario.calls {
        let now = SimTime(call.at_ms * 1000);
        while let Some(t) = breaker.poll_timers(now) {
            trace.push(TraceLine::Transition(t));
            if trace.len() > Limits::TRACE_LINES {
                return Err(too_long());
            }
        }
        let (permitted, lazy) = breaker.try_acquire(now);
        trace.extend(lazy.map(TraceLine::Transition));
        if permitted {
            let failed = call.outcome == CallOutcome::Failure;
            let duration = SimTime(call.duration_ms * 1000);
            trace.extend(
                breaker
                    .on_result(now, failed, duration)
                    .map(TraceLine::Transition),
            );
        }
        trace.push(TraceLine::Call {
            at_ms: call.at_ms,
            permitted,
            state_after: breaker.state(),
            rates: breaker.rates(now),
        });
        if trace.len() > Limits::TRACE_LINES {
            return Err(too_long());
        }
    }
    Ok(trace)
}
