//! Cascading timeouts: the request path with its pools as gauges, per-layer plots over
//! time, and an observability panel (metrics, a structured log, trace waterfalls) so the
//! learner finds the slow layer the way an engineer would.

use egui::{Align2, Color32, FontId, RichText, Sense, Stroke, StrokeKind, vec2};
use egui_plot::{Bar, BarChart, Plot, Span};

use crate::sim::cascade::{
    CascadeConfig, CascadeSim, HISTOGRAM_BOUNDS_MS, Layer, LogRecord, Outcome, Preset, Trace,
};
use crate::sim::engine::SimTime;
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::sim_controls::{SimAction, SimControls};
use crate::ui::widgets::sim_plot;

const PLOT_HEIGHT: f32 = 190.0;
/// Virtual seconds one run shows.
const RUN_SECS: f64 = 60.0;
const TIER_NAMES: [&str; 4] = ["browser", "load balancer", "app", "database"];
/// Log lines shown at once.
const LOG_ROWS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Layers,
    Observability,
}

#[derive(Debug)]
pub struct CascadeView {
    controls: SimControls,
    preset: Preset,
    config: CascadeConfig,
    sim: Option<CascadeSim>,
    tab: Tab,
    /// The page whose trace is shown; `None` follows the slowest recent page.
    selected_page: Option<u32>,
    log_problems_only: bool,
    log_tier: Option<usize>,
    histogram_tier: usize,
}

impl Default for CascadeView {
    fn default() -> Self {
        Self {
            controls: SimControls {
                speed: 2.0,
                step_ms: 500.0,
                ..SimControls::default()
            },
            preset: Preset::NoTimeouts,
            config: Preset::NoTimeouts.config(),
            sim: None,
            tab: Tab::Layers,
            selected_page: None,
            log_problems_only: true,
            log_tier: None,
            histogram_tier: 0,
        }
    }
}

fn tier_semantic(tier: usize) -> Semantic {
    [
        Semantic::Accent,
        Semantic::Rejected,
        Semantic::Waiting,
        Semantic::Slow,
    ][tier.min(3)]
}

fn outcome_semantic(outcome: Outcome) -> Semantic {
    match outcome {
        Outcome::Open => Semantic::Slow,
        Outcome::Ok => Semantic::Healthy,
        Outcome::Degraded | Outcome::FellBack(_) => Semantic::Waiting,
        Outcome::Rejected | Outcome::Expired => Semantic::Rejected,
        Outcome::TimedOut | Outcome::Cancelled | Outcome::Failed => Semantic::Failing,
    }
}

