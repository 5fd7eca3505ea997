//! The bulkheads simulation: the same requests served by one shared pool and by
//! partitioned pools, side by side on one seed, while the report query turns slow. Each
//! pool is a grid of slots coloured by the workload holding it, with its queue below.
//!
//! Seeking re-runs both layouts from the seed with the faults injected so far (see
//! [`PairedRuns`]): about
//! 60 requests a virtual second, so a full re-run is a few thousand requests.

use crate::sim::bulkhead::{
    BACKGROUND, BulkheadConfig, BulkheadFault, BulkheadSim, CRITICAL, PoolMode, REPORTS,
    ScheduledBulkheadFault,
};
use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::SimTime;
use crate::sim::presets;
use crate::ui::sim_page::{
    FaultButton, Injected, Marker, PairedModel, PairedRuns, Settings, SimBody, changed_note,
    fault_group,
};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::setting_rows::{median_row, slider_row};
use crate::ui::widgets::sim_plot::{Threshold, TimeAxis, TimeChart, Trace, qty};
use crate::ui::widgets::slot_grid::{queue_ui, slot_grid_ui, swatch_ui};

const INFO: &SimInfo = &catalog::SIMULATIONS[1];

/// The colour a workload's requests wear in slots, queues and legends: the critical API is
/// the healthy traffic the bulkheads protect; reports are the query that turns slow.
fn workload_meaning(w: usize) -> Semantic {
    match w {
        CRITICAL => Semantic::Healthy,
        REPORTS => Semantic::Slow,
        _ => Semantic::Neutral,
    }
}

#[derive(Debug)]
pub struct BulkheadView {
    settings: Settings<BulkheadConfig>,
    /// Partitioned pools, one shared pool, and the faults injected by hand.
    runs: PairedRuns<BulkheadSim>,
}

impl Default for BulkheadView {
    fn default() -> Self {
        let settings = Settings::new(INFO, |name| presets::bulkhead(name).unwrap_or_default());
        Self {
            runs: PairedRuns::new(&settings.current, 1),
            settings,
        }
    }
}

impl PairedModel for BulkheadSim {
    type Config = BulkheadConfig;
    type Injection = BulkheadFault;

    /// The same config and seed, with partitioned pools and with one shared pool.
    fn pair(
        config: &BulkheadConfig,
        injected: &[Injected<BulkheadFault>],
        seed: u64,
    ) -> (Self, Self) {
        let mut config = config.clone();
        config
            .faults
            .extend(injected.iter().map(|i| ScheduledBulkheadFault {
                at_ms: i.at_ms,
                fault: i.what,
            }));
        config.faults.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        (
            BulkheadSim::new(config.with_mode(PoolMode::Partitioned), seed),
            BulkheadSim::new(config.with_mode(PoolMode::Shared), seed),
        )
    }

    fn now(&self) -> SimTime {
        BulkheadSim::now(self)
    }

    fn advance_to(&mut self, until: SimTime) {
        BulkheadSim::advance_to(self, until);
    }

    fn inject(&mut self, fault: BulkheadFault, _with_pattern: bool) {
        BulkheadSim::inject(self, fault);
    }
}

