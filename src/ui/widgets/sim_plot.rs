//! Time-series plots for the simulations: one look everywhere (legend, axis labels with
//! units, semantic colours, threshold lines), and no zoom or drag, so the mouse wheel
//! keeps scrolling the page the plot sits in.

use egui_plot::{HLine, Legend, Line, LineStyle, Plot, PlotPoints};

use crate::ui::theme::Semantic;

/// A plot over a run of `run_secs` virtual seconds whose x axis and cursor move with the
/// other plots of `link`, so events line up down the page. Callers add spans and lines.
pub fn run_plot(
    id: &str,
    link: egui::Id,
    y_label: &str,
    run_secs: f64,
    legend: egui_plot::Corner,
) -> Plot<'static> {
    Plot::new(id)
        .legend(compact_legend(legend))
        .x_axis_label("time (s)")
        .y_axis_label(y_label.to_owned())
        .include_x(0.0)
        .include_x(run_secs)
        .include_y(0.0)
        .allow_scroll(false)
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
}

/// A line of a run plot.
pub fn run_line(name: &str, points: &[[f64; 2]], colour: egui::Color32) -> Line<'static> {
    Line::new(name.to_owned(), points.to_vec())
        .color(colour)
        .width(1.8)
}

/// A duration in ms as a short label ("250 ms", "2 s"); empty below 1 ms.
pub fn ms_label(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.0} s", ms / 1000.0)
    } else if ms >= 1.0 {
        format!("{ms:.0} ms")
    } else {
        String::new()
    }
}

/// A legend for plots with many entries in a short frame: small text, in the order drawn.
pub fn compact_legend(corner: egui_plot::Corner) -> Legend {
    Legend::default()
        .position(corner)
        .text_style(egui::TextStyle::Small)
        .follow_insertion_order(true)
}

/// A grid of about four labelled lines at round steps (1, 2 or 5 times a power of ten).
/// The default powers-of-ten grid leaves a short plot of counts with a lone "0" label.
pub fn round_steps() -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    egui_plot::uniform_grid_spacer(|input| {
        let step = round_step((input.bounds.1 - input.bounds.0) / 4.0);
        [step, step, step]
    })
}

/// The smallest step of 1, 2 or 5 times a power of ten (at least 1) that is at least `raw`.
fn round_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.max(1.0).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * power)
}

/// One line of a plot.
pub struct PlotLine<'a> {
    pub name: &'a str,
    /// `[x, y]` points, x in virtual seconds.
    pub points: &'a [[f64; 2]],
    pub meaning: Semantic,
    /// Dashed lines mark the comparison run (e.g. "without the breaker").
    pub dashed: bool,
}

/// A horizontal reference line, such as a threshold or a pool size.
pub struct Reference<'a> {
    pub name: &'a str,
    pub value: f64,
    pub meaning: Semantic,
}

/// A plot over virtual time. `y_unit` names the y axis, with its unit. Plots sharing a
/// `link` group keep their time axes aligned, so events line up down the page.
pub fn time_plot_ui(
    ui: &mut egui::Ui,
    id: &str,
    link: &str,
    y_unit: &str,
    height: f32,
    lines: &[PlotLine<'_>],
    references: &[Reference<'_>],
) {
    let dark = ui.visuals().dark_mode;
    Plot::new(id)
        .height(height)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_label("virtual time (s)")
        .y_axis_label(y_unit)
        .include_y(0.0)
        .include_y(1.0)
        // Before any data the plots would each pick their own empty range; start them
        // all on the first ten seconds.
        .include_x(0.0)
        .include_x(10.0)
        .link_axis(egui::Id::unique(link), [true, false])
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show(ui, |plot| {
            for r in references {
                plot.hline(
                    HLine::new(r.name, r.value)
                        .color(r.meaning.color(dark))
                        .style(LineStyle::dashed_loose())
                        .width(1.0),
                );
            }
            for l in lines {
                let style = if l.dashed {
                    LineStyle::dashed_dense()
                } else {
                    LineStyle::Solid
                };
                plot.line(
                    Line::new(l.name, PlotPoints::new(l.points.to_vec()))
                        .color(l.meaning.color(dark))
                        .style(style)
                        .width(1.8),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::round_step;

    #[test]
    fn round_steps_are_whole_and_one_two_or_five() {
        assert_eq!(round_step(0.3), 1.0);
        assert_eq!(round_step(1.0), 1.0);
        assert_eq!(round_step(130.0), 200.0);
        assert_eq!(round_step(500.0), 500.0);
        assert_eq!(round_step(501.0), 1000.0);
    }
}
