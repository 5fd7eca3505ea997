//! Fuzzing, on stable Rust, of every parser the outside world feeds: libtest's output
//! (with the hidden-test reader and the compiler-message scrubber beside it),
//! lesson packs (RON + Markdown) and card decks, the progress file, the review-replay
//! CSV, breaker scenarios, and the source screen's lexer. Inputs are the real files
//! mutated (bytes flipped, inserted, deleted, duplicated, truncated, and tokens each
//! parser cares about spliced in); a parser may refuse an input but never panic.
//!
//! CI runs a short pass (`FUZZ_CASES` per target, default 500; the lesson target, which
//! writes three files per case, runs a tenth of that). The long run:
//! `FUZZ_CASES=200000 cargo test --test suite fuzz_parsers:: -- --nocapture`
//! (5 x 200 000 + 20 000 = 1.02 M cases; each target prints its count and time).

use std::path::Path;
use std::time::Duration;

use resilience_workbook::content::{ContentSource, load_library};
use resilience_workbook::runner::compile::BuildFiles;
use resilience_workbook::runner::hidden;
use resilience_workbook::runner::libtest::{self, Names};
use resilience_workbook::runner::scaffold::LearnerEnd;
use resilience_workbook::runner::screen;
use resilience_workbook::runner::watchdog::{Ending, Finished};
use resilience_workbook::sim::breaker::{ScriptedScenario, run_scenario};
use resilience_workbook::srs::load_decks;

fn cases() -> u64 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

/// SplitMix64: small, fast and reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One mutation of `seed`: a few edits, each splicing, deleting, duplicating or flipping.
fn mutate(rng: &mut Rng, seed: &[u8], tokens: &[&str]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next() as u8),
            2 => {
                let t = tokens[rng.below(tokens.len())].as_bytes();
                out.splice(at..at, t.iter().copied());
            }
            3 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(128)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            5 => out.truncate(at),
            _ => {
                let t = tokens[rng.below(tokens.len())].repeat(1 + rng.below(200));
                out.splice(at..at, t.into_bytes());
            }
        }
    }
    out
}

