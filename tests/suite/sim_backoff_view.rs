//! The backoff, retry-storm and cascade views, driven headless through the whole app at
//! both window sizes: stepping virtual time, switching presets, and opening the panels.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;

fn step(harness: &mut Harness<'static, Option<WorkbookApp>>, times: usize) {
    for _ in 0..times {
        harness.get_by_label("⏭ Step").click_accesskit();
        harness.step();
    }
}

#[test]
fn the_backoff_view_steps_a_live_run() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(1024.0, 640.0)] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = common::simulation(dir.path(), size, "Retries with backoff and jitter");
        harness.get_by_label("Delay before each retry");
        step(&mut harness, 3);
        harness.get_by_label("t = 0.15\u{a0}s");
    }
}

#[test]
fn the_retry_storm_view_shows_the_outage_and_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::simulation(dir.path(), egui::vec2(1024.0, 640.0), "Retry storms");
    harness.get_by_label("With a retry budget");
    step(&mut harness, 12);
    harness.get_by_label("t = 12.0\u{a0}s");
    harness.get_by_label("server not answering");
}

#[test]
fn the_cascade_view_shows_wasted_work_in_the_log_and_trace() {
    let dir = tempfile::tempdir().unwrap();
    // Tall enough that the log, below the trace, is on screen.
    let mut harness =
        common::simulation(dir.path(), egui::vec2(1280.0, 2000.0), "Cascading timeouts");
    common::pick_preset(&mut harness, "Inverted budgets");
    // 500 ms a step: 50 steps reach 25 s, past the first slow queries' 10 s db limit.
    step(&mut harness, 50);
    harness.get_by_label("Observability").click_accesskit();
    harness.step();
    harness.get_by_label("Metrics");
    harness.get_by_label("db time for callers gone");
    // Filter the log to the database layer, as an engineer narrowing down the slow layer.
    harness
        .get_all_by_label("database")
        .last()
        .expect("the log's layer filter")
        .click_accesskit();
    harness.step();
    harness
        .get_all_by_label("query ran on after its caller left")
        .next()
        .expect("the log shows wasted db work");
}

#[test]
fn in_the_reload_surge_only_propagation_stops_building_pages_for_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness =
        common::simulation(dir.path(), egui::vec2(1280.0, 2000.0), "Cascading timeouts");
    for (preset, zero_waste_metrics) in [("Correct budgets", 1), ("Deadline propagation", 2)] {
        common::pick_preset(&mut harness, preset);
        // 500 ms a step: 70 steps reach 35 s, the end of the surge.
        step(&mut harness, 70);
        harness.get_by_label("Observability").click_accesskit();
        harness.step();
        harness.get_by_label("app time after the balancer gave up");
        // Two metrics measure waste, db time and app time for callers gone. Both read
        // "0.0 s" with propagation; without it the app's does not.
        assert_eq!(
            harness.query_all_by_label("0.0 s").count(),
            zero_waste_metrics,
            "{preset}"
        );
        harness.get_by_label("Layers over time").click_accesskit();
        harness.step();
    }
}
