//! The learner's copies: `<data-dir>/exercises/<id>.rs`, made from the starter on first
//! use. The originals in `exercises/` are never written.

use std::path::{Path, PathBuf};

use super::exercise::Exercise;

/// Where the runner keeps builds, incremental caches and cached results.
pub fn cache_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("cache").join("runner")
}

/// The learner's copy of an exercise.
pub fn copy_path(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join("exercises").join(format!("{id}.rs"))
}

/// Reads the learner's copy, if there is one.
pub fn read_copy(data_dir: &Path, id: &str) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(copy_path(data_dir, id)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads the learner's copy, creating it from the starter first if it is missing.
pub fn open_copy(data_dir: &Path, exercise: &Exercise) -> std::io::Result<String> {
    match read_copy(data_dir, &exercise.id)? {
        Some(text) => Ok(text),
        None => {
            write_copy(data_dir, &exercise.id, &exercise.starter)?;
            Ok(exercise.starter.clone())
        }
    }
}

/// Saves the learner's copy atomically (write a sibling, then rename), so a crash never
/// leaves half a file.
pub fn write_copy(data_dir: &Path, id: &str, text: &str) -> std::io::Result<()> {
    let path = copy_path(data_dir, id);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension("rs.saving");
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Difficulty;

    fn exercise() -> Exercise {
        Exercise {
            id: "demo".into(),
            title: "Demo".into(),
            lesson: "l".into(),
            section: "s".into(),
            difficulty: Difficulty::Easy,
            points: 1,
            hints: vec![],
            starter: "// start\n".into(),
            tests: String::new(),
            solution: String::new(),
        }
    }

    #[test]
    fn the_copy_is_made_from_the_starter_once_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_copy(dir.path(), "demo").unwrap(), None);
        assert_eq!(open_copy(dir.path(), &exercise()).unwrap(), "// start\n");
        write_copy(dir.path(), "demo", "// mine\n").unwrap();
        assert_eq!(open_copy(dir.path(), &exercise()).unwrap(), "// mine\n");
        assert!(copy_path(dir.path(), "demo").ends_with("exercises/demo.rs"));
    }
}
