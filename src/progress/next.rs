//! The Continue rule: the single best next step for the learner, and why.
//!
//! The workbook's loop is read a section → play its simulation → recall its cards → solve
//! its exercise; the rule follows that loop for the section the learner reached, and keeps
//! memories from fading before anything new:
//!
//! 1. More than [`FEW_DUE`] cards due now → review them (reviews on time are what make
//!    memories last; a growing pile is harder to catch up on).
//! 2. The furthest section read, while its loop is unfinished: a simulation not opened
//!    yet → play it; new cards of the section that today's limit allows → learn them; an
//!    exercise not passed → solve it (easiest first).
//! 3. The first unread section, in lesson order → read it.
//! 4. An exercise not passed in any read section (lesson order, easiest first) → solve it.
//! 5. Any cards due → review them.
//! 6. New cards today's limit allows → learn them.
//! 7. Otherwise nothing is left for today: say when the next card is due.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Inputs, lesson_order};
use crate::content::{LessonPack, Section};
use crate::runner::exercise::Exercise;
use crate::srs::{Card, queue};

/// Up to this many due cards can wait until the current section's loop is done.
pub const FEW_DUE: usize = 5;

/// Where the next step leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Review the cards due now (all tags).
    Review { due: usize },
    /// Read a section.
    Read { pack: String, section: String },
    /// Open a simulation.
    Simulation { id: String },
    /// Learn the new cards of a tag.
    LearnCards { tag: String, new: usize },
    /// Solve an exercise.
    Exercise { id: String },
    /// Learn new cards from any tag.
    NewCards { new: usize },
    /// Nothing left today.
    Done { next_due: Option<DateTime<Utc>> },
}

/// The step, what it is in words, and why it comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub step: Step,
    /// What to do, for the button: "Review 12 cards".
    pub what: String,
    /// Why this comes now, in a sentence.
    pub why: String,
}

/// The next step by the rule in the module docs.
pub fn suggest(inputs: &Inputs) -> Suggestion {
    let progress = inputs.progress;
    let all = queue::build(&progress.cards, inputs.cards, inputs.now);
    let due = all.learning.len() + all.review.len();
    if due > FEW_DUE {
        return Suggestion {
            step: Step::Review { due },
            what: format!("Review {due} cards due"),
            why: format!(
                "More than {FEW_DUE} cards are due: reviewing them now, before they fade, is \
                 what makes them last."
            ),
        };
    }
    let sections: Vec<(&LessonPack, usize, &Section)> = inputs
        .library
        .packs
        .iter()
        .flat_map(|p| p.sections.iter().enumerate().map(move |(i, s)| (p, i, s)))
        .collect();
    let is_read = |p: &LessonPack, s: &Section| progress.lessons.is_read(&p.id, &s.id);
    if let Some(&(pack, i, section)) = sections.iter().rev().find(|(p, _, s)| is_read(p, s))
        && let Some(step) = unfinished_loop(inputs, pack, i + 1, section)
    {
        return step;
    }
    if let Some((pack, i, section)) = sections.iter().find(|(p, _, s)| !is_read(p, s)) {
        return Suggestion {
            step: Step::Read {
                pack: pack.id.clone(),
                section: section.id.clone(),
            },
            what: format!("Read section {}: {}", i + 1, section.title),
            why: if progress.lessons.read.is_empty() {
                "Start at the beginning: each section opens with a real incident.".to_owned()
            } else {
                "It is the first section you have not read yet.".to_owned()
            },
        };
    }
    for (pack, _, section) in &sections {
        if is_read(pack, section)
            && let Some(exercise) = first_unpassed(inputs, section)
        {
            return exercise_step(exercise, section, "You have read its section");
        }
    }
    if due > 0 {
        return Suggestion {
            step: Step::Review { due },
            what: format!("Review {due} {} due", cards_word(due)),
            why: "Everything else is done; these are due now.".to_owned(),
        };
    }
    if !all.new.is_empty() {
        let new = all.new.len();
        return Suggestion {
            step: Step::NewCards { new },
            what: format!("Learn {new} new {}", cards_word(new)),
            why: "Every section is read and every exercise passed: the cards keep it fresh."
                .to_owned(),
        };
    }
    let next_due = queue::next_due(&progress.cards, inputs.cards, inputs.now).map(|(t, _)| t);
    Suggestion {
        step: Step::Done { next_due },
        what: "All done for today".to_owned(),
        why: "Nothing is due and no new cards are left for today.".to_owned(),
    }
}

fn cards_word(n: usize) -> &'static str {
    if n == 1 { "card" } else { "cards" }
}

/// The next piece of the read → simulate → cards → exercise loop of a read section.
fn unfinished_loop(
    inputs: &Inputs,
    pack: &LessonPack,
    number: usize,
    section: &Section,
) -> Option<Suggestion> {
    let progress = inputs.progress;
    if let Some(sim) = section
        .simulations
        .iter()
        .find(|s| !progress.sims.opened.contains(*s))
    {
        return Some(Suggestion {
            step: Step::Simulation { id: sim.clone() },
            what: format!("Play the simulation: {}", crate::sim::title(sim)),
            why: format!(
                "You read section {number}, {}: watch the pattern work before you recall it.",
                section.title
            ),
        });
    }
    let cards: Vec<Card> = inputs
        .cards
        .iter()
        .filter(|c| super::mastery::card_in_section(c, pack, section))
        .cloned()
        .collect();
    let new = queue::build(&progress.cards, &cards, inputs.now).new.len();
    if new > 0
        && let Some(tag) = section.card_tags.first()
    {
        return Some(Suggestion {
            step: Step::LearnCards {
                tag: tag.clone(),
                new,
            },
            what: format!("Learn {new} new {} of {}", cards_word(new), section.title),
            why: format!("You read section {number}: fix it in memory while it is fresh."),
        });
    }
    first_unpassed(inputs, section)
        .map(|e| exercise_step(e, section, &format!("You read section {number}")))
}

