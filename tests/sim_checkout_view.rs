//! The checkout-outage view, headless at the small window size: stepping places orders
//! and lists what their customers were told.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::content::ContentSource;
use resilience_workbook::store::Store;

#[test]
fn stepping_places_orders_and_shows_the_customer_message() {
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
    harness.get_by_label("Checkout during an outage").click();
    harness.run_ok();
    harness.get_by_label("gateway up");
    // Each Step is one virtual minute; the outage starts at minute 30.
    for _ in 0..35 {
        harness.get_by_label("⏭ Step").click_accesskit();
        harness.run_ok();
    }
    harness.get_by_label("gateway DOWN");
    assert!(
        harness
            .query_all_by_label(
                "“Order received. Payment processing: confirmation within the hour.”"
            )
            .next()
            .is_some()
            || harness
                .query_all_by_label("“Thank you: your order is paid.”")
                .next()
                .is_some()
    );
}
