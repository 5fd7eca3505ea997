//! A predict card's "Show me", through the real app: after the answer it opens the
//! card's scenario in its simulation, paused at the moment the card asks about.

use egui::Key;
use egui_kittest::kittest::Queryable;
use resilience_workbook::store::Store;
use resilience_workbook::ui::state::Screen;

use crate::common;

#[test]
fn show_me_opens_the_simulation_at_the_cards_moment() {
    let dir = tempfile::tempdir().unwrap();
    {
        // Only the retries section is read, so the new cards are its cards.
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.cards.settings.new_per_day = 100;
        store
            .progress
            .lessons
            .set_read("scars-to-architecture", "retries", true);
        store.save().unwrap();
    }
    let mut harness = common::harness(dir.path());
    harness.get_by_label("Flashcards").click();
    harness.run_ok();
    let mut found = false;
    for _ in 0..60 {
        harness.key_press(Key::Space);
        harness.run_ok();
        if harness.query_by_label_contains("▶ Show me").is_some() {
            found = true;
            break;
        }
        // A card without a scenario to show: answer Good and go on.
        harness.key_press(Key::Num3);
        harness.run_ok();
    }
    assert!(
        found,
        "a predict card of the retries section offers Show me"
    );
    harness.get_by_label_contains("▶ Show me").click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::Simulations
    );
    // The page is paused at the moment, not at its start.
    harness.get_by_label("▶ Play");
    assert!(harness.query_by_label("step 0").is_none());
    assert!(harness.query_by_label("t = 0.0\u{a0}s").is_none());
}
