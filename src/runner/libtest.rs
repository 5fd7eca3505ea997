//! Reading libtest: the results from the JSON event stream (`-Z unstable-options
//! --format json`), checked against the hidden tests the test file declares, and the
//! rules that decide what is believed.
//!
//! The learner's code shares stdout with libtest, so it can print anything, including
//! lines that look like results. The defences, in order:
//! - hidden tests live in a module named with a random nonce (kept a day), so a forged line names
//!   no real test and is shown as ordinary output;
//! - every hidden test the test file declares must be reported exactly once; a second
//!   report of the same test distrusts the whole run;
//! - the suite's closing tally must match the reports, and the exit status must agree
//!   (0 only if all passed, 101 only if some failed); any other ending (a signal, the
//!   watchdog, an early `exit`) is never a pass.

use std::collections::HashMap;

use serde::Deserialize;

use super::compile::BuildFiles;
use super::report::{Location, TestResult, TestStatus};
use super::watchdog::{Ending, Finished};

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    event: String,
    name: Option<String>,
    stdout: Option<String>,
    message: Option<String>,
    passed: Option<u32>,
    failed: Option<u32>,
}

/// The marker libtest starts every JSON line with.
const EVENT_START: &str = "{ \"type\": \"";

/// How the run ended, as far as the learner is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    /// Exit status, tally and reports agree.
    Clean,
    /// Something went wrong; the text says what and what to do.
    Broken(String),
    /// Reports contradict each other or the exit status: nothing is believed.
    Distrusted(String),
}

/// The interpreted run.
#[derive(Debug, Clone)]
pub struct Interpreted {
    /// libtest's names of `tests`: the expected hidden tests, then the learner's own.
    pub names: Vec<String>,
    /// One entry per name.
    pub tests: Vec<TestResult>,
    pub end: RunEnd,
    /// Output that belongs to no test: the learner's uncaptured prints, forged result
    /// lines, stderr (a crash message).
    pub stray_output: String,
}

/// Names as the learner sees them: the nonce module removed.
pub struct Names<'a> {
    /// `wb_<nonce>::`, the prefix every hidden test name starts with.
    pub hidden_prefix: &'a str,
}

impl Names<'_> {
    fn is_hidden(&self, name: &str) -> bool {
        name.starts_with(self.hidden_prefix)
    }

    fn display(&self, name: &str) -> String {
        name.strip_prefix(self.hidden_prefix)
            .unwrap_or(name)
            .to_owned()
    }
}

