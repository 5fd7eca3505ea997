//! The checkout-outage view, headless at the small window size: stepping places orders
//! and lists what their customers were told.

use crate::common;

use egui_kittest::kittest::Queryable;

#[test]
fn stepping_places_orders_and_shows_the_customer_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::simulation(
        dir.path(),
        egui::vec2(1024.0, 640.0),
        "Checkout during an outage",
    );
    // The page opens on the incident; the fix tells customers their order is pending.
    common::pick_preset(&mut harness, "The fix (asynchronous)");
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

/// At 1024×640 the page's what-to-notice is wrapped over as many lines as it needs,
/// never cut with "…".
#[test]
fn the_notice_wraps_instead_of_being_cut_at_the_small_size() {
    let notice = resilience_workbook::sim::catalog::find("checkout-outage")
        .unwrap()
        .notice;
    let dir = tempfile::tempdir().unwrap();
    let harness = common::simulation(
        dir.path(),
        egui::vec2(1024.0, 640.0),
        "Checkout during an outage",
    );
    let rect = harness.get_by_label(notice).rect();
    // One line of body text is under 20 points high.
    assert!(rect.height() > 30.0, "the notice wraps: {rect:?}");
    assert!(rect.right() <= 1024.0, "and fits the window: {rect:?}");
}
