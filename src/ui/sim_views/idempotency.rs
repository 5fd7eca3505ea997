//! The idempotency keys simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct IdempotencyView;

impl IdempotencyView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Idempotency keys",
            "Payments over a lossy network with retries: the ledger with and without idempotency keys, and the check-then-insert race.",
        );
    }
}
