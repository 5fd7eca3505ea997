//! Where content comes from: the copy embedded in the binary at build time (so an
//! installed `workbook` works from any directory), or a folder on disk (`--content DIR`,
//! for authors, reloaded when a file changes).
//!
//! Both expose the same read-only view: paths relative to the content root, with `/`
//! separators, such as `lessons/scars-to-architecture/lesson.ron`.

use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};

static EMBEDDED_LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static EMBEDDED_EXERCISES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/exercises");

/// The root that lesson packs and exercises are read from.
#[derive(Debug, Clone)]
pub enum ContentSource {
    Embedded,
    /// A folder holding `lessons/` and `exercises/` (the repository root works).
    Disk(PathBuf),
}

impl ContentSource {
    /// Reads a text file; `None` when it does not exist or is not UTF-8.
    pub fn read_to_string(&self, rel: &str) -> Option<String> {
        match self {
            Self::Embedded => embedded_file(rel).and_then(|b| String::from_utf8(b.to_vec()).ok()),
            Self::Disk(root) => std::fs::read_to_string(root.join(rel)).ok(),
        }
    }

    /// Reads a binary file (images).
    pub fn read_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        match self {
            Self::Embedded => embedded_file(rel).map(<[u8]>::to_vec),
            Self::Disk(root) => std::fs::read(root.join(rel)).ok(),
        }
    }

    pub fn exists(&self, rel: &str) -> bool {
        match self {
            Self::Embedded => embedded_file(rel).is_some(),
            Self::Disk(root) => root.join(rel).is_file(),
        }
    }

    /// Names of the sub-folders of `top` (`"lessons"` or `"exercises"`), sorted.
    pub fn folders(&self, top: &str) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Self::Embedded => embedded_root(top)
                .map(|d| {
                    d.dirs()
                        .filter_map(|sub| sub.path().file_name()?.to_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            Self::Disk(root) => std::fs::read_dir(root.join(top))
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.path().is_dir())
                        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        };
        names.sort();
        names
    }

    /// The folder on disk, when content is read from disk (for the file watcher).
    pub fn disk_root(&self) -> Option<&Path> {
        match self {
            Self::Embedded => None,
            Self::Disk(root) => Some(root),
        }
    }

    /// Human-readable description for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Embedded => "built-in content".to_owned(),
            Self::Disk(root) => root.display().to_string(),
        }
    }
}

fn embedded_root(top: &str) -> Option<&'static Dir<'static>> {
    match top {
        "lessons" => Some(&EMBEDDED_LESSONS),
        "exercises" => Some(&EMBEDDED_EXERCISES),
        _ => None,
    }
}

fn embedded_file(rel: &str) -> Option<&'static [u8]> {
    let (top, rest) = rel.split_once('/')?;
    embedded_root(top)?.get_file(rest).map(|f| f.contents())
}

/// Joins `rel` (a path written inside a pack, such as a section file or an image) onto the
/// pack folder `base`, refusing anything that could escape it: absolute paths, `..`,
/// backslashes and drive prefixes.
pub fn join_inside(base: &str, rel: &str) -> Result<String, String> {
    if rel.is_empty() {
        return Err("empty path".to_owned());
    }
    if rel.contains('\\') {
        return Err(format!("path `{rel}` uses `\\`; write paths with `/`"));
    }
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            _ => {
                return Err(format!(
                    "path `{rel}` leaves the pack's folder; use a path inside it"
                ));
            }
        }
    }
    Ok(format!("{base}/{}", rel.trim_start_matches("./")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_inside_refuses_escapes() {
        assert!(join_inside("lessons/a", "../b/x.md").is_err());
        assert!(join_inside("lessons/a", "/etc/passwd").is_err());
        assert!(join_inside("lessons/a", "x/../../y.md").is_err());
        assert!(join_inside("lessons/a", "..\\y.md").is_err());
        assert_eq!(
            join_inside("lessons/a", "./img/x.png").as_deref(),
            Ok("lessons/a/img/x.png")
        );
    }

    #[test]
    fn embedded_content_has_the_first_lesson() {
        let src = ContentSource::Embedded;
        assert!(
            src.folders("lessons")
                .contains(&"scars-to-architecture".to_owned())
        );
        assert!(src.exists("lessons/scars-to-architecture/lesson.ron"));
    }
}
