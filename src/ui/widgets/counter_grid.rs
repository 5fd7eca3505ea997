//! Counters of a simulation run (charges, duplicates, paid orders...) in a grid of as
//! many columns as fit, each value coloured by what it means.

use crate::ui::theme::{self, Semantic};

/// One counter: its name, its value, the colour of its meaning and a hover explanation.
pub type Counter<'a> = (&'a str, u32, Semantic, &'a str);

/// The colour of a counter that should stay at zero (double charges, lost orders).
pub fn failing_if_any(n: u32) -> Semantic {
    if n > 0 {
        Semantic::Failing
    } else {
        Semantic::Healthy
    }
}

/// Counters in as many columns as fit the width.
pub fn counter_grid(ui: &mut egui::Ui, id: &str, items: &[Counter<'_>]) {
    let per_row = ((ui.available_width() / 240.0).floor() as usize).clamp(1, 4);
    egui::Grid::new(id)
        .num_columns(per_row * 2)
        .spacing(egui::vec2(theme::SPACE_M, theme::SPACE_XS))
        .show(ui, |ui| {
            for (i, (name, value, meaning, hint)) in items.iter().enumerate() {
                ui.label(
                    egui::RichText::new(value.to_string())
                        .strong()
                        .color(meaning.in_ui(ui)),
                );
                ui.label(*name).on_hover_text(*hint);
                if i % per_row == per_row - 1 {
                    ui.end_row();
                }
            }
        });
}
