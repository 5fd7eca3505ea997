//! Incident drills: an incident thrown at a simulated system, which the learner pages in
//! to, investigates, diagnoses, mitigates with a pattern, and writes up.
//!
//! A drill is content (`lessons/<pack>/drills/<id>.ron`, loaded by `content::drill`):
//! the system (one of the simulation models and its incident, [`systems`]), the SLO it
//! must hold, what the learner may look at, the diagnosis question, the mitigations on
//! offer, a model post-mortem and the cards it adds. Everything the learner is told
//! about the system comes from a run of the model: the SLO verdict ([`slo`]), the moment
//! the alert fires, the dashboard, the log stream and the traces ([`run`]). A mitigation
//! is judged by replaying the same seed and incident with it in place ([`play`]).
//!
//! [`attempt`] is the flow of one playthrough (time spent, wrong steps, the score), kept
//! in progress by [`record`] so the screen and the CLI share it; [`prefill`] turns a
//! played drill into the first draft of its post-mortem.

pub mod attempt;
pub mod cards;
pub mod choices;
pub mod play;
pub mod prefill;
pub mod record;
pub mod run;
pub mod slo;
pub mod spec;
pub mod systems;

pub use attempt::{Attempt, Score, Stage};
pub use choices::{Applied, Choices, Resolved};
pub use play::{Outcome, play};
pub use record::{DrillProgress, DrillRecord};
pub use run::{Event, EventKind, Metric, Run, Span, Trace};
pub use slo::{SloFigures, Verdict};
pub use spec::{Drill, DrillSpec};

/// Seeds the tests and `workbook validate` play every drill on: the verdicts (no
/// mitigation fails, the model mitigation holds) must hold on all of them.
pub const CHECKED_SEEDS: [u64; 5] = [1, 2, 3, 4, 5];
