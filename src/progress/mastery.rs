//! Where the learner stands on each pattern (one per lesson section): the figures behind
//! it and one mastery level, computed from progress and content alone.
//!
//! The level rule needs retention, not only activity: a pattern counts as *retained* only
//! when its cards' FSRS memories have survived spaced reviews (stability of a week or
//! more) and are still likely to be recalled now, and as *mastered* only when they are
//! mature (stability of three weeks or more, Anki's "mature" interval).
//!
//! | level | rule (each level also needs the one above) |
//! |---|---|
//! | unseen | nothing done yet |
//! | started | anything done: read, a card answered, an exercise checked, a simulation opened |
//! | practised | section read; at least half of its cards learned; at least one exercise passed (if it has any); every simulation opened |
//! | retained | every card learned; 80 % of its cards with stability ≥ 7 days; mean retrievability now ≥ 85 %; every exercise passed |
//! | mastered | 80 % of its cards mature (stability ≥ 21 days); every predict card last answered right; every drill passed |

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Inputs;
use crate::content::{LessonPack, Section};
use crate::srs::{Card, CardKind, Rating, State, retrievability};

/// Stability (days until recall falls to 90 %) from which a memory counts as lasting.
pub const LASTING_DAYS: f32 = 7.0;
/// Stability from which a card is mature, as Anki calls a 21-day interval.
pub const MATURE_DAYS: f32 = 21.0;
/// Mean retrievability now that a retained pattern keeps.
pub const RETAINED_RECALL: f64 = 0.85;
/// Share of a pattern's cards that must be lasting (retained) or mature (mastered).
pub const CARD_SHARE: f64 = 0.8;

/// One mastery level per pattern, from the rule in the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Unseen,
    Started,
    Practised,
    Retained,
    Mastered,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Self::Unseen,
        Self::Started,
        Self::Practised,
        Self::Retained,
        Self::Mastered,
    ];

    /// The name, also used in `workbook progress --json`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unseen => "unseen",
            Self::Started => "started",
            Self::Practised => "practised",
            Self::Retained => "retained",
            Self::Mastered => "mastered",
        }
    }

    /// What the level means and what lifts it, in a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Unseen => "nothing done yet",
            Self::Started => {
                "begun; next: read it to the end, learn half its cards, open its simulations, pass an exercise"
            }
            Self::Practised => {
                "practised; next: learn every card until it lasts a week, pass every exercise"
            }
            Self::Retained => {
                "remembered: its cards last a week and are still recalled; next: mature cards, predict cards, drills"
            }
            Self::Mastered => "mastered: mature cards (three weeks) and everything done",
        }
    }
}

/// The pattern's flashcards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CardFigures {
    pub total: usize,
    /// Answered at least once (no longer New).
    pub learned: usize,
    /// Stability of at least [`LASTING_DAYS`].
    pub lasting: usize,
    /// Stability of at least [`MATURE_DAYS`].
    pub mature: usize,
    /// Due now (learning steps due, reviews due).
    pub due: usize,
    /// Mean probability of recall now over the answered cards; `None` while none is.
    pub retrievability: Option<f64>,
}

/// Done out of possible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub done: usize,
    pub total: usize,
}

impl Count {
    pub fn all_done(self) -> bool {
        self.done >= self.total
    }
}

/// The pattern's exercises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExerciseFigures {
    pub passed: usize,
    pub total: usize,
    /// Best scores added up, out of `max_points`.
    pub points: u32,
    pub max_points: u32,
    /// Exercises checked at least once.
    pub tried: usize,
}

/// The post-mortem a section asks the learner to write (the section links to the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostMortemStatus {
    NotStarted,
    /// Begun, but not yet an analysis of one's own (see `missing_before_compare`).
    Draft,
    Written,
}

