//! Retry strategies against a failing service (Brooker 2022): success and load against
//! the failure rate, one line per strategy, and the same load spread over 10, 100 and
//! 1,000 clients.
//!
//! The experiment is a sweep, not a story in time, so the page's clock counts the
//! failure rates of the sweep: step k shows the curves up to the k-th rate, and Play
//! raises it one rate a second, for the learner to predict where each line goes next.
//! The sweep (a few hundred seeded runs) is computed a few milliseconds per frame,
//! whatever is shown, and kept for its settings and seed, so seeking is instant once it
//! is done and a frame never waits for it.

use std::time::{Duration, Instant};

use egui::RichText;

use crate::sim::catalog::{self, SimInfo};
use crate::sim::headless::RETRY_PANEL_CLIENTS;
use crate::sim::presets;
use crate::sim::retry_strategies::{PAGE_RATES, PAGE_RUNS, ProgressiveSweep, Strategy, SweepRow};
use crate::ui::sim_page::{ClockUnit, Settings, SimBody, changed_note};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::sim_plot::{
    Dash, LegendEntry, SweepAxis, SweepChart, Threshold, TimeAxis, Trace, XMarker, legend_row,
};

const INFO: &SimInfo = &catalog::SIMULATIONS[8];

/// Computing time a frame gives the sweep: a run takes about 3 ms in a release build.
const FRAME_BUDGET: Duration = Duration::from_millis(8);
/// The clients of the main sweep (the post's).
const CLIENTS: u32 = 100;

/// One colour per strategy; the real budgets are dashed, so the post's four stand out.
fn strategy_colour(strategy: Strategy) -> Semantic {
    match strategy {
        Strategy::None => Semantic::Neutral,
        Strategy::Retries3 => Semantic::Failing,
        Strategy::TokenBucket => Semantic::Healthy,
        Strategy::Breaker => Semantic::Slow,
        Strategy::AwsStandard => Semantic::Waiting,
        Strategy::GrpcThrottling => Semantic::Rejected,
        Strategy::FinagleBudget => Semantic::Accent,
    }
}

fn strategy_dash(strategy: Strategy) -> Dash {
    if Strategy::POST.contains(&strategy) {
        Dash::Solid
    } else {
        Dash::Dashed
    }
}

fn pct(p: f64) -> String {
    let v = 100.0 * p;
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}\u{a0}%")
    } else {
        format!("{v:.1}\u{a0}%")
    }
}

#[derive(Debug)]
pub struct RetriesView {
    /// The strategies of the preset (the page changes only the runs per point).
    settings: Settings<&'static [Strategy]>,
    runs: u32,
    /// The preset's strategies over the post's 100 clients, then the post's four over
    /// each other client count of the panel (its 100 clients are the first sweep's).
    sweeps: Vec<ProgressiveSweep>,
    key: Option<(&'static [Strategy], u32, u64)>,
    error: Option<String>,
    /// The sweep step the clock asked for.
    target: usize,
}

impl Default for RetriesView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, |name| {
                presets::retries(name).unwrap_or(&Strategy::POST)
            }),
            runs: PAGE_RUNS,
            sweeps: Vec::new(),
            key: None,
            error: None,
            target: 0,
        };
        view.rebuild(1);
        view
    }
}

impl SimBody for RetriesView {
    const INFO: &'static SimInfo = INFO;
    const UNIT: ClockUnit = ClockUnit::Steps;
    const STEP_MS: f64 = 1000.0;

    /// The step asked for, even while its rate is still being computed: Step and Play
    /// move on from it, and the page says what is still computing.
    fn now_ms(&self) -> f64 {
        self.target as f64 * 1000.0
    }

    fn end_ms(&self) -> f64 {
        (PAGE_RATES.len() - 1) as f64 * 1000.0
    }

    fn finished(&self) -> bool {
        self.target + 1 >= PAGE_RATES.len() && self.ready() >= PAGE_RATES.len()
    }

    fn advance_to(&mut self, ms: f64) {
        let step = ((ms / 1000.0).floor().max(0.0) as usize).min(PAGE_RATES.len() - 1);
        self.target = self.target.max(step);
        if self.ready() <= self.target {
            self.compute(FRAME_BUDGET);
        }
    }

