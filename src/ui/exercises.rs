//! The exercise screen: the list with each exercise's status, an editor over the
//! learner's copy, the task pane beside it (statement, hints one at a time, the solution
//! behind a confirmation), Check (Ctrl+Enter) on the background runtime, the results
//! panel, reset, an external editor and a watch mode that re-checks when the file
//! changes on disk.

mod celebrate;
mod code;
mod task;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use egui_code_editor::{CodeEditor, ColorTheme, Syntax};

use super::theme::{self, Semantic};
use crate::progress::{ActivityKind, lesson_order};
use crate::runner::report::{Diagnostic, Level, SourceFile};
use crate::runner::{
    Exercise, ExerciseProgress, Phase, Report, Runner, SOLUTION_AFTER_FAILS, Status, TestResult,
    TestStatus, Verdict, workspace,
};
use crate::ui::state::{Nav, SectionRef, Shared};

const CHECK_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
/// The editor saves this long after the last keystroke (and always before a check).
const SAVE_DELAY: Duration = Duration::from_millis(600);
const EDITOR_ID: &str = "exercise-editor";

/// A question waiting for the learner's yes or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Reset,
    ShowSolution,
}

/// A check running on the background runtime; its task writes into `slot`.
struct Running {
    exercise: String,
    started: Instant,
    slot: Arc<Mutex<Slot>>,
    handle: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Slot {
    phase: Option<Phase>,
    outcome: Option<Result<Report, String>>,
}

/// The open exercise's text and where it lives.
struct Open {
    id: String,
    path: PathBuf,
    text: String,
    /// The text last written to disk (or read from it).
    saved: String,
    edited_at: Option<Instant>,
}

/// Notifications about the open file, for watch mode.
struct Watch {
    _watcher: notify::RecommendedWatcher,
    changes: mpsc::Receiver<()>,
}

#[derive(Default)]
pub struct ExercisesScreen {
    selected: Option<String>,
    open: Option<Open>,
    runner: Option<Arc<Runner>>,
    running: Option<Running>,
    /// The last result per exercise id, this session.
    reports: std::collections::HashMap<String, Report>,
    /// A check that could not run (no compiler, disk full), shown instead of results.
    failure: Option<String>,
    confirm: Option<Confirm>,
    solution_open: bool,
    watch: Option<Watch>,
    /// A line (1-based) of the learner's file to move the cursor to.
    jump_to: Option<(usize, usize)>,
    notice: Option<String>,
    task: task::TaskPane,
    /// The line last jumped to and when, highlighted for a moment so the eye finds it.
    highlight: Option<(usize, Instant)>,
    /// When the open exercise last passed in full (not from the cache): the confetti.
    celebrate: Option<Instant>,
}

/// How long a jumped-to line stays highlighted.
const HIGHLIGHT_FOR: Duration = Duration::from_millis(2500);

impl ExercisesScreen {
    /// Selects the exercise with this id (ids the catalog lacks are ignored when drawn).
    pub fn open(&mut self, id: &str) {
        self.selected = Some(id.to_owned());
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        // A selection whose exercise is gone (content reloaded) falls back to the next one
        // in teaching order. The open file is the learner's copy, which stays open.
        if self
            .selected
            .as_deref()
            .is_none_or(|id| shared.catalog.get(id).is_none())
        {
            self.selected = recommended(shared).map(|e| e.id.clone());
        }
        self.sync_open(shared);
        self.collect_result(shared);
        self.follow_watch(ui.ctx(), shared);
        self.autosave();
        if ui.input_mut(|i| i.consume_shortcut(&CHECK_SHORTCUT)) {
            self.start_check(ui.ctx(), shared);
        }

        egui::Panel::left("exercise-list")
            .resizable(false)
            .exact_size(230.0)
            .show(ui, |ui| self.list_ui(ui, shared));
        let Some(exercise) = self
            .selected
            .as_deref()
            .and_then(|id| shared.catalog.get(id))
            .cloned()
        else {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.add_space(theme::SPACE_XL);
                ui.vertical_centered(|ui| {
                    ui.heading("No exercises found");
                    ui.label("The exercises folder is empty or every exercise has a problem: run `workbook validate` to see why.");
                });
            });
            return;
        };
        // The task pane beside the editor, full height and resizable, as Exercism puts
        // the prose beside the code; hidden, it leaves the width to the editor.
        if self.task.open {
            let free = ui.available_width();
            egui::Panel::right("exercise-task")
                .resizable(true)
                .default_size(task::TaskPane::default_width(free))
                .size_range(200.0..=(free * 0.6).max(200.0))
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("exercise-task-scroll")
                        .show(ui, |ui| {
                            ui.add_space(theme::SPACE_S);
                            self.task.statement_ui(ui, shared, &exercise);
                            ui.add_space(theme::SPACE_L);
                            self.hints_ui(ui, shared, &exercise);
                            ui.add_space(theme::SPACE_L);
                        });
                });
        }
        // Results below the editor, in a strip the learner resizes by its top edge;
        // smaller in a small window so the editor keeps most of the height.
        let results_height = (ui.available_height() * 0.33).clamp(140.0, 290.0);
        egui::Panel::bottom("exercise-results")
            .resizable(true)
            .default_size(results_height)
            .size_range(100.0..=(ui.available_height() - 160.0).max(140.0))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("exercise-results-scroll")
                    .show(ui, |ui| self.results_ui(ui, shared, &exercise));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            self.header_ui(ui, shared, &exercise);
            ui.add_space(theme::SPACE_S);
            self.editor_ui(ui);
        });
        self.confirm_ui(ui.ctx(), shared, &exercise);
        self.solution_ui(ui.ctx(), &exercise);
        if self.running.is_some() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
    }

    /// The list in teaching order: grouped under the section that teaches them, easy
    /// before hard, with the recommended next exercise marked.
    fn list_ui(&mut self, ui: &mut egui::Ui, shared: &Shared) {
        let progress = &shared.store.progress.exercises;
        ui.add_space(theme::SPACE_S);
        let earned = progress.total_score();
        let possible: u32 = shared.catalog.exercises.iter().map(|e| e.points).sum();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Exercises").strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(format!("{earned}\u{a0}/\u{a0}{possible}\u{a0}pts"))
                        .small()
                        .color(ui.visuals().weak_text_color()),
                )
                .on_hover_text("Points earned: each exercise's best score");
            });
        });
        ui.separator();
        let next = recommended(shared).map(|e| e.id.clone());
        egui::ScrollArea::vertical()
            .id_salt("exercise-list-scroll")
            .show(ui, |ui| {
                for group in lesson_order::groups(&shared.library, &shared.catalog) {
                    let heading = match group.section {
                        Some((number, section)) => format!("{number}. {}", section.title),
                        None => "Other exercises".to_owned(),
                    };
                    ui.add_space(theme::SPACE_XS);
                    ui.label(
                        RichText::new(heading)
                            .small()
                            .strong()
                            .color(ui.visuals().weak_text_color()),
                    );
                    for exercise in group.exercises {
                        self.list_row_ui(ui, progress, exercise, next.as_deref());
                    }
                }
                for problem in &shared.catalog.problems {
                    ui.colored_label(Semantic::Failing.in_ui(ui), format!("⚠ {problem}"));
                }
            });
    }

    fn list_row_ui(
        &mut self,
        ui: &mut egui::Ui,
        progress: &ExerciseProgress,
        exercise: &Exercise,
        next: Option<&str>,
    ) {
        let status = progress.status(&exercise.id);
        let (icon, sem, word) = status_look(status);
        let word = match (status, self.reports.get(&exercise.id)) {
            (Status::Failing, Some(r)) if r.total > 0 => {
                format!("{}\u{a0}/\u{a0}{}\u{a0}tests", r.passed, r.total)
            }
            (Status::Failing, _) => format!(
                "best {}\u{a0}/\u{a0}{}\u{a0}pts",
                progress.record(&exercise.id).best_score,
                exercise.points
            ),
            _ => word.to_owned(),
        };
        let selected = self.selected.as_deref() == Some(exercise.id.as_str());
        let is_next = next == Some(exercise.id.as_str());
        let response = ui
            .horizontal(|ui| {
                ui.colored_label(sem.in_ui(ui), icon);
                ui.vertical(|ui| {
                    let title = ui.selectable_label(selected, &exercise.title);
                    let mut meta = format!(
                        "{} · {}\u{a0}pts · {word}",
                        exercise.difficulty.label(),
                        exercise.points
                    );
                    if is_next {
                        meta.push_str(" · ★ next");
                    }
                    ui.label(
                        RichText::new(meta)
                            .small()
                            .color(ui.visuals().weak_text_color()),
                    );
                    if status == Status::Failing {
                        let best = progress.record(&exercise.id).best_score;
                        ui.add(
                            egui::ProgressBar::new(best as f32 / exercise.points.max(1) as f32)
                                .desired_width(120.0)
                                .desired_height(4.0)
                                .fill(Semantic::Waiting.in_ui(ui)),
                        );
                    }
                    title
                })
                .inner
            })
            .inner;
        let response = if is_next {
            response.on_hover_text("Recommended next: the first one not passed, in teaching order")
        } else {
            response
        };
        if response.clicked() {
            self.selected = Some(exercise.id.clone());
        }
        ui.add_space(theme::SPACE_XS);
    }

    fn header_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, exercise: &Exercise) {
        ui.horizontal_wrapped(|ui| {
            ui.heading(&exercise.title);
            ui.label(
                RichText::new(format!(
                    "{} · {}\u{a0}points ·",
                    exercise.difficulty.label(),
                    exercise.points,
                ))
                .color(ui.visuals().weak_text_color()),
            );
            let at = SectionRef {
                pack: exercise.lesson.clone(),
                section: exercise.section.clone(),
            };
            if let Some(title) = shared.section_title(&at) {
                if ui
                    .link(format!("section {title}"))
                    .on_hover_text("Read the section this exercise practises")
                    .clicked()
                {
                    shared.nav = Some(Nav::Section(at, None));
                }
            }
        });
        ui.add_space(theme::SPACE_XS);
        // Wraps in a narrow window (the task pane open at 1024 px) rather than clipping.
        ui.horizontal_wrapped(|ui| {
            let busy = self.running.is_some();
            let check = ui
                .add_enabled(!busy, egui::Button::new(RichText::new("▶ Check").strong()))
                .on_hover_text("Build your file with the hidden tests and run them (Ctrl+Enter)");
            if check.clicked() {
                self.start_check(ui.ctx(), shared);
            }
            if let Some(running) = &self.running {
                ui.add(egui::Spinner::new());
                let phase = running
                    .slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .phase;
                let what = match phase {
                    None => "Starting…",
                    Some(Phase::Compiling) => "Compiling…",
                    Some(Phase::Running) => "Running tests…",
                };
                ui.label(format!(
                    "{what} {:.1} s",
                    running.started.elapsed().as_secs_f32()
                ));
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop this check")
                    .clicked()
                {
                    self.cancel();
                }
            }
            ui.separator();
            if ui
                .button("↗ Open in editor")
                .on_hover_text(
                    "Open your file in your own editor; watch mode re-checks on every save",
                )
                .clicked()
            {
                self.open_externally(ui.ctx(), shared);
            }
            let mut watching = self.watch.is_some();
            if ui
                .checkbox(&mut watching, "Watch")
                .on_hover_text("Re-check whenever the file is saved from another editor")
                .changed()
            {
                if watching {
                    self.start_watch(ui.ctx());
                } else {
                    self.watch = None;
                }
            }
            ui.separator();
            if ui
                .button("⟲ Reset")
                .on_hover_text("Start again from the starter file (asks first)")
                .clicked()
            {
                self.confirm = Some(Confirm::Reset);
            }
            if !self.task.open
                && ui
                    .button("◀ Task")
                    .on_hover_text("Show the task, hints and solution beside the editor")
                    .clicked()
            {
                self.task.open = true;
            }
        });
        if let Some(open) = &self.open {
            ui.label(
                RichText::new(format!("Your file: {}", open.path.display()))
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
        }
        if let Some(notice) = &self.notice {
            ui.colored_label(Semantic::Waiting.in_ui(ui), notice);
        }
    }

    fn editor_ui(&mut self, ui: &mut egui::Ui) {
        let Some(open) = &mut self.open else {
            return;
        };
        let id = ui.make_persistent_id(EDITOR_ID);
        if let Some((line, column)) = self.jump_to.take() {
            self.highlight = Some((line, Instant::now()));
            let at = char_index(&open.text, line, column);
            let mut state = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::one(
                    egui::text::CCursor::new(at),
                )));
            state.store(ui.ctx(), id);
            ui.memory_mut(|m| m.request_focus(id));
        }
        let output = code::show(ui, id, &mut open.text);
        output.response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Your code")
        });
        if output.response.changed() {
            open.edited_at = Some(Instant::now());
        }
        if let Some((line, since)) = self.highlight {
            if since.elapsed() >= HIGHLIGHT_FOR {
                self.highlight = None;
            } else {
                highlight_line_ui(ui, &output, &open.text, line, since);
            }
        }
    }

    fn results_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, exercise: &Exercise) {
        ui.add_space(theme::SPACE_S);
        ui.label(RichText::new("Results").strong());
        ui.separator();
        if let Some(failure) = &self.failure {
            callout(ui, Semantic::Waiting, "The check could not run", failure);
            return;
        }
        let Some(report) = self.reports.get(&exercise.id) else {
            ui.label(
                RichText::new(
                    "Not checked yet. Fill in the todo!()s, then press Check (Ctrl+Enter): \
                     the hidden tests run against your file and each one shows here.",
                )
                .color(ui.visuals().weak_text_color()),
            );
            return;
        };
        let (sem, title) = match report.verdict {
            Verdict::Passed => (Semantic::Healthy, "🎉 Passed: every test".to_owned()),
            Verdict::Failed if report.passed > 0 => (
                Semantic::Waiting,
                format!("{} of {} tests pass", report.passed, report.total),
            ),
            Verdict::Failed => (Semantic::Failing, "No test passes yet".to_owned()),
            Verdict::DidNotCompile => (Semantic::Failing, "Does not compile".to_owned()),
            Verdict::Broken => (Semantic::Rejected, "The tests did not finish".to_owned()),
        };
        let cached = if report.cached {
            " (unchanged file: result from the cache)"
        } else {
            ""
        };
        callout(
            ui,
            sem,
            &title,
            &format!(
                "{}. Score {}\u{a0}/\u{a0}{}, {}\u{a0}ms{cached}.",
                capitalise(&report.summary),
                report.score,
                report.points,
                report.elapsed_ms
            ),
        );
        if !report.sandbox.is_empty() {
            ui.weak(format!("The tests ran {}.", report.sandbox));
        }
        if report.total > 0 {
            partial_bar_ui(ui, report.passed, report.total);
        }
        if report.verdict == Verdict::Passed {
            if let Some(next) = next_after(shared, &exercise.id) {
                let (id, title) = (next.id.clone(), next.title.clone());
                ui.add_space(theme::SPACE_XS);
                if ui
                    .button(RichText::new(format!("Next exercise: {title} →")).strong())
                    .on_hover_text("The next one not passed yet, in the lessons' order")
                    .clicked()
                {
                    self.selected = Some(id);
                }
            } else {
                ui.label("That was the last one: every exercise passes.");
            }
            if let Some(since) = self.celebrate
                && !celebrate::confetti(ui, ui.clip_rect(), since)
            {
                self.celebrate = None;
            }
        }
        let mut jump = None;
        let errors: Vec<&Diagnostic> = report.errors().collect();
        if !errors.is_empty() {
            ui.add_space(theme::SPACE_S);
            ui.label(RichText::new("Compiler errors").strong());
            for d in errors {
                if let Some(at) = diagnostic_ui(ui, d) {
                    jump = Some(at);
                }
            }
        }
        let warnings: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning && d.in_learner_file())
            .collect();
        if !warnings.is_empty() && report.verdict != Verdict::DidNotCompile {
            egui::CollapsingHeader::new(format!("{} warning(s)", warnings.len()))
                .id_salt("exercise-warnings")
                .show(ui, |ui| {
                    for d in warnings {
                        if let Some(at) = diagnostic_ui(ui, d) {
                            jump = Some(at);
                        }
                    }
                });
        }
        if !report.tests.is_empty() {
            ui.add_space(theme::SPACE_S);
            ui.label(RichText::new("Tests").strong());
            for t in &report.tests {
                if let Some(at) = test_ui(ui, t) {
                    jump = Some(at);
                }
            }
        }
        if !report.stray_output.trim().is_empty() {
            egui::CollapsingHeader::new("Other output")
                .id_salt("exercise-stray-output")
                .default_open(report.verdict == Verdict::Broken)
                .show(ui, |ui| code_block(ui, &report.stray_output));
        }
        if jump.is_some() {
            self.jump_to = jump;
        }
    }

    fn hints_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, exercise: &Exercise) {
        ui.add_space(theme::SPACE_S);
        ui.label(RichText::new("Hints").strong());
        ui.separator();
        let record = shared.store.progress.exercises.record(&exercise.id);
        let shown = (record.hints_shown as usize).min(exercise.hints.len());
        for (i, hint) in exercise.hints.iter().take(shown).enumerate() {
            self.task.hint_ui(ui, i + 1, hint);
            ui.add_space(theme::SPACE_XS);
        }
        if shown < exercise.hints.len() {
            let label = format!("💡 Show hint {} of {}", shown + 1, exercise.hints.len());
            if ui
                .button(label)
                .on_hover_text("Hints go from a nudge to nearly the answer")
                .clicked()
            {
                shared
                    .store
                    .progress
                    .exercises
                    .record_mut(&exercise.id)
                    .hints_shown += 1;
                shared.save();
            }
        }
        ui.add_space(theme::SPACE_M);
        let unlocked = record.solution_unlocked();
        let why = format!(
            "Unlocks after a pass, or after {SOLUTION_AFTER_FAILS} checks that did not pass ({} so far)",
            record.failed_checks.min(SOLUTION_AFTER_FAILS)
        );
        let button = ui
            .add_enabled(unlocked, egui::Button::new("📖 Solution"))
            .on_disabled_hover_text(why)
            .on_hover_text("Compare your answer with the reference solution");
        if button.clicked() {
            if record.solution_seen {
                self.solution_open = true;
            } else {
                self.confirm = Some(Confirm::ShowSolution);
            }
        }
    }

    fn confirm_ui(&mut self, ctx: &egui::Context, shared: &mut Shared, exercise: &Exercise) {
        let Some(question) = self.confirm else {
            return;
        };
        let (title, body, yes) = match question {
            Confirm::Reset => (
                "Start again?",
                "Your file is replaced by the starter. Your changes are lost; your score and checks are kept.",
                "Reset my file",
            ),
            Confirm::ShowSolution => (
                "See the reference solution?",
                "Working it out yourself teaches the most. The solution opens in its own window; your file is not changed.",
                "Show the solution",
            ),
        };
        let mut answer = None;
        let modal = egui::Modal::new(egui::Id::unique("exercise-confirm")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading(title);
            ui.add_space(theme::SPACE_S);
            ui.label(body);
            ui.add_space(theme::SPACE_M);
            ui.horizontal(|ui| {
                if ui.button(yes).clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(false);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(false);
        }
        let Some(yes) = answer else {
            return;
        };
        self.confirm = None;
        if !yes {
            return;
        }
        match question {
            Confirm::Reset => self.reset(shared, exercise),
            Confirm::ShowSolution => {
                shared
                    .store
                    .progress
                    .exercises
                    .record_mut(&exercise.id)
                    .solution_seen = true;
                shared.save();
                self.solution_open = true;
            }
        }
    }

    fn solution_ui(&mut self, ctx: &egui::Context, exercise: &Exercise) {
        if !self.solution_open {
            return;
        }
        let mut open = true;
        egui::Window::new(format!("Solution: {}", exercise.title))
            .id(egui::Id::unique("exercise-solution"))
            .open(&mut open)
            .default_size([700.0, 560.0])
            .vscroll(false)
            .show(ctx, |ui| {
                let mut text = exercise.solution.clone();
                let dark = ui.visuals().dark_mode;
                let (output, _) = CodeEditor::default()
                    .id_source("exercise-solution-code")
                    .with_rows(28)
                    .with_fontsize(14.0)
                    .with_theme(if dark {
                        ColorTheme::GITHUB_DARK
                    } else {
                        ColorTheme::GITHUB_LIGHT
                    })
                    .with_numlines(true)
                    .show(ui, &mut text, &Syntax::rust());
                output.response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::MultilineTextInput,
                        true,
                        "Reference solution",
                    )
                });
            });
        self.solution_open = open;
    }

    /// Makes `open` follow `selected`: saves the old file, opens (or creates) the new one.
    fn sync_open(&mut self, shared: &Shared) {
        let Some(id) = self.selected.clone() else {
            return;
        };
        if self.open.as_ref().is_some_and(|o| o.id == id) {
            return;
        }
        self.save_now();
        self.watch = None;
        self.solution_open = false;
        self.notice = None;
        let Some(exercise) = shared.catalog.get(&id) else {
            return;
        };
        let data_dir = shared.store.dir();
        match workspace::open_copy(data_dir, exercise) {
            Ok(text) => {
                self.open = Some(Open {
                    id: id.clone(),
                    path: workspace::copy_path(data_dir, &id),
                    saved: text.clone(),
                    text,
                    edited_at: None,
                });
            }
            Err(e) => {
                self.notice = Some(format!(
                    "Your copy could not be read or created ({e}); showing the starter, changes are not saved."
                ));
                self.open = Some(Open {
                    id: id.clone(),
                    path: workspace::copy_path(data_dir, &id),
                    saved: exercise.starter.clone(),
                    text: exercise.starter.clone(),
                    edited_at: None,
                });
            }
        }
        self.failure = None;
    }

    fn autosave(&mut self) {
        if self
            .open
            .as_ref()
            .and_then(|o| o.edited_at)
            .is_some_and(|t| t.elapsed() >= SAVE_DELAY)
        {
            self.save_now();
        }
    }

    fn save_now(&mut self) {
        let Some(open) = &mut self.open else {
            return;
        };
        open.edited_at = None;
        if open.text == open.saved {
            return;
        }
        let data_dir = open.path.parent().and_then(|p| p.parent());
        let written = data_dir
            .map(|dir| workspace::write_copy(dir, &open.id, &open.text))
            .unwrap_or_else(|| Err(std::io::Error::other("no data folder")));
        match written {
            Ok(()) => {
                open.saved = open.text.clone();
                self.notice = None;
            }
            Err(e) => {
                tracing::error!(exercise = %open.id, error = %e, "saving the exercise failed");
                self.notice = Some(format!("Your file could not be saved: {e}"));
            }
        }
    }

    fn runner(&mut self, shared: &Shared) -> Arc<Runner> {
        self.runner
            .get_or_insert_with(|| Arc::new(Runner::new(workspace::cache_dir(shared.store.dir()))))
            .clone()
    }

    /// Starts a check of the open file; a check already running is cancelled first.
    fn start_check(&mut self, ctx: &egui::Context, shared: &Shared) {
        self.save_now();
        let Some((id, source)) = self.open.as_ref().map(|o| (o.id.clone(), o.text.clone())) else {
            return;
        };
        let Some(exercise) = shared.catalog.get(&id).cloned() else {
            return;
        };
        self.cancel();
        let runner = self.runner(shared);
        let slot = Arc::new(Mutex::new(Slot::default()));
        let task_slot = slot.clone();
        let ctx = ctx.clone();
        let handle = shared.runtime.spawn(async move {
            let phase_slot = task_slot.clone();
            let phase_ctx = ctx.clone();
            let on_phase = move |phase| {
                phase_slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .phase = Some(phase);
                phase_ctx.request_repaint();
            };
            let outcome = runner
                .check(&exercise, &source, &on_phase)
                .await
                .map_err(|e| e.to_string());
            task_slot
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .outcome = Some(outcome);
            ctx.request_repaint();
        });
        self.running = Some(Running {
            exercise: id,
            started: Instant::now(),
            slot,
            handle,
        });
    }

    /// Aborting the task drops the check's future, which kills its process group.
    fn cancel(&mut self) {
        if let Some(running) = self.running.take() {
            running.handle.abort();
        }
    }

    fn collect_result(&mut self, shared: &mut Shared) {
        let Some(running) = &self.running else {
            return;
        };
        let outcome = running
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .outcome
            .take();
        let Some(outcome) = outcome else {
            return;
        };
        let id = running.exercise.clone();
        self.running = None;
        match outcome {
            Ok(report) => {
                // An unchanged file gives the cached result; it is not a new attempt.
                if !report.cached {
                    shared.store.progress.exercises.note_check(&id, &report);
                    shared.record(ActivityKind::Check);
                    shared.save();
                }
                self.failure = None;
                if report.verdict == Verdict::Passed && !report.cached {
                    self.celebrate = Some(Instant::now());
                }
                self.reports.insert(id, report);
            }
            Err(message) => self.failure = Some(message),
        }
    }

    fn reset(&mut self, shared: &mut Shared, exercise: &Exercise) {
        self.cancel();
        if let Err(e) = workspace::write_copy(shared.store.dir(), &exercise.id, &exercise.starter) {
            self.notice = Some(format!("The file could not be reset: {e}"));
            return;
        }
        if let Some(open) = &mut self.open {
            open.text = exercise.starter.clone();
            open.saved = exercise.starter.clone();
            open.edited_at = None;
        }
        self.reports.remove(&exercise.id);
        self.failure = None;
    }

    fn open_externally(&mut self, ctx: &egui::Context, _shared: &Shared) {
        self.save_now();
        let Some(open) = &self.open else {
            return;
        };
        match open_in_editor(&open.path) {
            Ok(how) => {
                self.notice = Some(format!(
                    "Opened with {how}. Watch mode is on: every save re-checks."
                ));
                if self.watch.is_none() {
                    self.start_watch(ctx);
                }
            }
            Err(e) => {
                self.notice = Some(format!(
                    "No editor could be started ({e}). Set $VISUAL or $EDITOR, or open {} yourself.",
                    open.path.display()
                ));
            }
        }
    }

    fn start_watch(&mut self, ctx: &egui::Context) {
        use notify::Watcher as _;
        let Some(open) = &self.open else {
            return;
        };
        let Some(dir) = open.path.parent() else {
            return;
        };
        let target = open.path.clone();
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Editors often save by writing a new file and renaming it over the old one,
            // so the folder is watched and events are filtered by path.
            if let Ok(event) = event
                && !event.kind.is_access()
                && event.paths.iter().any(|p| p == &target)
            {
                let _ = tx.send(());
                ctx.request_repaint();
            }
        });
        let started = watcher.and_then(|mut w| {
            w.watch(dir, notify::RecursiveMode::NonRecursive)?;
            Ok(w)
        });
        match started {
            Ok(watcher) => {
                self.watch = Some(Watch {
                    _watcher: watcher,
                    changes: rx,
                });
            }
            Err(e) => {
                self.notice = Some(format!("Watching the file failed: {e}"));
            }
        }
    }

    /// In watch mode: when the file on disk changed from outside, load it and check it.
    fn follow_watch(&mut self, ctx: &egui::Context, shared: &Shared) {
        let Some(watch) = &self.watch else {
            return;
        };
        if watch.changes.try_iter().count() == 0 {
            return;
        }
        let Some(open) = &mut self.open else {
            return;
        };
        let Ok(on_disk) = std::fs::read_to_string(&open.path) else {
            return;
        };
        if on_disk == open.saved {
            return;
        }
        open.text = on_disk.clone();
        open.saved = on_disk;
        open.edited_at = None;
        self.start_check(ctx, shared);
    }
}