/// Everything known about one pattern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternMastery {
    pub pack: String,
    /// The section id, also the pattern's id.
    pub id: String,
    /// 1-based position in the lesson.
    pub number: usize,
    pub title: String,
    pub level: Level,
    /// The tags of its cards, to review them.
    #[serde(skip)]
    pub card_tags: Vec<String>,
    pub section_read: bool,
    pub cards: CardFigures,
    pub exercises: ExerciseFigures,
    /// Simulations opened, of the section's.
    pub simulations: Count,
    /// Guided simulation steps finished, over the section's simulations.
    pub guided_steps_done: usize,
    /// Predict cards whose last answer was a recall (Hard or better).
    pub predict: Count,
    /// Incident drills passed, of the section's.
    pub drills: Count,
    /// `None` when the section asks for no post-mortem.
    pub postmortem: Option<PostMortemStatus>,
}

/// Does this pattern own the `card`? Cards belong to the section whose tags they carry.
pub fn card_in_section(card: &Card, pack: &LessonPack, section: &Section) -> bool {
    card.pack.as_deref().is_none_or(|p| p == pack.id)
        && card.tags.iter().any(|t| section.card_tags.contains(t))
}

/// The mastery of every section of every pack, in lesson order.
pub fn patterns(inputs: &Inputs) -> Vec<PatternMastery> {
    inputs
        .library
        .packs
        .iter()
        .flat_map(|pack| {
            pack.sections
                .iter()
                .enumerate()
                .map(move |(i, section)| pattern(inputs, pack, i + 1, section))
        })
        .collect()
}

fn pattern(inputs: &Inputs, pack: &LessonPack, number: usize, section: &Section) -> PatternMastery {
    let progress = inputs.progress;
    let cards: Vec<&Card> = inputs
        .cards
        .iter()
        .filter(|c| card_in_section(c, pack, section))
        .collect();
    let mut m = PatternMastery {
        pack: pack.id.clone(),
        id: section.id.clone(),
        number,
        title: section.title.clone(),
        level: Level::Unseen,
        card_tags: section.card_tags.clone(),
        section_read: progress.lessons.is_read(&pack.id, &section.id),
        cards: card_figures(inputs, &cards, inputs.now),
        exercises: exercise_figures(inputs, section),
        simulations: Count {
            done: section
                .simulations
                .iter()
                .filter(|s| progress.sims.opened.contains(*s))
                .count(),
            total: section.simulations.len(),
        },
        guided_steps_done: section
            .simulations
            .iter()
            .map(|s| progress.sims.steps_done_for(s))
            .sum(),
        predict: predict_figures(inputs, &cards),
        drills: drill_figures(inputs, pack, section),
        postmortem: postmortem_status(inputs, section),
    };
    m.level = level(&m);
    m
}

/// The section's drills, and how many of them the learner passed.
fn drill_figures(inputs: &Inputs, pack: &LessonPack, section: &Section) -> Count {
    let passed = &inputs.progress.drills;
    let drills: Vec<&str> = inputs
        .drills
        .for_section(&section.id)
        .filter(|d| d.pack == pack.id)
        .map(|d| d.id())
        .collect();
    Count {
        done: drills.iter().filter(|id| passed.passed(id)).count(),
        total: drills.len(),
    }
}

fn card_figures(inputs: &Inputs, cards: &[&Card], now: DateTime<Utc>) -> CardFigures {
    let srs = &inputs.progress.cards;
    let mut f = CardFigures {
        total: cards.len(),
        ..CardFigures::default()
    };
    let mut recall = Vec::new();
    for card in cards {
        let Some(schedule) = srs.cards.get(&card.id) else {
            continue;
        };
        if schedule.state == State::New {
            continue;
        }
        f.learned += 1;
        let stability = schedule.memory.map_or(0.0, |m| m.stability);
        f.lasting += usize::from(stability >= LASTING_DAYS);
        f.mature += usize::from(schedule.state == State::Review && stability >= MATURE_DAYS);
        let suspended = srs.suspended.contains(&card.id);
        f.due += usize::from(!suspended && schedule.due.is_some_and(|d| d <= now));
        recall.extend(retrievability(schedule, now));
    }
    if !recall.is_empty() {
        f.retrievability = Some(recall.iter().sum::<f64>() / recall.len() as f64);
    }
    f
}

