//! Idempotency keys: payments over a lossy network, the ledger, and duplicate charges
//! against the drop rate for each server design.

use egui_plot::{Line, VLine};

use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::SimTime;
use crate::sim::idempotency::{
    ClientOutcome, Design, IdemConfig, IdemSim, Order, SweepPoint, sweep,
};
use crate::sim::presets;
use crate::ui::sim_page::{Settings, SimBody};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::counter_grid::{Counter, counter_grid, failing_if_any};
use crate::ui::widgets::sim_plot::{self, Dash, LegendEntry, TimeAxis, legend_row};

/// Drop rates the sweep plot covers (each way).
const SWEEP_RATES: [f64; 11] = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
/// Runs averaged per sweep point.
const SWEEP_SEEDS: [u64; 3] = [11, 12, 13];

const INFO: &SimInfo = &catalog::SIMULATIONS[3];

#[derive(Debug)]
pub struct IdempotencyView {
    settings: Settings<IdemConfig>,
    sim: IdemSim,
    /// When the run ends (every order done), found by running a copy to the end at
    /// each rebuild: a few hundred orders, well under a millisecond.
    end_ms: f64,
    error: Option<String>,
    /// The sweep and the settings it was computed for (design and drop rates aside).
    sweep: Option<(IdemConfig, Vec<SweepPoint>)>,
    /// The ledger shows only orders with a duplicate, no charge or a wrong answer.
    only_odd: bool,
}

impl Default for IdempotencyView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, |name| presets::idempotency(name).unwrap_or_default()),
            sim: IdemSim::default(),
            end_ms: 0.0,
            error: None,
            sweep: None,
            only_odd: false,
        };
        view.rebuild(1);
        view
    }
}

fn design_meaning(design: Design) -> Semantic {
    match design {
        Design::NoDedup => Semantic::Failing,
        Design::NaiveStore => Semantic::Waiting,
        Design::AtomicStore => Semantic::Healthy,
    }
}

impl SimBody for IdempotencyView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 500.0;
    const DEFAULT_SPEED: f64 = 2.0;

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
        match IdemSim::new(self.settings.current.clone(), seed) {
            Ok(sim) => {
                self.sim = sim;
                self.error = None;
            }
            Err(err) => {
                self.sim = IdemSim::default();
                self.error = Some(err.to_string());
            }
        }
        let mut end = self.sim.clone();
        end.run_to_end();
        self.end_ms = end.now().as_ms().max(1.0);
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, _axis: &TimeAxis) -> bool {
        let changed = self.config_ui(ui);
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
        changed
    }
}

impl IdempotencyView {
    /// The server and network settings, above the counters they drive.
    fn config_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let before = self.settings.current.clone();
        let c = &mut self.settings.current;
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
        self.settings.changed_ui(ui, &before)
    }

    fn counters_ui(&mut self, ui: &mut egui::Ui) {
        let c = *self.sim.counters();
        let started = self.sim.orders().len();
        let status = if self.sim.is_finished() {
            format!("Finished: all {started} orders done.")
        } else {
            format!(
                "{} of {} orders started",
                started, self.settings.current.orders
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
            // Body-size monospace: the times and order numbers line up, and a row is as
            // tall as the scroll area's row height, so no line is cut at the top.
            .show_rows(
                ui,
                row_h(ui, &egui::TextStyle::Monospace),
                log.len(),
                |ui, range| {
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
                            .monospace()
                            .color(colour),
                        );
                    }
                },
            );
    }

    fn sweep_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(egui::RichText::new("Duplicate charges against the drop rate").strong());
        ui.label(
            egui::RichText::new(format!(
                "Duplicate charges per 100 orders. Each point: the mean of {} runs of {} orders, with requests and responses both lost at that rate.",
                SWEEP_SEEDS.len(),
                self.settings.current.orders
            ))
            .small()
            .color(ui.visuals().weak_text_color()),
        );
        let key = IdemConfig {
            design: Design::NoDedup,
            drop_request: 0.0,
            drop_response: 0.0,
            ..self.settings.current.clone()
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
        let mut legend: Vec<LegendEntry> = Design::ALL
            .iter()
            .map(|&d| LegendEntry::line(d.label(), design_meaning(d), Dash::Solid))
            .collect();
        legend.push(LegendEntry::line(
            "your response-loss rate",
            Semantic::Accent,
            Dash::Dashed,
        ));
        legend_row(ui, &legend);
        sim_plot::base_plot("idem-sweep", 260.0, "per 100 orders")
            .width(ui.available_width().min(900.0))
            .x_axis_label("drop rate, each way (%)")
            .include_y(0.0)
            .include_x(0.0)
            .include_x(50.0)
            .y_grid_spacer(sim_plot::round_steps(true))
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
                    VLine::new(
                        "current loss rate",
                        self.settings.current.drop_response * 100.0,
                    )
                    .color(Semantic::Accent.color(dark))
                    .width(2.0)
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

/// Height of one line of `style` text in a list, spacing included.
fn row_h(ui: &egui::Ui, style: &egui::TextStyle) -> f32 {
    ui.text_style_height(style) + ui.spacing().item_spacing.y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::sim_page::assert_page_matches_cli;

    /// The page and `workbook sim` build the same runs from the same preset and seed.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        assert_page_matches_cli(6, 12.0, |view: &IdempotencyView| {
            let c = view.sim.counters();
            vec![
                ("charges", f64::from(c.charges)),
                ("duplicate_charges", f64::from(c.duplicate_charges)),
            ]
        });
    }
}