/// Icon, colour and word for an exercise's status in the list.
fn status_look(status: Status) -> (&'static str, Semantic, &'static str) {
    match status {
        Status::NotStarted => ("○", Semantic::Neutral, "not started"),
        // Partial progress is progress: amber and half full, never a red cross.
        Status::Failing => ("◐", Semantic::Waiting, "started"),
        Status::Passed => ("✔", Semantic::Healthy, "passed"),
    }
}

/// A tinted box with a title and a sentence.
fn callout(ui: &mut egui::Ui, sem: Semantic, title: &str, body: &str) {
    egui::Frame::new()
        .fill(sem.fill(ui.visuals().dark_mode))
        .stroke(egui::Stroke::new(1.0, sem.in_ui(ui)))
        .corner_radius(theme::RADIUS)
        .inner_margin(theme::SPACE_M)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(title).strong().color(sem.in_ui(ui)));
            ui.label(body);
        });
}

fn code_block(ui: &mut egui::Ui, text: &str) {
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .corner_radius(theme::RADIUS)
        .inner_margin(theme::SPACE_S)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(text.trim_end()).monospace().size(13.0));
        });
}

/// One compiler message; returns a place to jump to when its location is clicked.
fn diagnostic_ui(ui: &mut egui::Ui, d: &Diagnostic) -> Option<(usize, usize)> {
    let mut jump = None;
    let sem = match d.level {
        Level::Error => Semantic::Failing,
        _ => Semantic::Waiting,
    };
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(sem.in_ui(ui), RichText::new(&d.message).strong());
    });
    if let Some(at) = &d.location {
        match &at.file {
            SourceFile::Learner => {
                if ui
                    .link(format!("→ your file, line {}:{}", at.line, at.column))
                    .on_hover_text("Move the cursor there")
                    .clicked()
                {
                    jump = Some((at.line, at.column));
                }
            }
            SourceFile::HiddenTests => {
                ui.label(
                    RichText::new(format!(
                        "in the hidden tests, line {}: they use an item your file does not have (yet)",
                        at.line
                    ))
                    .small(),
                );
            }
            SourceFile::Other(name) => {
                ui.label(RichText::new(format!("in {name}, line {}", at.line)).small());
            }
        }
    }
    egui::CollapsingHeader::new("Compiler output")
        .id_salt(("diagnostic", &d.rendered))
        .default_open(d.level == Level::Error && d.in_learner_file())
        .show(ui, |ui| code_block(ui, &d.rendered));
    ui.add_space(theme::SPACE_XS);
    jump
}

