//! Retries with backoff and jitter: the five schedules, a live run of Brooker's contention
//! model with one square per client, the write timeline (waves without jitter, a smooth
//! decay with it), and the full sweep of work and completion time against client count.

use std::sync::mpsc;

use egui::{Color32, RichText, Sense, vec2};
use egui_plot::{AxisHints, Bar, BarChart, HLine, Line, Points};

use crate::sim::backoff::{
    self, Algorithm, BackoffError, CAP_MS, ContentionConfig, ContentionSim, Phase, SweepRow,
};
use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::SimTime;
use crate::sim::presets;
use crate::ui::sim_page::{Settings, SimBody};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::sim_plot::{self, Dash, LegendEntry, TimeAxis, legend_row};

/// Attempts shown in the delay plot, and clients sampled per attempt.
const DELAY_ATTEMPTS: u32 = 10;
const DELAY_SAMPLES: u32 = 40;
/// Client counts of the sweep, as in the article.
const SWEEP_CLIENTS: [u32; 19] = [
    10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190,
];
const PLOT_HEIGHT: f32 = 230.0;

/// One colour per algorithm, taken from the semantic palette: no backoff is the failure
/// case, plain exponential the waiting one, full jitter the healthy recommendation.
fn algorithm_semantic(algorithm: Algorithm) -> Semantic {
    match algorithm {
        Algorithm::None => Semantic::Failing,
        Algorithm::Exponential => Semantic::Waiting,
        Algorithm::FullJitter => Semantic::Healthy,
        Algorithm::EqualJitter => Semantic::Slow,
        Algorithm::Decorrelated => Semantic::Rejected,
    }
}

fn algorithm_colour(dark: bool, algorithm: Algorithm) -> Color32 {
    algorithm_semantic(algorithm).color(dark)
}

/// The legend row of a plot with one line per algorithm.
fn algorithm_legend(ui: &mut egui::Ui, algorithms: impl IntoIterator<Item = Algorithm>) {
    let entries: Vec<LegendEntry> = algorithms
        .into_iter()
        .map(|a| LegendEntry::line(a.label(), algorithm_semantic(a), Dash::Solid))
        .collect();
    legend_row(ui, &entries);
}

fn phase_semantic(phase: Phase) -> Semantic {
    match phase {
        Phase::Reading => Semantic::Neutral,
        Phase::Writing => Semantic::Accent,
        Phase::Sleeping => Semantic::Waiting,
        Phase::Done => Semantic::Healthy,
    }
}

fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Reading => "reading",
        Phase::Writing => "writing",
        Phase::Sleeping => "backing off",
        Phase::Done => "done",
    }
}

enum Sweep {
    Running {
        rx: mpsc::Receiver<Result<Vec<SweepRow>, BackoffError>>,
        key: (u32, u64),
    },
    Done {
        rows: Vec<SweepRow>,
        key: (u32, u64),
    },
    Failed(String),
}

impl std::fmt::Debug for Sweep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Running { key, .. } => write!(f, "Running({key:?})"),
            Self::Done { key, rows } => write!(f, "Done({key:?}, {} rows)", rows.len()),
            Self::Failed(e) => write!(f, "Failed({e})"),
        }
    }
}

const INFO: &SimInfo = &catalog::SIMULATIONS[5];

fn preset_config(name: &str) -> ContentionConfig {
    presets::backoff(name).unwrap_or(ContentionConfig {
        record_writes: true,
        ..ContentionConfig::article(50, Algorithm::FullJitter)
    })
}

#[derive(Debug)]
pub struct BackoffView {
    /// The live run's clients and algorithm.
    settings: Settings<ContentionConfig>,
    seed: u64,
    sim: Option<ContentionSim>,
    /// When the live run's last client is done, from a copy run to the end at each
    /// rebuild (at most 190 clients: well under a millisecond).
    end_ms: f64,
    /// Complete runs of every algorithm at the live client count, for the timeline.
    compare: Vec<(Algorithm, ContentionSim)>,
    compare_key: Option<(u32, u64)>,
    sweep_runs: u32,
    sweep: Option<Sweep>,
    show_exponential_time: bool,
}

impl Default for BackoffView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, preset_config),
            seed: 1,
            sim: None,
            end_ms: 1.0,
            compare: Vec::new(),
            compare_key: None,
            sweep_runs: 100,
            sweep: None,
            show_exponential_time: false,
        };
        view.rebuild(1);
        view
    }
}