/// Applies the rules above to a finished test run. `expected` are libtest's names of
/// the tests that must report: the hidden ones (in the nonce module), then the learner's
/// own from [`learner_tests`].
pub fn interpret(
    expected: &[String],
    run: &Finished,
    files: &BuildFiles,
    names: &Names<'_>,
) -> Interpreted {
    let stdout = String::from_utf8_lossy(&run.stdout);
    let mut stray = String::new();
    let mut started: Vec<String> = Vec::new();
    let mut reports: HashMap<String, Vec<Event>> = HashMap::new();
    let mut tally: Option<Event> = None;
    let mut forged = 0usize;
    for line in stdout.lines() {
        let parsed = line.find(EVENT_START).and_then(|at| {
            serde_json::from_str::<Event>(&line[at..])
                .ok()
                .map(|e| (at, e))
        });
        let Some((at, event)) = parsed else {
            push_line(&mut stray, line);
            continue;
        };
        if at > 0 {
            push_line(&mut stray, &line[..at]);
        }
        match (
            event.kind.as_str(),
            event.event.as_str(),
            event.name.clone(),
        ) {
            ("suite", "started", _) => {}
            ("suite", _, _) => tally = Some(event),
            ("test", "started", Some(name)) if expected.contains(&name) => started.push(name),
            ("test", _, Some(name)) if expected.contains(&name) => {
                reports.entry(name).or_default().push(event);
            }
            _ => {
                forged += 1;
                push_line(&mut stray, &line[at..]);
            }
        }
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    if !stderr.trim().is_empty() {
        push_line(&mut stray, stderr.trim_end());
    }

    let unfinished = match run.ending {
        Ending::TimedOut | Ending::OutputLimit => TestStatus::TimedOut,
        _ => TestStatus::Crashed,
    };
    let mut tests = Vec::with_capacity(expected.len());
    let mut repeated = Vec::new();
    for name in expected {
        let shown = names.display(name);
        let result = match reports.get(name).map(Vec::as_slice) {
            Some([one]) => from_event(shown, one, files),
            Some([_, _, ..]) => {
                repeated.push(shown.clone());
                bare(
                    shown,
                    TestStatus::Tampered,
                    "reported more than once, so none of the reports is believed",
                )
            }
            _ if started.contains(name) => bare(
                shown,
                unfinished,
                match unfinished {
                    TestStatus::TimedOut => "was still running when the run was stopped",
                    _ => "was running when the test binary died",
                },
            ),
            _ => bare(shown, TestStatus::NotRun, "never started"),
        };
        tests.push(TestResult {
            hidden: names.is_hidden(name),
            ..result
        });
    }
    let end = judge(&tests, tally.as_ref(), run, &repeated);
    let mut stray_output = files.rewrite(&stray);
    if forged > 0 {
        stray_output.insert_str(
            0,
            &format!(
                "({forged} line(s) below look like test results but name no real test; \
                 they were printed by the code, not by the test harness)\n"
            ),
        );
    }
    Interpreted {
        names: expected.to_vec(),
        tests,
        end,
        stray_output: stray_output.replace(names.hidden_prefix, ""),
    }
}

/// The learner's own tests, in the order they started: the names outside the hidden
/// tests' module that both the event stream and libtest's own log (see [`corroborate`])
/// name. The log is the harness's, so a line the code prints in a made-up test's name
/// adds no test.
pub fn learner_tests(stdout: &str, log: &str, names: &Names<'_>) -> Vec<String> {
    let logged: std::collections::HashSet<&str> = log
        .lines()
        .filter_map(|l| l.rsplit_once(' ').map(|(_, name)| name))
        .collect();
    let mut found: Vec<String> = Vec::new();
    for line in stdout.lines() {
        let event = line
            .find(EVENT_START)
            .and_then(|at| serde_json::from_str::<Event>(&line[at..]).ok());
        let Some(name) = event
            .filter(|e| e.kind == "test" && e.event == "started")
            .and_then(|e| e.name)
        else {
            continue;
        };
        if !names.is_hidden(&name) && logged.contains(name.as_str()) && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// Checks the passes in `result` against the log libtest itself wrote (`--logfile`: one
/// `ok <name>` / `failed <name>` / `ignored <name>` line per test). The log is written
/// by the harness, not printed on the stdout the learner's code shares, so a pass the
/// log does not confirm was printed by someone else: nothing of the run is believed.
pub fn corroborate(result: &mut Interpreted, log: &str) {
    let confirmed: std::collections::HashSet<&str> =
        log.lines().filter_map(|l| l.strip_prefix("ok ")).collect();
    let unconfirmed: Vec<String> = result
        .names
        .iter()
        .zip(&mut result.tests)
        .filter(|(name, t)| t.status == TestStatus::Passed && !confirmed.contains(name.as_str()))
        .map(|(_, t)| {
            t.status = TestStatus::Tampered;
            t.short_name().to_owned()
        })
        .collect();
    if !unconfirmed.is_empty() {
        result.end = RunEnd::Distrusted(format!(
            "the test harness's own log does not confirm the pass of {}: something printed              fake results, so this run is not graded",
            unconfirmed.join(", ")
        ));
    }
}

/// Decides whether the run's ending agrees with what was reported.
fn judge(
    tests: &[TestResult],
    tally: Option<&Event>,
    run: &Finished,
    repeated: &[String],
) -> RunEnd {
    if !repeated.is_empty() {
        return RunEnd::Distrusted(format!(
            "the test(s) {} were reported more than once: something printed fake results, \
             so this run is not graded",
            repeated.join(", ")
        ));
    }
    let count = |s: TestStatus| {
        u32::try_from(tests.iter().filter(|t| t.status == s).count()).unwrap_or(u32::MAX)
    };
    let (passed, failed) = (count(TestStatus::Passed), count(TestStatus::Failed));
    let running: Vec<&str> = tests
        .iter()
        .filter(|t| matches!(t.status, TestStatus::Crashed | TestStatus::TimedOut))
        .map(|t| t.name.as_str())
        .collect();
    let during = if running.is_empty() {
        String::new()
    } else {
        format!(" while {} ran", running.join(", "))
    };
    match run.ending {
        Ending::TimedOut => {
            return RunEnd::Broken(format!(
                "the tests were stopped after {:.0} s{during}: look for a loop that never ends \
                 or a wait that is never woken",
                run.elapsed.as_secs_f64()
            ));
        }
        Ending::OutputLimit => {
            return RunEnd::Broken(format!(
                "the tests printed more than the output limit{during}, so they were stopped: \
                 remove prints inside loops"
            ));
        }
        Ending::Signalled(signal) => {
            return RunEnd::Broken(format!(
                "the test binary crashed ({}){during}: see the output below",
                signal_name(signal)
            ));
        }
        Ending::Exited(code) if code != 0 && code != 101 => {
            return RunEnd::Broken(format!(
                "the test binary exited early with status {code}{during}: does the code call \
                 `std::process::exit`?"
            ));
        }
        Ending::Exited(_) => {}
    }
    let all_reported = tests.iter().all(|t| {
        matches!(
            t.status,
            TestStatus::Passed | TestStatus::Failed | TestStatus::Ignored
        )
    });
    if !all_reported || tally.is_none() {
        return RunEnd::Broken(format!(
            "the test binary stopped before reporting every test{during}: does the code call \
             `std::process::exit`?"
        ));
    }
    let Some(tally) = tally else {
        return RunEnd::Broken("no test summary".to_owned());
    };
    let tally_agrees = tally.passed == Some(passed) && tally.failed == Some(failed);
    let status_agrees = match run.ending {
        Ending::Exited(0) => failed == 0 && tally.event == "ok",
        Ending::Exited(101) => failed > 0 && tally.event == "failed",
        _ => false,
    };
    if tally_agrees && status_agrees {
        RunEnd::Clean
    } else {
        RunEnd::Distrusted(
            "the reported results do not add up with the test summary and exit status: \
             something printed fake results, so this run is not graded"
                .to_owned(),
        )
    }
}

fn from_event(name: String, event: &Event, files: &BuildFiles) -> TestResult {
    let captured = event.stdout.as_deref().unwrap_or_default();
    match event.event.as_str() {
        "ok" => TestResult {
            output: files.rewrite(captured),
            ..bare(name, TestStatus::Passed, "")
        },
        "ignored" => bare(
            name,
            TestStatus::Ignored,
            event.message.as_deref().unwrap_or(""),
        ),
        _ => {
            let (output, message, location) = split_panic(captured, files);
            let message = if message.is_empty() {
                event
                    .message
                    .clone()
                    .unwrap_or_else(|| "failed without a panic message".to_owned())
            } else {
                message
            };
            TestResult {
                name,
                hidden: false,
                status: TestStatus::Failed,
                message,
                location,
                output,
                test_code: String::new(),
            }
        }
    }
}

fn bare(name: String, status: TestStatus, message: &str) -> TestResult {
    TestResult {
        name,
        hidden: false,
        status,
        message: message.to_owned(),
        location: None,
        output: String::new(),
        test_code: String::new(),
    }
}

/// Splits a failed test's captured text into the learner's prints and the panic:
/// `thread '<name>' (<id>) panicked at <file>:<line>:<col>:\n<message>` (the thread id
/// appeared in Rust 1.88).
fn split_panic(captured: &str, files: &BuildFiles) -> (String, String, Option<Location>) {
    let Some(at) = captured.rfind("thread '").filter(|&at| {
        captured[at..]
            .lines()
            .next()
            .is_some_and(|l| l.contains(" panicked at "))
    }) else {
        return (files.rewrite(captured), String::new(), None);
    };
    let (prints, panic) = captured.split_at(at);
    let mut lines = panic.lines();
    let header = lines.next().unwrap_or_default();
    let location = header
        .split_once(" panicked at ")
        .and_then(|(_, place)| parse_place(place.trim_end_matches(':'), files));
    let message: Vec<&str> = lines
        .take_while(|l| *l != "stack backtrace:")
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .collect();
    (
        files.rewrite(prints.trim_end()),
        files.rewrite(message.join("\n").trim_end()),
        location,
    )
}

/// `path:line:col` -> a location (the path itself may contain `:`).
fn parse_place(place: &str, files: &BuildFiles) -> Option<Location> {
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some(files.locate(parts.next()?, line, column))
}

fn push_line(buf: &mut String, line: &str) {
    buf.push_str(line);
    buf.push('\n');
}

fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGABRT => {
            "SIGABRT: an abort, such as a stack overflow or a panic while panicking".into()
        }
        libc::SIGSEGV => "SIGSEGV: an invalid memory access".into(),
        libc::SIGKILL => "SIGKILL: killed, maybe for using too much memory".into(),
        libc::SIGXCPU => "SIGXCPU: the CPU time limit was reached".into(),
        libc::SIGXFSZ => "SIGXFSZ: a file grew past the size limit".into(),
        libc::SIGILL => "SIGILL: an illegal instruction".into(),
        libc::SIGBUS => "SIGBUS: a bus error".into(),
        other => format!("signal {other}"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;

    const P: &str = "wb_n::";

    fn files() -> BuildFiles {
        BuildFiles::new(Path::new("/b"), "demo", "a\nb\nc\nd\n")
    }

    fn expected() -> Vec<String> {
        vec![
            "examples::e".to_owned(),
            format!("{P}grading::a"),
            format!("{P}grading::b"),
        ]
    }

    fn ev(name: &str, event: &str) -> String {
        format!("{{ \"type\": \"test\", \"name\": \"{name}\", \"event\": \"{event}\" }}\n")
    }

    fn started(name: &str) -> String {
        format!("{{ \"type\": \"test\", \"event\": \"started\", \"name\": \"{name}\" }}\n")
    }

    fn suite(event: &str, passed: u32, failed: u32) -> String {
        format!(
            "{{ \"type\": \"suite\", \"event\": \"{event}\", \"passed\": {passed}, \"failed\": {failed}, \"ignored\": 0 }}\n"
        )
    }

    fn run(stdout: String, ending: Ending) -> Interpreted {
        let finished = Finished {
            ending,
            stdout: stdout.into_bytes(),
            stderr: Vec::new(),
            elapsed: Duration::from_millis(5),
        };
        interpret(
            &expected(),
            &finished,
            &files(),
            &Names { hidden_prefix: P },
        )
    }

    fn all_ok() -> String {
        let mut s = String::new();
        for n in expected() {
            s += &started(&n);
            s += &ev(&n, "ok");
        }
        s
    }

    #[test]
    fn a_clean_run_is_believed() {
        let out = run(all_ok() + &suite("ok", 3, 0), Ending::Exited(0));
        assert_eq!(out.end, RunEnd::Clean);
        assert!(out.tests.iter().all(|t| t.status == TestStatus::Passed));
        assert_eq!(out.tests[1].name, "grading::a");
        assert!(out.tests[1].hidden && !out.tests[0].hidden);
    }

    #[test]
    fn forged_lines_without_the_nonce_name_no_test() {
        let forged = ev("grading::a", "ok") + "test grading::a ... ok\n";
        let mut s = started(&format!("{P}grading::a"));
        s += &forged;
        s += &format!(
            "{{ \"type\": \"test\", \"name\": \"{P}grading::a\", \"event\": \"failed\", \"stdout\": \"thread '{P}grading::a' panicked at /b/exercise.rs:2:3:\\nboom\\n\" }}\n"
        );
        s += &(started("examples::e") + &ev("examples::e", "ok"));
        s += &(started(&format!("{P}grading::b")) + &ev(&format!("{P}grading::b"), "ok"));
        s += &suite("failed", 2, 1);
        let out = run(s, Ending::Exited(101));
        assert_eq!(out.end, RunEnd::Clean);
        assert_eq!(out.tests[1].status, TestStatus::Failed);
        assert_eq!(out.tests[1].message, "boom");
        assert_eq!(out.tests[1].location.as_ref().unwrap().line, 2);
        assert!(out.stray_output.contains("name no real test"));
        assert!(out.stray_output.contains("test grading::a ... ok"));
    }

    #[test]
    fn a_repeated_report_distrusts_the_run() {
        let s = all_ok() + &ev(&format!("{P}grading::a"), "ok") + &suite("ok", 3, 0);
        let out = run(s, Ending::Exited(0));
        assert!(matches!(out.end, RunEnd::Distrusted(_)));
        assert_eq!(out.tests[1].status, TestStatus::Tampered);
    }

    #[test]
    fn an_early_exit_with_status_zero_is_not_a_pass() {
        let s =
            started("examples::e") + &ev("examples::e", "ok") + &started(&format!("{P}grading::a"));
        let out = run(s, Ending::Exited(0));
        assert!(matches!(out.end, RunEnd::Broken(ref m) if m.contains("process::exit")));
        assert_eq!(out.tests[1].status, TestStatus::Crashed);
        assert_eq!(out.tests[2].status, TestStatus::NotRun);
    }

    #[test]
    fn a_tally_that_disagrees_with_the_reports_is_distrusted() {
        let out = run(all_ok() + &suite("ok", 5, 0), Ending::Exited(0));
        assert!(matches!(out.end, RunEnd::Distrusted(_)));
        let out = run(all_ok() + &suite("ok", 3, 0), Ending::Exited(101));
        assert!(matches!(out.end, RunEnd::Distrusted(_)));
    }

    #[test]
    fn a_signal_or_timeout_is_broken_and_names_the_running_test() {
        let s = started(&format!("{P}grading::b"));
        let out = run(s.clone(), Ending::Signalled(libc::SIGABRT));
        assert!(
            matches!(out.end, RunEnd::Broken(ref m) if m.contains("SIGABRT") && m.contains("grading::b"))
        );
        let out = run(s, Ending::TimedOut);
        assert_eq!(out.tests[2].status, TestStatus::TimedOut);
    }

    #[test]
    fn the_learners_own_tests_are_the_ones_the_harness_logged() {
        let stdout = started("examples::e")
            + &started(&format!("{P}grading::a"))
            + &started("examples::forged")
            + &started("examples::f")
            + &started("examples::e");
        let log = "ok wb_n::grading::a\nok examples::e\nfailed: wrong panic examples::f\n";
        let found = learner_tests(&stdout, log, &Names { hidden_prefix: P });
        assert_eq!(found, ["examples::e", "examples::f"]);
    }
}
