//! The day's queue, in Anki's order: learning cards that are due now, then reviews due
//! today, then new cards, within the daily limits. When nothing else is left, learning
//! cards due within the next 20 minutes come forward (Anki's "learn ahead" limit), so a
//! session does not end just to wait a few minutes.
//!
//! The learning day (starting at the configured local hour) decides only what counts as
//! due today and which answers count against today's limits; learning steps keep their
//! exact due times.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::deck::Card;
use super::scheduler::State;
use super::{SrsProgress, time};

/// How far ahead learning cards may be shown when nothing else is due (Anki's default).
pub const LEARN_AHEAD: Duration = Duration::minutes(20);

/// Card ids waiting to be reviewed now, by group, each in the order they will be shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    pub learning: Vec<String>,
    pub review: Vec<String>,
    pub new: Vec<String>,
    /// Learning cards due within [`LEARN_AHEAD`], shown only when the rest is empty.
    pub ahead: Vec<String>,
}

impl Queue {
    /// The card to show next.
    pub fn next(&self) -> Option<&str> {
        self.learning
            .first()
            .or_else(|| self.review.first())
            .or_else(|| self.new.first())
            .or_else(|| self.ahead.first())
            .map(String::as_str)
    }

    /// Cards still to do in this session.
    pub fn remaining(&self) -> usize {
        self.learning.len() + self.review.len() + self.new.len() + self.ahead.len()
    }
}

/// What the learner did today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Today {
    pub answers: usize,
    pub new_introduced: usize,
    pub reviews: usize,
}

/// Counts today's answers from the log.
pub fn today(progress: &SrsProgress, now: DateTime<Utc>) -> Today {
    let hour = progress.settings.day_start_hour;
    let day = time::learning_day(now, hour);
    let mut t = Today::default();
    for entry in progress
        .log
        .iter()
        .rev()
        .take_while(|e| time::learning_day(e.time, hour) >= day)
        .filter(|e| time::learning_day(e.time, hour) == day)
    {
        t.answers += 1;
        match entry.state_before {
            State::New => t.new_introduced += 1,
            State::Review => t.reviews += 1,
            State::Learning | State::Relearning => {}
        }
    }
    t
}

/// Builds the queue over `cards` (already narrowed to a tag if the learner chose one).
pub fn build(progress: &SrsProgress, cards: &[Card], now: DateTime<Utc>) -> Queue {
    let hour = progress.settings.day_start_hour;
    let day: NaiveDate = time::learning_day(now, hour);
    let day_end = time::day_end(day, hour);
    let done = today(progress, now);
    let mut learning = Vec::new();
    let mut ahead = Vec::new();
    let mut review = Vec::new();
    let mut new = Vec::new();
    for card in cards {
        if progress.suspended.contains(&card.id) || progress.is_buried(&card.id, now) {
            continue;
        }
        let Some(schedule) = progress.cards.get(&card.id) else {
            new.push(card.id.clone());
            continue;
        };
        let Some(due) = schedule.due else {
            new.push(card.id.clone());
            continue;
        };
        match schedule.state {
            State::New => new.push(card.id.clone()),
            State::Learning | State::Relearning if due <= now => {
                learning.push((due, card.id.clone()))
            }
            State::Learning | State::Relearning if due <= now + LEARN_AHEAD => {
                ahead.push((due, card.id.clone()));
            }
            State::Review if due < day_end => review.push((due, card.id.clone())),
            _ => {}
        }
    }
    let by_due = |mut v: Vec<(DateTime<Utc>, String)>| -> Vec<String> {
        v.sort();
        v.into_iter().map(|(_, id)| id).collect()
    };
    // The review limit counts new cards too, and reviews come first (Anki v3's default).
    let limit_room = (progress.settings.max_reviews_per_day as usize)
        .saturating_sub(done.reviews + done.new_introduced);
    let mut review = by_due(review);
    review.truncate(limit_room);
    let new_room = (progress.settings.new_per_day as usize)
        .saturating_sub(done.new_introduced)
        .min(limit_room - review.len());
    new.truncate(new_room);
    Queue {
        learning: by_due(learning),
        review,
        new,
        ahead: by_due(ahead),
    }
}

