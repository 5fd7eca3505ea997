//! The learner's progress on disk: one versioned RON file in the data dir.
//!
//! Writes are atomic (temp file, fsync, rename, fsync of the folder), so a crash at any
//! point leaves either the old file or the new one, never a torn one. A file that cannot
//! be read as progress (bad RON, not UTF-8, too large, a directory, a FIFO or device) is
//! moved aside to a timestamped copy and the app starts fresh, telling the user where the
//! copy is: progress is never reset silently. A file from a newer schema version is
//! opened read-only: saving it would drop what this version does not know.
//!
//! Two processes may write the file: the app, and `workbook check`, which records its
//! checks while the app may be open. Every read-merge-write holds an advisory lock
//! (`.progress.ron.lock`, `flock` through `fs4`), so no two writers interleave. Each store
//! remembers which file it last read or wrote (inode, size, modification time); if the
//! file changed behind it, a save first folds the other writer's exercise records and study
//! days into its own (the only parts the command writes), adding up what each side did
//! since.

pub mod progress;

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use progress::{Progress, Settings};

use crate::runner::ExerciseProgress;

/// The progress file's name inside the data dir.
pub const FILE_NAME: &str = "progress.ron";
/// The schema version this build writes. Loading accepts this and older versions.
pub const SCHEMA_VERSION: u32 = 1;
/// The largest progress file read (real ones are a few hundred KiB); a larger one is
/// treated as unreadable rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// How much of a bad input is quoted in a message or the log.
pub const QUOTE_LIMIT: usize = 300;
/// The advisory lock every writer holds around read-merge-write.
const LOCK_NAME: &str = ".progress.ron.lock";
/// Temp files are `.progress.ron.tmp-<pid>-<n>`; a dead pid's are removed at open.
const TMP_PREFIX: &str = ".progress.ron.tmp-";

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

/// Which file a store last saw: a rename makes a new inode, so this changes with every
/// write even on a filesystem with coarse modification times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
}

/// Progress plus where it lives.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    pub progress: Progress,
    /// Set when the file was written by a newer version: the sentence for a banner.
    /// Saves are skipped so that file is never rewritten without its new fields.
    pub read_only: Option<String>,
    /// The file after this store last read or wrote it.
    seen: Option<Seen>,
    /// The exercise records as of that moment: the base of a merge.
    base: ExerciseProgress,
}

/// A parsed file: the progress, and the newer version it came from, if it did.
struct Parsed {
    progress: Progress,
    newer: Option<u32>,
}

impl Store {
    /// Opens (or creates) the store in `dir`. A corrupt file is quarantined and reported in
    /// the second value; only I/O failures (e.g. an unwritable dir) are errors. Temp files
    /// of killed writers are removed first.
    pub fn open(dir: &Path) -> Result<(Self, Option<Quarantined>)> {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data dir {}", dir.display()))?;
        remove_stale_temp_files(dir);
        let _lock = lock(dir)?;
        let path = dir.join(FILE_NAME);
        let mut quarantined = None;
        let parsed = match read_file(&path)? {
            Contents::Missing => None,
            Contents::Unreadable(reason) => {
                quarantined = Some(move_aside(&path, reason, true)?);
                None
            }
            Contents::Text(text) => match parse(&text) {
                Ok(parsed) => Some(parsed),
                Err(reason) => {
                    quarantined = Some(move_aside(&path, reason, true)?);
                    None
                }
            },
        };
        let (progress, newer) =
            parsed.map_or((Progress::default(), None), |p| (p.progress, p.newer));
        Ok((
            Self {
                dir: dir.to_owned(),
                base: progress.exercises.clone(),
                progress,
                read_only: newer.map(read_only_banner),
                seen: seen(&path),
            },
            quarantined,
        ))
    }

