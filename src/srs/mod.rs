//! Flashcard scheduling: FSRS-6 through the `fsrs` crate, with learning steps, fuzz, the
//! daily queue and the review log.

pub mod replay;
pub mod scheduler;
pub mod time;

use serde::{Deserialize, Serialize};

pub use scheduler::{CardSchedule, Rating, Scheduler, State};

/// What can go wrong in the flashcard core.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    #[error("desired retention {0} is outside 0.70 to 0.97")]
    Retention(f64),
    #[error("the FSRS model refused the input: {0}")]
    Fsrs(String),
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
}

/// The learner's flashcard state (scheduling per card, review log, own cards, settings).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SrsProgress {}
