//! The bulkheads simulation view: the same requests served by one shared pool and by
//! partitioned pools, side by side on one seed, while the report query turns slow. Each
//! pool is a grid of slots coloured by the workload holding it, with its queue below.

use crate::sim::bulkhead::{
    BACKGROUND, BulkheadConfig, BulkheadFault, BulkheadSim, CRITICAL, PoolMode, REPORTS,
    ScheduledBulkheadFault,
};
use crate::sim::engine::SimTime;
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::setting_rows::{median_row, slider_row};
use crate::ui::widgets::sim_controls::{SimAction, SimControls};
use crate::ui::widgets::sim_plot::{PlotLine, Reference, time_plot_ui};
use crate::ui::widgets::slot_grid::{queue_ui, slot_grid_ui, swatch_ui};

/// The colour a workload's requests wear in slots, queues and legends: the critical API is
/// the healthy traffic the bulkheads protect; reports are the query that turns slow.
fn workload_meaning(w: usize) -> Semantic {
    match w {
        CRITICAL => Semantic::Healthy,
        REPORTS => Semantic::Slow,
        _ => Semantic::Neutral,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preset {
    SlowReportQuery,
    QuietDay,
}

impl Preset {
    const ALL: [Preset; 2] = [Preset::SlowReportQuery, Preset::QuietDay];

    fn label(self) -> &'static str {
        match self {
            Preset::SlowReportQuery => "The slow report query",
            Preset::QuietDay => "A quiet day",
        }
    }

    fn explain(self) -> &'static str {
        match self {
            Preset::SlowReportQuery => {
                "At 10 s the report query turns slow (30 s instead of 0.8 s) until 50 s. In one shared pool the reports pile up and take every thread; partitioned, they can only fill their own five."
            }
            Preset::QuietDay => {
                "Nothing goes wrong: both layouts serve everyone. Inject \"Reports get slow\" to see the difference."
            }
        }
    }

    fn config(self) -> BulkheadConfig {
        let faults = match self {
            Preset::SlowReportQuery => vec![
                ScheduledBulkheadFault {
                    at_ms: 10_000.0,
                    fault: BulkheadFault::ReportsSlow,
                },
                ScheduledBulkheadFault {
                    at_ms: 50_000.0,
                    fault: BulkheadFault::Recover,
                },
            ],
            Preset::QuietDay => Vec::new(),
        };
        BulkheadConfig {
            faults,
            sample_ms: 500.0,
            ..BulkheadConfig::default()
        }
    }
}

#[derive(Debug)]
pub struct BulkheadView {
    controls: SimControls,
    preset: Preset,
    config: BulkheadConfig,
    shared_run: BulkheadSim,
    parted_run: BulkheadSim,
}

impl Default for BulkheadView {
    fn default() -> Self {
        let preset = Preset::SlowReportQuery;
        let config = preset.config();
        let controls = SimControls::default();
        let (shared_run, parted_run) = build(&config, controls.seed);
        Self {
            controls,
            preset,
            config,
            shared_run,
            parted_run,
        }
    }
}

fn build(config: &BulkheadConfig, seed: u64) -> (BulkheadSim, BulkheadSim) {
    (
        BulkheadSim::new(config.with_mode(PoolMode::Shared), seed),
        BulkheadSim::new(config.with_mode(PoolMode::Partitioned), seed),
    )
}

