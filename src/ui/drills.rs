//! The Drills screen: the list of incident drills (status and best score), and the page
//! of the one being played, one step at a time (paged, investigate, diagnose, mitigate,
//! post-mortem, cards). The flow and its clock are the core's (`drill::Attempt`); this
//! draws the step, turns clicks into calls on the attempt, and saves it after every step
//! so a restart resumes where the learner was.

mod investigate;
mod mitigate;
mod steps;
mod wrap_up;

use std::collections::HashMap;
use std::sync::Arc;

use egui::RichText;

use super::theme::{self, Semantic};
use crate::content::drill::Drills;
use crate::drill::attempt::DiagnosisResult;
use crate::drill::prefill::clock;
use crate::drill::{self, Attempt, Choices, Drill, Outcome, Score, Stage};
use crate::ui::state::{SectionRef, Shared};

/// Widest the page's content grows, so text and plots stay readable on a wide window.
const PAGE_WIDTH: f32 = 1040.0;

#[derive(Default)]
pub struct DrillsScreen {
    /// The drill whose page is open; `None`: the list.
    open: Option<String>,
    /// The incident without mitigation, per drill and seed: what the learner
    /// investigates, and the comparison for every replay.
    baselines: HashMap<(String, u64), Result<Outcome, String>>,
    /// The drills the cache was filled from: reloaded content (`--content`) empties it.
    cached_from: Option<Arc<Drills>>,
    /// What the open page remembers between frames.
    page: PageState,
}

impl std::fmt::Debug for DrillsScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrillsScreen")
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

/// The open page's state that is not progress: form inputs and the last answers.
#[derive(Default)]
struct PageState {
    /// Which of the log stream's event kinds are hidden, by `EventKind::ALL` index.
    hidden_kinds: [bool; 6],
    cause: Option<usize>,
    evidence: Vec<bool>,
    diagnosis: Option<DiagnosisResult>,
    /// One entry per offered mitigation: chosen, and its parameters in offer order.
    form: Vec<(bool, Vec<f64>)>,
    /// The last roll-out's replay, or why it could not run.
    replay: Option<Result<Outcome, String>>,
    /// Which action items of the learner's post-mortem to add as cards.
    add_items: Vec<bool>,
    /// An answer was just given: scroll its result into view once.
    reveal_result: bool,
}

impl PageState {
    fn for_drill(drill: &Drill, attempt: &Attempt) -> Self {
        Self {
            evidence: vec![false; drill.spec.diagnosis.evidence.len()],
            form: mitigate::form_from(drill, attempt.form_choices()),
            ..Self::default()
        }
    }
}

/// What a step asks of the screen after drawing.
enum Request {
    None,
    /// Back to the list.
    List,
    /// Open the learner's post-mortem of this drill on the post-mortem page.
    PostMortem(String),
    /// Review the drill's cards.
    Cards(String),
    /// A new attempt at the drill.
    PlayAgain,
}

impl DrillsScreen {
    /// Opens a drill's page (a lesson section, the search), resuming its attempt.
    pub fn open(&mut self, id: &str) {
        if self.open.as_deref() != Some(id) {
            self.open = Some(id.to_owned());
            self.page = PageState::default();
        }
    }