    fn rebuild(&mut self, seed: u64) {
        self.target = 0;
        let key = (self.settings.current, self.runs, seed);
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        self.error = None;
        let mut sweeps = vec![ProgressiveSweep::new(
            &PAGE_RATES,
            self.settings.current,
            CLIENTS,
            self.runs,
            seed,
        )];
        sweeps.extend(
            RETRY_PANEL_CLIENTS
                .iter()
                .map(|&c| ProgressiveSweep::new(&PAGE_RATES, &Strategy::POST, c, self.runs, seed)),
        );
        self.sweeps = sweeps;
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, _axis: &TimeAxis) -> bool {
        if !self.complete() && self.error.is_none() {
            self.compute(FRAME_BUDGET);
            ui.ctx().request_repaint();
        }
        let changed = self.settings_ui(ui);
        if let Some(e) = &self.error {
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("The sweep failed: {e}"),
            );
            return changed;
        }
        self.main_plots_ui(ui);
        ui.add_space(theme::SPACE_S);
        self.table_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.clients_ui(ui);
        ui.add_space(theme::SPACE_M);
        real_budgets_ui(ui);
        changed
    }
}

impl RetriesView {
    /// Failure rates computed for every sweep.
    fn ready(&self) -> usize {
        self.sweeps
            .iter()
            .map(ProgressiveSweep::rates_done)
            .min()
            .unwrap_or(0)
    }

    fn complete(&self) -> bool {
        self.sweeps.iter().all(ProgressiveSweep::complete)
    }

    /// The step shown: the one asked for, once it is computed.
    fn shown_step(&self) -> usize {
        self.target.min(self.ready().saturating_sub(1))
    }

    /// Rates shown (0 before the first is computed).
    fn shown_rates(&self) -> usize {
        (self.shown_step() + 1).min(self.ready())
    }

    /// Computes rows for about `budget`, the sweep furthest behind first, so the three
    /// sweeps reach each failure rate together.
    fn compute(&mut self, budget: Duration) {
        let start = Instant::now();
        while start.elapsed() < budget {
            let Some(sweep) = self
                .sweeps
                .iter_mut()
                .filter(|s| !s.complete())
                .min_by_key(|s| s.rows().len())
            else {
                return;
            };
            if let Err(e) = sweep.step() {
                self.error = Some(e.to_string());
                return;
            }
        }
    }

    /// Computes the whole sweep at once (tests).
    #[cfg(test)]
    fn compute_all(&mut self) {
        while !self.complete() && self.error.is_none() {
            self.compute(Duration::from_secs(60));
        }
    }

    /// The load of `strategy` in sweep `i`, at the rates shown.
    fn load(&self, i: usize, strategy: Strategy) -> Vec<[f64; 2]> {
        self.rows_of(i, strategy, |r| r.load_pct)
    }

    /// The highest load computed so far in any sweep: the load axes span it from the
    /// start, so they do not grow as the rates are revealed, and the panels compare.
    fn max_load(&self) -> f64 {
        self.sweeps
            .iter()
            .flat_map(|s| s.rows().iter().map(|r| r.load_pct))
            .fold(100.0, f64::max)
    }