impl BulkheadView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = true;

    fn reset(&mut self) {
        (self.shared_run, self.parted_run) = build(&self.config, self.controls.seed);
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        let action = self.controls.ui(ui);
        if action == SimAction::Reset {
            self.reset();
        }
        let dt = f64::from(ui.input(|i| i.stable_dt));
        let ms = self.controls.advance_ms(action, dt);
        if ms > 0.0 {
            let until = SimTime(self.shared_run.now().0 + SimTime::from_ms(ms).0);
            self.shared_run.advance_to(until);
            self.parted_run.advance_to(until);
        }
        if self.controls.playing {
            ui.ctx().request_repaint();
        }
        self.faults_ui(ui);
        ui.separator();
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.heading("Bulkheads");
                ui.label(self.preset.explain());
                ui.horizontal_wrapped(|ui| {
                    for w in [CRITICAL, REPORTS, BACKGROUND] {
                        swatch_ui(ui, workload_meaning(w), &self.config.workloads[w].name);
                    }
                    let state = if self.shared_run.reports_slow() {
                        "reports are slow now"
                    } else {
                        "all workloads healthy"
                    };
                    ui.label(format!(
                        "· {:.1} s · {state}",
                        self.shared_run.now().as_secs()
                    ));
                });
                ui.add_space(theme::SPACE_S);
                self.pools_ui(ui);
                ui.add_space(theme::SPACE_M);
                self.table_ui(ui);
                ui.add_space(theme::SPACE_M);
                self.plots_ui(ui);
                ui.add_space(theme::SPACE_M);
                if self.settings_ui(ui) {
                    self.reset();
                }
            });
    }

    fn faults_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            if choice_ui(
                ui,
                "Preset",
                "bulkhead-preset",
                None,
                &mut self.preset,
                Preset::ALL,
                Preset::label,
            ) {
                self.config = self.preset.config();
                self.reset();
            }
            ui.separator();
            for (label, fault, tip) in [
                (
                    "Reports get slow",
                    BulkheadFault::ReportsSlow,
                    "New report requests take the slow service time from now on",
                ),
                ("Recover", BulkheadFault::Recover, "Reports are fast again"),
            ] {
                if ui.button(label).on_hover_text(tip).clicked() {
                    self.shared_run.inject(fault);
                    self.parted_run.inject(fault);
                }
            }
            let n = self.shared_run.fault_log().len();
            if ui
                .add_enabled(n > 0, egui::Button::new("Replay faults"))
                .on_hover_text("Start again from the same seed with the faults injected so far")
                .clicked()
            {
                self.config.faults = self.shared_run.fault_log().to_vec();
                self.reset();
            }
        });
    }

    /// Each pool as slots coloured by the workload holding them, and its queue.
    fn pools_ui(&mut self, ui: &mut egui::Ui) {
        ui.columns(2, |cols| {
            let runs = [
                (&self.shared_run, "One shared pool"),
                (&self.parted_run, "Partitioned bulkheads (same seed)"),
            ];
            for (ui, (sim, title)) in cols.iter_mut().zip(runs) {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(egui::RichText::new(title).strong());
                    for (i, pool) in sim.pools().iter().enumerate() {
                        let name = match sim.config().mode {
                            PoolMode::Shared => "all workloads".to_owned(),
                            PoolMode::Partitioned => sim.config().workloads[i].name.clone(),
                        };
                        ui.label(format!(
                            "{name}: {} of {} in use, max wait {} ms",
                            pool.in_use, pool.limit.max_concurrent_calls, pool.limit.max_wait_ms
                        ));
                        let mut slots =
                            Vec::with_capacity(pool.limit.max_concurrent_calls as usize);
                        for (w, &n) in pool.in_use_by.iter().enumerate() {
                            slots.extend((0..n).map(|_| Some(workload_meaning(w))));
                        }
                        slots.resize(pool.limit.max_concurrent_calls as usize, None);
                        slot_grid_ui(ui, &slots, 20);
                        let waiting: Vec<Semantic> =
                            pool.waiting_workloads().map(workload_meaning).collect();
                        queue_ui(ui, &waiting, 24);
                        ui.add_space(theme::SPACE_XS);
                    }
                });
            }
        });
    }

    /// Per workload: requests, rejections, latency percentiles and queue wait, both runs.
    fn table_ui(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("bulkhead-table")
            .num_columns(7)
            .striped(true)
            .show(ui, |ui| {
                for h in [
                    "Workload",
                    "Pools",
                    "Requests",
                    "Rejected",
                    "p50",
                    "p99",
                    "Mean wait",
                ] {
                    ui.label(egui::RichText::new(h).strong());
                }
                ui.end_row();
                for w in [CRITICAL, REPORTS, BACKGROUND] {
                    for (sim, mode) in [
                        (&self.shared_run, "shared"),
                        (&self.parted_run, "partitioned"),
                    ] {
                        let s = &sim.stats()[w];
                        ui.colored_label(
                            workload_meaning(w).in_ui(ui),
                            &sim.config().workloads[w].name,
                        );
                        ui.label(mode);
                        ui.label(s.arrived.to_string());
                        let rejected = if s.rejected > 0 {
                            Semantic::Rejected.in_ui(ui)
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.colored_label(rejected, s.rejected.to_string());
                        ui.label(format!("{:.0} ms", s.latency_quantile(0.5)));
                        ui.label(format!("{:.0} ms", s.latency_quantile(0.99)));
                        ui.label(format!("{:.0} ms", s.mean_wait_ms()));
                        ui.end_row();
                    }
                }
            });
        ui.weak("Percentiles over the last 10 000 requests; latency = queue wait + service.");
    }

    fn plots_ui(&mut self, ui: &mut egui::Ui) {
        let sh = &self.shared_run.stats()[CRITICAL];
        let pa = &self.parted_run.stats()[CRITICAL];
        let h = 150.0;
        ui.label(egui::RichText::new("Critical API latency (p99)").strong());
        time_plot_ui(
            ui,
            "bulkhead-latency",
            "bulkhead-time",
            "latency (ms)",
            h,
            &[
                PlotLine {
                    name: "partitioned",
                    points: pa.latency_p99.points(),
                    meaning: Semantic::Accent,
                    dashed: false,
                },
                PlotLine {
                    name: "shared pool",
                    points: sh.latency_p99.points(),
                    meaning: Semantic::Neutral,
                    dashed: true,
                },
            ],
            &[],
        );
        ui.label(egui::RichText::new("Critical API rejections").strong());
        time_plot_ui(
            ui,
            "bulkhead-rejections",
            "bulkhead-time",
            "rejections / s",
            h,
            &[
                PlotLine {
                    name: "partitioned",
                    points: pa.rejections.points(),
                    meaning: Semantic::Rejected,
                    dashed: false,
                },
                PlotLine {
                    name: "shared pool",
                    points: sh.rejections.points(),
                    meaning: Semantic::Neutral,
                    dashed: true,
                },
            ],
            &[],
        );
        ui.label(egui::RichText::new("Pool occupancy").strong());
        let occ = self.parted_run.occupancy();
        let shared_occ = &self.shared_run.occupancy()[0];
        let names: Vec<String> = self
            .config
            .workloads
            .iter()
            .map(|w| format!("{} pool", w.name))
            .collect();
        let mut lines: Vec<PlotLine<'_>> = occ
            .iter()
            .enumerate()
            .map(|(w, s)| PlotLine {
                name: &names[w],
                points: s.points(),
                meaning: workload_meaning(w),
                dashed: false,
            })
            .collect();
        lines.push(PlotLine {
            name: "shared pool",
            points: shared_occ.points(),
            meaning: Semantic::Waiting,
            dashed: true,
        });
        time_plot_ui(
            ui,
            "bulkhead-occupancy",
            "bulkhead-time",
            "permits in use",
            h,
            &lines,
            &[Reference {
                name: "shared pool size",
                value: f64::from(self.config.shared.max_concurrent_calls),
                meaning: Semantic::Waiting,
            }],
        );
    }

    /// Every config value as a slider. True when one changed: the runs restart.
    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        let c = &mut self.config;
        egui::CollapsingHeader::new("Pool settings (resilience4j BulkheadConfig)")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("bulkhead-settings")
                    .num_columns(2)
                    .show(ui, |ui| {
                        changed |= slider_row(
                            ui,
                            "Shared pool size",
                            "maxConcurrentCalls of the one shared bulkhead",
                            &mut c.shared.max_concurrent_calls,
                            1..=100,
                            "",
                            false,
                        );
                        changed |= slider_row(
                            ui,
                            "Shared max wait",
                            "maxWaitDuration: how long a call waits for a permit",
                            &mut c.shared.max_wait_ms,
                            0.0..=5_000.0,
                            " ms",
                            false,
                        );
                        for (i, w) in c.workloads.iter_mut().enumerate() {
                            ui.label(egui::RichText::new(&w.name).strong());
                            ui.end_row();
                            changed |= slider_row(
                                ui,
                                "Requests",
                                "Poisson arrivals",
                                &mut w.arrival_rate,
                                0.0..=200.0,
                                " /s",
                                false,
                            );
                            changed |= median_row(ui, "Service time", &mut w.service);
                            if i == REPORTS {
                                changed |= median_row(ui, "When slow", &mut w.slow_service);
                            }
                            changed |= slider_row(
                                ui,
                                "Own pool size",
                                "maxConcurrentCalls of its partition",
                                &mut w.limit.max_concurrent_calls,
                                1..=100,
                                "",
                                false,
                            );
                            changed |= slider_row(
                                ui,
                                "Own max wait",
                                "maxWaitDuration of its partition",
                                &mut w.limit.max_wait_ms,
                                0.0..=5_000.0,
                                " ms",
                                false,
                            );
                        }
                    });
            });
        changed
    }
}
