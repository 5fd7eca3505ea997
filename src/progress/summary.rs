//! The figures of Home and the Progress screen: today's work, totals across the workbook,
//! the mastery of every pattern and the next step, computed once per call from [`Inputs`].

use serde::Serialize;

use super::Inputs;
use super::activity::{self, DayStudy};
use super::mastery::{self, PatternMastery};
use super::next::{self, Suggestion};
use crate::srs::{queue, time};

/// What today holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Today {
    /// Cards due now (learning steps and reviews, within today's limits).
    pub cards_due: usize,
    /// New cards today's limit still allows.
    pub cards_new: usize,
    /// Cards answered today.
    pub reviews_done: usize,
    /// Days in a row with study of any kind (see [`activity::streak`]).
    pub streak: u32,
    pub studied_today: bool,
}

/// Totals across the workbook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub sections_read: usize,
    pub sections: usize,
    pub cards_learned: usize,
    pub cards_mature: usize,
    pub cards: usize,
    pub exercises_passed: usize,
    pub exercises: usize,
    pub points: u32,
    pub max_points: u32,
    pub simulations_opened: usize,
    pub simulations: usize,
    pub postmortems_written: usize,
    pub days_studied: usize,
}

/// Everything Home, the Progress screen and `workbook progress` show.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub today: Today,
    pub totals: Totals,
    pub patterns: Vec<PatternMastery>,
    pub next: Suggestion,
    /// Study per learning day, oldest first, for the activity calendar.
    #[serde(skip)]
    pub days: std::collections::BTreeMap<chrono::NaiveDate, DayStudy>,
}

pub fn overview(inputs: &Inputs) -> Overview {
    let progress = inputs.progress;
    let patterns = mastery::patterns(inputs);
    let days = activity::study_days(progress);
    let today_day = time::learning_day(inputs.now, progress.cards.settings.day_start_hour);
    let queue = queue::for_learner(progress, inputs.library, inputs.cards, inputs.now);
    let done = queue::today(&progress.cards, inputs.now);
    let today = Today {
        cards_due: queue.learning.len() + queue.review.len(),
        cards_new: queue.new.len(),
        reviews_done: done.answers,
        streak: activity::streak(&days, today_day),
        studied_today: days.get(&today_day).is_some_and(|d| d.total() > 0),
    };
    let sims: std::collections::BTreeSet<&String> = inputs
        .library
        .packs
        .iter()
        .flat_map(|p| &p.sections)
        .flat_map(|s| &s.simulations)
        .collect();
    let totals = Totals {
        sections_read: patterns.iter().filter(|p| p.section_read).count(),
        sections: patterns.len(),
        cards_learned: patterns.iter().map(|p| p.cards.learned).sum(),
        cards_mature: patterns.iter().map(|p| p.cards.mature).sum(),
        cards: patterns.iter().map(|p| p.cards.total).sum(),
        exercises_passed: inputs
            .catalog
            .exercises
            .iter()
            .filter(|e| progress.exercises.record(&e.id).passed)
            .count(),
        exercises: inputs.catalog.exercises.len(),
        points: progress.exercises.total_score(),
        max_points: inputs.catalog.exercises.iter().map(|e| e.points).sum(),
        simulations_opened: sims
            .iter()
            .filter(|s| progress.sims.opened.contains(s.as_str()))
            .count(),
        simulations: sims.len(),
        postmortems_written: progress
            .postmortems
            .items
            .iter()
            .filter(|p| p.missing_before_compare().is_empty())
            .count(),
        days_studied: days.len(),
    };
    Overview {
        today,
        totals,
        patterns,
        next: next::suggest(inputs),
        days,
    }
}
