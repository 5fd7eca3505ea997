//! The idempotency view, headless: it opens with its plot and ledger, and stepping the
//! model fills the ledger.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::content::ContentSource;
use resilience_workbook::store::Store;

#[test]
fn stepping_fills_the_ledger_at_the_small_window_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1024.0, 640.0))
        .build_ui_state(
            move |ui, app: &mut Option<WorkbookApp>| {
                let app = app.get_or_insert_with(|| {
                    let (store, q) = Store::open(&path).expect("store opens");
                    WorkbookApp::new(ui.ctx(), ContentSource::Embedded, store, q)
                        .expect("app starts")
                });
                app.show(ui);
            },
            None,
        );
    harness.run_ok();
    harness.get_by_label("Simulations").click();
    harness.run_ok();
    harness.get_by_label("Idempotency keys").click();
    harness.run_ok();
    harness.get_by_label("No orders yet: press Play or Step.");
    for _ in 0..6 {
        harness.get_by_label("⏭ Step").click_accesskit();
        harness.run_ok();
    }
    assert!(
        harness
            .query_by_label("No orders yet: press Play or Step.")
            .is_none()
    );
    harness.get_by_label("Duplicate charges against the drop rate");
}
