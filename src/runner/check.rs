//! One check, end to end: compile under the watchdog, run the tests, interpret the
//! results against the hidden tests their file declares, grade, and cache the report by
//! content hash.

use std::collections::HashMap;
use std::ffi::OsString;
use std::hash::{BuildHasher, DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::compile::{self, BuildFiles};
use super::exercise::Exercise;
use super::hidden::{self, HiddenTest};
use super::libtest::{self, Names, RunEnd};
use super::report::{
    Diagnostic, Level, Location, Report, SourceFile, TestResult, TestStatus, Verdict,
};
use super::sandbox::{self, Sandbox};
use super::screen;
use super::toolchain::{Toolchain, ToolchainError};
use super::toolchain_memo;
use super::watchdog::{self, Ending, Job, Limits};

/// Bump when the report format or the build changes, so old cached results are ignored.
const CACHE_VERSION: u32 = 4;

/// Where a check is, for a progress indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Compiling,
    Running,
}

/// Why a check could not produce a report at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Toolchain(#[from] ToolchainError),
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> CheckError {
    let what = what.into();
    move |source| CheckError::Io { what, source }
}

/// Compiles and runs exercises. One per app (or CLI run): it resolves the compiler once,
/// keeps the nonce that marks real test results, and caches reports.
pub struct Runner {
    cache_dir: PathBuf,
    rustc: PathBuf,
    toolchain: tokio::sync::OnceCell<Result<Toolchain, ToolchainError>>,
    /// Wall-clock limit of a test run (the compiler gets [`COMPILE_TIMEOUT`]).
    timeout: Duration,
    nonce: String,
    memo: Mutex<HashMap<u64, Report>>,
    /// One build at a time per exercise: builds share a folder and incremental cache.
    build_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Old cached results are pruned once per runner, on its first new result.
    pruned: std::sync::Once,
    /// Run folders of dead processes are removed once per runner, on its first run.
    swept: std::sync::Once,
    /// What Landlock enforces on this kernel, measured on the first run.
    sandbox_status: std::sync::OnceLock<String>,
    /// The compiler's memory limit (`RLIMIT_DATA`).
    compile_memory: u64,
    /// Refuse files that name what no exercise needs (see [`screen`]); off only in tests
    /// of the defences behind it.
    screen_source: bool,
}

/// The default wall-clock limit of a test run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The compiler's wall-clock limit: generous, it only guards against a hang.
const COMPILE_TIMEOUT: Duration = Duration::from_secs(60);
/// The compiler's memory limit: an exercise compiles in a few hundred MiB.
pub const COMPILE_MEMORY: u64 = 2 << 30;
/// The file libtest writes each test's result to (`--logfile`), in the run folder.
const LOGFILE: &str = "results.log";
/// Captured stdout of a test run; more kills it.
pub const OUTPUT_CAP: usize = 4 * 1024 * 1024;
/// Cached results kept on disk (a few KiB each); older ones are deleted. Builds and
/// incremental caches need no pruning: there is one of each per exercise, and rustc
/// deletes its own old incremental sessions.
pub const KEPT_RESULTS: usize = 1000;

impl Runner {
    /// A runner keeping its builds and cached results under `cache_dir`. A relative
    /// folder is made absolute first: the compiler runs in the build folder, where a
    /// relative path would name something else.
    pub fn new(cache_dir: impl Into<PathBuf>) -> Self {
        let cache_dir = cache_dir.into();
        let cache_dir = std::path::absolute(&cache_dir).unwrap_or(cache_dir);
        Self {
            nonce: kept_nonce(&cache_dir),
            cache_dir,
            rustc: PathBuf::from("rustc"),
            toolchain: tokio::sync::OnceCell::new(),
            timeout: DEFAULT_TIMEOUT,
            memo: Mutex::new(HashMap::new()),
            build_locks: Mutex::new(HashMap::new()),
            pruned: std::sync::Once::new(),
            swept: std::sync::Once::new(),
            sandbox_status: std::sync::OnceLock::new(),
            compile_memory: COMPILE_MEMORY,
            screen_source: true,
        }
    }

