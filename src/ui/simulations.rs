//! The simulations screen: a list of simulations and the selected one's view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct SimulationsScreen;

impl SimulationsScreen {
    /// Whether the simulation with this id can be opened (lesson sections link here).
    pub fn supports(&self, _id: &str) -> bool {
        false
    }

    /// Selects the simulation with this id.
    pub fn open(&mut self, _id: &str) {}

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        super::coming_soon_ui(
            ui,
            "Simulations",
            "Live, seeded models of each pattern — circuit breaker, bulkheads, race \
             timelines, retries with jitter, cascading timeouts, idempotency keys — that you \
             can play, pause, step and break on purpose.",
        );
    }
}
