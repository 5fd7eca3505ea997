//! Idempotency keys: payments over a lossy network, the ledger, and duplicate charges
//! against the drop rate for each server design.

use egui_plot::{Legend, Line, Plot, VLine};

use crate::sim::idempotency::{
    ClientOutcome, Design, IdemConfig, IdemSim, Order, SweepPoint, sweep,
};
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::counter_grid::{Counter, counter_grid, failing_if_any};
use crate::ui::widgets::sim_controls::{SimAction, SimControls};

/// Drop rates the sweep plot covers (each way).
const SWEEP_RATES: [f64; 11] = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
/// Runs averaged per sweep point.
const SWEEP_SEEDS: [u64; 3] = [11, 12, 13];

#[derive(Debug)]
pub struct IdempotencyView {
    config: IdemConfig,
    sim: IdemSim,
    controls: SimControls,
    error: Option<String>,
    /// The sweep and the settings it was computed for (design and drop rates aside).
    sweep: Option<(IdemConfig, Vec<SweepPoint>)>,
    /// The ledger shows only orders with a duplicate, no charge or a wrong answer.
    only_odd: bool,
}

impl Default for IdempotencyView {
    fn default() -> Self {
        let config = IdemConfig::default();
        let controls = SimControls {
            speed: 2.0,
            step_ms: 500.0,
            ..SimControls::default()
        };
        let (sim, error) = build(&config, controls.seed);
        Self {
            sim,
            config,
            controls,
            error,
            sweep: None,
            only_odd: false,
        }
    }
}

/// A sim for `config`, or the default one and the reason `config` was refused.
fn build(config: &IdemConfig, seed: u64) -> (IdemSim, Option<String>) {
    match IdemSim::new(config.clone(), seed) {
        Ok(sim) => (sim, None),
        Err(err) => (IdemSim::default(), Some(err.to_string())),
    }
}

fn design_meaning(design: Design) -> Semantic {
    match design {
        Design::NoDedup => Semantic::Failing,
        Design::NaiveStore => Semantic::Waiting,
        Design::AtomicStore => Semantic::Healthy,
    }
}

fn design_explain(design: Design) -> &'static str {
    match design {
        Design::NoDedup => {
            "The server charges every request that reaches it: each retry after a lost response is another charge."
        }
        Design::NaiveStore => {
            "The server looks the key up, charges, and only then stores the key. A retry arriving during a slow charge passes the same check; a reused key replays another order's answer."
        }
        Design::AtomicStore => {
            "The server claims the key in one step (in progress), answers duplicates 409 until done, then replays the stored answer; a different body under the same key is refused (422)."
        }
    }
}