impl CascadeView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = true;

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        egui::ScrollArea::vertical()
            .id_salt("cascade-scroll")
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.heading("Cascading timeouts");
                ui.label(
                    RichText::new(
                        "A dashboard page: browser → load balancer → app (a pool of threads) → \
                         database. The page has four independent parts (orders, revenue, \
                         activity, analytics). At 10 s the analytics query turns slow (20 s) \
                         until 40 s; from 25 s to 35 s its users press reload, and pages \
                         arrive 4 times as fast.",
                    )
                    .color(ui.visuals().weak_text_color()),
                );
                ui.add_space(theme::SPACE_S);
                let changed = self.settings_ui(ui);
                let action = self.controls.ui(ui);
                self.advance(ui, action, changed);
                let Some(sim) = self.sim.as_ref() else {
                    ui.colored_label(
                        Semantic::Failing.in_ui(ui),
                        "These settings cannot run; pick a preset to start again.",
                    );
                    return;
                };
                ui.add_space(theme::SPACE_S);
                path_ui(ui, sim);
                ui.add_space(theme::SPACE_S);
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.tab, Tab::Layers, "Layers over time");
                    ui.selectable_value(&mut self.tab, Tab::Observability, "Observability");
                });
                ui.separator();
                match self.tab {
                    Tab::Layers => layers_ui(ui, sim),
                    Tab::Observability => self.observability_ui(ui),
                }
            });
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            ui.label("Preset");
            for preset in Preset::ALL {
                if ui
                    .selectable_label(self.preset == preset, preset.label())
                    .on_hover_text(preset.summary())
                    .clicked()
                {
                    self.preset = preset;
                    self.config = preset.config();
                    changed = true;
                }
            }
        });
        ui.label(RichText::new(self.preset.summary()).italics());
        let c = &mut self.config;
        ui.horizontal_wrapped(|ui| {
            ui.label("Timeouts:");
            changed |= seconds_ui(ui, "browser", &mut c.browser_timeout_ms);
            changed |= optional_seconds_ui(ui, "balancer", &mut c.balancer_timeout_ms);
            changed |= optional_seconds_ui(ui, "app", &mut c.app_timeout_ms);
            changed |= optional_seconds_ui(ui, "each part", &mut c.part_timeout_ms);
            changed |= optional_seconds_ui(ui, "db statement", &mut c.db_timeout_ms);
        });
        ui.horizontal_wrapped(|ui| {
            let mut bulkhead = c.analytics_pool.is_some();
            if ui
                .checkbox(&mut bulkhead, "Analytics in its own pool (8 slots)")
                .on_hover_text("A bulkhead: when the pool is full, analytics falls back at once")
                .changed()
            {
                c.analytics_pool = bulkhead.then_some(8);
                changed = true;
            }
            changed |= ui
                .checkbox(&mut c.deadline_propagation, "Deadline propagation")
                .on_hover_text("Each call carries the time its caller has left")
                .changed();
            let preset = self.preset.config();
            changed |= fault_checkbox(
                ui,
                &mut c.slow_query,
                preset.slow_query,
                "Slow analytics query",
                "From 10 s to 40 s the analytics query takes 20 s",
            );
            changed |= fault_checkbox(
                ui,
                &mut c.surge,
                preset.surge,
                "Users reload",
                "From 25 s to 35 s pages arrive 4 times as fast",
            );
        });
        changed
    }

    fn advance(&mut self, ui: &egui::Ui, action: SimAction, changed: bool) {
        if changed || action == SimAction::Reset || self.sim.is_none() {
            self.sim = CascadeSim::new(self.config.clone(), self.controls.seed).ok();
            self.selected_page = None;
        }
        let Some(sim) = self.sim.as_mut() else {
            return;
        };
        let dt = ui.input(|i| i.stable_dt) as f64;
        let advance = self.controls.advance_ms(action, dt);
        let horizon = SimTime::from_secs(RUN_SECS);
        if advance > 0.0 {
            let until = SimTime(sim.now().0 + SimTime::from_ms(advance).0).min(horizon);
            sim.step_until(until);
        }
        if sim.now() >= horizon {
            self.controls.playing = false;
        } else if self.controls.playing {
            ui.ctx().request_repaint();
        }
    }

    fn observability_ui(&mut self, ui: &mut egui::Ui) {
        let Some(sim) = self.sim.as_ref() else {
            return;
        };
        ui.label(RichText::new("Metrics").strong());
        metrics_ui(ui, sim);
        ui.add_space(theme::SPACE_S);
        ui.horizontal(|ui| {
            ui.label(RichText::new("Latency histogram").strong());
            let label = ui.label("of");
            egui::ComboBox::from_id_salt("cascade-hist-tier")
                .selected_text(TIER_NAMES[self.histogram_tier])
                .show_ui(ui, |ui| {
                    for (i, name) in TIER_NAMES.iter().enumerate() {
                        ui.selectable_value(&mut self.histogram_tier, i, *name);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        histogram_ui(ui, sim, self.histogram_tier);
        ui.add_space(theme::SPACE_M);
        ui.label(RichText::new("Trace").strong());
        let slowest = slowest_recent(sim, 300);
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(
                    self.selected_page.is_none(),
                    "Follow the slowest recent page",
                )
                .on_hover_text("Of the last 300 pages, the one the user waited longest for")
                .clicked()
            {
                self.selected_page = None;
            }
            if ui
                .button("Latest page")
                .on_hover_text("The page that finished last")
                .clicked()
            {
                self.selected_page = sim.last_finished_page();
            }
        });
        if let Some(trace) = self.selected_page.or(slowest).and_then(|p| sim.trace(p)) {
            waterfall_ui(ui, &trace, sim.now());
        } else {
            ui.label("No page has finished yet: press Play or Step.");
        }
        ui.add_space(theme::SPACE_M);
        ui.label(RichText::new("Log").strong());
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut self.log_problems_only, "Warnings only");
            ui.label("Layer:");
            if ui
                .selectable_label(self.log_tier.is_none(), "all")
                .clicked()
            {
                self.log_tier = None;
            }
            for (i, name) in TIER_NAMES.iter().enumerate() {
                if ui
                    .selectable_label(self.log_tier == Some(i), *name)
                    .clicked()
                {
                    self.log_tier = Some(i);
                }
            }
            ui.label(
                RichText::new("Click a line to see its request's trace above.")
                    .color(ui.visuals().weak_text_color()),
            );
        });
        if let Some(page) = log_ui(ui, sim.log().iter().rev(), self) {
            self.selected_page = Some(page);
        }
    }
}

