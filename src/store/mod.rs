//! The learner's progress on disk: one versioned RON file in the data dir.
//!
//! Writes are atomic (temp file, fsync, rename, fsync of the folder), so a crash at any
//! point leaves either the old file or the new one, never a torn one. A file that fails
//! to parse is moved aside to a timestamped copy and the app starts fresh, telling the
//! user where the copy is: progress is never reset silently. Unknown fields (written by
//! a newer version) are ignored on load.
//!
//! Two processes may write the file: the app, and `workbook check`, which records its
//! checks while the app may be open. Each store remembers the file's modification time
//! from its own last read or write; if the file changed behind it, a save first folds the
//! other writer's exercise records and study days into its own (the only parts the command
//! writes), so neither side's checks are lost.

pub mod progress;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use progress::{Progress, Settings};

/// The progress file's name inside the data dir.
pub const FILE_NAME: &str = "progress.ron";
/// The schema version this build writes. Loading accepts this and older versions.
pub const SCHEMA_VERSION: u32 = 1;

/// The on-disk envelope: a version next to the data, so future builds can migrate.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    version: u32,
    #[serde(default)]
    progress: Progress,
}

/// What happened to an unreadable progress file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// Where the unreadable file was moved to; it is kept, never deleted.
    pub copy: PathBuf,
    /// Why it could not be read.
    pub reason: String,
    /// Found when the store was opened (the app starts fresh), rather than at a save,
    /// where another process had written it (the app's progress is saved in its place).
    pub at_start: bool,
}

/// Progress plus where it lives.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    pub progress: Progress,
    /// The file's modification time after this store last read or wrote it.
    seen: Option<SystemTime>,
}

impl Store {
    /// Opens (or creates) the store in `dir`. A corrupt file is quarantined and reported in
    /// the second value; only I/O failures (e.g. an unwritable dir) are errors.
    pub fn open(dir: &Path) -> Result<(Self, Option<Quarantined>)> {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data dir {}", dir.display()))?;
        let path = dir.join(FILE_NAME);
        let mut quarantined = None;
        let progress = match read_if_exists(&path)?.map(|text| parse(&text)) {
            None => Progress::default(),
            Some(Ok(progress)) => progress,
            Some(Err(reason)) => {
                quarantined = Some(move_aside(&path, reason, true)?);
                Progress::default()
            }
        };
        Ok((
            Self {
                dir: dir.to_owned(),
                progress,
                seen: modified(&path),
            },
            quarantined,
        ))
    }

    /// Reads the progress in `dir` without changing anything there, for commands that
    /// only look (a missing file is empty progress; a corrupt one is an error naming it,
    /// left where it is).
    pub fn read_progress(dir: &Path) -> Result<Progress> {
        let path = dir.join(FILE_NAME);
        match read_if_exists(&path)? {
            None => Ok(Progress::default()),
            Some(text) => {
                parse(&text).map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display()))
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Writes the current progress atomically. Call after every change that matters.
    /// If another process wrote the file since this store last touched it, its exercise
    /// records are merged in first (see the module doc); if what it wrote cannot be read,
    /// it is moved aside and reported in the result, for the user to be told.
    pub fn save(&mut self) -> Result<Option<Quarantined>> {
        let path = self.path();
        let mut quarantined = None;
        if let Some(now) = modified(&path)
            && self.seen != Some(now)
        {
            quarantined = self.merge_from_disk(&path)?;
        }
        let envelope = Envelope {
            version: SCHEMA_VERSION,
            progress: self.progress.clone(),
        };
        let text = ron::ser::to_string_pretty(&envelope, ron::ser::PrettyConfig::default())
            .context("cannot serialise progress")?;
        write_atomically(&path, text.as_bytes())?;
        self.seen = modified(&path);
        Ok(quarantined)
    }

    /// Folds the exercise records of the file another process wrote into this store's.
    /// A file that no longer parses is moved aside, as at start-up, rather than lost.
    fn merge_from_disk(&mut self, path: &Path) -> Result<Option<Quarantined>> {
        let Some(text) = read_if_exists(path)? else {
            return Ok(None);
        };
        match parse(&text) {
            Ok(theirs) => {
                self.progress.exercises.merge(&theirs.exercises);
                self.progress.activity.merge(&theirs.activity);
                tracing::info!(
                    "progress file changed by another process; exercise records and study days merged"
                );
                Ok(None)
            }
            Err(reason) => Ok(Some(move_aside(path, reason, false)?)),
        }
    }
}

fn parse(text: &str) -> Result<Progress, String> {
    let envelope: Envelope =
        ron::from_str(text).map_err(|e| format!("line {}: {}", e.span.start.line, e.code))?;
    if envelope.version > SCHEMA_VERSION {
        tracing::info!(
            version = envelope.version,
            "progress written by a newer version; unknown fields are ignored"
        );
    }
    Ok(envelope.progress)
}

/// The file's text, or `None` if there is no file.
fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Quarantines an unreadable progress file and says so in the log.
fn move_aside(path: &Path, reason: String, at_start: bool) -> Result<Quarantined> {
    let copy = quarantine(path)?;
    tracing::warn!(copy = %copy.display(), %reason, "progress file unreadable; moved aside");
    Ok(Quarantined {
        copy,
        reason,
        at_start,
    })
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Moves an unreadable file to `<name>.corrupt-<UTC timestamp>` beside it.
fn quarantine(path: &Path) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let copy = path.with_extension(format!("ron.corrupt-{stamp}"));
    fs::rename(path, &copy).with_context(|| format!("cannot move {} aside", path.display()))?;
    Ok(copy)
}

/// Writes `bytes` to `path` so that readers see the old content or the new, never a mix:
/// write a temp file in the same folder, fsync it, rename it over the target, fsync the
/// folder so the rename itself is durable.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("path has no parent folder")?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let mut file =
        File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot flush {}", tmp.display()))?;
    drop(file);
    fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    if let Ok(d) = File::open(dir) {
        // Best effort: not every platform can fsync a directory.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_progress() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, q) = Store::open(dir.path()).unwrap();
        assert!(q.is_none());
        store.progress.settings.last_screen = "Exercises".into();
        store.progress.lessons.read.insert("pack/section".into());
        store.save().unwrap();
        let (again, q) = Store::open(dir.path()).unwrap();
        assert!(q.is_none());
        assert_eq!(again.progress.settings.last_screen, "Exercises");
        assert!(again.progress.lessons.read.contains("pack/section"));
    }

