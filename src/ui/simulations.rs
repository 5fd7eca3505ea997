//! The simulations screen: the list of simulations and the selected one's view.

use super::sim_views;
use super::theme;
use crate::content::SIMULATION_IDS;
use crate::ui::state::Shared;

struct Entry {
    id: &'static str,
    title: &'static str,
}

/// The list, in teaching order; ids are `content::SIMULATION_IDS`.
const ENTRIES: &[Entry] = &[
    Entry {
        id: "breaker",
        title: "Circuit breaker",
    },
    Entry {
        id: "bulkhead",
        title: "Bulkheads",
    },
    Entry {
        id: "race",
        title: "The last ticket",
    },
    Entry {
        id: "idempotency",
        title: "Idempotency keys",
    },
    Entry {
        id: "checkout-outage",
        title: "Checkout during an outage",
    },
    Entry {
        id: "backoff",
        title: "Retries with backoff and jitter",
    },
    Entry {
        id: "retry-storm",
        title: "Retry storms",
    },
    Entry {
        id: "cascade",
        title: "Cascading timeouts",
    },
];

#[derive(Debug)]
pub struct SimulationsScreen {
    selected: &'static str,
    breaker: sim_views::breaker::BreakerView,
    bulkhead: sim_views::bulkhead::BulkheadView,
    race: sim_views::race::RaceView,
    idempotency: sim_views::idempotency::IdempotencyView,
    checkout: sim_views::checkout::CheckoutView,
    backoff: sim_views::backoff::BackoffView,
    retry_storm: sim_views::retry_storm::RetryStormView,
    cascade: sim_views::cascade::CascadeView,
}

impl Default for SimulationsScreen {
    fn default() -> Self {
        Self {
            selected: ENTRIES[0].id,
            breaker: Default::default(),
            bulkhead: Default::default(),
            race: Default::default(),
            idempotency: Default::default(),
            checkout: Default::default(),
            backoff: Default::default(),
            retry_storm: Default::default(),
            cascade: Default::default(),
        }
    }
}

impl SimulationsScreen {
    /// Whether the simulation with this id can be opened (lesson sections link here).
    pub fn supports(&self, id: &str) -> bool {
        match id {
            "breaker" => sim_views::breaker::BreakerView::READY,
            "bulkhead" => sim_views::bulkhead::BulkheadView::READY,
            "race" => sim_views::race::RaceView::READY,
            "idempotency" => sim_views::idempotency::IdempotencyView::READY,
            "checkout-outage" => sim_views::checkout::CheckoutView::READY,
            "backoff" => sim_views::backoff::BackoffView::READY,
            "retry-storm" => sim_views::retry_storm::RetryStormView::READY,
            "cascade" => sim_views::cascade::CascadeView::READY,
            _ => false,
        }
    }

    /// Selects the simulation with this id.
    pub fn open(&mut self, id: &str) {
        if let Some(entry) = ENTRIES.iter().find(|e| e.id == id) {
            self.selected = entry.id;
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        debug_assert_eq!(ENTRIES.len(), SIMULATION_IDS.len());
        egui::Panel::left("simulation-list")
            .resizable(false)
            .exact_size(230.0)
            .show(ui, |ui| {
                ui.add_space(theme::SPACE_S);
                ui.label(egui::RichText::new("Simulations").strong());
                ui.separator();
                for entry in ENTRIES {
                    let text = if self.supports(entry.id) {
                        egui::RichText::new(entry.title)
                    } else {
                        egui::RichText::new(entry.title).color(ui.visuals().weak_text_color())
                    };
                    if ui
                        .selectable_label(self.selected == entry.id, text)
                        .clicked()
                    {
                        self.selected = entry.id;
                    }
                }
            });
        egui::CentralPanel::default().show(ui, |ui| match self.selected {
            "breaker" => self.breaker.ui(ui, shared),
            "bulkhead" => self.bulkhead.ui(ui, shared),
            "race" => self.race.ui(ui, shared),
            "idempotency" => self.idempotency.ui(ui, shared),
            "checkout-outage" => self.checkout.ui(ui, shared),
            "backoff" => self.backoff.ui(ui, shared),
            "retry-storm" => self.retry_storm.ui(ui, shared),
            "cascade" => self.cascade.ui(ui, shared),
            _ => {}
        });
    }
}
