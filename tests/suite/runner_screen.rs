//! The exercise screen driven headless: pick an exercise, press Check, and the results
//! of a real build appear (the runner works on the app's background runtime, so the
//! test steps frames until they arrive).

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use resilience_workbook::runner::Status;

use crate::common;
use common::harness;

#[test]
fn checking_an_exercise_shows_its_test_results_and_records_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path());
    harness.get_by_label("Exercises").click();
    harness.run_ok();
    // The first exercise in teaching order (section 2's) is open: its title is in the
    // list and in the heading, and the learner's copy exists.
    assert_eq!(harness.get_all_by_label("A validated Amount").count(), 2);
    assert!(
        dir.path().join("exercises/validated-amount.rs").is_file(),
        "opening an exercise makes the learner's copy"
    );
    harness.get_by_label("▶ Check").click_accesskit();

    let deadline = Instant::now() + Duration::from_secs(90);
    while harness.query_by_label("No test passes yet").is_none() {
        assert!(Instant::now() < deadline, "no results after 90 s");
        std::thread::sleep(Duration::from_millis(50));
        harness.step();
    }
    harness.run_ok();
    harness.get_by_label_contains("0\u{a0}/\u{a0}10 tests");
    // Each test has its row, and the summary names the failures in the test file's order.
    harness.get_by_label("✖ signed_cents_follow_the_range_rules");
    harness.get_by_label_contains(
        "still failing: signed_cents_follow_the_range_rules, text_in_every_accepted_shape_parses",
    );

    let app = harness.state().as_ref().unwrap();
    let exercises = &app.shared().store.progress.exercises;
    assert_eq!(exercises.status("validated-amount"), Status::Failing);
    assert_eq!(exercises.record("validated-amount").checks, 1);

    harness
        .get_by_label("💡 Show hint 1 of 3")
        .click_accesskit();
    harness.run_ok();
    harness.get_by_label("Hint 1");
}