    /// Uses this memory limit for the compiler instead of [`COMPILE_MEMORY`].
    pub fn with_compile_memory(mut self, bytes: u64) -> Self {
        self.compile_memory = bytes;
        self
    }

    /// Builds files the source screen would refuse, to test the defences behind it
    /// (`-F unsafe_code`, the harness's own log, the sandbox). Never for learners.
    pub fn without_source_screen(mut self) -> Self {
        self.screen_source = false;
        self
    }

    /// Uses this compiler instead of `rustc` on `PATH`.
    pub fn with_rustc(mut self, program: impl Into<PathBuf>) -> Self {
        self.rustc = program.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The compiler, found on first use (remembered across runs, see [`toolchain_memo`]).
    pub async fn toolchain(&self) -> Result<&Toolchain, ToolchainError> {
        let rustc = self.rustc.clone();
        let memo = self.cache_dir.join("toolchain.ron");
        let found = self
            .toolchain
            .get_or_init(|| async move {
                tokio::task::spawn_blocking(move || toolchain_memo::discover(&rustc, &memo))
                    .await
                    .unwrap_or_else(|e| {
                        Err(ToolchainError::Broken {
                            program: "rustc".into(),
                            detail: e.to_string(),
                        })
                    })
            })
            .await;
        found.as_ref().map_err(Clone::clone)
    }

    /// Checks `source` (the learner's file) against `exercise`'s hidden tests.
    /// Dropping the future cancels the check and kills whatever it was running.
    pub async fn check(
        &self,
        exercise: &Exercise,
        source: &str,
        on_phase: &(dyn Fn(Phase) + Send + Sync),
    ) -> Result<Report, CheckError> {
        let started = Instant::now();
        let toolchain = self.toolchain().await?;
        let key = self.cache_key(toolchain, exercise, source);
        if let Some(mut report) = self.cached(key) {
            report.cached = true;
            return Ok(report);
        }
        if self.screen_source {
            let refused = screen::learner_file(source);
            if !refused.is_empty() {
                return Ok(refused_report(exercise, &refused, started));
            }
        }
        let lock = self.build_lock(&exercise.id);
        let _building = lock.lock().await;

        on_phase(Phase::Compiling);
        let dir = self.cache_dir.join("build").join(&exercise.id);
        std::fs::create_dir_all(&dir).map_err(io(format!("cannot create {}", dir.display())))?;
        // Another process checking the same exercise would share the folder.
        let _shared = lock_folder(&dir).await?;
        let files = BuildFiles::new(&dir, &exercise.id, source);
        std::fs::write(&files.tests, &exercise.tests)
            .map_err(io(format!("cannot write {}", files.tests.display())))?;
        std::fs::write(&files.combined, files.combined_source(source, &self.nonce))
            .map_err(io(format!("cannot write {}", files.combined.display())))?;
        let _ = std::fs::remove_file(&files.binary);
        let incremental = self.cache_dir.join("incremental").join(&exercise.id);
        remove_unfinished_sessions(&incremental);
        let compile_job = Job {
            program: toolchain.rustc.clone(),
            args: compile::rustc_args(&files, &compile::crate_name(&exercise.id), &incremental),
            env: compiler_env(),
            cwd: dir.clone(),
            sandbox: None,
        };
        let built = watchdog::run(&compile_job, &self.compile_limits())
            .await
            .map_err(io(format!("cannot run {}", toolchain.rustc.display())))?;
        let mut diagnostics =
            compile::parse_diagnostics(&String::from_utf8_lossy(&built.stderr), &files);
        // The learner's own errors first: errors in the hidden tests usually follow from
        // them (a missing or renamed item the tests use).
        diagnostics.sort_by_key(|d| !d.in_learner_file());
        let mut report = Report {
            verdict: Verdict::DidNotCompile,
            summary: String::new(),
            tests: Vec::new(),
            diagnostics,
            stray_output: String::new(),
            passed: 0,
            total: 0,
            score: 0,
            points: exercise.points,
            elapsed_ms: 0,
            cached: false,
            sandbox: String::new(),
        };
        if built.ending != Ending::Exited(0) {
            let limit = self.compile_limit_hit(&built);
            report.summary = match built.ending {
                Ending::TimedOut => format!(
                    "the compiler did not finish within {} s",
                    COMPILE_TIMEOUT.as_secs()
                ),
                _ if limit.is_some() => limit.unwrap_or_default(),
                _ => {
                    let (mine, theirs): (Vec<_>, Vec<_>) =
                        report.errors().partition(|d| d.in_learner_file());
                    match (mine.len(), theirs.len()) {
                        (0, n) => format!(
                            "it does not compile with the hidden tests: {n} error(s) there; \
                             keep the names and signatures the starter gave you"
                        ),
                        (m, 0) => format!(
                            "it does not compile yet: {m} error(s); fix the first one first"
                        ),
                        (m, n) => format!(
                            "it does not compile yet: {m} error(s) in your file (fix these first), \
                             {n} more in the hidden tests"
                        ),
                    }
                }
            };
            report.elapsed_ms = millis(started.elapsed());
            if built.ending == Ending::Exited(1) {
                self.remember(key, &report);
            }
            return Ok(report);
        }

        on_phase(Phase::Running);
        self.swept.call_once(|| sweep_run_dirs(&self.runs_dir()));
        let workdir = RunDir::create(&self.runs_dir())?;
        // The run works on its own link to the binary, so the build folder (hidden tests included) stays
        // out of the sandbox and another process may rebuild meanwhile.
        let binary = workdir.0.join("exercise-tests");
        // A hard link, not a copy: writing a copy would leave a write descriptor that a
        // fork on another thread could inherit, and exec then fails with ETXTBSY. The
        // compiler replaces (unlinks) its output, so the linked inode stays as built.
        std::fs::hard_link(&files.binary, &binary)
            .or_else(|_| std::fs::copy(&files.binary, &binary).map(|_| ()))
            .map_err(io(format!(
                "cannot copy the test binary to {}",
                binary.display()
            )))?;
        drop(_shared);
        drop(_building);
        let sandbox = Sandbox {
            writable: workdir.0.clone(),
            readable: vec![toolchain.target_libdir.clone()],
        };
        report.sandbox = self
            .sandbox_status
            .get_or_init(|| sandbox::probe(&sandbox).describe())
            .clone();
        let prefix = format!("{}::", compile::module_name(&self.nonce));
        // The hidden tests are known from their file, so no `--list` run is needed to
        // know which results must come: one start of the test binary, not two.
        let in_file = hidden::hidden_tests(&exercise.tests);
        let hidden_names: Vec<String> = in_file
            .iter()
            .map(|t| format!("{prefix}{}::{}", hidden::MODULE, t.path))
            .collect();
        let logfile = workdir.0.join(LOGFILE);
        let run = watchdog::run(
            &self.test_job(
                toolchain,
                &binary,
                &sandbox,
                &[
                    "--logfile",
                    &logfile.display().to_string(),
                    "-Z",
                    "unstable-options",
                    "--format",
                    "json",
                    "--show-output",
                    "--test-threads",
                    "4",
                ],
            ),
            &self.test_limits(),
        )
        .await
        .map_err(io("cannot run the test binary"))?;
        let mut run = run;
        run.stderr = without_line(&run.stderr, LOGFILE_WARNING);
        let names = Names {
            hidden_prefix: &prefix,
        };
        // Read with a cap: the binary could have filled it up to its file-size limit.
        let log = read_capped(&logfile, OUTPUT_CAP);
        let mut expected = hidden_names;
        expected.extend(libtest::learner_tests(
            &String::from_utf8_lossy(&run.stdout),
            &log,
            &names,
        ));
        let mut result = libtest::interpret(&expected, &run, &files, &names);
        libtest::corroborate(&mut result, &log);
        grade(&mut report, result, &in_file);
        report.elapsed_ms = millis(started.elapsed());
        if matches!(report.verdict, Verdict::Passed | Verdict::Failed) {
            self.remember(key, &report);
        }
        tracing::info!(
            exercise = %exercise.id,
            verdict = ?report.verdict,
            passed = report.passed,
            total = report.total,
            ms = report.elapsed_ms,
            "exercise checked"
        );
        Ok(report)
    }

    /// Checks from synchronous code (the CLI) on a private single-threaded runtime.
    pub fn check_blocking(&self, exercise: &Exercise, source: &str) -> Result<Report, CheckError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(io("cannot start the async runtime"))?
            .block_on(self.check(exercise, source, &|_| {}))
    }

