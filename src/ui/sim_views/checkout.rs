//! Checkout during a payment-gateway outage: orders saved as pending, charged through the
//! breaker, queued for a backoff worker when the charge fails, and what each customer saw.

use crate::sim::breaker::State as BreakerState;
use crate::sim::catalog::{self, SimInfo};
use crate::sim::checkout::{CheckoutConfig, CheckoutSim, Immediate, Order, OrderState};
use crate::sim::engine::SimTime;
use crate::sim::presets;
use crate::ui::sim_page::{ClockUnit, Marker, Settings, SimBody};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::counter_grid::{Counter, counter_grid, failing_if_any};
use crate::ui::widgets::sim_plot::{Band, TimeAxis, TimeChart, Trace, qty};
/// Recent orders listed with what their customer saw.
const RECENT: usize = 8;

const INFO: &SimInfo = &catalog::SIMULATIONS[4];

#[derive(Debug)]
pub struct CheckoutView {
    settings: Settings<CheckoutConfig>,
    sim: CheckoutSim,
    /// When the last job settles, found by running a copy to the end at each rebuild
    /// (about 500 orders: well under a millisecond).
    end_ms: f64,
    error: Option<String>,
}

impl Default for CheckoutView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, |name| presets::checkout(name).unwrap_or_default()),
            sim: CheckoutSim::default(),
            end_ms: 0.0,
            error: None,
        };
        view.rebuild(1);
        view
    }
}

fn state_meaning(state: OrderState) -> Semantic {
    match state {
        OrderState::Pending => Semantic::Waiting,
        OrderState::Charging => Semantic::Slow,
        OrderState::Paid => Semantic::Healthy,
        OrderState::Failed => Semantic::Failing,
    }
}

/// Virtual minutes as the page's clock writes them ("79 min").
fn minutes(ms: f64) -> String {
    qty(format!("{:.0}", (ms / 60_000.0).floor()), "min")
}

impl SimBody for CheckoutView {
    const INFO: &'static SimInfo = INFO;
    const UNIT: ClockUnit = ClockUnit::Minutes;
    const STEP_MS: f64 = 60_000.0;
    const DEFAULT_SPEED: f64 = 5.0;

    fn now_ms(&self) -> f64 {
        self.sim.now().as_ms()
    }

    fn end_ms(&self) -> f64 {
        self.end_ms
    }

    fn finished(&self) -> bool {
        self.sim.is_finished()
    }

    fn advance_to(&mut self, ms: f64) {
        self.sim.step_until(SimTime::from_ms(ms));
    }

    fn rebuild(&mut self, seed: u64) {
        match CheckoutSim::new(self.settings.current.clone(), seed) {
            Ok(sim) => {
                self.sim = sim;
                self.error = None;
            }
            Err(err) => self.error = Some(err.to_string()),
        }
        let mut end = self.sim.clone();
        end.run_to_end();
        self.end_ms = end
            .now()
            .as_ms()
            .max(self.settings.current.run_min * 60_000.0);
    }