    /// Reads the progress in `dir` without changing anything there, for commands that
    /// only look (a missing file is empty progress; an unreadable one is an error naming
    /// it, left where it is).
    pub fn read_progress(dir: &Path) -> Result<Progress> {
        let path = dir.join(FILE_NAME);
        match read_file(&path)? {
            Contents::Missing => Ok(Progress::default()),
            Contents::Unreadable(reason) => anyhow::bail!("{}: {reason}", path.display()),
            Contents::Text(text) => parse(&text)
                .map(|p| p.progress)
                .map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display())),
        }
    }

    /// Reads, changes and writes the progress in `dir` under the lock, for a writer that
    /// does one thing and leaves (`workbook check`): nothing another process writes can
    /// fall between its read and its write. Returns what was quarantined, if anything.
    pub fn update(dir: &Path, change: impl FnOnce(&mut Progress)) -> Result<Update> {
        let (mut store, at_open) = Self::open(dir)?;
        if let Some(banner) = store.read_only.clone() {
            return Ok(Update::ReadOnly(banner));
        }
        let _lock = lock(dir)?;
        let path = store.path();
        // Anything written between open and the lock is taken in before the change.
        let at_reread = store.merge_if_changed(&path)?;
        change(&mut store.progress);
        store.write_locked(&path)?;
        Ok(Update::Saved(at_open.or(at_reread)))
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
    /// it is moved aside and reported in the result, for the user to be told. A store
    /// opened read-only writes nothing.
    pub fn save(&mut self) -> Result<Option<Quarantined>> {
        if self.read_only.is_some() {
            tracing::debug!("progress is read-only (a newer version wrote it); not saved");
            return Ok(None);
        }
        let _lock = lock(&self.dir)?;
        let path = self.path();
        let quarantined = self.merge_if_changed(&path)?;
        self.write_locked(&path)?;
        Ok(quarantined)
    }

    /// With the lock held: folds in what another process wrote since this store's last
    /// read or write. A file that no longer reads is moved aside, as at start-up.
    fn merge_if_changed(&mut self, path: &Path) -> Result<Option<Quarantined>> {
        let now = seen(path);
        if now.is_none() || now == self.seen {
            return Ok(None);
        }
        let reason = match read_file(path)? {
            Contents::Missing => return Ok(None),
            Contents::Unreadable(reason) => reason,
            Contents::Text(text) => match parse(&text) {
                Ok(theirs) if theirs.newer.is_some() => {
                    anyhow::bail!(
                        "{} was replaced by a newer version's file; not overwriting it",
                        path.display()
                    )
                }
                Ok(theirs) => {
                    self.progress.activity.merge(&theirs.progress.activity);
                    let exercises = theirs.progress.exercises;
                    self.progress.exercises.merge(&self.base, &exercises);
                    self.base = exercises;
                    tracing::info!(
                        "progress file changed by another process; exercise records and study days merged"
                    );
                    return Ok(None);
                }
                Err(reason) => reason,
            },
        };
        Ok(Some(move_aside(path, reason, false)?))
    }

    /// With the lock held: writes the progress (through a symlink, if the path is one).
    fn write_locked(&mut self, path: &Path) -> Result<()> {
        let envelope = Envelope {
            version: SCHEMA_VERSION,
            progress: self.progress.clone(),
        };
        let text = ron::ser::to_string_pretty(&envelope, ron::ser::PrettyConfig::default())
            .context("cannot serialise progress")?;
        write_atomically(&link_target(path), text.as_bytes())?;
        self.seen = seen(path);
        self.base = self.progress.exercises.clone();
        Ok(())
    }
}

/// What [`Store::update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Written; an unreadable file found on the way was moved aside.
    Saved(Option<Quarantined>),
    /// Not written: the file belongs to a newer version (the banner text says so).
    ReadOnly(String),
}

fn read_only_banner(version: u32) -> String {
    format!(
        "Your progress file was written by a newer version of the workbook (schema {version}; \
         this one knows {SCHEMA_VERSION}). It is open read-only: nothing you do now is saved. \
         Update the workbook to go on recording progress."
    )
}

/// Takes the advisory lock of `dir`'s progress file, waiting for another writer.
fn lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_NAME);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    fs4::FileExt::lock(&file).with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(file)
}

/// Parses a progress file's text as a load would (settings sanitised); the error is the
/// reason a load would give for quarantining it. For tools and the fuzz tests.
pub fn parse_text(text: &str) -> Result<Progress, String> {
    parse(text).map(|p| p.progress)
}

