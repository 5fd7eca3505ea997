//! An exercise's task statement, `exercises/<id>/task.md`: Markdown, rendered in the pane
//! beside the editor, as Exercism and Brilliant put the prose beside the code. The starter
//! file keeps only code and short doc comments, so `workbook validate` also flags a
//! starter whose leading `//!` block still holds a statement.

use crate::content::{ContentSource, Problem};
use crate::runner::Catalog;

/// The longest leading `//!` block a starter may keep: a one-line summary, not the task.
pub const MAX_STARTER_DOC_LINES: usize = 3;

/// Where an exercise's task statement lives, relative to the content root.
pub fn path(id: &str) -> String {
    format!("exercises/{id}/task.md")
}

/// Reads an exercise's task statement.
pub fn load(source: &ContentSource, id: &str) -> Result<String, Problem> {
    let path = path(id);
    match source.read_to_string(&path) {
        None => Err(Problem::whole_file(
            &path,
            "missing task.md (the task statement shown beside the editor)",
        )),
        Some(text) if text.trim().is_empty() => Err(Problem::whole_file(&path, "task.md is empty")),
        Some(text) => Ok(text),
    }
}

/// Every exercise's task file, and starters that still carry their statement.
pub fn check(source: &ContentSource, catalog: &Catalog) -> Vec<Problem> {
    let mut problems = Vec::new();
    for exercise in &catalog.exercises {
        if let Err(p) = load(source, &exercise.id) {
            problems.push(p);
        }
        let doc_lines = exercise
            .starter
            .lines()
            .take_while(|l| l.trim_start().starts_with("//!"))
            .count();
        if doc_lines > MAX_STARTER_DOC_LINES {
            problems.push(Problem::new(
                format!("exercises/{}/starter.rs", exercise.id),
                MAX_STARTER_DOC_LINES + 1,
                1,
                format!(
                    "the starter opens with {doc_lines} lines of `//!`: move the task statement \
                     to task.md (shown beside the editor) and keep at most \
                     {MAX_STARTER_DOC_LINES} here"
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_exercise_has_its_task_and_a_short_starter() {
        let source = ContentSource::Embedded;
        let catalog = crate::runner::load_catalog(&source, None);
        assert!(!catalog.exercises.is_empty());
        let problems = check(&source, &catalog);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_missing_task_and_a_long_statement_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("exercises/demo");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("exercise.ron"),
            r#"(id: "demo", title: "Demo", lesson: "l", section: "s",
                difficulty: Easy, points: 1, hints: ["h"])"#,
        )
        .unwrap();
        let long = "//! # Demo\n//!\n//! The task.\n//! More of it.\npub fn f() {}\n";
        std::fs::write(folder.join("starter.rs"), long).unwrap();
        std::fs::write(folder.join("solution.rs"), "pub fn f() {}").unwrap();
        std::fs::write(folder.join("tests.rs"), "#[test]\nfn t() {}").unwrap();
        let source = ContentSource::Disk(dir.path().to_owned());
        let catalog = crate::runner::load_catalog(&source, None);
        let text: Vec<String> = check(&source, &catalog)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].starts_with("exercises/demo/task.md:1:1: missing task.md"));
        assert!(
            text[1].starts_with("exercises/demo/starter.rs:4:1: the starter opens with 4 lines")
        );

        std::fs::write(folder.join("task.md"), "Write `f`.\n").unwrap();
        std::fs::write(folder.join("starter.rs"), "//! Demo.\npub fn f() {}\n").unwrap();
        let catalog = crate::runner::load_catalog(&source, None);
        assert!(check(&source, &catalog).is_empty());
        assert_eq!(load(&source, "demo").unwrap(), "Write `f`.\n");
    }
}
