//! Flashcard scheduling: FSRS-6 through the `fsrs` crate, with learning steps, fuzz, the
//! daily queue and the review log.

pub mod cloze;
pub mod deck;
pub mod export;
pub mod queue;
pub mod replay;
pub mod review;
pub mod scheduler;
pub mod stats;
pub mod time;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use deck::{Card, CardKind, CardSource, Deck, load_decks};
pub use review::ReviewEntry;
pub use scheduler::{CardSchedule, Rating, Scheduler, State, retrievability};

/// What can go wrong in the flashcard core.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    #[error("desired retention {0} is outside 0.70 to 0.97")]
    Retention(f64),
    #[error("the FSRS model refused the input: {0}")]
    Fsrs(String),
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
    #[error("{0}")]
    InvalidCard(String),
}

/// The learner's flashcard state (scheduling per card, review log, own cards, settings).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SrsProgress {
    pub settings: SrsSettings,
    /// Scheduling per reviewable card id; a card with no entry is New.
    pub cards: BTreeMap<String, CardSchedule>,
    /// Every answer, oldest first: feeds the statistics and undo.
    pub log: Vec<ReviewEntry>,
    pub suspended: BTreeSet<String>,
    /// Cards put aside until the given instant (the start of the next learning day).
    pub buried: BTreeMap<String, Buried>,
    /// Cards the learner wrote.
    pub own_cards: Vec<CardSource>,
    /// The learner's rewrites of pack cards, by source card id.
    pub edits: BTreeMap<String, deck::CardEdit>,
}

/// A bury: the card stays out of the queue until `until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Buried {
    #[serde(with = "time::one")]
    pub until: DateTime<Utc>,
}

/// The learner's choices for scheduling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SrsSettings {
    /// Probability of recall at which a card comes back, 0.70 to 0.97.
    pub desired_retention: f64,
    pub new_per_day: u32,
    /// Caps reviews and new cards together, reviews first, as Anki's v3 scheduler does
    /// by default: on a heavy day no new cards are added to the pile.
    pub max_reviews_per_day: u32,
    /// Local hour at which a new learning day starts (Anki uses 4 am).
    pub day_start_hour: u32,
    /// New cards come only from sections the learner has read, so a card never asks
    /// about something not yet taught (see [`queue::for_learner`]).
    pub new_from_read_sections: bool,
}

impl Default for SrsSettings {
    fn default() -> Self {
        Self {
            desired_retention: 0.9,
            new_per_day: 20,
            max_reviews_per_day: 200,
            day_start_hour: 4,
            new_from_read_sections: true,
        }
    }
}

impl SrsProgress {
    /// The scheduler for the learner's settings (fuzz on, as in everyday use). A retention
    /// outside the allowed range, say from a hand-edited file, falls back to 0.9.
    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(self.settings.desired_retention, true)
            .or_else(|_| Scheduler::new(0.9, true))
            .unwrap_or_else(|_| unreachable!("0.9 is inside the allowed range"))
    }

    /// The card's schedule; New when it was never answered.
    pub fn schedule(&self, id: &str) -> CardSchedule {
        self.cards.get(id).cloned().unwrap_or_default()
    }
}