impl SimBody for BackoffView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 50.0;
    const DEFAULT_SPEED: f64 = 0.5;

    fn now_ms(&self) -> f64 {
        self.sim.as_ref().map_or(0.0, |s| s.now().as_ms())
    }

    fn end_ms(&self) -> f64 {
        self.end_ms
    }

    fn finished(&self) -> bool {
        self.sim.as_ref().is_none_or(ContentionSim::finished)
    }

    fn advance_to(&mut self, ms: f64) {
        if let Some(sim) = self.sim.as_mut() {
            sim.step_until(SimTime::from_ms(ms));
        }
    }

    fn rebuild(&mut self, seed: u64) {
        self.seed = seed;
        self.sim = ContentionSim::new(self.settings.current.clone(), seed).ok();
        self.end_ms = self.sim.as_ref().map_or(1.0, |s| {
            let mut end = s.clone();
            end.run_to_end().time_ms.max(1.0)
        });
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, _axis: &TimeAxis) -> bool {
        let changed = self.live_ui(ui);
        ui.add_space(theme::SPACE_L);
        self.delays_ui(ui);
        ui.add_space(theme::SPACE_L);
        self.timeline_ui(ui);
        ui.add_space(theme::SPACE_L);
        self.sweep_ui(ui);
        changed
    }
}

