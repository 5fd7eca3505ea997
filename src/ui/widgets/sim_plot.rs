//! The one chart language of the simulations: every plot on a simulation page is drawn
//! through this module, so they all read the same way.
//!
//! - The legend is a row above the plot, never inside it, so it cannot cover data; its
//!   swatches show the dash of their line.
//! - Time plots of one page share their x axis (linked, from 0 to the run's end, never
//!   rescaling), the same left margin ([`Y_AXIS_WIDTH`]) and a "now" cursor.
//! - A line is never drawn across a bucket without data: models record such a bucket as
//!   a non-finite value, and the line breaks there.
//! - Colours come from [`Semantic`], one per series; a threshold is dashed in its
//!   series' colour and labelled with its value.
//! - The y axis always has ticks at round steps and starts at 0 (counts, rates and
//!   durations are never negative).
//! - No zoom or drag: the mouse wheel keeps scrolling the page the plot sits in.

use egui_plot::{HLine, Line, LineStyle, Plot, PlotPoint, PlotPoints, Span, Text, VLine};

mod ribbon;
mod sweep;

pub use ribbon::{Stretch, state_ribbon, stretches};
pub use sweep::{SweepAxis, SweepChart, XMarker};

use crate::ui::theme::{self, Semantic};

/// The no-break space that joins a number and its unit, so a wrap never splits them.
pub const NBSP: char = '\u{a0}';

/// Width of every plot's y axis (tick labels and title), so stacked plots line up.
pub const Y_AXIS_WIDTH: f32 = 58.0;

/// Default plot height on simulation pages.
pub const PLOT_HEIGHT: f32 = 170.0;

/// `value` and `unit` joined by a no-break space ("250 ms").
pub fn qty(value: impl std::fmt::Display, unit: &str) -> String {
    format!("{value}{NBSP}{unit}")
}

/// A duration in ms as a short label ("250 ms", "2 s"); empty below 1 ms.
pub fn ms_label(ms: f64) -> String {
    if ms >= 1000.0 {
        qty(format!("{:.0}", ms / 1000.0), "s")
    } else if ms >= 1.0 {
        qty(format!("{ms:.0}"), "ms")
    } else {
        String::new()
    }
}

/// The unit a page's time axis is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Seconds,
    Minutes,
}

impl TimeUnit {
    fn axis_label(self) -> &'static str {
        match self {
            Self::Seconds => "time (s)",
            Self::Minutes => "time (min)",
        }
    }
}

/// The x axis every time plot of one page shares: linked by `link`, from 0 to `end`,
/// with the "now" cursor at `now` (both in `unit`).
#[derive(Debug, Clone, Copy)]
pub struct TimeAxis {
    pub link: egui::Id,
    pub end: f64,
    pub now: f64,
    pub unit: TimeUnit,
}

/// How a line is stroked; the legend swatch shows the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    /// The comparison run ("without the pattern") or a second view of the same quantity.
    Dashed,
}

impl Dash {
    fn style(self) -> LineStyle {
        match self {
            Self::Solid => LineStyle::Solid,
            Self::Dashed => LineStyle::dashed_dense(),
        }
    }
}

/// One series of a plot.
pub struct Trace<'a> {
    pub name: &'a str,
    /// `[x, y]` points; a non-finite y marks a bucket without data (the line breaks).
    pub points: &'a [[f64; 2]],
    pub colour: Semantic,
    pub dash: Dash,
}

impl<'a> Trace<'a> {
    pub fn new(name: &'a str, points: &'a [[f64; 2]], colour: Semantic) -> Self {
        Self {
            name,
            points,
            colour,
            dash: Dash::Solid,
        }
    }

    pub fn dashed(mut self) -> Self {
        self.dash = Dash::Dashed;
        self
    }
}

/// A horizontal reference (threshold, pool size), dashed in its series' colour and
/// labelled on the plot with `label`.
pub struct Threshold {
    pub name: String,
    pub value: f64,
    pub colour: Semantic,
    pub label: String,
}

/// A shaded stretch of the time axis (an outage), labelled at its top.
#[derive(Debug, Clone)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub label: String,
    pub colour: Semantic,
}

/// The y axis: what it counts, and whether it is a percentage (0 to 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YScale {
    /// Counts, rates and durations: from 0, integer steps.
    Count,
    /// A percentage: always 0 to 100.
    Percent,
    /// Durations in ms on a log scale from 1 ms (values below sit on the 1 ms line).
    LogMs,
}

