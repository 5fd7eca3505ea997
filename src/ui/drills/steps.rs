//! The first steps of a drill: the page, the investigation (what the system shows up to
//! the incident clock, and the actions that cost time) and the diagnosis.

use egui::RichText;

use super::{PageState, Request, investigate, now_s};
use crate::drill::play::trim_number;
use crate::drill::prefill::clock;
use crate::drill::spec::Diagnosis;
use crate::drill::{Attempt, Drill, Outcome};
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};

/// What a step draws from and acts on.
pub(super) struct Step<'a> {
    pub drill: &'a Drill,
    pub attempt: &'a mut Attempt,
    /// The incident without mitigation on the attempt's seed.
    pub baseline: &'a Outcome,
    pub page: &'a mut PageState,
    pub shared: &'a mut Shared,
}

/// "3 min" or "45 s": what an action or a roll-out costs.
pub(super) fn cost_text(s: f64) -> String {
    if s >= 60.0 {
        format!("{}\u{a0}min", trim_number((s / 60.0 * 10.0).round() / 10.0))
    } else {
        format!("{}\u{a0}s", trim_number(s))
    }
}

/// A heading inside a step.
pub(super) fn part_heading(ui: &mut egui::Ui, text: &str) {
    ui.add_space(theme::SPACE_M);
    ui.label(RichText::new(text).size(19.0).strong());
    ui.add_space(theme::SPACE_XS);
}

/// A framed box tinted with `meaning`, for the alert and the verdicts.
pub(super) fn notice_ui(
    ui: &mut egui::Ui,
    meaning: Semantic,
    add: impl FnOnce(&mut egui::Ui),
) -> egui::Response {
    egui::Frame::new()
        .fill(meaning.fill(ui.visuals().dark_mode))
        .stroke(egui::Stroke::new(1.0, meaning.in_ui(ui)))
        .corner_radius(theme::RADIUS)
        .inner_margin(theme::SPACE_M)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        })
        .response
}

/// Brings a just-given answer into view (in a small window it lands below the fold).
pub(super) fn reveal(page: &mut PageState, response: &egui::Response) {
    if std::mem::take(&mut page.reveal_result) {
        response.scroll_to_me(Some(egui::Align::Max));
    }
}

/// Paged: the alert, when it fired, and the briefing; Acknowledge moves on.
pub(super) fn paged_ui(ui: &mut egui::Ui, step: &mut Step) -> Request {
    let spec = &step.drill.spec;
    let alert_s = step.baseline.alert_s.unwrap_or(spec.slo.from_s);
    notice_ui(ui, Semantic::Failing, |ui| {
        ui.label(
            RichText::new(format!("🚨 PAGE at {}", clock(alert_s)))
                .strong()
                .color(Semantic::Failing.in_ui(ui)),
        );
        ui.label(RichText::new(&spec.alert.text).size(18.0).strong());
        ui.label(format!("SLO at risk: {}", spec.slo.text));
    });
    part_heading(ui, "Briefing");
    ui.label(&spec.briefing);
    ui.add_space(theme::SPACE_M);
    let ack = ui
        .button(RichText::new("Acknowledge").strong())
        .on_hover_text(
            "Take the page and open the dashboards; the system stays paused at the alert",
        );
    if ack.clicked() {
        step.attempt.acknowledge();
    }
    Request::None
}

/// Investigate: the dashboards, the log stream and the traces up to the incident clock,
/// the actions on offer with their cost, and what each one taken found.
pub(super) fn investigate_ui(ui: &mut egui::Ui, step: &mut Step) -> Request {
    let now = now_s(step.drill, step.attempt, step.baseline);
    ui.label(
        RichText::new(
            "Looking is free: the system is paused at the incident clock. Each action below \
             costs incident time, as it would on a real call.",
        )
        .color(ui.visuals().weak_text_color()),
    );
    investigate::observe_ui(ui, step, now);
    actions_ui(ui, step);
    ui.add_space(theme::SPACE_M);
    if ui
        .button(RichText::new("Diagnose →").strong())
        .on_hover_text("Name the cause and the evidence for it")
        .clicked()
    {
        step.attempt.start_diagnosis();
    }
    Request::None
}

/// The investigation actions: a button each (with its cost) until taken, then its finding.
fn actions_ui(ui: &mut egui::Ui, step: &mut Step) {
    let drill = step.drill;
    if drill.spec.actions.is_empty() {
        return;
    }
    part_heading(ui, "Actions");
    for action in &drill.spec.actions {
        let taken = step.attempt.actions_taken.iter().any(|a| a == &action.id);
        if taken {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("✔ {}:", action.label)).strong());
                ui.label(&action.finding);
            });
        } else if ui
            .button(format!(
                "{} (costs {})",
                action.label,
                cost_text(action.cost_s)
            ))
            .on_hover_text("Moves the incident clock on by its cost")
            .clicked()
        {
            step.attempt.take_action(drill, &action.id);
        }
        ui.add_space(theme::SPACE_XS);
    }
}

/// Diagnose: the cause (one of) and the evidence (any of); a wrong answer shows why and
/// what it cost, a right one moves on to the mitigations.
pub(super) fn diagnose_ui(ui: &mut egui::Ui, step: &mut Step) -> Request {
    let drill = step.drill;
    let d = &drill.spec.diagnosis;
    ui.collapsing("Look again: dashboards, logs and traces", |ui| {
        let now = now_s(drill, step.attempt, step.baseline);
        investigate::observe_ui(ui, step, now);
    });
    part_heading(ui, &d.question);
    let page = &mut *step.page;
    for i in Diagnosis::shown_order(drill.id(), "causes", d.causes.len()) {
        ui.radio_value(&mut page.cause, Some(i), &d.causes[i].text);
    }
    part_heading(ui, &d.evidence_question);
    page.evidence.resize(d.evidence.len(), false);
    for i in Diagnosis::shown_order(drill.id(), "evidence", d.evidence.len()) {
        ui.checkbox(&mut page.evidence[i], &d.evidence[i].text);
    }
    ui.add_space(theme::SPACE_M);
    let submit = ui
        .add_enabled(
            page.cause.is_some(),
            egui::Button::new(RichText::new("Submit the diagnosis").strong()),
        )
        .on_hover_text(format!(
            "A wrong diagnosis costs {} of chasing the wrong lead",
            cost_text(d.penalty_s)
        ))
        .on_disabled_hover_text("Choose a cause first");
    if submit.clicked()
        && let Some(cause) = page.cause
    {
        let evidence: Vec<usize> = page
            .evidence
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.then_some(i))
            .collect();
        page.diagnosis = Some(step.attempt.diagnose(drill, cause, &evidence));
        page.reveal_result = true;
    }
    if let Some(result) = &page.diagnosis
        && !result.right()
    {
        ui.add_space(theme::SPACE_S);
        let shown = notice_ui(ui, Semantic::Waiting, |ui| {
            let what = match (result.cause_right, result.evidence_right) {
                (false, _) => "That is not the cause.",
                (true, false) => "The cause is right, but the evidence is not.",
                (true, true) => "",
            };
            ui.label(
                RichText::new(format!(
                    "{what} Chasing the wrong lead cost {} and a wrong step.",
                    cost_text(d.penalty_s)
                ))
                .strong(),
            );
            for why in &result.explanations {
                ui.label(format!("• {why}"));
            }
        });
        reveal(page, &shown);
    }
    Request::None
}
