//! Home, Progress and Search over a store that holds an hour of real use (reviews through
//! the scheduler, checks, reads, simulations, a post-mortem draft), and the same numbers
//! headless from `workbook progress --json`.

use std::process::Command;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use resilience_workbook::store::Store;
use resilience_workbook::ui::state::Screen;

use crate::common;
use crate::hour;
use common::harness;

fn store_after_an_hour() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(dir.path()).unwrap();
    store.progress = hour::progress_after_an_hour(chrono::Utc::now());
    store.save().unwrap();
    dir
}

#[test]
fn a_first_start_lands_on_home_with_the_introduction_and_section_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path());
    assert_eq!(harness.state().as_ref().unwrap().screen(), Screen::Home);
    harness.get_by_label("Welcome to Resilience Workbook");
    harness.get_by_label("How this workbook works");
    harness
        .get_by_label_contains("Read section 1: Blameless post-mortems")
        .click_accesskit();
    harness.run_ok();
    assert_eq!(harness.state().as_ref().unwrap().screen(), Screen::Lesson);
    harness.get_by_label("Blameless post-mortems");
}

#[test]
fn after_an_hour_home_shows_today_the_next_step_and_the_mastery_map() {
    let dir = store_after_an_hour();
    let mut harness = harness(dir.path());
    harness.get_by_label("Welcome back");
    harness.get_by_label("day streak");
    harness.get_by_label("1\u{a0}/\u{a0}16");
    // Section 1's cards were learned four days ago and some are due again; section 3 is
    // read but most of its cards are still new.
    harness.get_by_label("1. Blameless post-mortems: practised");
    harness.get_by_label("2. Defensive design: practised");
    harness.get_by_label("3. Circuit breakers: started");
    harness.get_by_label("4. Idempotency: unseen");
    // More than a few cards from four days ago are due: reviewing them comes first.
    harness.get_by_label_contains("▶  Review");
    // The map opens a section.
    harness
        .get_by_label("4. Idempotency: unseen")
        .click_accesskit();
    harness.run_ok();
    assert_eq!(harness.state().as_ref().unwrap().screen(), Screen::Lesson);
    harness.get_by_label("Idempotency");
}

#[test]
fn progress_lists_every_section_with_links_to_the_place() {
    let dir = store_after_an_hour();
    let mut harness = harness(dir.path());
    harness.get_by_label("Progress").click();
    harness.run_ok();
    harness.get_by_label("By section");
    harness.get_by_label("3. Circuit breakers");
    harness.get_by_label("12. Quick reference");
    harness.get_by_label("draft");
    // Exercises of section 2: one of one passed, all ten points.
    harness.get_by_label("1\u{a0}/\u{a0}1 · 10\u{a0}/\u{a0}10\u{a0}pts");
    harness.get_by_label("draft").click_accesskit();
    harness.run_ok();
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::PostMortem
    );
}

fn search_for(harness: &mut common::App, query: &str) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run_ok();
    harness.get_by_label("Search the workbook");
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text(query);
    harness.run_ok();
}

#[test]
fn search_finds_lesson_text_and_opens_the_section() {
    let dir = store_after_an_hour();
    let mut harness = harness(dir.path());
    search_for(&mut harness, "outbox");
    harness
        .get_all_by_label_contains("Lesson · 8. Surviving a dependency outage")
        .next()
        .expect("section 8 explains the outbox")
        .click_accesskit();
    harness.run_ok();
    let app = harness.state().as_ref().unwrap();
    assert_eq!(app.screen(), Screen::Lesson);
    assert_eq!(
        app.shared().store.progress.settings.last_section.as_deref(),
        Some("async-outage")
    );
    assert!(
        harness.query_by_label("Search the workbook").is_none(),
        "closed"
    );
}

#[test]
fn enter_opens_the_best_result_and_escape_closes() {
    let dir = store_after_an_hour();
    let mut harness = harness(dir.path());
    search_for(&mut harness, "A validated Amount");
    harness.key_press(Key::Enter);
    harness.run_ok();
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::Exercises
    );
    search_for(&mut harness, "jitter");
    harness.key_press(Key::Escape);
    harness.run_ok();
    assert!(harness.query_by_label("Search the workbook").is_none());
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::Exercises
    );
}

#[test]
fn a_lesson_link_leaves_a_way_back_to_its_section() {
    let dir = store_after_an_hour();
    let mut harness = harness(dir.path());
    harness
        .get_by_label("2. Defensive design: practised")
        .click_accesskit();
    harness.run_ok();
    harness
        .get_by_label_contains("Exercise: A validated Amount")
        .click_accesskit();
    harness.run_ok();
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::Exercises
    );
    harness
        .get_by_label("← Back to section 2. Defensive design")
        .click_accesskit();
    harness.run_ok();
    assert_eq!(harness.state().as_ref().unwrap().screen(), Screen::Lesson);
}

#[test]
fn workbook_progress_json_reads_the_store_without_writing_it() {
    let dir = store_after_an_hour();
    let file = dir.path().join("progress.ron");
    let before = std::fs::read(&file).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "never writes the store"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let patterns = json["patterns"].as_array().unwrap();
    assert_eq!(patterns.len(), 12);
    let first = &patterns[0];
    assert_eq!(first["id"], "post-mortems");
    assert_eq!(first["title"], "Blameless post-mortems");
    assert_eq!(first["section_read"], true);
    assert!(first["level"].is_string());
    assert!(first["cards"]["total"].as_u64().unwrap() > 0);
    let r = first["cards"]["retrievability"].as_f64().unwrap();
    assert!(
        r > 0.0 && r < 1.0,
        "four days later some memories have faded: {r}"
    );
    assert!(
        patterns[4]["cards"]["retrievability"].is_null(),
        "nothing reviewed yet"
    );
    assert_eq!(patterns[1]["exercises"]["passed"], 1);
    assert_eq!(patterns[1]["exercises"]["points"], 10);
    assert!(json["next"]["what"].is_string());
    assert!(json["today"]["streak"].as_u64().unwrap() >= 1);

    // A corrupt store is reported and left alone, with exit 2.
    std::fs::write(&file, "(version: 1, oops").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("progress")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read your progress"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "(version: 1, oops");
}
