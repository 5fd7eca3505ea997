//! The whole app, headless, for kittest tests of its screens.

#![allow(dead_code)]

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::content::ContentSource;
use resilience_workbook::store::Store;

/// The whole app under a headless harness.
pub type App = Harness<'static, Option<WorkbookApp>>;

/// The app is built inside the first frame because it needs the egui context.
pub fn harness(data_dir: &std::path::Path) -> Harness<'static, Option<WorkbookApp>> {
    harness_sized(data_dir, egui::vec2(1280.0, 800.0))
}

/// The app in a window of `size`, on the screen its progress file names (Lesson if none).
pub fn harness_sized(
    data_dir: &std::path::Path,
    size: egui::Vec2,
) -> Harness<'static, Option<WorkbookApp>> {
    harness_timed(data_dir, size, 1.0 / 60.0)
}

/// The app with each frame `step_dt` seconds long (a playing simulation advances by it).
pub fn harness_timed(
    data_dir: &std::path::Path,
    size: egui::Vec2,
    step_dt: f32,
) -> Harness<'static, Option<WorkbookApp>> {
    build(
        Harness::builder().with_size(size).with_step_dt(step_dt),
        data_dir,
    )
}

/// The app built by `builder` (a size, a renderer, a theme) on the store in `data_dir`.
pub fn build(
    builder: egui_kittest::HarnessBuilder<Option<WorkbookApp>>,
    data_dir: &std::path::Path,
) -> Harness<'static, Option<WorkbookApp>> {
    let dir = data_dir.to_owned();
    let mut harness = builder.build_ui_state(
        move |ui, app: &mut Option<WorkbookApp>| {
            let app = app.get_or_insert_with(|| {
                let (store, q) = Store::open(&dir).expect("store opens");
                WorkbookApp::new(ui.ctx(), ContentSource::Embedded, store, q).expect("app starts")
            });
            app.show(ui);
        },
        None,
    );
    harness.run_ok();
    harness
}

/// The app in a window of `size` with the simulation called `title` open. It steps
/// frames rather than waiting for the app to settle: a playing simulation never does.
pub fn simulation(
    data_dir: &std::path::Path,
    size: egui::Vec2,
    title: &str,
) -> Harness<'static, Option<WorkbookApp>> {
    let mut harness = harness_sized(data_dir, size);
    harness.get_by_label("Simulations").click();
    harness.run_steps(2);
    harness.get_by_label(title).click();
    harness.run_steps(2);
    harness
}

/// Picks a preset in the simulation page's preset box.
pub fn pick_preset(harness: &mut Harness<'static, Option<WorkbookApp>>, label: &str) {
    harness.get_by_label("Preset").click_accesskit();
    harness.run_steps(2);
    harness
        .get_all_by_label(label)
        .last()
        .expect("the preset in the open list")
        .click_accesskit();
    harness.run_steps(2);
}
