//! `workbook cards`: export decks and replay reviews through the scheduler.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;

use super::GlobalArgs;

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

pub fn run(_global: &GlobalArgs, _cmd: CardsCommand) -> Result<u8> {
    anyhow::bail!("`workbook cards` is not available in this build yet")
}
