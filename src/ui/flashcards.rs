//! The flashcard review screen.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct FlashcardsScreen;

impl FlashcardsScreen {
    /// Whether cards with this tag can be reviewed (lesson sections link here).
    pub fn supports_tag(&self, _tag: &str) -> bool {
        false
    }

    /// Starts reviewing cards with this tag.
    pub fn open_tag(&mut self, _tag: &str) {}

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        super::coming_soon_ui(
            ui,
            "Flashcards",
            "Spaced-repetition review of every idea in the lesson, scheduled with FSRS-6: \
             cards come back just before you would forget them.",
        );
    }
}
