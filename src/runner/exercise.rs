//! The exercise model: `exercises/<id>/exercise.ron` plus its three Rust files, loaded
//! from the content source and validated with file:line:column problems.

use serde::{Deserialize, Serialize};

use crate::content::problem::locate;
use crate::content::source::ReadError;
use crate::content::{ContentSource, Library, Problem};

/// How hard an exercise is, shown in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn label(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }
}

/// `exercise.ron` as written by an author.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseFile {
    id: String,
    title: String,
    lesson: String,
    section: String,
    difficulty: Difficulty,
    points: u32,
    hints: Vec<String>,
}

/// A loaded exercise with the text of its files.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub lesson: String,
    pub section: String,
    pub difficulty: Difficulty,
    pub points: u32,
    /// Revealed one at a time, in this order.
    pub hints: Vec<String>,
    /// What the learner starts from.
    pub starter: String,
    /// The hidden grading tests: the body of module `grading`.
    pub tests: String,
    /// The reference solution.
    pub solution: String,
}

/// Every exercise that loaded, in id order, and every problem found on the way.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub exercises: Vec<Exercise>,
    pub problems: Vec<Problem>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }
}

/// The Rust files every exercise folder holds.
const FILES: [&str; 3] = ["starter.rs", "tests.rs", "solution.rs"];

/// Loads every folder under `exercises/`. An exercise with a problem is left out; the
/// others still load. With a `library`, the lesson and section links are checked too.
pub fn load_catalog(source: &ContentSource, library: Option<&Library>) -> Catalog {
    let mut catalog = Catalog::default();
    for folder in source.folders("exercises") {
        match load_exercise(source, &folder, library) {
            Ok(exercise) => catalog.exercises.push(exercise),
            Err(problems) => catalog.problems.extend(problems),
        }
    }
    catalog
}

