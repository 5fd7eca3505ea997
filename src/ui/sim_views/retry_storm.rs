//! The retry storms simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct RetryStormView;

impl RetryStormView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Retry storms",
            "A service recovering from an outage while clients retry, with and without a retry budget.",
        );
    }
}
