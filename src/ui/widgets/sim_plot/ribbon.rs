//! A timeline of named states, one row per run ("stable", "metastable"), on the page's
//! shared time axis, so a state reads straight above the moment it describes in the
//! plots below. Each stretch is shaded in its state's colour and named inside when it
//! is wide enough; the legend row names them all.

use egui_plot::{PlotPoint, PlotPoints, Polygon, Text};

use super::{LegendEntry, TimeAxis, base_plot, legend_row};
use crate::ui::theme::Semantic;

/// A stretch of one state, in the axis's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Stretch {
    pub from: f64,
    pub to: f64,
    pub state: &'static str,
    pub colour: Semantic,
}

/// Consecutive equal states merged into stretches: `states[i]` holds over `[i, i + 1)`.
pub fn stretches(states: impl IntoIterator<Item = (&'static str, Semantic)>) -> Vec<Stretch> {
    let mut out: Vec<Stretch> = Vec::new();
    for (i, (state, colour)) in states.into_iter().enumerate() {
        let t = i as f64;
        match out.last_mut() {
            Some(last) if last.state == state => last.to = t + 1.0,
            _ => out.push(Stretch {
                from: t,
                to: t + 1.0,
                state,
                colour,
            }),
        }
    }
    out
}

/// Rows of stretches over time; `rows` are (run name, stretches), top first. The run
/// names sit on the y axis, so they must be short (they share the plots' axis width).
pub fn state_ribbon(
    ui: &mut egui::Ui,
    id: &str,
    title: &str,
    legend: &[(&str, Semantic)],
    rows: &[(&str, Vec<Stretch>)],
    axis: &TimeAxis,
) {
    const ROW_PX: f32 = 26.0;
    let dark = ui.visuals().dark_mode;
    ui.label(egui::RichText::new(title).strong());
    let entries: Vec<LegendEntry> = legend
        .iter()
        .map(|&(name, colour)| LegendEntry::band(name, colour))
        .collect();
    legend_row(ui, &entries);
    let names: Vec<String> = rows.iter().map(|(name, _)| (*name).to_owned()).collect();
    let n = rows.len();
    let x_end = axis.end.max(f64::EPSILON);
    // Roughly the plot's width in axis units per pixel, to decide which names fit.
    let units_per_px = x_end / f64::from((ui.available_width() - super::Y_AXIS_WIDTH).max(1.0));
    base_plot(id, ROW_PX * n as f32 + 34.0, "")
        .link_axis(axis.link, [true, false])
        .link_cursor(axis.link, [true, false])
        .show_grid([false, false])
        .y_grid_spacer(move |_| {
            (0..n)
                .map(|i| egui_plot::GridMark {
                    value: i as f64 + 0.5,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            let row = (n as f64 - mark.value).floor();
            usize::try_from(row as i64)
                .ok()
                .and_then(|r| names.get(r).cloned())
                .unwrap_or_default()
        })
        .x_grid_spacer(super::round_steps(false))
        .show(ui, |plot| {
            plot.set_auto_bounds([false, false]);
            plot.set_plot_bounds_x(0.0..=x_end);
            plot.set_plot_bounds_y(0.0..=n as f64);
            for (r, (run, stretches)) in rows.iter().enumerate() {
                let (bottom, top) = ((n - r - 1) as f64 + 0.1, (n - r) as f64 - 0.1);
                for (i, s) in stretches.iter().enumerate() {
                    let colour = s.colour.color(dark);
                    plot.polygon(
                        Polygon::new(
                            s.state,
                            PlotPoints::new(vec![
                                [s.from, bottom],
                                [s.to, bottom],
                                [s.to, top],
                                [s.from, top],
                            ]),
                        )
                        .id(egui::Id::unique((id, *run, i)))
                        .fill_color(s.colour.fill(dark))
                        .stroke(egui::Stroke::new(1.0, colour)),
                    );
                    let chars = s.state.chars().count() as f64;
                    if (s.to - s.from) / units_per_px > 7.0 * chars + 8.0 {
                        plot.text(
                            Text::new(
                                s.state,
                                PlotPoint::new((s.from + s.to) / 2.0, (bottom + top) / 2.0),
                                egui::RichText::new(s.state).small().color(colour),
                            )
                            .id(egui::Id::unique((id, *run, i, "name"))),
                        );
                    }
                }
            }
            plot.vline(
                egui_plot::VLine::new("now", axis.now)
                    .color(Semantic::Neutral.color(dark))
                    .width(1.0),
            );
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_states_merge_into_one_stretch() {
        let s = stretches([
            ("stable", Semantic::Healthy),
            ("stable", Semantic::Healthy),
            ("metastable", Semantic::Failing),
        ]);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].from, s[0].to), (0.0, 2.0));
        assert_eq!((s[1].from, s[1].to, s[1].state), (2.0, 3.0, "metastable"));
    }
}
