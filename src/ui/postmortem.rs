//! The post-mortem workbook page.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct PostMortemScreen;

impl PostMortemScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        super::coming_soon_ui(
            ui,
            "Post-mortem workbook",
            "Here you will write up an incident the way a blameless team does: summary, \
             timeline, impact, five whys, root cause, the process gap, and action items with \
             owners. Your write-up is saved with your progress, exports as Markdown, and can \
             be compared with a model answer once you have written your own.",
        );
    }
}
