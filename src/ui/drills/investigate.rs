//! What the on-call engineer sees of the incident, up to the incident clock: the
//! dashboard (one plot per metric, its threshold dashed), the log stream (newest last,
//! filtered by kind) and the trace waterfall. All of it is the run without mitigation,
//! cut at "now", so nothing shows what has not happened yet.

use egui::{RichText, Sense};

use super::steps::{Step, part_heading};
use crate::drill::prefill::clock;
use crate::drill::{Event, EventKind, Metric, Trace};
use crate::sim::headless::Points;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::sim_plot::{self, Threshold, TimeAxis, TimeChart, TimeUnit};

/// Height of one dashboard plot: two rows of them fit a small window.
const METRIC_HEIGHT: f32 = 120.0;
/// The log stream shows this many rows before it scrolls.
const LOG_HEIGHT: f32 = 220.0;
/// Width of a trace's service column.
const SERVICE_WIDTH: f32 = 130.0;

/// The dashboard, the log stream and the traces of the run up to the incident clock
/// `clock_s`, or to the run's end once the clock has passed it.
pub(super) fn observe_ui(ui: &mut egui::Ui, step: &mut Step, clock_s: f64) {
    let run = &step.baseline.run;
    let end = step.drill.spec.duration_s;
    let now = clock_s.min(end);
    part_heading(
        ui,
        &if clock_s > end {
            format!("Dashboard (the whole recorded run, to {})", clock(end))
        } else {
            format!("Dashboard (up to {})", clock(now))
        },
    );
    dashboard_ui(ui, &run.metrics, now, end);
    part_heading(ui, "Log stream");
    let events = with_own_steps(&run.events, step);
    log_ui(ui, &events, now, &mut step.page.hidden_kinds);
    let traces: Vec<&Trace> = run.traces.iter().filter(|t| t.at_s <= now).collect();
    part_heading(ui, "Traces");
    if traces.is_empty() {
        ui.label(
            RichText::new("No trace recorded yet at this point of the incident.")
                .color(ui.visuals().weak_text_color()),
        );
    }
    for trace in traces {
        trace_ui(ui, trace);
    }
}

/// The run's events with the learner's own steps of this attempt among them, at the
/// incident time they were taken, so the stream reads as the incident's whole story.
fn with_own_steps(events: &[Event], step: &Step) -> Vec<Event> {
    let alert = step.baseline.alert_s.unwrap_or(step.drill.spec.slo.from_s);
    let mut all = events.to_vec();
    all.extend(step.attempt.log.iter().map(|l| Event {
        t_s: alert + l.after_alert_s,
        kind: EventKind::Action,
        source: "on call (you)".into(),
        text: l.text.clone(),
    }));
    all.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    all
}

/// `points` up to `now` as plot points; a bucket without data is non-finite, so the
/// line breaks there.
fn until(points: &Points, now: f64) -> Vec<[f64; 2]> {
    points
        .iter()
        .filter(|(t, _)| *t <= now)
        .map(|&(t, v)| [t, v.unwrap_or(f64::NAN)])
        .collect()
}

/// The metrics, two plots a row when the window is wide enough.
fn dashboard_ui(ui: &mut egui::Ui, metrics: &[Metric], now: f64, end: f64) {
    let axis = TimeAxis {
        link: egui::Id::unique("drill-dashboard"),
        end,
        now,
        unit: TimeUnit::Seconds,
    };
    let columns = if ui.available_width() >= 760.0 { 2 } else { 1 };
    for row in metrics.chunks(columns) {
        ui.columns(columns, |cols| {
            for (col, metric) in cols.iter_mut().zip(row) {
                metric_ui(col, metric, &axis);
            }
        });
        ui.add_space(theme::SPACE_S);
    }
}

fn metric_ui(ui: &mut egui::Ui, metric: &Metric, axis: &TimeAxis) {
    let points = until(&metric.points, axis.now);
    let id = format!("drill-metric-{}", metric.name);
    let mut chart = TimeChart::new(&id, &metric.name, &metric.unit)
        .height(METRIC_HEIGHT)
        .trace(sim_plot::Trace::new(
            &metric.name,
            &points,
            Semantic::Accent,
        ));
    if let Some((value, label)) = &metric.threshold {
        chart = chart.threshold(Threshold {
            name: label.clone(),
            value: *value,
            colour: Semantic::Accent,
            label: format!("{label} {}", crate::drill::play::trim_number(*value)),
        });
    }
    chart.show(ui, axis);
}

