//! The day's queue, in Anki's order: learning cards that are due now, then reviews due
//! today, then new cards, within the daily limits. When nothing else is left, learning
//! cards due within the next 20 minutes come forward (Anki's "learn ahead" limit), so a
//! session does not end just to wait a few minutes.
//!
//! The learning day (starting at the configured local hour) decides only what counts as
//! due today and which answers count against today's limits; learning steps keep their
//! exact due times.
//!
//! Two rules keep a card from giving itself away or asking too early:
//! - **Siblings** (the cards one cloze note expands into) are buried for the rest of the
//!   day once one of them is answered, as Anki buries new and review siblings: the text
//!   of `c2` shows the answer of `c1`. Learning siblings still come back, as in Anki.
//!   The rule reads the day's log, so undoing the answer brings the siblings back.
//! - **New cards from read sections** ([`for_learner`], a setting on by default): a new
//!   card is introduced only once a section it belongs to is read; the learner's own
//!   cards always may be.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::deck::Card;
use super::review::ReviewEntry;
use super::scheduler::State;
use super::{SrsProgress, time};
use crate::content::Library;
use crate::store::progress::Progress;

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
    /// New or review cards kept back today because a sibling was answered.
    pub buried_siblings: usize,
    /// New cards waiting for their section to be read, in deck order (not limited).
    pub held_back: Vec<String>,
    /// New cards past today's limits, in deck order: the learner may study them now
    /// anyway (Anki's "custom study: increase today's new card limit").
    pub over_limit: Vec<String>,
}