    fn runs_dir(&self) -> PathBuf {
        self.cache_dir.join("runs")
    }

    fn compile_limits(&self) -> Limits {
        Limits {
            timeout: COMPILE_TIMEOUT,
            cpu_seconds: COMPILE_TIMEOUT.as_secs(),
            address_space: None,
            data_size: Some(self.compile_memory),
            file_size: 512 << 20,
            output_cap: OUTPUT_CAP,
        }
    }

    /// The sentence for a compiler a limit of ours stopped, if one did: out of memory it
    /// aborts ("memory allocation of N bytes failed") or cannot even load; at the CPU
    /// limit it gets SIGXCPU.
    fn compile_limit_hit(&self, built: &watchdog::Finished) -> Option<String> {
        let stderr = String::from_utf8_lossy(&built.stderr);
        let out_of_memory = stderr.contains("memory allocation of")
            || stderr.contains("failed to map segment")
            || stderr.contains("cannot allocate memory")
            || stderr.contains("out of memory");
        let mib = self.compile_memory >> 20;
        match built.ending {
            Ending::Signalled(libc::SIGXCPU) => Some(format!(
                "the compiler was stopped by the workbook's CPU limit ({} s); this is not a                  problem in your code or the hidden tests",
                COMPILE_TIMEOUT.as_secs()
            )),
            Ending::Signalled(_) | Ending::Exited(_) if out_of_memory => Some(format!(
                "the compiler was stopped by the workbook's memory limit ({mib} MiB):                  something in the file makes it use that much (a huge constant or a deep                  generic type?); this is not a problem in the hidden tests"
            )),
            Ending::Signalled(signal) => Some(format!(
                "the compiler crashed (signal {signal}), possibly at the workbook's memory                  limit ({mib} MiB); this is not a problem in the hidden tests"
            )),
            _ => None,
        }
    }

