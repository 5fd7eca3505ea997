//! Pools drawn as grids of slots: one rounded square per permit or thread, filled with the
//! colour of what occupies it, plus a queue of waiting requests as a row of dots. Used by
//! the breaker (caller threads) and bulkhead (pools) views.

use crate::ui::theme::{self, Semantic};

const SLOT: f32 = 14.0;
const GAP: f32 = 3.0;

/// Draws `slots` (one entry per slot: `Some(meaning)` when occupied) wrapped at the
/// available width, at most `max_columns` per row.
pub fn slot_grid_ui(ui: &mut egui::Ui, slots: &[Option<Semantic>], max_columns: usize) {
    marked_slot_grid_ui(ui, slots, max_columns, None);
}

/// [`slot_grid_ui`] with slot `mark` outlined in the accent colour: the slot where
/// something starts to count (a breaker's minimum number of calls).
pub fn marked_slot_grid_ui(
    ui: &mut egui::Ui,
    slots: &[Option<Semantic>],
    max_columns: usize,
    mark: Option<usize>,
) {
    let dark = ui.visuals().dark_mode;
    let fit = ((ui.available_width() + GAP) / (SLOT + GAP))
        .floor()
        .max(1.0) as usize;
    let columns = fit.min(max_columns.max(1)).min(slots.len().max(1));
    let rows = slots.len().div_ceil(columns).max(1);
    let size = egui::vec2(
        columns as f32 * (SLOT + GAP) - GAP,
        rows as f32 * (SLOT + GAP) - GAP,
    );
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let idle = Semantic::Neutral.color(dark);
    for (i, slot) in slots.iter().enumerate() {
        let (row, col) = (i / columns, i % columns);
        let min = rect.min + egui::vec2(col as f32 * (SLOT + GAP), row as f32 * (SLOT + GAP));
        let r = egui::Rect::from_min_size(min, egui::vec2(SLOT, SLOT));
        match slot {
            Some(meaning) => {
                painter.rect_filled(r, 3.0, meaning.color(dark));
            }
            None => {
                painter.rect_stroke(
                    r.shrink(0.5),
                    3.0,
                    egui::Stroke::new(1.0, idle),
                    egui::StrokeKind::Inside,
                );
            }
        }
        if mark == Some(i) {
            painter.rect_stroke(
                r.expand(1.0),
                4.0,
                egui::Stroke::new(2.0, Semantic::Accent.color(dark)),
                egui::StrokeKind::Outside,
            );
        }
    }
}

/// A legend swatch for the marked slot of [`marked_slot_grid_ui`].
pub fn mark_swatch_ui(ui: &mut egui::Ui, label: &str) {
    let dark = ui.visuals().dark_mode;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_stroke(
        rect,
        2.0,
        egui::Stroke::new(2.0, Semantic::Accent.color(dark)),
        egui::StrokeKind::Inside,
    );
    ui.label(egui::RichText::new(label).small());
}

/// A queue of waiting requests, first in line on the left, at most `shown` dots and a
/// count for the rest.
pub fn queue_ui(ui: &mut egui::Ui, waiting: &[Semantic], shown: usize) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = theme::SPACE_XS;
        if waiting.is_empty() {
            ui.weak("queue empty");
            return;
        }
        let n = waiting.len().min(shown);
        let (rect, _) = ui.allocate_exact_size(
            egui::vec2(n as f32 * (SLOT * 0.7 + GAP), SLOT),
            egui::Sense::hover(),
        );
        let painter = ui.painter_at(rect);
        for (i, m) in waiting.iter().take(n).enumerate() {
            let c =
                rect.left_center() + egui::vec2(i as f32 * (SLOT * 0.7 + GAP) + SLOT * 0.35, 0.0);
            painter.circle_filled(c, SLOT * 0.3, m.color(dark));
        }
        if waiting.len() > n {
            ui.weak(format!("+{} more", waiting.len() - n));
        }
    });
}

/// A small coloured swatch and its label, for legends under diagrams.
pub fn swatch_ui(ui: &mut egui::Ui, meaning: Semantic, label: &str) {
    let dark = ui.visuals().dark_mode;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, meaning.color(dark));
    ui.label(egui::RichText::new(label).small());
}