/// A chart of the module: its title, y axis, traces and thresholds, built the same way
/// for time and sweep plots; `K` holds what only one kind has.
pub struct Chart<'a, K> {
    id: &'a str,
    title: &'a str,
    y_label: &'a str,
    scale: YScale,
    height: f32,
    traces: Vec<Trace<'a>>,
    thresholds: Vec<Threshold>,
    kind: K,
}

/// A plot over a page's virtual time.
pub type TimeChart<'a> = Chart<'a, TimeExtras>;

/// What only a time plot has: shaded stretches of the time axis.
#[derive(Default)]
pub struct TimeExtras {
    bands: Vec<Band>,
}

impl<'a, K: Default> Chart<'a, K> {
    /// `title` is drawn above the plot; `y_label` names the y axis with its unit, short
    /// enough to fit the plot's height ("calls/s", "ms").
    pub fn new(id: &'a str, title: &'a str, y_label: &'a str) -> Self {
        Self {
            id,
            title,
            y_label,
            scale: YScale::Count,
            height: PLOT_HEIGHT,
            traces: Vec::new(),
            thresholds: Vec::new(),
            kind: K::default(),
        }
    }
}

impl<'a, K> Chart<'a, K> {
    pub fn percent(mut self) -> Self {
        self.scale = YScale::Percent;
        self
    }

    pub fn height(mut self, height: f32) -> Self {
        self.height = height;
        self
    }

    pub fn trace(mut self, trace: Trace<'a>) -> Self {
        self.traces.push(trace);
        self
    }

    pub fn threshold(mut self, threshold: Threshold) -> Self {
        self.thresholds.push(threshold);
        self
    }

    /// The title, then the legend row of the traces and thresholds and `extra`, unless
    /// `legend` is off (small multiples share one row).
    fn header_ui(&self, ui: &mut egui::Ui, legend: bool, extra: Vec<LegendEntry<'_>>) {
        ui.label(egui::RichText::new(self.title).strong());
        if legend {
            let mut entries = legend_entries(&self.traces, &self.thresholds);
            entries.extend(extra);
            legend_row(ui, &entries);
        }
    }

    /// Every y value drawn: the traces' points and the thresholds.
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.traces
            .iter()
            .flat_map(|t| t.points.iter().map(|p| p[1]))
            .chain(self.thresholds.iter().map(|t| t.value))
    }
}

impl<'a> TimeChart<'a> {
    pub fn log_ms(mut self) -> Self {
        self.scale = YScale::LogMs;
        self
    }

    pub fn band(mut self, band: Band) -> Self {
        self.kind.bands.push(band);
        self
    }

    /// Draws the title, the legend row and the plot.
    pub fn show(self, ui: &mut egui::Ui, axis: &TimeAxis) {
        let dark = ui.visuals().dark_mode;
        let bands = &self.kind.bands;
        let band_entries = bands
            .iter()
            .map(|b| LegendEntry::band(&b.label, b.colour))
            .collect();
        self.header_ui(ui, true, band_entries);
        let log = self.scale == YScale::LogMs;
        let y_of = |v: f64| if log { v.max(1.0).log10() } else { v };
        let y_max = match self.scale {
            YScale::Percent => 100.0,
            YScale::Count => nice_max(self.values()),
            YScale::LogMs => self
                .values()
                .filter(|v| v.is_finite())
                .fold(10.0_f64, f64::max)
                .log10()
                .ceil(),
        };
        let x_end = axis.end.max(f64::EPSILON);
        let mut plot = base_plot(self.id, self.height, self.y_label)
            .x_axis_label(axis.unit.axis_label())
            .link_axis(axis.link, [true, false])
            .link_cursor(axis.link, [true, false])
            .x_grid_spacer(round_steps(false));
        plot = if log {
            plot.y_grid_spacer(egui_plot::log_grid_spacer(10))
                .y_axis_formatter(|mark, _| ms_label(10f64.powf(mark.value)))
        } else {
            plot.y_grid_spacer(round_steps(self.scale == YScale::Count))
        };
        plot.show(ui, |plot| {
            plot.set_auto_bounds([false, false]);
            plot.set_plot_bounds_x(0.0..=x_end);
            // A little headroom so a line at the maximum is not drawn on the frame.
            plot.set_plot_bounds_y(0.0..=y_max * 1.04);
            // Bands are named in the legend row; a name here would print over the data.
            for b in bands {
                plot.span(
                    Span::new("", b.from..=b.to)
                        .fill(b.colour.fill(dark))
                        .border_width(0.0),
                );
            }
            for t in &self.thresholds {
                threshold_line(plot, t, [x_end, y_of(y_max)], y_of(t.value), dark);
            }
            for t in &self.traces {
                for (i, mut run) in finite_runs(t.points).enumerate() {
                    if log {
                        run.iter_mut().for_each(|p| p[1] = y_of(p[1]));
                    }
                    plot.line(
                        Line::new(t.name, PlotPoints::new(run))
                            .id(egui::Id::unique((t.name, i)))
                            .color(t.colour.color(dark))
                            .style(t.dash.style())
                            .width(1.8),
                    );
                }
            }
            plot.vline(
                VLine::new("now", axis.now)
                    .color(Semantic::Neutral.color(dark))
                    .width(1.0),
            );
        });
    }
}

