//! Finding the Rust compiler. Resolved once per runner: the sysroot gives the real
//! `rustc` (skipping rustup's proxy, which needs `HOME` and costs a process hop per build)
//! and the library folder the dynamically linked test binaries load `libstd` from.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The oldest compiler the exercises are written for (let-else, `OnceLock`, edition 2021).
pub const MIN_VERSION: (u32, u32) = (1, 70);

/// Why exercises cannot be checked on this machine. The messages say what to install.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolchainError {
    #[error(
        "the Rust compiler `{program}` was not found. Install Rust from https://rustup.rs \
         (it provides `rustc`), then check again. Lessons, cards and simulations work without it."
    )]
    NotFound { program: String },
    #[error(
        "`{program}` is Rust {found}, but exercises need {}.{} or newer. Update it with \
         `rustup update stable` (or install a current Rust from https://rustup.rs).",
        MIN_VERSION.0, MIN_VERSION.1
    )]
    TooOld { program: String, found: String },
    #[error("`{program}` did not answer as expected: {detail}")]
    Broken { program: String, detail: String },
}

/// A working compiler.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// The compiler binary inside the sysroot.
    pub rustc: PathBuf,
    /// Where `libstd-*.so` lives, for `LD_LIBRARY_PATH` of `-C prefer-dynamic` binaries.
    pub target_libdir: PathBuf,
    /// `rustc -V` output, part of the result cache key.
    pub version: String,
}

impl Toolchain {
    /// Finds `rustc` on `PATH`.
    pub fn discover() -> Result<Self, ToolchainError> {
        Self::discover_with(Path::new("rustc"))
    }

    /// Finds the compiler behind `program` (a name on `PATH` or a path).
    pub fn discover_with(program: &Path) -> Result<Self, ToolchainError> {
        let name = program.display().to_string();
        let broken = |detail: String| ToolchainError::Broken {
            program: name.clone(),
            detail,
        };
        let version = ask(program, &["-V"]).map_err(|e| match e {
            AskError::NotFound => ToolchainError::NotFound {
                program: name.clone(),
            },
            AskError::Failed(detail) => broken(detail),
        })?;
        let version = version.trim().to_owned();
        let Some((major, minor)) = parse_version(&version) else {
            return Err(broken(format!("unexpected version text `{version}`")));
        };
        if (major, minor) < MIN_VERSION {
            return Err(ToolchainError::TooOld {
                program: name,
                found: format!("{major}.{minor}"),
            });
        }
        let printed = ask(program, &["--print", "sysroot", "--print", "target-libdir"]).map_err(
            |e| match e {
                AskError::NotFound => broken("vanished while asked for its sysroot".into()),
                AskError::Failed(detail) => broken(detail),
            },
        )?;
        let mut lines = printed.lines().map(str::trim);
        let (Some(sysroot), Some(libdir)) = (lines.next(), lines.next()) else {
            return Err(broken("no sysroot printed".into()));
        };
        let real = Path::new(sysroot).join("bin").join("rustc");
        Ok(Self {
            rustc: if real.is_file() {
                real
            } else {
                program.to_owned()
            },
            target_libdir: PathBuf::from(libdir),
            version,
        })
    }
}

enum AskError {
    NotFound,
    Failed(String),
}

fn ask(program: &Path, args: &[&str]) -> Result<String, AskError> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                AskError::NotFound
            }
            _ => AskError::Failed(e.to_string()),
        })?;
    if !out.status.success() {
        return Err(AskError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| AskError::Failed(e.to_string()))
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` -> (1, 95).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let number = text.split_whitespace().nth(1)?;
    let mut parts = number.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_including_nightlies() {
        assert_eq!(
            parse_version("rustc 1.95.0 (59807616e 2026-04-14)"),
            Some((1, 95))
        );
        assert_eq!(parse_version("rustc 1.96.0-nightly (abc)"), Some((1, 96)));
        assert_eq!(parse_version("nonsense"), None);
    }

    #[test]
    fn a_missing_compiler_says_what_to_install() {
        let err = Toolchain::discover_with(Path::new("/nonexistent/bin/rustc")).unwrap_err();
        assert!(matches!(err, ToolchainError::NotFound { .. }));
        assert!(err.to_string().contains("https://rustup.rs"));
    }

    #[test]
    fn the_installed_compiler_is_found_in_its_sysroot() {
        let tc = Toolchain::discover().unwrap();
        assert!(tc.rustc.is_file());
        assert!(tc.version.starts_with("rustc "));
    }
}
