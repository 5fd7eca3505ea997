//! `workbook sim retries` and `workbook sim collapse` print the promised CSV, and refuse
//! bad input with a clear message and exit code 2.

use std::process::{Command, Output};

fn workbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(args)
        .output()
        .expect("the workbook binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn retries_prints_one_line_per_rate_and_strategy_with_the_closed_form() {
    let out = workbook(&[
        "sim",
        "retries",
        "--failure-rates",
        "0.5",
        "--strategies",
        "none,retries3",
        "--runs",
        "2",
        "--seed",
        "3",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "failure_rate,strategy,success_pct,load_pct");
    assert_eq!(lines.len(), 3);
    let fields: Vec<&str> = lines[2].split(',').collect();
    assert_eq!(&fields[..2], ["0.5", "retries3"]);
    let success: f64 = fields[2].parse().unwrap();
    let load: f64 = fields[3].parse().unwrap();
    // 1 - p^4 and 1 + p + p^2 + p^3 at p = 0.5.
    assert!((success - 93.75).abs() < 1.0, "{success}");
    assert!((load - 187.5).abs() < 2.0, "{load}");
    // The same seed prints the same table.
    let again = workbook(&[
        "sim",
        "retries",
        "--failure-rates",
        "0.5",
        "--strategies",
        "none,retries3",
        "--runs",
        "2",
        "--seed",
        "3",
    ]);
    assert_eq!(text, stdout(&again));
}

#[test]
fn collapse_prints_eighty_seconds_and_names_the_states_on_request() {
    let out = workbook(&["sim", "collapse", "--seed", "2"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "t,offered,goodput,retries,concurrency");
    assert_eq!(lines.len(), 81);
    assert!(lines[80].starts_with("79,"));

    let out = workbook(&[
        "sim",
        "collapse",
        "--backoff",
        "jitter",
        "--load",
        "ramp",
        "--state",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.starts_with("t,offered,goodput,retries,concurrency,state\n"));
    assert!(text.contains(",metastable\n"));
}

#[test]
fn bad_input_exits_2_with_the_reason() {
    for (args, says) in [
        (
            &["sim", "retries", "--failure-rates", "0.1,1.5"][..],
            "1.5 is not a probability",
        ),
        (
            &["sim", "retries", "--runs", "0"],
            "--runs: 0 is out of range",
        ),
        (&["sim", "retries", "--runs", "5000"], "--runs: 5000"),
        (&["sim", "retries", "--clients", "0"], "--clients: 0"),
        (
            &["sim", "retries", "--strategies", "none,hope"],
            "unknown strategy `hope`",
        ),
        (
            &["sim", "collapse", "--backoff", "full"],
            "--backoff: unknown",
        ),
        (&["sim", "collapse", "--load", "flat"], "--load: unknown"),
    ] {
        let out = workbook(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn sim_list_names_both_headless_models() {
    let out = workbook(&["sim", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for id in ["breaker", "cascade", "retries", "collapse"] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} in\n{text}");
    }
}