/// One test's row; failures unfold to their message and output.
fn test_ui(ui: &mut egui::Ui, t: &TestResult) -> Option<(usize, usize)> {
    let (icon, sem) = match t.status {
        TestStatus::Passed => ("✔", Semantic::Healthy),
        TestStatus::Failed => ("✖", Semantic::Failing),
        TestStatus::Ignored | TestStatus::NotRun => ("–", Semantic::Neutral),
        TestStatus::Crashed | TestStatus::TimedOut | TestStatus::Tampered => {
            ("⚠", Semantic::Rejected)
        }
    };
    let kind = if t.hidden { "" } else { "  (your example)" };
    let title = format!("{}{kind}", t.short_name());
    let mut jump = None;
    if t.status == TestStatus::Passed && t.output.is_empty() {
        ui.horizontal(|ui| {
            ui.colored_label(sem.in_ui(ui), icon);
            ui.label(title);
        });
        return None;
    }
    let header = RichText::new(format!("{icon} {title}")).color(sem.in_ui(ui));
    egui::CollapsingHeader::new(header)
        .id_salt(("test", &t.name))
        .default_open(t.status != TestStatus::Passed)
        .show(ui, |ui| {
            if t.status != TestStatus::Passed {
                ui.label(RichText::new(t.status.label()).small().color(sem.in_ui(ui)));
            }
            if !t.message.is_empty() {
                code_block(ui, &t.message);
            }
            if let Some(at) = &t.location {
                match at.file {
                    SourceFile::Learner => {
                        if ui
                            .link(format!("→ panicked in your file, line {}", at.line))
                            .clicked()
                        {
                            jump = Some((at.line, at.column));
                        }
                    }
                    SourceFile::HiddenTests => {
                        ui.label(
                            RichText::new(format!(
                                "assertion in the hidden tests, line {}",
                                at.line
                            ))
                            .small(),
                        );
                    }
                    SourceFile::Other(_) => {}
                }
            }
            // The hidden test's own code, only once it failed: before that it would
            // give away what to write rather than explain what went wrong.
            if t.status != TestStatus::Passed && !t.test_code.is_empty() {
                ui.label(RichText::new("What this test checks:").small());
                code_block(ui, &t.test_code);
            }
            if !t.output.is_empty() {
                ui.label(RichText::new("Printed:").small());
                code_block(ui, &t.output);
            }
        });
    jump
}

