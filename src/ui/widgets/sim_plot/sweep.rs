//! Plots against a swept setting rather than time (success against failure rate): the
//! same legend row, colours, dashes, thresholds and y axis from 0 as the time plots, on
//! a log x axis with a tick at every swept value, and a "now" line at the value the
//! page's clock has reached.

use egui_plot::{Line, LineStyle, PlotPoint, PlotPoints, Points, Text, VLine};

use super::{Chart, YScale, base_plot, finite_runs, nice_max, round_steps, threshold_line};
use crate::ui::theme::Semantic;

/// A dashed vertical reference on the swept axis (a strategy's threshold), labelled.
pub struct XMarker {
    pub value: f64,
    pub label: String,
    pub colour: Semantic,
}

/// The swept x axis: the values swept (a tick each, on a log scale), how a value reads,
/// and the link that keeps side-by-side plots on one axis.
#[derive(Clone, Copy)]
pub struct SweepAxis<'a> {
    pub link: egui::Id,
    pub values: &'a [f64],
    /// The values whose tick is labelled (all have a grid line): as many as fit.
    pub labelled: &'a [f64],
    pub label: &'a str,
    pub format: fn(f64) -> String,
    /// The value the page's clock is at, drawn as a vertical line.
    pub now: Option<f64>,
}

/// A plot of series over a swept setting.
pub type SweepChart<'a> = Chart<'a, SweepExtras>;

/// What only a sweep plot has: a fixed width, vertical markers, a y value to keep in
/// view, and the choice to leave the legend to a shared row.
pub struct SweepExtras {
    width: Option<f32>,
    legend: bool,
    markers: Vec<XMarker>,
    y_at_least: f64,
}

impl Default for SweepExtras {
    fn default() -> Self {
        Self {
            width: None,
            legend: true,
            markers: Vec::new(),
            y_at_least: 0.0,
        }
    }
}

impl SweepChart<'_> {
    /// Keeps `value` on the y axis, so the axis stays put while a sweep is revealed.
    pub fn include_y(mut self, value: f64) -> Self {
        self.kind.y_at_least = self.kind.y_at_least.max(value);
        self
    }

    pub fn width(mut self, width: f32) -> Self {
        self.kind.width = Some(width);
        self
    }

    /// Small multiples share one legend row, drawn once above them with
    /// [`legend_row`](super::legend_row).
    pub fn without_legend(mut self) -> Self {
        self.kind.legend = false;
        self
    }

    pub fn marker(mut self, marker: XMarker) -> Self {
        self.kind.markers.push(marker);
        self
    }

    /// Draws the title, the legend row and the plot; the traces' x values are the swept
    /// values themselves (the log is taken here).
    pub fn show(self, ui: &mut egui::Ui, axis: &SweepAxis<'_>) {
        let dark = ui.visuals().dark_mode;
        self.header_ui(ui, self.kind.legend, Vec::new());
        let y_max = match self.scale {
            YScale::Percent => 100.0,
            YScale::Count | YScale::LogMs => nice_max(self.values().chain([self.kind.y_at_least])),
        };
        let log = |v: f64| v.max(f64::MIN_POSITIVE).log10();
        let (first, last) = match (axis.values.first(), axis.values.last()) {
            (Some(&a), Some(&b)) => (log(a), log(b)),
            _ => (-2.0, 0.0),
        };
        // Half a tick's width either side, so the end points are not on the frame.
        let pad = 0.04 * (last - first).max(0.1);
        let ticks: Vec<f64> = axis.values.iter().map(|&v| log(v)).collect();
        let format = axis.format;
        let labelled: Vec<f64> = axis.labelled.to_vec();
        let mut plot = base_plot(self.id, self.height, self.y_label)
            .x_axis_label(axis.label.to_owned())
            .link_axis(axis.link, [true, false])
            .link_cursor(axis.link, [true, false])
            .x_grid_spacer(move |_| {
                ticks
                    .iter()
                    .map(|&value| egui_plot::GridMark {
                        value,
                        // egui_plot fades a mark's line and hides its label by its
                        // step in pixels: half a decade keeps the labels and softens
                        // the lines (a whole decade draws every swept value heavy).
                        step_size: 0.5,
                    })
                    .collect()
            })
            .x_axis_formatter(move |mark, _| {
                let v = 10f64.powf(mark.value);
                labelled
                    .iter()
                    .find(|&&l| (l - v).abs() <= 1e-6 * l)
                    .map_or_else(String::new, |&l| format(l))
            })
            .y_grid_spacer(round_steps(self.scale == YScale::Count));
        if let Some(width) = self.kind.width {
            plot = plot.width(width);
        }
        plot.show(ui, |plot| {
            plot.set_auto_bounds([false, false]);
            plot.set_plot_bounds_x(first - pad..=last + pad);
            plot.set_plot_bounds_y(0.0..=y_max * 1.04);
            for t in &self.thresholds {
                threshold_line(plot, t, [last + pad, y_max], t.value, dark);
            }
            for m in &self.kind.markers {
                let colour = m.colour.color(dark);
                plot.vline(
                    VLine::new(m.label.clone(), log(m.value))
                        .color(colour)
                        .style(LineStyle::dashed_loose())
                        .width(1.2),
                );
                plot.text(
                    Text::new(
                        m.label.clone(),
                        PlotPoint::new(log(m.value), 0.02 * y_max),
                        egui::RichText::new(format!(" {}", m.label))
                            .small()
                            .color(colour),
                    )
                    .anchor(egui::Align2::LEFT_BOTTOM),
                );
            }
            for t in &self.traces {
                for (i, run) in finite_runs(t.points).enumerate() {
                    let run: Vec<[f64; 2]> = run.iter().map(|p| [log(p[0]), p[1]]).collect();
                    let colour = t.colour.color(dark);
                    // A dot per swept value: the first step has a point but no line yet.
                    plot.points(
                        Points::new(t.name, PlotPoints::new(run.clone()))
                            .id(egui::Id::unique((self.id, t.name, i, "dots")))
                            .color(colour)
                            .radius(2.2),
                    );
                    plot.line(
                        Line::new(t.name, PlotPoints::new(run))
                            .id(egui::Id::unique((self.id, t.name, i)))
                            .color(colour)
                            .style(t.dash.style())
                            .width(1.8),
                    );
                }
            }
            if let Some(now) = axis.now {
                plot.vline(
                    VLine::new("now", log(now))
                        .color(Semantic::Neutral.color(dark))
                        .width(1.0),
                );
            }
        });
    }
}
