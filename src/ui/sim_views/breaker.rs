//! The circuit breaker simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct BreakerView;

impl BreakerView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Circuit breaker",
            "resilience4j's breaker between callers and a flaky dependency: states, sliding window, failure and slow-call rates, with and without the breaker on the same seed.",
        );
    }
}
