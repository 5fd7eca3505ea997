//! Building the test binary: the learner's file becomes the crate root with the hidden
//! tests appended as a module, compiled by `rustc --test` with the flags measured fastest
//! (see `benches/runner.rs`), and the compiler's JSON diagnostics mapped back to the file
//! the learner knows.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::report::{Diagnostic, Level, Location, SourceFile};
use super::scaffold::LearnerEnd;

/// The files of one build and how their paths are shown to the learner.
#[derive(Debug, Clone)]
pub struct BuildFiles {
    /// The crate root: the learner's text plus the appended module line.
    pub combined: PathBuf,
    /// The hidden tests, written out so `#[path]` can name them.
    pub tests: PathBuf,
    /// The test binary.
    pub binary: PathBuf,
    /// The learner's file name (`validated-amount.rs`) and last line; later lines of
    /// `combined` are ours.
    pub learner: LearnerEnd,
}

/// The file name hidden-test locations are shown under.
pub const HIDDEN_TESTS_NAME: &str = "hidden/tests.rs";

impl BuildFiles {
    pub fn new(dir: &Path, exercise_id: &str, learner: &str) -> Self {
        Self {
            combined: dir.join("exercise.rs"),
            tests: dir.join("tests.rs"),
            binary: dir.join("exercise-tests"),
            learner: LearnerEnd::new(format!("{exercise_id}.rs"), learner),
        }
    }

    /// The crate root's text. The hidden tests sit in `grading` inside a module whose
    /// name carries `nonce`, so a result line printed by the learner's code (which cannot
    /// know the nonce without digging through its own binary) never names a real test.
    /// The learner's lines come first and unchanged, so diagnostics map 1:1.
    pub fn combined_source(&self, learner: &str, nonce: &str) -> String {
        let mut text = String::with_capacity(learner.len() + 200);
        text.push_str(learner);
        if !learner.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "#[cfg(test)] mod {} {{ use super::*; #[path = {:?}] mod {}; }}\n",
            module_name(nonce),
            self.tests.display().to_string(),
            super::hidden::MODULE
        ));
        text
    }

    /// Which file and line a path printed by rustc or a panic refers to. A place in the
    /// appended line is the end of the learner's text (see [`LearnerEnd`]).
    pub fn locate(&self, file: &str, line: usize, column: usize) -> Location {
        let file = if Path::new(file) == self.combined {
            if line > self.learner.line {
                return Location {
                    file: SourceFile::Learner,
                    line: self.learner.line,
                    column: self.learner.column(),
                };
            }
            SourceFile::Learner
        } else if Path::new(file) == self.tests {
            SourceFile::HiddenTests
        } else {
            SourceFile::Other(file.to_owned())
        };
        Location { file, line, column }
    }

    /// Replaces our build paths in a message with the names the learner knows.
    pub fn rewrite(&self, text: &str) -> String {
        text.replace(&self.combined.display().to_string(), &self.learner.name)
            .replace(&self.tests.display().to_string(), HIDDEN_TESTS_NAME)
    }
}

/// The module the hidden tests are wrapped in.
pub fn module_name(nonce: &str) -> String {
    format!("wb_{nonce}")
}

/// rustc's arguments. Measured on the target machines (see the README): a dynamically
/// linked test binary (`-C prefer-dynamic`) links in a fraction of the time of a static
/// one, no debug info saves writing it, and incremental compilation in a per-exercise
/// folder reuses the untouched hidden tests between edits. The bundled `rust-lld` and an
/// `--emit=metadata` pre-pass were measured too and made a check slower, not faster.
/// `--diagnostic-width` is wide enough that rustc never cuts quoted lines to fit: it
/// would cut the learner's lines to the margin of the long appended one.
/// `-F unsafe_code` forbids `unsafe` blocks and `#[no_mangle]`, `#[export_name]` and
/// `#[link_section]` (code placed in `.init_array` to run before `main`); an `allow` in
/// the file cannot lift a `forbid` given on the command line.
pub fn rustc_args(files: &BuildFiles, crate_name: &str, incremental: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--edition",
        "2021",
        "--test",
        "--crate-name",
        crate_name,
        "--error-format=json",
        "--diagnostic-width=1000",
        "-C",
        "prefer-dynamic",
        "-C",
        "debuginfo=0",
        "-F",
        "unsafe_code",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    let mut inc = OsString::from("incremental=");
    inc.push(incremental);
    args.extend([OsString::from("-C"), inc, "-o".into()]);
    args.push(files.binary.clone().into_os_string());
    args.push(files.combined.clone().into_os_string());
    args
}

/// A crate name rustc accepts for an exercise id.
pub fn crate_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("exercise_{name}")
    }
}