    fn test_limits(&self) -> Limits {
        Limits {
            timeout: self.timeout,
            cpu_seconds: self.timeout.as_secs() + 2,
            address_space: Some(4 << 30),
            data_size: None,
            file_size: 16 << 20,
            output_cap: OUTPUT_CAP,
        }
    }

    fn test_job(
        &self,
        toolchain: &Toolchain,
        binary: &Path,
        sandbox: &Sandbox,
        args: &[&str],
    ) -> Job {
        Job {
            program: binary.to_owned(),
            args: args.iter().map(OsString::from).collect(),
            env: vec![
                (
                    "LD_LIBRARY_PATH".into(),
                    toolchain.target_libdir.clone().into_os_string(),
                ),
                // Lets the stable test harness print JSON events.
                ("RUSTC_BOOTSTRAP".into(), "1".into()),
                ("RUST_BACKTRACE".into(), "0".into()),
            ],
            cwd: sandbox.writable.clone(),
            sandbox: Some(sandbox.clone()),
        }
    }

    fn cache_key(&self, toolchain: &Toolchain, exercise: &Exercise, source: &str) -> u64 {
        let mut h = DefaultHasher::new();
        (
            CACHE_VERSION,
            &toolchain.version,
            &exercise.id,
            exercise.points,
            &exercise.tests,
            source,
            self.timeout,
        )
            .hash(&mut h);
        h.finish()
    }

