//! Numbers for the statistics screen, all computed from the review log and the schedules:
//! answers per day, the due forecast, true retention and card counts by state.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::deck::Card;
use super::scheduler::{Rating, State};
use super::{SrsProgress, time};

/// Answers given on each learning day, split by the answer.
pub fn answers_per_day(progress: &SrsProgress) -> BTreeMap<NaiveDate, [u32; 4]> {
    let hour = progress.settings.day_start_hour;
    let mut days: BTreeMap<NaiveDate, [u32; 4]> = BTreeMap::new();
    for entry in &progress.log {
        let slot = usize::from(entry.rating.number() - 1);
        days.entry(time::learning_day(entry.time, hour))
            .or_default()[slot] += 1;
    }
    days
}

/// Cards falling due on each of the next `days` learning days, today first; overdue cards
/// count for today. New and suspended cards are left out.
pub fn forecast(
    progress: &SrsProgress,
    cards: &[Card],
    now: DateTime<Utc>,
    days: usize,
) -> Vec<u32> {
    let hour = progress.settings.day_start_hour;
    let today = time::learning_day(now, hour);
    let mut out = vec![0; days];
    for card in cards.iter().filter(|c| !progress.suspended.contains(&c.id)) {
        let Some(due) = progress.cards.get(&card.id).and_then(|s| s.due) else {
            continue;
        };
        let offset = (time::learning_day(due, hour) - today).num_days().max(0);
        if let Some(slot) = usize::try_from(offset).ok().and_then(|i| out.get_mut(i)) {
            *slot += 1;
        }
    }
    out
}

/// True retention: of the answers to cards in Review state (real tests of long-term
/// memory, not learning steps), the share that were not Again.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Retention {
    pub passed: u32,
    pub total: u32,
}

impl Retention {
    pub fn rate(self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.passed) / f64::from(self.total))
    }
}

/// True retention over the answers given since `since`.
pub fn true_retention(progress: &SrsProgress, since: DateTime<Utc>) -> Retention {
    let mut r = Retention::default();
    for entry in progress
        .log
        .iter()
        .filter(|e| e.time >= since && e.state_before == State::Review)
    {
        r.total += 1;
        r.passed += u32::from(entry.rating != Rating::Again);
    }
    r
}

/// How many cards are in each state, plus how many are suspended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub new: usize,
    pub learning: usize,
    pub review: usize,
    pub relearning: usize,
    pub suspended: usize,
}

pub fn state_counts(progress: &SrsProgress, cards: &[Card]) -> StateCounts {
    let mut c = StateCounts::default();
    for card in cards {
        if progress.suspended.contains(&card.id) {
            c.suspended += 1;
            continue;
        }
        match progress.cards.get(&card.id).map_or(State::New, |s| s.state) {
            State::New => c.new += 1,
            State::Learning => c.learning += 1,
            State::Review => c.review += 1,
            State::Relearning => c.relearning += 1,
        }
    }
    c
}

/// The learning day `days_back` days before the one `now` falls in.
pub fn day_before(progress: &SrsProgress, now: DateTime<Utc>, days_back: i64) -> NaiveDate {
    time::learning_day(now, progress.settings.day_start_hour) - Duration::days(days_back)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::Scheduler;

    #[test]
    fn retention_counts_only_review_state_answers() {
        let mut p = SrsProgress::default();
        let s = Scheduler::new(0.9, false).unwrap();
        let t0 = Utc::now() - Duration::days(40);
        p.answer(&s, "a", Rating::Easy, t0).unwrap();
        p.answer(&s, "a", Rating::Good, t0 + Duration::days(8))
            .unwrap();
        p.answer(&s, "a", Rating::Again, t0 + Duration::days(30))
            .unwrap();
        let r = true_retention(&p, t0 - Duration::days(1));
        assert_eq!((r.passed, r.total), (1, 2));
        assert_eq!(r.rate(), Some(0.5));
        let per_day: u32 = answers_per_day(&p)
            .values()
            .map(|d| d.iter().sum::<u32>())
            .sum();
        assert_eq!(per_day, 3);
    }
}