    #[test]
    fn a_save_keeps_the_checks_another_process_recorded_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let (mut app, _) = Store::open(dir.path()).unwrap();
        app.save().unwrap();
        // `workbook check` runs while the app is open.
        let (mut cli, _) = Store::open(dir.path()).unwrap();
        cli.progress.exercises.record_mut("last-ticket").passed = true;
        cli.progress.exercises.record_mut("last-ticket").checks = 1;
        // Make sure the file's time moves even on a coarse clock.
        std::thread::sleep(std::time::Duration::from_millis(20));
        cli.save().unwrap();
        // The app goes on with its own changes and saves.
        app.progress.lessons.read.insert("pack/section".into());
        app.progress.exercises.record_mut("validated-amount").checks = 3;
        app.save().unwrap();

        let progress = Store::read_progress(dir.path()).unwrap();
        assert!(progress.lessons.read.contains("pack/section"));
        assert!(progress.exercises.record("last-ticket").passed);
        assert_eq!(progress.exercises.record("validated-amount").checks, 3);
        // With nothing changed behind it, a save merges nothing and keeps its own view.
        app.progress.lessons.read.clear();
        app.save().unwrap();
        assert!(
            Store::read_progress(dir.path())
                .unwrap()
                .lessons
                .read
                .is_empty()
        );
    }

    #[test]
    fn a_file_that_turned_unreadable_is_moved_aside_before_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.save().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(dir.path().join(FILE_NAME), "(version: 1, progress: (oops").unwrap();
        let reported = store.save().unwrap().expect("the user is told");
        assert!(!reported.at_start);
        let copies: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .collect();
        assert_eq!(copies.len(), 1);
        assert!(Store::read_progress(dir.path()).is_ok());
    }

    #[test]
    fn corrupt_file_is_moved_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(FILE_NAME),
            "(version: 1, progress: (settings: (",
        )
        .unwrap();
        let (store, q) = Store::open(dir.path()).unwrap();
        let q = q.expect("corruption must be reported");
        assert_eq!(
            fs::read_to_string(&q.copy).unwrap(),
            "(version: 1, progress: (settings: ("
        );
        assert!(
            !store.path().exists(),
            "nothing is written until the next save"
        );
        assert_eq!(
            store.progress.settings.last_screen,
            Settings::default().last_screen
        );
    }

    #[test]
    fn unknown_fields_from_a_newer_version_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"(version: 9, progress: (settings: (last_screen: "Flashcards", hologram: true), future_feature: [1, 2]))"#;
        fs::write(dir.path().join(FILE_NAME), text).unwrap();
        let (store, q) = Store::open(dir.path()).unwrap();
        assert!(q.is_none());
        assert_eq!(store.progress.settings.last_screen, "Flashcards");
    }

    #[test]
    fn crash_between_write_and_rename_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Store::open(dir.path()).unwrap();
        store.progress.settings.last_screen = "Lesson".into();
        store.save().unwrap();
        // A crash after the temp file was written but before the rename leaves a stray
        // temp file with half-written content next to the intact previous version.
        fs::write(
            dir.path().join(".progress.ron.tmp-999"),
            "(version: 1, progr",
        )
        .unwrap();
        let (again, q) = Store::open(dir.path()).unwrap();
        assert!(q.is_none());
        assert_eq!(again.progress.settings.last_screen, "Lesson");
    }
}
