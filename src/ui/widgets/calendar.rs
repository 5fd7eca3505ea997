//! A calendar heatmap: weeks as columns (oldest left), weekdays as rows, a darker square
//! for more of whatever is counted. The flashcard statistics count answers; the Progress
//! screen counts study of every kind.

use chrono::{Datelike, Duration, NaiveDate};
use egui::Sense;

use crate::ui::theme::Semantic;

/// Draws `weeks` weeks up to `today`, each day shaded by `count(day)`; `unit` names what
/// is counted ("answer"), for the tooltip.
pub fn calendar_ui(
    ui: &mut egui::Ui,
    today: NaiveDate,
    weeks: i64,
    unit: &str,
    count: &dyn Fn(NaiveDate) -> u32,
) {
    let monday_of_this_week =
        today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = monday_of_this_week - Duration::weeks(weeks - 1);
    let max = (0..weeks * 7)
        .map(|i| count(first + Duration::days(i)))
        .max()
        .unwrap_or(0)
        .max(1);

    let cell = 13.0;
    let gap = 3.0;
    let left = 30.0;
    let top = 16.0;
    let size = egui::vec2(
        left + weeks as f32 * (cell + gap) + 24.0,
        top + 7.0 * (cell + gap) + 22.0,
    );
    let (response, painter) = ui.allocate_painter(size, Sense::hover());
    let origin = response.rect.min;
    let dark = ui.visuals().dark_mode;
    let weak = ui.visuals().weak_text_color();
    let font = egui::FontId::proportional(11.0);
    for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
        let y = origin.y + top + row as f32 * (cell + gap) + cell / 2.0;
        painter.text(
            egui::pos2(origin.x, y),
            egui::Align2::LEFT_CENTER,
            name,
            font.clone(),
            weak,
        );
    }
    let mut hovered = None;
    for week in 0..weeks {
        let x = origin.x + left + week as f32 * (cell + gap);
        let week_start = first + Duration::weeks(week);
        // A month is named above the week that holds its first day, so the current month
        // is named even when it began on a Tuesday.
        if let Some(first_of_month) = (0..7)
            .map(|d| week_start + Duration::days(d))
            .find(|d| d.day() == 1)
        {
            painter.text(
                egui::pos2(x, origin.y),
                egui::Align2::LEFT_TOP,
                first_of_month.format("%b").to_string(),
                font.clone(),
                weak,
            );
        }
        for row in 0..7 {
            let day = week_start + Duration::days(row);
            if day > today {
                continue;
            }
            let rect = egui::Rect::from_min_size(
                egui::pos2(x, origin.y + top + row as f32 * (cell + gap)),
                egui::vec2(cell, cell),
            );
            let n = count(day);
            let fill = if n == 0 {
                Semantic::Neutral.fill(dark)
            } else {
                shade(Semantic::Healthy.color(dark), n, max)
            };
            painter.rect_filled(rect, 2.0, fill);
            if day == today {
                painter.rect_stroke(
                    rect,
                    2.0,
                    egui::Stroke::new(1.5, Semantic::Accent.color(dark)),
                    egui::StrokeKind::Outside,
                );
            }
            if response.hover_pos().is_some_and(|pos| rect.contains(pos)) {
                hovered = Some((day, n));
            }
        }
    }
    // Legend: less to more.
    let ly = origin.y + top + 7.0 * (cell + gap) + 4.0;
    let mut lx = origin.x + left;
    painter.text(
        egui::pos2(lx, ly + cell / 2.0),
        egui::Align2::LEFT_CENTER,
        "less",
        font.clone(),
        weak,
    );
    lx += 30.0;
    for step in [0, 1, 2, 3, 4] {
        let fill = if step == 0 {
            Semantic::Neutral.fill(dark)
        } else {
            shade(Semantic::Healthy.color(dark), step, 4)
        };
        painter.rect_filled(
            egui::Rect::from_min_size(egui::pos2(lx, ly), egui::vec2(cell, cell)),
            2.0,
            fill,
        );
        lx += cell + gap;
    }
    painter.text(
        egui::pos2(lx + 2.0, ly + cell / 2.0),
        egui::Align2::LEFT_CENTER,
        "more",
        font,
        weak,
    );
    if let Some((day, n)) = hovered {
        let s = if n == 1 { "" } else { "s" };
        response.on_hover_text_at_pointer(format!("{}: {n} {unit}{s}", day.format("%a %-d %b %Y")));
    }
}

/// The colour at `n` of `max`, from faint to full.
fn shade(colour: egui::Color32, n: u32, max: u32) -> egui::Color32 {
    let t = 0.25 + 0.75 * (f64::from(n) / f64::from(max.max(1))).min(1.0);
    let alpha = (t * 255.0) as u8;
    egui::Color32::from_rgba_unmultiplied(colour.r(), colour.g(), colour.b(), alpha)
}
