//! Compiles, and runs the tests of, every ```` ```rust ```` block in every lesson section,
//! so the code the lesson teaches from cannot rot.
//!
//! The rule for authors:
//! - A block tagged `rust` is a complete list of items, as a library file would be: `use`
//!   lines, types, functions, `impl`s, and optionally a `#[cfg(test)] mod tests`. No
//!   inner attributes (`#![...]`), and no references to other blocks: each block stands
//!   alone, so a reader can paste it into a fresh file.
//! - A block may use `std`, `tokio` and `tracing` (the app's own dependencies). Their
//!   compiled libraries are taken from the folder cargo built them in for this test, so
//!   no network and no second build is involved.
//! - A deliberately partial block is tagged `rust,ignore` and skipped. Keep those rare.
//!
//! How: all blocks of one section become one crate, each block wrapped in its own
//! `mod block_N { ... }` (so names never clash), compiled with
//! `rustc --edition 2021 --test` and run. A compile error or a failing test fails this
//! test with the section file and the line of the block, and rustc's message with its
//! locations rewritten to point into the Markdown file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One ```` ```rust ```` block: where it starts and its text.
#[derive(Debug, PartialEq, Eq)]
struct CodeBlock {
    /// 1-based line of the first code line (the line after the opening fence).
    first_line: usize,
    code: String,
}

/// Finds the compiled rust blocks of a Markdown file (skipping `ignore`d ones).
fn rust_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut current: Option<(bool, CodeBlock)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match current.take() {
            None if fence => {
                let info = line.trim_start().trim_start_matches('`').trim();
                let mut words = info.split(',').map(str::trim);
                let is_rust = words.next() == Some("rust");
                let ignored = words.any(|w| w == "ignore");
                let block = CodeBlock {
                    first_line: index + 2,
                    code: String::new(),
                };
                current = Some((is_rust && !ignored, block));
            }
            None => {}
            // A closing fence ends the block; only compiled ones are kept.
            Some((true, block)) if fence => blocks.push(block),
            Some((false, _)) if fence => {}
            Some((compiled, mut block)) => {
                block.code.push_str(line);
                block.code.push('\n');
                current = Some((compiled, block));
            }
        }
    }
    blocks
}

/// The crate for one section, and for each of its lines the Markdown line it came from
/// (0 where the line is generated).
fn section_crate(blocks: &[CodeBlock]) -> (String, Vec<usize>) {
    let mut source = String::from("#![allow(dead_code, unused_imports, unused_variables)]\n");
    let mut origin = vec![0];
    for (n, block) in blocks.iter().enumerate() {
        let _ = writeln!(source, "mod block_{n} {{");
        origin.push(0);
        for (offset, line) in block.code.lines().enumerate() {
            source.push_str(line);
            source.push('\n');
            origin.push(block.first_line + offset);
        }
        source.push_str("}\n");
        origin.push(0);
    }
    (source, origin)
}

