//! The retries with backoff and jitter simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct BackoffView;

impl BackoffView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Retries with backoff and jitter",
            "Brooker's contention model: how much work clients do and how long they take under none, exponential, full, equal and decorrelated jitter.",
        );
    }
}
