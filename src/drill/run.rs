//! What one run of a drill's system shows: the requests the SLO is measured over, and
//! what an on-call engineer could look at (a dashboard, a log stream, traces). Each
//! system in [`super::systems`] fills it from its model's own records.

use serde::Serialize;

use crate::sim::headless::Points;
use crate::sim::requests::{Fate, Request};

/// One run of the system from its seed to the end of the drill.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Run {
    /// Every request, with its fate, in arrival order.
    #[serde(skip)]
    pub requests: Vec<Request>,
    /// The dashboard: one plot per metric.
    pub metrics: Vec<Metric>,
    /// Faults, state changes and log lines, by time.
    pub events: Vec<Event>,
    /// A few requests followed through the services (the slowest, the failed).
    pub traces: Vec<Trace>,
}

/// A time series on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub name: String,
    pub unit: String,
    /// `(t in seconds, value)`; `None` where nothing was measured.
    pub points: Points,
    /// A limit worth drawing (a pool size, a timeout), with its label.
    pub threshold: Option<(f64, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EventKind {
    /// Injected by the incident script.
    Fault,
    /// A pattern changed state (a breaker opened).
    State,
    /// A line of the system's log.
    Log,
    /// The page.
    Alert,
    /// Something the learner did.
    Action,
    /// The mitigation took effect.
    Mitigation,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        Self::Fault,
        Self::State,
        Self::Log,
        Self::Alert,
        Self::Action,
        Self::Mitigation,
    ];

    /// The name the log stream's filter shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Fault => "faults",
            Self::State => "state changes",
            Self::Log => "log lines",
            Self::Alert => "alerts",
            Self::Action => "your actions",
            Self::Mitigation => "mitigations",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub t_s: f64,
    pub kind: EventKind,
    /// The service or part that logged it.
    pub source: String,
    pub text: String,
}

/// One request through the services: a waterfall of spans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub title: String,
    pub at_s: f64,
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub service: String,
    /// Milliseconds after the trace's start.
    pub start_ms: f64,
    pub end_ms: f64,
    pub failed: bool,
    pub note: String,
}

impl Run {
    /// Events sorted by time (stable, so a model's own order is kept at equal times).
    pub fn sort_events(&mut self) {
        self.events.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    }

    /// A log stream drawn from the requests: the first few failures of each kind in each
    /// second, as a service would log them, so a flood is visible without drowning the
    /// view. `service` names the service that logs.
    pub fn log_failures(&mut self, service: &str, per_second: usize) {
        let mut second = f64::NAN;
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        let mut lines = Vec::new();
        for r in &self.requests {
            let label = match r.fate {
                Fate::Ok | Fate::Fallback => continue,
                Fate::Refused(l) | Fate::Failed(l) | Fate::Wrong(l) => l,
            };
            let s = (r.at_ms / 1000.0).floor();
            if s != second {
                second = s;
                counts.clear();
            }
            let i = counts
                .iter()
                .position(|(l, _)| *l == label)
                .unwrap_or_else(|| {
                    counts.push((label, 0));
                    counts.len() - 1
                });
            counts[i].1 += 1;
            if counts[i].1 <= per_second {
                let level = match r.fate {
                    Fate::Refused(_) => "WARN",
                    _ => "ERROR",
                };
                lines.push(Event {
                    t_s: (r.at_ms + r.latency_ms) / 1000.0,
                    kind: EventKind::Log,
                    source: service.to_owned(),
                    text: format!(
                        "{level} request at {:.3} s: {label} after {:.0} ms",
                        r.at_ms / 1000.0,
                        r.latency_ms
                    ),
                });
            }
        }
        self.events.extend(lines);
    }
}
