//! `workbook check` as a user runs it: exit codes, text and Exercism's results.json.

use std::process::Command;

fn workbook(data: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("workbook runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn exercise_file(id: &str, name: &str) -> String {
    format!("{}/exercises/{id}/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `workbook check validated-amount --json` on `text` (written to `name` in `data`).
fn check_json(data: &std::path::Path, name: &str, text: &str) -> (i32, serde_json::Value) {
    let file = data.join(name);
    std::fs::write(&file, text).unwrap();
    let (code, stdout, stderr) = workbook(
        data,
        &[
            "check",
            "validated-amount",
            "--file",
            file.to_str().unwrap(),
            "--json",
        ],
    );
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, json)
}

#[test]
fn a_passing_file_exits_zero_with_results_json_v2() {
    let data = tempfile::tempdir().unwrap();
    let solution = exercise_file("backoff-schedule", "solution.rs");
    let (code, stdout, _) = workbook(
        data.path(),
        &["check", "backoff-schedule", "--file", &solution, "--json"],
    );
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["version"], 2);
    assert_eq!(json["status"], "pass");
    let tests = json["tests"].as_array().unwrap();
    assert!(tests.len() >= 5);
    assert!(
        tests
            .iter()
            .all(|t| t["status"] == "pass" && t["name"].is_string())
    );
}

#[test]
fn the_starter_fails_with_exit_one_and_names_the_failures() {
    let data = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = workbook(data.path(), &["check", "validated-amount"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("checking the starter"));
    assert!(stdout.contains("FAIL grading::"));
    assert!(stdout.contains("not yet implemented"));
}

#[test]
fn a_compile_error_is_status_error_pointing_at_the_file() {
    let data = tempfile::tempdir().unwrap();
    let (code, json) = check_json(data.path(), "bad.rs", "pub fn oops() -> u32 { nope }\n");
    assert_eq!(code, 1);
    assert_eq!(json["status"], "error");
    let message = json["message"].as_str().unwrap();
    assert!(message.contains("validated-amount.rs:1:24"), "{message}");
}

#[test]
fn an_unknown_exercise_is_a_usage_error() {
    let data = tempfile::tempdir().unwrap();
    let (code, _, stderr) = workbook(data.path(), &["check", "no-such-thing"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown exercise `no-such-thing`"));
    assert!(stderr.contains("validated-amount"));
}

#[test]
fn checks_are_recorded_in_progress_and_a_repeat_is_not_a_new_attempt() {
    use resilience_workbook::store::Store;
    let data = tempfile::tempdir().unwrap();
    let (code, ..) = workbook(data.path(), &["check", "validated-amount"]);
    assert_eq!(code, 1);
    let solution = exercise_file("validated-amount", "solution.rs");
    let (code, ..) = workbook(
        data.path(),
        &["check", "validated-amount", "--file", &solution],
    );
    assert_eq!(code, 0);
    // The same file again comes from the cache: not counted.
    workbook(
        data.path(),
        &["check", "validated-amount", "--file", &solution],
    );
    let progress = Store::read_progress(data.path()).unwrap();
    let record = progress.exercises.record("validated-amount");
    assert!(record.passed);
    assert_eq!((record.checks, record.failed_checks), (2, 1));
    assert_eq!(record.best_score, 10);
}

/// A copy of the repository's content with one exercise's hidden tests broken.
fn content_with_broken_tests(root: &std::path::Path) {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        let status = Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success());
    };
    copy(&repo.join("lessons"), &root.join("lessons"));
    copy(&repo.join("exercises"), &root.join("exercises"));
    let tests = root.join("exercises/validated-amount/tests.rs");
    let text = std::fs::read_to_string(&tests).unwrap();
    std::fs::write(
        &tests,
        format!("{text}\n#[test]\nfn broken() {{ let x: u32 = \"no\"; }}\n"),
    )
    .unwrap();
}

#[test]
fn validate_builds_every_solution_with_its_hidden_tests() {
    let data = tempfile::tempdir().unwrap();
    let content = tempfile::tempdir().unwrap();
    content_with_broken_tests(content.path());
    let root = content.path().to_str().unwrap();
    let (code, stdout, stderr) = workbook(data.path(), &["--content", root, "validate"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("exercises/validated-amount/tests.rs:")
            && stdout.contains("the solution does not pass its hidden tests"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "only the broken one: {stdout}");
}

#[test]
fn solutions_without_all_is_a_usage_error() {
    let data = tempfile::tempdir().unwrap();
    let (code, _, stderr) = workbook(data.path(), &["check", "validated-amount", "--solutions"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--all"), "{stderr}");
}

#[test]
fn a_check_says_whether_the_tests_ran_sandboxed() {
    let data = tempfile::tempdir().unwrap();
    let (_, stdout, _) = workbook(data.path(), &["check", "validated-amount"]);
    assert!(stdout.contains("sandbox"), "{stdout}");
}

#[test]
fn an_io_error_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    // The data dir is a file: the runner cannot create its cache in it.
    let data = dir.path().join("not-a-dir");
    std::fs::write(&data, "x").unwrap();
    let (code, _, stderr) = workbook(&data, &["check", "validated-amount"]);
    assert_eq!(code, 2, "{stderr}");
    let error = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default();
    assert_eq!(error.matches("Not a directory").count(), 1, "{stderr}");
}

/// The hidden tests' names in the order of their file.
fn names_in_file(id: &str) -> Vec<String> {
    let tests = std::fs::read_to_string(exercise_file(id, "tests.rs")).unwrap();
    let mut lines = tests.lines();
    let mut names = Vec::new();
    while let Some(line) = lines.next() {
        if line.trim() == "#[test]" {
            let next = lines.next().unwrap();
            let name = next.trim_start_matches("fn ").split('(').next().unwrap();
            names.push(format!("grading::{name}"));
        }
    }
    names
}

#[test]
fn results_json_v2_has_test_code_in_file_order_and_short_output() {
    let data = tempfile::tempdir().unwrap();
    let solution =
        std::fs::read_to_string(exercise_file("validated-amount", "solution.rs")).unwrap();
    // Every call of `cents` prints 1,000 characters.
    let chatty = solution.replacen(
        "pub fn cents(self) -> u64 {",
        "pub fn cents(self) -> u64 {\n        println!(\"{}\", \"é\".repeat(1000));",
        1,
    );
    assert_ne!(chatty, solution);
    let (code, json) = check_json(data.path(), "chatty.rs", &chatty);
    assert_eq!(code, 0, "{json}");
    let tests = json["tests"].as_array().unwrap();
    let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, names_in_file("validated-amount"));
    let first = tests[0]["test_code"].as_str().unwrap();
    assert!(
        first.starts_with("::core::assert_eq!(Amount::try_from(1i64)"),
        "{first}"
    );
    assert!(
        tests
            .iter()
            .all(|t| t["test_code"].as_str().is_some_and(|c| !c.is_empty()))
    );
    let outputs: Vec<&str> = tests.iter().filter_map(|t| t["output"].as_str()).collect();
    assert!(!outputs.is_empty());
    assert!(
        outputs.iter().all(|o| o.chars().count() <= 500),
        "{outputs:?}"
    );
    assert!(
        outputs
            .iter()
            .any(|o| o.ends_with("Please limit to 500 chars]"))
    );
}

#[test]
fn an_unclosed_delimiter_points_at_the_learners_last_line_not_at_ours() {
    let data = tempfile::tempdir().unwrap();
    let solution =
        std::fs::read_to_string(exercise_file("validated-amount", "solution.rs")).unwrap();
    let unfinished = format!("{solution}\npub fn unfinished() {{\n    let x = 1;\n");
    let last = unfinished.lines().count();
    let (code, json) = check_json(data.path(), "unfinished.rs", &unfinished);
    assert_eq!(code, 1);
    assert_eq!(json["status"], "error");
    let message = json["message"].as_str().unwrap();
    assert!(message.contains("unclosed delimiter"), "{message}");
    assert!(
        message.contains(&format!("validated-amount.rs:{last}:15")),
        "{message}"
    );
    assert!(
        message.contains(&format!("{last} |     let x = 1;")),
        "{message}"
    );
    for ours in ["wb_", "mod grading", "#[path", "cfg(test)] mod"] {
        assert!(!message.contains(ours), "`{ours}` in {message}");
    }
}

#[test]
fn a_relative_data_dir_works() {
    let dir = tempfile::tempdir().unwrap();
    let solution = exercise_file("validated-amount", "solution.rs");
    let out = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .current_dir(dir.path())
        .args([
            "--data-dir",
            "data",
            "check",
            "validated-amount",
            "--file",
            &solution,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}