impl IdempotencyView {
    pub const READY: bool = true;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        egui::ScrollArea::vertical()
            .id_salt("idem-scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.heading("Idempotency keys");
                ui.label(
                    egui::RichText::new(design_explain(self.config.design))
                        .color(ui.visuals().weak_text_color()),
                );
                ui.add_space(theme::SPACE_S);
                self.config_ui(ui);
                let action = self.controls.ui(ui);
                self.advance(ui, action);
                if let Some(err) = &self.error {
                    ui.colored_label(Semantic::Failing.in_ui(ui), err);
                }
                ui.add_space(theme::SPACE_S);
                self.counters_ui(ui);
                ui.add_space(theme::SPACE_M);
                ui.columns(2, |cols| {
                    self.ledger_ui(&mut cols[0]);
                    self.log_ui(&mut cols[1]);
                });
                ui.add_space(theme::SPACE_M);
                self.sweep_ui(ui);
            });
    }

    fn config_ui(&mut self, ui: &mut egui::Ui) {
        let mut c = self.config.clone();
        ui.horizontal_wrapped(|ui| {
            choice_ui(
                ui,
                "Server",
                "idem-design",
                Some(220.0),
                &mut c.design,
                Design::ALL,
                Design::label,
            );
            ui.checkbox(&mut c.use_keys, "clients send a key")
                .on_hover_text("Made once per order before the first try, the same on every retry");
        });
        ui.horizontal_wrapped(|ui| {
            percent(ui, "Requests lost", &mut c.drop_request, 0.9);
            percent(ui, "Responses lost", &mut c.drop_response, 0.9);
        });
        ui.horizontal_wrapped(|ui| {
            percent(ui, "Key reused (client bug)", &mut c.key_reuse, 0.5);
            let label = ui.label("Timeout");
            ui.add(
                egui::DragValue::new(&mut c.timeout_ms)
                    .range(100.0..=5_000.0)
                    .speed(10.0)
                    .suffix(" ms"),
            )
            .labelled_by(label.id)
            .on_hover_text("How long a client waits for an answer before retrying");
            let label = ui.label("Tries");
            ui.add(egui::DragValue::new(&mut c.max_attempts).range(1..=10))
                .labelled_by(label.id)
                .on_hover_text("Tries per order, the first included");
            let label = ui.label("Orders");
            ui.add(
                egui::DragValue::new(&mut c.orders)
                    .range(10..=2_000)
                    .speed(5.0),
            )
            .labelled_by(label.id);
        });
        if c != self.config {
            self.config = c;
            self.reset();
        }
    }

    fn reset(&mut self) {
        let (sim, error) = build(&self.config, self.controls.seed);
        self.sim = sim;
        self.error = error;
    }

    fn advance(&mut self, ui: &egui::Ui, action: SimAction) {
        if action == SimAction::Reset {
            self.reset();
            return;
        }
        let dt = f64::from(ui.input(|i| i.stable_dt));
        let ms = self.controls.advance_ms(action, dt);
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

    fn counters_ui(&mut self, ui: &mut egui::Ui) {
        let c = *self.sim.counters();
        let started = self.sim.orders().len();
        let status = if self.sim.is_finished() {
            format!(
                "Finished at {:.1} s: all {} orders done.",
                self.sim.now().as_secs(),
                started
            )
        } else {
            format!(
                "t = {:.1} s · {} of {} orders started",
                self.sim.now().as_secs(),
                started,
                self.config.orders
            )
        };
        ui.label(status);
        let items: [Counter; 12] = [
            (
                "charges",
                c.charges,
                Semantic::Neutral,
                "Rows in the ledger",
            ),
            (
                "duplicate charges",
                c.duplicate_charges,
                failing_if_any(c.duplicate_charges),
                "Charges beyond the first for an order",
            ),
            (
                "told paid, never charged",
                c.paid_without_charge,
                failing_if_any(c.paid_without_charge),
                "A replay of another order's stored answer",
            ),
            (
                "responses replayed",
                c.replayed,
                Semantic::Accent,
                "Answered from the key store, no new charge",
            ),
            (
                "409 in progress",
                c.in_progress,
                Semantic::Waiting,
                "Duplicate arrived while the first was still charging",
            ),
            (
                "422 body mismatch",
                c.mismatches,
                Semantic::Rejected,
                "Same key, different order: refused",
            ),
            (
                "400 missing key",
                c.missing_keys,
                Semantic::Rejected,
                "The atomic endpoint requires a key",
            ),
            (
                "requests lost",
                c.requests_dropped,
                Semantic::Neutral,
                "Dropped on the way to the server",
            ),
            (
                "responses lost",
                c.responses_dropped,
                Semantic::Neutral,
                "Dropped on the way back",
            ),
            (
                "retries",
                c.retries,
                Semantic::Slow,
                "Tries after the first",
            ),
            (
                "paid",
                c.paid,
                Semantic::Healthy,
                "Orders whose client heard 200",
            ),
            (
                "gave up",
                c.gave_up,
                Semantic::Waiting,
                "Out of tries without an answer",
            ),
        ];
        counter_grid(ui, "idem-counters", &items);
    }

    fn ledger_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Ledger: charges per order").strong());
            ui.checkbox(&mut self.only_odd, "only the odd ones")
                .on_hover_text("Orders charged twice, never charged, or answered wrongly");
        });
        let orders: Vec<&Order> = self
            .sim
            .orders()
            .iter()
            .filter(|o| !self.only_odd || o.charges != 1 || o.paid_without_charge())
            .collect();
        if orders.is_empty() {
            let text = if self.sim.orders().is_empty() {
                "No orders yet: press Play or Step."
            } else {
                "None so far."
            };
            ui.label(egui::RichText::new(text).color(ui.visuals().weak_text_color()));
            return;
        }
        let row_h = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("idem-ledger")
            .max_height(220.0)
            .auto_shrink([false, true])
            .stick_to_bottom(true)
            .show_rows(ui, row_h, orders.len(), |ui, range| {
                for order in &orders[range] {
                    ui.horizontal(|ui| ledger_row_ui(ui, order));
                }
            });
    }

    fn log_ui(&self, ui: &mut egui::Ui) {
        ui.label(egui::RichText::new("What happened").strong());
        let log = self.sim.log();
        if log.is_empty() {
            ui.label(
                egui::RichText::new("Lost messages, retries and charges appear here.")
                    .color(ui.visuals().weak_text_color()),
            );
            return;
        }
        egui::ScrollArea::vertical()
            .id_salt("idem-log")
            .max_height(220.0)
            .auto_shrink([false, true])
            .stick_to_bottom(true)
            .show_rows(ui, small_row_h(ui), log.len(), |ui, range| {
                for entry in &log[range] {
                    let colour = if entry.wrong {
                        Semantic::Failing.in_ui(ui)
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(
                        egui::RichText::new(format!(
                            "{:>6.2} s  #{:<4} {}",
                            entry.at.as_secs(),
                            entry.order,
                            entry.text
                        ))
                        .small()
                        .color(colour),
                    );
                }
            });
    }

    fn sweep_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(egui::RichText::new("Duplicate charges against the drop rate").strong());
        ui.label(
            egui::RichText::new(format!(
                "Each point: the mean of {} runs of {} orders, with requests and responses both lost at that rate. The dashed line is your current response-loss rate.",
                SWEEP_SEEDS.len(),
                self.config.orders
            ))
            .small()
            .color(ui.visuals().weak_text_color()),
        );
        let key = IdemConfig {
            design: Design::NoDedup,
            drop_request: 0.0,
            drop_response: 0.0,
            ..self.config.clone()
        };
        if self.sweep.as_ref().is_none_or(|(k, _)| *k != key) {
            self.sweep = sweep(&key, &SWEEP_RATES, &SWEEP_SEEDS)
                .ok()
                .map(|points| (key, points));
        }
        let Some((_, points)) = &self.sweep else {
            ui.label("The sweep could not run with these settings.");
            return;
        };
        let dark = ui.visuals().dark_mode;
        Plot::new("idem-sweep")
            .height(260.0)
            .width(ui.available_width().min(900.0))
            .legend(Legend::default().position(egui_plot::Corner::LeftTop))
            .x_axis_label("drop rate, each way (%)")
            .y_axis_label("duplicate charges per 100 orders")
            .include_y(0.0)
            .include_x(0.0)
            .allow_scroll(false)
            .allow_drag(false)
            .allow_zoom(false)
            .show(ui, |plot| {
                for design in Design::ALL {
                    let series: Vec<[f64; 2]> = points
                        .iter()
                        .filter(|p| p.design == design)
                        .map(|p| [p.drop_rate * 100.0, p.duplicates_per_100])
                        .collect();
                    plot.line(
                        Line::new(design.label(), series)
                            .color(design_meaning(design).color(dark))
                            .width(2.0),
                    );
                }
                plot.vline(
                    VLine::new("current loss rate", self.config.drop_response * 100.0)
                        .color(Semantic::Accent.color(dark))
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            });
    }
}

