//! The exercise screen: list, editor, check, results, hints and solution.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct ExercisesScreen;

impl ExercisesScreen {
    /// Whether the exercise with this id can be opened (lesson sections link here).
    pub fn supports(&self, _id: &str) -> bool {
        false
    }

    /// Selects the exercise with this id.
    pub fn open(&mut self, _id: &str) {}

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        super::coming_soon_ui(
            ui,
            "Exercises",
            "Graded Rust exercises for each pattern, checked by the built-in test runner: \
             write the code, press Check, see which hidden tests pass.",
        );
    }
}
