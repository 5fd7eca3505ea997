//! `workbook check`: grade an exercise headless, as text or as Exercism's results.json
//! (version 2); `--all --solutions` is the authors' check that every reference solution
//! passes and every starter compiles but fails.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, GlobalArgs};
use crate::content;
use crate::runner::report::SourceFile;
use crate::runner::{
    Catalog, CheckError, Exercise, Report, Runner, TestStatus, Verdict, exercise::load_exercise,
    load_catalog, workspace,
};
use crate::store::{Store, Update};

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

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<u8> {
    let source = global.content_source()?;
    if args.solutions && !args.all {
        anyhow::bail!(
            "--solutions works only with --all (it checks every exercise's solution and starter)"
        );
    }
    let data_dir = global.data_dir()?;
    let runner = Runner::new(workspace::cache_dir(&data_dir));
    if args.all {
        let library = content::load_library(&source);
        let catalog = load_catalog(&source, Some(&library));
        for problem in &catalog.problems {
            eprintln!("warning: {problem}");
        }
        return if args.solutions {
            check_solutions(runner, &catalog)
        } else {
            check_all(&runner, &catalog, &data_dir)
        };
    }
    let Some(id) = args.id.as_deref() else {
        anyhow::bail!("name an exercise, or pass --all");
    };
    let exercise = one_exercise(&source, id)?;
    let exercise = &exercise;
    let text = match &args.file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        None => saved_or_starter(&data_dir, exercise)?,
    };
    let report = match runner.check_blocking(exercise, &text) {
        Ok(report) => report,
        Err(CheckError::Toolchain(e)) if args.json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&ExercismResults::error(&e.to_string()))?
            );
            return Ok(EXIT_USAGE);
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&ExercismResults::from_report(&report))?
        );
    } else {
        print_report(exercise, &report);
    }
    record_check(&data_dir, &exercise.id, &report);
    Ok(if report.is_pass() {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// Loads only the exercise asked for: a single check need not read the others or the
/// lessons (`workbook validate` checks those links).
fn one_exercise(source: &content::ContentSource, id: &str) -> Result<Exercise> {
    let known = source.folders("exercises");
    if !known.iter().any(|k| k == id) {
        anyhow::bail!("unknown exercise `{id}`; known: {}", known.join(", "));
    }
    load_exercise(source, id, None).map_err(|problems| {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        anyhow::anyhow!("exercise `{id}` did not load; `workbook validate` lists its problems")
    })
}

/// Counts the check in the learner's progress, as the Exercises screen does: an unchanged
/// file's cached result is not a new attempt. The store is opened only now, after the
/// check, so the read-modify-write is as short as it can be; an app open at the same time
/// merges these records when it next saves. A failure here costs the record, not the
/// verdict, so it is only reported.
fn record_check(data_dir: &std::path::Path, id: &str, report: &Report) {
    if report.cached {
        return;
    }
    let recorded = Store::update(data_dir, |progress| {
        progress.exercises.note_check(id, report);
        let hour = progress.cards.settings.day_start_hour;
        progress.activity.record(
            crate::progress::ActivityKind::Check,
            chrono::Utc::now(),
            hour,
        );
    });
    match &recorded {
        Ok(Update::Saved(Some(q))) => eprintln!(
            "note: your progress file could not be read ({}); it was kept as {} and a new one written",
            crate::store::quote(&q.reason),
            q.copy.display()
        ),
        Ok(Update::ReadOnly(banner)) => eprintln!("note: the check was not recorded. {banner}"),
        _ => {}
    }
    if let Err(e) = recorded {
        eprintln!("warning: the check was not recorded in your progress: {e:#}");
    }
}

/// The learner's saved copy; without one, the starter (and a note saying so).
fn saved_or_starter(data_dir: &std::path::Path, exercise: &Exercise) -> Result<String> {
    let path = workspace::copy_path(data_dir, &exercise.id);
    match workspace::read_copy(data_dir, &exercise.id)
        .with_context(|| format!("cannot read {}", path.display()))?
    {
        Some(text) => Ok(text),
        None => {
            eprintln!(
                "note: no saved copy at {}; checking the starter (open the exercise in the app, or pass --file)",
                path.display()
            );
            Ok(exercise.starter.clone())
        }
    }
}

fn print_report(exercise: &Exercise, report: &Report) {
    println!("{} ({})", exercise.title, exercise.id);
    for d in shown_errors(report) {
        println!("{d}");
    }
    for t in &report.tests {
        let mark = match t.status {
            TestStatus::Passed => "ok  ",
            TestStatus::Ignored => "skip",
            _ => "FAIL",
        };
        let kind = if t.hidden { "" } else { " (example)" };
        println!("  {mark} {}{kind}", t.name);
        if t.status != TestStatus::Passed && !t.message.is_empty() {
            for line in t.message.lines() {
                println!("         {line}");
            }
        }
    }
    if !report.stray_output.trim().is_empty() {
        println!("output:\n{}", report.stray_output.trim_end());
    }
    if !report.sandbox.is_empty() {
        println!("the tests ran {}", report.sandbox);
    }
    let cached = if report.cached { ", cached" } else { "" };
    println!(
        "{}: {} (score {}/{}, {} ms{cached})",
        verdict_word(report.verdict),
        report.summary,
        report.score,
        report.points,
        report.elapsed_ms
    );
}

/// How many errors in the hidden tests are printed when the learner's file has errors
/// too: the rest are almost always the same missing item, repeated.
const HIDDEN_ERRORS_SHOWN: usize = 3;

/// The compiler errors worth reading: all of the learner's, then a few from the tests.
fn shown_errors(report: &Report) -> Vec<String> {
    let (mine, theirs): (Vec<_>, Vec<_>) = report.errors().partition(|d| d.in_learner_file());
    let keep = if mine.is_empty() {
        theirs.len()
    } else {
        HIDDEN_ERRORS_SHOWN
    };
    let mut shown: Vec<String> = mine
        .iter()
        .chain(theirs.iter().take(keep))
        .map(|d| d.rendered.trim_end().to_owned())
        .collect();
    if theirs.len() > keep {
        shown.push(format!(
            "... and {} more error(s) in the hidden tests",
            theirs.len() - keep
        ));
    }
    shown
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::DidNotCompile => "does not compile",
        Verdict::Broken => "broken run",
    }
}

/// `--all`: every saved copy (or starter), one line each.
fn check_all(runner: &Runner, catalog: &Catalog, data_dir: &std::path::Path) -> Result<u8> {
    let mut all_pass = true;
    for exercise in &catalog.exercises {
        let text = workspace::read_copy(data_dir, &exercise.id)?
            .unwrap_or_else(|| exercise.starter.clone());
        let report = runner.check_blocking(exercise, &text)?;
        record_check(data_dir, &exercise.id, &report);
        all_pass &= report.is_pass();
        println!(
            "{:<24} {:<16} {}/{} points  {}",
            exercise.id,
            verdict_word(report.verdict),
            report.score,
            report.points,
            report.summary
        );
    }
    Ok(if all_pass && catalog.problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// `--all --solutions`: each solution must pass; each starter must compile and fail.
/// Two builds at a time (the compiler is mostly single-threaded on small files).
fn check_solutions(runner: Runner, catalog: &Catalog) -> Result<u8> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let runner = Arc::new(runner);
    let limit = Arc::new(tokio::sync::Semaphore::new(2));
    let outcomes = rt.block_on(async {
        let mut tasks = Vec::new();
        for exercise in catalog.exercises.iter().cloned() {
            let (runner, limit) = (runner.clone(), limit.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = limit.acquire_owned().await;
                let solution = runner.check(&exercise, &exercise.solution, &|_| {}).await;
                let starter = runner.check(&exercise, &exercise.starter, &|_| {}).await;
                (exercise.id.clone(), solution, starter)
            }));
        }
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await);
        }
        outcomes
    });
    let mut bad = Vec::new();
    for outcome in outcomes {
        let (id, solution, starter) = outcome.context("a check task failed")?;
        let (solution, starter) = (solution?, starter?);
        let mut problems = Vec::new();
        if !solution.is_pass() {
            problems.push(format!("the solution does not pass: {}", solution.summary));
            problems.extend(first_error(&solution));
        }
        if starter.verdict != Verdict::Failed {
            problems.push(format!(
                "the starter must compile and fail some hidden tests, but: {}",
                starter.summary
            ));
            problems.extend(first_error(&starter));
        }
        if problems.is_empty() {
            println!(
                "ok   {id}: solution passes {}/{}, starter fails {} of them",
                solution.passed,
                solution.total,
                starter.total - starter.passed
            );
        } else {
            println!("FAIL {id}:");
            for p in &problems {
                println!("       {p}");
            }
            bad.push(id);
        }
    }
    if bad.is_empty() && catalog.problems.is_empty() {
        println!("ok: {} exercise(s) checked", catalog.exercises.len());
        Ok(EXIT_OK)
    } else {
        if !bad.is_empty() {
            eprintln!("failing: {}", bad.join(", "));
        }
        if !catalog.problems.is_empty() {
            eprintln!("{} exercise(s) did not load", catalog.problems.len());
        }
        Ok(EXIT_FAILED)
    }
}