fn parse(text: &str) -> Result<Parsed, String> {
    let envelope: Envelope = ron::from_str(text)
        .map_err(|e| quote(&format!("line {}: {}", e.span.start.line, e.code)))?;
    let newer = (envelope.version > SCHEMA_VERSION).then_some(envelope.version);
    if let Some(version) = newer {
        tracing::warn!(
            version,
            "progress written by a newer version; opened read-only"
        );
    }
    let mut progress = envelope.progress;
    for fixed in progress.settings.sanitize() {
        tracing::warn!("progress settings: {}", quote(&fixed));
    }
    Ok(Parsed { progress, newer })
}

/// At most [`QUOTE_LIMIT`] characters of `text`, marked when cut.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}... ({} bytes in all)", &text[..at], text.len()),
    }
}

/// What is at the progress file's path.
enum Contents {
    Missing,
    Text(String),
    /// Something that is no progress file; the text says what.
    Unreadable(String),
}

/// Reads the file without ever blocking or reading without bound: it is opened
/// non-blocking (a FIFO does not wait for a writer), must be a regular file (not a
/// directory or device such as `/dev/zero`), at most [`MAX_FILE_BYTES`] long, and UTF-8.
fn read_file(path: &Path) -> Result<Contents> {
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => file,
        // A symlink to a file not made yet counts as missing: the first save creates it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::Missing),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        return Ok(Contents::Unreadable(
            "it is a folder, not a file".to_owned(),
        ));
    }
    if !meta.is_file() {
        return Ok(Contents::Unreadable(
            "it is not a regular file (a FIFO, socket or device)".to_owned(),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Contents::Unreadable(format!(
            "it is {} MiB, far larger than any progress file",
            meta.len() >> 20
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Contents::Text(text)),
        Err(e) => Ok(Contents::Unreadable(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))),
    }
}

/// Quarantines an unreadable progress file and says so in the log.
fn move_aside(path: &Path, reason: String, at_start: bool) -> Result<Quarantined> {
    let copy = quarantine(path)?;
    tracing::warn!(copy = %copy.display(), reason = %quote(&reason), "progress file unreadable; moved aside");
    Ok(Quarantined {
        copy,
        reason,
        at_start,
    })
}

fn seen(path: &Path) -> Option<Seen> {
    let m = fs::metadata(path).ok()?;
    Some(Seen {
        dev: m.dev(),
        ino: m.ino(),
        len: m.len(),
        mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
    })
}

/// The file a save replaces: the target of a symlink (so the link stays a link), or the
/// path itself.
fn link_target(path: &Path) -> PathBuf {
    match fs::read_link(path) {
        Ok(target) if target.is_absolute() => target,
        Ok(target) => path.parent().map_or(target.clone(), |dir| dir.join(target)),
        Err(_) => path.to_owned(),
    }
}

/// Moves an unreadable file to `<name>.corrupt-<UTC timestamp>` beside it.
fn quarantine(path: &Path) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let copy = path.with_extension(format!("ron.corrupt-{stamp}"));
    fs::rename(path, &copy).with_context(|| format!("cannot move {} aside", path.display()))?;
    Ok(copy)
}

/// Removes the temp files of writers that died between writing and renaming them.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut removed = 0usize;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(TMP_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<libc::pid_t>().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "temp files of interrupted saves removed");
    }
}