impl BackoffView {
    fn delays_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Delay before each retry").strong());
        ui.label(
            "Each dot is one client's sleep before retry n (40 clients per algorithm), on a \
             log scale. Without jitter every client sleeps the same; jitter spreads them out. \
             No backoff sleeps 0 ms, so it has no dots; sleeps under 1 ms sit on the 1 ms line.",
        );
        let dark = ui.visuals().dark_mode;
        let mut legend: Vec<LegendEntry> = Algorithm::ALL
            .into_iter()
            .filter(|&a| a != Algorithm::None)
            .map(|a| LegendEntry::dot(a.label(), algorithm_semantic(a)))
            .collect();
        legend.push(LegendEntry::line(
            "cap 2 s",
            Semantic::Neutral,
            Dash::Dashed,
        ));
        legend_row(ui, &legend);
        sim_plot::base_plot("backoff-delays", PLOT_HEIGHT, "sleep (ms)")
            .y_grid_spacer(egui_plot::log_grid_spacer(10))
            .y_axis_formatter(|mark, _| sim_plot::ms_label(10f64.powf(mark.value)))
            .include_y(0.0)
            .include_y(CAP_MS.log10() + 0.1)
            .include_x(0.5)
            .include_x(DELAY_ATTEMPTS as f64 + 0.5)
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
            // One label per retry: the default spacing wants 60 px between x labels,
            // more than a retry gets, but these are one or two digits.
            .custom_x_axes(vec![
                AxisHints::new_x()
                    .label("retry number n")
                    .label_spacing(24.0..=32.0)
                    .formatter(|mark, _| {
                        let n = mark.value;
                        if (1.0..=DELAY_ATTEMPTS as f64).contains(&n) && n.fract() == 0.0 {
                            format!("{n:.0}")
                        } else {
                            String::new()
                        }
                    }),
            ])
            .show(ui, |plot| {
                for (i, algorithm) in Algorithm::ALL.into_iter().enumerate() {
                    if algorithm == Algorithm::None {
                        continue;
                    }
                    let offset = (i as f64 - 2.5) * 0.16;
                    let points: Vec<[f64; 2]> =
                        backoff::delay_samples(algorithm, DELAY_ATTEMPTS, DELAY_SAMPLES, 1)
                            .into_iter()
                            .map(|[n, d]| [n + offset, d.max(1.0).log10()])
                            .collect();
                    plot.points(
                        Points::new(algorithm.label(), points)
                            .color(algorithm_colour(dark, algorithm))
                            .radius(2.0),
                    );
                }
                plot.hline(
                    HLine::new("cap 2000 ms", CAP_MS.log10())
                        .color(Semantic::Neutral.color(dark))
                        .style(egui_plot::LineStyle::dashed_dense()),
                );
            });
    }

    /// The live run: its settings, the clients and the writes so far. Returns true when
    /// a setting changed.
    fn live_ui(&mut self, ui: &mut egui::Ui) -> bool {
        ui.label(RichText::new("A live run").strong());
        let before = self.settings.current.clone();
        let c = &mut self.settings.current;
        ui.horizontal_wrapped(|ui| {
            choice_ui(
                ui,
                "Algorithm",
                "backoff-algorithm",
                Some(200.0),
                &mut c.algorithm,
                Algorithm::ALL,
                Algorithm::label,
            );
            let label = ui.label("Clients");
            ui.add(egui::Slider::new(&mut c.clients, 10..=190).step_by(10.0))
                .labelled_by(label.id)
                .on_hover_text("How many clients race for the row");
        });
        let changed = self.settings.changed_ui(ui, &before);
        let Some(sim) = self.sim.as_ref() else {
            ui.colored_label(Semantic::Failing.in_ui(ui), "This setting cannot run.");
            return changed;
        };
        let done = sim.done_clients();
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("writes sent: {}", sim.calls()));
            ui.separator();
            ui.label(format!("done: {done} of {}", self.settings.current.clients));
            if sim.finished() {
                ui.separator();
                ui.label(
                    RichText::new(format!(
                        "finished: {} writes in {}",
                        sim.calls(),
                        sim_plot::qty(format!("{:.0}", sim.outcome().time_ms), "ms")
                    ))
                    .strong(),
                );
            }
        });
        clients_grid_ui(ui, sim);
        write_bars_ui(ui, sim, self.end_ms);
        changed
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Writes over time, whole runs").strong());
        let clients = self.settings.current.clients;
        ui.label(format!(
            "Writes reaching the server per 10\u{a0}ms, for {clients} clients and the same seed. \
             Without jitter the clients collide in waves, and each wave is further apart; with \
             jitter the writes thin out smoothly. The first 2.5\u{a0}s are shown; plain \
             exponential goes on for many seconds."
        ));
        let clients = self.settings.current.clients;
        let key = (clients, self.seed);
        if self.compare_key != Some(key) {
            self.compare = Algorithm::ALL
                .into_iter()
                .filter_map(|a| {
                    let config = ContentionConfig {
                        record_writes: true,
                        ..ContentionConfig::article(clients, a)
                    };
                    let mut sim = ContentionSim::new(config, self.seed).ok()?;
                    sim.run_to_end();
                    Some((a, sim))
                })
                .collect();
            self.compare_key = Some(key);
        }
        const BIN_MS: f64 = 10.0;
        const SHOWN_S: f64 = 2.5;
        let dark = ui.visuals().dark_mode;
        let series: Vec<(Algorithm, Vec<[f64; 2]>)> = self
            .compare
            .iter()
            .map(|(algorithm, sim)| {
                let counts = binned(sim.writes().iter().map(|w| w.at_ms), BIN_MS);
                let points = counts
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| [(i as f64 + 0.5) * BIN_MS / 1000.0, c as f64])
                    .take_while(|p| p[0] <= SHOWN_S)
                    .collect();
                (*algorithm, points)
            })
            .collect();
        // One small plot per algorithm on the same axes: five spiky lines drawn over
        // each other hide each other's waves.
        let y_max = series
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| p[1]))
            .fold(1.0, f64::max);
        let gap = theme::SPACE_M;
        let columns = if ui.available_width() >= 900.0 {
            3.0
        } else {
            2.0
        };
        let width = ((ui.available_width() - (columns - 1.0) * gap) / columns).max(200.0);
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for (algorithm, points) in &series {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    ui.label(
                        RichText::new(algorithm.label())
                            .strong()
                            .color(algorithm_colour(dark, *algorithm)),
                    );
                    sim_plot::base_plot(
                        &format!("backoff-timeline-{}", algorithm.label()),
                        110.0,
                        "per 10 ms",
                    )
                    .width(width)
                    .x_axis_label("time (s)")
                    .y_grid_spacer(sim_plot::round_steps(true))
                    .show(ui, |plot| {
                        plot.set_auto_bounds([false, false]);
                        plot.set_plot_bounds_x(0.0..=SHOWN_S);
                        plot.set_plot_bounds_y(0.0..=y_max * 1.05);
                        plot.line(
                            Line::new(algorithm.label(), points.clone())
                                .color(algorithm_colour(dark, *algorithm))
                                .width(1.5),
                        );
                    });
                });
            }
        });
    }

    fn sweep_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("The sweep: 10 to 190 clients").strong());
        let key = (self.sweep_runs, self.seed);
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Runs per point");
            ui.add(egui::Slider::new(&mut self.sweep_runs, 10..=100).step_by(10.0))
                .labelled_by(label.id)
                .on_hover_text("Each point is the mean of this many seeded runs");
            ui.checkbox(
                &mut self.show_exponential_time,
                "Show plain exponential on the time plot",
            )
            .on_hover_text("It takes so much longer that it flattens the other lines");
        });
        let stale = match &self.sweep {
            None => true,
            Some(Sweep::Done { key: k, .. }) | Some(Sweep::Running { key: k, .. }) => *k != key,
            Some(Sweep::Failed(_)) => false,
        };
        if stale {
            let (tx, rx) = mpsc::channel();
            let (runs, seed) = key;
            let ctx = ui.ctx().clone();
            std::thread::spawn(move || {
                let rows = backoff::sweep(&SWEEP_CLIENTS, &Algorithm::ALL, runs, seed);
                // The view may be gone; then nobody needs the result.
                let _ = tx.send(rows);
                ctx.request_repaint();
            });
            self.sweep = Some(Sweep::Running { rx, key });
        }
        if let Some(Sweep::Running { rx, key }) = &self.sweep {
            match rx.try_recv() {
                Ok(Ok(rows)) => self.sweep = Some(Sweep::Done { rows, key: *key }),
                Ok(Err(e)) => self.sweep = Some(Sweep::Failed(e.to_string())),
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.sweep = Some(Sweep::Failed("the sweep stopped unexpectedly".into()))
                }
            }
        }
        match &self.sweep {
            Some(Sweep::Done { rows, .. }) => {
                let rows = rows.clone();
                self.sweep_plots_ui(ui, &rows);
            }
            Some(Sweep::Failed(e)) => {
                ui.colored_label(
                    Semantic::Failing.in_ui(ui),
                    format!("The sweep failed: {e}"),
                );
            }
            _ => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!(
                        "Running {} simulations…",
                        SWEEP_CLIENTS.len() * Algorithm::ALL.len() * self.sweep_runs as usize
                    ));
                });
            }
        }
    }

    fn sweep_plots_ui(&self, ui: &mut egui::Ui, rows: &[SweepRow]) {
        let series = |algorithm: Algorithm, value: fn(&SweepRow) -> f64| -> Vec<[f64; 2]> {
            rows.iter()
                .filter(|r| r.algorithm == algorithm)
                .map(|r| [r.clients as f64, value(r)])
                .collect()
        };
        let width = ((ui.available_width() - theme::SPACE_M) / 2.0).max(240.0);
        let max_calls = rows.iter().map(|r| r.mean_calls).fold(0.0, f64::max);
        let max_time = rows
            .iter()
            .filter(|r| self.show_exponential_time || r.algorithm != Algorithm::Exponential)
            .map(|r| r.mean_time_ms / 1000.0)
            .fold(0.0, f64::max);
        let dark = ui.visuals().dark_mode;
        ui.horizontal_wrapped(|ui| {
            ui.vertical(|ui| {
                ui.set_width(width);
                ui.label(RichText::new("Total writes (work)").strong());
                algorithm_legend(ui, Algorithm::ALL);
                sim_plot::base_plot("backoff-sweep-calls", PLOT_HEIGHT, "writes per run")
                    .width(width)
                    .x_axis_label("clients")
                    .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [10.0, 50.0, 100.0]))
                    .y_grid_spacer(sim_plot::round_steps(true))
                    .include_y(0.0)
                    .include_y(max_calls * 1.05)
                    .show(ui, |plot| {
                        for a in Algorithm::ALL {
                            plot.line(
                                Line::new(a.label(), series(a, |r| r.mean_calls))
                                    .color(algorithm_colour(dark, a))
                                    .width(2.0),
                            );
                        }
                    });
            });
            ui.vertical(|ui| {
                ui.set_width(width);
                ui.label(RichText::new("Time until the last client is done").strong());
                let shown = Algorithm::ALL
                    .into_iter()
                    .filter(|&a| a != Algorithm::Exponential || self.show_exponential_time);
                algorithm_legend(ui, shown);
                sim_plot::base_plot("backoff-sweep-time", PLOT_HEIGHT, "seconds")
                    .width(width)
                    .x_axis_label("clients")
                    .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [10.0, 50.0, 100.0]))
                    .y_grid_spacer(sim_plot::round_steps(false))
                    .include_y(0.0)
                    .include_y(max_time * 1.05)
                    .show(ui, |plot| {
                        for a in Algorithm::ALL {
                            if a == Algorithm::Exponential && !self.show_exponential_time {
                                continue;
                            }
                            plot.line(
                                Line::new(a.label(), series(a, |r| r.mean_time_ms / 1000.0))
                                    .color(algorithm_colour(dark, a))
                                    .width(2.0),
                            );
                        }
                    });
            });
        });
        if let (Some(full), Some(expo)) = (
            rows.iter().rfind(|r| r.algorithm == Algorithm::FullJitter),
            rows.iter().rfind(|r| r.algorithm == Algorithm::Exponential),
        ) {
            ui.label(format!(
                "At {} clients full jitter needs {:.0} writes and {:.1} s; plain exponential \
                 {:.0} writes and {:.1} s.",
                full.clients,
                full.mean_calls,
                full.mean_time_ms / 1000.0,
                expo.mean_calls,
                expo.mean_time_ms / 1000.0
            ));
        }
    }
}

