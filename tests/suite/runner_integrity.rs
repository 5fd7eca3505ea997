//! The grader against a hostile learner: the three known forgery classes (code before
//! `main`, a test that prints the harness's results and exits, shadowed assertions) on
//! every exercise's unmodified starter, each layer of defence on its own, and the
//! sandbox around the test binary.

use std::path::Path;
use std::time::Duration;

use resilience_workbook::content::ContentSource;
use resilience_workbook::runner::{Exercise, Report, Runner, TestStatus, Verdict, load_catalog};

fn exercises() -> Vec<Exercise> {
    let catalog = load_catalog(&ContentSource::Embedded, None);
    assert!(catalog.exercises.len() >= 15, "{:?}", catalog.problems);
    catalog.exercises
}

/// Runs its own binary with `--list` and prints a passing libtest event for every test
/// and a matching tally, then exits 0 (the attack of issue 16), in two forms: before
/// `main` from `.init_array`, and from a test of the learner's own.
const FORGE_BODY: &str = r#"
    use std::io::Write;
    let exe = std::env::args().next().unwrap_or_default();
    let listed = std::process::Command::new(&exe).arg("--list").env("WB_FORGING", "1").output();
    if std::env::var_os("WB_FORGING").is_some() { return; }
    let text = listed.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let names: Vec<&str> = text.lines().filter_map(|l| l.strip_suffix(": test")).collect();
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": {} }}", names.len());
    for n in &names {
        let _ = writeln!(out, "{{ \"type\": \"test\", \"event\": \"started\", \"name\": \"{n}\" }}");
        let _ = writeln!(out, "{{ \"type\": \"test\", \"name\": \"{n}\", \"event\": \"ok\" }}");
    }
    let _ = writeln!(out, "{{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": {}, \"failed\": 0, \"ignored\": 0, \"measured\": 0, \"filtered_out\": 0, \"exec_time\": 0.001 }}", names.len());
    let _ = out.flush();
    std::process::exit(0);
"#;

fn pre_main(starter: &str) -> String {
    format!(
        "{starter}\nextern \"C\" fn wb_forge() {{ {FORGE_BODY} }}\n\
         #[used]\n#[link_section = \".init_array\"]\nstatic WB_FORGE: extern \"C\" fn() = wb_forge;\n"
    )
}

fn in_test(starter: &str) -> String {
    format!(
        "{starter}\n#[cfg(test)]\nmod wb_forge {{\n#[test]\nfn a_forger() {{ {FORGE_BODY} }}\n}}\n"
    )
}

/// The macros go after the starter's inner doc comment (`//!`), which must come first.
fn shadowing(starter: &str) -> String {
    let body = starter.find("\n\n").map_or(0, |at| at + 1);
    let (head, rest) = starter.split_at(body);
    format!(
        "{head}macro_rules! assert_eq {{ ($($t:tt)*) => {{}} }}\n\
         macro_rules! assert {{ ($($t:tt)*) => {{}} }}\n\
         macro_rules! assert_ne {{ ($($t:tt)*) => {{}} }}\n{rest}"
    )
}

fn runner(dir: &Path) -> Runner {
    Runner::new(dir).with_timeout(Duration::from_secs(10))
}

fn check(runner: &Runner, exercise: &Exercise, source: &str) -> Report {
    runner
        .check_blocking(exercise, source)
        .expect("the check runs")
}

#[test]
fn every_forgery_class_is_refused_on_every_exercise_before_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let runner = runner(dir.path());
    let mut tried = 0;
    let all = exercises();
    for ex in &all {
        for (class, source) in [
            ("pre-main", pre_main(&ex.starter)),
            ("in-test", in_test(&ex.starter)),
            ("shadowing", shadowing(&ex.starter)),
        ] {
            let report = check(&runner, ex, &source);
            assert_eq!(report.verdict, Verdict::DidNotCompile, "{} {class}", ex.id);
            assert!(
                report.summary.contains("no exercise needs"),
                "{} {class}: {}",
                ex.id,
                report.summary
            );
            // The refusal names a line of the learner's file.
            let first = &report.diagnostics[0];
            assert!(first.in_learner_file() && first.message.starts_with("line "));
            tried += 1;
        }
    }
    assert_eq!(tried, 3 * all.len());
}

/// Behind the screen, each class still fails on every exercise: `-F unsafe_code` stops
/// the `.init_array` code, the harness's own log exposes the printed results, and the
/// hidden tests' fully qualified assertions ignore the shadowing macros.
#[test]
fn behind_the_screen_every_forgery_still_fails_on_every_exercise() {
    let dir = tempfile::tempdir().unwrap();
    let runner = runner(dir.path()).without_source_screen();
    for ex in exercises() {
        let report = check(&runner, &ex, &pre_main(&ex.starter));
        assert_eq!(report.verdict, Verdict::DidNotCompile, "{}", ex.id);
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("link_section")),
            "{}: {:#?}",
            ex.id,
            report.diagnostics
        );

        let report = check(&runner, &ex, &in_test(&ex.starter));
        assert_ne!(report.verdict, Verdict::Passed, "{}: {report:#?}", ex.id);
        assert_ne!(report.score, report.points, "{}", ex.id);

        let report = check(&runner, &ex, &shadowing(&ex.starter));
        assert_ne!(report.verdict, Verdict::Passed, "{}: {report:#?}", ex.id);
        assert_eq!(report.verdict, Verdict::Failed, "{}: {report:#?}", ex.id);
        assert!(report.passed < report.total, "{}", ex.id);
    }
}

