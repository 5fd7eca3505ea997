//! Retry storms: the same outage twice, side by side on the same seed, once with plain
//! retries and once with a retry budget (a token bucket), so the learner sees retries
//! multiply the load and the budget cap it.

use egui::RichText;
use egui_plot::{HLine, Span};

use crate::sim::backoff::Algorithm;
use crate::sim::engine::{Series, SimTime};
use crate::sim::retry_storm::{StormConfig, StormSim, StormTotals};
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::sim_controls::{SimAction, SimControls};
use crate::ui::widgets::sim_plot;

/// Virtual seconds one run shows.
const RUN_SECS: f64 = 60.0;
const PLOT_HEIGHT: f32 = 200.0;

#[derive(Debug)]
pub struct RetryStormView {
    controls: SimControls,
    config: StormConfig,
    /// Budget refill as a share of the demand, in percent.
    budget_pct: f64,
    plain: Option<StormSim>,
    budgeted: Option<StormSim>,
}

impl Default for RetryStormView {
    fn default() -> Self {
        Self {
            controls: SimControls {
                speed: 5.0,
                step_ms: 1000.0,
                ..SimControls::default()
            },
            config: StormConfig::default(),
            budget_pct: 10.0,
            plain: None,
            budgeted: None,
        }
    }
}

