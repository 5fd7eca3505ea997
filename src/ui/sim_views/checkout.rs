//! Checkout during a payment-gateway outage: orders saved as pending, charged through the
//! breaker, queued for a backoff worker when the charge fails, and what each customer saw.

use egui_plot::{Legend, Line, Plot, Span};

use crate::sim::breaker::State as BreakerState;
use crate::sim::checkout::{CheckoutConfig, CheckoutSim, Immediate, Order, OrderState};
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::counter_grid::{Counter, counter_grid, failing_if_any};
use crate::ui::widgets::sim_controls::{SimAction, SimControls};

/// The business timeline runs in minutes: at 1x, one virtual minute per real second.
const TIME_SCALE: f64 = 60.0;
/// Recent orders listed with what their customer saw.
const RECENT: usize = 8;

#[derive(Debug)]
pub struct CheckoutView {
    config: CheckoutConfig,
    sim: CheckoutSim,
    controls: SimControls,
    error: Option<String>,
}

impl Default for CheckoutView {
    fn default() -> Self {
        let controls = SimControls {
            speed: 5.0,
            // One virtual minute per Step (times TIME_SCALE).
            step_ms: 1_000.0,
            ..SimControls::default()
        };
        Self {
            config: CheckoutConfig::default(),
            sim: CheckoutSim::default(),
            controls,
            error: None,
        }
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

/// 75.5 minutes -> "1:15".
fn clock(minutes: f64) -> String {
    let m = minutes.max(0.0).floor() as u64;
    format!("{}:{:02}", m / 60, m % 60)
}

impl CheckoutView {
    pub const READY: bool = true;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        egui::ScrollArea::vertical()
            .id_salt("checkout-scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.heading("Checkout during an outage");
                let explain = if self.config.asynchronous {
                    "Save the order as pending, try the charge once through the breaker, and queue it for a worker that retries with backoff when it fails. The customer gets an answer at once either way."
                } else {
                    "The incident: the checkout waits for the gateway, and when the charge fails the customer is shown an error and the sale is lost."
                };
                ui.label(egui::RichText::new(explain).color(ui.visuals().weak_text_color()));
                ui.add_space(theme::SPACE_S);
                self.config_ui(ui);
                let action = self.controls.ui(ui);
                self.advance(ui, action);
                if let Some(err) = &self.error {
                    ui.colored_label(Semantic::Failing.in_ui(ui), err);
                }
                ui.add_space(theme::SPACE_S);
                self.status_ui(ui);
                ui.add_space(theme::SPACE_S);
                self.counters_ui(ui);
                ui.add_space(theme::SPACE_M);
                self.plot_ui(ui);
                ui.add_space(theme::SPACE_M);
                self.recent_ui(ui);
            });
    }

    fn config_ui(&mut self, ui: &mut egui::Ui) {
        let mut c = self.config.clone();
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
                "Worker waits: {} min (together {total} min)",
                if waits.is_empty() {
                    "none".to_owned()
                } else {
                    waits.join(", ")
                }
            ))
            .small()
            .color(ui.visuals().weak_text_color()),
        );
        if c != self.config {
            self.config = c;
            self.reset();
        }
    }

    fn reset(&mut self) {
        match CheckoutSim::new(self.config.clone(), self.controls.seed) {
            Ok(sim) => {
                self.sim = sim;
                self.error = None;
            }
            Err(err) => self.error = Some(err.to_string()),
        }
    }

    fn advance(&mut self, ui: &egui::Ui, action: SimAction) {
        if action == SimAction::Reset {
            self.reset();
            return;
        }
        let dt = f64::from(ui.input(|i| i.stable_dt));
        let ms = self.controls.advance_ms(action, dt) * TIME_SCALE;
        if ms > 0.0 {
            let until = self.sim.now().plus_ms(ms);
            self.sim.step_until(until);
        }
        if self.controls.playing {
            if self.sim.is_finished() {
                self.controls.playing = false;
            } else {
                ui.ctx().request_repaint();
            }
        }
    }

    fn status_ui(&self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("t = {}", clock(self.sim.now_min())))
                    .strong()
                    .monospace(),
            )
            .on_hover_text("Hours:minutes of virtual time. At 1× speed, one minute per second");
            ui.separator();
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

    fn plot_ui(&self, ui: &mut egui::Ui) {
        ui.label(egui::RichText::new("Orders by state over time").strong());
        let dark = ui.visuals().dark_mode;
        let start = self.config.outage_start_min;
        let end = start + self.config.outage_min;
        Plot::new("checkout-states")
            .height(260.0)
            .width(ui.available_width().min(900.0))
            .legend(Legend::default().position(egui_plot::Corner::RightTop))
            .x_axis_label("time (min)")
            .y_axis_label("orders")
            .include_x(0.0)
            .include_x(self.config.run_min)
            .include_y(0.0)
            .include_y(10.0)
            .allow_scroll(false)
            .allow_drag(false)
            .allow_zoom(false)
            .show(ui, |plot| {
                if self.config.outage_min > 0.0 {
                    plot.span(
                        Span::new("gateway outage", start..=end)
                            .fill(Semantic::Failing.fill(dark))
                            .border_color(Semantic::Failing.color(dark)),
                    );
                }
                for (series, state) in self.sim.by_state().iter().zip(OrderState::ALL) {
                    plot.line(
                        Line::new(state.label(), series.points().to_vec())
                            .color(state_meaning(state).color(dark))
                            .width(2.0),
                    );
                }
                plot.line(
                    Line::new(
                        "charge jobs queued",
                        self.sim.queue_series().points().to_vec(),
                    )
                    .color(Semantic::Neutral.color(dark))
                    .style(egui_plot::LineStyle::dashed_dense()),
                );
            });
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
    let placed = order.placed.as_ms() / 60_000.0;
    ui.label(egui::RichText::new(format!("#{} at {}", order.id, clock(placed))).monospace());
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
        now.push_str(&format!(" at {}", clock(t.as_ms() / 60_000.0)));
    }
    if order.worker_tries > 0 {
        now.push_str(&format!(
            " after {} worker tr{}",
            order.worker_tries,
            if order.worker_tries == 1 { "y" } else { "ies" }
        ));
    }
    ui.label(egui::RichText::new(now).color(state_meaning(order.state).in_ui(ui)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_hours_and_minutes() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(75.5), "1:15");
        assert_eq!(clock(240.0), "4:00");
    }
}
