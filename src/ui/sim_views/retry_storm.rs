//! Retry storms: the same outage twice, side by side on the same seed, once with plain
//! retries and once with a retry budget (a token bucket), so the learner sees retries
//! multiply the load and the budget cap it.

use egui::RichText;

use crate::sim::backoff::Algorithm;
use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::{Series, SimTime};
use crate::sim::presets;
use crate::sim::retry_storm::{RetryBudget, StormConfig, StormSim, StormTotals};
use crate::ui::sim_page::{Marker, Settings, SimBody};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::sim_plot::{Band, Threshold, TimeAxis, TimeChart, Trace, qty};

const INFO: &SimInfo = &catalog::SIMULATIONS[6];

/// Retry tokens per second for a budget of `pct` percent of the demand.
fn budget_for(config: &StormConfig, pct: f64) -> RetryBudget {
    let rate = config.demand_per_sec * pct / 100.0;
    RetryBudget {
        per_sec: rate,
        burst: rate,
    }
}

#[derive(Debug)]
pub struct RetryStormView {
    settings: Settings<StormConfig>,
    plain: Option<StormSim>,
    budgeted: Option<StormSim>,
}

impl Default for RetryStormView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, |name| presets::retry_storm(name).unwrap_or_default()),
            plain: None,
            budgeted: None,
        };
        view.rebuild(1);
        view
    }
}

impl SimBody for RetryStormView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 1000.0;
    const DEFAULT_SPEED: f64 = 5.0;

    fn now_ms(&self) -> f64 {
        self.plain.as_ref().map_or(0.0, |s| s.now().as_ms())
    }

    fn end_ms(&self) -> f64 {
        presets::STORM_RUN_SECS * 1000.0
    }

    fn advance_to(&mut self, ms: f64) {
        let until = SimTime::from_ms(ms.min(self.end_ms()));
        for sim in [&mut self.plain, &mut self.budgeted].into_iter().flatten() {
            sim.step_until(until);
        }
    }

    fn rebuild(&mut self, seed: u64) {
        let plain = StormConfig {
            budget: None,
            ..self.settings.current.clone()
        };
        self.plain = StormSim::new(plain, seed).ok();
        self.budgeted = StormSim::new(self.settings.current.clone(), seed).ok();
    }

    fn markers(&self) -> Vec<Marker> {
        let c = &self.settings.current;
        if c.outage_len_s <= 0.0 {
            return Vec::new();
        }
        vec![
            Marker {
                at_ms: c.outage_start_s * 1000.0,
                label: "the server stops answering".into(),
                colour: Semantic::Failing,
            },
            Marker {
                at_ms: (c.outage_start_s + c.outage_len_s) * 1000.0,
                label: "the server answers again".into(),
                colour: Semantic::Healthy,
            },
        ]
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool {
        let changed = self.settings_ui(ui);
        ui.add_space(theme::SPACE_S);
        self.status_ui(ui);
        ui.add_space(theme::SPACE_S);
        self.plots_ui(ui, axis);
        changed
    }
}

