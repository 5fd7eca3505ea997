//! Remembering the compiler between runs. Finding it means running `rustc` twice (its
//! version, its sysroot), and through rustup's proxy each run costs 10-30 ms: most of a
//! `workbook check` answered from the result cache. So what was found is kept in the
//! cache folder with a fingerprint of everything that decides which compiler `rustc`
//! is: the file `rustc` resolves to on `PATH`, and for rustup's proxy its settings, the
//! `RUSTUP_TOOLCHAIN` variable and any `rust-toolchain` file from the working folder up,
//! plus the real compiler binary itself (an update replaces it). Reading these is a few
//! `stat` calls; any difference finds the compiler again.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::toolchain::{Toolchain, ToolchainError};

/// What was found, with the fingerprint it was found under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Memo {
    fingerprint: Vec<String>,
    /// The real compiler's file as it was (size, time, inode).
    real: String,
    rustc: PathBuf,
    target_libdir: PathBuf,
    version: String,
}

/// The compiler behind `program`, from the memo at `memo` when nothing that decides it
/// changed, found afresh (and remembered) otherwise. A memo that cannot be read or
/// written only costs finding the compiler again.
pub fn discover(program: &Path, memo: &Path) -> Result<Toolchain, ToolchainError> {
    let print = fingerprint(program);
    if let Some(print) = &print
        && let Some(kept) = read(memo)
        && &kept.fingerprint == print
        && stat(&kept.rustc) == kept.real
    {
        return Ok(Toolchain {
            rustc: kept.rustc,
            target_libdir: kept.target_libdir,
            version: kept.version,
        });
    }
    let found = Toolchain::discover_with(program)?;
    if let Some(fingerprint) = print {
        let kept = Memo {
            fingerprint,
            real: stat(&found.rustc),
            rustc: found.rustc.clone(),
            target_libdir: found.target_libdir.clone(),
            version: found.version.clone(),
        };
        if let Err(e) = write(memo, &kept) {
            tracing::warn!(error = %e, path = %memo.display(), "cannot remember the compiler");
        }
    }
    Ok(found)
}

fn read(memo: &Path) -> Option<Memo> {
    ron::from_str(&std::fs::read_to_string(memo).ok()?).ok()
}

/// Written beside and renamed, so a concurrent reader sees the old memo or the new one.
fn write(memo: &Path, kept: &Memo) -> std::io::Result<()> {
    if let Some(dir) = memo.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = ron::to_string(kept).map_err(std::io::Error::other)?;
    let temp = memo.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, memo)
}

/// Everything that decides which compiler `program` runs, or `None` when `program` is
/// not found (finding it then reports why).
fn fingerprint(program: &Path) -> Option<Vec<String>> {
    let resolved = resolve(program)?;
    let mut print = vec![format!("program {}", resolved.display()), stat(&resolved)];
    let target = std::fs::canonicalize(&resolved).unwrap_or_else(|_| resolved.clone());
    let is_proxy = target
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("rustup"));
    if is_proxy {
        for var in ["RUSTUP_TOOLCHAIN", "RUSTUP_HOME"] {
            print.push(format!("{var}={:?}", std::env::var_os(var)));
        }
        let home = std::env::var_os("RUSTUP_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".rustup")));
        if let Some(home) = home {
            print.push(stat(&home.join("settings.toml")));
        }
        let cwd = std::env::current_dir().ok()?;
        print.push(format!("cwd {}", cwd.display()));
        for dir in cwd.ancestors() {
            for name in ["rust-toolchain", "rust-toolchain.toml"] {
                let file = dir.join(name);
                if file.exists() {
                    print.push(stat(&file));
                }
            }
        }
    }
    Some(print)
}

/// `program` itself if it names a path, else the first executable file of that name on
/// `PATH`, as the operating system would run it.
fn resolve(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_owned());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            std::fs::metadata(candidate).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
        })
}

/// A file's identity: size, modification time and inode; a missing file says so.
fn stat(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => format!(
            "{} {} {}.{} {}:{}",
            path.display(),
            m.len(),
            m.mtime(),
            m.mtime_nsec(),
            m.dev(),
            m.ino()
        ),
        Err(_) => format!("{} missing", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiler_is_remembered_until_its_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let memo = dir.path().join("toolchain.ron");
        let found = discover(Path::new("rustc"), &memo).unwrap();
        let kept = read(&memo).unwrap();
        assert_eq!(kept.version, found.version);

        // A memo that still matches answers without running anything: a forged version
        // in it comes back, which only a memo could have said.
        write(
            &memo,
            &Memo {
                version: "rustc 9.99.0 (remembered)".into(),
                ..kept.clone()
            },
        )
        .unwrap();
        let again = discover(Path::new("rustc"), &memo).unwrap();
        assert_eq!(again.version, "rustc 9.99.0 (remembered)");

        // A different real compiler file (as after `rustup update`) finds it again.
        write(
            &memo,
            &Memo {
                version: "rustc 9.99.0 (remembered)".into(),
                real: "changed".into(),
                ..kept
            },
        )
        .unwrap();
        let fresh = discover(Path::new("rustc"), &memo).unwrap();
        assert_eq!(fresh.version, found.version);
    }

    #[test]
    fn a_missing_compiler_is_not_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let memo = dir.path().join("toolchain.ron");
        let err = discover(Path::new("/nonexistent/bin/rustc"), &memo).unwrap_err();
        assert!(matches!(err, ToolchainError::NotFound { .. }));
        assert!(!memo.exists());
    }
}
