//! Flashcard scheduling: FSRS-6 through the `fsrs` crate, with learning steps, fuzz, the
//! daily queue and the review log.

use serde::{Deserialize, Serialize};

/// The learner's flashcard state (scheduling per card, review log, own cards, settings).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SrsProgress {}