/// The test binary may not read the hidden tests or the data dir, nor write outside its
/// run folder; the result says it was sandboxed.
#[test]
fn the_test_binary_cannot_read_the_hidden_tests_or_write_the_data_dir() {
    let data = tempfile::tempdir().unwrap();
    let cache = data.path().join("cache");
    let runner = runner(&cache).without_source_screen();
    let ex = exercises()
        .into_iter()
        .find(|e| e.id == "validated-amount")
        .expect("the exercise exists");
    std::fs::write(data.path().join("progress.ron"), "(version: 1)").unwrap();
    let probe = format!(
        "{}\n#[cfg(test)]\nmod wb_probe {{\n#[test]\nfn confined() {{\n\
         let hidden = std::fs::read_to_string({tests:?});\n\
         let progress = std::fs::write({progress:?}, \"(version: 1, progress: ())\");\n\
         let own = std::fs::write(\"mine.txt\", \"ok\");\n\
         assert!(hidden.is_err(), \"read the hidden tests\");\n\
         assert!(progress.is_err(), \"wrote progress.ron\");\n\
         assert!(own.is_ok(), \"could not write its run folder\");\n}}\n}}\n",
        ex.solution,
        tests = cache.join("build").join(&ex.id).join("tests.rs"),
        progress = data.path().join("progress.ron"),
    );
    let report = check(&runner, &ex, &probe);
    eprintln!("{}", report.sandbox);
    if !report.sandbox.starts_with("sandboxed") {
        eprintln!("skipped: {}", report.sandbox);
        return;
    }
    let t = report
        .tests
        .iter()
        .find(|t| t.name.ends_with("confined"))
        .expect("the probe ran");
    assert_eq!(t.status, TestStatus::Passed, "{t:#?}");
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(
        std::fs::read_to_string(data.path().join("progress.ron")).unwrap(),
        "(version: 1)"
    );
}

fn exercise(id: &str) -> Exercise {
    exercises()
        .into_iter()
        .find(|e| e.id == id)
        .expect("the exercise exists")
}

#[test]
fn a_compiler_stopped_by_the_memory_limit_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let runner = runner(dir.path()).with_compile_memory(32 << 20);
    let ex = exercise("validated-amount");
    let report = check(&runner, &ex, &ex.solution);
    assert_eq!(report.verdict, Verdict::DidNotCompile);
    assert!(
        report.summary.contains("memory limit (32 MiB)"),
        "{}",
        report.summary
    );
    assert!(
        !report.summary.contains("hidden tests:"),
        "{}",
        report.summary
    );
}

/// Two processes (two runners, two nonces) checking the same exercise at once each
/// get their own correct result, though they share the build folder.
#[test]
fn two_runners_checking_one_exercise_at_once_both_pass() {
    let dir = tempfile::tempdir().unwrap();
    let ex = exercise("last-ticket");
    let reports: Vec<Report> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| check(&runner(dir.path()), &ex, &ex.solution)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for report in reports {
        assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    }
}

/// Processes whose executable lies under `dir`.
fn processes_under(dir: &Path) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(e.path().join("exe")).ok()?;
            exe.starts_with(dir).then_some(pid)
        })
        .collect()
}

/// SIGKILL of `workbook check` while a test hangs: the test binary dies with it, and
/// the next check removes the run folder it left.
#[test]
fn killing_workbook_check_never_leaves_the_test_binary_running() {
    let data = tempfile::tempdir().unwrap();
    let ex = exercise("validated-amount");
    let file = data.path().join("hang.rs");
    std::fs::write(
        &file,
        format!(
            "{}\n#[cfg(test)]\nmod wb_hang {{\n#[test]\nfn hangs() {{ loop {{ std::hint::spin_loop() }} }}\n}}\n",
            ex.solution
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["check", &ex.id, "--file"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let runs = data.path().join("cache").join("runner").join("runs");
    let started = std::time::Instant::now();
    while processes_under(&runs).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the test binary never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(processes_under(&runs), Vec::<u32>::new());
    assert_eq!(std::fs::read_dir(&runs).unwrap().count(), 1, "left behind");

    let runner = runner(&data.path().join("cache").join("runner"));
    let report = check(&runner, &ex, &ex.solution);
    assert_eq!(report.verdict, Verdict::Passed);
    assert_eq!(std::fs::read_dir(&runs).unwrap().count(), 0, "swept");
}
