//! `workbook cards export` as a learner runs it: their edits and own cards go along.

use std::process::Command;

use resilience_workbook::srs::deck::CardEdit;
use resilience_workbook::srs::{CardKind, CardSource};
use resilience_workbook::store::Store;

fn export(data: &std::path::Path, file: &std::path::Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--data-dir")
        .arg(data)
        .args(["cards", "export", "--format", "anki-tsv"])
        .arg(file)
        .output()
        .expect("workbook runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_export_carries_the_learners_edits_and_own_cards() {
    let data = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(data.path()).unwrap();
    let cards = &mut store.progress.cards;
    cards.edits.insert(
        "pm-blame-hides-facts".into(),
        CardEdit {
            front: "Why no blame, in my words?".into(),
            back: "People hide what they did.".into(),
        },
    );
    cards.own_cards.push(CardSource {
        id: "own-1".into(),
        kind: CardKind::Basic,
        tags: vec!["timeouts".into()],
        front: "Which timeout is longest?".into(),
        back: "The outermost caller's.".into(),
    });
    store.save().unwrap();

    let file = data.path().join("deck.tsv");
    let (code, out, err) = export(data.path(), &file);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 edited, 1 your own"), "{out}");
    let tsv = std::fs::read_to_string(&file).unwrap();
    let line = |id: &str| {
        tsv.lines()
            .find(|l| l.starts_with(&format!("{id}\t")))
            .unwrap_or_else(|| panic!("{id} is exported"))
            .to_owned()
    };
    assert!(line("pm-blame-hides-facts").contains("Why no blame, in my words?"));
    assert!(line("own-1").ends_with("\tmy-cards timeouts"));
}

#[test]
fn unreadable_progress_still_exports_the_pack_and_says_so() {
    let data = tempfile::tempdir().unwrap();
    let progress = data.path().join("progress.ron");
    std::fs::write(&progress, "(version: 1, progress: (oops").unwrap();
    let file = data.path().join("deck.tsv");
    let (code, _, err) = export(data.path(), &file);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read your progress"), "{err}");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("pm-purpose\t")
    );
    // Only looked at: the file is where it was, unchanged.
    assert_eq!(
        std::fs::read_to_string(&progress).unwrap(),
        "(version: 1, progress: (oops"
    );
}
