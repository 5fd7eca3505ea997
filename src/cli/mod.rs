//! The command line: `workbook` opens the window; subcommands run headless over the same
//! core. Exit codes everywhere: 0 ok, 1 the check failed, 2 usage or environment error.

pub mod cards;
pub mod check;
pub mod drill;
pub mod progress;
pub mod sim;
pub mod sim_backoff;
pub mod sim_breaker;
pub mod sim_collapse;
pub mod sim_retries;
pub mod sim_run;
pub mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::content::ContentSource;

/// Success.
pub const EXIT_OK: u8 = 0;
/// The check ran and found problems (invalid content, failing tests).
pub const EXIT_FAILED: u8 = 1;
/// Bad usage or a broken environment (unknown id, unreadable file, no rustc).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "workbook",
    version,
    about = "Resilience Workbook: learn how teams turn production incidents into architecture.",
    long_about = "Resilience Workbook: lessons, flashcards, simulations and graded Rust exercises \
                  about resilience patterns.\n\nWith no command, opens the app window."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open the window, print the time to the first painted frame and the resident
    /// memory, and close (see the README).
    #[arg(long)]
    pub startup_report: bool,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Where progress, exercise copies and logs are kept [default: the platform data dir].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Read lessons and exercises from DIR (holding `lessons/` and `exercises/`) instead
    /// of the built-in copy; the app reloads when a file there changes.
    #[arg(long, global = true, value_name = "DIR")]
    pub content: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every lesson pack, card deck and exercise; print each problem as file:line:column.
    Validate,
    /// Check an exercise: build it with the hidden tests and run them.
    Check(check::CheckArgs),
    /// Flashcards: export a deck, replay reviews through the scheduler.
    #[command(subcommand)]
    Cards(cards::CardsCommand),
    /// Where you stand: mastery per pattern, today, totals and the next step (read-only).
    Progress(progress::ProgressArgs),
    /// Run a simulation headless and print CSV.
    #[command(subcommand)]
    Sim(sim::SimCommand),
    /// Incident drills: list them, or play one's incident with mitigations.
    #[command(subcommand)]
    Drill(drill::DrillCommand),
}

impl GlobalArgs {
    /// The content root chosen on the command line, or the built-in copy.
    pub fn content_source(&self) -> Result<ContentSource> {
        match &self.content {
            None => Ok(ContentSource::Embedded),
            Some(dir) if dir.join("lessons").is_dir() => Ok(ContentSource::Disk(dir.clone())),
            Some(dir) => anyhow::bail!(
                "--content {}: expected a folder holding `lessons/` (and `exercises/`), such as the repository root",
                dir.display()
            ),
        }
    }

    /// The data dir chosen on the command line, or the platform's.
    pub fn data_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.data_dir {
            return Ok(dir.clone());
        }
        directories::ProjectDirs::from("", "", "resilience-workbook")
            .map(|d| d.data_dir().to_owned())
            .context("cannot find a home folder for progress; pass --data-dir DIR")
    }
}

/// Runs a headless command and maps its outcome to an exit code; errors are printed as
/// `error: ...` with their causes.
pub fn run(global: &GlobalArgs, command: Command) -> ExitCode {
    let outcome = match command {
        Command::Validate => global.content_source().and_then(|c| validate::run(&c)),
        Command::Check(args) => check::run(global, &args),
        Command::Cards(cmd) => cards::run(global, cmd),
        Command::Progress(args) => progress::run(global, &args),
        Command::Sim(cmd) => sim::run(cmd),
        Command::Drill(cmd) => drill::run(global, cmd),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
