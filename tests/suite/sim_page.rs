//! The one simulation page, through the whole app: every simulation shows the same clock
//! and steps; a guided step pauses at its moment, gives the verdict and is saved; opening
//! a simulation is saved in progress.

use crate::common;

use egui_kittest::kittest::Queryable;
use resilience_workbook::store::Store;

/// Each simulation's title and its clock after one Step.
const CLOCKS: [(&str, &str); 8] = [
    ("Circuit breaker", "t = 0.1\u{a0}s"),
    ("Bulkheads", "t = 0.1\u{a0}s"),
    ("The last ticket", "step 1"),
    ("Idempotency keys", "t = 0.5\u{a0}s"),
    ("Checkout during an outage", "t = 1\u{a0}min"),
    ("Retries with backoff and jitter", "t = 0.05\u{a0}s"),
    ("Retry storms", "t = 1.0\u{a0}s"),
    ("Cascading timeouts", "t = 0.5\u{a0}s"),
];

#[test]
fn every_simulation_steps_on_the_same_page_at_both_sizes() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(1024.0, 640.0)] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = common::harness_sized(dir.path(), size);
        h.get_by_label("Simulations").click();
        h.run_steps(2);
        for (title, clock) in CLOCKS {
            h.get_all_by_label(title)
                .next()
                .expect("the list entry")
                .click_accesskit();
            h.run_steps(2);
            h.get_by_label("⏭ Step").click_accesskit();
            h.run_steps(2);
            h.get_by_label(clock);
            h.get_by_label("Timeline");
            h.get_by_label_contains("Predict, then play");
        }
        let (store, _) = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.progress.sims.opened.len(),
            8,
            "every simulation was opened"
        );
    }
}

#[test]
fn a_guided_step_pauses_at_its_moment_and_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    // Frames of 0.1 s (the most a frame advances), so 15 virtual seconds take 150.
    let mut h = common::harness_timed(dir.path(), egui::vec2(1280.0, 800.0), 0.1);
    h.get_by_label("Simulations").click();
    h.run_steps(2);
    h.get_by_label("Yes: it has opened, and calls fail fast without reaching the gateway")
        .click_accesskit();
    h.run_steps(1);
    h.get_by_label("▶ Play to find out").click_accesskit();
    h.run_steps(200);
    h.get_by_label("Your prediction held.");
    h.get_by_label("t = 15.0\u{a0}s");
    h.get_by_label("▶ Play");
    let (store, _) = Store::open(dir.path()).unwrap();
    assert!(
        store
            .progress
            .sims
            .steps_done
            .contains("breaker/does-it-open")
    );
}