/// Counts of `times_ms` per bin of `bin_ms`.
fn binned(times_ms: impl Iterator<Item = f64>, bin_ms: f64) -> Vec<u32> {
    let mut counts: Vec<u32> = Vec::new();
    for t in times_ms {
        let bin = (t / bin_ms) as usize;
        if counts.len() <= bin {
            counts.resize(bin + 1, 0);
        }
        counts[bin] += 1;
    }
    counts
}

/// One square per client, coloured by what it is doing, with a legend.
fn clients_grid_ui(ui: &mut egui::Ui, sim: &ContentionSim) {
    const CELL: f32 = 14.0;
    const GAP: f32 = 3.0;
    let n = sim.config().clients as usize;
    // As many per row as fit, then evened out: 50 clients wrap as 25 + 25, not 48 + 2.
    let fit = (((ui.available_width() + GAP) / (CELL + GAP)) as usize).clamp(10, 48);
    let rows = n.div_ceil(fit).max(1);
    let per_row = n.div_ceil(rows).max(1);
    let (rect, _) = ui.allocate_exact_size(
        vec2(
            per_row as f32 * (CELL + GAP) - GAP,
            rows as f32 * (CELL + GAP) - GAP,
        ),
        Sense::hover(),
    );
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter_at(rect);
    for (i, phase) in sim.phases().enumerate() {
        let (row, col) = (i / per_row, i % per_row);
        let min = rect.min + vec2(col as f32 * (CELL + GAP), row as f32 * (CELL + GAP));
        let cell = egui::Rect::from_min_size(min, vec2(CELL, CELL));
        let semantic = phase_semantic(phase);
        painter.rect_filled(cell, 3.0, semantic.color(dark));
    }
    ui.horizontal_wrapped(|ui| {
        for phase in [Phase::Reading, Phase::Writing, Phase::Sleeping, Phase::Done] {
            let (r, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
            ui.painter()
                .rect_filled(r, 2.0, phase_semantic(phase).color(dark));
            ui.label(RichText::new(phase_label(phase)).small());
            ui.add_space(theme::SPACE_S);
        }
    });
}

/// Accepted and rejected writes so far, as stacked bars in bins of one eightieth of the
/// run (fixed for the run, so the bars do not change width as it plays).
fn write_bars_ui(ui: &mut egui::Ui, sim: &ContentionSim, end_ms: f64) {
    let bin = (end_ms / 80.0).max(10.0).round();
    let accepted = binned(
        sim.writes().iter().filter(|w| w.accepted).map(|w| w.at_ms),
        bin,
    );
    let rejected = binned(
        sim.writes().iter().filter(|w| !w.accepted).map(|w| w.at_ms),
        bin,
    );
    let bars = |counts: &[u32]| -> Vec<Bar> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &c)| Bar::new((i as f64 + 0.5) * bin / 1000.0, c as f64).width(bin / 1000.0))
            .collect()
    };
    let dark = ui.visuals().dark_mode;
    let ok = BarChart::new("accepted", bars(&accepted)).color(Semantic::Healthy.color(dark));
    let bad = BarChart::new("rejected", bars(&rejected))
        .color(Semantic::Failing.color(dark))
        .stack_on(&[&ok]);
    ui.label(RichText::new(format!("Writes per {}", sim_plot::qty(bin, "ms"))).strong());
    legend_row(
        ui,
        &[
            LegendEntry::band("accepted", Semantic::Healthy),
            LegendEntry::band("rejected", Semantic::Failing),
        ],
    );
    sim_plot::base_plot("backoff-live-writes", 160.0, "writes")
        .x_axis_label("time (s)")
        .y_grid_spacer(sim_plot::round_steps(true))
        .include_x(0.0)
        .include_x(end_ms / 1000.0)
        .include_y(0.0)
        .include_y(4.0)
        .show(ui, |plot| {
            plot.bar_chart(ok);
            plot.bar_chart(bad);
            plot.vline(
                egui_plot::VLine::new("now", sim.now().as_secs())
                    .color(Semantic::Neutral.color(dark))
                    .width(1.0),
            );
        });
}
