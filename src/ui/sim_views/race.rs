//! The the last ticket simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct RaceView;

impl RaceView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "The last ticket",
            "Buyers racing for the last ticket, step by step: every interleaving, where check-then-act oversells, and the fixes that never do.",
        );
    }
}
