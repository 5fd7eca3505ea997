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

| Pattern | Where the workbook uses it | Code |
|---|---|---|
| **Timeout** | Every exercise build and test run has a wall-clock limit (60 s to compile, 10 s for the tests) and a CPU-time limit, so a learner's infinite loop ends with a verdict instead of a hang. | `src/runner/watchdog.rs`, `src/runner/check.rs` |
| **Bulkhead** | Checks run on a background runtime with its own two worker threads, never on the thread that draws the window; each test process gets its own limits on memory, file size and output (4 MiB), so one runaway check cannot starve the app or fill the disk. | `src/app.rs` (the runtime), `src/runner/watchdog.rs` (`Limits`) |
| **Fail fast, clean up** | A check that times out, floods its output or is cancelled is killed with its whole process group, so nothing it spawned lives on. | `src/runner/watchdog.rs` |
| **Atomic writes** | Progress is written to a temporary file, flushed, renamed over the old one and the folder flushed: a crash at any moment leaves the old file or the new one, never half of each. | `src/store/mod.rs` (`write_atomically`) |
| **Idempotency** | A check of an unchanged file is answered from a cache keyed by the file's content, toolchain and tests, and is not counted as a new attempt: pressing Check twice has the effect of pressing it once. | `src/runner/check.rs` (`cache_key`), `src/runner/mod.rs` (`note_check`) |
| **Quarantine, not trust** | A progress file that cannot be read is never reset or overwritten: it is moved aside under a timestamped name and the app tells you where it is. | `src/store/mod.rs` (`move_aside`) |
| **Merging concurrent writers** | `workbook check` may record a result while the app is open. Before saving, the app notices the file changed and folds the other writer's records in (passes stay, counts take the larger), so neither side's work is lost. | `src/store/mod.rs` (`merge_from_disk`), `src/runner/mod.rs` (`merge`), `src/progress/activity.rs` (`merge`) |
| **Bounded everything** | The result cache keeps the 1,000 newest results; the log rotates at 2 MiB; simulation series keep a bounded number of points. | `src/runner/check.rs` (`KEPT_RESULTS`), `src/logging.rs` (`MAX_LOG_BYTES`), `src/sim/engine.rs` |
| **Graceful degradation** | One broken lesson, card or exercise is reported with file, line and column and left out; the rest still loads and works. | `src/content/`, `src/srs/deck.rs`, `src/runner/exercise.rs` |
| **Deterministic replay** | Every simulation is a pure model of virtual time with a seeded random source: the same seed gives the same run, so "with and without the pattern" is a fair comparison. | `src/sim/engine.rs` |
| **Observability** | Structured logs (`tracing`, with exercise and card ids and durations) go to `workbook.log` in the data folder; `RUST_LOG` sets the level. | `src/logging.rs` |

## What it does not promise

The runner protects your machine from honest mistakes in exercise code (loops,
allocations, floods); it is not a sandbox built to contain code written to escape. See the
README's section on the runner for exactly what it guarantees.
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
