//! A whole review session by keyboard alone, through the real app: Ctrl+4 opens the
//! flashcards, Space shows the answer, 1-4 answer, Ctrl+Z undoes; every answer is on disk
//! before the next card shows, and the session ends on a kind summary.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::srs::State;
use resilience_workbook::store::Store;
use resilience_workbook::ui::state::Screen;

use crate::common;
use common::harness;

/// The built-in lesson pack.
const PACK: &str = "scars-to-architecture";

fn press(harness: &mut Harness<'static, Option<WorkbookApp>>, key: Key) {
    harness.key_press(key);
    harness.run_ok();
}

/// Answers on disk right now (what a crash at this moment would keep).
fn answers_on_disk(dir: &std::path::Path) -> usize {
    Store::open(dir).unwrap().0.progress.cards.log.len()
}

#[test]
fn a_whole_session_by_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.cards.settings.new_per_day = 3;
        store.progress.lessons.set_read(PACK, "post-mortems", true);
        store.save().unwrap();
    }
    let mut harness = harness(dir.path());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num4);
    harness.run_ok();
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::Flashcards
    );
    harness.get_by_label_contains("Today: 0 done");
    harness.get_by_label_contains("3 new");

    // Three new cards: show the answer, then Good (a 10-minute learning step).
    for done in 1..=3 {
        press(&mut harness, Key::Space);
        harness.get_by_label("Good, 10 min");
        harness.get_by_label("Again, 1 min");
        press(&mut harness, Key::Num3);
        assert_eq!(
            answers_on_disk(dir.path()),
            done,
            "answer {done} saved before the next card"
        );
    }

    // Undo the third answer, then answer it again.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_ok();
    assert_eq!(answers_on_disk(dir.path()), 2);
    press(&mut harness, Key::Space);
    press(&mut harness, Key::Num3);

    // Nothing else is due, so the learning cards come forward (learn ahead): Easy
    // graduates each of them.
    for _ in 0..3 {
        harness.get_by_label_contains("learning");
        press(&mut harness, Key::Space);
        press(&mut harness, Key::Num4);
    }
    harness.get_by_label_contains("That's all for now");
    harness.get_by_label_contains("The next card comes back in");

    let (store, _) = Store::open(dir.path()).unwrap();
    let cards = &store.progress.cards;
    assert_eq!(cards.log.len(), 6);
    assert_eq!(cards.cards.len(), 3);
    assert!(cards.cards.values().all(|c| c.state == State::Review));

    // Past today's limit, by choice: the section's other new cards come in.
    harness
        .get_by_label_contains("more new card")
        .click_accesskit();
    harness.run_ok();
    press(&mut harness, Key::Space);
    harness.get_by_label("Good, 10 min");
    press(&mut harness, Key::Num3);
    assert_eq!(answers_on_disk(dir.path()), 7);
}

#[test]
fn bury_and_suspend_take_the_card_out() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.cards.settings.new_per_day = 2;
        store.progress.settings.last_screen = "Flashcards".to_owned();
        store.progress.lessons.set_read(PACK, "post-mortems", true);
        store.save().unwrap();
    }
    let mut harness = harness(dir.path());
    press(&mut harness, Key::B);
    press(&mut harness, Key::S);
    harness.get_by_label_contains("Suspended; unsuspend it in Cards");
    let (store, _) = Store::open(dir.path()).unwrap();
    assert_eq!(store.progress.cards.buried.len(), 1);
    assert_eq!(store.progress.cards.suspended.len(), 1);
}

#[test]
fn a_lesson_section_opens_its_cards() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(dir.path());
    harness.get_by_label("Lesson").click();
    harness.run_ok();
    harness
        .get_by_label_contains("Review its")
        .click_accesskit();
    harness.run_ok();
    assert_eq!(
        harness.state().as_ref().unwrap().screen(),
        Screen::Flashcards
    );
    harness.get_by_label_contains("Only: 1. Blameless post-mortems");
    harness.get_by_label("1. Blameless post-mortems");
}

/// The note (source card) a reviewable card id belongs to: `pm-x::c2` is of `pm-x`.
fn note_of(card_id: &str) -> &str {
    card_id.split("::").next().unwrap_or(card_id)
}

#[test]
fn cloze_siblings_wait_until_tomorrow_once_one_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.cards.settings.new_per_day = 100;
        store.progress.settings.last_screen = "Flashcards".to_owned();
        store.progress.lessons.set_read(PACK, "post-mortems", true);
        store.save().unwrap();
    }
    let mut harness = harness(dir.path());
    // Every new card of the section, each graduated at once with Easy so none returns.
    let mut saw_notice = false;
    for _ in 0..60 {
        if harness
            .query_by_label_contains("That's all for now")
            .is_some()
        {
            break;
        }
        press(&mut harness, Key::Space);
        press(&mut harness, Key::Num4);
        saw_notice |= harness
            .query_by_label_contains("until tomorrow, so this answer does not give")
            .is_some();
    }
    harness.get_by_label_contains("That's all for now");
    assert!(
        saw_notice,
        "the learner is told why the other gaps do not follow"
    );

    let (store, _) = Store::open(dir.path()).unwrap();
    let log = &store.progress.cards.log;
    assert!(log.len() > 5, "a real session: {} answers", log.len());
    let mut notes = std::collections::BTreeSet::new();
    for entry in log {
        assert!(
            notes.insert(note_of(&entry.card_id)),
            "{} came on the day a sibling was answered",
            entry.card_id
        );
    }
    // The section has cloze notes with several gaps, so some cards were held back.
    let cards: usize = store.progress.cards.cards.len();
    assert_eq!(cards, log.len());
}

#[test]
fn new_cards_wait_for_their_section_to_be_read() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.settings.last_screen = "Flashcards".to_owned();
        store.save().unwrap();
    }
    let mut screen = harness(dir.path());
    screen.get_by_label_contains("0 new");
    screen.get_by_label_contains("(new cards wait for you to read their section)");
    screen.get_by_label_contains("new cards come only from sections you have read");
    screen.get_by_label_contains("Statistics → Settings");
    // The way out: read the first section with cards.
    screen
        .get_by_label("📖 Read 1. Blameless post-mortems")
        .click();
    screen.run_ok();
    assert_eq!(screen.state().as_ref().unwrap().screen(), Screen::Lesson);

    // Once it is read, its cards (and only its cards) come.
    drop(screen);
    {
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.lessons.set_read(PACK, "post-mortems", true);
        store.progress.settings.last_screen = "Flashcards".to_owned();
        store.save().unwrap();
    }
    let mut harness = harness(dir.path());
    for _ in 0..5 {
        harness.get_by_label("1. Blameless post-mortems");
        press(&mut harness, Key::Space);
        press(&mut harness, Key::Num4);
    }
    let (store, _) = Store::open(dir.path()).unwrap();
    assert!(
        store
            .progress
            .cards
            .log
            .iter()
            .all(|e| e.card_id.starts_with("pm-")),
        "{:?}",
        store.progress.cards.log
    );
}
