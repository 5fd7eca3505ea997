//! The statistics view: card counts by state, true retention, answers per day, the due
//! forecast, a calendar heatmap of the last half year, and the scheduling settings.

use chrono::{Duration, NaiveDate, Utc};
use egui::RichText;
use egui_plot::{Bar, BarChart, Plot};

use super::{plural, rating_semantic};
use crate::srs::stats::{self, StateCounts};
use crate::srs::{Card, Rating, SrsProgress};
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::{calendar, sim_plot};

/// Days shown in the answers-per-day chart and the forecast.
const CHART_DAYS: i64 = 30;
/// Weeks in the heatmap.
const HEATMAP_WEEKS: i64 = 26;

pub fn ui(ui: &mut egui::Ui, shared: &mut Shared, cards: &[Card]) {
    let now = crate::ui::clock::now();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(theme::READING_WIDTH + 160.0));
            let p = &shared.store.progress.cards;
            section_title(ui, "Cards");
            counts_ui(ui, stats::state_counts(p, cards));
            ui.add_space(theme::SPACE_M);
            retention_ui(ui, p, now);

            section_title(ui, "Answers per day (last 30 days)");
            answers_chart_ui(ui, p, now);

            section_title(ui, "Due in the next 30 days");
            forecast_chart_ui(ui, p, cards, now);

            section_title(ui, "Review calendar (last 26 weeks)");
            heatmap_ui(ui, p, now);

            section_title(ui, "Settings");
            if settings_ui(ui, &mut shared.store.progress.cards.settings) {
                shared.save();
            }
            ui.add_space(theme::SPACE_XL);
        });
}

fn section_title(ui: &mut egui::Ui, title: &str) {
    ui.add_space(theme::SPACE_L);
    ui.label(RichText::new(title).size(18.0).strong());
    ui.add_space(theme::SPACE_XS);
}

fn counts_ui(ui: &mut egui::Ui, c: StateCounts) {
    let tiles = [
        ("New", c.new, Semantic::Healthy),
        ("Learning", c.learning, Semantic::Waiting),
        ("Review", c.review, Semantic::Slow),
        ("Relearning", c.relearning, Semantic::Failing),
        ("Suspended", c.suspended, Semantic::Neutral),
    ];
    ui.horizontal_wrapped(|ui| {
        for (label, n, sem) in tiles {
            egui::Frame::new()
                .fill(sem.fill(ui.visuals().dark_mode))
                .corner_radius(theme::RADIUS)
                .inner_margin(egui::Margin::symmetric(14, 8))
                .show(ui, |ui| {
                    ui.set_min_width(96.0);
                    ui.vertical(|ui| {
                        ui.label(
                            RichText::new(n.to_string())
                                .size(24.0)
                                .strong()
                                .color(sem.in_ui(ui)),
                        );
                        ui.label(RichText::new(label).small());
                    });
                });
        }
    });
}

fn retention_ui(ui: &mut egui::Ui, p: &SrsProgress, now: chrono::DateTime<Utc>) {
    let month = stats::true_retention(p, now - Duration::days(30));
    let all = stats::true_retention(p, chrono::DateTime::<Utc>::MIN_UTC);
    let line = |r: stats::Retention| match r.rate() {
        Some(rate) => format!(
            "{:.1} % ({} of {} review{})",
            rate * 100.0,
            r.passed,
            r.total,
            plural(r.total as usize)
        ),
        None => match first_review_due(p) {
            Some(due) if due > now => format!(
                "none yet: the first card in Review state comes back in {}",
                super::interval_label(due - now)
            ),
            Some(_) => "none yet: a card in Review state is due now".to_owned(),
            None => "none yet: it counts cards that have left learning".to_owned(),
        },
    };
    egui::Grid::new("retention")
        .num_columns(2)
        .spacing([theme::SPACE_L, theme::SPACE_XS])
        .show(ui, |ui| {
            ui.label(RichText::new("True retention, last 30 days").strong());
            ui.label(line(month));
            ui.end_row();
            ui.label(RichText::new("True retention, all time").strong());
            ui.label(line(all));
            ui.end_row();
            ui.label(RichText::new("Target").strong());
            ui.label(format!("{:.0} %", p.settings.desired_retention * 100.0));
            ui.end_row();
        });
    ui.label(
        RichText::new("True retention counts answers to cards in Review state that were not Again: how much you really remembered after days away.")
            .small()
            .color(ui.visuals().weak_text_color()),
    );
}

/// When the earliest card in Review state falls due: its answer is the first that counts
/// for true retention.
fn first_review_due(p: &SrsProgress) -> Option<chrono::DateTime<Utc>> {
    p.cards
        .values()
        .filter(|c| c.state == crate::srs::State::Review)
        .filter_map(|c| c.due)
        .min()
}

/// A day offset from today (0) as a short date for the x axis.
fn day_label(today: NaiveDate, offset: f64) -> String {
    if offset.fract().abs() > 1e-6 {
        return String::new();
    }
    (today + Duration::days(offset as i64))
        .format("%b %-d")
        .to_string()
}

