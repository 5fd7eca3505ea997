//! Writes the progress of a realistic hour of use into DIR, for looking at the screens
//! as a learner would see them after that hour:
//!
//! ```sh
//! cargo run --example hour_of_use -- /tmp/hour && cargo run --release -- --data-dir /tmp/hour
//! ```

#[path = "../tests/suite/hour.rs"]
mod hour;

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: hour_of_use DIR");
        return ExitCode::from(2);
    };
    let dir = std::path::PathBuf::from(dir);
    let result = resilience_workbook::store::Store::open(&dir).and_then(|(mut store, _)| {
        store.progress = hour::progress_after_an_hour(chrono::Utc::now());
        store.save().map(|_| ())
    });
    match result {
        Ok(()) => {
            println!("wrote an hour of progress to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