/// A timeout in seconds that is always set.
fn seconds_ui(ui: &mut egui::Ui, name: &str, ms: &mut f64) -> bool {
    let mut secs = *ms / 1000.0;
    let label = ui.label(name);
    let changed = ui
        .add(
            egui::DragValue::new(&mut secs)
                .range(0.1..=60.0)
                .speed(0.1)
                .suffix(" s"),
        )
        .labelled_by(label.id)
        .changed();
    if changed {
        *ms = secs * 1000.0;
    }
    changed
}

/// A timeout that may be off ("none": wait forever).
fn optional_seconds_ui(ui: &mut egui::Ui, name: &str, ms: &mut Option<f64>) -> bool {
    let mut on = ms.is_some();
    let mut changed = ui
        .checkbox(&mut on, name)
        .on_hover_text(format!("Whether the {name} has a timeout"))
        .changed();
    if changed {
        *ms = on.then_some(1000.0);
    }
    if let Some(value) = ms.as_mut() {
        let mut secs = *value / 1000.0;
        if ui
            .add(
                egui::DragValue::new(&mut secs)
                    .range(0.1..=60.0)
                    .speed(0.1)
                    .suffix(" s"),
            )
            .on_hover_text(format!("The {name} timeout"))
            .changed()
        {
            *value = secs * 1000.0;
            changed = true;
        }
    } else {
        ui.label(RichText::new("none").color(ui.visuals().weak_text_color()));
    }
    changed
}

/// A checkbox that turns a fault off, or back on with the preset's setting.
fn fault_checkbox<T: Copy>(
    ui: &mut egui::Ui,
    fault: &mut Option<T>,
    preset: Option<T>,
    name: &str,
    hover: &str,
) -> bool {
    let mut on = fault.is_some();
    let changed = ui.checkbox(&mut on, name).on_hover_text(hover).changed();
    if changed {
        *fault = if on { preset } else { None };
    }
    changed
}

/// The request path as a row of boxes with gauges for each pool.
fn path_ui(ui: &mut egui::Ui, sim: &CascadeSim) {
    let c = sim.config();
    let width = ((ui.available_width() - 3.0 * theme::SPACE_S) / 4.0).max(110.0);
    ui.horizontal_wrapped(|ui| {
        let counters = sim.counters();
        stage_ui(ui, width, "Browser", |ui| {
            ui.label(format!("{} pages", counters.pages));
            ui.colored_label(
                Semantic::Healthy.in_ui(ui),
                format!("{} full", counters.pages_ok),
            );
            ui.colored_label(
                Semantic::Waiting.in_ui(ui),
                format!("{} degraded", counters.pages_degraded),
            );
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("{} failed", counters.pages_failed),
            );
        });
        stage_ui(ui, width, "Load balancer", |ui| {
            ui.label(timeout_text(c.balancer_timeout_ms));
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("{} × 504", counters.balancer_504),
            );
            if sim.surge_active() {
                ui.colored_label(Semantic::Slow.in_ui(ui), "users reloading: 4× traffic");
            }
        });
        stage_ui(ui, width, "App", |ui| {
            gauge_ui(
                ui,
                "threads",
                sim.app_busy() as usize,
                c.app_threads as usize,
            );
            gauge_ui(ui, "queue", sim.app_queue(), c.app_queue);
            if let Some(pool) = c.analytics_pool {
                gauge_ui(
                    ui,
                    "analytics",
                    sim.analytics_busy() as usize,
                    pool as usize,
                );
            }
        });
        stage_ui(ui, width, "Database", |ui| {
            gauge_ui(ui, "connections", sim.db_busy(), c.db_connections as usize);
            let wasted = sim.series().db_wasted.last().map_or(0.0, |p| p[1]);
            ui.label(format!("queued: {}", sim.db_queue()));
            let text = format!("for callers gone: {wasted:.0}");
            if wasted > 0.0 {
                ui.colored_label(Semantic::Failing.in_ui(ui), text);
            } else {
                ui.label(text);
            }
            if sim.fault_active() {
                ui.colored_label(Semantic::Slow.in_ui(ui), "slow analytics query");
            }
        });
    });
}