impl Queue {
    /// Lets up to `extra` of the new cards past today's limit in, for a session in which
    /// the learner chose to go beyond it.
    pub fn admit_over_limit(&mut self, extra: usize) {
        let n = extra.min(self.over_limit.len());
        self.new.extend(self.over_limit.drain(..n));
    }

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

/// The answers given in the learning day of `now`, newest first.
fn todays_answers(
    progress: &SrsProgress,
    now: DateTime<Utc>,
) -> impl Iterator<Item = &ReviewEntry> {
    let hour = progress.settings.day_start_hour;
    let day = time::learning_day(now, hour);
    progress
        .log
        .iter()
        .rev()
        .take_while(move |e| time::learning_day(e.time, hour) >= day)
        .filter(move |e| time::learning_day(e.time, hour) == day)
}

/// Counts today's answers from the log.
pub fn today(progress: &SrsProgress, now: DateTime<Utc>) -> Today {
    let mut t = Today::default();
    for entry in todays_answers(progress, now) {
        t.answers += 1;
        match entry.state_before {
            State::New => t.new_introduced += 1,
            State::Review => t.reviews += 1,
            State::Learning | State::Relearning => {}
        }
    }
    t
}

/// The learner's queue over `cards` (already narrowed to a tag if they chose one), with
/// new cards only from sections they have read when their setting says so.
pub fn for_learner(
    progress: &Progress,
    library: &Library,
    cards: &[Card],
    now: DateTime<Utc>,
) -> Queue {
    if !progress.cards.settings.new_from_read_sections {
        return build(&progress.cards, cards, now);
    }
    build_gated(&progress.cards, cards, now, |card| {
        section_read(card, library, |pack, section| {
            progress.lessons.is_read(pack, section)
        })
    })
}

/// Whether `card` belongs to a section that `is_read` (by pack and section id): one
/// whose card tags it carries. The learner's own cards always count as read.
pub fn section_read(card: &Card, library: &Library, is_read: impl Fn(&str, &str) -> bool) -> bool {
    let Some(pack_id) = &card.pack else {
        return true;
    };
    library.pack(pack_id).is_some_and(|pack| {
        pack.sections
            .iter()
            .any(|s| s.card_tags.iter().any(|t| card.tags.contains(t)) && is_read(&pack.id, &s.id))
    })
}

/// Builds the queue over `cards` with every new card allowed.
pub fn build(progress: &SrsProgress, cards: &[Card], now: DateTime<Utc>) -> Queue {
    build_gated(progress, cards, now, |_| true)
}

/// Builds the queue over `cards`; a new card is introduced only if `may_introduce` says
/// so (the others are listed in [`Queue::held_back`]).
pub fn build_gated(
    progress: &SrsProgress,
    cards: &[Card],
    now: DateTime<Utc>,
    may_introduce: impl Fn(&Card) -> bool,
) -> Queue {
    let hour = progress.settings.day_start_hour;
    let day: NaiveDate = time::learning_day(now, hour);
    let day_end = time::day_end(day, hour);
    let done = today(progress, now);
    let siblings = Siblings::today(progress, cards, now);
    let mut learning = Vec::new();
    let mut ahead = Vec::new();
    let mut review = Vec::new();
    let mut new = Vec::new();
    let mut held_back = Vec::new();
    let mut buried_siblings = 0;
    for card in cards {
        if progress.suspended.contains(&card.id) || progress.is_buried(&card.id, now) {
            continue;
        }
        let schedule = progress.cards.get(&card.id);
        let state = schedule.map_or(State::New, |s| s.state);
        let due = schedule.and_then(|s| s.due);
        if matches!(state, State::New | State::Review) && siblings.buries(card) {
            buried_siblings += 1;
            continue;
        }
        let (State::Learning | State::Relearning | State::Review, Some(due)) = (state, due) else {
            if may_introduce(card) {
                new.push(card.id.clone());
            } else {
                held_back.push(card.id.clone());
            }
            continue;
        };
        match state {
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
    let over_limit = new.split_off(new_room.min(new.len()));
    Queue {
        learning: by_due(learning),
        review,
        new,
        ahead: by_due(ahead),
        buried_siblings,
        held_back,
        over_limit,
    }
}

/// The notes (source cards) answered today, and which of their cards were.
struct Siblings<'a> {
    notes: HashSet<&'a str>,
    answered: HashSet<&'a str>,
}

impl<'a> Siblings<'a> {
    fn today(progress: &'a SrsProgress, cards: &'a [Card], now: DateTime<Utc>) -> Self {
        let note_of: HashMap<&str, &str> = cards
            .iter()
            .map(|c| (c.id.as_str(), c.source_id.as_str()))
            .collect();
        let answered: HashSet<&str> = todays_answers(progress, now)
            .map(|e| e.card_id.as_str())
            .collect();
        let notes = answered
            .iter()
            .filter_map(|id| note_of.get(id).copied())
            .collect();
        Self { notes, answered }
    }

    /// Whether `card` is another card of a note answered today.
    fn buries(&self, card: &Card) -> bool {
        self.notes.contains(card.source_id.as_str()) && !self.answered.contains(card.id.as_str())
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
        let mut q = build(&p, &deck, Utc::now());
        assert_eq!((q.review.len(), q.new.len()), (2, 0));
        // The learner may go past the limit: the waiting new cards, in deck order.
        assert_eq!(q.over_limit.len(), 27);
        q.admit_over_limit(4);
        assert_eq!(q.new, vec!["c3", "c4", "c5", "c6"]);
        assert_eq!(q.over_limit.len(), 23);
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

    fn cloze(id: &str, front: &str) -> Vec<Card> {
        expand(
            None,
            &CardSource {
                id: id.to_owned(),
                kind: CardKind::Cloze,
                tags: vec!["t".to_owned()],
                front: front.to_owned(),
                back: String::new(),
            },
        )
    }

    #[test]
    fn answering_one_cloze_card_buries_its_siblings_until_tomorrow() {
        let mut deck = cloze("pm", "Study {{c1::the system}}, never {{c2::a person}}.");
        deck.extend(cards(1));
        let mut p = SrsProgress::default();
        p.settings.day_start_hour = (chrono::Local::now().hour() + 12) % 24;
        let s = Scheduler::new(0.9, false).unwrap();
        let now = Utc::now();
        assert_eq!(build(&p, &deck, now).new, vec!["pm::c1", "pm::c2", "c0"]);
        p.answer(&s, "pm::c1", Rating::Good, now).unwrap();
        let q = build(&p, &deck, now);
        assert_eq!(q.new, vec!["c0"], "c2 would show c1's answer");
        assert_eq!(q.buried_siblings, 1);
        // The answered card itself still comes back through its learning steps.
        assert_eq!(q.ahead, vec!["pm::c1"]);
        // Tomorrow the sibling is new again.
        let tomorrow = now + Duration::days(1);
        assert!(
            build(&p, &deck, tomorrow)
                .new
                .contains(&"pm::c2".to_owned())
        );
        // Undo takes the answer back, and the burial with it.
        p.undo();
        assert_eq!(build(&p, &deck, now).new.len(), 3);
    }

    #[test]
    fn review_siblings_are_buried_too_learning_ones_are_not() {
        let deck = cloze("n", "{{c1::a}} {{c2::b}} {{c3::c}}");
        let mut p = SrsProgress::default();
        p.settings.day_start_hour = (chrono::Local::now().hour() + 12) % 24;
        let s = Scheduler::new(0.9, false).unwrap();
        let long_ago = Utc::now() - Duration::days(30);
        p.answer(&s, "n::c2", Rating::Easy, long_ago).unwrap(); // a due review now
        let now = Utc::now();
        p.answer(&s, "n::c3", Rating::Again, now - Duration::minutes(5))
            .unwrap(); // learning, due now
        p.answer(&s, "n::c1", Rating::Good, now).unwrap();
        let q = build(&p, &deck, now);
        assert!(q.review.is_empty(), "the review sibling waits for tomorrow");
        assert_eq!(q.learning, vec!["n::c3"]);
        assert_eq!(q.buried_siblings, 1);
    }

    #[test]
    fn new_cards_come_only_from_read_sections_when_asked() {
        let source = crate::content::ContentSource::Embedded;
        let library = crate::content::load_library(&source);
        let deck = crate::srs::load_decks(&source, &library);
        let cards = deck.reviewable(&Default::default(), &[], |_| false);
        let mut progress = Progress::default();
        let now = Utc::now();
        let q = for_learner(&progress, &library, &cards, now);
        assert!(q.new.is_empty(), "nothing is read yet");
        assert_eq!(q.held_back.len(), cards.len());

        let pack = &library.packs[0];
        let section = &pack.sections[2];
        progress.lessons.set_read(&pack.id, &section.id, true);
        let q = for_learner(&progress, &library, &cards, now);
        assert!(!q.new.is_empty());
        for id in &q.new {
            let card = cards.iter().find(|c| &c.id == id).unwrap();
            assert!(
                card.tags.iter().any(|t| section.card_tags.contains(t)),
                "{id}"
            );
        }
        let in_section = cards
            .iter()
            .filter(|c| c.tags.iter().any(|t| section.card_tags.contains(t)))
            .count();
        assert_eq!(q.held_back.len(), cards.len() - in_section);

        progress.cards.settings.new_from_read_sections = false;
        let q = for_learner(&progress, &library, &cards, now);
        assert_eq!(q.new.len(), 20, "the daily limit, from any section");
        assert!(q.held_back.is_empty());
    }
}
