//! About: what the workbook is, and how it uses the patterns it teaches. Every claim names
//! the code that makes it true; keep them in step when that code changes.

use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use super::theme;
use crate::ui::state::Shared;

const ABOUT: &str = r#"
# About Resilience Workbook

A workbook on turning production incidents into architecture: a lesson, flashcards
scheduled by FSRS-6, simulations that are real seeded models, and Rust exercises graded by
hidden tests. It runs entirely offline.

## The patterns it teaches, in its own code

- **Timeout**: Every exercise build and test run has a wall-clock limit (60 s to compile, 10 s for the tests) and a CPU-time limit, so a learner's infinite loop ends with a verdict instead of a hang.  
  *Where:* `src/runner/watchdog.rs`, `src/runner/check.rs`

- **Bulkhead**: Checks run on a background runtime with its own two worker threads, never on the thread that draws the window; each test process gets its own limits on memory, file size and output (4 MiB), so one runaway check cannot starve the app or fill the disk.  
  *Where:* `src/app.rs` (the runtime), `src/runner/watchdog.rs` (`Limits`)

- **Fail fast, clean up**: A check that times out, floods its output or is cancelled is killed with its whole process group, and a test binary dies with the process that started it, so nothing it spawned lives on.  
  *Where:* `src/runner/watchdog.rs`

- **Least privilege**: Exercise code is untrusted input. A source screen refuses what no exercise needs (processes, files, the environment, macros that could shadow the graders' assertions) at its line; the compiler forbids `unsafe`; the test binary runs under Landlock where the kernel has it, writing only its own run folder and unable to read the hidden tests or your progress; a pass must also be in the results log libtest writes itself.  
  *Where:* `src/runner/screen.rs`, `src/runner/sandbox.rs` (`probe`), `src/runner/check.rs`

- **Atomic writes**: Progress is written to a temporary file, flushed, renamed over the old one and the folder flushed: a crash at any moment leaves the old file or the new one, never half of each.  
  *Where:* `src/store/mod.rs` (`write_atomically`)

- **Idempotency**: A check of an unchanged file is answered from a cache keyed by the file's content, toolchain and tests, and is not counted as a new attempt: pressing Check twice has the effect of pressing it once.  
  *Where:* `src/runner/check.rs` (`cache_key`), `src/runner/mod.rs` (`note_check`)

- **Quarantine, not trust**: A progress file that cannot be read is never reset or overwritten: it is moved aside under a timestamped name and the app tells you where it is.  
  *Where:* `src/store/mod.rs` (`move_aside`)

- **Merging concurrent writers**: `workbook check` may record a result while the app is open. Every save holds a file lock; before writing, the app notices the file changed and folds the other writer's records in (passes stay, counts add up what each side did), so neither side's work is lost.  
  *Where:* `src/store/mod.rs` (`merge_if_changed`), `src/runner/mod.rs` (`merge`), `src/progress/activity.rs` (`merge`)

- **Bounded everything**: The result cache keeps the 1,000 newest results; the log rotates at 2 MiB; simulation series keep a bounded number of points.  
  *Where:* `src/runner/check.rs` (`KEPT_RESULTS`), `src/logging.rs` (`MAX_LOG_BYTES`), `src/sim/engine.rs`

- **Graceful degradation**: One broken lesson, card or exercise is reported with file, line and column and left out; the rest still loads and works.  
  *Where:* `src/content/`, `src/srs/deck.rs`, `src/runner/exercise.rs`

- **Deterministic replay**: Every simulation is a pure model of virtual time with a seeded random source: the same seed gives the same run, so "with and without the pattern" is a fair comparison.  
  *Where:* `src/sim/engine.rs`

- **Observability**: Structured logs (`tracing`, with exercise and card ids and durations) go to `workbook.log` in the data folder; `RUST_LOG` sets the level.  
  *Where:* `src/logging.rs`

## What it does not promise

The runner is built so that no pass is reported that the hidden tests did not see, and so
that exercise code cannot reach your files; the sandbox is best effort where the kernel
lacks Landlock (each result says whether it ran sandboxed). A bug in the compiler itself is
outside what it can defend. The README's section on the runner says exactly what it
guarantees and what it does not.
"#;

#[derive(Default)]
pub struct AboutScreen {
    markdown: CommonMarkCache,
}

impl std::fmt::Debug for AboutScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AboutScreen").finish_non_exhaustive()
    }
}

impl AboutScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        egui::ScrollArea::vertical()
            .id_salt("about")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.set_max_width(ui.available_width().min(theme::READING_WIDTH + 160.0));
                    ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                        ui.add_space(theme::SPACE_L);
                        CommonMarkViewer::new().show(ui, &mut self.markdown, ABOUT);
                        ui.add_space(theme::SPACE_M);
                        ui.label(
                            egui::RichText::new(format!(
                                "Version {} · progress in {}",
                                env!("CARGO_PKG_VERSION"),
                                shared.store.dir().display()
                            ))
                            .small()
                            .color(ui.visuals().weak_text_color()),
                        );
                        ui.add_space(theme::SPACE_XL);
                    });
                });
            });
    }
}

#[cfg(test)]
mod tests {
    use super::ABOUT;

    /// Every file the page names exists, and every item named in parentheses after it
    /// (`write_atomically`) is defined there, so a claim cannot outlive its code.
    #[test]
    fn every_place_the_page_names_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for line in ABOUT.lines().filter(|l| l.contains("*Where:*")) {
            for place in line.split("`, `").flat_map(|p| p.split("), `")) {
                let mut parts = place.split('`').filter(|s| !s.trim().is_empty());
                let Some(path) = parts.find(|s| s.starts_with("src/")) else {
                    continue;
                };
                let file = root.join(path.trim());
                assert!(file.exists(), "{path} is named on the About page");
                checked += 1;
                let names: Vec<&str> = place
                    .split('`')
                    .skip_while(|s| !s.starts_with("src/"))
                    .skip(1)
                    .filter(|s| s.chars().all(|c| c.is_alphanumeric() || c == '_') && !s.is_empty())
                    .collect();
                if file.is_file() {
                    let text = std::fs::read_to_string(&file).unwrap_or_default();
                    for name in names {
                        assert!(
                            text.contains(&format!("fn {name}"))
                                || text.contains(&format!("const {name}"))
                                || text.contains(&format!("struct {name}")),
                            "{name} is not defined in {path}"
                        );
                    }
                }
            }
        }
        assert!(checked >= 10, "{checked}");
    }
}
