//! The retry-strategies and congestive-collapse pages, driven headless through the whole
//! app at both window sizes: the sweep revealed step by step as it is computed, and the
//! collapse run second by second with its states named.

use crate::common;

use egui_kittest::kittest::Queryable;

/// Opens the simulation called `title` from the list (the list scrolls in a small
/// window, so through accesskit rather than a pointer click).
fn open(dir: &std::path::Path, size: egui::Vec2, title: &str) -> common::App {
    let mut harness = common::harness_sized(dir, size);
    harness.get_by_label("Simulations").click();
    harness.run_steps(2);
    harness.get_by_label(title).click_accesskit();
    harness.run_steps(2);
    harness
}

/// Steps frames until `label` shows, for at most `frames` frames.
fn step_until(harness: &mut common::App, label: &str, frames: usize) {
    for _ in 0..frames {
        if harness.query_by_label(label).is_some() {
            return;
        }
        harness.step();
    }
    panic!("`{label}` did not show within {frames} frames");
}

#[test]
fn the_retry_sweep_reveals_one_failure_rate_per_step() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(1024.0, 640.0)] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = open(dir.path(), size, "Retry strategies");
        harness.get_by_label("Runs per point");
        // The first rate is computed a few milliseconds a frame, then shown at step 0.
        step_until(
            &mut harness,
            "The service fails 1\u{a0}% of calls (step 0 of 8)",
            2000,
        );
        for _ in 0..3 {
            harness.get_by_label("⏭ Step").click_accesskit();
            harness.step();
        }
        step_until(
            &mut harness,
            "The service fails 10\u{a0}% of calls (step 3 of 8)",
            2000,
        );
        harness.get_by_label("step 3");
        // The closed form beside the model's three retries at p = 0.1.
        harness.get_by_label("1 − p⁴ = 99.99\u{a0}%, load 1 + p + p² + p³ = 111.1\u{a0}%");
    }
}

#[test]
fn the_real_budgets_preset_adds_three_strategies_and_says_how_they_differ() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path(), egui::vec2(1280.0, 2000.0), "Retry strategies");
    common::pick_preset(&mut harness, "Real budgets beside them");
    step_until(
        &mut harness,
        "The service fails 1\u{a0}% of calls (step 0 of 8)",
        2000,
    );
    for name in ["AWS SDK standard", "gRPC throttling", "Finagle RetryBudget"] {
        assert!(harness.query_all_by_label(name).count() >= 1, "{name}");
    }
    harness
        .get_by_label("How the real budgets differ from the post's")
        .click_accesskit();
    harness.step();
    harness.get_by_label_contains("refills on successes, not on new calls");
}

#[test]
fn without_backoff_the_collapse_outlives_the_spike() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(1024.0, 640.0)] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = open(dir.path(), size, "Congestive collapse");
        harness.get_by_label("No backoff: retry at once");
        for _ in 0..30 {
            harness.get_by_label("⏭ Step").click_accesskit();
            harness.step();
        }
        harness.get_by_label("t = 30.0\u{a0}s");
        // Five seconds after the spike: the plain run is metastable, the jittered one is
        // not (vulnerable: healthy, but retries could tip it).
        assert_eq!(harness.query_all_by_label("metastable").count(), 1);
        assert_eq!(harness.query_all_by_label("vulnerable").count(), 1);
    }
}

#[test]
fn the_ramp_preset_collapses_both_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(
        dir.path(),
        egui::vec2(1280.0, 2000.0),
        "Congestive collapse",
    );
    common::pick_preset(&mut harness, "A slow ramp to 80/s");
    for _ in 0..60 {
        harness.get_by_label("⏭ Step").click_accesskit();
        harness.step();
    }
    assert_eq!(harness.query_all_by_label("metastable").count(), 2);
}