fn stage_ui(ui: &mut egui::Ui, width: f32, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(width - 2.0 * theme::SPACE_S);
        ui.set_min_height(96.0);
        ui.vertical(|ui| {
            ui.label(RichText::new(title).strong());
            body(ui);
        });
    });
}

fn gauge_ui(ui: &mut egui::Ui, name: &str, used: usize, size: usize) {
    let fraction = used as f32 / size.max(1) as f32;
    let semantic = if fraction >= 1.0 {
        Semantic::Failing
    } else if fraction >= 0.75 {
        Semantic::Waiting
    } else {
        Semantic::Healthy
    };
    ui.add(
        egui::ProgressBar::new(fraction.min(1.0))
            .corner_radius(theme::RADIUS / 2)
            .fill(semantic.in_ui(ui))
            .text(format!("{name} {used}/{size}")),
    );
}

fn timeout_text(ms: Option<f64>) -> String {
    match ms {
        Some(ms) => format!("timeout {:.1} s", ms / 1000.0),
        None => "no timeout".to_owned(),
    }
}

/// The faults' time windows, shaded behind the plots.
fn fault_spans(plot: &mut egui_plot::PlotUi, sim: &CascadeSim, dark: bool) {
    let c = sim.config();
    if let Some(f) = c.slow_query {
        // Labelled at its start, so the label clears the surge's, which sits inside it.
        plot.span(
            Span::new("slow query", f.from_s..=f.until_s)
                .fill(Semantic::Slow.fill(dark))
                .label_align(Align2::LEFT_TOP),
        );
    }
    if let Some(f) = c.surge {
        plot.span(
            Span::new("users reload", f.from_s..=f.until_s).fill(Semantic::Rejected.fill(dark)),
        );
    }
}

