//! The exercise runner: builds the learner's file with the hidden tests using `rustc
//! --test`, runs it under a watchdog, parses libtest's results and grades them.

use serde::{Deserialize, Serialize};

/// Per-exercise status, scores and check counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseProgress {}