/// The colour an event kind is shown in.
fn kind_colour(kind: EventKind) -> Option<Semantic> {
    match kind {
        EventKind::Fault | EventKind::Alert => Some(Semantic::Failing),
        EventKind::State => Some(Semantic::Waiting),
        EventKind::Mitigation => Some(Semantic::Healthy),
        EventKind::Action => Some(Semantic::Accent),
        EventKind::Log => None,
    }
}

/// The events up to `now`, newest last, with a filter per kind present in the run.
fn log_ui(ui: &mut egui::Ui, events: &[Event], now: f64, hidden: &mut [bool; 6]) {
    let shown: Vec<&Event> = events.iter().filter(|e| e.t_s <= now).collect();
    ui.horizontal_wrapped(|ui| {
        ui.label("Show:");
        for (i, kind) in EventKind::ALL.into_iter().enumerate() {
            if !events.iter().any(|e| e.kind == kind) {
                continue;
            }
            let mut on = !hidden[i];
            if ui.checkbox(&mut on, kind.label()).changed() {
                hidden[i] = !on;
            }
        }
    });
    let visible: Vec<&&Event> = shown
        .iter()
        .filter(|e| {
            EventKind::ALL
                .iter()
                .position(|k| *k == e.kind)
                .is_none_or(|i| !hidden[i])
        })
        .collect();
    egui::Frame::group(ui.style())
        .corner_radius(theme::RADIUS)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            egui::ScrollArea::vertical()
                .id_salt("drill-log")
                .max_height(LOG_HEIGHT)
                .min_scrolled_height(LOG_HEIGHT)
                .stick_to_bottom(true)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if visible.is_empty() {
                        ui.label(
                            RichText::new("Nothing logged yet of the kinds shown.")
                                .color(ui.visuals().weak_text_color()),
                        );
                        return;
                    }
                    egui::Grid::new("drill-log-lines")
                        .num_columns(3)
                        .spacing([theme::SPACE_M, 2.0])
                        .show(ui, |ui| {
                            for e in visible {
                                let colour = kind_colour(e.kind)
                                    .map_or(ui.visuals().text_color(), |c| c.in_ui(ui));
                                let cell =
                                    |s: String| RichText::new(s).monospace().small().color(colour);
                                ui.label(cell(format!("{:.1} s", e.t_s)));
                                ui.label(cell(e.source.clone()));
                                ui.add(egui::Label::new(cell(e.text.clone())).wrap());
                                ui.end_row();
                            }
                        });
                });
        });
}

/// One trace as a waterfall: a row per span, its bar placed on the trace's time scale,
/// red when it failed, with its duration and note.
fn trace_ui(ui: &mut egui::Ui, trace: &Trace) {
    let total_ms = trace.spans.iter().map(|s| s.end_ms).fold(1.0_f64, f64::max);
    ui.label(RichText::new(format!("{} (at {})", trace.title, clock(trace.at_s))).strong());
    let dark = ui.visuals().dark_mode;
    for span in &trace.spans {
        ui.horizontal(|ui| {
            ui.add_sized(
                [SERVICE_WIDTH, 18.0],
                egui::Label::new(RichText::new(&span.service).monospace()).truncate(),
            );
            let width = (ui.available_width() * 0.5).max(120.0);
            let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 14.0), Sense::hover());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 2.0, Semantic::Neutral.fill(dark));
            let x = |ms: f64| rect.left() + rect.width() * (ms / total_ms) as f32;
            let bar = egui::Rect::from_x_y_ranges(
                x(span.start_ms)..=x(span.end_ms).max(x(span.start_ms) + 2.0),
                rect.y_range(),
            );
            let meaning = if span.failed {
                Semantic::Failing
            } else {
                Semantic::Healthy
            };
            painter.rect_filled(bar, 2.0, meaning.color(dark));
            let duration = span.end_ms - span.start_ms;
            response.on_hover_text(format!(
                "{}: {:.0} ms to {:.0} ms",
                span.service, span.start_ms, span.end_ms
            ));
            ui.add(
                egui::Label::new(
                    RichText::new(format!("{:.0}\u{a0}ms · {}", duration, span.note)).small(),
                )
                .truncate(),
            );
        });
    }
    ui.add_space(theme::SPACE_S);
}