    /// `value` of `strategy`'s rows in sweep `i`, at the rates shown.
    fn rows_of(&self, i: usize, strategy: Strategy, value: fn(&SweepRow) -> f64) -> Vec<[f64; 2]> {
        let shown = self.shown_rates();
        self.sweeps.get(i).map_or_else(Vec::new, |s| {
            s.rows()
                .iter()
                .filter(|r| r.strategy == strategy)
                .take(shown)
                .map(|r| [r.failure_rate, value(r)])
                .collect()
        })
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut runs = self.runs;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Runs per point");
            ui.add(egui::DragValue::new(&mut runs).range(1..=10))
                .labelled_by(label.id)
                .on_hover_text("Each point is the mean of this many seeded runs of 10 s");
            let total: usize = self.sweeps.iter().map(|s| s.rows().len()).sum();
            let all = PAGE_RATES.len() * (self.settings.current.len() + 8);
            if total < all {
                ui.spinner();
                ui.weak(format!(
                    "computing: {} of {} failure rates",
                    self.ready(),
                    PAGE_RATES.len()
                ));
            }
        });
        if changed_note(ui, runs != PAGE_RUNS) {
            runs = PAGE_RUNS;
        }
        let changed = runs != self.runs;
        self.runs = runs;
        changed
    }

    /// The numbers at the failure rate shown, beside the closed forms where there are
    /// some.
    fn table_ui(&self, ui: &mut egui::Ui) {
        let shown = self.shown_rates();
        if shown == 0 {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing the first failure rate…");
            });
            return;
        }
        let p = PAGE_RATES[shown - 1];
        ui.label(
            RichText::new(format!(
                "The service fails {} of calls (step {} of {})",
                pct(p),
                shown - 1,
                PAGE_RATES.len() - 1
            ))
            .strong(),
        );
        let Some(main) = self.sweeps.first() else {
            return;
        };
        egui::Grid::new("retries-table")
            .num_columns(4)
            .striped(true)
            .spacing([theme::SPACE_L, theme::SPACE_XS])
            .show(ui, |ui| {
                ui.strong("strategy");
                ui.strong("success");
                ui.strong("load");
                ui.strong("closed form");
                ui.end_row();
                for row in main.rows().iter().filter(|r| r.failure_rate == p) {
                    ui.label(
                        RichText::new(row.strategy.label())
                            .color(strategy_colour(row.strategy).in_ui(ui)),
                    );
                    ui.label(format!("{:.2}\u{a0}%", row.success_pct));
                    ui.label(format!("{:.1}\u{a0}%", row.load_pct));
                    ui.weak(closed_form(row.strategy, p));
                    ui.end_row();
                }
            });
    }

    fn main_plots_ui(&self, ui: &mut egui::Ui) {
        let strategies = self.settings.current;
        let axis = self.axis("retries-main", &[0.01, 0.02, 0.05, 0.1, 0.2, 0.75]);
        let success: Vec<_> = strategies
            .iter()
            .map(|&s| (s, self.rows_of(0, s, |r| r.success_pct)))
            .collect();
        let load: Vec<_> = strategies.iter().map(|&s| (s, self.load(0, s))).collect();
        let entries: Vec<LegendEntry> = strategies
            .iter()
            .map(|&s| LegendEntry::line(s.label(), strategy_colour(s), strategy_dash(s)))
            .collect();
        legend_row(ui, &entries);
        let side_by_side = ui.available_width() >= 760.0;
        let width = if side_by_side {
            (ui.available_width() - theme::SPACE_M) / 2.0
        } else {
            ui.available_width()
        };
        let breaker = || XMarker {
            value: 0.1,
            label: "breaker limit 10\u{a0}%".into(),
            colour: strategy_colour(Strategy::Breaker),
        };
        let draw_success = |ui: &mut egui::Ui| {
            let mut chart = SweepChart::new(
                "retries-success",
                "Calls that finally succeed",
                "success (%)",
            )
            .percent()
            .width(width)
            .without_legend()
            .marker(breaker());
            for (s, points) in &success {
                chart = chart.trace(trace(*s, points));
            }
            chart.show(ui, &axis);
        };
        let draw_load = |ui: &mut egui::Ui| {
            let mut chart = SweepChart::new(
                "retries-load",
                "Load on the service (all attempts over calls)",
                "load (%)",
            )
            .width(width)
            .without_legend()
            .include_y(self.max_load())
            .marker(breaker())
            .threshold(Threshold {
                name: "bucket refill".into(),
                value: 110.0,
                colour: strategy_colour(Strategy::TokenBucket),
                label: "bucket refill: 110\u{a0}%".into(),
            });
            for (s, points) in &load {
                chart = chart.trace(trace(*s, points));
            }
            chart.show(ui, &axis);
        };
        if side_by_side {
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| draw_success(ui));
                ui.vertical(|ui| draw_load(ui));
            });
        } else {
            draw_success(ui);
            draw_load(ui);
        }
    }

    fn axis(&self, link: &str, labelled: &'static [f64]) -> SweepAxis<'static> {
        let shown = self.shown_rates();
        SweepAxis {
            link: egui::Id::unique(link),
            values: &PAGE_RATES,
            labelled,
            label: "failure rate (log scale)",
            format: pct,
            now: shown.checked_sub(1).map(|i| PAGE_RATES[i]),
        }
    }

    /// The post's client-count section: 1,000 calls/s in all, over 10, 100 or 1,000
    /// clients, as small multiples of the load.
    fn clients_ui(&self, ui: &mut egui::Ui) {
        ui.label(RichText::new("The same load over 10, 100 and 1,000 clients").strong());
        ui.label(
            "Each client keeps its own bucket or breaker. With many clients each sees only a \
             few calls in 10\u{a0}s: the bucket's five starting tokens cover most of its \
             retries, so it acts like three retries, while one early failure puts a \
             breaker's ratio past 10\u{a0}%, so it acts like no retries.",
        );
        let entries: Vec<LegendEntry> = Strategy::POST
            .iter()
            .map(|&s| LegendEntry::line(s.label(), strategy_colour(s), Dash::Solid))
            .collect();
        legend_row(ui, &entries);
        let axis = self.axis("retries-clients", &[0.01, 0.1, 0.75]);
        let width = ((ui.available_width() - 2.0 * theme::SPACE_M) / 3.0).max(220.0);
        // The panel's 100 clients are the main sweep's; its other counts follow it.
        let panels = [
            ("retries-clients-10", "10 clients, 100 calls/s each", 1),
            ("retries-clients-100", "100 clients, 10 calls/s each", 0),
            ("retries-clients-1000", "1,000 clients, 1 call/s each", 2),
        ];
        ui.horizontal_wrapped(|ui| {
            for (id, title, sweep) in panels {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    let mut chart = SweepChart::new(id, title, "load (%)")
                        .width(width)
                        .height(150.0)
                        .without_legend()
                        .include_y(self.max_load());
                    let lines: Vec<_> = Strategy::POST
                        .iter()
                        .map(|&s| (s, self.load(sweep, s)))
                        .collect();
                    for (s, points) in &lines {
                        chart = chart.trace(trace(*s, points));
                    }
                    chart.show(ui, &axis);
                });
            }
        });
    }
}

