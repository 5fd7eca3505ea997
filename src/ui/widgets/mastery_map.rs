//! The mastery map: one cell per pattern (lesson section) showing its level, with the
//! figures behind it in the tooltip; a click opens the section.

use egui::{RichText, Sense};

use super::card_grid::{CardStyle, card_grid};

use crate::progress::{Level, PatternMastery};
use crate::ui::state::{Nav, SectionRef};
use crate::ui::theme::{self, Semantic};

/// Narrowest a cell may be before the map uses fewer columns.
const CELL_MIN_WIDTH: f32 = 220.0;
const CELL_HEIGHT: f32 = 78.0;

/// How strongly a level tints its cell: darker for more mastery.
fn tint(level: Level) -> f32 {
    match level {
        Level::Unseen => 0.0,
        Level::Started => 0.12,
        Level::Practised => 0.24,
        Level::Retained => 0.38,
        Level::Mastered => 0.55,
    }
}

/// The cell fill for a level: the healthy hue over the panel, so text stays readable.
pub fn level_fill(ui: &egui::Ui, level: Level) -> egui::Color32 {
    let dark = ui.visuals().dark_mode;
    let base = ui.visuals().extreme_bg_color;
    if level == Level::Unseen {
        return base;
    }
    base.lerp_to_gamma(Semantic::Healthy.color(dark), tint(level))
}

/// Draws the map; returns where a clicked cell leads.
pub fn mastery_map_ui(ui: &mut egui::Ui, patterns: &[PatternMastery]) -> Option<Nav> {
    let clicked = card_grid(
        ui,
        "mastery-map",
        patterns.len(),
        CELL_MIN_WIDTH,
        4,
        CELL_HEIGHT,
        |ui, i| {
            let p = &patterns[i];
            ui.spacing_mut().item_spacing.y = 3.0;
            ui.add(
                egui::Label::new(RichText::new(format!("{}. {}", p.number, p.title)).strong())
                    .truncate(),
            );
            ui.horizontal(|ui| {
                pips_ui(ui, p.level);
                ui.label(RichText::new(p.level.label()).small());
            });
            ui.add(egui::Label::new(RichText::new(figures_line(p)).small()).truncate());
            CardStyle {
                fill: Some(level_fill(ui, p.level)),
                clickable: true,
                label: format!("{}. {}: {}", p.number, p.title, p.level.label()),
                tooltip: Some(details(p)),
            }
        },
    );
    ui.add_space(theme::SPACE_S);
    legend_ui(ui);
    clicked.map(|i| {
        let p = &patterns[i];
        Nav::Section(
            SectionRef {
                pack: p.pack.clone(),
                section: p.id.clone(),
            },
            None,
        )
    })
}

/// Four pips, one per level above unseen, filled up to the pattern's level.
fn pips_ui(ui: &mut egui::Ui, level: Level) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(4.0 * 12.0, 10.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let dark = ui.visuals().dark_mode;
    for (i, step) in Level::ALL[1..].iter().enumerate() {
        let r = egui::Rect::from_min_size(
            rect.min + egui::vec2(i as f32 * 12.0, 0.0),
            egui::vec2(9.0, 9.0),
        );
        if level >= *step {
            painter.rect_filled(r, 2.0, Semantic::Healthy.color(dark));
        } else {
            painter.rect_stroke(
                r,
                2.0,
                egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
                egui::StrokeKind::Inside,
            );
        }
    }
}

/// The cell's one line of figures.
fn figures_line(p: &PatternMastery) -> String {
    let mut parts = Vec::new();
    if p.section_read {
        parts.push("read ✔".to_owned());
    }
    if p.cards.total > 0 {
        parts.push(format!(
            "cards {}\u{a0}/\u{a0}{}",
            p.cards.learned, p.cards.total
        ));
    }
    if let Some(r) = p.cards.retrievability {
        parts.push(format!("recall {:.0}\u{a0}%", r * 100.0));
    }
    if p.exercises.total > 0 {
        parts.push(format!(
            "ex {}\u{a0}/\u{a0}{}",
            p.exercises.passed, p.exercises.total
        ));
    }
    if p.drills.total > 0 {
        parts.push(format!(
            "drills {}\u{a0}/\u{a0}{}",
            p.drills.done, p.drills.total
        ));
    }
    if parts.is_empty() {
        "not started".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// Every figure behind the level, for the tooltip.
fn details(p: &PatternMastery) -> String {
    let c = &p.cards;
    let recall = c
        .retrievability
        .map_or("no card answered yet".to_owned(), |r| {
            format!("{:.0}\u{a0}% expected recall now", r * 100.0)
        });
    let mut lines = vec![
        format!("{}: {}", p.level.label(), p.level.meaning()),
        format!(
            "Section read: {}",
            if p.section_read { "yes" } else { "no" }
        ),
        format!(
            "Cards: {} learned, {} lasting a week, {} mature of {}; {recall}",
            c.learned, c.lasting, c.mature, c.total
        ),
    ];
    if p.exercises.total > 0 {
        lines.push(format!(
            "Exercises: {} of {} passed, {} of {} points",
            p.exercises.passed, p.exercises.total, p.exercises.points, p.exercises.max_points
        ));
    }
    if p.simulations.total > 0 {
        lines.push(format!(
            "Simulations opened: {} of {}; guided steps done: {}",
            p.simulations.done, p.simulations.total, p.guided_steps_done
        ));
    }
    if p.predict.total > 0 {
        lines.push(format!(
            "Predict cards right: {} of {}",
            p.predict.done, p.predict.total
        ));
    }
    if p.drills.total > 0 {
        lines.push(format!(
            "Incident drills passed: {} of {} (the section links to them)",
            p.drills.done, p.drills.total
        ));
    }
    lines.push("Click to open the section".to_owned());
    lines.join("\n")
}

/// The five levels, from none to full.
fn legend_ui(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new("Levels:")
                .small()
                .color(ui.visuals().weak_text_color()),
        );
        for level in Level::ALL {
            let fill = level_fill(ui, level);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), Sense::hover());
            ui.painter().rect_filled(rect, 3.0, fill);
            ui.painter().rect_stroke(
                rect,
                3.0,
                ui.visuals().widgets.noninteractive.bg_stroke,
                egui::StrokeKind::Inside,
            );
            ui.label(RichText::new(level.label()).small())
                .on_hover_text(level.meaning());
        }
    });
}
