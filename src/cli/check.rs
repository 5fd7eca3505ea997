//! `workbook check`: grade an exercise headless.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::GlobalArgs;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exercise id (see the Exercises screen or `exercises/`).
    #[arg(required_unless_present = "all")]
    pub id: Option<String>,
    /// Check this file instead of your saved copy.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Print Exercism's results.json (version 2) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Check every exercise.
    #[arg(long, conflicts_with = "id")]
    pub all: bool,
    /// With --all: check that every solution passes and every starter fails.
    #[arg(long, requires = "all")]
    pub solutions: bool,
}

pub fn run(_global: &GlobalArgs, _args: &CheckArgs) -> Result<u8> {
    anyhow::bail!("`workbook check` is not available in this build yet")
}