fn trace(strategy: Strategy, points: &[[f64; 2]]) -> Trace<'_> {
    let t = Trace::new(strategy.label(), points, strategy_colour(strategy));
    match strategy_dash(strategy) {
        Dash::Solid => t,
        Dash::Dashed => t.dashed(),
    }
}

/// The closed form of the strategies that have one, at failure rate `p`.
fn closed_form(strategy: Strategy, p: f64) -> String {
    match strategy {
        Strategy::None => format!("1 − p = {:.2}\u{a0}%, load 100\u{a0}%", 100.0 * (1.0 - p)),
        Strategy::Retries3 => format!(
            "1 − p⁴ = {:.2}\u{a0}%, load 1 + p + p² + p³ = {:.1}\u{a0}%",
            100.0 * (1.0 - p.powi(4)),
            100.0 * (1.0 + p + p * p + p.powi(3))
        ),
        _ => String::new(),
    }
}

/// How each real budget differs from the post's model, in a few words each.
fn real_budgets_ui(ui: &mut egui::Ui) {
    egui::CollapsingHeader::new(
        RichText::new("How the real budgets differ from the post's").strong(),
    )
    .id_salt("retries-real-budgets")
    .default_open(false)
    .show(ui, |ui| {
        for (strategy, text) in [
            (
                Strategy::AwsStandard,
                "A quota of 500 per client; a retry takes 5 (10 after a timeout, which this \
                     model never has) and a first-try success gives 1 back. The quota is big \
                     and refills on successes, not on new calls, so it behaves like two \
                     retries until it runs dry: at 75\u{a0}% failures that takes about 10\u{a0}s \
                     here. The SDKs also back off with jitter, which this model leaves out.",
            ),
            (
                Strategy::GrpcThrottling,
                "10 tokens per channel; every failed attempt costs 1, every success returns \
                     0.1, and retries stop at or below 5. It charges failures, not retries, so \
                     it works like a breaker on the recent failure rate (about 9\u{a0}%), but \
                     with a memory of a few dozen calls instead of the whole run.",
            ),
            (
                Strategy::FinagleBudget,
                "Each request deposits 0.2 retry, over a sliding 10\u{a0}s window, on top of \
                     a reserve of 10 retries a second. The reserve is sized for busy clients: at \
                     10 calls/s it covers three retries of every failure up to about 60\u{a0}%, \
                     and the budget only bites above that.",
            ),
        ] {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(strategy.label())
                        .strong()
                        .color(strategy_colour(strategy).in_ui(ui)),
                );
                ui.label(text);
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::retry_strategies::{RetryConfig, sweep};

    /// The page computes the rows `workbook sim retries --strategies ... --runs 2
    /// --clients N --seed S` prints, for both presets and the panel's client counts.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        let mut view = RetriesView::default();
        view.set_preset(1);
        view.rebuild(3);
        view.compute_all();
        let cli = |clients: u32, strategies: &[Strategy]| {
            sweep(&PAGE_RATES, strategies, PAGE_RUNS, 3, |p, s| {
                RetryConfig::spread(clients, p, s)
            })
            .unwrap()
        };
        assert_eq!(view.sweeps[0].rows(), cli(100, &Strategy::ALL).as_slice());
        assert_eq!(view.sweeps[2].rows(), cli(1000, &Strategy::POST).as_slice());
    }

    #[test]
    fn the_clock_waits_for_the_rates_it_shows() {
        let mut view = RetriesView::default();
        assert_eq!(view.shown_rates(), 0);
        view.advance_to(3_000.0);
        view.compute_all();
        assert_eq!(view.shown_rates(), 4, "steps 0 to 3");
        assert_eq!(view.now_ms(), 3_000.0);
        assert!(!view.finished());
        view.advance_to(8_000.0);
        assert!(view.finished());
        // Back to step 1 without recomputing: the sweep is kept for the seed.
        view.seek(1, 1_000.0);
        assert!(view.complete());
        assert_eq!(view.shown_rates(), 2);
    }
}
