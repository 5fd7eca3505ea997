//! Rows of a two-column settings grid (label with a tooltip, then a slider), so every
//! simulation exposes its config values the same way.

use crate::sim::engine::Latency;

/// A labelled slider row; `log` for ranges spanning orders of magnitude. Returns whether
/// the value changed.
pub fn slider_row<T: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    tip: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    suffix: &str,
    log: bool,
) -> bool {
    ui.label(label).on_hover_text(tip);
    let changed = ui
        .add(
            egui::Slider::new(value, range)
                .logarithmic(log)
                .suffix(suffix),
        )
        .changed();
    ui.end_row();
    changed
}

/// Edits a latency distribution through its median; a log-normal keeps its spread, any
/// other distribution becomes a log-normal with a moderate one.
pub fn median_row(ui: &mut egui::Ui, label: &str, latency: &mut Latency) -> bool {
    ui.label(label)
        .on_hover_text("median of a log-normal service time");
    let (mut median, sigma) = match &*latency {
        Latency::LogNormal { median, sigma } => (*median, *sigma),
        other => (other.mean(), 0.3),
    };
    let changed = ui
        .add(
            egui::Slider::new(&mut median, 1.0..=60_000.0)
                .logarithmic(true)
                .suffix(" ms"),
        )
        .changed();
    if changed {
        *latency = Latency::LogNormal { median, sigma };
    }
    ui.end_row();
    changed
}
