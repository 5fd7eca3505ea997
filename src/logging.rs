//! Logging: `tracing` to stderr (warnings and up, so headless output stays clean) and to
//! `workbook.log` in the data dir (info and up), both overridable with `RUST_LOG`.
//!
//! The log file is bounded: when it passes [`MAX_LOG_BYTES`] it is rotated to
//! `workbook.log.1` (replacing the previous one), so it never grows without limit.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Largest size of the live log file before it is rotated.
pub const MAX_LOG_BYTES: u64 = 2 * 1024 * 1024;
pub const LOG_FILE: &str = "workbook.log";

/// A log file that rotates itself once it passes a size limit.
#[derive(Clone)]
pub struct BoundedLog {
    inner: Arc<Mutex<BoundedInner>>,
}

struct BoundedInner {
    path: PathBuf,
    file: File,
    written: u64,
    limit: u64,
}

impl BoundedLog {
    pub fn open(path: &Path, limit: u64) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let written = file.metadata()?.len();
        Ok(Self {
            inner: Arc::new(Mutex::new(BoundedInner {
                path: path.to_owned(),
                file,
                written,
                limit,
            })),
        })
    }
}

impl BoundedInner {
    fn rotate(&mut self) -> io::Result<()> {
        let backup = self.path.with_extension("log.1");
        fs::rename(&self.path, backup)?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for BoundedLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("log lock poisoned"))?;
        if inner.written + buf.len() as u64 > inner.limit {
            inner.rotate()?;
        }
        let n = inner.file.write(buf)?;
        inner.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("log lock poisoned"))?;
        inner.file.flush()
    }
}

impl<'a> MakeWriter<'a> for BoundedLog {
    type Writer = BoundedLog;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the global subscriber. Logging is best effort: when the data dir cannot hold
/// a log file, logs go to stderr only. Returns nothing to keep alive.
pub fn init(data_dir: &Path) {
    let env = std::env::var("RUST_LOG").ok();
    let stderr_filter = env
        .as_deref()
        .map_or_else(|| EnvFilter::new("warn"), EnvFilter::new);
    let file_filter = env
        .as_deref()
        .map_or_else(|| EnvFilter::new("info"), EnvFilter::new);
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_filter(stderr_filter);
    let file = fs::create_dir_all(data_dir)
        .and_then(|()| BoundedLog::open(&data_dir.join(LOG_FILE), MAX_LOG_BYTES))
        .ok()
        .map(|log| {
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(log)
                .with_filter(file_filter)
        });
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
}

use tracing_subscriber::Layer as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_file_rotates_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        let mut log = BoundedLog::open(&path, 100).unwrap();
        for _ in 0..30 {
            log.write_all(b"0123456789").unwrap();
        }
        assert!(fs::metadata(&path).unwrap().len() <= 100);
        assert!(fs::metadata(path.with_extension("log.1")).unwrap().len() <= 100);
    }
}
