//! Checking a small exercise right after an edit, through the runner (watchdog, tuned
//! rustc flags, `--list`, JSON results), against a bare `rustc --test` plus a run of the
//! same combined file. Each iteration edits the file, so the result cache never answers.
//!
//! Targets: the runner's median at most 0.25 s, and within 1.3x of the bare build.
//! `cargo bench --bench runner`; medians are in `target/criterion/check-after-edit/*/new/estimates.json`.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use resilience_workbook::runner::{Difficulty, Exercise, Runner, Verdict};

const LEARNER: &str = "
/// Splits a total into `parts` shares that differ by at most one cent.
pub fn split(total: u64, parts: u64) -> Vec<u64> {
    if parts == 0 {
        return Vec::new();
    }
    let base = total / parts;
    let extra = total % parts;
    (0..parts).map(|i| base + u64::from(i < extra)).collect()
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn three_ways() {
        assert_eq!(split(10, 3), vec![4, 3, 3]);
    }
}
";

const TESTS: &str = "use super::*;

#[test]
fn even_split() { assert_eq!(split(9, 3), vec![3, 3, 3]); }

#[test]
fn remainder_goes_first() { assert_eq!(split(11, 3), vec![4, 4, 3]); }

#[test]
fn nothing_to_split() { assert_eq!(split(0, 2), vec![0, 0]); }

#[test]
fn no_parts() { assert!(split(5, 0).is_empty()); }

#[test]
fn sums_match() {
    for total in 0..200 {
        for parts in 1..9 {
            assert_eq!(split(total, parts).iter().sum::<u64>(), total);
        }
    }
}
";

fn exercise() -> Exercise {
    Exercise {
        id: "bench-split".into(),
        title: "Split".into(),
        lesson: "l".into(),
        section: "s".into(),
        difficulty: Difficulty::Easy,
        points: 10,
        hints: vec![],
        starter: String::new(),
        tests: TESTS.into(),
        solution: String::new(),
    }
}

/// The learner's file after edit number `n`: a real change to the code, so nothing is
/// cached and incremental compilation has to redo the learner's part.
fn edited(n: u64) -> String {
    format!("{LEARNER}\npub const EDIT: u64 = {n};\n")
}

/// A bare build and run of the same combined file, as a learner would type it.
fn bare(dir: &Path, n: u64) {
    let tests = dir.join("tests.rs");
    let combined = dir.join("combined.rs");
    let binary = dir.join("combined-tests");
    std::fs::write(&tests, TESTS).unwrap();
    let mut text = edited(n);
    text.push_str(&format!(
        "#[cfg(test)] #[path = {:?}] mod grading;\n",
        tests.display().to_string()
    ));
    std::fs::write(&combined, text).unwrap();
    let built = Command::new("rustc")
        .args(["--edition", "2021", "--test", "-o"])
        .arg(&binary)
        .arg(&combined)
        .output()
        .unwrap();
    assert!(built.status.success());
    let ran = Command::new(&binary).output().unwrap();
    assert!(ran.status.success());
}

fn check_after_edit(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let runner = Runner::new(dir.path().join("cache"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ex = exercise();
    let mut n = 0u64;

    let mut group = c.benchmark_group("check-after-edit");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("runner", |b| {
        b.iter(|| {
            n += 1;
            let report = rt.block_on(runner.check(&ex, &edited(n), &|_| {})).unwrap();
            assert_eq!(report.verdict, Verdict::Passed, "{report:?}");
            black_box(report);
        })
    });
    let bare_dir = tempfile::tempdir().unwrap();
    group.bench_function("bare-rustc-test", |b| {
        b.iter(|| {
            n += 1;
            bare(bare_dir.path(), n);
        })
    });
    group.finish();
}

criterion_group!(benches, check_after_edit);
criterion_main!(benches);
