//! The drill flow as a learner plays it: `dependency-hang` from the page to the cards,
//! with one wrong diagnosis and one wrong mitigation on the way, through the Drills
//! screen and the post-mortem page.

use egui_kittest::kittest::{NodeT, Queryable, by};
use resilience_workbook::content::drill::{Check, load_drills};
use resilience_workbook::content::{ContentSource, load_library};
use resilience_workbook::drill::{Drill, Stage};
use resilience_workbook::store::Store;
use resilience_workbook::ui::state::Screen;

use crate::common;
use common::{App, harness};

const ID: &str = "dependency-hang";

fn drill() -> Drill {
    let source = ContentSource::Embedded;
    let library = load_library(&source);
    let drills = load_drills(&source, &library, Check::Form);
    drills.get(ID).expect("the example drill").clone()
}

fn stage(harness: &App) -> Stage {
    let app = harness.state().as_ref().expect("app");
    let record = app.shared().store.progress.drills.record(ID);
    record
        .and_then(|r| r.current.as_ref())
        .map(|a| a.stage)
        .expect("an attempt")
}

fn click(harness: &mut App, label: &str) {
    harness.get_by_label(label).click_accesskit();
    harness.run_ok();
}

fn type_into(harness: &mut App, field: &str, text: &str) {
    harness.get_by_label(field).scroll_to_me();
    harness.run_ok();
    harness.get_by_label(field).focus();
    harness.run_ok();
    harness.get_by_label(field).type_text(text);
    harness.run_ok();
}

#[test]
fn dependency_hang_is_played_through_all_six_steps() {
    let d = drill();
    let spec = &d.spec;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(dir.path());
    click(&mut harness, "Drills");
    harness.get_all_by_label("new").next().expect("a new drill");
    click(&mut harness, &format!("Play: {}", spec.title));

    // 1. Paged: the alert at the incident clock.
    assert_eq!(stage(&harness), Stage::Paged);
    harness.get_by_label("🚨 PAGE at t = 70\u{a0}s");
    harness.get_by_label(&spec.alert.text);
    click(&mut harness, "Acknowledge");

    // 2. Investigate: the dashboard up to now; an action costs its time.
    assert_eq!(stage(&harness), Stage::Investigate);
    harness.get_by_label("Dashboard (up to t = 70\u{a0}s)");
    harness.get_by_label("checkout threads busy");
    let deploys = &spec.actions[2];
    click(
        &mut harness,
        &format!("{} (costs 1\u{a0}min)", deploys.label),
    );
    harness.get_by_label(&deploys.finding);
    harness.get_by_label("Dashboard (up to t = 130\u{a0}s)");
    click(&mut harness, "Diagnose →");

    // 3. Diagnose: a wrong cause costs the penalty and explains; the right one moves on.
    assert_eq!(stage(&harness), Stage::Diagnose);
    let causes = &spec.diagnosis.causes;
    let wrong = causes.iter().find(|c| !c.correct).expect("a wrong cause");
    click(&mut harness, &wrong.text);
    click(&mut harness, "Submit the diagnosis");
    assert_eq!(stage(&harness), Stage::Diagnose);
    harness.get_by_label_contains("Chasing the wrong lead cost 10\u{a0}min");
    harness.get_by_label(&format!(
        "• “{}”: {}",
        wrong.text.trim_end_matches('.'),
        wrong.why
    ));
    let right = causes.iter().find(|c| c.correct).expect("the cause");
    click(&mut harness, &right.text);
    for e in spec.diagnosis.evidence.iter().filter(|e| e.correct) {
        click(&mut harness, &e.text);
    }
    click(&mut harness, "Submit the diagnosis");

    // 4. Mitigate: a bigger pool misses and stays; the model breaker holds.
    assert_eq!(stage(&harness), Stage::Mitigate);
    let offer = |id: &str| d.offer(id).expect("offered").label.clone();
    click(&mut harness, &offer("threads"));
    click(&mut harness, "Roll out and replay (costs 5\u{a0}min)");
    assert_eq!(stage(&harness), Stage::Mitigate);
    harness.get_by_label("✖ The SLO is still missed: this roll-out did not fix it.");
    harness.get_by_label_contains("SLO missed:");
    click(&mut harness, &offer("threads"));
    click(&mut harness, &offer("breaker"));
    let solution = &d.solution.apply[0];
    let breaker = d.offer("breaker").expect("breaker");
    for p in &breaker.params {
        let value = solution.params.get(&p.name).copied().unwrap_or(p.default);
        // The slider and its value box share the label: set the slider.
        let slider = harness.get_all_by_label(&p.label).next().expect("a slider");
        slider.set_value_accesskit(value);
        harness.run_ok();
    }
    click(&mut harness, "Roll out and replay (costs 5\u{a0}min)");
    assert_eq!(stage(&harness), Stage::PostMortem);
    harness.get_by_label("✔ The SLO holds with your change.");
    harness.get_by_label_contains("SLO held:");
    harness.get_by_label_contains("Good requests per 10 s");

    // 5. Post-mortem: pre-filled from the run, written on the post-mortem page.
    click(&mut harness, "📝 Open the post-mortem");
    {
        let app = harness.state().as_ref().expect("app");
        assert_eq!(app.screen(), Screen::PostMortem);
        let pm = app
            .shared()
            .store
            .progress
            .postmortems
            .items
            .iter()
            .find(|p| p.incident.as_deref() == Some("drill:dependency-hang"))
            .expect("the drill's post-mortem");
        assert_eq!(pm.title, spec.title);
        assert!(
            pm.timeline
                .iter()
                .any(|e| e.time == "t = 70\u{a0}s" && e.event.contains(&spec.alert.text)),
            "{:?}",
            pm.timeline
        );
        assert!(
            pm.timeline
                .iter()
                .any(|e| e.event.contains("chased a wrong lead")),
            "{:?}",
            pm.timeline
        );
        assert!(pm.impact.contains("missed the SLO"), "{}", pm.impact);
        assert!(
            pm.summary.contains("mitigated 21\u{a0}min later"),
            "{}",
            pm.summary
        );
    }
    // The page leads back to the drill, and the drill to the page.
    click(&mut harness, "← Back to the drill");
    assert_eq!(
        harness.state().as_ref().expect("app").screen(),
        Screen::Drills
    );
    click(&mut harness, "📝 Open the post-mortem");
    for (field, text) in [
        ("Why 1", "Every checkout thread was waiting on the gateway."),
        (
            "Why 2",
            "Each call held its thread for the whole 2 s timeout.",
        ),
        (
            "Why 3",
            "Nothing stopped calling a gateway that was not answering.",
        ),
        (
            "Root cause",
            "A slow dependency was called with no breaker.",
        ),
        (
            "Process gap",
            "Reviews do not ask how a dependency fails slowly.",
        ),
    ] {
        type_into(&mut harness, field, text);
    }
    click(&mut harness, "+ Add action item");
    let action = by().predicate(|n| n.placeholder() == Some("A concrete change"));
    harness.get(action.clone()).focus();
    harness.run_ok();
    harness
        .get(action)
        .type_text("Put a breaker that counts slow calls on the gateway");
    harness.run_ok();
    click(&mut harness, "Compare with the model answer");
    // The drill's own model answer, beside the learner's.
    harness.get_by_label("Hide the model answer");
    harness.get_by_label_contains("that your root cause names what the design lacked");
    click(&mut harness, "Drills");

    // 6. Cards: the drill's join the deck, and the action item as an own card.
    click(&mut harness, "Cards →");
    assert_eq!(stage(&harness), Stage::Cards);
    harness.get_by_label(&spec.cards[0].front);
    click(
        &mut harness,
        "Add as my own card: Put a breaker that counts slow calls on the gateway",
    );
    {
        let cards = harness.state().as_ref().expect("app").shared().cards();
        assert!(
            !cards.iter().any(|c| c.source_id == spec.cards[0].id),
            "a drill's cards wait for the pass"
        );
    }
    click(&mut harness, "Finish the drill");
    assert_eq!(stage(&harness), Stage::Done);
    harness.get_by_label("✔ Drill passed");
    let app = harness.state().as_ref().expect("app");
    let cards = app.shared().cards();
    for card in &spec.cards {
        let joined = cards
            .iter()
            .find(|c| c.source_id == card.id)
            .expect("the drill's card is in the deck");
        assert!(joined.tags.contains(&d.card_tag()), "{:?}", joined.tags);
    }
    let own = cards
        .iter()
        .find(|c| c.source_id == "my-dependency-hang-action-1")
        .expect("the action item as a card");
    assert_eq!(own.pack, None);
    assert_eq!(
        own.answer,
        "Put a breaker that counts slow calls on the gateway"
    );
    drop(harness);

    // The score is saved: 1 + 10 + 5 + 5 minutes, two wrong steps.
    let (store, _) = Store::open(dir.path()).expect("store");
    let record = store.progress.drills.record(ID).expect("a record");
    assert_eq!(record.passes, 1);
    let best = record.best.expect("a best score");
    assert!(best.slo_met);
    assert_eq!(best.wrong_steps, 2);
    assert!((best.minutes_to_mitigate - 21.0).abs() < 1e-9, "{best:?}");
}

