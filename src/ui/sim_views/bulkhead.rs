//! The bulkheads simulation view.

use crate::app::Shared;

#[derive(Debug, Default)]
pub struct BulkheadView;

impl BulkheadView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = false;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        crate::ui::coming_soon_ui(
            ui,
            "Bulkheads",
            "One shared pool against partitioned pools while the report query turns slow: who starves, who keeps serving.",
        );
    }
}