/// Pools, success and latency per layer over time.
fn layers_ui(ui: &mut egui::Ui, sim: &CascadeSim) {
    let dark = ui.visuals().dark_mode;
    let s = sim.series();
    let link = ui.scope_id().with("cascade-link");
    let plot = |id: &str, y_label: &str| {
        sim_plot::run_plot(id, link, y_label, RUN_SECS, egui_plot::Corner::LeftTop)
            .height(PLOT_HEIGHT)
    };
    let line = |name: &str, points: &[[f64; 2]], semantic: Semantic| {
        sim_plot::run_line(name, points, semantic.color(dark))
    };
    let c = sim.config();
    ui.label(RichText::new("Threads and connections").strong());
    // Room above the lines for the seven-entry legend.
    let pool_top = c.app_threads.max(c.db_connections) as f64 * 2.2;
    plot("cascade-pools", "in use")
        .legend(sim_plot::compact_legend(egui_plot::Corner::RightTop))
        .height(PLOT_HEIGHT + 50.0)
        .include_y(pool_top)
        .show(ui, |p| {
            fault_spans(p, sim, dark);
            p.line(line(
                "app threads busy",
                s.app_busy.points(),
                Semantic::Waiting,
            ));
            p.line(line(
                "db connections busy",
                s.db_busy.points(),
                Semantic::Slow,
            ));
            p.line(line(
                "app busy for callers gone",
                s.app_wasted.points(),
                Semantic::Failing,
            ));
            p.line(
                line(
                    "db busy for callers gone",
                    s.db_wasted.points(),
                    Semantic::Failing,
                )
                .style(egui_plot::LineStyle::dashed_dense()),
            );
            p.line(line(
                "analytics pool busy",
                s.analytics_busy.points(),
                Semantic::Neutral,
            ));
        });
    ui.label(RichText::new("Queues").strong());
    plot("cascade-queues", "waiting")
        .include_y(16.0)
        .show(ui, |p| {
            fault_spans(p, sim, dark);
            p.line(line("app queue", s.app_queue.points(), Semantic::Rejected));
            p.line(line("db queue", s.db_queue.points(), Semantic::Slow));
        });
    ui.label(RichText::new("Success per layer").strong());
    ui.label("Of the requests a layer finished in each half second, the share that succeeded.");
    plot("cascade-success", "success (%)")
        .legend(sim_plot::compact_legend(egui_plot::Corner::LeftBottom))
        .include_y(105.0)
        .show(ui, |p| {
            fault_spans(p, sim, dark);
            for (tier, name) in TIER_NAMES.iter().enumerate() {
                p.line(line(
                    name,
                    s.tiers[tier].success_pct.points(),
                    tier_semantic(tier),
                ));
            }
        });
    ui.label(RichText::new("Latency per layer").strong());
    ui.label("Mean duration of the requests a layer finished in each half second (log scale).");
    plot("cascade-latency", "duration")
        .y_grid_spacer(egui_plot::log_grid_spacer(10))
        .y_axis_formatter(|mark, _| sim_plot::ms_label(10f64.powf(mark.value)))
        .include_y(5.0)
        .show(ui, |p| {
            fault_spans(p, sim, dark);
            for (tier, name) in TIER_NAMES.iter().enumerate() {
                let points: Vec<[f64; 2]> = s.tiers[tier]
                    .latency_ms
                    .points()
                    .iter()
                    .map(|p| [p[0], p[1].max(1.0).log10()])
                    .collect();
                p.line(line(name, &points, tier_semantic(tier)));
            }
        });
}

fn metrics_ui(ui: &mut egui::Ui, sim: &CascadeSim) {
    let c = sim.counters();
    let rows: [(&str, String); 12] = [
        ("pages requested", c.pages.to_string()),
        (
            "pages full / degraded",
            format!("{} / {}", c.pages_ok, c.pages_degraded),
        ),
        ("pages failed", c.pages_failed.to_string()),
        ("balancer 504s", c.balancer_504.to_string()),
        ("app 503s (pool and queue full)", c.app_rejected.to_string()),
        ("app request timeouts", c.app_timeouts.to_string()),
        ("part fallbacks", c.fallbacks.to_string()),
        (
            "analytics shed by the bulkhead",
            c.bulkhead_rejected.to_string(),
        ),
        ("db queries", c.db_queries.to_string()),
        (
            "db cancelled / expired",
            format!("{} / {}", c.db_cancelled, c.db_expired),
        ),
        (
            "db time for callers gone",
            format!("{:.1} s", c.db_wasted_ms / 1000.0),
        ),
        (
            "app time after the balancer gave up",
            format!("{:.1} s", c.app_wasted_ms / 1000.0),
        ),
    ];
    egui::Grid::new("cascade-metrics")
        .num_columns(4)
        .spacing([theme::SPACE_L, theme::SPACE_XS])
        .striped(true)
        .show(ui, |ui| {
            for pair in rows.chunks(2) {
                for (name, value) in pair {
                    ui.label(*name);
                    ui.label(RichText::new(value).monospace());
                }
                ui.end_row();
            }
        });
}