    fn markers(&self) -> Vec<Marker> {
        if self.settings.current.outage_min <= 0.0 {
            return Vec::new();
        }
        let start = self.settings.current.outage_start_min * 60_000.0;
        vec![
            Marker {
                at_ms: start,
                label: "the payment gateway goes down".into(),
                colour: Semantic::Failing,
            },
            Marker {
                at_ms: start + self.settings.current.outage_min * 60_000.0,
                label: "the gateway is back".into(),
                colour: Semantic::Healthy,
            },
        ]
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool {
        let changed = self.config_ui(ui);
        if let Some(err) = &self.error {
            ui.colored_label(Semantic::Failing.in_ui(ui), err);
        }
        ui.add_space(theme::SPACE_S);
        self.status_ui(ui);
        ui.add_space(theme::SPACE_S);
        self.counters_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.plot_ui(ui, axis);
        ui.add_space(theme::SPACE_M);
        self.recent_ui(ui);
        changed
    }
}

impl CheckoutView {
    /// The checkout's design, the outage and the worker's retry budget, above the
    /// status and plot they change.
    fn config_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let before = self.settings.current.clone();
        let c = &mut self.settings.current;
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut c.asynchronous, "asynchronous checkout (the fix)")
                .on_hover_text("Off: the checkout fails when the charge fails, as in the incident");
            ui.add_enabled(
                c.asynchronous,
                egui::Checkbox::new(&mut c.worker_rechecks, "worker re-checks the order"),
            )
            .on_hover_text(
                "Charge only a pending order, claiming it first: duplicate deliveries are skipped",
            );
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Outage from");
            ui.add(
                egui::DragValue::new(&mut c.outage_start_min)
                    .range(0.0..=200.0)
                    .suffix(" min"),
            )
            .labelled_by(label.id);
            let label = ui.label("lasting");
            ui.add(
                egui::DragValue::new(&mut c.outage_min)
                    .range(0.0..=200.0)
                    .suffix(" min"),
            )
            .labelled_by(label.id);
            let label = ui.label("Worker tries");
            ui.add(egui::DragValue::new(&mut c.retry_tries).range(0..=12))
                .labelled_by(label.id)
                .on_hover_text("Tries after the checkout's own attempt");
            let label = ui.label("first wait");
            ui.add(
                egui::DragValue::new(&mut c.retry_base_min)
                    .range(0.5..=30.0)
                    .speed(0.5)
                    .suffix(" min"),
            )
            .labelled_by(label.id)
            .on_hover_text("Each later wait doubles, up to the cap");
            let label = ui.label("Duplicate deliveries");
            let mut pct = c.duplicate_delivery * 100.0;
            ui.add(
                egui::DragValue::new(&mut pct)
                    .range(0.0..=100.0)
                    .suffix(" %"),
            )
            .labelled_by(label.id)
            .on_hover_text("The queue delivers at least once: some jobs arrive twice");
            c.duplicate_delivery = pct / 100.0;
        });
        let waits: Vec<String> = (1..=c.retry_tries)
            .map(|n| format!("{}", c.backoff_min(n)))
            .collect();
        let total: f64 = (1..=c.retry_tries).map(|n| c.backoff_min(n)).sum();
        ui.label(
            egui::RichText::new(format!(
                "Worker waits: {} (together {})",
                if waits.is_empty() {
                    "none".to_owned()
                } else {
                    qty(waits.join(", "), "min")
                },
                qty(total, "min")
            ))
            .small()
            .color(ui.visuals().weak_text_color()),
        );
        self.settings.changed_ui(ui, &before)
    }

    fn status_ui(&self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            let (text, meaning) = if self.sim.gateway_down() {
                ("gateway DOWN", Semantic::Failing)
            } else {
                ("gateway up", Semantic::Healthy)
            };
            ui.label(egui::RichText::new(text).strong().color(meaning.in_ui(ui)));
            ui.separator();
            let state = self.sim.breaker_state();
            let meaning = match state {
                BreakerState::Closed | BreakerState::Disabled => Semantic::Healthy,
                BreakerState::HalfOpen => Semantic::Waiting,
                BreakerState::Open | BreakerState::ForcedOpen => Semantic::Rejected,
            };
            ui.label(
                egui::RichText::new(format!("breaker {}", state.name()))
                    .strong()
                    .color(meaning.in_ui(ui)),
            );
            ui.separator();
            ui.label(format!("{} charge job(s) queued", self.sim.queued_jobs()));
            if self.sim.is_finished() {
                ui.separator();
                ui.label(egui::RichText::new("run finished").color(ui.visuals().weak_text_color()));
            }
        });
    }

    fn counters_ui(&self, ui: &mut egui::Ui) {
        let c = self.sim.counters();
        let items: [Counter; 12] = [
            (
                "orders",
                c.orders,
                Semantic::Neutral,
                "Saved as pending before any charge",
            ),
            (
                "paid at checkout",
                c.paid_at_checkout,
                Semantic::Healthy,
                "The first charge went through",
            ),
            (
                "queued for the worker",
                c.queued,
                Semantic::Waiting,
                "The first charge failed or the breaker was open",
            ),
            (
                "paid by the worker",
                c.paid_by_worker,
                Semantic::Healthy,
                "A retry went through later",
            ),
            (
                "failed, customer told",
                c.failed,
                failing_if_any(c.failed),
                "Out of tries: marked failed and emailed",
            ),
            (
                "checkout errors",
                c.checkout_errors,
                failing_if_any(c.checkout_errors),
                "Synchronous checkout: the customer saw an error",
            ),
            (
                "gateway calls",
                c.gateway_calls,
                Semantic::Neutral,
                "Calls the breaker let through",
            ),
            (
                "gateway failures",
                c.gateway_failures,
                Semantic::Failing,
                "Calls that failed or timed out",
            ),
            (
                "rejected by breaker",
                c.breaker_rejections,
                Semantic::Rejected,
                "Failed fast, without calling the gateway",
            ),
            (
                "duplicate deliveries",
                c.duplicate_deliveries,
                Semantic::Waiting,
                "Jobs the queue delivered twice",
            ),
            (
                "skipped by re-check",
                c.skipped_by_recheck,
                Semantic::Accent,
                "Deliveries the worker found already handled",
            ),
            (
                "double charges",
                c.double_charges,
                failing_if_any(c.double_charges),
                "Orders charged more than once",
            ),
        ];
        counter_grid(ui, "checkout-counters", &items);
    }

    fn plot_ui(&self, ui: &mut egui::Ui, axis: &TimeAxis) {
        let start = self.settings.current.outage_start_min;
        let mut chart =
            TimeChart::new("checkout-states", "Orders by state over time", "orders").height(240.0);
        if self.settings.current.outage_min > 0.0 {
            chart = chart.band(Band {
                from: start,
                to: start + self.settings.current.outage_min,
                label: "gateway outage".into(),
                colour: Semantic::Failing,
            });
        }
        for (series, state) in self.sim.by_state().iter().zip(OrderState::ALL) {
            chart = chart.trace(Trace::new(
                state.label(),
                series.points(),
                state_meaning(state),
            ));
        }
        chart
            .trace(
                Trace::new(
                    "charge jobs queued",
                    self.sim.queue_series().points(),
                    Semantic::Neutral,
                )
                .dashed(),
            )
            .show(ui, axis);
    }

    fn recent_ui(&self, ui: &mut egui::Ui) {
        ui.label(egui::RichText::new("What the latest customers saw").strong());
        let orders = self.sim.orders();
        if orders.is_empty() {
            ui.label(
                egui::RichText::new(
                    "No orders yet: press Play (one virtual minute per second at 1×) or Step.",
                )
                .color(ui.visuals().weak_text_color()),
            );
            return;
        }
        egui::Grid::new("checkout-recent")
            .striped(true)
            .num_columns(3)
            .spacing(egui::vec2(theme::SPACE_M, theme::SPACE_XS))
            .show(ui, |ui| {
                for order in orders.iter().rev().take(RECENT) {
                    recent_row_ui(ui, order);
                    ui.end_row();
                }
            });
    }
}

