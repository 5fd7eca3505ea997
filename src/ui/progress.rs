//! The progress screen: how far the learner is through each lesson (and, as features
//! land, exercises and cards).

use super::theme::{self, Semantic};
use crate::ui::state::Shared;

#[derive(Debug, Default)]
pub struct ProgressScreen;

impl ProgressScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.add_space(theme::SPACE_L);
                ui.heading("Your progress");
                ui.add_space(theme::SPACE_M);
                for pack in &shared.library.packs {
                    let total = pack.sections.len();
                    let read = pack
                        .sections
                        .iter()
                        .filter(|s| shared.store.progress.lessons.is_read(&pack.id, &s.id))
                        .count();
                    ui.label(egui::RichText::new(&pack.title).strong());
                    ui.add(
                        egui::ProgressBar::new(read as f32 / total.max(1) as f32)
                            .desired_width(theme::READING_WIDTH)
                            .fill(Semantic::Healthy.in_ui(ui))
                            .text(format!("{read} of {total} sections read")),
                    );
                    ui.add_space(theme::SPACE_M);
                }
                ui.add_space(theme::SPACE_S);
                ui.label(
                    egui::RichText::new(format!(
                        "Progress is saved in {}",
                        shared.store.path().display()
                    ))
                    .small()
                    .color(ui.visuals().weak_text_color()),
                );
            });
    }
}
