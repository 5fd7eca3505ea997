//! The whole app, headless, for kittest tests of its screens.

#![allow(dead_code)]

use egui_kittest::Harness;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::content::ContentSource;
use resilience_workbook::store::Store;

/// The app is built inside the first frame because it needs the egui context.
pub fn harness(data_dir: &std::path::Path) -> Harness<'static, Option<WorkbookApp>> {
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