    /// Draws the list or the open drill. Returns true when the learner's cards changed
    /// (a drill passed, action items added), for the flashcards to rebuild.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> bool {
        let drills = Arc::clone(&shared.drills);
        if !self
            .cached_from
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &drills))
        {
            self.baselines.clear();
            self.page = PageState::default();
            self.cached_from = Some(Arc::clone(&drills));
        }
        let open = self.open.clone();
        match open.as_deref().and_then(|id| drills.get(id)) {
            Some(drill) => self.page_ui(ui, shared, drill),
            None => {
                self.open = None;
                if let Some(id) = list_ui(ui, shared, &drills) {
                    self.open(&id);
                }
                false
            }
        }
    }

    fn page_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, drill: &Drill) -> bool {
        let record = shared.store.progress.drills.record_mut(drill.id());
        let fresh = record.current.is_none();
        let mut attempt = record.resume_or_start().clone();
        if fresh {
            shared.save();
        }
        if self.page.form.len() != drill.spec.mitigations.len() {
            self.page = PageState::for_drill(drill, &attempt);
        }
        let before = attempt.clone();
        let baseline = self
            .baselines
            .entry((drill.id().to_owned(), attempt.seed))
            .or_insert_with(|| drill::play(drill, &Choices::default(), attempt.seed))
            .clone();

        let mut request = Request::None;
        let mut cards_changed = false;
        egui::ScrollArea::vertical()
            .id_salt("drill-page")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.set_max_width((ui.available_width() - theme::SPACE_L).min(PAGE_WIDTH));
                ui.add_space(theme::SPACE_M);
                if ui
                    .small_button("← All drills")
                    .on_hover_text("Back to the list; this attempt is kept")
                    .clicked()
                {
                    request = Request::List;
                }
                let baseline = match &baseline {
                    Ok(b) => b,
                    Err(e) => {
                        ui.colored_label(
                            Semantic::Failing.in_ui(ui),
                            format!("This drill cannot be played: {e}. Run `workbook validate`."),
                        );
                        return;
                    }
                };
                header_ui(ui, shared, drill, &attempt, baseline);
                stepper_ui(ui, attempt.stage);
                ui.separator();
                ui.add_space(theme::SPACE_S);
                let mut step = steps::Step {
                    drill,
                    attempt: &mut attempt,
                    baseline,
                    page: &mut self.page,
                    shared: &mut *shared,
                };
                request = match step.attempt.stage {
                    Stage::Paged => steps::paged_ui(ui, &mut step),
                    Stage::Investigate => steps::investigate_ui(ui, &mut step),
                    Stage::Diagnose => steps::diagnose_ui(ui, &mut step),
                    Stage::Mitigate => mitigate::mitigate_ui(ui, &mut step),
                    Stage::PostMortem => wrap_up::postmortem_ui(ui, &mut step),
                    Stage::Cards => {
                        let (r, changed) = wrap_up::cards_ui(ui, &mut step);
                        cards_changed = changed;
                        r
                    }
                    Stage::Done => wrap_up::done_ui(ui, &mut step),
                };
                ui.add_space(theme::SPACE_XL);
            });

        if attempt != before {
            // A step the attempt's log notes, or a stage passed; not a tuned slider.
            if attempt.log.len() != before.log.len() || attempt.stage != before.stage {
                shared.record(crate::progress::ActivityKind::Drill);
            }
            shared.store.progress.drills.record_mut(drill.id()).current = Some(attempt);
            shared.save();
        }
        match request {
            Request::None => {}
            Request::List => {
                self.open = None;
                self.page = PageState::default();
            }
            Request::PostMortem(key) => {
                shared.nav = Some(crate::ui::state::Nav::PostMortem(key));
            }
            Request::Cards(tag) => shared.nav = Some(crate::ui::state::Nav::Cards(tag)),
            Request::PlayAgain => {
                shared.store.progress.drills.record_mut(drill.id()).current = None;
                shared.save();
                self.page = PageState::default();
            }
        }
        cards_changed
    }
}

/// Every drill with its section, SLO, status and best score, and a button to play it.
/// Returns the drill to open.
fn list_ui(ui: &mut egui::Ui, shared: &mut Shared, drills: &Drills) -> Option<String> {
    let mut open = None;
    egui::ScrollArea::vertical()
        .id_salt("drill-list")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.set_max_width((ui.available_width() - theme::SPACE_L).min(PAGE_WIDTH));
            ui.add_space(theme::SPACE_L);
            ui.heading("Incident drills");
            ui.label(
                RichText::new(
                    "An incident thrown at a simulated system: you are paged, look at what it \
                     shows, name the cause, roll out a pattern and watch the same incident \
                     replay with it, then write the post-mortem. Looking is free; every action \
                     costs incident time.",
                )
                .color(ui.visuals().weak_text_color()),
            );
            ui.add_space(theme::SPACE_M);
            if drills.drills.is_empty() {
                ui.label("No drills are loaded. Run `workbook validate` to see why.");
            }
            for d in &drills.drills {
                if drill_row_ui(ui, shared, d) {
                    open = Some(d.id().to_owned());
                }
                ui.add_space(theme::SPACE_S);
            }
        });
    open
}