fn exercise_figures(inputs: &Inputs, section: &Section) -> ExerciseFigures {
    let records = &inputs.progress.exercises;
    let mut f = ExerciseFigures::default();
    for id in &section.exercises {
        let Some(exercise) = inputs.catalog.get(id) else {
            continue;
        };
        let record = records.record(id);
        f.total += 1;
        f.max_points += exercise.points;
        f.points += record.best_score.min(exercise.points);
        f.passed += usize::from(record.passed);
        f.tried += usize::from(record.checks > 0);
    }
    f
}

fn predict_figures(inputs: &Inputs, cards: &[&Card]) -> Count {
    let log = &inputs.progress.cards.log;
    let predict: Vec<&&Card> = cards
        .iter()
        .filter(|c| matches!(c.kind, CardKind::Predict { .. }))
        .collect();
    let right = predict
        .iter()
        .filter(|c| {
            log.iter()
                .rev()
                .find(|e| e.card_id == c.id)
                .is_some_and(|e| e.rating >= Rating::Hard)
        })
        .count();
    Count {
        done: right,
        total: predict.len(),
    }
}

/// The section asks for a post-mortem when its text links to the post-mortem page.
fn postmortem_status(inputs: &Inputs, section: &Section) -> Option<PostMortemStatus> {
    let asks = section
        .prose()
        .any(|text| text.contains("workbook://post-mortem"));
    if !asks {
        return None;
    }
    let lesson = crate::content::postmortem::LESSON_INCIDENT;
    let status = match inputs
        .progress
        .postmortems
        .items
        .iter()
        .find(|p| p.incident.as_deref() == Some(lesson))
    {
        None => PostMortemStatus::NotStarted,
        Some(p) if p.is_blank() => PostMortemStatus::NotStarted,
        Some(p) if p.missing_before_compare().is_empty() => PostMortemStatus::Written,
        Some(_) => PostMortemStatus::Draft,
    };
    Some(status)
}

fn share(part: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        part as f64 / total as f64
    }
}

