//! Equal cards in rows that fill the width, each in a rect of its own, so a long label
//! can never push a neighbour out of line or off the window (Home's tiles and mastery map).

use egui::{Rect, Sense, UiBuilder};

use crate::ui::theme;

/// Lays out `count` cells of `height`, as many columns as fit at `min_width` (at most
/// `max_columns`), and draws cell `i` with `cell(ui, i)` inside a framed, clickable card.
/// Returns the clicked cell, if any.
pub fn card_grid(
    ui: &mut egui::Ui,
    id: &str,
    count: usize,
    min_width: f32,
    max_columns: usize,
    height: f32,
    mut cell: impl FnMut(&mut egui::Ui, usize) -> CardStyle,
) -> Option<usize> {
    let gap = theme::SPACE_S;
    let width = ui.available_width();
    let columns = (((width + gap) / (min_width + gap)).floor() as usize).clamp(1, max_columns);
    let cell_width = (width - gap * (columns as f32 - 1.0)) / columns as f32;
    let rows = count.div_ceil(columns);
    let total = egui::vec2(width, rows as f32 * (height + gap) - gap);
    let (area, _) = ui.allocate_exact_size(total.max(egui::Vec2::ZERO), Sense::hover());
    let mut clicked = None;
    for i in 0..count {
        let (row, col) = (i / columns, i % columns);
        let rect = Rect::from_min_size(
            area.min + egui::vec2(col as f32 * (cell_width + gap), row as f32 * (height + gap)),
            egui::vec2(cell_width, height),
        );
        let response = ui.interact(rect, ui.make_persistent_id((id, i)), Sense::click());
        let hovered = response.hovered();
        let painter = ui.painter().clone();
        let mut inner = ui.new_child(
            UiBuilder::new()
                .max_rect(rect.shrink(theme::SPACE_S))
                .layout(egui::Layout::top_down(egui::Align::Min)),
        );
        // Draw the content first to learn its style, then the card beneath it.
        let where_fill = painter.add(egui::Shape::Noop);
        let style = cell(&mut inner, i);
        let stroke = if hovered && style.clickable {
            ui.visuals().widgets.hovered.bg_stroke
        } else {
            ui.visuals().widgets.noninteractive.bg_stroke
        };
        painter.set(
            where_fill,
            egui::epaint::RectShape::new(
                rect,
                theme::RADIUS,
                style.fill.unwrap_or(ui.visuals().faint_bg_color),
                stroke,
                egui::StrokeKind::Inside,
            ),
        );
        if style.clickable {
            let response = response.on_hover_cursor(egui::CursorIcon::PointingHand);
            let response = match &style.tooltip {
                Some(text) => response.on_hover_text(text),
                None => response,
            };
            let label = style.label.clone();
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if response.clicked() {
                clicked = Some(i);
            }
        }
    }
    clicked
}

/// How a card of the grid looks and behaves, returned by its drawing closure.
#[derive(Debug, Clone, Default)]
pub struct CardStyle {
    /// The background; the panel's faint fill when `None`.
    pub fill: Option<egui::Color32>,
    pub clickable: bool,
    /// The accessible name of a clickable card.
    pub label: String,
    pub tooltip: Option<String>,
}
