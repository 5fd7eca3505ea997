//! Mitigate: the offers with their parameters, the roll-out (the same seed and incident
//! replayed with the change in place), and its verdict beside the run without it.

use std::collections::BTreeMap;

use egui::RichText;

use super::Request;
use super::steps::{Step, cost_text, notice_ui, part_heading, reveal};
use crate::drill::play::trim_number;
use crate::drill::slo::good_pct_series;
use crate::drill::{Applied, Choices, Drill, Outcome, SloFigures};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::sim_plot::{self, Threshold, TimeAxis, TimeChart, TimeUnit};

/// Sliders wide enough to set a value by dragging to one step of its range.
const SLIDER_WIDTH: f32 = 280.0;

/// The replay plot's stretch: good % per this many seconds.
const BUCKET_S: f64 = 10.0;

/// The form for `choices`: an offer is ticked when chosen, its parameters at the chosen
/// values, else at the offer's defaults.
pub(super) fn form_from(drill: &Drill, choices: &Choices) -> Vec<(bool, Vec<f64>)> {
    drill
        .spec
        .mitigations
        .iter()
        .map(|offer| {
            let chosen = choices.apply.iter().find(|a| a.id == offer.id);
            let values = offer
                .params
                .iter()
                .map(|p| {
                    chosen
                        .and_then(|a| a.params.get(&p.name).copied())
                        .unwrap_or(p.default)
                })
                .collect();
            (chosen.is_some(), values)
        })
        .collect()
}

/// The choices the form holds.
fn choices_of(drill: &Drill, form: &[(bool, Vec<f64>)]) -> Choices {
    Choices {
        apply: drill
            .spec
            .mitigations
            .iter()
            .zip(form)
            .filter(|(_, (on, _))| *on)
            .map(|(offer, (_, values))| Applied {
                id: offer.id.clone(),
                params: offer
                    .params
                    .iter()
                    .zip(values)
                    .map(|(p, v)| (p.name.clone(), *v))
                    .collect::<BTreeMap<_, _>>(),
            })
            .collect(),
    }
}

pub(super) fn mitigate_ui(ui: &mut egui::Ui, step: &mut Step) -> Request {
    let drill = step.drill;
    if let Some(result) = &step.page.diagnosis
        && result.right()
    {
        notice_ui(ui, Semantic::Healthy, |ui| {
            ui.label(RichText::new("Diagnosis right.").strong());
            for why in &result.explanations {
                ui.label(format!("• {why}"));
            }
        });
    }
    part_heading(ui, "Choose and tune the mitigation");
    ui.label(
        RichText::new(
            "The incident replays from the start on the same seed with your change in place. \
             A roll-out that misses the SLO costs its time and a wrong step.",
        )
        .color(ui.visuals().weak_text_color()),
    );
    for (i, offer) in drill.spec.mitigations.iter().enumerate() {
        let (on, values) = &mut step.page.form[i];
        egui::Frame::group(ui.style())
            .corner_radius(theme::RADIUS)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.checkbox(on, RichText::new(&offer.label).strong());
                ui.label(RichText::new(&offer.explain).color(ui.visuals().weak_text_color()));
                if !*on || offer.params.is_empty() {
                    return;
                }
                ui.spacing_mut().slider_width = SLIDER_WIDTH;
                egui::Grid::new(("drill-params", i))
                    .num_columns(2)
                    .spacing([theme::SPACE_M, theme::SPACE_XS])
                    .show(ui, |ui| {
                        for (p, value) in offer.params.iter().zip(values.iter_mut()) {
                            let label = ui.label(&p.label);
                            let suffix = if p.unit.is_empty() {
                                String::new()
                            } else {
                                format!("\u{a0}{}", p.unit)
                            };
                            ui.add(
                                egui::Slider::new(value, p.min..=p.max)
                                    // A range over decades (1 s to a day) is set on a
                                    // log scale, or its low end is one pixel wide.
                                    .logarithmic(p.max >= 1000.0 * p.min.max(f64::EPSILON))
                                    .step_by(p.step)
                                    .fixed_decimals(decimals(p.step))
                                    .suffix(suffix),
                            )
                            .labelled_by(label.id)
                            .on_hover_text(format!(
                                "{} to {} {}, in steps of {}; default {}",
                                trim_number(p.min),
                                trim_number(p.max),
                                p.unit,
                                trim_number(p.step),
                                trim_number(p.default)
                            ));
                            ui.end_row();
                        }
                    });
            });
        ui.add_space(theme::SPACE_XS);
    }
    let choices = choices_of(drill, &step.page.form);
    // Kept once a drag ends, not on every frame of it: each change is saved to disk.
    if !ui.input(|i| i.pointer.any_down()) {
        step.attempt.keep_draft(choices.clone());
    }
    ui.add_space(theme::SPACE_S);
    let label = format!(
        "Roll out and replay (costs {})",
        cost_text(drill.spec.deploy_s)
    );
    let roll = ui
        .add_enabled(
            !choices.apply.is_empty(),
            egui::Button::new(RichText::new(label).strong()),
        )
        .on_disabled_hover_text("Tick at least one mitigation");
    if roll.clicked() {
        step.page.replay = Some(step.attempt.mitigate(drill, &choices));
        step.page.reveal_result = true;
    }
    match &step.page.replay {
        Some(Ok(outcome)) => {
            let shown = verdict_ui(ui, drill, outcome, step.baseline);
            reveal(step.page, &shown);
        }
        Some(Err(e)) => {
            ui.colored_label(Semantic::Failing.in_ui(ui), e);
        }
        None => {}
    }
    Request::None
}