/// A chart of card counts per day, from 0 to at least `tallest` with head room: never a
/// negative axis, and about four labelled whole-number ticks.
fn day_chart(id: &str, today: NaiveDate, tallest: f64) -> Plot<'static> {
    Plot::new(id.to_owned())
        .height(190.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .include_y(0.0)
        .include_y((tallest * 1.15).max(4.0))
        .y_grid_spacer(sim_plot::round_steps(true))
        .y_axis_formatter(|mark, _| {
            if mark.value >= 0.0 && mark.value.fract().abs() < 1e-6 {
                format!("{:.0}", mark.value)
            } else {
                String::new()
            }
        })
        .x_axis_label("day")
        .y_axis_label("cards")
        .x_axis_formatter(move |mark, _| day_label(today, mark.value))
}

/// The legend as a row of swatches above the chart, so it never covers a bar.
fn legend_row_ui(ui: &mut egui::Ui, entries: &[(String, egui::Color32)]) {
    ui.horizontal_wrapped(|ui| {
        for (name, colour) in entries {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, *colour);
            ui.label(RichText::new(name).small());
            ui.add_space(theme::SPACE_S);
        }
    });
}

fn answers_chart_ui(ui: &mut egui::Ui, p: &SrsProgress, now: chrono::DateTime<Utc>) {
    let today = stats::day_before(p, now, 0);
    let per_day = stats::answers_per_day(p);
    let mut charts: Vec<BarChart> = Vec::new();
    for (i, rating) in Rating::ALL.into_iter().enumerate() {
        let bars = (0..CHART_DAYS)
            .map(|back| {
                let day = today - Duration::days(back);
                let n = per_day.get(&day).map_or(0, |d| d[i]);
                Bar::new(-(back as f64), f64::from(n)).width(0.8)
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(format!("{} {}", rating.number(), rating.label()), bars)
            .color(rating_semantic(rating).in_ui(ui))
            .stack_on(&refs);
        charts.push(chart);
    }
    // Stacked bars report only their own height to the plot's auto-bounds, so the axis
    // is sized from the day totals instead.
    let tallest = (0..CHART_DAYS)
        .filter_map(|back| per_day.get(&(today - Duration::days(back))))
        .map(|d| d.iter().map(|&n| f64::from(n)).sum::<f64>())
        .fold(1.0, f64::max);
    let legend: Vec<(String, egui::Color32)> = Rating::ALL
        .into_iter()
        .map(|r| {
            (
                format!("{} {}", r.number(), r.label()),
                rating_semantic(r).in_ui(ui),
            )
        })
        .collect();
    legend_row_ui(ui, &legend);
    day_chart("srs-answers", today, tallest).show(ui, |plot| {
        for chart in charts {
            plot.bar_chart(chart);
        }
    });
}

fn forecast_chart_ui(
    ui: &mut egui::Ui,
    p: &SrsProgress,
    cards: &[Card],
    now: chrono::DateTime<Utc>,
) {
    let today = stats::day_before(p, now, 0);
    let counts = stats::forecast(p, cards, now, CHART_DAYS as usize);
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, n)| Bar::new(i as f64, f64::from(*n)).width(0.8))
        .collect();
    let tallest = counts.iter().copied().max().map_or(0.0, f64::from);
    let chart = BarChart::new("due", bars).color(Semantic::Slow.in_ui(ui));
    day_chart("srs-forecast", today, tallest).show(ui, |plot| plot.bar_chart(chart));
}

/// The calendar of answers per day.
fn heatmap_ui(ui: &mut egui::Ui, p: &SrsProgress, now: chrono::DateTime<Utc>) {
    let today = stats::day_before(p, now, 0);
    let per_day = stats::answers_per_day(p);
    calendar::calendar_ui(ui, today, HEATMAP_WEEKS, "answer", &|d: NaiveDate| {
        per_day.get(&d).map_or(0, |r| r.iter().sum::<u32>())
    });
}

/// Returns true when a setting changed and should be saved.
fn settings_ui(ui: &mut egui::Ui, s: &mut crate::srs::SrsSettings) -> bool {
    let mut save = false;
    egui::Grid::new("srs-settings").num_columns(2).spacing([theme::SPACE_L, theme::SPACE_S]).show(ui, |ui| {
        ui.label("Desired retention");
        let r = ui
            .add(egui::Slider::new(&mut s.desired_retention, 0.70..=0.97).fixed_decimals(2))
            .on_hover_text("How likely you should be to remember a card when it comes back. Higher means more reviews.");
        save |= r.drag_stopped() || (r.changed() && !r.dragged());
        ui.end_row();
        ui.label("New cards per day");
        save |= ui.add(egui::DragValue::new(&mut s.new_per_day).range(0..=500)).changed();
        ui.end_row();
        ui.label("Maximum reviews per day");
        save |= ui
            .add(egui::DragValue::new(&mut s.max_reviews_per_day).range(1..=9999))
            .on_hover_text("Counts new cards too, reviews first: on a heavy day no new cards are added.")
            .changed();
        ui.end_row();
        ui.label("Next day starts at");
        save |= ui
            .add(egui::DragValue::new(&mut s.day_start_hour).range(0..=23).suffix(":00"))
            .on_hover_text("Local time. Reviews after midnight but before this hour count for the day before.")
            .changed();
        ui.end_row();
        ui.label("New cards");
        save |= ui
            .checkbox(&mut s.new_from_read_sections, "New cards only from sections I have read")
            .on_hover_text("A section counts as read once you reach its end. Your own cards always come.")
            .changed();
        ui.end_row();
    });
    save
}
