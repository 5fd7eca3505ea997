//! The simulations screen: the list of simulations (title, one line on each, and a mark
//! once visited) and the selected one's page.

use super::sim_page::{Page, SimPage};
use super::sim_views;
use super::theme::{self, Semantic};
use crate::content::guided::{self, GuidedSteps};
use crate::sim::catalog;
use crate::ui::state::Shared;

#[derive(Debug)]
pub struct SimulationsScreen {
    selected: usize,
    /// One page per simulation, in `catalog::SIMULATIONS` order.
    pages: Vec<Box<dyn Page>>,
    /// The lesson packs' guided steps, loaded when the screen is first drawn (their
    /// checks against the models are `workbook validate`'s).
    steps: Option<GuidedSteps>,
}

impl Default for SimulationsScreen {
    fn default() -> Self {
        let pages: Vec<Box<dyn Page>> = vec![
            Box::new(SimPage::new(sim_views::breaker::BreakerView::default())),
            Box::new(SimPage::new(sim_views::bulkhead::BulkheadView::default())),
            Box::new(SimPage::new(sim_views::race::RaceView::default())),
            Box::new(SimPage::new(
                sim_views::idempotency::IdempotencyView::default(),
            )),
            Box::new(SimPage::new(sim_views::checkout::CheckoutView::default())),
            Box::new(SimPage::new(sim_views::backoff::BackoffView::default())),
            Box::new(SimPage::new(
                sim_views::retry_storm::RetryStormView::default(),
            )),
            Box::new(SimPage::new(sim_views::cascade::CascadeView::default())),
            Box::new(SimPage::new(sim_views::retries::RetriesView::default())),
            Box::new(SimPage::new(sim_views::collapse::CollapseView::default())),
        ];
        debug_assert!(
            pages
                .iter()
                .zip(&catalog::SIMULATIONS)
                .all(|(p, s)| p.info().id == s.id)
        );
        Self {
            selected: 0,
            pages,
            steps: None,
        }
    }
}

impl SimulationsScreen {
    /// Whether the simulation with this id can be opened (lesson sections link here).
    pub fn supports(&self, id: &str) -> bool {
        self.pages.iter().any(|p| p.info().id == id)
    }

    /// Opens the simulation with this id as a lesson link does: at its first preset, at
    /// t = 0, paused.
    pub fn open(&mut self, id: &str) {
        if let Some(i) = self.pages.iter().position(|p| p.info().id == id) {
            self.selected = i;
            self.pages[i].open_fresh();
        }
    }

    /// Opens the simulation with this id at `preset` and the moment `at` on its clock,
    /// paused ("Show me" from a predict card).
    pub fn open_at(&mut self, id: &str, preset: &str, at: f64) {
        if let Some(i) = self.pages.iter().position(|p| p.info().id == id) {
            self.selected = i;
            self.pages[i].open_at(preset, at);
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        let id = self.pages[self.selected].info().id;
        if !shared.store.progress.sims.opened.contains(id)
            && shared.store.progress.sims.mark_opened(id)
        {
            shared.save();
        }
        egui::Panel::left("simulation-list")
            .resizable(false)
            .exact_size(list_width(ui))
            .show(ui, |ui| {
                ui.add_space(theme::SPACE_S);
                ui.label(egui::RichText::new("Simulations").strong());
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for (i, page) in self.pages.iter().enumerate() {
                        let info = page.info();
                        let visited = shared.store.progress.sims.opened.contains(info.id);
                        if entry_ui(ui, info, i == self.selected, visited) {
                            self.selected = i;
                        }
                    }
                });
            });
        let steps = self.steps.get_or_insert_with(|| {
            guided::load_steps(&shared.content, &shared.library, guided::Check::Form)
        });
        egui::CentralPanel::default().show(ui, |ui| {
            self.pages[self.selected].ui(ui, shared, steps.for_sim(id));
        });
    }
}

/// The list is narrower in a small window, so the page keeps room for its strip.
fn list_width(ui: &egui::Ui) -> f32 {
    if ui.available_width() < 1000.0 {
        190.0
    } else {
        230.0
    }
}

/// One list entry: the title (the clickable label), then the one-line summary, led by
/// a ✓ once the simulation was opened. Returns whether it was clicked.
fn entry_ui(ui: &mut egui::Ui, info: &catalog::SimInfo, selected: bool, visited: bool) -> bool {
    let clicked = ui.selectable_label(selected, info.title).clicked();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = theme::SPACE_XS;
        if visited {
            ui.label(
                egui::RichText::new("✓")
                    .small()
                    .color(Semantic::Healthy.in_ui(ui)),
            )
            .on_hover_text("Opened before");
        }
        ui.label(egui::RichText::new(info.summary).small().weak());
    });
    ui.add_space(theme::SPACE_XS);
    clicked
}
