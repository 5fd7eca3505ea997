//! `workbook progress [--json]`: where the learner stands, headless. The same numbers as
//! Home and the Progress screen (`progress::summary`), read from the store without ever
//! writing it.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use clap::Args;

use super::{EXIT_OK, GlobalArgs};
use crate::progress::Inputs;
use crate::progress::summary::{self, Overview};
use crate::runner::load_catalog;
use crate::store::Store;
use crate::{content, drill};

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Print one JSON object (documented in the README) instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(global: &GlobalArgs, args: &ProgressArgs) -> Result<u8> {
    let source = global.content_source()?;
    let progress = Store::read_progress(&global.data_dir()?)
        .context("cannot read your progress (it was left as it is)")?;
    let library = content::load_library(&source);
    let (deck, drills) = drill::cards::load_deck(&source, &library);
    let cards = deck.reviewable(&progress.cards.edits, &progress.cards.own_cards, |d| {
        progress.drills.passed(d)
    });
    let catalog = load_catalog(&source, None);
    let overview = summary::overview(&Inputs {
        library: &library,
        catalog: &catalog,
        cards: &cards,
        drills: &drills,
        progress: &progress,
        now: chrono::Utc::now(),
    });
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&overview).context("cannot write JSON")?
        );
    } else {
        print!("{}", table(&overview));
    }
    Ok(EXIT_OK)
}

/// The overview as text for a terminal.
fn table(o: &Overview) -> String {
    let t = &o.totals;
    let d = &o.today;
    let mut out = String::new();
    let _ = writeln!(out, "Next: {}\n  {}", o.next.what, o.next.why);
    let _ = writeln!(
        out,
        "Today: {} cards due, {} new, {} answered; streak {} day(s)",
        d.cards_due, d.cards_new, d.reviews_done, d.streak
    );
    let _ = writeln!(
        out,
        "Totals: {}/{} sections read, {}/{} cards learned ({} mature), {}/{} exercises passed ({}/{} points), {}/{} simulations opened, {} post-mortem(s) written, {} day(s) studied\n",
        t.sections_read,
        t.sections,
        t.cards_learned,
        t.cards,
        t.cards_mature,
        t.exercises_passed,
        t.exercises,
        t.points,
        t.max_points,
        t.simulations_opened,
        t.simulations,
        t.postmortems_written,
        t.days_studied
    );
    let _ = writeln!(
        out,
        "{:<44} {:<10} {:<4} {:>7} {:>7} {:>9} {:>5}",
        "section", "level", "read", "cards", "recall", "exercises", "sims"
    );
    for p in &o.patterns {
        let recall = p
            .cards
            .retrievability
            .map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0));
        let _ = writeln!(
            out,
            "{:<44} {:<10} {:<4} {:>7} {:>7} {:>9} {:>5}",
            format!("{}. {}", p.number, p.title),
            p.level.label(),
            if p.section_read { "yes" } else { "no" },
            format!("{}/{}", p.cards.learned, p.cards.total),
            recall,
            format!("{}/{}", p.exercises.passed, p.exercises.total),
            format!("{}/{}", p.simulations.done, p.simulations.total),
        );
    }
    out
}