/// Runs `check` on `n` mutations of the seeds; prints how many ran.
fn fuzz(name: &str, n: u64, seeds: &[Vec<u8>], tokens: &[&str], mut check: impl FnMut(&[u8])) {
    let started = std::time::Instant::now();
    let mut rng = Rng(0x5eed ^ name.len() as u64);
    for seed in seeds {
        check(seed);
    }
    for i in 0..n {
        let seed = &seeds[(i as usize) % seeds.len()];
        check(&mutate(&mut rng, seed, tokens));
    }
    eprintln!(
        "fuzz {name}: {n} cases in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

const RON_TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\\",
    "Some(",
    "None",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "4294967295",
    "18446744073709551615",
    "1e308",
    "true",
    "r#\"",
    "/*",
    "//",
    "\n",
    "\u{0}",
    "é",
    "\u{FEFF}",
];

fn repo(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn libtest_output() {
    let files = BuildFiles::new(Path::new("/b"), "demo", "fn a() {}\n");
    let prefix = "wb_1234::";
    let expected: Vec<String> = ["wb_1234::grading::a", "wb_1234::grading::b", "examples::c"]
        .map(String::from)
        .to_vec();
    let events = concat!(
        "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 3 }\n",
        "{ \"type\": \"test\", \"event\": \"started\", \"name\": \"wb_1234::grading::a\" }\n",
        "{ \"type\": \"test\", \"name\": \"wb_1234::grading::a\", \"event\": \"ok\" }\n",
        "{ \"type\": \"test\", \"name\": \"wb_1234::grading::b\", \"event\": \"failed\", \"stdout\": \"thread 'x' (1) panicked at /b/tests.rs:3:5:\\nboom\\n\" }\n",
        "{ \"type\": \"test\", \"name\": \"examples::c\", \"event\": \"ignored\" }\n",
        "{ \"type\": \"suite\", \"event\": \"failed\", \"passed\": 1, \"failed\": 1, \"ignored\": 1 }\n",
    );
    let log = b"ok wb_1234::grading::a\nfailed wb_1234::grading::b\n".to_vec();
    let tokens = [
        "{ \"type\": \"test\"",
        "\"event\": \"ok\"",
        "wb_1234::grading::a",
        "panicked at ",
        "thread '",
        ":1:1:",
        "\n",
        "\"",
        "}",
        "\\u0000",
        "ok ",
    ];
    let endings = [
        Ending::Exited(0),
        Ending::Exited(101),
        Ending::Signalled(6),
        Ending::TimedOut,
    ];
    let mut k = 0usize;
    fuzz(
        "libtest",
        cases(),
        &[events.as_bytes().to_vec(), log],
        &tokens,
        |bytes| {
            k += 1;
            let run = Finished {
                ending: endings[k % endings.len()],
                stdout: bytes.to_vec(),
                stderr: bytes[..bytes.len() / 3].to_vec(),
                elapsed: Duration::from_millis(5),
            };
            let names = Names {
                hidden_prefix: prefix,
            };
            let text = String::from_utf8_lossy(bytes);
            let mut expected = expected.clone();
            expected.extend(libtest::learner_tests(&text, &text, &names));
            let mut result = libtest::interpret(&expected, &run, &files, &names);
            libtest::corroborate(&mut result, &text);
            let _ = hidden::hidden_tests(&text);
            let _ = LearnerEnd::new("demo.rs", &text).hide_generated(&text);
        },
    );
}

#[test]
fn lesson_packs_and_cards() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("lessons/p");
    std::fs::create_dir_all(&pack).unwrap();
    let ron = b"(id: \"p\", title: \"T\", summary: \"S\", sections: [(id: \"one\", title: \"One\", file: \"01.md\")])".to_vec();
    let md = repo("lessons/scars-to-architecture/03-circuit-breaker.md");
    let cards = repo("lessons/scars-to-architecture/cards.ron");
    let mut tokens = RON_TOKENS.to_vec();
    tokens.extend([
        "![",
        "](",
        "](x.png)",
        "```rust\n",
        "```\n",
        "{{c1::",
        "}}",
        "# ",
        "<",
    ]);
    let source = ContentSource::Disk(dir.path().to_owned());
    let mut k = 0usize;
    fuzz(
        "lessons+cards",
        cases() / 10,
        &[ron.clone(), md.clone(), cards.clone()],
        &tokens,
        |bytes| {
            k += 1;
            // Each case mutates one of the three files; the others stay valid.
            let which = k % 3;
            let pick = |i: usize, good: &[u8]| {
                if i == which {
                    bytes.to_vec()
                } else {
                    good.to_vec()
                }
            };
            std::fs::write(pack.join("lesson.ron"), pick(0, &ron)).unwrap();
            std::fs::write(pack.join("01.md"), pick(1, &md)).unwrap();
            std::fs::write(pack.join("cards.ron"), pick(2, &cards)).unwrap();
            let library = load_library(&source);
            let _ = load_decks(&source, &library);
        },
    );
}

#[test]
fn progress_files() {
    let good = b"(version: 1, progress: (settings: (theme: Dark, last_screen: \"Exercises\", zoom: 1.25, window_size: Some((1280.0, 800.0))), lessons: (read: [\"p/one\"]), exercises: (records: {\"a\": (passed: true, best_score: 10, checks: 3, failed_checks: 2, hints_shown: 1, solution_seen: false)})))".to_vec();
    fuzz("progress", cases(), &[good], RON_TOKENS, |bytes| {
        if let Ok(progress) =
            resilience_workbook::store::parse_text(&String::from_utf8_lossy(bytes))
        {
            let zoom = progress.settings.zoom;
            assert!(
                zoom.is_finite() && (0.5..=3.0).contains(&zoom),
                "zoom {zoom}"
            );
        }
    });
}

#[test]
fn replay_csv() {
    let seeds = [
        repo("tests/fixtures/srs/interleaved.csv"),
        repo("tests/fixtures/srs/lapses-relearning.csv"),
    ];
    let tokens = [
        ",",
        "\n",
        "#",
        "2026-13-45T99:00:00Z",
        "0",
        "5",
        "-1",
        "\"",
        "card_id,review_time,rating\n",
    ];
    fuzz("replay-csv", cases(), &seeds, &tokens, |bytes| {
        let _ = resilience_workbook::srs::replay::parse(&String::from_utf8_lossy(bytes));
    });
}

#[test]
fn breaker_scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/breaker");
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    let mut tokens = RON_TOKENS.to_vec();
    tokens.extend([
        "TimeBased(",
        "CountBased(",
        "Failure",
        "automatic_transition: true",
    ]);
    fuzz("breaker-scenarios", cases(), &seeds, &tokens, |bytes| {
        if let Ok(s) = ScriptedScenario::parse(&String::from_utf8_lossy(bytes)) {
            let _ = run_scenario(&s);
        }
    });
}

#[test]
fn source_screen() {
    let seeds = [
        repo("exercises/breaker-window/solution.rs"),
        repo("exercises/bulkhead-permits/tests.rs"),
    ];
    let tokens = [
        "r#\"",
        "\"#",
        "'",
        "'a",
        "b'",
        "/*",
        "*/",
        "//",
        "::",
        "!",
        "#[",
        "#![",
        "impl<",
        "std::fs",
        "macro_rules!",
        "\\",
        "\"",
        "\n",
        "é",
    ];
    fuzz("source-screen", cases(), &seeds, &tokens, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = screen::learner_file(&text);
        let _ = screen::unqualified_macros(&text);
    });
}
