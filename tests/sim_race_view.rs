//! The last-ticket view, driven headless through the whole app: moving buyers by hand,
//! loading an interleaving from the checker's list, and switching strategy.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::content::ContentSource;
use resilience_workbook::store::Store;

fn open_race(
    data_dir: &std::path::Path,
    size: egui::Vec2,
) -> Harness<'static, Option<WorkbookApp>> {
    let dir = data_dir.to_owned();
    let mut harness = Harness::builder().with_size(size).build_ui_state(
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
    harness.get_by_label("Simulations").click();
    harness.run_ok();
    harness.get_by_label("The last ticket").click();
    harness.run_ok();
    harness
}

#[test]
fn moving_both_buyers_through_the_incident_shows_the_oversell() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_race(dir.path(), egui::vec2(1280.0, 800.0));
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
}

#[test]
fn picking_an_interleaving_replays_it_and_strategies_switch_from_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_race(dir.path(), egui::vec2(1024.0, 640.0));
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
