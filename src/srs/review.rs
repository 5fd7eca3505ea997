//! Answering, undoing, burying and suspending: every change a review session makes to
//! the learner's flashcard state, each logged so statistics and undo have the facts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scheduler::{CardSchedule, Rating, Scheduler, State};
use super::{Buried, SrsError, SrsProgress, time};

/// One answer in the review log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEntry {
    pub card_id: String,
    #[serde(with = "time::one")]
    pub time: DateTime<Utc>,
    pub rating: Rating,
    pub state_before: State,
    pub state_after: State,
    /// The whole schedule before the answer, so undo restores it exactly. Kept only on
    /// the last [`UNDO_DEPTH`] entries so the progress file stays small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<CardSchedule>,
}

/// How many answers can be taken back in a row.
pub const UNDO_DEPTH: usize = 50;

impl SrsProgress {
    /// Records an answer: the card's new schedule and a log entry.
    pub fn answer(
        &mut self,
        scheduler: &Scheduler,
        card_id: &str,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> Result<&CardSchedule, SrsError> {
        let before = self.schedule(card_id);
        let after = scheduler.review(card_id, &before, rating, now)?;
        tracing::debug!(card = card_id, ?rating, state = ?after.state, due = ?after.due, "answered");
        self.log.push(ReviewEntry {
            card_id: card_id.to_owned(),
            time: now,
            rating,
            state_before: before.state,
            state_after: after.state,
            before: Some(before),
        });
        let keep_from = self.log.len().saturating_sub(UNDO_DEPTH);
        for old in &mut self.log[..keep_from] {
            old.before = None;
        }
        let slot = self.cards.entry(card_id.to_owned()).or_default();
        *slot = after;
        Ok(slot)
    }

    /// Takes back the last answer; returns the card so it can be shown again. `None` when
    /// there is nothing left to undo.
    pub fn undo(&mut self) -> Option<String> {
        let before = self.log.last()?.before.clone()?;
        let entry = self.log.pop()?;
        if before == CardSchedule::default() {
            self.cards.remove(&entry.card_id);
        } else {
            self.cards.insert(entry.card_id.clone(), before);
        }
        Some(entry.card_id)
    }

    /// Whether [`Self::undo`] would do something.
    pub fn can_undo(&self) -> bool {
        self.log.last().is_some_and(|e| e.before.is_some())
    }

    /// Puts a card aside until the next learning day starts.
    pub fn bury(&mut self, card_id: &str, now: DateTime<Utc>) {
        let day = time::learning_day(now, self.settings.day_start_hour);
        let until = time::day_end(day, self.settings.day_start_hour);
        self.buried.insert(card_id.to_owned(), Buried { until });
    }

    /// Whether the card is buried at `now`.
    pub fn is_buried(&self, card_id: &str, now: DateTime<Utc>) -> bool {
        self.buried.get(card_id).is_some_and(|b| b.until > now)
    }

    /// Takes a card out of (or back into) every queue until changed again.
    pub fn set_suspended(&mut self, card_id: &str, suspended: bool) {
        if suspended {
            self.suspended.insert(card_id.to_owned());
        } else {
            self.suspended.remove(card_id);
        }
    }

    /// Forgets burials that have run out, so the file does not grow forever.
    pub fn drop_expired_burials(&mut self, now: DateTime<Utc>) {
        self.buried.retain(|_, b| b.until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        time::parse(s).unwrap()
    }

    #[test]
    fn undo_restores_the_card_and_the_log() {
        let mut p = SrsProgress::default();
        let s = Scheduler::new(0.9, false).unwrap();
        p.answer(&s, "a", Rating::Good, at("2026-01-01T10:00:00Z"))
            .unwrap();
        let after_one = p.schedule("a");
        p.answer(&s, "a", Rating::Again, at("2026-01-01T10:10:00Z"))
            .unwrap();
        assert_eq!(p.log.len(), 2);
        assert_eq!(p.log[1].state_before, State::Learning);
        assert_eq!(p.undo().as_deref(), Some("a"));
        assert_eq!(p.schedule("a"), after_one);
        assert_eq!(p.undo().as_deref(), Some("a"));
        assert!(p.cards.is_empty() && p.log.is_empty());
        assert_eq!(p.undo(), None);
    }

    #[test]
    fn undo_reaches_back_a_limited_number_of_answers() {
        let mut p = SrsProgress::default();
        let s = Scheduler::new(0.9, false).unwrap();
        let t = at("2026-01-01T10:00:00Z");
        for i in 0..UNDO_DEPTH + 5 {
            p.answer(&s, &format!("c{i}"), Rating::Good, t).unwrap();
        }
        for _ in 0..UNDO_DEPTH {
            assert!(p.undo().is_some());
        }
        assert!(!p.can_undo());
        assert_eq!(p.undo(), None);
        assert_eq!(p.log.len(), 5);
    }

    #[test]
    fn burial_lasts_until_the_next_day() {
        let mut p = SrsProgress::default();
        let now = Utc::now();
        p.bury("a", now);
        assert!(p.is_buried("a", now));
        assert!(!p.is_buried("a", now + chrono::Duration::days(1)));
        p.drop_expired_burials(now + chrono::Duration::days(1));
        assert!(p.buried.is_empty());
    }
}