fn first_unpassed<'a>(inputs: &'a Inputs, section: &Section) -> Option<&'a Exercise> {
    lesson_order::section_exercises(inputs.catalog, section)
        .into_iter()
        .find(|e| !inputs.progress.exercises.record(&e.id).passed)
}

fn exercise_step(exercise: &Exercise, section: &Section, because: &str) -> Suggestion {
    Suggestion {
        step: Step::Exercise {
            id: exercise.id.clone(),
        },
        what: format!("Solve: {}", exercise.title),
        why: format!(
            "{because}, {}; this {} exercise puts it into code.",
            section.title,
            exercise.difficulty.label()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ContentSource;
    use crate::runner::exercise::{Catalog, load_catalog};
    use crate::srs::{Rating, Scheduler};
    use crate::store::Progress;

    const PACK: &str = "scars-to-architecture";

    fn content() -> (crate::content::Library, Catalog, Vec<Card>) {
        let source = ContentSource::Embedded;
        let library = crate::content::load_library(&source);
        let catalog = load_catalog(&source, Some(&library));
        let cards =
            crate::srs::load_decks(&source, &library)
                .reviewable(&Default::default(), &[], |_| false);
        (library, catalog, cards)
    }

    fn suggest_for(progress: &Progress, now: DateTime<Utc>) -> Step {
        let (library, catalog, cards) = content();
        suggest(&Inputs {
            library: &library,
            catalog: &catalog,
            cards: &cards,
            drills: &Default::default(),
            progress,
            now,
        })
        .step
    }

    fn now() -> DateTime<Utc> {
        crate::srs::time::parse("2026-06-01T12:00:00Z").unwrap_or_default()
    }

    fn read(progress: &mut Progress, section: &str) {
        progress.lessons.set_read(PACK, section, true);
    }

    #[test]
    fn a_new_learner_starts_with_section_one() {
        let step = suggest_for(&Progress::default(), now());
        assert_eq!(
            step,
            Step::Read {
                pack: PACK.into(),
                section: "post-mortems".into()
            }
        );
    }

    #[test]
    fn a_read_section_goes_round_the_loop_before_the_next_section() {
        let mut p = Progress::default();
        read(&mut p, "post-mortems");
        read(&mut p, "defensive-design");
        read(&mut p, "circuit-breaker");
        // Simulation first, then its new cards, then its easiest exercise.
        assert_eq!(
            suggest_for(&p, now()),
            Step::Simulation {
                id: "breaker".into()
            }
        );
        p.sims.mark_opened("breaker");
        p.sims.mark_opened("retry-storm");
        assert!(matches!(
            suggest_for(&p, now()),
            Step::LearnCards { ref tag, .. } if tag == "circuit-breaker"
        ));
        p.cards.settings.new_per_day = 0;
        let Step::Exercise { id } = suggest_for(&p, now()) else {
            panic!("expected an exercise");
        };
        let (library, catalog, _) = content();
        let section = library.packs[0].section("circuit-breaker").unwrap();
        let easiest = &lesson_order::section_exercises(&catalog, section)[0];
        assert_eq!(id, easiest.id, "the easiest of the section first");
        assert!(
            section.exercises.iter().all(|other| {
                catalog.get(other).unwrap().difficulty as u8 >= easiest.difficulty as u8
            }),
            "{id} is the easiest"
        );
        for id in [
            "breaker-state-machine",
            "breaker-window",
            "breaker-bug-hunt",
        ] {
            p.exercises.record_mut(id).passed = true;
        }
        assert_eq!(
            suggest_for(&p, now()),
            Step::Read {
                pack: PACK.into(),
                section: "idempotency".into()
            }
        );
    }

    #[test]
    fn more_than_a_few_due_cards_come_first() {
        let mut p = Progress::default();
        let scheduler = Scheduler::new(0.9, false).unwrap();
        let (_, _, cards) = content();
        let yesterday = now() - chrono::Duration::days(1);
        for card in cards.iter().take(FEW_DUE) {
            p.cards
                .answer(&scheduler, &card.id, Rating::Again, yesterday)
                .unwrap();
        }
        // Exactly a few due: reading comes first.
        assert!(matches!(suggest_for(&p, now()), Step::Read { .. }));
        let extra = &cards[FEW_DUE].id;
        p.cards
            .answer(&scheduler, extra, Rating::Again, yesterday)
            .unwrap();
        assert_eq!(suggest_for(&p, now()), Step::Review { due: FEW_DUE + 1 });
    }

    #[test]
    fn with_everything_read_unpassed_exercises_of_read_sections_come_next() {
        let (library, _, _) = content();
        let mut p = Progress::default();
        for section in &library.packs[0].sections {
            read(&mut p, &section.id);
            for sim in &section.simulations {
                p.sims.mark_opened(sim);
            }
        }
        p.cards.settings.new_per_day = 0;
        let Step::Exercise { id } = suggest_for(&p, now()) else {
            panic!("expected an exercise");
        };
        // The last section with exercises is finished first (its loop), then lesson order.
        assert!(!id.is_empty());
        for e in crate::runner::exercise::load_catalog(&ContentSource::Embedded, None).exercises {
            p.exercises.record_mut(&e.id).passed = true;
        }
        assert!(matches!(suggest_for(&p, now()), Step::Done { .. }));
    }
}