/// The legend of a plot's traces and thresholds (a threshold's swatch is dashed).
fn legend_entries<'a>(
    traces: &'a [Trace<'a>],
    thresholds: &'a [Threshold],
) -> Vec<LegendEntry<'a>> {
    traces
        .iter()
        .map(|t| LegendEntry::line(t.name, t.colour, t.dash))
        .chain(
            thresholds
                .iter()
                .map(|t| LegendEntry::line(&t.name, t.colour, Dash::Dashed)),
        )
        .collect()
}

/// A threshold at plot height `y`: dashed in its colour, its label at the right end just
/// above the line, or just below it when the line is near the top of the plot (`end` is
/// the plot's top-right corner), where there is no room above.
fn threshold_line(
    plot: &mut egui_plot::PlotUi<'_>,
    t: &Threshold,
    end: [f64; 2],
    y: f64,
    dark: bool,
) {
    let [x_end, y_top] = end;
    let anchor = if y > 0.9 * y_top {
        egui::Align2::RIGHT_TOP
    } else {
        egui::Align2::RIGHT_BOTTOM
    };
    let colour = t.colour.color(dark);
    plot.hline(
        HLine::new(t.name.clone(), y)
            .color(colour)
            .style(LineStyle::dashed_loose())
            .width(1.2),
    );
    plot.text(
        Text::new(
            t.name.clone(),
            PlotPoint::new(x_end, y),
            egui::RichText::new(&t.label).small().color(colour),
        )
        .anchor(anchor),
    );
}

/// A plot with the shared look and no interaction: fixed height, the common y-axis width
/// and title, no built-in legend (use [`legend_row`] above it). Non-time plots (sweeps,
/// histograms, scatters) start here.
pub fn base_plot(id: &str, height: f32, y_label: &str) -> Plot<'static> {
    Plot::new(id)
        .height(height)
        .y_axis_label(y_label.to_owned())
        .y_axis_min_width(Y_AXIS_WIDTH)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
}

/// egui_plot's own legend, small and in drawing order, for charts outside the
/// simulation pages (the flashcard statistics) that keep it inside the plot.
pub fn compact_legend(corner: egui_plot::Corner) -> egui_plot::Legend {
    egui_plot::Legend::default()
        .position(corner)
        .text_style(egui::TextStyle::Small)
        .follow_insertion_order(true)
}

/// One entry of a legend row.
pub struct LegendEntry<'a> {
    name: &'a str,
    colour: Semantic,
    kind: SwatchKind,
}

enum SwatchKind {
    Line(Dash),
    Band,
    Dot,
}

impl<'a> LegendEntry<'a> {
    pub fn line(name: &'a str, colour: Semantic, dash: Dash) -> Self {
        Self {
            name,
            colour,
            kind: SwatchKind::Line(dash),
        }
    }

    pub fn band(name: &'a str, colour: Semantic) -> Self {
        Self {
            name,
            colour,
            kind: SwatchKind::Band,
        }
    }

    pub fn dot(name: &'a str, colour: Semantic) -> Self {
        Self {
            name,
            colour,
            kind: SwatchKind::Dot,
        }
    }
}

/// The legend of a plot, as a wrapped row above it: a swatch drawn like the series (solid,
/// dashed, a shaded band or a dot), then its name. Each entry is one piece, so a wrap
/// never separates a swatch from its name.
pub fn legend_row(ui: &mut egui::Ui, entries: &[LegendEntry<'_>]) {
    if entries.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for e in entries {
            legend_entry_ui(ui, e);
            ui.add_space(theme::SPACE_XS);
        }
    });
}