fn histogram_ui(ui: &mut egui::Ui, sim: &CascadeSim, tier: usize) {
    let dark = ui.visuals().dark_mode;
    let counts = sim.histograms()[tier];
    let bars: Vec<Bar> = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let name = match HISTOGRAM_BOUNDS_MS.get(i) {
                Some(&b) => format!("≤ {}", sim_plot::ms_label(b)),
                None => format!("> {}", sim_plot::ms_label(HISTOGRAM_BOUNDS_MS[i - 1])),
            };
            Bar::new(i as f64, n as f64).name(name).width(0.8)
        })
        .collect();
    let labels: Vec<String> = (0..counts.len())
        .map(|i| match HISTOGRAM_BOUNDS_MS.get(i) {
            Some(&b) => format!("≤{}", sim_plot::ms_label(b)),
            None => ">30 s".to_owned(),
        })
        .collect();
    Plot::new("cascade-histogram")
        .height(150.0)
        .x_axis_label("duration")
        .y_axis_label("requests")
        .include_y(0.0)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .y_grid_spacer(sim_plot::round_steps())
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            p.bar_chart(
                BarChart::new(TIER_NAMES[tier], bars).color(tier_semantic(tier).color(dark)),
            );
        });
}

/// The page the user waited longest for among the last `n` pages.
fn slowest_recent(sim: &CascadeSim, n: u32) -> Option<u32> {
    let last = sim.pages() as u32;
    let now = sim.now();
    (last.saturating_sub(n)..last)
        .filter_map(|p| sim.trace(p))
        .filter(|t| t.spans.first().is_some_and(|s| s.end.is_some()))
        .max_by(|a, b| {
            let d = |t: &Trace| t.spans.first().map_or(0.0, |s| s.duration_ms(now));
            d(a).total_cmp(&d(b))
        })
        .map(|t| t.page)
}