/// One drill in the list; true when its Play / Resume / Play again button was clicked.
fn drill_row_ui(ui: &mut egui::Ui, shared: &mut Shared, d: &Drill) -> bool {
    let section = shared
        .section_title(&SectionRef {
            pack: d.pack.clone(),
            section: d.spec.section.clone(),
        })
        .unwrap_or_else(|| d.spec.section.clone());
    let record = shared.store.progress.drills.record(d.id()).cloned();
    let record = record.unwrap_or_default();
    let in_progress = record.in_progress();
    let (status, meaning) = match (in_progress, record.passes) {
        (Some(a), _) => (
            format!("in progress: {}", a.stage.label().to_lowercase()),
            Semantic::Waiting,
        ),
        (None, 0) => ("new".to_owned(), Semantic::Neutral),
        (None, n) => (format!("passed ({n}×)"), Semantic::Healthy),
    };
    let mut clicked = false;
    egui::Frame::group(ui.style())
        .corner_radius(theme::RADIUS)
        .inner_margin(theme::SPACE_M)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(&d.spec.title).strong().size(18.0));
                ui.colored_label(meaning.in_ui(ui), RichText::new(&status).strong());
            });
            ui.label(
                RichText::new(format!("Section {section} · SLO: {}", d.spec.slo.text))
                    .color(ui.visuals().weak_text_color()),
            );
            if let Some(best) = record.best {
                ui.label(format!("Best: {}", score_text(&best)));
            }
            let label = match (in_progress, record.passes) {
                (Some(_), _) => "Resume",
                (None, 0) if record.current.is_none() => "Play",
                _ => "Play again",
            };
            let button = ui
                .button(format!("{label}: {}", d.spec.title))
                .on_hover_text(match label {
                    "Resume" => "Carry on where you left off",
                    "Play" => "Start the drill: the pager goes off",
                    _ => "The same incident on other traffic",
                });
            if button.clicked() {
                if label == "Play again" {
                    shared.store.progress.drills.record_mut(d.id()).current = None;
                }
                clicked = true;
            }
        });
    clicked
}

/// "SLO held, mitigated in 12 min, 1 wrong step".
fn score_text(score: &Score) -> String {
    format!(
        "SLO {}, mitigated in {:.0}\u{a0}min, {} wrong step{}",
        if score.slo_met { "held" } else { "missed" },
        score.minutes_to_mitigate,
        score.wrong_steps,
        if score.wrong_steps == 1 { "" } else { "s" }
    )
}

/// The drill's title and SLO, and the incident clock: the alert's time plus the time
/// spent since, and the wrong steps so far.
fn header_ui(
    ui: &mut egui::Ui,
    shared: &Shared,
    drill: &Drill,
    attempt: &Attempt,
    baseline: &Outcome,
) {
    ui.heading(RichText::new(&drill.spec.title).size(26.0).strong());
    let section = shared
        .section_title(&SectionRef {
            pack: drill.pack.clone(),
            section: drill.spec.section.clone(),
        })
        .unwrap_or_else(|| drill.spec.section.clone());
    ui.label(
        RichText::new(format!(
            "Drill of section {section} · SLO: {}",
            drill.spec.slo.text
        ))
        .color(ui.visuals().weak_text_color()),
    );
    ui.horizontal_wrapped(|ui| {
        let now = now_s(drill, attempt, baseline);
        ui.label(RichText::new(format!("🕑 Incident clock {}", clock(now))).strong())
            .on_hover_text(
                "Virtual time: looking is free; actions, wrong answers and roll-outs move it on",
            );
        ui.label(format!(
            "· {:.0}\u{a0}min since the alert",
            attempt.spent_s / 60.0
        ));
        let wrong = if attempt.wrong_steps == 0 {
            Semantic::Neutral
        } else {
            Semantic::Waiting
        };
        ui.colored_label(
            wrong.in_ui(ui),
            format!("· wrong steps: {}", attempt.wrong_steps),
        );
        ui.label(
            RichText::new(format!("· seed {}", attempt.seed)).color(ui.visuals().weak_text_color()),
        );
    });
}

/// The incident clock: when the alert fired in the run without mitigation, plus the time
/// spent since. It may run past the end of the recorded run; what the dashboards show
/// stops there.
fn now_s(drill: &Drill, attempt: &Attempt, baseline: &Outcome) -> f64 {
    baseline.alert_s.unwrap_or(drill.spec.slo.from_s) + attempt.spent_s
}

/// The six steps in a row: done ones ticked, the current one highlighted.
fn stepper_ui(ui: &mut egui::Ui, stage: Stage) {
    ui.add_space(theme::SPACE_S);
    ui.horizontal_wrapped(|ui| {
        for (i, step) in Stage::STEPS.iter().enumerate() {
            if i > 0 {
                ui.label(RichText::new("›").color(ui.visuals().weak_text_color()));
            }
            let (mark, meaning, strong) = match step.cmp(&stage) {
                std::cmp::Ordering::Less => ("✔".to_owned(), Semantic::Healthy, false),
                std::cmp::Ordering::Equal => (format!("{}", i + 1), Semantic::Accent, true),
                std::cmp::Ordering::Greater => (format!("{}", i + 1), Semantic::Neutral, false),
            };
            let mut text =
                RichText::new(format!("{mark} {}", step.label())).color(meaning.in_ui(ui));
            if strong {
                text = text.strong().underline();
            }
            ui.label(text).on_hover_text(match step.cmp(&stage) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "the step you are on",
                std::cmp::Ordering::Greater => "still to come",
            });
        }
    });
    ui.add_space(theme::SPACE_XS);
}