impl SimBody for BulkheadView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 100.0;

    fn now_ms(&self) -> f64 {
        self.runs.now_ms()
    }

    fn end_ms(&self) -> f64 {
        presets::BULKHEAD_RUN_SECS * 1000.0
    }

    fn advance_to(&mut self, ms: f64) {
        self.runs.advance_to(ms.min(self.end_ms()));
    }

    fn rebuild(&mut self, seed: u64) {
        self.runs.rebuild(&self.settings.current, seed);
    }

    fn seek(&mut self, seed: u64, ms: f64) {
        self.runs
            .seek(&self.settings.current, seed, ms.min(self.end_ms()));
    }

    fn markers(&self) -> Vec<Marker> {
        self.settings
            .current
            .faults
            .iter()
            .map(|f| (f.at_ms, f.fault))
            .chain(self.runs.injected().iter().map(|i| (i.at_ms, i.what)))
            .map(|(at_ms, fault)| match fault {
                BulkheadFault::ReportsSlow => Marker {
                    at_ms,
                    label: "the report query turns slow".into(),
                    colour: Semantic::Slow,
                },
                BulkheadFault::Recover => Marker {
                    at_ms,
                    label: "reports are fast again".into(),
                    colour: Semantic::Healthy,
                },
            })
            .collect()
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn strip_ui(&mut self, ui: &mut egui::Ui) -> bool {
        const FAULTS: [BulkheadFault; 2] = [BulkheadFault::ReportsSlow, BulkheadFault::Recover];
        let buttons = [
            FaultButton::now(
                "Reports get slow",
                "New report requests take the slow service time from now on",
            ),
            FaultButton::now("Recover", "Reports are fast again"),
        ];
        if let Some(i) = fault_group(ui, "Reports", &buttons) {
            self.runs.inject(FAULTS[i]);
        }
        false
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool {
        ui.horizontal_wrapped(|ui| {
            for w in [CRITICAL, REPORTS, BACKGROUND] {
                swatch_ui(
                    ui,
                    workload_meaning(w),
                    &self.settings.current.workloads[w].name,
                );
            }
            let state = if self.runs.without.reports_slow() {
                "· reports are slow now"
            } else {
                "· all workloads healthy"
            };
            ui.label(state);
        });
        ui.add_space(theme::SPACE_S);
        self.pools_ui(ui);
        let changed = self.settings_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.table_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.plots_ui(ui, axis);
        changed
    }
}

impl BulkheadView {
    /// Each pool as slots coloured by the workload holding them, and its queue.
    fn pools_ui(&mut self, ui: &mut egui::Ui) {
        ui.columns(2, |cols| {
            let runs = [
                (&self.runs.without, "One shared pool"),
                (&self.runs.with, "Partitioned bulkheads (same seed)"),
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
                            "{name}: {} of {} in use, max wait {}",
                            pool.in_use,
                            pool.limit.max_concurrent_calls,
                            qty(pool.limit.max_wait_ms, "ms")
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
        // Fixed column widths: numbers growing while it plays must not shift columns.
        egui::Grid::new("bulkhead-table")
            .num_columns(7)
            .min_col_width(72.0)
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
                        (&self.runs.without, "shared"),
                        (&self.runs.with, "partitioned"),
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
                        for ms in [
                            f64::from(s.latency_quantile(0.5)),
                            f64::from(s.latency_quantile(0.99)),
                            s.mean_wait_ms(),
                        ] {
                            ui.label(qty(format!("{ms:.0}"), "ms"));
                        }
                        ui.end_row();
                    }
                }
            });
        ui.weak("Percentiles over the last 10 000 requests; latency = queue wait + service.");
    }

    fn plots_ui(&self, ui: &mut egui::Ui, axis: &TimeAxis) {
        let sh = &self.runs.without.stats()[CRITICAL];
        let pa = &self.runs.with.stats()[CRITICAL];
        TimeChart::new(
            "bulkhead-latency",
            "Critical API latency (p99; gaps: nothing finished)",
            "ms",
        )
        .trace(Trace::new(
            "partitioned",
            pa.latency_p99.points(),
            Semantic::Accent,
        ))
        .trace(Trace::new("shared pool", sh.latency_p99.points(), Semantic::Waiting).dashed())
        .show(ui, axis);
        TimeChart::new("bulkhead-rejections", "Critical API rejections", "per s")
            .trace(Trace::new(
                "partitioned",
                pa.rejections.points(),
                Semantic::Accent,
            ))
            .trace(Trace::new("shared pool", sh.rejections.points(), Semantic::Waiting).dashed())
            .show(ui, axis);
        let occ = self.runs.with.occupancy();
        let shared_occ = &self.runs.without.occupancy()[0];
        let names: Vec<String> = self
            .settings
            .current
            .workloads
            .iter()
            .map(|w| format!("{} pool", w.name))
            .collect();
        let size = self.settings.current.shared.max_concurrent_calls;
        let mut chart = TimeChart::new("bulkhead-occupancy", "Pool occupancy", "permits");
        for (w, s) in occ.iter().enumerate() {
            chart = chart.trace(Trace::new(&names[w], s.points(), workload_meaning(w)));
        }
        chart
            .trace(Trace::new("shared pool", shared_occ.points(), Semantic::Waiting).dashed())
            .threshold(Threshold {
                name: "shared pool size".into(),
                value: f64::from(size),
                colour: Semantic::Waiting,
                label: qty(size, "permits"),
            })
            .show(ui, axis);
    }

    /// Every pool setting, under the pools they size. True when one changed.
    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let preset = self.settings.preset().clone();
        let mut changed = changed_note(
            ui,
            self.settings.current.shared != preset.shared
                || self.settings.current.workloads != preset.workloads,
        );
        if changed {
            self.settings.current.shared = preset.shared;
            self.settings.current.workloads = preset.workloads;
        }
        let c = &mut self.settings.current;
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
