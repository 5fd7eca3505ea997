//! The exercise screen headless: the task pane beside the editor (Markdown, foldable,
//! hints rendered), partial progress as "N of 10 tests" rather than a failure (the
//! failed test showing what it checks), and a full
//! pass leading to the next exercise in the lessons' order. Checks are real builds.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use resilience_workbook::runner::Status;

use crate::common;
use common::{App, harness};

/// Opens the exercise screen on section 2's exercise (the first in teaching order).
fn exercises(dir: &std::path::Path) -> App {
    let mut harness = harness(dir);
    harness.get_by_label("Exercises").click();
    harness.run_ok();
    harness
}

/// Presses Check and steps frames until a result titled `title` shows.
fn check_until(harness: &mut App, title: &str) {
    harness.get_by_label("▶ Check").click_accesskit();
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.query_by_label_contains(title).is_none() {
        assert!(Instant::now() < deadline, "no `{title}` after 120 s");
        std::thread::sleep(Duration::from_millis(50));
        harness.step();
    }
    harness.run_ok();
}

/// Puts `text` in the learner's copy of validated-amount before the app opens it.
fn write_copy(dir: &std::path::Path, text: &str) {
    std::fs::create_dir_all(dir.join("exercises")).unwrap();
    std::fs::write(dir.join("exercises/validated-amount.rs"), text).unwrap();
}

fn solution() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("exercises/validated-amount/solution.rs"),
    )
    .unwrap()
}

#[test]
fn the_task_is_rendered_beside_the_editor_and_folds_away() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = exercises(dir.path());
    harness.get_by_label("Task");
    harness.get_by_label_contains("A payment amount that travels through a system");
    // Markdown, not raw: the list dashes and backticks are gone from the text.
    assert!(
        harness
            .query_by_label_contains("- zero is refused")
            .is_none()
    );
    assert!(
        harness
            .query_by_label_contains("`AmountError::Zero`")
            .is_none()
    );
    // The starter keeps only code and short doc comments.
    let copy = std::fs::read_to_string(dir.path().join("exercises/validated-amount.rs")).unwrap();
    assert!(copy.lines().take_while(|l| l.starts_with("//!")).count() <= 3);

    harness
        .get_by_label("💡 Show hint 1 of 3")
        .click_accesskit();
    harness.run_ok();
    harness.get_by_label("Hint 1");
    assert!(
        harness.query_by_label_contains("`TryFrom").is_none(),
        "the hint is rendered as Markdown"
    );

    harness.get_by_label("Hide ▶").click_accesskit();
    harness.run_ok();
    assert!(
        harness
            .query_by_label_contains("A payment amount that travels")
            .is_none()
    );
    harness.get_by_label("◀ Task").click_accesskit();
    harness.run_ok();
    harness.get_by_label_contains("A payment amount that travels through a system");
}

#[test]
fn partial_progress_reads_as_tests_passed_not_as_failure() {
    let dir = tempfile::tempdir().unwrap();
    // The reference solution with one function left to do: most tests pass.
    let partial = solution().replace(
        "let sum = self.cents.checked_add(other.cents).ok_or(AmountError::TooLarge)?;\n        Amount::from_cents(sum)",
        "todo!(\"later\")",
    );
    assert!(partial.contains("todo!(\"later\")"));
    write_copy(dir.path(), &partial);
    let mut harness = exercises(dir.path());
    check_until(&mut harness, "of 10 tests pass");
    harness.get_by_label("9 of 10 tests pass");
    harness.get_by_label("9\u{a0}/\u{a0}10 tests");
    // The list shows the count, not a red cross.
    harness.get_by_label_contains("9\u{a0}/\u{a0}10\u{a0}tests");
    assert!(harness.query_by_label("✖").is_none());
    // The failed test shows its own code, the passing ones do not.
    assert_eq!(
        harness.query_all_by_label("What this test checks:").count(),
        1
    );
    harness.get_by_label_contains("let a = Amount::try_from(60_000_000i64).unwrap();");
    let app = harness.state().as_ref().unwrap();
    let exercises = &app.shared().store.progress.exercises;
    assert_eq!(exercises.status("validated-amount"), Status::Failing);
    assert!(exercises.record("validated-amount").best_score > 0);
}

#[test]
fn a_full_pass_celebrates_and_offers_the_next_exercise_in_lesson_order() {
    let dir = tempfile::tempdir().unwrap();
    write_copy(dir.path(), &solution());
    let mut harness = exercises(dir.path());
    check_until(&mut harness, "Passed: every test");
    harness.get_by_label("10\u{a0}/\u{a0}10 tests");
    // Section 3's first exercise comes after section 2's.
    harness
        .get_by_label_contains("Next exercise: ")
        .click_accesskit();
    harness.run_ok();
    let app = harness.state().as_ref().unwrap();
    assert!(
        app.shared()
            .store
            .progress
            .exercises
            .record("validated-amount")
            .passed
    );
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("exercises"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        copies
            .iter()
            .any(|c| c != "validated-amount.rs" && c.ends_with(".rs")),
        "the next exercise is open: {copies:?}"
    );
}