/// When the next card falls due after `now` (for the end-of-session screen), and how many
/// fall due by the end of that card's learning day.
pub fn next_due(
    progress: &SrsProgress,
    cards: &[Card],
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, usize)> {
    let hour = progress.settings.day_start_hour;
    let dues: Vec<DateTime<Utc>> = cards
        .iter()
        .filter(|c| !progress.suspended.contains(&c.id))
        .filter_map(|c| progress.cards.get(&c.id)?.due)
        .filter(|due| *due > now)
        .collect();
    let first = dues.iter().min().copied()?;
    let end = time::day_end(time::learning_day(first, hour), hour);
    Some((first, dues.iter().filter(|d| **d < end).count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::deck::{CardKind, CardSource, expand};
    use crate::srs::{Rating, Scheduler};
    use chrono::Timelike;

    fn cards(n: usize) -> Vec<Card> {
        (0..n)
            .flat_map(|i| {
                expand(
                    None,
                    &CardSource {
                        id: format!("c{i}"),
                        kind: CardKind::Basic,
                        tags: vec!["t".to_owned()],
                        front: "q".to_owned(),
                        back: "a".to_owned(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn order_is_learning_then_review_then_new_within_limits() {
        let deck = cards(30);
        let mut p = SrsProgress::default();
        // Keep the day boundary far from now so the test never straddles it.
        p.settings.day_start_hour = (chrono::Local::now().hour() + 12) % 24;
        let s = Scheduler::new(0.9, false).unwrap();
        let t0 = Utc::now() - Duration::days(10);
        // c0 graduates to Review and is overdue by now; c1 is in learning, due now.
        p.answer(&s, "c0", Rating::Easy, t0).unwrap();
        let now = Utc::now();
        p.answer(&s, "c1", Rating::Again, now - Duration::minutes(5))
            .unwrap();
        let q = build(&p, &deck, now);
        assert_eq!(q.learning, vec!["c1"]);
        assert_eq!(q.review, vec!["c0"]);
        // c1 was introduced today, so one fewer new card fits today.
        assert_eq!(q.new.len(), 19);
        assert_eq!(q.new[0], "c2");
        assert_eq!(q.next(), Some("c1"));
    }

    #[test]
    fn the_review_limit_also_caps_new_cards_reviews_first() {
        let deck = cards(30);
        let mut p = SrsProgress::default();
        p.settings.day_start_hour = (chrono::Local::now().hour() + 12) % 24;
        p.settings.max_reviews_per_day = 5;
        let s = Scheduler::new(0.9, false).unwrap();
        let t0 = Utc::now() - Duration::days(10);
        // Three cards graduate to Review and are overdue now.
        for id in ["c0", "c1", "c2"] {
            p.answer(&s, id, Rating::Easy, t0).unwrap();
        }
        let q = build(&p, &deck, Utc::now());
        assert_eq!(q.review.len(), 3);
        assert_eq!(q.new.len(), 2, "5 in all, reviews first");
        p.settings.max_reviews_per_day = 2;
        let q = build(&p, &deck, Utc::now());
        assert_eq!((q.review.len(), q.new.len()), (2, 0));
    }

    #[test]
    fn suspended_and_buried_cards_stay_out_and_learn_ahead_fills_the_gap() {
        let deck = cards(3);
        let mut p = SrsProgress::default();
        p.settings.new_per_day = 0;
        let s = Scheduler::new(0.9, false).unwrap();
        let now = Utc::now();
        p.answer(&s, "c0", Rating::Good, now).unwrap(); // due in 10 min
        p.set_suspended("c1", true);
        p.bury("c2", now);
        let q = build(&p, &deck, now);
        assert_eq!(q.ahead, vec!["c0"]);
        assert_eq!(q.next(), Some("c0"));
        assert_eq!(next_due(&p, &deck, now).map(|(_, n)| n), Some(1));
    }
}
