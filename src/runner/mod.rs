//! The exercise runner: builds the learner's file with the hidden tests using `rustc
//! --test`, runs it under a watchdog, parses libtest's results and grades them.

pub mod check;
pub mod compile;
pub mod exercise;
pub mod hidden;
pub mod libtest;
pub mod report;
pub mod sandbox;
pub mod scaffold;
pub mod screen;
pub mod tokens;
pub mod toolchain;
pub mod toolchain_memo;
pub mod watchdog;
pub mod workspace;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use check::{CheckError, Phase, Runner};
pub use exercise::{Catalog, Difficulty, Exercise, load_catalog};
pub use report::{Report, TestResult, TestStatus, Verdict};
pub use toolchain::{Toolchain, ToolchainError};

/// Per-exercise status, scores and check counts, keyed by exercise id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseProgress {
    pub records: BTreeMap<String, ExerciseRecord>,
}

/// What the learner has done on one exercise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseRecord {
    /// Every hidden test passed at least once: the exercise is done.
    pub passed: bool,
    /// The best score reached, out of the exercise's points.
    pub best_score: u32,
    pub checks: u32,
    /// Checks that did not pass; five unlock the solution.
    pub failed_checks: u32,
    /// How many hints are revealed.
    pub hints_shown: u32,
    pub solution_seen: bool,
}

/// The status shown in the exercise list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    Failing,
    Passed,
}

/// Failed checks after which the solution may be shown.
pub const SOLUTION_AFTER_FAILS: u32 = 5;

impl ExerciseProgress {
    pub fn record(&self, id: &str) -> ExerciseRecord {
        self.records.get(id).cloned().unwrap_or_default()
    }

    pub fn record_mut(&mut self, id: &str) -> &mut ExerciseRecord {
        self.records.entry(id.to_owned()).or_default()
    }

    pub fn status(&self, id: &str) -> Status {
        match self.records.get(id) {
            Some(r) if r.passed => Status::Passed,
            Some(r) if r.checks > 0 => Status::Failing,
            _ => Status::NotStarted,
        }
    }

    /// Counts a finished check. A pass is kept for good; the best score only rises;
    /// counters stop at `u32::MAX` rather than wrap.
    pub fn note_check(&mut self, id: &str, report: &Report) {
        let record = self.record_mut(id);
        record.checks = record.checks.saturating_add(1);
        record.best_score = record.best_score.max(report.score);
        if report.is_pass() {
            record.passed = true;
        } else {
            record.failed_checks = record.failed_checks.saturating_add(1);
        }
    }

    /// Takes in the records another writer saved since `base`, the records this side
    /// last read or wrote: passes and seen solutions stay, the best score and the hints
    /// shown take the larger, and counts add up what each side did since `base`, so a
    /// check made on both sides at the same time counts twice, not once.
    pub fn merge(&mut self, base: &ExerciseProgress, theirs: &ExerciseProgress) {
        for (id, t) in &theirs.records {
            let b = base.record(id);
            let r = self.record_mut(id);
            r.passed |= t.passed;
            r.best_score = r.best_score.max(t.best_score);
            r.checks = t.checks.saturating_add(r.checks.saturating_sub(b.checks));
            r.failed_checks = t
                .failed_checks
                .saturating_add(r.failed_checks.saturating_sub(b.failed_checks));
            r.hints_shown = r.hints_shown.max(t.hints_shown);
            r.solution_seen |= t.solution_seen;
        }
    }

    /// Points earned over all exercises.
    pub fn total_score(&self) -> u32 {
        self.records.values().map(|r| r.best_score).sum()
    }
}

impl ExerciseRecord {
    /// The solution may be offered: after a pass or after enough failed checks.
    pub fn solution_unlocked(&self) -> bool {
        self.passed || self.failed_checks >= SOLUTION_AFTER_FAILS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(verdict: Verdict, score: u32) -> Report {
        Report {
            verdict,
            summary: String::new(),
            tests: Vec::new(),
            diagnostics: Vec::new(),
            stray_output: String::new(),
            passed: 0,
            total: 4,
            score,
            points: 10,
            elapsed_ms: 0,
            cached: false,
            sandbox: String::new(),
        }
    }

    #[test]
    fn status_moves_from_not_started_to_failing_to_passed_and_stays() {
        let mut p = ExerciseProgress::default();
        assert_eq!(p.status("a"), Status::NotStarted);
        p.note_check("a", &report(Verdict::Failed, 5));
        assert_eq!(p.status("a"), Status::Failing);
        p.note_check("a", &report(Verdict::Passed, 10));
        p.note_check("a", &report(Verdict::DidNotCompile, 0));
        assert_eq!(p.status("a"), Status::Passed);
        assert_eq!(p.record("a").best_score, 10);
        assert_eq!(p.total_score(), 10);
    }

    #[test]
    fn counts_saturate_and_a_merge_adds_both_sides_work() {
        let mut p = ExerciseProgress::default();
        p.record_mut("a").checks = u32::MAX;
        p.note_check("a", &report(Verdict::Failed, 0));
        assert_eq!(p.record("a").checks, u32::MAX);

        let mut base = ExerciseProgress::default();
        base.record_mut("b").checks = 4;
        let (mut mine, mut theirs) = (base.clone(), base.clone());
        mine.note_check("b", &report(Verdict::Failed, 3));
        theirs.note_check("b", &report(Verdict::Passed, 10));
        theirs.note_check("b", &report(Verdict::Passed, 10));
        mine.merge(&base, &theirs);
        let b = mine.record("b");
        assert_eq!(
            (b.checks, b.failed_checks, b.passed, b.best_score),
            (7, 1, true, 10)
        );
    }

    #[test]
    fn the_solution_unlocks_after_five_failed_checks() {
        let mut p = ExerciseProgress::default();
        for _ in 0..4 {
            p.note_check("a", &report(Verdict::Failed, 0));
        }
        assert!(!p.record("a").solution_unlocked());
        p.note_check("a", &report(Verdict::Broken, 0));
        assert!(p.record("a").solution_unlocked());
    }
}
