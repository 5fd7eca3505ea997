//! A realistic hour of use, as progress: what a learner has after reading the first three
//! sections, reviewing their cards, opening two simulations, solving one exercise and
//! failing another, and starting the post-mortem, with a shorter session four days
//! earlier. Every card answer goes through the real FSRS-6 scheduler, so memory states,
//! due dates and retrievability are the ones the app would have. Times are relative to
//! `now`, so the figures read as they would at the end of that hour.
//!
//! Used by the kittest tests of Home, Progress and Search, by the `workbook progress`
//! CLI test, and by `cargo run --example hour_of_use -- DIR` for screenshots.

use chrono::{DateTime, Duration, Utc};
use resilience_workbook::content::{self, ContentSource, postmortem::PostMortem};
use resilience_workbook::progress::ActivityKind;
use resilience_workbook::runner::{Report, Verdict};
use resilience_workbook::srs::{self, Rating};
use resilience_workbook::store::Progress;

const PACK: &str = "scars-to-architecture";

/// Answers up to `max` reviewable cards of `tag` once (the 1st, 5th, 9th... `Again`, every
/// 4th `Easy`, the rest `Good`), 40 s apart from `start`, then once more for the cards
/// still in learning ten minutes later. Returns the time after the last answer.
fn review_tag(
    progress: &mut Progress,
    cards: &[srs::Card],
    tag: &str,
    max: usize,
    start: DateTime<Utc>,
) -> DateTime<Utc> {
    let scheduler = srs::Scheduler::new(0.9, true).expect("default retention is valid");
    let mut t = start;
    let ids: Vec<String> = cards
        .iter()
        .filter(|c| c.tags.iter().any(|x| x == tag))
        .map(|c| c.id.clone())
        .take(max)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let rating = match i % 4 {
            0 => Rating::Again,
            3 => Rating::Easy,
            _ => Rating::Good,
        };
        progress
            .cards
            .answer(&scheduler, id, rating, t)
            .expect("answer");
        t += Duration::seconds(40);
    }
    t += Duration::minutes(10);
    for id in &ids {
        let learning = progress
            .cards
            .cards
            .get(id)
            .is_some_and(|c| c.state != srs::State::Review);
        if learning {
            progress
                .cards
                .answer(&scheduler, id, Rating::Good, t)
                .expect("answer");
            t += Duration::seconds(30);
        }
    }
    t
}

fn check(progress: &mut Progress, id: &str, passed: u32, total: u32, points: u32) {
    let verdict = if passed == total {
        Verdict::Passed
    } else {
        Verdict::Failed
    };
    let report = Report {
        verdict,
        summary: String::new(),
        tests: Vec::new(),
        diagnostics: Vec::new(),
        stray_output: String::new(),
        passed,
        total,
        score: points * passed / total.max(1),
        points,
        elapsed_ms: 400,
        cached: false,
        sandbox: String::new(),
    };
    progress.exercises.note_check(id, &report);
}

/// The progress after the hour, ending at `now`.
pub fn progress_after_an_hour(now: DateTime<Utc>) -> Progress {
    let source = ContentSource::Embedded;
    let library = content::load_library(&source);
    let cards = srs::load_decks(&source, &library).reviewable(&Default::default(), &[], |_| false);
    let mut p = Progress::default();
    p.settings.last_screen = "Home".to_owned();
    p.settings.intro_dismissed = false;
    let hour = p.cards.settings.day_start_hour;

    // Four days ago: section 1 read and its cards learned.
    let earlier = now - Duration::days(4);
    p.lessons.set_read(PACK, "post-mortems", true);
    p.activity.record(ActivityKind::Reading, earlier, hour);
    review_tag(
        &mut p,
        &cards,
        "post-mortems",
        20,
        earlier + Duration::minutes(20),
    );

    // Today's hour.
    let mut t = now - Duration::minutes(60);
    for section in ["defensive-design", "circuit-breaker"] {
        p.lessons.set_read(PACK, section, true);
        p.activity.record(ActivityKind::Reading, t, hour);
        t += Duration::minutes(12);
    }
    for sim in ["breaker", "retry-storm"] {
        p.sims.mark_opened(sim);
        p.activity.record(ActivityKind::Simulation, t, hour);
        t += Duration::minutes(4);
    }
    // Twenty new cards, the daily limit: all of section 2's, the rest from section 3.
    t = review_tag(&mut p, &cards, "defensive-design", 20, t);
    let left = 20 - p.cards.cards.len().saturating_sub(12);
    t = review_tag(&mut p, &cards, "circuit-breaker", left, t);
    for (passed, total) in [(4, 10), (9, 10), (10, 10)] {
        check(&mut p, "validated-amount", passed, total, 10);
        p.activity.record(ActivityKind::Check, t, hour);
    }
    check(&mut p, "breaker-state-machine", 3, 8, 30);
    p.activity.record(ActivityKind::Check, t, hour);
    let draft: &mut PostMortem = p.postmortems.lesson_incident();
    draft.summary = "The payment service ran out of memory and restarted for 40 minutes.".into();
    draft.whys[0] = "Each restart dropped in-flight payments.".into();
    draft.whys[1] = "A cache grew without a bound.".into();
    p.activity.record(ActivityKind::PostMortem, t, hour);
    p
}