/// "2 / 10 tests" above a thin bar, the label off the fill so it reads in both themes.
fn partial_bar_ui(ui: &mut egui::Ui, passed: u32, total: u32) {
    ui.add_space(theme::SPACE_XS);
    ui.label(RichText::new(format!("{passed}\u{a0}/\u{a0}{total} tests")).strong());
    let sem = if passed == total {
        Semantic::Healthy
    } else {
        Semantic::Waiting
    };
    ui.add(
        egui::ProgressBar::new(passed as f32 / total.max(1) as f32)
            .desired_height(8.0)
            .fill(sem.in_ui(ui)),
    );
}

/// Tints `line` of the editor, fading out, so a jump from a result lands visibly.
fn highlight_line_ui(
    ui: &egui::Ui,
    output: &egui::text_edit::TextEditOutput,
    text: &str,
    line: usize,
    since: Instant,
) {
    let at = egui::text::CCursor::new(char_index(text, line, 1));
    let row = output
        .galley
        .pos_from_cursor(at)
        .translate(output.galley_pos.to_vec2());
    let rect = egui::Rect::from_x_y_ranges(output.response.rect.x_range(), row.y_range());
    let fade = 1.0 - since.elapsed().as_secs_f32() / HIGHLIGHT_FOR.as_secs_f32();
    let colour = Semantic::Waiting
        .fill(ui.visuals().dark_mode)
        .gamma_multiply(fade.max(0.0));
    ui.painter().rect_filled(rect, 0.0, colour);
    ui.ctx().request_repaint();
}

