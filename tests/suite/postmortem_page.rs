//! The post-mortem workbook as a learner meets it: reached from the lesson's first
//! section, filled in through the form, kept in progress, and the model answer unlocked
//! only after an analysis of one's own.

use egui_kittest::kittest::Queryable;
use resilience_workbook::content::postmortem::LESSON_INCIDENT;
use resilience_workbook::ui::state::Screen;

use crate::common;
use common::harness;

#[test]
fn the_first_section_links_to_the_workbook() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(dir.path());
    harness.get_by_label("Lesson").click();
    harness.run_ok();
    // The link is in the section's last paragraph: scroll down to the footer, since
    // the Markdown viewer only lays out what is on screen.
    harness.get_by_label("Mark as read").scroll_to_me();
    harness.run_ok();
    harness.get_by_label("post-mortem page").click();
    harness.run_ok();
    let app = harness.state().as_ref().expect("app");
    assert_eq!(app.screen(), Screen::PostMortem);
}

#[test]
fn writing_an_analysis_unlocks_the_model_answer_and_is_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(dir.path());
    harness.get_by_label("Post-mortem").click();
    harness.run_ok();
    assert!(
        harness
            .query_by_label("Compare with the model answer")
            .is_some(),
        "the button is shown, disabled"
    );
    for (field, text) in [
        ("Why 1", "It ran out of memory."),
        ("Why 2", "The transaction handler leaked."),
        ("Why 3", "An early return skipped the release."),
        (
            "Root cause",
            "Reviews never check resources on error paths.",
        ),
        ("Process gap", "The checklist lacks resource handling."),
    ] {
        let node = harness.get_by_label(field);
        node.scroll_to_me();
        harness.run_ok();
        harness.get_by_label(field).focus();
        harness.run_ok();
        harness.get_by_label(field).type_text(text);
        harness.run_ok();
    }
    let app = harness.state().as_ref().expect("app");
    let written = app
        .shared()
        .store
        .progress
        .postmortems
        .items
        .iter()
        .find(|p| p.incident.as_deref() == Some(LESSON_INCIDENT))
        .expect("the lesson's incident is listed");
    assert_eq!(written.whys[2], "An early return skipped the release.");
    assert!(written.missing_before_compare().is_empty());

    harness
        .get_by_label("Compare with the model answer")
        .click();
    harness.run_ok();
    harness.get_by_label("Model answer");
}
