//! The cascading timeouts simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct CascadeView;

impl CascadeView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Cascading timeouts",
            "Browser, load balancer, app and database with their own timeouts: a slow query, inverted budgets, and deadline propagation.",
        );
    }
}
