//! `workbook`: opens the app window, or runs a headless command.

use std::process::ExitCode;

use clap::Parser;
use resilience_workbook::cli::{self, Cli, EXIT_USAGE};
use resilience_workbook::{app, logging};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    let data_dir = match cli.global.data_dir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    logging::init(&data_dir);
    match cli.command {
        Some(command) => cli::run(&cli.global, command),
        None => {
            let config = cli.global.content_source().map(|content| app::AppConfig {
                data_dir,
                content,
                startup_report: cli.startup_report.then_some(started),
            });
            match config.and_then(app::run) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
    }
}
