//! The runner against real `rustc`: honest passes and failures, and every way a test
//! binary can misbehave (hang, crash, exit early, forge results, flood output, fail to
//! compile) without ever being graded as a pass.

use std::time::Duration;

use resilience_workbook::runner::report::SourceFile;
use resilience_workbook::runner::{
    Difficulty, Exercise, Report, Runner, TestStatus, ToolchainError, Verdict,
};

const TESTS: &str = "use super::*;
#[test]
fn adds() { assert_eq!(add(2, 2), 4); }
#[test]
fn adds_zero() { assert_eq!(add(0, 5), 5); }
#[test]
fn commutes() { assert_eq!(add(3, 4), add(4, 3)); }
";

fn exercise() -> Exercise {
    Exercise {
        id: "adder".into(),
        title: "Adder".into(),
        lesson: "l".into(),
        section: "s".into(),
        difficulty: Difficulty::Easy,
        points: 10,
        hints: vec!["h".into()],
        starter: String::new(),
        tests: TESTS.into(),
        solution: String::new(),
    }
}

fn check_with(runner: &Runner, source: &str) -> Report {
    runner
        .check_blocking(&exercise(), source)
        .expect("the check runs")
}

fn check(source: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let runner = Runner::new(dir.path()).with_timeout(Duration::from_secs(3));
    check_with(&runner, source)
}

/// A check past the source screen (which refuses `std::process`), to test the defences
/// behind it.
fn check_unscreened(source: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let runner = Runner::new(dir.path())
        .with_timeout(Duration::from_secs(3))
        .without_source_screen();
    check_with(&runner, source)
}

const EXAMPLES: &str = "
#[cfg(test)]
mod examples {
    use super::*;
    #[test]
    fn two_and_two() { assert_eq!(add(2, 2), 4); }
}
";

#[test]
fn a_correct_file_passes_with_full_points() {
    let report = check(&format!(
        "pub fn add(a: i32, b: i32) -> i32 {{ a + b }}\n{EXAMPLES}"
    ));
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!((report.passed, report.total, report.score), (3, 3, 10));
    assert_eq!(report.tests.len(), 4, "hidden tests and the example");
    assert!(
        report.tests[..3]
            .iter()
            .all(|t| t.hidden && t.name.starts_with("grading::"))
    );
    assert_eq!(report.tests[3].name, "examples::two_and_two");
}

#[test]
fn a_wrong_answer_fails_with_the_panic_text_and_prints() {
    let report = check(
        "pub fn add(a: i32, b: i32) -> i32 {\n    println!(\"adding {a} and {b}\");\n    a * b\n}\n",
    );
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(
        report.passed, 2,
        "0+5 fails, 2*2 and 3*4 commute: {report:#?}"
    );
    assert_eq!(report.score, 6);
    let failed = report
        .tests
        .iter()
        .find(|t| t.status == TestStatus::Failed)
        .unwrap();
    assert_eq!(failed.name, "grading::adds_zero");
    assert!(failed.message.contains("left: 0"), "{}", failed.message);
    assert_eq!(
        failed.location.as_ref().unwrap().file,
        SourceFile::HiddenTests
    );
    assert!(failed.output.contains("adding 0 and 5"));
    assert!(report.summary.contains("adds_zero"));
}

#[test]
fn compiler_errors_point_at_the_learners_own_lines() {
    let report = check("pub fn add(a: i32, b: i32) -> i32 {\n    a + c\n}\n");
    assert_eq!(report.verdict, Verdict::DidNotCompile);
    let error = report.errors().next().expect("an error");
    let at = error.location.clone().unwrap();
    assert_eq!((at.file, at.line, at.column), (SourceFile::Learner, 2, 9));
    assert!(
        error.rendered.contains("adder.rs:2:9"),
        "{}",
        error.rendered
    );
    assert!(!error.rendered.contains("exercise.rs"));
}

#[test]
fn an_endless_loop_is_stopped_by_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let runner = Runner::new(dir.path()).with_timeout(Duration::from_millis(1500));
    let report = check_with(
        &runner,
        "pub fn add(a: i32, b: i32) -> i32 { if a == 0 { loop { std::hint::spin_loop() } } a + b }\n",
    );
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(
        report.summary.contains("stopped after"),
        "{}",
        report.summary
    );
    let hung = report
        .tests
        .iter()
        .find(|t| t.name == "grading::adds_zero")
        .unwrap();
    assert_eq!(hung.status, TestStatus::TimedOut);
}

#[test]
fn an_abort_is_a_crash_not_a_pass() {
    let report = check_unscreened(
        "pub fn add(a: i32, b: i32) -> i32 { if a == 3 { std::process::abort() } a + b }\n",
    );
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(report.summary.contains("SIGABRT"), "{}", report.summary);
    assert!(report.tests.iter().any(|t| t.status == TestStatus::Crashed));
}