/// The exercise after `id` in the lessons' order that is not passed yet (wrapping round
/// to the start); `None` when every other one is passed.
fn next_after<'a>(shared: &'a Shared, id: &str) -> Option<&'a Exercise> {
    let ordered = lesson_order::ordered(&shared.library, &shared.catalog);
    let at = ordered.iter().position(|e| e.id == id)?;
    let progress = &shared.store.progress.exercises;
    ordered[at + 1..]
        .iter()
        .chain(&ordered[..at])
        .find(|e| !progress.record(&e.id).passed)
        .copied()
}

/// The char index of a 1-based line and column in `text` (clamped to the text).
fn char_index(text: &str, line: usize, column: usize) -> usize {
    let mut index = 0;
    for (i, row) in text.split('\n').enumerate() {
        let len = row.chars().count();
        if i + 1 == line {
            return index + column.saturating_sub(1).min(len);
        }
        index += len + 1;
    }
    text.chars().count()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Opens `path` in the learner's editor: `$VISUAL` or `$EDITOR` when set (GUI editors
/// such as `code` work; a terminal editor needs a terminal, so those are better started
/// by hand), otherwise the desktop's default application for `.rs` files.
fn open_in_editor(path: &std::path::Path) -> std::io::Result<String> {
    let configured = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()));
    let (program, args): (String, Vec<String>) = match configured {
        Some(cmd) => {
            let mut words = cmd.split_whitespace().map(str::to_owned);
            let program = words.next().unwrap_or_default();
            (program, words.collect())
        }
        None if cfg!(target_os = "macos") => ("open".into(), vec![]),
        None => ("xdg-open".into(), vec![]),
    };
    std::process::Command::new(&program)
        .args(&args)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    Ok(program)
}

/// The exercise to suggest: the first not passed in teaching order, else the first.
fn recommended(shared: &Shared) -> Option<&Exercise> {
    let ordered = lesson_order::ordered(&shared.library, &shared.catalog);
    let progress = &shared.store.progress.exercises;
    ordered
        .iter()
        .find(|e| !progress.record(&e.id).passed)
        .or(ordered.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_finds_lines_and_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(char_index(text, 1, 1), 0);
        assert_eq!(char_index(text, 2, 3), 5);
        assert_eq!(char_index(text, 2, 99), 6);
        assert_eq!(char_index(text, 9, 1), 8);
    }
}