fn legend_entry_ui(ui: &mut egui::Ui, e: &LegendEntry<'_>) {
    const SWATCH: egui::Vec2 = egui::vec2(22.0, 12.0);
    let dark = ui.visuals().dark_mode;
    let text_colour = ui.visuals().text_color();
    let font = egui::TextStyle::Small.resolve(ui.style());
    let galley = ui.fonts_mut(|f| f.layout_no_wrap(e.name.to_owned(), font, text_colour));
    let size = egui::vec2(
        SWATCH.x + theme::SPACE_XS + galley.size().x,
        galley.size().y.max(SWATCH.y),
    );
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let swatch = egui::Rect::from_center_size(
        egui::pos2(rect.left() + SWATCH.x / 2.0, rect.center().y),
        SWATCH,
    );
    let colour = e.colour.color(dark);
    let painter = ui.painter();
    let y = swatch.center().y;
    match e.kind {
        SwatchKind::Line(Dash::Solid) => {
            painter.line_segment(
                [egui::pos2(swatch.left(), y), egui::pos2(swatch.right(), y)],
                egui::Stroke::new(2.0, colour),
            );
        }
        SwatchKind::Line(Dash::Dashed) => {
            for i in 0..3 {
                let x = swatch.left() + i as f32 * 8.0;
                painter.line_segment(
                    [egui::pos2(x, y), egui::pos2(x + 4.5, y)],
                    egui::Stroke::new(2.0, colour),
                );
            }
        }
        SwatchKind::Band => {
            painter.rect_filled(swatch, 2.0, e.colour.fill(dark));
            painter.rect_stroke(
                swatch,
                2.0,
                egui::Stroke::new(1.5, colour),
                egui::StrokeKind::Inside,
            );
        }
        SwatchKind::Dot => {
            painter.circle_filled(swatch.center(), 4.0, colour);
        }
    }
    let text_pos = egui::pos2(
        swatch.right() + theme::SPACE_XS,
        rect.center().y - galley.size().y / 2.0,
    );
    painter.galley(text_pos, galley, text_colour);
}

/// The top of a y axis from 0: the largest finite value rounded up to a round step,
/// at least 1 so an all-zero plot still has an axis.
fn nice_max(values: impl Iterator<Item = f64>) -> f64 {
    let max = values.filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
    if max <= 0.0 {
        return 1.0;
    }
    let step = round_step(max / 4.0, false);
    (max / step).ceil() * step
}

/// The runs of consecutive points with a finite y: a non-finite y is a bucket without
/// data, and the line breaks there instead of sloping across it.
fn finite_runs(points: &[[f64; 2]]) -> impl Iterator<Item = Vec<[f64; 2]>> + '_ {
    points
        .split(|p| !p[1].is_finite())
        .filter(|run| !run.is_empty())
        .map(<[[f64; 2]]>::to_vec)
}

/// A grid of about four labelled lines at round steps (1, 2 or 5 times a power of ten);
/// `whole` keeps steps at 1 or more (counts). The default powers-of-ten grid leaves a
/// short plot of counts with a lone "0" label.
pub fn round_steps(whole: bool) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    egui_plot::uniform_grid_spacer(move |input| {
        let step = round_step((input.bounds.1 - input.bounds.0) / 4.0, whole);
        [step, step, step]
    })
}

/// The smallest step of 1, 2 or 5 times a power of ten that is at least `raw` (and at
/// least 1 when `whole`).
fn round_step(raw: f64, whole: bool) -> f64 {
    let raw = if whole { raw.max(1.0) } else { raw };
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_steps_are_one_two_or_five() {
        assert_eq!(round_step(0.3, true), 1.0);
        assert_eq!(round_step(0.3, false), 0.5);
        assert_eq!(round_step(1.0, true), 1.0);
        assert_eq!(round_step(130.0, true), 200.0);
        assert_eq!(round_step(500.0, true), 500.0);
        assert_eq!(round_step(501.0, true), 1000.0);
    }

    #[test]
    fn the_axis_top_is_round_and_never_zero() {
        assert_eq!(nice_max([0.0, f64::NAN].into_iter()), 1.0);
        assert_eq!(nice_max([3.0, 17.0].into_iter()), 20.0);
        assert_eq!(nice_max([2000.0].into_iter()), 2000.0);
    }

    #[test]
    fn a_bucket_without_data_breaks_the_line() {
        let points = [[0.0, 1.0], [1.0, 2.0], [2.0, f64::NAN], [3.0, 4.0]];
        let runs: Vec<_> = finite_runs(&points).collect();
        assert_eq!(runs, vec![vec![[0.0, 1.0], [1.0, 2.0]], vec![[3.0, 4.0]]]);
    }

    #[test]
    fn numbers_and_units_never_split() {
        assert_eq!(ms_label(250.0), "250\u{a0}ms");
        assert_eq!(qty(40, "/s"), "40\u{a0}/s");
    }
}
