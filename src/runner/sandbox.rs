//! Confinement of the test binary with Landlock (Linux 5.13+): it may read the system's
//! libraries and the compiler's `libstd`, write only inside its own run folder, connect
//! and bind no TCP port, and signal no process outside itself (ABI 6+). The hidden tests,
//! the solutions, the data dir with `progress.ron` and the rest of the home folder are out
//! of its reach, read and write.
//!
//! Best effort: an older kernel enforces part of this or none of it. The ruleset is built
//! in the parent (building allocates and opens files, which must not happen between fork
//! and exec) and only `landlock_restrict_self` runs in the child. What this kernel
//! enforces is measured once, on a throwaway thread, and shown with every result.

use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, AccessNet, RestrictionStatus, Ruleset, RulesetAttr, RulesetCreated,
    RulesetCreatedAttr, RulesetStatus, Scope, path_beneath_rules,
};

/// The newest ABI whose rights are asked for; older kernels get what they support.
const ABI_WANTED: ABI = ABI::V6;

/// System folders the dynamically linked test binary loads from (`ld.so`, `libc`,
/// `ld.so.cache`); missing ones are skipped.
const SYSTEM_READ: &[&str] = &[
    "/usr/lib",
    "/usr/lib64",
    "/lib",
    "/lib64",
    "/etc/ld.so.cache",
    "/dev/null",
    "/dev/urandom",
];

/// What the confined process may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// Its run folder: the only place it may write (and run its copied binary from).
    pub writable: PathBuf,
    /// Read-only extras, such as the compiler's library folder.
    pub readable: Vec<PathBuf>,
}

impl Sandbox {
    /// The ruleset, ready for `restrict_self` in the child (which also sets `no_new_privs`).
    pub fn ruleset(&self) -> Result<RulesetCreated, String> {
        let read = AccessFs::from_read(ABI_WANTED);
        let readable: Vec<&Path> = SYSTEM_READ
            .iter()
            .map(Path::new)
            .chain(self.readable.iter().map(PathBuf::as_path))
            .filter(|p| p.exists())
            .collect();
        Ruleset::default()
            .handle_access(AccessFs::from_all(ABI_WANTED))
            .and_then(|r| r.handle_access(AccessNet::from_all(ABI_WANTED)))
            .and_then(|r| r.scope(Scope::from_all(ABI_WANTED)))
            .and_then(|r| r.create())
            .and_then(|r| r.add_rules(path_beneath_rules(readable, read)))
            .and_then(|r| {
                r.add_rules(path_beneath_rules(
                    [&self.writable],
                    AccessFs::from_all(ABI_WANTED),
                ))
            })
            .map_err(|e| e.to_string())
    }
}

/// What this kernel enforces, in words for the results pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Everything asked for.
    Full,
    /// Part of it (an older Landlock ABI), or nothing; the text says which and why.
    Partial(String),
    Off(String),
}

impl Status {
    pub fn describe(&self) -> String {
        match self {
            Self::Full => "sandboxed (Landlock: writes only in its run folder, no reads of the \
                           hidden tests or your data, no network)"
                .to_owned(),
            Self::Partial(why) => format!("partly sandboxed: {why}"),
            Self::Off(why) => format!("not sandboxed: {why}"),
        }
    }
}

/// Applies `sandbox`'s rules to a throwaway thread and reports what held.
pub fn probe(sandbox: &Sandbox) -> Status {
    let ruleset = match sandbox.ruleset() {
        Ok(r) => r,
        Err(e) => return Status::Off(format!("the Landlock rules could not be built ({e})")),
    };
    let outcome = std::thread::spawn(move || ruleset.restrict_self().map_err(|e| e.to_string()))
        .join()
        .unwrap_or_else(|_| Err("the probe thread panicked".to_owned()));
    describe(outcome)
}

fn describe(outcome: Result<RestrictionStatus, String>) -> Status {
    match outcome {
        Err(e) => Status::Off(format!("Landlock refused the rules ({e})")),
        Ok(s) => match s.ruleset {
            RulesetStatus::FullyEnforced => Status::Full,
            RulesetStatus::PartiallyEnforced => Status::Partial(
                "this kernel's Landlock is older, so some rules (network, signals or some \
                 file rights) are not enforced"
                    .to_owned(),
            ),
            RulesetStatus::NotEnforced => Status::Off(
                "this kernel has no Landlock (Linux 5.13+ with Landlock enabled is needed)"
                    .to_owned(),
            ),
        },
    }
}
