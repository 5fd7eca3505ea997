//! The runner against the compiler's floor, side by side in one run:
//! `cargo bench --bench runner`.
//!
//! Each round edits `validated-amount`'s reference solution (a real change to its code,
//! so nothing is cached and incremental compilation redoes the learner's part), then
//! times, in an order that rotates every round so a change in machine load hits all of
//! them alike:
//! - `floor`: `rustc --edition 2021 --test -C prefer-dynamic -C debuginfo=0
//!   -C incremental=DIR` on the same combined file plus one run of its test binary;
//! - `runner`: `Runner::check` in this process, as the app calls it;
//! - `cli`: the whole `workbook check --file` process (startup, content, toolchain
//!   probe, check, progress save).
//!
//! Then the cached paths (an unchanged file) and a file that does not compile (the
//! runner's time to its errors, and a bare `--emit=metadata` pass of it). Medians
//! and the ratios to the floor's median are printed; `BENCH_ROUNDS` sets the rounds
//! (default 25).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use resilience_workbook::content::ContentSource;
use resilience_workbook::runner::{Exercise, Runner, Toolchain, Verdict, load_catalog};

const EXERCISE: &str = "validated-amount";

/// The learner's file after edit number `n`: a new item, so the build really changes.
fn edited(solution: &str, n: u64) -> String {
    format!("{solution}\npub const EDIT: u64 = {n};\n")
}

/// The bare compiler on the runner's own layout: the learner's text, then the hidden
/// tests as a module, built with the flags the runner uses and run once.
struct Floor {
    dir: PathBuf,
    rustc: PathBuf,
    libdir: PathBuf,
}

impl Floor {
    fn new(dir: &Path, tests: &str, toolchain: &Toolchain) -> Self {
        std::fs::write(dir.join("tests.rs"), tests).unwrap();
        Self {
            dir: dir.to_owned(),
            rustc: toolchain.rustc.clone(),
            libdir: toolchain.target_libdir.clone(),
        }
    }

    fn check(&self, source: &str) -> bool {
        self.build(source, &[])
    }

    /// Builds (with `extra` flags) and, if that worked and linked, runs the tests.
    fn build(&self, source: &str, extra: &[&str]) -> bool {
        let combined = self.dir.join("combined.rs");
        let binary = self.dir.join("combined-tests");
        let text = format!(
            "{source}\n#[cfg(test)] mod hidden {{ use super::*; #[path = {:?}] mod grading; }}\n",
            self.dir.join("tests.rs").display().to_string()
        );
        std::fs::write(&combined, text).unwrap();
        let built = Command::new(&self.rustc)
            .args(["--edition", "2021", "--test"])
            .args(["-C", "prefer-dynamic", "-C", "debuginfo=0", "-C"])
            .arg(format!("incremental={}", self.dir.join("inc").display()))
            .args(extra)
            .arg("-o")
            .arg(&binary)
            .arg(&combined)
            .output()
            .unwrap();
        if !built.status.success() || !extra.is_empty() {
            return built.status.success();
        }
        let ran = Command::new(&binary)
            .env("LD_LIBRARY_PATH", &self.libdir)
            .output()
            .unwrap();
        assert!(ran.status.success(), "{ran:?}");
        true
    }
}

/// `workbook check EXERCISE --file FILE` as a whole process.
fn cli(data: &Path, file: &Path, expect: i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("--data-dir")
        .arg(data)
        .args(["check", EXERCISE, "--file"])
        .arg(file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(expect), "{out:?}");
}

