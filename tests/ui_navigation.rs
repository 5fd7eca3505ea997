//! Opens the whole app headless and visits every screen by its accessible label, as a
//! keyboard or screen-reader user would find them.

use egui_kittest::kittest::Queryable;
use resilience_workbook::app::Screen;

mod common;
use common::harness;

#[test]
fn every_screen_is_reachable_by_its_label() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path());
    for screen in Screen::ALL {
        harness.get_by_label(screen.label()).click();
        harness.run_ok();
        let app = harness.state().as_ref().unwrap();
        assert_eq!(app.screen(), screen, "clicking {} shows it", screen.label());
    }
}

#[test]
fn the_lesson_opens_on_its_first_section() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path());
    harness.get_by_label("Lesson").click();
    harness.run_ok();
    harness.get_by_label("Blameless post-mortems");
    harness.get_by_label("Mark as read").click_accesskit();
    harness.run_ok();
    let app = harness.state().as_ref().unwrap();
    assert!(
        app.shared()
            .store
            .progress
            .lessons
            .is_read("scars-to-architecture", "post-mortems")
    );
}

#[test]
fn last_screen_is_remembered_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut harness = harness(dir.path());
        harness.get_by_label("Progress").click();
        harness.run_ok();
    }
    let harness = harness(dir.path());
    assert_eq!(harness.state().as_ref().unwrap().screen(), Screen::Progress);
}