/// A replay's verdict and reason, good % with and without the change, the SLO's figures
/// and good % over time for both runs. Returns the verdict's box.
pub(super) fn verdict_ui(
    ui: &mut egui::Ui,
    drill: &Drill,
    outcome: &Outcome,
    baseline: &Outcome,
) -> egui::Response {
    let v = &outcome.verdict;
    let meaning = if v.met {
        Semantic::Healthy
    } else {
        Semantic::Failing
    };
    ui.add_space(theme::SPACE_S);
    let shown = notice_ui(ui, meaning, |ui| {
        ui.label(
            RichText::new(if v.met {
                "✔ The SLO holds with your change."
            } else {
                "✖ The SLO is still missed: this roll-out did not fix it."
            })
            .strong()
            .color(meaning.in_ui(ui)),
        );
        ui.label(&v.reason);
        ui.label(format!(
            "Good: {:.2}\u{a0}% with your change, {:.2}\u{a0}% without it (seed {}; objective {}\u{a0}%).",
            v.figures.good_pct,
            baseline.verdict.figures.good_pct,
            outcome.seed,
            trim_number(drill.spec.slo.objective_pct)
        ));
        figures_ui(ui, &v.figures);
    });
    let with = series(drill, outcome);
    let without = series(drill, baseline);
    let axis = TimeAxis {
        link: egui::Id::unique("drill-replay"),
        end: drill.spec.duration_s,
        now: drill.spec.duration_s,
        unit: TimeUnit::Seconds,
    };
    ui.add_space(theme::SPACE_S);
    TimeChart::new(
        "drill-replay-good",
        &format!("Good requests per {} s", trim_number(BUCKET_S)),
        "% good",
    )
    .percent()
    // Drawn last, so where both runs are at 100 % the change's line is on top.
    .trace(sim_plot::Trace::new("without it", &without, Semantic::Neutral).dashed())
    .trace(sim_plot::Trace::new(
        "with your change",
        &with,
        Semantic::Accent,
    ))
    .threshold(Threshold {
        name: "objective".into(),
        value: drill.spec.slo.objective_pct,
        colour: Semantic::Healthy,
        label: format!(
            "objective {}\u{a0}%",
            trim_number(drill.spec.slo.objective_pct)
        ),
    })
    .show(ui, &axis);
    shown
}

fn series(drill: &Drill, outcome: &Outcome) -> Vec<[f64; 2]> {
    good_pct_series(&drill.spec.slo, &outcome.run.requests, BUCKET_S)
        .into_iter()
        .map(|(t, v)| [t, v.unwrap_or(f64::NAN)])
        .collect()
}

/// Requests in the window, good ones (fallbacks among them), late ones and the bad by
/// what happened to them.
fn figures_ui(ui: &mut egui::Ui, f: &SloFigures) {
    ui.label(format!(
        "{} requests in the window: {} good ({} by a fallback), {} answered too late.",
        f.total, f.good, f.fallbacks, f.slow
    ));
    for (label, n) in f.bad.iter().take(4) {
        ui.label(format!("• {n} {label}"));
    }
}

/// The decimals a value set in steps of `step` needs: 10 permits, 0.2 s, 0.05.
fn decimals(step: f64) -> usize {
    trim_number(step)
        .split_once('.')
        .map_or(0, |(_, d)| d.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_show_as_many_decimals_as_their_step() {
        assert_eq!(super::decimals(1.0), 0);
        assert_eq!(super::decimals(10.0), 0);
        assert_eq!(super::decimals(0.1), 1);
        assert_eq!(super::decimals(0.05), 2);
    }
}