fn time(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument skips this bench.
    if std::env::args().skip(1).any(|a| !a.starts_with('-')) {
        return;
    }
    let rounds: u64 = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(25);
    let catalog = load_catalog(&ContentSource::Embedded, None);
    let exercise: Exercise = catalog.get(EXERCISE).unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let runner = Runner::new(dir.path().join("cache"));
    let toolchain = rt.block_on(runner.toolchain()).unwrap().clone();
    let floor_dir = dir.path().join("floor");
    std::fs::create_dir_all(&floor_dir).unwrap();
    let floor = Floor::new(&floor_dir, &exercise.tests, &toolchain);
    let cli_data = dir.path().join("cli-data");
    let cli_file = dir.path().join("cli.rs");

    let mut n = 0u64;
    let mut next = || {
        n += 1;
        edited(&exercise.solution, n)
    };
    let run_runner = |source: &str| {
        let report = rt
            .block_on(runner.check(&exercise, source, &|_| {}))
            .unwrap();
        assert_eq!(report.verdict, Verdict::Passed, "{report:?}");
    };
    let run_cli = |source: &str| {
        std::fs::write(&cli_file, source).unwrap();
        cli(&cli_data, &cli_file, 0);
    };
    // Warm-up: first builds fill the incremental caches and the page cache.
    for _ in 0..2 {
        assert!(floor.check(&next()));
        run_runner(&next());
        run_cli(&next());
    }

    let (mut floor_t, mut runner_t, mut cli_t) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        for which in (0..3).map(|k| (k + round) % 3) {
            let source = next();
            match which {
                0 => floor_t.push(time(|| assert!(floor.check(&source)))),
                1 => runner_t.push(time(|| run_runner(&source))),
                _ => cli_t.push(time(|| run_cli(&source))),
            }
        }
    }
    let floor_m = median(&mut floor_t);
    let runner_m = median(&mut runner_t);
    let cli_m = median(&mut cli_t);

    // An unchanged file: the last one each of them checked.
    let unchanged = next();
    run_runner(&unchanged);
    let mut cached: Vec<Duration> = (0..50).map(|_| time(|| run_runner(&unchanged))).collect();
    run_cli(&unchanged);
    let mut cached_cli: Vec<Duration> = (0..20).map(|_| time(|| run_cli(&unchanged))).collect();

    // A file that does not compile: time to its errors, against the floor's full build
    // (and run) of a file that does.
    // A separate `--emit=metadata` pass of the same file is timed beside it.
    let (mut errors_t, mut metadata_t) = (Vec::new(), Vec::new());
    for _ in 0..rounds.min(10) {
        let source = next().replace("Ok(", "Some(");
        errors_t.push(time(|| {
            let report = rt
                .block_on(runner.check(&exercise, &source, &|_| {}))
                .unwrap();
            assert_eq!(report.verdict, Verdict::DidNotCompile);
        }));
        metadata_t.push(time(|| {
            assert!(!floor.build(&source, &["--emit=metadata"]));
        }));
    }
    let errors_m = median(&mut errors_t);
    let metadata_m = median(&mut metadata_t);

    println!("check-after-edit of `{EXERCISE}`, {rounds} rounds, medians:");
    println!("  floor  (bare rustc + run)        {:7.1} ms", ms(floor_m));
    println!(
        "  runner (in process, as the app)  {:7.1} ms   ratio {:.2}",
        ms(runner_m),
        ms(runner_m) / ms(floor_m)
    );
    println!(
        "  cli    (whole `workbook check`)  {:7.1} ms   ratio {:.2}",
        ms(cli_m),
        ms(cli_m) / ms(floor_m)
    );
    println!("unchanged file, from the cache:");
    println!(
        "  runner                           {:7.2} ms",
        ms(median(&mut cached))
    );
    println!(
        "  cli    (whole process)           {:7.1} ms",
        ms(median(&mut cached_cli))
    );
    println!("a file that does not compile:");
    println!(
        "  runner, time to its errors       {:7.1} ms   ({:.2} of the floor's full build)",
        ms(errors_m),
        ms(errors_m) / ms(floor_m)
    );
    println!(
        "  a bare `--emit=metadata` pass    {:7.1} ms",
        ms(metadata_m)
    );
}