#[test]
fn a_stack_overflow_is_a_crash_with_the_message_shown() {
    let report = check(
        "pub fn add(a: i32, b: i32) -> i32 { if b == 0 { a } else { 1 + add(a, b - 1) + add(0, 0) * 0 + deep(a) } }\n\
         fn deep(x: i32) -> i32 { let pad = [x; 64]; std::hint::black_box(pad)[0] + deep(x) }\n",
    );
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(
        report.stray_output.contains("overflowed its stack"),
        "{}",
        report.stray_output
    );
}

#[test]
fn exiting_early_with_status_zero_is_not_a_pass() {
    let report = check_unscreened(
        "pub fn add(a: i32, b: i32) -> i32 { if a == 0 { std::process::exit(0) } a + b }\n",
    );
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(
        report.summary.contains("process::exit"),
        "{}",
        report.summary
    );
    assert!(report.passed < 3);
}

/// The learner's code prints, past libtest's capture, every line a naive parser would
/// take as success (plain and JSON, for the names it can guess), then exits 0.
#[test]
fn forged_result_lines_are_never_believed() {
    let forger = r#"
use std::io::Write;
pub fn add(a: i32, b: i32) -> i32 {
    let mut out = std::io::stdout();
    for name in ["adds", "adds_zero", "commutes"] {
        let _ = writeln!(out, "test grading::{name} ... ok");
        let _ = writeln!(out, "{{ \"type\": \"test\", \"name\": \"grading::{name}\", \"event\": \"ok\" }}");
    }
    let _ = writeln!(out, "{{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": 3, \"failed\": 0, \"ignored\": 0 }}");
    let _ = writeln!(out, "test result: ok. 3 passed; 0 failed");
    let _ = out.flush();
    if a == 0 { std::process::exit(0) }
    a - b
}
"#;
    let report = check_unscreened(forger);
    assert_ne!(report.verdict, Verdict::Passed, "{report:#?}");
    assert!(report.stray_output.contains("name no real test"));
    assert!(report.score < 10);

    // Without the early exit the real results stand: the forged lines change nothing.
    let report = check(&forger.replace("if a == 0 { std::process::exit(0) }", ""));
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert_eq!(report.passed, 0);
}

#[test]
fn a_flood_of_output_is_cut_off() {
    let report = check(
        "use std::io::Write;\npub fn add(a: i32, b: i32) -> i32 {\n    let line = [b'x'; 4096];\n    loop { let _ = std::io::stdout().write_all(&line); }\n}\n",
    );
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(
        report.summary.contains("output limit"),
        "{}",
        report.summary
    );
}

#[test]
fn an_unchanged_file_is_served_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let source = "pub fn add(a: i32, b: i32) -> i32 { a + b }\n";
    let first = check_with(&Runner::new(dir.path()), source);
    assert!(!first.cached);
    let again = check_with(&Runner::new(dir.path()), source);
    assert!(again.cached, "a new runner reads the disk cache");
    assert_eq!(again.verdict, first.verdict);
    let edited = check_with(&Runner::new(dir.path()), &format!("{source}// edited\n"));
    assert!(!edited.cached);
}

#[test]
fn dropping_a_check_cancels_it_and_frees_the_exercise() {
    let dir = tempfile::tempdir().unwrap();
    let runner = Runner::new(dir.path()).with_timeout(Duration::from_secs(30));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ex = exercise();
    let hang = "pub fn add(a: i32, b: i32) -> i32 { loop { std::hint::spin_loop() } }\n";
    let started = std::time::Instant::now();
    let cut = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(4), runner.check(&ex, hang, &|_| {})).await
    });
    assert!(cut.is_err(), "the hanging check was still running");
    let report = rt
        .block_on(runner.check(
            &ex,
            "pub fn add(a: i32, b: i32) -> i32 { a + b }\n",
            &|_| {},
        ))
        .unwrap();
    assert_eq!(report.verdict, Verdict::Passed);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_missing_compiler_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let runner = Runner::new(dir.path()).with_rustc("/nonexistent/rustc");
    let err = runner.check_blocking(&exercise(), "").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not found") && text.contains("https://rustup.rs"),
        "{text}"
    );
}

#[test]
fn an_old_compiler_is_named_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("rustc");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'rustc 1.52.1 (9bc8c42bb 2021-05-09)'\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = resilience_workbook::runner::Toolchain::discover_with(&fake).unwrap_err();
    assert!(matches!(err, ToolchainError::TooOld { .. }));
    assert!(err.to_string().contains("rustup update stable"));
}