#[test]
fn an_attempt_resumes_after_a_restart_with_the_mitigation_form_as_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = drill();
    let title = &d.spec.title;
    let breaker = &d.offer("breaker").expect("offered").label;
    {
        let mut harness = harness(dir.path());
        click(&mut harness, "Drills");
        click(&mut harness, &format!("Play: {title}"));
        click(&mut harness, "Acknowledge");
    }
    let mut harness = harness(dir.path());
    harness.get_by_label("in progress: investigate");
    click(&mut harness, &format!("Resume: {title}"));
    assert_eq!(stage(&harness), Stage::Investigate);
    click(&mut harness, "Diagnose →");
    let diagnosis = &d.spec.diagnosis;
    let right = diagnosis
        .causes
        .iter()
        .find(|c| c.correct)
        .expect("a cause");
    click(&mut harness, &right.text);
    for e in diagnosis.evidence.iter().filter(|e| e.correct) {
        click(&mut harness, &e.text);
    }
    click(&mut harness, "Submit the diagnosis");
    click(&mut harness, breaker);
    drop(harness);

    let mut again = common::harness(dir.path());
    click(&mut again, &format!("Resume: {title}"));
    assert_eq!(stage(&again), Stage::Mitigate);
    let ticked = again.get_by_label(breaker).accesskit_node().toggled();
    assert_eq!(
        ticked,
        Some(egui::accesskit::Toggled::True),
        "the tick is kept"
    );
}

#[test]
fn the_section_links_to_its_drill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = drill();
    let mut harness = harness(dir.path());
    click(&mut harness, "Lesson");
    click(&mut harness, "○  3. Circuit breakers");
    click(&mut harness, &format!("🚨 Drill: {}", d.spec.title));
    let app = harness.state().as_ref().expect("app");
    assert_eq!(app.screen(), Screen::Drills);
    harness.get_by_label("Acknowledge");
}