fn first_error(report: &Report) -> Option<String> {
    report.errors().next().map(|d| {
        let place = match &d.location {
            Some(l) => match &l.file {
                SourceFile::Learner => format!("line {}: ", l.line),
                SourceFile::HiddenTests => format!("tests.rs line {}: ", l.line),
                SourceFile::Other(_) => String::new(),
            },
            None => String::new(),
        };
        format!("{place}{}", d.message)
    })
}

/// Exercism's test-runner interface, results.json version 2.
#[derive(Debug, Serialize)]
pub struct ExercismResults {
    pub version: u32,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub tests: Vec<ExercismTest>,
}

/// One test, in the order of the test file. Version 2 requires `test_code`.
#[derive(Debug, Serialize)]
pub struct ExercismTest {
    pub name: String,
    pub status: &'static str,
    /// The body of the test function.
    pub test_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the test printed, at most [`EXERCISM_OUTPUT_LIMIT`] characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// The spec's limit on a test's `output`, in characters.
pub const EXERCISM_OUTPUT_LIMIT: usize = 500;
/// What ends an output cut to the limit (the spec's suggested wording).
const TRUNCATED: &str = "\n[Output was truncated. Please limit to 500 chars]";

impl ExercismResults {
    fn error(message: &str) -> Self {
        Self {
            version: 2,
            status: "error",
            message: Some(message.to_owned()),
            tests: Vec::new(),
        }
    }

