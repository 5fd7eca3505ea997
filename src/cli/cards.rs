//! `workbook cards`: export decks and replay reviews through the scheduler.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;

use super::{EXIT_FAILED, EXIT_OK, GlobalArgs};
use crate::srs::{self, Scheduler, replay};
use crate::store::Store;
use crate::{content, drill};

#[derive(Debug, Subcommand)]
pub enum CardsCommand {
    /// Write every card to FILE in a format another tool imports.
    Export {
        /// `anki-tsv`: front, back and tags, tab-separated, for Anki's text import.
        #[arg(long, default_value = "anki-tsv")]
        format: String,
        file: PathBuf,
    },
    /// Replay a CSV of reviews (`card_id,review_time,rating`) and print the schedule after each.
    Replay {
        file: PathBuf,
        /// Desired retention, 0.70 to 0.97.
        #[arg(long, default_value_t = 0.9)]
        retention: f64,
        /// Turn interval fuzz off (for comparing with a reference scheduler).
        #[arg(long)]
        no_fuzz: bool,
    },
}

pub fn run(global: &GlobalArgs, cmd: CardsCommand) -> Result<u8> {
    match cmd {
        CardsCommand::Export { format, file } => run_export(global, &format, &file),
        CardsCommand::Replay {
            file,
            retention,
            no_fuzz,
        } => run_replay(&file, retention, !no_fuzz),
    }
}

/// The tag an export gives the learner's own cards (pack cards carry their pack's id).
pub const OWN_CARDS_TAG: &str = "my-cards";

/// Writes the learner's deck: every valid card of every pack with their edits applied,
/// then the cards they wrote. Pack cards with problems, or progress that cannot be read,
/// are reported and the rest exported with exit 1, so nothing silently vanishes.
fn run_export(global: &GlobalArgs, format: &str, file: &Path) -> Result<u8> {
    if format != "anki-tsv" {
        anyhow::bail!("unknown export format `{format}`; the supported one is `anki-tsv`");
    }
    let source = global.content_source()?;
    let library = content::load_library(&source);
    let (deck, _) = drill::cards::load_deck(&source, &library);
    for problem in &deck.problems {
        eprintln!("{problem}");
    }
    let (progress, progress_read) = match Store::read_progress(&global.data_dir()?) {
        Ok(progress) => (progress, true),
        Err(e) => {
            eprintln!(
                "cannot read your progress ({e:#}); exporting the pack cards without your edits and own cards"
            );
            (Default::default(), false)
        }
    };
    let passed = |d: &str| progress.drills.passed(d);
    let progress = &progress.cards;
    let cards = deck.learners_cards(&progress.edits, &progress.own_cards, passed);
    let text = srs::export::anki_tsv(
        cards
            .iter()
            .map(|(pack, card)| (pack.unwrap_or(OWN_CARDS_TAG), card)),
    );
    std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "wrote {} card(s) to {} ({} edited, {} your own; in Anki: File > Import, the separator and columns are set by the file)",
        cards.len(),
        file.display(),
        progress.edits.len(),
        progress.own_cards.len(),
    );
    Ok(if deck.problems.is_empty() && progress_read {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// Prints the schedule after every review in `file`; any bad line stops the run with its
/// line number, before anything is printed.
fn run_replay(file: &Path, retention: f64, fuzz: bool) -> Result<u8> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let scheduler = Scheduler::new(retention, fuzz)?;
    let reviews = replay::parse(&text).with_context(|| file.display().to_string())?;
    let rows = replay::replay(&scheduler, &reviews).with_context(|| file.display().to_string())?;
    print!("{}", replay::to_csv(&rows));
    Ok(EXIT_OK)
}
