//! What a learner asks of the workbook as a whole: where do I stand on each pattern, what
//! should I do next, how much did I study. Computed from the store and the content, with
//! no egui: Home, the Progress screen and `workbook progress` all read these numbers.

pub mod activity;
pub mod lesson_order;
pub mod mastery;
pub mod next;
pub mod summary;

pub use activity::{Activity, Kind as ActivityKind};
pub use mastery::{Level, PatternMastery};

use chrono::{DateTime, Utc};

use crate::content::Library;
use crate::content::drill::Drills;
use crate::runner::exercise::Catalog;
use crate::srs::Card;
use crate::store::Progress;

/// Everything the numbers are computed from.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub library: &'a Library,
    pub catalog: &'a Catalog,
    /// The reviewable cards: the packs' (with the learner's edits) and the learner's own.
    pub cards: &'a [Card],
    /// The incident drills, which count toward their section's mastery.
    pub drills: &'a Drills,
    pub progress: &'a Progress,
    pub now: DateTime<Utc>,
}
