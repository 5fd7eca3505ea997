//! `workbook validate`: every problem in every pack, one per line as file:line:column.
//! Drills are played on their checked seeds (see `content::drill`).
//! Exercises are also built: each solution with its hidden tests must compile and pass,
//! so a `tests.rs` that does not compile is caught here, not by the first learner.

use anyhow::Result;

use super::{EXIT_FAILED, EXIT_OK};
use crate::content::{self, ContentSource, Problem};
use crate::runner::report::SourceFile;
use crate::runner::{Catalog, CheckError, Runner};

pub fn run(source: &ContentSource) -> Result<u8> {
    let library = content::load_library(source);
    let mut problems = library.problems.clone();
    let catalog = crate::runner::load_catalog(source, Some(&library));
    problems.extend(catalog.problems.iter().cloned());
    problems.extend(content::task::check(source, &catalog));
    problems.extend(crate::srs::load_decks(source, &library).problems);
    problems.extend(
        content::guided::load_steps(source, &library, content::guided::Check::WithModel).problems,
    );
    problems.extend(content::show_me::load(source, &library).problems);
    let drills = content::drill::load_drills(source, &library, content::drill::Check::WithModel);
    problems.extend(drills.problems);
    problems.extend(build_solutions(&catalog));
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        let sections: usize = library.packs.iter().map(|p| p.sections.len()).sum();
        println!(
            "ok: {} lesson pack(s), {sections} section(s), {} drill(s) played, {} exercise(s) built in {}",
            library.packs.len(),
            drills.drills.len(),
            catalog.exercises.len(),
            source.describe()
        );
        Ok(EXIT_OK)
    } else {
        eprintln!("{} problem(s) found", problems.len());
        Ok(EXIT_FAILED)
    }
}

/// Builds and runs every solution with its hidden tests in a scratch cache; a failure is
/// a problem at the hidden tests' first error, or at the exercise's tests.rs. Without a
/// compiler this is skipped with a note: the rest of the content is still validated.
fn build_solutions(catalog: &Catalog) -> Vec<Problem> {
    let scratch = std::env::temp_dir().join(format!("workbook-validate-{}", std::process::id()));
    let runner = Runner::new(&scratch);
    let mut problems = Vec::new();
    for ex in &catalog.exercises {
        let tests = format!("exercises/{}/tests.rs", ex.id);
        match runner.check_blocking(ex, &ex.solution) {
            Ok(report) if report.is_pass() => {}
            Ok(report) => {
                let at = report
                    .diagnostics
                    .iter()
                    .filter_map(|d| d.location.as_ref())
                    .find(|l| l.file == SourceFile::HiddenTests)
                    .map_or((1, 1), |l| (l.line, l.column));
                problems.push(Problem::new(
                    &tests,
                    at.0,
                    at.1,
                    format!(
                        "the solution does not pass its hidden tests: {}",
                        report.summary
                    ),
                ));
            }
            Err(CheckError::Toolchain(e)) => {
                eprintln!("note: exercises not built: {e}");
                break;
            }
            Err(e) => problems.push(Problem::whole_file(&tests, format!("cannot build: {e}"))),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    problems
}
