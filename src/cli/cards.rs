//! `workbook cards`: export decks and replay reviews through the scheduler.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;

use super::{EXIT_OK, GlobalArgs};
use crate::srs::{Scheduler, replay};

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

pub fn run(_global: &GlobalArgs, cmd: CardsCommand) -> Result<u8> {
    match cmd {
        CardsCommand::Export { .. } => {
            anyhow::bail!("`workbook cards export` is not available in this build yet")
        }
        CardsCommand::Replay {
            file,
            retention,
            no_fuzz,
        } => run_replay(&file, retention, !no_fuzz),
    }
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
