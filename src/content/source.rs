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

/// The largest content file read; real ones are a few KiB.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a content file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("missing")]
    Missing,
    #[error("it is a link to {0}, outside its folder; copy the file into the pack instead")]
    OutsidePack(String),
    #[error("it is not UTF-8 text (invalid byte at offset {0}); save it as UTF-8")]
    NotUtf8(usize),
    #[error("it is not a regular file, or larger than {} MiB", MAX_FILE_BYTES >> 20)]
    NotAFile,
    #[error("cannot read it: {0}")]
    Io(String),
}

impl ContentSource {
    /// Reads a text file; `None` when it cannot be read (see [`Self::read_text`]).
    pub fn read_to_string(&self, rel: &str) -> Option<String> {
        self.read_text(rel).ok()
    }

    /// Reads a text file, saying why not: missing, a link out of its pack, not UTF-8.
    pub fn read_text(&self, rel: &str) -> Result<String, ReadError> {
        let bytes = self.read_checked(rel)?;
        String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
    }

    /// Reads a binary file (images).
    pub fn read_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        self.read_checked(rel).ok()
    }

    /// The bytes of `rel`. On disk the file must resolve (links followed) inside its own
    /// top folder, `lessons/<pack>/` or `exercises/<id>/`, so a link cannot show a file
    /// from elsewhere as a lesson; it must be a regular file of bounded size.
    fn read_checked(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let root = match self {
            Self::Embedded => {
                return embedded_file(rel)
                    .map(<[u8]>::to_vec)
                    .ok_or(ReadError::Missing);
            }
            Self::Disk(root) => root,
        };
        let path = inside_own_folder(root, rel)?;
        let meta = std::fs::metadata(&path).map_err(|e| ReadError::Io(e.to_string()))?;
        if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
            return Err(ReadError::NotAFile);
        }
        std::fs::read(&path).map_err(|e| ReadError::Io(e.to_string()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        match self {
            Self::Embedded => embedded_file(rel).is_some(),
            Self::Disk(root) => inside_own_folder(root, rel).is_ok_and(|p| p.is_file()),
        }
    }

    /// Names of the sub-folders of `top` (`"lessons"` or `"exercises"`), sorted.
    pub fn folders(&self, top: &str) -> Vec<String> {
        self.entries(top, Entry::Folder)
    }

    /// Names of the files directly in `dir` (`"lessons/<pack>/drills"`), sorted; empty when
    /// there is no such folder.
    pub fn files(&self, dir: &str) -> Vec<String> {
        self.entries(dir, Entry::File)
    }

    /// The names of the folders or of the files directly in `dir`, sorted.
    fn entries(&self, dir: &str, kind: Entry) -> Vec<String> {
        let name = |path: &Path| path.file_name()?.to_str().map(str::to_owned);
        let mut names: Vec<String> = match self {
            Self::Embedded => {
                let folder = match dir.split_once('/') {
                    Some((top, rest)) => embedded_root(top).and_then(|d| d.get_dir(rest)),
                    None => embedded_root(dir),
                };
                folder
                    .map(|d| match kind {
                        Entry::Folder => d.dirs().filter_map(|sub| name(sub.path())).collect(),
                        Entry::File => d.files().filter_map(|f| name(f.path())).collect(),
                    })
                    .unwrap_or_default()
            }
            Self::Disk(root) => std::fs::read_dir(root.join(dir))
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| match kind {
                            Entry::Folder => p.is_dir(),
                            Entry::File => p.is_file(),
                        })
                        .filter_map(|p| name(&p))
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

/// What [`ContentSource::entries`] lists.
#[derive(Clone, Copy)]
enum Entry {
    Folder,
    File,
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

/// `root/rel` resolved (links followed), if it lies inside `root`'s folder named by the
/// first two parts of `rel` (`lessons/<pack>`).
fn inside_own_folder(root: &Path, rel: &str) -> Result<PathBuf, ReadError> {
    let path = root.join(rel);
    let real = match std::fs::canonicalize(&path) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Io(e.to_string())),
    };
    let own: PathBuf = Path::new(rel).components().take(2).collect();
    let folder = std::fs::canonicalize(root.join(own)).map_err(|e| ReadError::Io(e.to_string()))?;
    if real.starts_with(&folder) {
        Ok(real)
    } else {
        Err(ReadError::OutsidePack(real.display().to_string()))
    }
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
    fn links_out_of_the_pack_and_non_utf8_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("lessons/p");
        std::fs::create_dir_all(&pack).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), pack.join("01.md")).unwrap();
        std::fs::write(pack.join("02.md"), b"ok \xff").unwrap();
        std::fs::write(pack.join("real.md"), "inside").unwrap();
        std::os::unix::fs::symlink(pack.join("real.md"), pack.join("03.md")).unwrap();
        let src = ContentSource::Disk(dir.path().to_owned());
        assert!(matches!(
            src.read_text("lessons/p/01.md"),
            Err(ReadError::OutsidePack(_))
        ));
        assert!(!src.exists("lessons/p/01.md"));
        assert_eq!(src.read_text("lessons/p/02.md"), Err(ReadError::NotUtf8(3)));
        assert_eq!(src.read_text("lessons/p/03.md").as_deref(), Ok("inside"));
        assert_eq!(src.read_text("lessons/p/04.md"), Err(ReadError::Missing));
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