#[derive(Debug, Deserialize)]
struct RustcMessage {
    message: String,
    level: String,
    #[serde(default)]
    spans: Vec<RustcSpan>,
    rendered: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RustcSpan {
    file_name: String,
    line_start: usize,
    column_start: usize,
    is_primary: bool,
}

/// Parses rustc's `--error-format=json` stderr into diagnostics, dropping the closing
/// "aborting due to" and "N warnings emitted" tallies. Lines that are not JSON (a crash
/// of the compiler itself, a linker's own text) are kept as one extra error.
pub fn parse_diagnostics(stderr: &str, files: &BuildFiles) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut loose = String::new();
    for line in stderr.lines() {
        let Ok(msg) = serde_json::from_str::<RustcMessage>(line) else {
            if !line.trim().is_empty() {
                loose.push_str(line);
                loose.push('\n');
            }
            continue;
        };
        let level = match msg.level.as_str() {
            "error" | "error: internal compiler error" => Level::Error,
            "warning" => Level::Warning,
            _ => Level::Note,
        };
        if msg.spans.is_empty()
            && (msg.message.starts_with("aborting due to")
                || msg.message.ends_with("warnings emitted")
                || msg.message.ends_with("warning emitted"))
        {
            continue;
        }
        // Prefer the primary span in the learner's file: for an error inside a macro
        // or in the hidden tests, that is still where the learner can act.
        let located: Vec<Location> = msg
            .spans
            .iter()
            .filter(|s| s.is_primary)
            .map(|s| files.locate(&s.file_name, s.line_start, s.column_start))
            .collect();
        let location = located
            .iter()
            .find(|l| l.file == SourceFile::Learner)
            .or_else(|| located.first())
            .cloned();
        out.push(Diagnostic {
            level,
            message: msg.message.clone(),
            location,
            rendered: files
                .learner
                .hide_generated(&files.rewrite(msg.rendered.as_deref().unwrap_or(&msg.message))),
        });
    }
    if !loose.trim().is_empty() {
        out.push(Diagnostic {
            level: Level::Error,
            message: "the compiler or linker failed".to_owned(),
            location: None,
            rendered: files.rewrite(&loose),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BuildFiles {
        BuildFiles::new(Path::new("/b/x"), "demo", "line1\nline2\nline3\n")
    }

    #[test]
    fn the_learner_text_comes_first_and_unchanged() {
        let f = files();
        let text = f.combined_source("fn a() {}", "n0nce");
        assert!(text.starts_with("fn a() {}\n#[cfg(test)] mod wb_n0nce "));
        assert!(text.contains("#[path = \"/b/x/tests.rs\"] mod grading;"));
    }

    #[test]
    fn locations_map_to_the_learners_file_or_the_hidden_tests() {
        let f = files();
        assert_eq!(f.locate("/b/x/exercise.rs", 2, 5).file, SourceFile::Learner);
        // The appended line is the end of the learner's text.
        let end = f.locate("/b/x/exercise.rs", 4, 90);
        assert_eq!(
            (end.file, end.line, end.column),
            (SourceFile::Learner, 3, 6)
        );
        assert_eq!(
            f.locate("/b/x/tests.rs", 9, 1).file,
            SourceFile::HiddenTests
        );
    }

    #[test]
    fn diagnostics_are_parsed_and_paths_rewritten() {
        let f = files();
        let stderr = concat!(
            r#"{"$message_type":"diagnostic","message":"cannot find value `y`","level":"error","spans":[{"file_name":"/b/x/exercise.rs","line_start":3,"column_start":7,"is_primary":true}],"rendered":"error: cannot find value `y`\n --> /b/x/exercise.rs:3:7\n"}"#,
            "\n",
            r#"{"$message_type":"diagnostic","message":"aborting due to 1 previous error","level":"error","spans":[],"rendered":"error: aborting\n"}"#,
            "\n"
        );
        let d = parse_diagnostics(stderr, &f);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].level, Level::Error);
        let loc = d[0].location.clone().unwrap();
        assert_eq!(
            (loc.file, loc.line, loc.column),
            (SourceFile::Learner, 3, 7)
        );
        assert!(d[0].rendered.contains("--> demo.rs:3:7"));
    }

    #[test]
    fn an_error_on_the_appended_line_is_moved_to_the_learners_last_line() {
        let f = files();
        let ours = f.combined_source("line1\nline2\nline3\n", "n0nce");
        let ours = ours.lines().last().unwrap();
        let rendered = format!(
            "error: this file contains an unclosed delimiter\n --> /b/x/exercise.rs:4:{col}\n  |\n\
             1 | line1\n  |      - unclosed delimiter\n...\n4 | {ours}\n  |{pad}^\n\n",
            col = ours.len() + 1,
            pad = " ".repeat(ours.len() + 1)
        );
        let message = serde_json::json!({
            "message": "this file contains an unclosed delimiter",
            "level": "error",
            "spans": [
                {"file_name": "/b/x/exercise.rs", "line_start": 1, "column_start": 6, "is_primary": false},
                {"file_name": "/b/x/exercise.rs", "line_start": 4, "column_start": ours.len() + 1, "is_primary": true}
            ],
            "rendered": rendered,
        });
        let d = parse_diagnostics(&message.to_string(), &f);
        let loc = d[0].location.clone().unwrap();
        assert_eq!(
            (loc.file, loc.line, loc.column),
            (SourceFile::Learner, 3, 6)
        );
        assert!(
            d[0].rendered.contains("--> demo.rs:3:6"),
            "{}",
            d[0].rendered
        );
        assert!(
            d[0].rendered.contains("3 | line3\n  |      ^"),
            "{}",
            d[0].rendered
        );
        assert!(!d[0].rendered.contains("wb_n0nce"), "{}", d[0].rendered);
        assert!(!d[0].rendered.contains("grading"), "{}", d[0].rendered);
    }

    #[test]
    fn crate_names_are_identifiers() {
        assert_eq!(crate_name("validated-amount"), "validated_amount");
        assert_eq!(crate_name("9lives"), "exercise_9lives");
    }
}