impl RetryStormView {
    /// The clients' retry settings, the outage and the budget, above the runs.
    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let before = self.settings.current.clone();
        let c = &mut self.settings.current;
        let mut budget_pct = c
            .budget
            .map_or(10.0, |b| 100.0 * b.per_sec / c.demand_per_sec.max(1e-9));
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Tries per request");
            ui.add(egui::DragValue::new(&mut c.max_attempts).range(1..=8))
                .labelled_by(label.id)
                .on_hover_text("The first try plus the retries");
            choice_ui(
                ui,
                "Backoff",
                "storm-backoff",
                Some(190.0),
                &mut c.backoff,
                Algorithm::ALL,
                Algorithm::label,
            );
            let label = ui.label("Outage");
            ui.add(
                egui::DragValue::new(&mut c.outage_len_s)
                    .range(0.0..=30.0)
                    .suffix(" s"),
            )
            .labelled_by(label.id)
            .on_hover_text("How long the server answers nothing (from 10 s)");
            let label = ui.label("Budget");
            if ui
                .add(
                    egui::DragValue::new(&mut budget_pct)
                        .range(1.0..=50.0)
                        .suffix(" % of demand"),
                )
                .labelled_by(label.id)
                .on_hover_text("Retry tokens added per second, as a share of new requests")
                .changed()
            {
                c.budget = Some(budget_for(c, budget_pct));
            }
        });
        self.settings.changed_ui(ui, &before)
    }

    fn status_ui(&self, ui: &mut egui::Ui) {
        let (Some(plain), Some(budgeted)) = (&self.plain, &self.budgeted) else {
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                "These settings cannot run; change them to start again.",
            );
            return;
        };
        ui.horizontal(|ui| {
            let server = if plain.is_down() {
                RichText::new("server not answering").color(Semantic::Failing.in_ui(ui))
            } else {
                RichText::new("server up").color(Semantic::Healthy.in_ui(ui))
            };
            ui.label(server);
            ui.separator();
            ui.label(format!(
                "capacity ≈ {}",
                qty(
                    format!("{:.0}", plain.config().capacity_per_sec()),
                    "requests/s"
                )
            ));
        });
        // Two columns that always fit the page: cards sized by hand overran its edge.
        ui.columns(2, |cols| {
            let runs = [("Plain retries", plain), ("With a retry budget", budgeted)];
            for (ui, (title, sim)) in cols.iter_mut().zip(runs) {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(RichText::new(title).strong());
                    totals_ui(ui, sim);
                });
            }
        });
    }

    fn plots_ui(&self, ui: &mut egui::Ui, axis: &TimeAxis) {
        let (Some(plain), Some(budgeted)) = (&self.plain, &self.budgeted) else {
            return;
        };
        let c = plain.config();
        let outage = || {
            (c.outage_len_s > 0.0).then(|| Band {
                from: c.outage_start_s,
                to: c.outage_start_s + c.outage_len_s,
                label: "outage".into(),
                colour: Semantic::Failing,
            })
        };
        let with_outage = |chart: TimeChart<'static>| match outage() {
            Some(band) => chart.band(band),
            None => chart,
        };
        let (p, b) = (plain.series(), budgeted.series());
        let capacity = c.capacity_per_sec();
        with_outage(TimeChart::new(
            "storm-offered",
            "Load reaching the server",
            "tries/s",
        ))
        .trace(Trace::new(
            "plain retries",
            p.offered.points(),
            Semantic::Failing,
        ))
        .trace(Trace::new(
            "with a budget",
            b.offered.points(),
            Semantic::Healthy,
        ))
        .trace(Trace::new("new requests", p.fresh.points(), Semantic::Neutral).dashed())
        .threshold(Threshold {
            name: "capacity".into(),
            value: capacity,
            colour: Semantic::Neutral,
            label: format!("capacity {}", qty(format!("{capacity:.0}"), "/s")),
        })
        .show(ui, axis);
        with_outage(TimeChart::new(
            "storm-success",
            "Requests that succeed (gaps: none finished)",
            "success (%)",
        ))
        .percent()
        .trace(Trace::new(
            "plain retries",
            p.success_pct.points(),
            Semantic::Failing,
        ))
        .trace(Trace::new(
            "with a budget",
            b.success_pct.points(),
            Semantic::Healthy,
        ))
        .show(ui, axis);
        ui.label(
            "Wasted: requests the server finished after their client had given up. During \
             the storm the server is fully busy and almost all of its work is wasted.",
        );
        with_outage(TimeChart::new(
            "storm-work",
            "Useful and wasted work",
            "requests/s",
        ))
        .trace(Trace::new("wasted (plain)", p.wasted.points(), Semantic::Failing).dashed())
        .trace(Trace::new(
            "answered in time (plain)",
            p.goodput.points(),
            Semantic::Failing,
        ))
        .trace(Trace::new(
            "answered in time (budget)",
            b.goodput.points(),
            Semantic::Healthy,
        ))
        .show(ui, axis);
        with_outage(TimeChart::new("storm-queue", "Queues", "waiting"))
            .trace(Trace::new(
                "plain retries",
                p.queue.points(),
                Semantic::Failing,
            ))
            .trace(Trace::new(
                "with a budget",
                b.queue.points(),
                Semantic::Healthy,
            ))
            .show(ui, axis);
        // Tokens number a handful against queues of thousands: a plot of their own.
        ui.label(
            "Tokens left in the bucket: each retry takes one, and none left means the retry \
             is refused.",
        );
        with_outage(TimeChart::new("storm-tokens", "Retry budget", "tokens"))
            .trace(Trace::new(
                "tokens left (budget)",
                b.tokens.points(),
                Semantic::Healthy,
            ))
            .show(ui, axis);
    }
}

fn totals_ui(ui: &mut egui::Ui, sim: &StormSim) {
    let t: StormTotals = sim.totals();
    let share = |n: u64| {
        if t.requests == 0 {
            0.0
        } else {
            100.0 * n as f64 / t.requests as f64
        }
    };
    let last = |s: &Series| s.last().map_or(0.0, |p| p[1]);
    egui::Grid::new(("storm-totals", sim.config().budget.is_some()))
        .num_columns(2)
        .spacing([theme::SPACE_M, theme::SPACE_XS])
        .show(ui, |ui| {
            ui.label("user requests");
            ui.label(format!("{}", t.requests));
            ui.end_row();
            ui.label("tries sent")
                .on_hover_text("All tries, first ones and retries; in brackets, per request");
            ui.label(format!(
                "{} ({:.1}×)",
                t.tries,
                t.tries as f64 / t.requests.max(1) as f64
            ));
            ui.end_row();
            ui.label("succeeded");
            ui.colored_label(
                Semantic::Healthy.in_ui(ui),
                format!("{} ({:.0} %)", t.succeeded, share(t.succeeded)),
            );
            ui.end_row();
            ui.label("failed");
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("{} ({:.0} %)", t.failed, share(t.failed)),
            );
            ui.end_row();
            ui.label("wasted work");
            ui.label(format!("{} requests", t.wasted));
            ui.end_row();
            ui.label("queued now");
            ui.label(format!("{}", sim.queue_len()));
            ui.end_row();
            ui.label("workers busy");
            ui.label(format!(
                "{} of {}",
                sim.busy_workers(),
                sim.config().workers
            ));
            ui.end_row();
            ui.label("offered load now");
            ui.label(format!("{:.0} tries/s", last(&sim.series().offered)));
            ui.end_row();
            // The same rows on both sides, so the two cards are the same height.
            let budgeted = sim.config().budget.is_some();
            ui.label("refused by budget");
            if budgeted {
                ui.label(format!("{} retries", t.budget_denied));
            } else {
                ui.weak("no budget");
            }
            ui.end_row();
            ui.label("tokens now");
            if budgeted {
                ui.label(format!("{:.1}", sim.tokens()));
            } else {
                ui.weak("none");
            }
            ui.end_row();
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::sim_page::assert_page_matches_cli;

    /// The page and `workbook sim` build the same runs from the same preset and seed.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        assert_page_matches_cli(5, 30.0, |view: &RetryStormView| {
            let plain = view.plain.as_ref().unwrap().totals();
            let budget = view.budgeted.as_ref().unwrap().totals();
            vec![
                ("plain.succeeded", plain.succeeded as f64),
                ("budget.budget_denied", budget.budget_denied as f64),
            ]
        });
    }
}