    fn cache_file(&self, key: u64) -> PathBuf {
        self.cache_dir
            .join("results")
            .join(format!("{key:016x}.ron"))
    }

    fn cached(&self, key: u64) -> Option<Report> {
        if let Some(r) = self
            .memo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Some(r.clone());
        }
        let text = std::fs::read_to_string(self.cache_file(key)).ok()?;
        let report: Report = ron::from_str(&text).ok()?;
        self.memo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, report.clone());
        Some(report)
    }

    /// Keeps a report in memory and on disk. A failed disk write only costs a re-check.
    fn remember(&self, key: u64, report: &Report) {
        self.memo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, report.clone());
        let path = self.cache_file(key);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let text = ron::to_string(report).map_err(std::io::Error::other)?;
                std::fs::write(&path, text)
            });
        if let Err(e) = written {
            tracing::warn!(error = %e, path = %path.display(), "cannot cache a check result");
        }
        self.pruned.call_once(|| {
            let dir = self.cache_dir.join("results");
            match prune_oldest(&dir, KEPT_RESULTS) {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "pruned old cached check results"),
                Err(e) => tracing::warn!(error = %e, "cannot prune cached check results"),
            }
        });
    }

    fn build_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.build_locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.to_owned())
            .or_default()
            .clone()
    }
}

