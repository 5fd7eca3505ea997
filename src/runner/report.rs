//! What a check found: per-test results, compiler diagnostics, the verdict and the score.
//! Serialisable, so results can be cached on disk and printed as JSON by the CLI.

use serde::{Deserialize, Serialize};

/// The outcome of one check, from the learner's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Every hidden test passed and the test binary ended cleanly.
    Passed,
    /// It compiled and ran; some hidden tests failed.
    Failed,
    /// The compiler rejected the file.
    DidNotCompile,
    /// The test binary crashed, hung, exited early, printed too much, or its report did
    /// not add up. Whatever it claimed, this is never a pass.
    Broken,
}

/// One test's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestStatus {
    Passed,
    Failed,
    Ignored,
    /// It was running when the test binary crashed or exited.
    Crashed,
    /// It was running when the watchdog stopped the run.
    TimedOut,
    /// It never started (an earlier problem stopped the run).
    NotRun,
    /// Its result was reported more than once, so none of them is believed.
    Tampered,
}

impl TestStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Ignored => "ignored",
            Self::Crashed => "crashed",
            Self::TimedOut => "timed out",
            Self::NotRun => "not run",
            Self::Tampered => "result not trusted",
        }
    }
}

/// Which file a line number refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceFile {
    /// The learner's own file: its lines map 1:1.
    Learner,
    /// The hidden grading tests.
    HiddenTests,
    /// Somewhere else (the standard library, a generated line).
    Other(String),
}

/// A place in a source file (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: SourceFile,
    pub line: usize,
    pub column: usize,
}

/// One test as the learner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    /// `grading::name` for hidden tests, `examples::name` for the learner's.
    pub name: String,
    /// Only hidden tests count for the score.
    pub hidden: bool,
    pub status: TestStatus,
    /// The panic text (or why the status is what it is); empty when it passed.
    pub message: String,
    /// Where it panicked.
    pub location: Option<Location>,
    /// What the test printed.
    pub output: String,
    /// The body of the test function, from the hidden test file; empty for the learner's
    /// own tests. Shown as "what this test checks" once it failed.
    #[serde(default)]
    pub test_code: String,
}

impl TestResult {
    /// The name without its module: what the results panel shows.
    pub fn short_name(&self) -> &str {
        self.name.rsplit("::").next().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    Error,
    Warning,
    Note,
}

/// A compiler message, located in the learner's file where possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
    pub location: Option<Location>,
    /// The compiler's full text, with file names rewritten to what the learner knows.
    pub rendered: String,
}

/// Everything one check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub verdict: Verdict,
    /// One sentence saying what happened and what to do next.
    pub summary: String,
    /// Hidden tests first, in the order of the test file, then the learner's example
    /// tests.
    pub tests: Vec<TestResult>,
    pub diagnostics: Vec<Diagnostic>,
    /// Output not tied to a test: prints that bypassed capture, the crash message.
    pub stray_output: String,
    /// Hidden tests passed and in total.
    pub passed: u32,
    pub total: u32,
    /// Points earned out of `points`.
    pub score: u32,
    pub points: u32,
    /// How long the check took, in milliseconds.
    pub elapsed_ms: u64,
    /// Served from the result cache.
    #[serde(skip)]
    pub cached: bool,
    /// How the test binary was confined ("sandboxed (...)" or why not); empty when it
    /// never ran.
    #[serde(default)]
    pub sandbox: String,
}

impl Diagnostic {
    pub fn in_learner_file(&self) -> bool {
        self.location
            .as_ref()
            .is_some_and(|l| l.file == SourceFile::Learner)
    }
}

impl Report {
    /// Hidden tests passed out of total, scaled to `points`, rounded down so full marks
    /// need every test.
    pub fn score_for(passed: u32, total: u32, points: u32) -> u32 {
        if total == 0 {
            return 0;
        }
        let scaled = u64::from(passed.min(total)) * u64::from(points) / u64::from(total);
        u32::try_from(scaled).unwrap_or(points)
    }

    pub fn is_pass(&self) -> bool {
        self.verdict == Verdict::Passed
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.level == Level::Error)
    }

    pub fn hidden(&self) -> impl Iterator<Item = &TestResult> {
        self.tests.iter().filter(|t| t.hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_scales_and_rounds_down() {
        assert_eq!(Report::score_for(3, 4, 10), 7);
        assert_eq!(Report::score_for(4, 4, 10), 10);
        assert_eq!(Report::score_for(0, 4, 10), 0);
        assert_eq!(Report::score_for(1, 0, 10), 0);
    }
}