/// Rewrites rustc's `--> crate.rs:LINE:COL` locations to the Markdown file and line.
fn map_locations(stderr: &str, crate_file: &str, markdown: &str, origin: &[usize]) -> String {
    let needle = format!("{crate_file}:");
    let mut out = String::new();
    for line in stderr.lines() {
        let mapped = line.find(&needle).and_then(|at| {
            let rest = &line[at + needle.len()..];
            let (number, tail) = rest.split_once(':')?;
            let generated: usize = number.parse().ok()?;
            let md_line = *origin.get(generated.checked_sub(1)?)?;
            Some(format!("{}{markdown}:{md_line}:{tail}", &line[..at]))
        });
        out.push_str(mapped.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The newest `lib<name>-*.rlib` in cargo's deps folder: the one built for this test run.
fn newest_rlib(deps: &Path, name: &str) -> Option<PathBuf> {
    let prefix = format!("lib{name}-");
    std::fs::read_dir(deps)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            file.starts_with(&prefix) && file.ends_with(".rlib")
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

/// Compiles and runs one section's blocks; `Err` carries a report for the learner's author.
fn check_section(markdown_path: &Path, shown_as: &str, work: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(markdown_path)
        .map_err(|e| format!("{shown_as}: cannot read: {e}"))?;
    let blocks = rust_blocks(&text);
    if blocks.is_empty() {
        return Ok(0);
    }
    let (source, origin) = section_crate(&blocks);
    let stem = markdown_path.file_stem().map_or_else(
        || "section".into(),
        |s| s.to_string_lossy().replace('-', "_"),
    );
    let crate_file = format!("lesson_{stem}.rs");
    let crate_path = work.join(&crate_file);
    std::fs::write(&crate_path, source).map_err(|e| format!("cannot write {crate_file}: {e}"))?;

    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    let deps = exe.parent().ok_or("the test binary has no folder")?;
    let mut rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    rustc
        .current_dir(work)
        .args(["--edition", "2021", "--test", "--crate-name"])
        .arg(format!("lesson_{stem}"))
        .arg("-o")
        .arg(work.join(format!("lesson_{stem}")))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()));
    for name in ["tokio", "tracing"] {
        let rlib = newest_rlib(deps, name)
            .ok_or_else(|| format!("no lib{name}-*.rlib in {}", deps.display()))?;
        rustc
            .arg("--extern")
            .arg(format!("{name}={}", rlib.display()));
    }
    let output = rustc
        .arg(&crate_file)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = blocks
            .iter()
            .map(|b| b.first_line.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(format!(
            "{shown_as}: a rust block does not compile (blocks start at lines {first}):\n{}",
            map_locations(&stderr, &crate_file, shown_as, &origin)
        ));
    }
    let run = Command::new(work.join(format!("lesson_{stem}")))
        .arg("--quiet")
        .output()
        .map_err(|e| format!("cannot run the compiled blocks of {shown_as}: {e}"))?;
    if !run.status.success() {
        return Err(format!(
            "{shown_as}: a test inside a rust block fails (test names are block_N::...; block N is the N+1-th rust block):\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    Ok(blocks.len())
}

/// Every section file of every pack, sorted so failures are reported in reading order.
fn section_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(packs) = std::fs::read_dir(root.join("lessons")) else {
        return files;
    };
    for pack in packs.filter_map(Result::ok) {
        let Ok(entries) = std::fs::read_dir(pack.path()) else {
            continue;
        };
        files.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md")),
        );
    }
    files.sort();
    files
}

#[test]
fn every_rust_block_in_every_lesson_compiles_and_its_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("temporary folder");
    let mut compiled = 0;
    let mut failures = Vec::new();
    for file in section_files(root) {
        let shown_as = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        match check_section(&file, &shown_as, work.path()) {
            Ok(count) => compiled += count,
            Err(report) => failures.push(report),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        compiled > 0,
        "no rust blocks found under lessons/: is the extraction broken?"
    );
    println!("compiled and tested {compiled} rust blocks");
}

#[test]
fn extraction_skips_ignored_and_other_languages_and_keeps_lines() {
    let md = "text\n```rust\nfn a() {}\n```\n```rust,ignore\nfn b(\n```\n```sql\nSELECT 1;\n```\n\n```rust\nfn c() {}\nfn d() {}\n```\n";
    let blocks = rust_blocks(md);
    assert_eq!(
        blocks,
        vec![
            CodeBlock {
                first_line: 3,
                code: "fn a() {}\n".into()
            },
            CodeBlock {
                first_line: 13,
                code: "fn c() {}\nfn d() {}\n".into()
            },
        ]
    );
}

#[test]
fn compiler_locations_point_into_the_markdown() {
    let blocks = vec![CodeBlock {
        first_line: 40,
        code: "fn a() {}\nfn b() { x }\n".into(),
    }];
    let (source, origin) = section_crate(&blocks);
    assert_eq!(source.lines().nth(3), Some("fn b() { x }"));
    let stderr = "error[E0425]: cannot find value `x`\n --> lesson_s.rs:4:10\n";
    let mapped = map_locations(stderr, "lesson_s.rs", "lessons/p/01-s.md", &origin);
    assert!(mapped.contains("--> lessons/p/01-s.md:41:10"), "{mapped}");
}
