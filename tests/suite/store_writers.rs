//! Concurrent writers on one data dir: N processes each recording M checks (as
//! `workbook check` does, one `Store::update` per check) while a long-lived store (as
//! the app keeps) records its own; afterwards every check is counted, none lost.

use std::path::Path;
use std::process::Command;

use resilience_workbook::runner::{Report, Verdict};
use resilience_workbook::store::{Store, Update};

const PROCESSES: usize = 4;
const CHECKS: u32 = 40;

fn failed() -> Report {
    Report {
        verdict: Verdict::Failed,
        summary: String::new(),
        tests: Vec::new(),
        diagnostics: Vec::new(),
        stray_output: String::new(),
        passed: 0,
        total: 1,
        score: 0,
        points: 1,
        elapsed_ms: 0,
        cached: false,
        sandbox: String::new(),
    }
}

/// The body of one writer process, run by `writers_lose_no_check` through this binary.
#[test]
#[ignore = "run as a child process by writers_lose_no_check"]
fn child_writer() {
    let Some(dir) = std::env::var_os("WB_STORE_DIR") else {
        return;
    };
    for _ in 0..CHECKS {
        let update = Store::update(Path::new(&dir), |p| {
            p.exercises.note_check("shared", &failed());
        })
        .unwrap();
        assert!(matches!(update, Update::Saved(None)), "{update:?}");
    }
}

#[test]
fn writers_lose_no_check() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = Store::open(dir.path()).unwrap();
    app.save().unwrap();
    // The test's name in this binary: its module path without the crate's name.
    let (_, module) = module_path!().split_once("::").unwrap();
    let child_test = format!("{module}::child_writer");
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", &child_test, "--ignored", "--test-threads", "1"])
                .env("WB_STORE_DIR", dir.path())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    // Meanwhile the app records checks of the same exercise and saves after each.
    for _ in 0..CHECKS {
        app.progress.exercises.note_check("shared", &failed());
        app.save().unwrap();
    }
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    app.save().unwrap();
    let record = Store::read_progress(dir.path())
        .unwrap()
        .exercises
        .record("shared");
    let expected = CHECKS * (PROCESSES as u32 + 1);
    assert_eq!(record.checks, expected, "{} lost", expected - record.checks);
    assert_eq!(record.failed_checks, expected);
}
