//! Opens the whole app headless and visits every screen by its accessible label, as a
//! keyboard or screen-reader user would find them.

use egui_kittest::kittest::Queryable;
use resilience_workbook::ui::state::Screen;

use crate::common;
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

#[test]
fn a_progress_file_spoiled_by_another_program_is_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path());
    harness.get_by_label("Lesson").click();
    harness.run_ok();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.path().join("progress.ron"), "(version: 1, oops").unwrap();
    // Any save notices the change.
    harness.get_by_label("Mark as read").click_accesskit();
    harness.run_ok();
    // A label's text is its accesskit value.
    let banner = harness.get_by_label_contains("Your progress file could not be read");
    let text = banner.value().unwrap_or_default();
    assert!(text.contains("another program had written it"), "{text}");
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .expect("a copy is kept");
    assert_eq!(
        std::fs::read_to_string(kept.path()).unwrap(),
        "(version: 1, oops"
    );
}

#[test]
fn a_file_from_a_newer_version_opens_read_only_with_a_banner() {
    let dir = tempfile::tempdir().unwrap();
    let text = "(version: 99, progress: (settings: (last_screen: \"Progress\")))";
    std::fs::write(dir.path().join("progress.ron"), text).unwrap();
    let mut harness = harness(dir.path());
    harness.get_by_label_contains("written by a newer version of the workbook");
    harness.get_by_label("Lesson").click();
    harness.run_ok();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("progress.ron")).unwrap(),
        text,
        "never rewritten"
    );
}
