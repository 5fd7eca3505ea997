//! Runs a child process under a watchdog: its own process group (so everything it spawns
//! dies with it), resource limits set between fork and exec, a wall-clock timeout, capped
//! output, a cleared environment and a chosen working folder.
//!
//! The limits protect the learner's machine from honest mistakes (an infinite loop, a
//! runaway allocation, a test that writes gigabytes). Against code written to escape, a
//! job may also carry a [`Sandbox`] (Landlock), and every child is killed by the kernel
//! when the thread that started it dies (`PR_SET_PDEATHSIG`), so neither a crash nor a
//! SIGKILL of `workbook` leaves a test binary running.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};

use super::sandbox::Sandbox;

/// Resource limits for one child process.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time before the group is killed.
    pub timeout: Duration,
    /// `RLIMIT_CPU` in seconds: stops busy loops even if the wall clock stalls.
    pub cpu_seconds: u64,
    /// `RLIMIT_AS` in bytes; `None` for the compiler, which maps a lot of address space.
    pub address_space: Option<u64>,
    /// `RLIMIT_DATA` in bytes (heap and private mappings): the compiler's memory limit,
    /// which unlike `RLIMIT_AS` does not count the address space it only reserves.
    pub data_size: Option<u64>,
    /// `RLIMIT_FSIZE` in bytes: the largest file the child may write.
    pub file_size: u64,
    /// Bytes of stdout kept; more kills the child. Stderr keeps a quarter of this.
    pub output_cap: usize,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Job {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// The whole environment of the child; nothing is inherited.
    pub env: Vec<(OsString, OsString)>,
    pub cwd: PathBuf,
    /// Landlock rules for the child; `None` runs it unconfined (the compiler).
    pub sandbox: Option<Sandbox>,
}

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited by itself with this code.
    Exited(i32),
    /// A signal ended it (abort, segfault, CPU limit).
    Signalled(i32),
    /// The watchdog killed it at the wall-clock timeout.
    TimedOut,
    /// The watchdog killed it for writing more than the output cap.
    OutputLimit,
}

/// The child's end and its captured output.
#[derive(Debug, Clone)]
pub struct Finished {
    pub ending: Ending,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
}

/// Kills a whole process group when dropped: on normal exit (stray children), on timeout,
/// and when the future running the job is dropped (a new check cancels the old one).
struct GroupKill(libc::pid_t);

impl GroupKill {
    fn kill(&self) {
        // SAFETY: killpg has no memory-safety preconditions; the group id is the child's
        // pid, which led a fresh group (`process_group(0)`), so no unrelated process is hit.
        unsafe {
            libc::killpg(self.0, libc::SIGKILL);
        }
    }
}

impl Drop for GroupKill {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Grace period to collect output after the group was killed.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Runs `job` to its end under `limits`.
pub async fn run(job: &Job, limits: &Limits) -> std::io::Result<Finished> {
    let started = Instant::now();
    let mut cmd = tokio::process::Command::new(&job.program);
    cmd.args(&job.args)
        .env_clear()
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&job.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let rlimits = *limits;
    let mut ruleset = match &job.sandbox {
        Some(sandbox) => Some(sandbox.ruleset().map_err(std::io::Error::other)?),
        None => None,
    };
    let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
    // SAFETY: the closure runs between fork and exec. It only makes system calls
    // (prctl, getppid, setrlimit, landlock_restrict_self on a ruleset built before the
    // fork): it allocates nothing and takes no lock another thread could hold.
    unsafe {
        cmd.pre_exec(move || {
            die_with_parent(parent)?;
            apply_rlimits(&rlimits)?;
            if let Some(ruleset) = ruleset.take() {
                ruleset
                    .restrict_self()
                    .map_err(|_| std::io::Error::other("landlock_restrict_self failed"))?;
            }
            Ok(())
        });
    }
    let mut child = spawn_retrying(&mut cmd).await?;
    let pid = child
        .id()
        .and_then(|id| libc::pid_t::try_from(id).ok())
        .ok_or_else(|| std::io::Error::other("the child has no process id"))?;
    let group = GroupKill(pid);
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(std::io::Error::other("the child's output was not captured"));
    };

    let work = async {
        let (out, err, status) = tokio::join!(
            read_capped(stdout, limits.output_cap, &group),
            read_capped(stderr, limits.output_cap / 4, &group),
            async {
                let status = child.wait().await;
                // Anything the child left running would hold the pipes open.
                group.kill();
                status
            }
        );
        (out, err, status)
    };
    tokio::pin!(work);
    let (timed_out, joined) = match tokio::time::timeout(limits.timeout, &mut work).await {
        Ok(joined) => (false, Some(joined)),
        Err(_) => {
            group.kill();
            (
                true,
                tokio::time::timeout(DRAIN_GRACE, &mut work).await.ok(),
            )
        }
    };
    let Some((out, err, status)) = joined else {
        // A process escaped the group and keeps the pipes open: give up on its output.
        return Ok(Finished {
            ending: Ending::TimedOut,
            stdout: Vec::new(),
            stderr: Vec::new(),
            elapsed: started.elapsed(),
        });
    };
    let (stdout, out_over) = out?;
    let (stderr, err_over) = err?;
    let status = status?;
    let ending = if timed_out {
        Ending::TimedOut
    } else if out_over || err_over {
        Ending::OutputLimit
    } else {
        ending_of(status)
    };
    Ok(Finished {
        ending,
        stdout,
        stderr,
        elapsed: started.elapsed(),
    })
}

