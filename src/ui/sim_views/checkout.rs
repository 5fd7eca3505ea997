//! The checkout during an outage simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct CheckoutView;

impl CheckoutView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Checkout during an outage",
            "Orders saved as pending, charges through a breaker, a queue and a worker retrying with backoff while the payment gateway is down.",
        );
    }
}