/// One order: when it was placed, the answer its customer got at once, and where it is now.
fn recent_row_ui(ui: &mut egui::Ui, order: &Order) {
    ui.label(
        egui::RichText::new(format!(
            "#{} at {}",
            order.id,
            minutes(order.placed.as_ms())
        ))
        .monospace(),
    );
    let meaning = match order.immediate {
        Immediate::Paid => Semantic::Healthy,
        Immediate::Processing => Semantic::Waiting,
        Immediate::Error => Semantic::Failing,
    };
    ui.label(
        egui::RichText::new(format!("“{}”", order.immediate.message())).color(meaning.in_ui(ui)),
    );
    let mut now = order.state.label().to_owned();
    if let Some(t) = order.settled {
        now.push_str(&format!(" at {}", minutes(t.as_ms())));
    }
    if order.worker_tries > 0 {
        now.push_str(&format!(
            " after {} worker tr{}",
            order.worker_tries,
            if order.worker_tries == 1 { "y" } else { "ies" }
        ));
    }
    ui.add(
        egui::Label::new(egui::RichText::new(now).color(state_meaning(order.state).in_ui(ui)))
            .wrap(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page and `workbook sim` build the same runs from the same preset and seed.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        crate::ui::sim_page::assert_page_matches_cli(2, 90.0 * 60.0, |view: &CheckoutView| {
            let c = view.sim.counters();
            vec![
                ("orders", f64::from(c.orders)),
                ("checkout_errors", f64::from(c.checkout_errors)),
            ]
        });
    }

    #[test]
    fn order_times_read_in_whole_minutes() {
        assert_eq!(minutes(0.0), "0\u{a0}min");
        assert_eq!(minutes(79.5 * 60_000.0), "79\u{a0}min");
    }
}