/// The level rule of the module docs.
pub fn level(m: &PatternMastery) -> Level {
    let c = &m.cards;
    let e = &m.exercises;
    let started = m.section_read
        || c.learned > 0
        || e.tried > 0
        || m.simulations.done > 0
        || m.postmortem
            .is_some_and(|p| p != PostMortemStatus::NotStarted);
    if !started {
        return Level::Unseen;
    }
    let practised = m.section_read
        && share(c.learned, c.total) >= 0.5
        && (e.total == 0 || e.passed > 0)
        && m.simulations.all_done();
    if !practised {
        return Level::Started;
    }
    let retained = c.learned == c.total
        && share(c.lasting, c.total) >= CARD_SHARE
        && c.retrievability.is_none_or(|r| r >= RETAINED_RECALL)
        && (c.total == 0 || c.retrievability.is_some())
        && e.passed == e.total;
    if !retained {
        return Level::Practised;
    }
    let mastered =
        share(c.mature, c.total) >= CARD_SHARE && m.predict.all_done() && m.drills.all_done();
    if mastered {
        Level::Mastered
    } else {
        Level::Retained
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern with 10 cards, 2 exercises and 1 simulation, nothing done.
    fn blank() -> PatternMastery {
        PatternMastery {
            pack: "p".into(),
            id: "s".into(),
            number: 1,
            title: "S".into(),
            level: Level::Unseen,
            card_tags: vec!["s".into()],
            section_read: false,
            cards: CardFigures {
                total: 10,
                ..CardFigures::default()
            },
            exercises: ExerciseFigures {
                total: 2,
                max_points: 20,
                ..ExerciseFigures::default()
            },
            simulations: Count { done: 0, total: 1 },
            guided_steps_done: 0,
            predict: Count { done: 0, total: 2 },
            drills: Count::default(),
            postmortem: None,
        }
    }

    fn practised() -> PatternMastery {
        let mut m = blank();
        m.section_read = true;
        m.cards.learned = 5;
        m.cards.retrievability = Some(0.99);
        m.exercises.passed = 1;
        m.exercises.tried = 1;
        m.simulations.done = 1;
        m
    }

    #[test]
    fn any_activity_starts_a_pattern() {
        assert_eq!(level(&blank()), Level::Unseen);
        let mut m = blank();
        m.simulations.done = 1;
        assert_eq!(level(&m), Level::Started);
        let mut m = blank();
        m.postmortem = Some(PostMortemStatus::Draft);
        assert_eq!(level(&m), Level::Started);
    }

    #[test]
    fn practised_needs_reading_half_the_cards_an_exercise_and_the_simulations() {
        assert_eq!(level(&practised()), Level::Practised);
        for spoil in [
            |m: &mut PatternMastery| m.section_read = false,
            |m: &mut PatternMastery| m.cards.learned = 4,
            |m: &mut PatternMastery| m.exercises.passed = 0,
            |m: &mut PatternMastery| m.simulations.done = 0,
        ] {
            let mut m = practised();
            spoil(&mut m);
            assert_eq!(level(&m), Level::Started, "{m:?}");
        }
    }

    #[test]
    fn activity_alone_is_not_retention() {
        // Everything done in one sitting: every card learned and recalled at 99 %, every
        // exercise passed, but no memory has lasted a week yet.
        let mut m = practised();
        m.cards.learned = 10;
        m.exercises.passed = 2;
        assert_eq!(level(&m), Level::Practised);
        m.cards.lasting = 8;
        assert_eq!(level(&m), Level::Retained);
        // Lasting memories that have since faded below 85 % are not retained.
        m.cards.retrievability = Some(0.80);
        assert_eq!(level(&m), Level::Practised);
    }

    #[test]
    fn mastery_needs_mature_cards_and_every_predict_card_right() {
        let mut m = practised();
        m.cards.learned = 10;
        m.cards.lasting = 10;
        m.exercises.passed = 2;
        m.cards.mature = 8;
        assert_eq!(level(&m), Level::Retained, "predict cards not right yet");
        m.predict.done = 2;
        assert_eq!(level(&m), Level::Mastered);
        m.drills = Count { done: 0, total: 1 };
        assert_eq!(level(&m), Level::Retained, "a drill not passed");
    }

    #[test]
    fn a_sections_drills_count_and_a_pass_counts_as_done() {
        let source = crate::content::ContentSource::Embedded;
        let library = crate::content::load_library(&source);
        let drills = crate::content::drill::load_drills(
            &source,
            &library,
            crate::content::drill::Check::Form,
        );
        let catalog = crate::runner::exercise::Catalog::default();
        let mut progress = crate::store::Progress::default();
        let drills_of = |progress: &crate::store::Progress, id: &str| {
            let inputs = Inputs {
                library: &library,
                catalog: &catalog,
                cards: &[],
                drills: &drills,
                progress,
                now: Utc::now(),
            };
            patterns(&inputs)
                .into_iter()
                .find(|p| p.id == id)
                .map(|p| p.drills)
                .expect("the section")
        };
        assert_eq!(
            drills_of(&progress, "circuit-breaker"),
            Count { done: 0, total: 1 }
        );
        assert_eq!(drills_of(&progress, "post-mortems"), Count::default());
        progress.drills.record_pass(
            "dependency-hang",
            crate::drill::Score {
                slo_met: true,
                minutes_to_mitigate: 12.0,
                wrong_steps: 0,
            },
        );
        assert_eq!(
            drills_of(&progress, "circuit-breaker"),
            Count { done: 1, total: 1 }
        );
    }
}
