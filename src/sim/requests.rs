//! What became of each request, kept by a model when asked (`record_requests` in its
//! config): the drills measure their SLO over it. Off by default, so the simulation pages
//! and benches do not pay for a log they never read.

use serde::Serialize;

/// How a request ended, as the client saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Fate {
    /// The real answer.
    Ok,
    /// A fallback answer (a cache, a default, "we will email you"), given instead of
    /// calling a dependency.
    Fallback,
    /// Turned away at once, before any work: the label says by what ("the pool is full").
    Refused(&'static str),
    /// Tried and failed: the label says how ("timed out").
    Failed(&'static str),
    /// Answered, but the answer is wrong ("charged more than once", "sold a ticket twice").
    Wrong(&'static str),
}

/// One request: when it arrived and how long its client waited for the answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Request {
    pub at_ms: f64,
    pub latency_ms: f64,
    pub fate: Fate,
}

/// The log a model appends to; empty unless enabled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestLog {
    enabled: bool,
    requests: Vec<Request>,
}

impl RequestLog {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            requests: Vec::new(),
        }
    }

    pub fn push(&mut self, at_ms: f64, latency_ms: f64, fate: Fate) {
        if self.enabled {
            self.requests.push(Request {
                at_ms,
                latency_ms,
                fate,
            });
        }
    }

    /// Every request recorded, in the order the model finished them.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }
}