/// Deletes all but the `keep` most recently written files in `dir`; returns how many went.
fn prune_oldest(dir: &std::path::Path, keep: usize) -> std::io::Result<usize> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok().filter(|m| m.is_file())?;
            Some((meta.modified().ok()?, entry.path()))
        })
        .collect();
    if files.len() <= keep {
        return Ok(0);
    }
    files.sort_unstable_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    let mut removed = 0;
    for (_, path) in &files[keep..] {
        if std::fs::remove_file(path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Fills the report's tests, verdict, score and summary from an interpreted run.
fn grade(report: &mut Report, result: libtest::Interpreted, in_file: &[HiddenTest]) {
    report.stray_output = result.stray_output;
    report.tests = result.tests;
    order_and_annotate(&mut report.tests, in_file);
    let hidden: Vec<_> = report.hidden().collect();
    let total = u32::try_from(hidden.len()).unwrap_or(u32::MAX);
    let passed = u32::try_from(
        hidden
            .iter()
            .filter(|t| t.status == TestStatus::Passed)
            .count(),
    )
    .unwrap_or(0);
    report.total = total;
    report.passed = passed;
    report.score = Report::score_for(passed, total, report.points);
    let failing: Vec<String> = report
        .hidden()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| t.short_name().to_owned())
        .collect();
    (report.verdict, report.summary) = if total == 0 {
        (
            Verdict::Broken,
            "no hidden tests were found in the build".to_owned(),
        )
    } else {
        match result.end {
            RunEnd::Distrusted(why) => {
                report.score = 0;
                (Verdict::Broken, why)
            }
            RunEnd::Broken(why) => (Verdict::Broken, why),
            RunEnd::Clean if failing.is_empty() => (
                Verdict::Passed,
                format!("all {total} hidden tests pass: well done"),
            ),
            RunEnd::Clean => (
                Verdict::Failed,
                format!(
                    "{passed} of {total} hidden tests pass; still failing: {}",
                    first_few(&failing)
                ),
            ),
        }
    };
}

/// Puts the hidden tests first, in the order of their file, each with its body as
/// `test_code`; the learner's tests follow in the order they ran.
fn order_and_annotate(tests: &mut [TestResult], in_file: &[HiddenTest]) {
    let place = |t: &TestResult| {
        t.hidden
            .then(|| hidden::position(in_file, &t.name))
            .flatten()
    };
    tests.sort_by_key(|t| (!t.hidden, place(t).unwrap_or(usize::MAX)));
    for t in tests.iter_mut() {
        if let Some(at) = place(t) {
            t.test_code.clone_from(&in_file[at].code);
        }
    }
}

/// Names for a one-line summary: the first three, then how many more.
fn first_few(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// The compiler keeps `PATH` (it calls the system linker, `cc`) and nothing else.
fn compiler_env() -> Vec<(OsString, OsString)> {
    std::env::var_os("PATH")
        .map(|p| vec![("PATH".into(), p)])
        .unwrap_or_default()
}

/// The report for a file the source screen refused: each refusal as an error at its line.
fn refused_report(exercise: &Exercise, refused: &[screen::Refusal], started: Instant) -> Report {
    let name = format!("{}.rs", exercise.id);
    let diagnostics = refused
        .iter()
        .map(|r| Diagnostic {
            level: Level::Error,
            message: r.message.clone(),
            location: Some(Location {
                file: SourceFile::Learner,
                line: r.line,
                column: r.column,
            }),
            rendered: format!(
                "error: {}
 --> {name}:{}:{}
",
                r.message, r.line, r.column
            ),
        })
        .collect();
    let first = refused.first().map_or("", |r| r.message.as_str());
    Report {
        verdict: Verdict::DidNotCompile,
        summary: format!("the file uses something no exercise needs, so it is not built ({first})"),
        tests: Vec::new(),
        diagnostics,
        stray_output: String::new(),
        passed: 0,
        total: 0,
        score: 0,
        points: exercise.points,
        elapsed_ms: millis(started.elapsed()),
        cached: false,
        sandbox: String::new(),
    }
}

/// Takes an exclusive advisory lock on `<dir>.lock`, waiting (without blocking the
/// runtime) while another process holds it; released when the file is dropped.
async fn lock_folder(dir: &Path) -> Result<std::fs::File, CheckError> {
    let path = dir.with_extension("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(format!("cannot open {}", path.display())))?;
    loop {
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => return Ok(file),
            Err(fs4::TryLockError::WouldBlock) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(fs4::TryLockError::Error(e)) => {
                return Err(io(format!("cannot lock {}", path.display()))(e));
            }
        }
    }
}

/// Removes incremental sessions a killed compiler left unfinished (`s-...-working`,
/// which can hold hundreds of MiB). Called with the exercise's folder lock held, so no
/// compiler of this exercise is running.
fn remove_unfinished_sessions(incremental: &Path) {
    let Ok(crates) = std::fs::read_dir(incremental) else {
        return;
    };
    for krate in crates.filter_map(Result::ok) {
        let Ok(sessions) = std::fs::read_dir(krate.path()) else {
            continue;
        };
        for session in sessions.filter_map(Result::ok) {
            let name = session.file_name();
            if name.to_string_lossy().ends_with("-working")
                && std::fs::remove_dir_all(session.path()).is_ok()
            {
                tracing::info!(session = %name.to_string_lossy(), "unfinished incremental session removed");
            }
        }
    }
}

/// What libtest prints on stderr for `--logfile`, which it still supports.
const LOGFILE_WARNING: &[u8] = b"warning: `--logfile` is deprecated\n";

/// `bytes` without the first occurrence of `line`.
fn without_line(bytes: &[u8], line: &[u8]) -> Vec<u8> {
    match bytes.windows(line.len()).position(|w| w == line) {
        Some(at) => [&bytes[..at], &bytes[at + line.len()..]].concat(),
        None => bytes.to_vec(),
    }
}

/// At most `cap` bytes of a file, as text; empty if it cannot be read.
fn read_capped(path: &Path, cap: usize) -> String {
    use std::io::Read;
    let mut bytes = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file
            .take(u64::try_from(cap).unwrap_or(u64::MAX))
            .read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// How long one nonce is kept in the cache folder before a new one is drawn.
const NONCE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The nonce of the hidden-test module, kept in `<cache>/nonce` for a day so that every
/// runner (each `workbook check` is one) names the module alike and incremental builds
/// reuse the compiled hidden tests: with a fresh nonce per process the compiler redid
/// them on every command-line check, about half its time. The test binary cannot read
/// the cache folder (sandbox), and a nonce learnt during a run (a test thread's name)
/// forges nothing: a second report distrusts the run and libtest's own log must
/// confirm every pass. Any trouble reading or writing it gives a fresh one.
fn kept_nonce(cache_dir: &Path) -> String {
    let path = cache_dir.join("nonce");
    let fresh_enough = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|at| at.elapsed().ok())
        .is_some_and(|age| age < NONCE_LIFETIME);
    if fresh_enough
        && let Ok(text) = std::fs::read_to_string(&path)
        && text.len() == 16
        && text.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return text;
    }
    let nonce = fresh_nonce();
    let temp = path.with_extension(format!("{}.tmp", std::process::id()));
    let written = std::fs::create_dir_all(cache_dir)
        .and_then(|()| std::fs::write(&temp, &nonce))
        .and_then(|()| std::fs::rename(&temp, &path));
    if let Err(e) = written {
        tracing::warn!(error = %e, "cannot keep the hidden-test nonce; builds reuse less");
    }
    nonce
}

/// A fresh random nonce: unpredictable to the learner's code.
fn fresh_nonce() -> String {
    // RandomState is seeded from the operating system's randomness.
    let value = std::collections::hash_map::RandomState::new()
        .hash_one((std::process::id(), std::time::SystemTime::now()));
    format!("{value:016x}")
}

/// A fresh, empty working folder for one test run under `runs/`, removed afterwards.
/// Its name starts with the owner's pid, so a sweep can tell whose it is.
struct RunDir(PathBuf);

impl RunDir {
    fn create(runs: &Path) -> Result<Self, CheckError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = runs.join(format!(
            "{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            fresh_nonce()
        ));
        std::fs::create_dir_all(&dir).map_err(io(format!("cannot create {}", dir.display())))?;
        Ok(Self(dir))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes the run folders of processes that are gone (killed before their `Drop`).
/// Their test binaries died with them (`PR_SET_PDEATHSIG`), so nothing uses them.
fn sweep_run_dirs(runs: &Path) {
    let Ok(entries) = std::fs::read_dir(runs) else {
        return;
    };
    let mut removed = 0usize;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let owner = name
            .to_str()
            .and_then(|n| n.split('-').next())
            .and_then(|pid| pid.parse::<libc::pid_t>().ok());
        if owner.is_some_and(|pid| !crate::store::process_alive(pid))
            && std::fs::remove_dir_all(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "stale run folders of killed checks removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_kept_and_renewed_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let first = kept_nonce(dir.path());
        assert_eq!(kept_nonce(dir.path()), first);
        let file = std::fs::File::options()
            .write(true)
            .open(dir.path().join("nonce"))
            .unwrap();
        file.set_modified(std::time::SystemTime::now() - NONCE_LIFETIME * 2)
            .unwrap();
        assert_ne!(kept_nonce(dir.path()), first);
    }

    #[test]
    fn pruning_keeps_the_newest_results() {
        let dir = tempfile::tempdir().unwrap();
        let start = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        for i in 0..5u64 {
            let path = dir.path().join(format!("{i}.ron"));
            let file = std::fs::File::create(&path).unwrap();
            file.set_modified(start + Duration::from_secs(i)).unwrap();
        }
        assert_eq!(prune_oldest(dir.path(), 2).unwrap(), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["3.ron", "4.ron"]);
        assert_eq!(prune_oldest(dir.path(), 2).unwrap(), 0);
    }
}
