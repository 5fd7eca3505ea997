//! The last-ticket view, driven headless through the whole app: moving buyers by hand,
//! loading an interleaving from the checker's list, and switching strategy.

use crate::common;

use egui_kittest::kittest::Queryable;

#[test]
fn moving_both_buyers_through_the_incident_shows_the_oversell() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::simulation(dir.path(), egui::vec2(1280.0, 800.0), "The last ticket");
    harness.get_by_label("Exhaustive check: every interleaving, per strategy");
    for _ in 0..4 {
        for buyer in ["A", "B"] {
            let prefix = format!("{buyer}: ");
            harness
                .get_by(|n| {
                    n.label().is_some_and(|l| l.starts_with(&prefix))
                        && n.role() == egui::accesskit::Role::Button
                })
                .click_accesskit();
            harness.run_ok();
        }
    }
    harness.get_by_label("Finished after 8 steps: 2 orders for 1 ticket, stock -1: OVERSOLD");
    // A buyer who is done shows a status in the move row, not a (disabled) button.
    for buyer in ["A", "B"] {
        harness.get_by_label(&format!("● {buyer} bought (oversold)"));
        let prefix = format!("{buyer}: ");
        assert!(
            harness
                .query_by(|n| {
                    n.label().is_some_and(|l| l.starts_with(&prefix))
                        && n.role() == egui::accesskit::Role::Button
                })
                .is_none(),
            "no move button for {buyer} once done"
        );
    }
}

#[test]
fn picking_an_interleaving_replays_it_and_strategies_switch_from_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::simulation(dir.path(), egui::vec2(1024.0, 640.0), "The last ticket");
    harness
        .get_by(|n| n.label().is_some_and(|l| l.starts_with("#1 ")))
        .click_accesskit();
    harness.run_ok();
    harness.get_by_label("Finished after 6 steps: 1 order for 1 ticket, stock 0: correct");
    harness
        .get_by_label("atomic conditional decrement")
        .click_accesskit();
    harness.run_ok();
    harness.get_by_label(
        "atomic conditional decrement: 0 of 4 interleavings go wrong (never oversells)",
    );
}