impl RetryStormView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = true;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        egui::ScrollArea::vertical()
            .id_salt("storm-scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.heading("Retry storms");
                ui.label(
                    RichText::new(
                        "A server with 10 workers (about 100 requests/s) serves 80 requests/s. \
                         It stops answering for a while; clients time out after 1 s and retry. \
                         Left: plain retries. Right: the same clients, but every retry needs a \
                         token from a bucket that refills at a fixed rate (a retry budget).",
                    )
                    .color(ui.visuals().weak_text_color()),
                );
                ui.add_space(theme::SPACE_S);
                let changed = self.settings_ui(ui);
                let action = self.controls.ui(ui);
                self.advance(ui, action, changed);
                ui.add_space(theme::SPACE_S);
                self.status_ui(ui);
                ui.add_space(theme::SPACE_S);
                self.plots_ui(ui);
            });
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        let c = &mut self.config;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Tries per request");
            changed |= ui
                .add(egui::DragValue::new(&mut c.max_attempts).range(1..=8))
                .labelled_by(label.id)
                .on_hover_text("The first try plus the retries")
                .changed();
            changed |= choice_ui(
                ui,
                "Backoff",
                "storm-backoff",
                Some(190.0),
                &mut c.backoff,
                Algorithm::ALL,
                Algorithm::label,
            );
            let label = ui.label("Outage");
            changed |= ui
                .add(
                    egui::DragValue::new(&mut c.outage_len_s)
                        .range(0.0..=30.0)
                        .suffix(" s"),
                )
                .labelled_by(label.id)
                .on_hover_text("How long the server answers nothing (from 10 s)")
                .changed();
            let label = ui.label("Budget");
            changed |= ui
                .add(
                    egui::DragValue::new(&mut self.budget_pct)
                        .range(1.0..=50.0)
                        .suffix(" % of demand"),
                )
                .labelled_by(label.id)
                .on_hover_text("Retry tokens added per second, as a share of new requests")
                .changed();
        });
        changed
    }

    fn advance(&mut self, ui: &egui::Ui, action: SimAction, changed: bool) {
        if changed || action == SimAction::Reset || self.plain.is_none() {
            let plain = StormConfig {
                budget: None,
                ..self.config.clone()
            };
            let rate = self.config.demand_per_sec * self.budget_pct / 100.0;
            let budgeted = StormConfig {
                budget: Some(crate::sim::retry_storm::RetryBudget {
                    per_sec: rate,
                    burst: rate,
                }),
                ..self.config.clone()
            };
            self.plain = StormSim::new(plain, self.controls.seed).ok();
            self.budgeted = StormSim::new(budgeted, self.controls.seed).ok();
        }
        let dt = ui.input(|i| i.stable_dt) as f64;
        let advance = self.controls.advance_ms(action, dt);
        let horizon = SimTime::from_secs(RUN_SECS);
        for sim in [&mut self.plain, &mut self.budgeted].into_iter().flatten() {
            if advance > 0.0 {
                let until = SimTime(sim.now().0 + SimTime::from_ms(advance).0).min(horizon);
                sim.step_until(until);
            }
        }
        let at_end = self.plain.as_ref().is_some_and(|s| s.now() >= horizon);
        if at_end {
            self.controls.playing = false;
        } else if self.controls.playing {
            ui.ctx().request_repaint();
        }
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
            ui.label(format!("t = {:.1} s", plain.now().as_secs()));
            ui.separator();
            ui.label(server);
            ui.separator();
            ui.label(format!(
                "capacity ≈ {:.0} requests/s",
                plain.config().capacity_per_sec()
            ));
        });
        let width = ((ui.available_width() - theme::SPACE_L) / 2.0).max(220.0);
        ui.horizontal_wrapped(|ui| {
            for (title, sim) in [("Plain retries", plain), ("With a retry budget", budgeted)] {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(width - theme::SPACE_L);
                        ui.label(RichText::new(title).strong());
                        totals_ui(ui, sim);
                    });
                });
            }
        });
    }

    fn plots_ui(&self, ui: &mut egui::Ui) {
        let (Some(plain), Some(budgeted)) = (&self.plain, &self.budgeted) else {
            return;
        };
        let dark = ui.visuals().dark_mode;
        let bad = Semantic::Failing.color(dark);
        let good = Semantic::Healthy.color(dark);
        let neutral = Semantic::Neutral.color(dark);
        let c = plain.config();
        let outage = (c.outage_len_s > 0.0).then(|| {
            Span::new(
                "outage",
                c.outage_start_s..=c.outage_start_s + c.outage_len_s,
            )
            .fill(Semantic::Failing.fill(dark))
        });
        let link = ui.scope_id().with("storm-link");
        let plot = |id: &str, y_label: &str, legend: egui_plot::Corner| {
            sim_plot::run_plot(id, link, y_label, RUN_SECS, legend).height(PLOT_HEIGHT)
        };
        ui.label(RichText::new("Load reaching the server").strong());
        // Head room above the lines keeps the legend (top left) off them.
        let peak = plain
            .series()
            .offered
            .points()
            .iter()
            .map(|p| p[1])
            .fold(c.demand_per_sec * c.max_attempts as f64, f64::max);
        plot(
            "storm-offered",
            "tries per second",
            egui_plot::Corner::LeftTop,
        )
        .include_y(peak * 1.5)
        .show(ui, |p| {
            if let Some(span) = outage.clone() {
                p.span(span);
            }
            p.line(sim_plot::run_line(
                "plain retries",
                plain.series().offered.points(),
                bad,
            ));
            p.line(sim_plot::run_line(
                "with budget",
                budgeted.series().offered.points(),
                good,
            ));
            p.line(sim_plot::run_line(
                "new requests",
                plain.series().fresh.points(),
                neutral,
            ));
            p.hline(
                HLine::new("capacity", plain.config().capacity_per_sec())
                    .color(Semantic::Accent.color(dark))
                    .style(egui_plot::LineStyle::dashed_dense()),
            );
        });
        ui.label(RichText::new("Requests that succeed").strong());
        plot(
            "storm-success",
            "success (%)",
            egui_plot::Corner::LeftBottom,
        )
        .include_y(105.0)
        .show(ui, |p| {
            if let Some(span) = outage.clone() {
                p.span(span);
            }
            p.line(sim_plot::run_line(
                "plain retries",
                plain.series().success_pct.points(),
                bad,
            ));
            p.line(sim_plot::run_line(
                "with budget",
                budgeted.series().success_pct.points(),
                good,
            ));
        });
        ui.label(RichText::new("Useful and wasted work").strong());
        ui.label(
            "Wasted: requests the server finished after their client had given up. During \
             the storm the server is fully busy and almost all of its work is wasted.",
        );
        plot(
            "storm-work",
            "requests per second",
            egui_plot::Corner::LeftTop,
        )
        .include_y(c.capacity_per_sec() * 3.0)
        .show(ui, |p| {
            if let Some(span) = outage.clone() {
                p.span(span);
            }
            p.line(sim_plot::run_line(
                "answered in time (plain)",
                plain.series().goodput.points(),
                Semantic::Accent.color(dark),
            ));
            p.line(sim_plot::run_line(
                "wasted (plain)",
                plain.series().wasted.points(),
                bad,
            ));
            p.line(sim_plot::run_line(
                "answered in time (budget)",
                budgeted.series().goodput.points(),
                good,
            ));
        });
        ui.label(RichText::new("Queues").strong());
        plot(
            "storm-queue",
            "requests waiting",
            egui_plot::Corner::LeftTop,
        )
        .show(ui, |p| {
            if let Some(span) = outage.clone() {
                p.span(span);
            }
            p.line(sim_plot::run_line(
                "queue (plain)",
                plain.series().queue.points(),
                bad,
            ));
            p.line(sim_plot::run_line(
                "queue (budget)",
                budgeted.series().queue.points(),
                good,
            ));
        });
        // Tokens number a handful against queues of thousands: a plot of their own.
        ui.label(RichText::new("Retry budget").strong());
        ui.label("Tokens left in the bucket: each retry takes one, and none left means the retry is refused.");
        plot("storm-tokens", "tokens", egui_plot::Corner::LeftBottom).show(ui, |p| {
            if let Some(span) = outage {
                p.span(span);
            }
            p.line(sim_plot::run_line(
                "tokens left (budget)",
                budgeted.series().tokens.points(),
                Semantic::Waiting.color(dark),
            ));
        });
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
            ui.label("tries sent");
            ui.label(format!(
                "{} ({:.1} per request)",
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
            if sim.config().budget.is_some() {
                ui.label("refused by budget");
                ui.label(format!("{} retries", t.budget_denied));
                ui.end_row();
                ui.label("tokens now");
                ui.label(format!("{:.1}", sim.tokens()));
                ui.end_row();
            } else {
                ui.label("offered load now");
                ui.label(format!("{:.0} tries/s", last(&sim.series().offered)));
                ui.end_row();
            }
        });
}