/// Whether a process with this id exists (it may belong to another user).
pub fn process_alive(pid: libc::pid_t) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Writes `bytes` to `path` so that readers see the old content or the new, never a mix:
/// write a temp file in the same folder, fsync it, rename it over the target, fsync the
/// folder so the rename itself is durable.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().context("path has no parent folder")?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
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
    fn a_newer_versions_file_is_read_but_never_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"(version: 9, progress: (settings: (last_screen: "Flashcards", hologram: true), future_feature: [1, 2]))"#;
        fs::write(dir.path().join(FILE_NAME), text).unwrap();
        let (mut store, q) = Store::open(dir.path()).unwrap();
        assert!(q.is_none());
        assert_eq!(store.progress.settings.last_screen, "Flashcards");
        assert!(
            store
                .read_only
                .as_deref()
                .unwrap()
                .contains("newer version")
        );
        store.progress.settings.last_screen = "Lesson".into();
        store.save().unwrap();
        let update = Store::update(dir.path(), |p| p.settings.zoom = 2.0).unwrap();
        assert!(matches!(update, Update::ReadOnly(_)));
        assert_eq!(
            fs::read_to_string(dir.path().join(FILE_NAME)).unwrap(),
            text
        );
    }

    #[test]
    fn settings_out_of_range_are_clamped_on_load() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(FILE_NAME),
            "(version: 1, progress: (settings: (zoom: NaN, window_size: Some((1e30, 600.0)))))",
        )
        .unwrap();
        let (store, q) = Store::open(dir.path()).unwrap();
        assert!(q.is_none());
        assert_eq!(store.progress.settings.zoom, 1.0);
        assert_eq!(store.progress.settings.window_size, None);
        fs::write(
            dir.path().join(FILE_NAME),
            "(version: 1, progress: (settings: (zoom: 40.0)))",
        )
        .unwrap();
        let (store, _) = Store::open(dir.path()).unwrap();
        assert_eq!(store.progress.settings.zoom, progress::ZOOM_RANGE.1);
    }

    /// Each kind of thing that is no progress file is moved aside with a reason, and a
    /// FIFO or a link to `/dev/zero` neither hangs nor fills memory.
    #[test]
    fn what_is_not_a_progress_file_is_moved_aside_without_hanging() {
        type Make = fn(&Path);
        let cases: [(&str, Make); 4] = [
            ("not UTF-8", |p| {
                fs::write(p, b"(version: 1, \xff\xfe)").unwrap()
            }),
            ("folder", |p| fs::create_dir(p).unwrap()),
            ("FIFO", |p| {
                let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
                // SAFETY: `c` is a valid NUL-terminated path.
                assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            }),
            ("FIFO", |p| {
                std::os::unix::fs::symlink("/dev/zero", p).unwrap()
            }),
        ];
        for (what, make) in cases {
            let dir = tempfile::tempdir().unwrap();
            make(&dir.path().join(FILE_NAME));
            let (mut store, q) = Store::open(dir.path()).unwrap();
            let q = q.unwrap_or_else(|| panic!("{what}: not reported"));
            assert!(q.at_start);
            assert!(
                q.reason.contains(what) || what == "FIFO" && q.reason.contains("regular"),
                "{what}: {}",
                q.reason
            );
            store.save().unwrap();
            assert!(Store::read_progress(dir.path()).is_ok(), "{what}");
        }
    }

    #[test]
    fn a_symlinked_file_is_written_through_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("synced").join("progress.ron");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        let data = dir.path().join("data");
        fs::create_dir_all(&data).unwrap();
        std::os::unix::fs::symlink(&real, data.join(FILE_NAME)).unwrap();
        let (mut store, q) = Store::open(&data).unwrap();
        assert!(q.is_none(), "a link to a file not made yet is no error");
        store.progress.settings.last_screen = "Exercises".into();
        store.save().unwrap();
        assert!(
            fs::symlink_metadata(data.join(FILE_NAME))
                .unwrap()
                .is_symlink()
        );
        assert!(fs::read_to_string(&real).unwrap().contains("Exercises"));
        store.progress.settings.last_screen = "Lesson".into();
        store.save().unwrap();
        assert!(
            fs::symlink_metadata(data.join(FILE_NAME))
                .unwrap()
                .is_symlink()
        );
        assert!(fs::read_to_string(&real).unwrap().contains("Lesson"));
    }

    #[test]
    fn temp_files_of_dead_writers_are_removed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(format!("{TMP_PREFIX}999999999-0"));
        let mine = dir
            .path()
            .join(format!("{TMP_PREFIX}{}-7", std::process::id()));
        fs::write(&dead, "(version: 1, progr").unwrap();
        fs::write(&mine, "(version: 1, progr").unwrap();
        Store::open(dir.path()).unwrap();
        assert!(!dead.exists());
        assert!(mine.exists(), "a live writer's temp file is left alone");
    }

    #[test]
    fn bad_input_is_quoted_at_most_a_few_hundred_characters() {
        let long = "x".repeat(1_000_000);
        assert!(quote(&long).len() < QUOTE_LIMIT + 40);
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(FILE_NAME),
            format!("(version: 1, progress: (settings: (last_screen: {long})))"),
        )
        .unwrap();
        let (_, q) = Store::open(dir.path()).unwrap();
        assert!(q.unwrap().reason.len() < QUOTE_LIMIT + 40);
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