    /// Only the hidden (graded) tests are listed. `error` means the tests could not run
    /// to a trustworthy end: a compile error, a crash, a timeout.
    pub fn from_report(report: &Report) -> Self {
        let status = match report.verdict {
            Verdict::Passed => "pass",
            Verdict::Failed => "fail",
            Verdict::DidNotCompile | Verdict::Broken => "error",
        };
        let message = match report.verdict {
            Verdict::DidNotCompile => Some(shown_errors(report).join("\n")),
            Verdict::Broken => Some(report.summary.clone()),
            _ => None,
        };
        let tests = report
            .hidden()
            .map(|t| ExercismTest {
                name: t.name.clone(),
                status: match t.status {
                    TestStatus::Passed => "pass",
                    TestStatus::Failed => "fail",
                    _ => "error",
                },
                test_code: t.test_code.clone(),
                message: (t.status != TestStatus::Passed).then(|| t.message.clone()),
                output: (!t.output.is_empty()).then(|| cap(&t.output)),
            })
            .collect();
        Self {
            version: 2,
            status,
            message,
            tests,
        }
    }
}

/// `text` within [`EXERCISM_OUTPUT_LIMIT`] characters, the notice included when cut.
fn cap(text: &str) -> String {
    if text.chars().count() <= EXERCISM_OUTPUT_LIMIT {
        return text.to_owned();
    }
    let keep = EXERCISM_OUTPUT_LIMIT - TRUNCATED.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(TRUNCATED);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_cut_to_500_characters_not_bytes() {
        assert_eq!(cap("short"), "short");
        let exact = "é".repeat(EXERCISM_OUTPUT_LIMIT);
        assert_eq!(cap(&exact), exact);
        let long = "é".repeat(2 * EXERCISM_OUTPUT_LIMIT);
        let cut = cap(&long);
        assert_eq!(cut.chars().count(), EXERCISM_OUTPUT_LIMIT);
        assert!(cut.ends_with("Please limit to 500 chars]"));
        assert!(cut.starts_with("éé"));
    }
}
