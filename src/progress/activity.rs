//! Study days across every kind of work, for the streak and the activity calendar.
//!
//! Card answers are already dated in the review log, so only the kinds that leave no
//! dated trace elsewhere are counted here: sections read, exercise checks, simulations
//! opened, post-mortem writing and drill steps. Days are learning days (they start at
//! the flashcard setting's local hour, 4 am by default), so a late-night session counts
//! for the evening it belongs to, as it does for the cards.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::srs::time::learning_day;
use crate::store::Progress;

/// The kinds of study recorded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reading,
    Check,
    Simulation,
    PostMortem,
    /// A step of an incident drill: an action, a diagnosis, a roll-out, a stage passed.
    Drill,
}

/// How much of each kind was done on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayCounts {
    pub sections_read: u32,
    pub checks: u32,
    pub simulations: u32,
    pub postmortem_edits: u32,
    pub drill_steps: u32,
}

impl DayCounts {
    const KINDS: [Kind; 5] = [
        Kind::Reading,
        Kind::Check,
        Kind::Simulation,
        Kind::PostMortem,
        Kind::Drill,
    ];

    fn get(mut self, kind: Kind) -> u32 {
        *self.slot(kind)
    }

    fn slot(&mut self, kind: Kind) -> &mut u32 {
        match kind {
            Kind::Reading => &mut self.sections_read,
            Kind::Check => &mut self.checks,
            Kind::Simulation => &mut self.simulations,
            Kind::PostMortem => &mut self.postmortem_edits,
            Kind::Drill => &mut self.drill_steps,
        }
    }
}

/// The recorded study, by learning day. Saved in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Activity {
    pub days: BTreeMap<NaiveDate, DayCounts>,
}

impl Activity {
    /// Counts one piece of study at `now`.
    pub fn record(&mut self, kind: Kind, now: DateTime<Utc>, day_start_hour: u32) {
        let day = learning_day(now, day_start_hour);
        let slot = self.days.entry(day).or_default().slot(kind);
        *slot = slot.saturating_add(1);
    }

    /// Folds in what another process recorded (`workbook check` while the app is open):
    /// each count takes the larger of the two, so a merge never loses or doubles a day.
    pub fn merge(&mut self, theirs: &Activity) {
        for (day, counts) in &theirs.days {
            let mine = self.days.entry(*day).or_default();
            for kind in DayCounts::KINDS {
                let slot = mine.slot(kind);
                *slot = (*slot).max(counts.get(kind));
            }
        }
    }
}

/// Everything studied on one day, cards included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayStudy {
    pub answers: u32,
    pub recorded: DayCounts,
}

impl DayStudy {
    /// Pieces of study of every kind, for the calendar's shading.
    pub fn total(&self) -> u32 {
        let r = &self.recorded;
        self.answers
            .saturating_add(r.sections_read)
            .saturating_add(r.checks)
            .saturating_add(r.simulations)
            .saturating_add(r.postmortem_edits)
            .saturating_add(r.drill_steps)
    }
}

/// Every day with study of any kind: the review log's answers plus the recorded kinds.
pub fn study_days(progress: &Progress) -> BTreeMap<NaiveDate, DayStudy> {
    let hour = progress.cards.settings.day_start_hour;
    let mut days: BTreeMap<NaiveDate, DayStudy> = progress
        .activity
        .days
        .iter()
        .map(|(day, counts)| {
            let study = DayStudy {
                answers: 0,
                recorded: *counts,
            };
            (*day, study)
        })
        .collect();
    for entry in &progress.cards.log {
        let study = days.entry(learning_day(entry.time, hour)).or_default();
        study.answers = study.answers.saturating_add(1);
    }
    days.retain(|_, study| study.total() > 0);
    days
}

/// Days in a row with study of any kind, ending today, or yesterday when nothing is done
/// yet today (the streak is still alive until the day is over).
pub fn streak(days: &BTreeMap<NaiveDate, DayStudy>, today: NaiveDate) -> u32 {
    let studied = |day: NaiveDate| days.get(&day).is_some_and(|s| s.total() > 0);
    let mut day = if studied(today) {
        today
    } else {
        today - Duration::days(1)
    };
    let mut count = 0;
    while studied(day) {
        count += 1;
        day -= Duration::days(1);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::{Rating, ReviewEntry, State};

    fn at(s: &str) -> DateTime<Utc> {
        crate::srs::time::parse(s).unwrap_or_default()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn every_kind_of_study_keeps_the_streak() {
        let mut progress = Progress::default();
        progress.cards.settings.day_start_hour = 0;
        // Cards on day 1, an exercise check on day 2, a simulation on day 3.
        progress.cards.log.push(ReviewEntry {
            card_id: "c".into(),
            time: at("2026-03-01T12:00:00Z"),
            rating: Rating::Good,
            state_before: State::New,
            state_after: State::Learning,
            before: None,
        });
        let hour = 0;
        progress
            .activity
            .record(Kind::Check, at("2026-03-02T12:00:00Z"), hour);
        progress
            .activity
            .record(Kind::Simulation, at("2026-03-03T12:00:00Z"), hour);
        let days = study_days(&progress);
        let d1 = learning_day(at("2026-03-01T12:00:00Z"), 0);
        let d3 = learning_day(at("2026-03-03T12:00:00Z"), 0);
        assert_eq!(days.len(), 3);
        assert_eq!(days[&d1].answers, 1);
        assert_eq!(streak(&days, d3), 3);
        // Nothing yet on day 4: the streak is still three; a gap on day 4 ends it.
        assert_eq!(streak(&days, d3 + Duration::days(1)), 3);
        assert_eq!(streak(&days, d3 + Duration::days(2)), 0);
    }

    #[test]
    fn a_merge_takes_the_larger_count_per_day() {
        let mut mine = Activity::default();
        let mut theirs = Activity::default();
        mine.days.insert(
            day("2026-03-01"),
            DayCounts {
                checks: 2,
                sections_read: 1,
                ..DayCounts::default()
            },
        );
        theirs.days.insert(
            day("2026-03-01"),
            DayCounts {
                checks: 5,
                ..DayCounts::default()
            },
        );
        theirs.days.insert(day("2026-03-02"), DayCounts::default());
        mine.merge(&theirs);
        assert_eq!(mine.days[&day("2026-03-01")].checks, 5);
        assert_eq!(mine.days[&day("2026-03-01")].sections_read, 1);
        assert_eq!(mine.days.len(), 2);
    }
}
