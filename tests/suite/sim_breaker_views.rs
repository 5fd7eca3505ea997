//! The breaker and bulkhead views, driven headless through the whole app: they open,
//! play from the keyboard, and draw at the small window size without panicking.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::store::Store;

/// Opens straight on the Simulations screen, as a learner coming back to it would.
fn harness(data_dir: &std::path::Path, size: egui::Vec2) -> Harness<'static, Option<WorkbookApp>> {
    let (mut store, _) = Store::open(data_dir).expect("store opens");
    store.progress.settings.last_screen = "Simulations".into();
    store.save().expect("saves");
    common::harness_sized(data_dir, size)
}

#[test]
fn the_breaker_view_plays_from_the_keyboard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), egui::vec2(1280.0, 800.0));
    h.get_by_label("With the breaker");
    h.get_by_label("Without it (same seed)");
    h.key_press(egui::Key::Space);
    h.run_steps(3);
    h.get_by_label("⏸ Pause");
}

#[test]
fn both_views_draw_at_the_small_window_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), egui::vec2(1024.0, 640.0));
    h.get_by_label("⏭ Step").click();
    h.run_steps(2);
    h.get_by_label("Bulkheads").click();
    h.run_steps(2);
    h.get_by_label("One shared pool");
    h.get_by_label("Reports get slow").click();
    h.run_steps(2);
}

#[test]
fn a_time_based_window_is_drawn_per_second() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Tall enough that the settings below the plots are on screen.
    let mut h = harness(dir.path(), egui::vec2(1280.0, 2400.0));
    h.get_by_label("Breaker settings (resilience4j names in tooltips)")
        .click();
    h.run_steps(2);
    h.get_by_label("last N seconds").click();
    h.run_steps(2);
    for _ in 0..5 {
        h.get_by_label("⏭ Step").click();
        h.run_steps(1);
    }
    h.get_by_label("20 one-second buckets, oldest left; a bar's height is that second's calls");
}