/// A span per row on a shared time axis: queue time faded, work solid, work after the
/// caller left hatched red; the slowest span below the app is marked.
fn waterfall_ui(ui: &mut egui::Ui, trace: &Trace, now: SimTime) {
    const ROW: f32 = 22.0;
    const NAME_W: f32 = 130.0;
    const OUTCOME_W: f32 = 150.0;
    let Some(root) = trace.spans.first() else {
        return;
    };
    let start = root.start.as_ms();
    let end = trace
        .spans
        .iter()
        .map(|s| s.end.unwrap_or(now).as_ms())
        .fold(start + 1.0, f64::max);
    let slowest = trace
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.layer, Layer::Db(_)))
        .max_by(|a, b| a.1.duration_ms(now).total_cmp(&b.1.duration_ms(now)))
        .map(|(i, _)| i);
    ui.label(format!(
        "Request #{} at {:.1} s: {:.0} ms in the browser, outcome {}.",
        trace.page,
        start / 1000.0,
        root.duration_ms(now),
        root.outcome.label()
    ));
    let width = ui.available_width().max(NAME_W + OUTCOME_W + 100.0);
    let (rect, _) = ui.allocate_exact_size(
        vec2(width, ROW * trace.spans.len() as f32 + 18.0),
        Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let dark = ui.visuals().dark_mode;
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let bar_left = rect.left() + NAME_W;
    let bar_w = rect.width() - NAME_W - OUTCOME_W;
    let x = |ms: f64| bar_left + ((ms - start) / (end - start)) as f32 * bar_w;
    let font = FontId::proportional(13.0);
    for (i, span) in trace.spans.iter().enumerate() {
        let y = rect.top() + i as f32 * ROW;
        let indent = match span.layer {
            Layer::Browser => 0.0,
            Layer::Balancer => 8.0,
            Layer::App => 16.0,
            Layer::Part(_) => 24.0,
            Layer::Db(_) => 32.0,
        };
        painter.text(
            egui::pos2(rect.left() + indent, y + ROW / 2.0),
            Align2::LEFT_CENTER,
            span.layer.label(),
            font.clone(),
            text,
        );
        let semantic = outcome_semantic(span.outcome);
        let s0 = span.start.as_ms();
        let work0 = s0 + span.queued_ms;
        let s1 = span.end.unwrap_or(now).as_ms();
        let bar = |a: f64, b: f64| {
            egui::Rect::from_min_max(
                egui::pos2(x(a), y + 4.0),
                egui::pos2(x(b).max(x(a) + 2.0), y + ROW - 4.0),
            )
        };
        if span.queued_ms > 0.0 {
            painter.rect_filled(bar(s0, work0), 2.0, Semantic::Neutral.fill(dark));
        }
        painter.rect_filled(bar(work0.min(s1), s1), 2.0, semantic.color(dark));
        if let Some(left) = span.caller_left {
            let from = left.as_ms().max(work0);
            if from < s1 {
                let wasted = bar(from, s1);
                painter.rect_filled(wasted, 2.0, Semantic::Failing.color(dark));
                // Hatching marks work nobody waits for.
                let mut hx = wasted.left();
                while hx < wasted.right() {
                    painter.line_segment(
                        [
                            egui::pos2(hx, wasted.bottom()),
                            egui::pos2((hx + 6.0).min(wasted.right()), wasted.top()),
                        ],
                        Stroke::new(1.0, Semantic::Neutral.color(!dark)),
                    );
                    hx += 6.0;
                }
            }
        }
        if Some(i) == slowest {
            painter.rect_stroke(
                bar(s0, s1).expand(2.0),
                3.0,
                Stroke::new(2.0, Semantic::Accent.color(dark)),
                StrokeKind::Outside,
            );
        }
        let mut label = format!("{} · {:.0} ms", span.outcome.label(), span.duration_ms(now));
        if Some(i) == slowest {
            label.push_str(" · slowest");
        }
        painter.text(
            egui::pos2(rect.right() - OUTCOME_W + 8.0, y + ROW / 2.0),
            Align2::LEFT_CENTER,
            label,
            font.clone(),
            if Some(i) == slowest { text } else { weak },
        );
    }
    let axis_y = rect.top() + ROW * trace.spans.len() as f32 + 10.0;
    painter.text(
        egui::pos2(bar_left, axis_y),
        Align2::LEFT_CENTER,
        "0 ms",
        FontId::proportional(11.5),
        weak,
    );
    painter.text(
        egui::pos2(bar_left + bar_w, axis_y),
        Align2::RIGHT_CENTER,
        format!("{:.0} ms", end - start),
        FontId::proportional(11.5),
        weak,
    );
    ui.horizontal_wrapped(|ui| {
        for (semantic, name) in [
            (Semantic::Neutral, "queued"),
            (Semantic::Healthy, "ok"),
            (Semantic::Waiting, "fallback / degraded"),
            (
                Semantic::Failing,
                "timed out / cancelled / work for a caller gone (hatched)",
            ),
        ] {
            let (r, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
            let colour: Color32 = if semantic == Semantic::Neutral {
                semantic.fill(dark)
            } else {
                semantic.color(dark)
            };
            ui.painter().rect_filled(r, 2.0, colour);
            ui.label(RichText::new(name).small());
        }
    });
}

/// The log as a table, newest first; returns the page of a clicked line.
fn log_ui<'a>(
    ui: &mut egui::Ui,
    records: impl Iterator<Item = &'a LogRecord>,
    view: &CascadeView,
) -> Option<u32> {
    let mut clicked = None;
    let records: Vec<&LogRecord> = records
        .filter(|r| !view.log_problems_only || r.problem)
        .filter(|r| view.log_tier.is_none_or(|t| r.layer.tier() == t))
        .take(LOG_ROWS)
        .collect();
    if records.is_empty() {
        ui.label("Nothing logged yet for this filter.");
        return None;
    }
    egui::ScrollArea::vertical()
        .id_salt("cascade-log")
        .max_height(260.0)
        .show(ui, |ui| {
            egui::Grid::new("cascade-log-grid")
                .num_columns(5)
                .striped(true)
                .spacing([theme::SPACE_M, 2.0])
                .show(ui, |ui| {
                    for head in ["time", "request", "layer", "duration", "reason"] {
                        ui.label(RichText::new(head).strong());
                    }
                    ui.end_row();
                    for r in records {
                        let colour = if r.problem {
                            Semantic::Failing.in_ui(ui)
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.label(RichText::new(format!("{:.3} s", r.at.as_secs())).monospace());
                        if ui
                            .link(RichText::new(format!("#{}", r.page)).monospace())
                            .on_hover_text("Show this request's trace")
                            .clicked()
                        {
                            clicked = Some(r.page);
                        }
                        ui.label(r.layer.label());
                        ui.label(RichText::new(format!("{:.0} ms", r.duration_ms)).monospace());
                        ui.colored_label(colour, r.reason);
                        ui.end_row();
                    }
                });
        });
    clicked
}
