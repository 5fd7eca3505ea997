//! Opens the whole app headless and visits every screen by its accessible label, as a
//! keyboard or screen-reader user would find them.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::{Screen, WorkbookApp};
use resilience_workbook::content::ContentSource;
use resilience_workbook::store::Store;

/// The app is built inside the first frame because it needs the egui context.
fn harness(data_dir: &std::path::Path) -> Harness<'static, Option<WorkbookApp>> {
    let dir = data_dir.to_owned();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(
            move |ui, app: &mut Option<WorkbookApp>| {
                let app = app.get_or_insert_with(|| {
                    let (store, q) = Store::open(&dir).expect("store opens");
                    WorkbookApp::new(ui.ctx(), ContentSource::Embedded, store, q)
                        .expect("app starts")
                });
                app.show(ui);
            },
            None,
        );
    harness.run_ok();
    harness
}

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