/// Spawns, retrying briefly on ETXTBSY: a program file another thread of this process
/// still has open for writing (a fork there inherited the descriptor) cannot be
/// executed until that descriptor closes, which happens at the other child's exec.
async fn spawn_retrying(
    cmd: &mut tokio::process::Command,
) -> std::io::Result<tokio::process::Child> {
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 10 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => return other,
        }
    }
}

fn ending_of(status: ExitStatus) -> Ending {
    match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(signal)) => Ending::Signalled(signal),
        (None, None) => Ending::Signalled(0),
    }
}

/// Reads a pipe to its end, keeping at most `cap` bytes; on overflow kills the group and
/// reports `true`.
async fn read_capped(
    mut pipe: impl AsyncRead + Unpin,
    cap: usize,
    group: &GroupKill,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut over = false;
    loop {
        let n = pipe.read(&mut chunk).await?;
        if n == 0 {
            return Ok((kept, over));
        }
        if over {
            continue;
        }
        let room = cap.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..n.min(room)]);
        if n > room {
            over = true;
            group.kill();
        }
    }
}

/// Asks the kernel to SIGKILL this (forked) child when its parent thread ends, and
/// gives up if the parent is already gone (it died between fork and here).
fn die_with_parent(parent: libc::pid_t) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl and getppid have no memory-safety preconditions.
        let (set, now) = unsafe {
            (
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong),
                libc::getppid(),
            )
        };
        if set != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if now != parent {
            return Err(std::io::Error::other(
                "the parent died before the child started",
            ));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = parent;
    Ok(())
}

fn apply_rlimits(limits: &Limits) -> std::io::Result<()> {
    set_rlimit(libc::RLIMIT_CPU, limits.cpu_seconds)?;
    set_rlimit(libc::RLIMIT_FSIZE, limits.file_size)?;
    set_rlimit(libc::RLIMIT_CORE, 0)?;
    if let Some(bytes) = limits.address_space {
        set_rlimit(libc::RLIMIT_AS, bytes)?;
    }
    if let Some(bytes) = limits.data_size {
        set_rlimit(libc::RLIMIT_DATA, bytes)?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(target_os = "linux"))]
type Resource = libc::c_int;

fn set_rlimit(resource: Resource, value: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value as libc::rlim_t,
        rlim_max: value as libc::rlim_t,
    };
    // SAFETY: `limit` is a valid, initialised rlimit that outlives the call.
    if unsafe { libc::setrlimit(resource, &limit) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout_ms: u64) -> Finished {
        let job = Job {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            cwd: std::env::temp_dir(),
            sandbox: None,
        };
        let limits = Limits {
            timeout: Duration::from_millis(timeout_ms),
            cpu_seconds: 5,
            address_space: None,
            data_size: None,
            file_size: 1 << 20,
            output_cap: 1000,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(run(&job, &limits)).unwrap()
    }

    #[test]
    fn exit_codes_and_output_are_reported() {
        let f = sh("echo hi; echo oops >&2; exit 3", 5000);
        assert_eq!(f.ending, Ending::Exited(3));
        assert_eq!(f.stdout, b"hi\n");
        assert_eq!(f.stderr, b"oops\n");
    }

    #[test]
    fn a_hanging_group_is_killed_at_the_timeout_including_children() {
        let f = sh("sleep 30 & sleep 30; echo never", 300);
        assert_eq!(f.ending, Ending::TimedOut);
        assert!(f.elapsed < Duration::from_secs(5));
        assert!(f.stdout.is_empty());
    }

    #[test]
    fn output_beyond_the_cap_kills_the_child() {
        let f = sh("yes", 5000);
        assert_eq!(f.ending, Ending::OutputLimit);
        assert_eq!(f.stdout.len(), 1000);
    }

    #[test]
    fn the_environment_is_not_inherited() {
        let f = sh("echo \"[$HOME][$PATH]\"", 5000);
        assert_eq!(String::from_utf8_lossy(&f.stdout), "[][/usr/bin:/bin]\n");
    }

    #[test]
    fn the_file_size_limit_stops_big_writes() {
        let f = sh(
            "d=$(mktemp -d); head -c 2000000 /dev/zero > $d/big; echo $?; rm -rf $d",
            5000,
        );
        assert_ne!(String::from_utf8_lossy(&f.stdout).trim(), "0");
    }
}