/// Loads and validates one exercise folder, collecting all of its problems.
pub fn load_exercise(
    source: &ContentSource,
    folder: &str,
    library: Option<&Library>,
) -> Result<Exercise, Vec<Problem>> {
    let base = format!("exercises/{folder}");
    let meta_path = format!("{base}/exercise.ron");
    let text = match source.read_text(&meta_path) {
        Ok(text) => text,
        Err(ReadError::Missing) => {
            return Err(vec![Problem::whole_file(
                &meta_path,
                "missing exercise.ron (every folder in exercises/ is an exercise)",
            )]);
        }
        Err(e) => {
            return Err(vec![Problem::whole_file(
                &meta_path,
                format!("exercise.ron: {e}"),
            )]);
        }
    };
    let meta: ExerciseFile =
        ron::from_str(&text).map_err(|e| vec![Problem::from_ron(&meta_path, &text, &e)])?;

    let mut problems = Vec::new();
    let at = |needle: &str, message: String| {
        let (line, column) = locate(&text, needle);
        Problem::new(&meta_path, line, column, message)
    };
    if meta.id != folder {
        problems.push(at(
            &format!("\"{}\"", meta.id),
            format!(
                "exercise id `{}` must match its folder name `{folder}`",
                meta.id
            ),
        ));
    }
    if meta.title.trim().is_empty() {
        problems.push(at("title", "the title is empty".to_owned()));
    }
    if meta.points == 0 {
        problems.push(at("points", "points must be at least 1".to_owned()));
    }
    if meta.hints.is_empty() {
        problems.push(at("hints", "give at least one hint".to_owned()));
    }
    if let Some(i) = meta.hints.iter().position(|h| h.trim().is_empty()) {
        problems.push(at("hints", format!("hint {} is empty", i + 1)));
    }
    if let Some(library) = library {
        match library.pack(&meta.lesson) {
            None => problems.push(at(
                &format!("\"{}\"", meta.lesson),
                format!("unknown lesson pack `{}`", meta.lesson),
            )),
            Some(pack) if pack.section(&meta.section).is_none() => problems.push(at(
                &format!("\"{}\"", meta.section),
                format!("lesson `{}` has no section `{}`", meta.lesson, meta.section),
            )),
            Some(_) => {}
        }
    }

    let mut texts = Vec::with_capacity(FILES.len());
    for name in FILES {
        let path = format!("{base}/{name}");
        match source.read_text(&path) {
            Ok(body) if body.trim().is_empty() => {
                problems.push(Problem::whole_file(&path, format!("{name} is empty")));
            }
            Ok(body) => texts.push(body),
            Err(ReadError::Missing) => problems.push(Problem::whole_file(
                &path,
                format!("missing {name} (an exercise needs {})", FILES.join(", ")),
            )),
            Err(e) => problems.push(Problem::whole_file(&path, format!("{name}: {e}"))),
        }
    }
    if let Some(tests) = texts.get(1)
        && !tests.contains("#[test]")
    {
        problems.push(Problem::whole_file(
            format!("{base}/tests.rs"),
            "tests.rs holds no `#[test]` function, so nothing could be graded",
        ));
    }
    if let [starter, tests, solution] = texts.as_slice() {
        for (name, text) in [("starter.rs", starter), ("solution.rs", solution)] {
            problems.extend(
                super::screen::learner_file(text)
                    .into_iter()
                    .map(|r| Problem::new(format!("{base}/{name}"), r.line, r.column, r.message)),
            );
        }
        problems.extend(
            super::screen::unqualified_macros(tests)
                .into_iter()
                .map(|r| Problem::new(format!("{base}/tests.rs"), r.line, r.column, r.message)),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let [starter, tests, solution]: [String; 3] = texts.try_into().map_err(|_| {
        vec![Problem::whole_file(
            &base,
            "exercise files could not be read",
        )]
    })?;
    Ok(Exercise {
        id: meta.id,
        title: meta.title,
        lesson: meta.lesson,
        section: meta.section,
        difficulty: meta.difficulty,
        points: meta.points,
        hints: meta.hints,
        starter,
        tests,
        solution,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &std::path::Path, id: &str, ron: &str, files: &[(&str, &str)]) {
        let dir = root.join("exercises").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("exercise.ron"), ron).unwrap();
        for (name, body) in files {
            std::fs::write(dir.join(name), body).unwrap();
        }
    }

    const GOOD: &str = r#"(id: "demo", title: "Demo", lesson: "l", section: "s",
        difficulty: Easy, points: 10, hints: ["a", "b", "c"])"#;
    const FILES_OK: [(&str, &str); 3] = [
        ("starter.rs", "pub fn f() {}"),
        ("tests.rs", "use super::*;\n#[test]\nfn t() { f() }"),
        ("solution.rs", "pub fn f() {}"),
    ];

    #[test]
    fn a_complete_exercise_loads() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "demo", GOOD, &FILES_OK);
        let catalog = load_catalog(&ContentSource::Disk(dir.path().into()), None);
        assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
        let ex = catalog.get("demo").unwrap();
        assert_eq!(ex.hints.len(), 3);
        assert_eq!(ex.difficulty, Difficulty::Easy);
    }

    #[test]
    fn unqualified_assertions_and_refused_starters_are_located() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "demo",
            GOOD,
            &[
                (
                    "starter.rs",
                    "pub fn f() {}\nfn g() { std::process::exit(0) }",
                ),
                (
                    "tests.rs",
                    "use super::*;\n#[test]\nfn t() { assert_eq!(f(), ()) }",
                ),
                ("solution.rs", "pub fn f() {}"),
            ],
        );
        let catalog = load_catalog(&ContentSource::Disk(dir.path().into()), None);
        let text: Vec<String> = catalog.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("exercises/demo/starter.rs:2:15: line 2: `process`")),
            "{text:?}"
        );
        assert!(
            text.iter().any(
                |t| t.starts_with("exercises/demo/tests.rs:3:10: line 3: `assert_eq!` must be")
            ),
            "{text:?}"
        );
    }

    #[test]
    fn a_ron_syntax_error_is_located() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "demo", "(id: \"demo\",\n title: 5)", &FILES_OK);
        let catalog = load_catalog(&ContentSource::Disk(dir.path().into()), None);
        let p = &catalog.problems[0];
        assert_eq!(p.file.to_str(), Some("exercises/demo/exercise.ron"));
        assert_eq!(p.line, 2);
    }

    #[test]
    fn wrong_id_missing_file_and_unknown_lesson_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "other",
            GOOD,
            &[("starter.rs", "x"), ("tests.rs", "no tests here")],
        );
        let library = Library::default();
        let catalog = load_catalog(&ContentSource::Disk(dir.path().into()), Some(&library));
        let text: Vec<String> = catalog.problems.iter().map(|p| p.to_string()).collect();
        assert!(text.iter().any(|t| t.contains("must match its folder")));
        assert!(text.iter().any(|t| t.contains("unknown lesson pack `l`")));
        assert!(text.iter().any(|t| t.contains("missing solution.rs")));
        assert!(text.iter().any(|t| t.contains("no `#[test]`")));
        assert!(text[0].starts_with("exercises/other/exercise.ron:1:"));
    }
}
