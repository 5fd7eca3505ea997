//! The systems a drill can run: each wraps one simulation model, takes the drill's
//! configuration and incident script, applies the learner's mitigations, and reports a
//! [`Run`]. A drill file names its system as a variant of [`SystemSpec`]:
//! `system: Breaker((caller: (...), incident: [...]))`.

use serde::Deserialize;

use super::choices::Resolved;
use super::run::Run;
use crate::sim::engine::Series;
use crate::sim::headless::Points;

pub mod breaker;
pub mod bulkhead;
pub mod cascade;
pub mod idempotency;
pub mod race;
pub mod records;
pub mod retry_storm;
#[cfg(test)]
mod testing;

/// A mitigation a model can apply and the parameters it reads. A drill may offer only
/// these, and each offer must declare exactly these parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    pub id: &'static str,
    pub params: &'static [&'static str],
}

/// One model behind a drill.
pub trait System {
    /// The simulation (`sim::catalog` id) whose model this is, for "open in simulation".
    fn simulation(&self) -> &'static str;
    /// The mitigations the model can apply.
    fn known(&self) -> &'static [Known];
    /// Problems serde cannot see (a fault after the end, a pool of 0), as sentences.
    fn check(&self, duration_s: f64) -> Vec<String>;
    /// Runs the incident from `seed` for `duration_s` virtual seconds with `applied` in
    /// place from the start. Deterministic: same arguments, same run.
    fn run(&self, applied: &[Resolved], seed: u64, duration_s: f64) -> Run;
}

/// The system of a drill file.
#[derive(Debug, Clone, Deserialize)]
pub enum SystemSpec {
    /// A checkout calling a payment gateway (the circuit-breaker model).
    Breaker(breaker::Spec),
    /// Payments over a lossy network, retried by their clients (the idempotency model).
    Idempotency(idempotency::Spec),
    /// Buyers rushing for the last tickets over one database row (the race model).
    Race(race::Spec),
    /// Clients retrying against an API after a blip (the retry-storm model).
    RetryStorm(retry_storm::Spec),
    /// A checkout API sharing its pool with reports and jobs (the bulkhead model).
    Bulkhead(bulkhead::Spec),
    /// A dashboard page through balancer, app and database (the cascading-timeouts model).
    Cascade(cascade::Spec),
}

impl SystemSpec {
    pub fn system(&self) -> &dyn System {
        match self {
            Self::Breaker(s) => s,
            Self::Idempotency(s) => s,
            Self::Race(s) => s,
            Self::RetryStorm(s) => s,
            Self::Bulkhead(s) => s,
            Self::Cascade(s) => s,
        }
    }
}

/// The mitigation `id` among `applied`, if chosen.
pub fn chosen<'a>(applied: &'a [Resolved], id: &str) -> Option<&'a Resolved> {
    applied.iter().find(|a| a.id == id)
}

/// A model's series as a dashboard plot: gaps (no data in a bucket) stay gaps.
pub fn points(series: &Series) -> Points {
    series
        .points()
        .iter()
        .map(|p| (p[0], p[1].is_finite().then_some(p[1])))
        .collect()
}
