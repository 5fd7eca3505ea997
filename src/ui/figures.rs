//! Figures drawn by the app inside lesson text (see `content::figures::KNOWN`).

use super::theme::{self, Semantic};

/// Draws the figure `name` at the reading width.
pub fn figure_ui(ui: &mut egui::Ui, name: &str) {
    match name {
        "breaker-states" => breaker_states_ui(ui),
        other => {
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("Unknown figure `{other}`"),
            );
        }
    }
}

/// The breaker's three states in a row with their transitions.
fn breaker_states_ui(ui: &mut egui::Ui) {
    let width = ui.available_width().min(theme::READING_WIDTH);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 120.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let dark = ui.visuals().dark_mode;
    let states = [
        ("CLOSED", Semantic::Healthy),
        ("OPEN", Semantic::Rejected),
        ("HALF-OPEN", Semantic::Waiting),
    ];
    let box_size = egui::vec2(130.0, 48.0);
    let centres: Vec<egui::Pos2> = (0..3)
        .map(|i| {
            egui::pos2(
                rect.left() + width * (0.18 + 0.32 * i as f32),
                rect.center().y,
            )
        })
        .collect();
    for ((label, sem), centre) in states.iter().zip(&centres) {
        let r = egui::Rect::from_center_size(*centre, box_size);
        painter.rect(
            r,
            theme::RADIUS,
            sem.fill(dark),
            egui::Stroke::new(2.0, sem.color(dark)),
            egui::StrokeKind::Inside,
        );
        painter.text(
            *centre,
            egui::Align2::CENTER_CENTER,
            *label,
            egui::FontId::proportional(15.0),
            ui.visuals().strong_text_color(),
        );
    }
    let stroke = egui::Stroke::new(1.5, ui.visuals().text_color());
    for pair in centres.windows(2) {
        let from = pair[0] + egui::vec2(box_size.x / 2.0 + 4.0, 0.0);
        let to = pair[1] - egui::vec2(box_size.x / 2.0 + 4.0, 0.0);
        painter.arrow(from, to - from, stroke);
    }
}