/// One ledger line: the order, its charges, what its client heard, how many tries.
fn ledger_row_ui(ui: &mut egui::Ui, order: &Order) {
    let weak = ui.visuals().weak_text_color();
    ui.label(egui::RichText::new(format!("order {:>4}", order.id)).monospace());
    let meaning = match order.charges {
        0 => Semantic::Neutral,
        1 => Semantic::Healthy,
        _ => Semantic::Failing,
    };
    let plural = if order.charges == 1 { "" } else { "s" };
    ui.label(
        egui::RichText::new(format!("{} charge{plural}", order.charges)).color(meaning.in_ui(ui)),
    );
    let (text, meaning) = match order.outcome {
        None => ("waiting", Semantic::Waiting),
        Some(_) if order.paid_without_charge() => ("told paid: not charged", Semantic::Failing),
        Some(ClientOutcome::Paid) => ("paid", Semantic::Healthy),
        Some(ClientOutcome::Refused) => ("refused", Semantic::Rejected),
        Some(ClientOutcome::GaveUp) => ("gave up", Semantic::Waiting),
    };
    ui.label(egui::RichText::new(text).color(meaning.in_ui(ui)));
    let tries = if order.attempts == 1 { "try" } else { "tries" };
    ui.label(egui::RichText::new(format!("{} {tries}", order.attempts)).color(weak));
}

/// A percentage slider over a probability.
fn percent(ui: &mut egui::Ui, label: &str, p: &mut f64, max: f64) {
    let label = ui.label(label);
    let mut pct = *p * 100.0;
    ui.add(
        egui::Slider::new(&mut pct, 0.0..=max * 100.0)
            .suffix(" %")
            .max_decimals(0),
    )
    .labelled_by(label.id);
    *p = pct / 100.0;
}

/// Height of one line of small text in a list, spacing included.
fn small_row_h(ui: &egui::Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Small) + ui.spacing().item_spacing.y
}
