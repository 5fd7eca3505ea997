//! The idempotency view, headless: it opens with its plot and ledger, and stepping the
//! model fills the ledger.

use crate::common;

use egui_kittest::kittest::Queryable;

#[test]
fn stepping_fills_the_ledger_at_the_small_window_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::simulation(dir.path(), egui::vec2(1024.0, 640.0), "Idempotency keys");
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
