//! Cascading timeouts: the request path with its pools as gauges, per-layer plots over
//! time, and an observability panel (metrics, a structured log, trace waterfalls) so the
//! learner finds the slow layer the way an engineer would.

use egui::{Align2, Color32, FontId, RichText, Sense, Stroke, StrokeKind, vec2};
use egui_plot::{Bar, BarChart};

use crate::sim::cascade::{
    CascadeConfig, CascadeSim, HISTOGRAM_BOUNDS_MS, Layer, LogRecord, Outcome, Preset, TierSeries,
    Trace,
};
use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::{Series, SimTime};
use crate::sim::presets;
use crate::ui::sim_page::{FaultButton, Marker, Settings, SimBody, changed_note, fault_group};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::sim_plot::{self, Band, TimeAxis, TimeChart, Trace as PlotTrace};

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
    settings: Settings<CascadeConfig>,
    sim: Option<CascadeSim>,
    tab: Tab,
    /// The page whose trace is shown; `None` follows the slowest recent page.
    selected_page: Option<u32>,
    log_problems_only: bool,
    log_tier: Option<usize>,
    histogram_tier: usize,
}

const INFO: &SimInfo = &catalog::SIMULATIONS[7];

impl Default for CascadeView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, |name| {
                presets::cascade(name).unwrap_or_else(|| Preset::NoTimeouts.config())
            }),
            sim: None,
            tab: Tab::Layers,
            selected_page: None,
            log_problems_only: true,
            log_tier: None,
            histogram_tier: 0,
        };
        view.rebuild(1);
        view
    }
}

/// One colour per layer, the same in every plot and card: the user's browser grey, the
/// balancer purple, the app orange (like its threads), the database blue.
fn tier_semantic(tier: usize) -> Semantic {
    [
        Semantic::Neutral,
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

impl SimBody for CascadeView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 500.0;
    const DEFAULT_SPEED: f64 = 2.0;

    fn now_ms(&self) -> f64 {
        self.sim.as_ref().map_or(0.0, |s| s.now().as_ms())
    }

    fn end_ms(&self) -> f64 {
        presets::CASCADE_RUN_SECS * 1000.0
    }

    fn advance_to(&mut self, ms: f64) {
        if let Some(sim) = self.sim.as_mut() {
            sim.step_until(SimTime::from_ms(ms.min(presets::CASCADE_RUN_SECS * 1000.0)));
        }
    }

    fn rebuild(&mut self, seed: u64) {
        self.sim = CascadeSim::new(self.settings.current.clone(), seed).ok();
        self.selected_page = None;
    }

    fn markers(&self) -> Vec<Marker> {
        let c = &self.settings.current;
        let mut markers = Vec::new();
        if let Some(f) = c.slow_query {
            markers.push(Marker {
                at_ms: f.from_s * 1000.0,
                label: "the analytics query turns slow".into(),
                colour: Semantic::Slow,
            });
            markers.push(Marker {
                at_ms: f.until_s * 1000.0,
                label: "the analytics query is fast again".into(),
                colour: Semantic::Healthy,
            });
        }
        if let Some(f) = c.surge {
            markers.push(Marker {
                at_ms: f.from_s * 1000.0,
                label: "users start reloading".into(),
                colour: Semantic::Rejected,
            });
            markers.push(Marker {
                at_ms: f.until_s * 1000.0,
                label: "users stop reloading".into(),
                colour: Semantic::Healthy,
            });
        }
        markers
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    /// The preset's two faults, each switched on (at the preset's times) or off.
    fn strip_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let preset = self.settings.preset().clone();
        let c = &mut self.settings.current;
        let buttons = [
            FaultButton::toggle(
                "Slow analytics query",
                "From 10 s to 40 s the analytics query takes 20 s",
                c.slow_query.is_some(),
            ),
            FaultButton::toggle(
                "Users reload",
                "From 25 s to 35 s pages arrive 4 times as fast",
                c.surge.is_some(),
            ),
        ];
        match fault_group(ui, "Faults", &buttons) {
            Some(0) => {
                c.slow_query = c.slow_query.xor(preset.slow_query);
                true
            }
            Some(_) => {
                c.surge = c.surge.xor(preset.surge);
                true
            }
            None => false,
        }
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool {
        let changed = self.settings_ui(ui);
        let Some(sim) = self.sim.as_ref() else {
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                "These settings cannot run; pick a preset to start again.",
            );
            return changed;
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
            Tab::Layers => layers_ui(ui, sim, axis),
            Tab::Observability => self.observability_ui(ui),
        }
        changed
    }
}

impl CascadeView {
    /// The timeouts and the pool layout, above the path they shape.
    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let preset = self.settings.preset().clone();
        let differs = {
            let c = &self.settings.current;
            (
                c.browser_timeout_ms,
                c.balancer_timeout_ms,
                c.app_timeout_ms,
                c.part_timeout_ms,
                c.db_timeout_ms,
                c.analytics_pool,
                c.deadline_propagation,
            ) != (
                preset.browser_timeout_ms,
                preset.balancer_timeout_ms,
                preset.app_timeout_ms,
                preset.part_timeout_ms,
                preset.db_timeout_ms,
                preset.analytics_pool,
                preset.deadline_propagation,
            )
        };
        let mut changed = false;
        let c = &mut self.settings.current;
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
        });
        if changed_note(ui, differs) {
            let (slow_query, surge) = (c.slow_query, c.surge);
            *c = CascadeConfig {
                slow_query,
                surge,
                ..preset
            };
            changed = true;
        }
        changed
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

/// A pool's use as a label above a bar: the text never sits on the coloured fill, so it
/// reads in both themes, and an empty pool shows no fill at all.
fn gauge_ui(ui: &mut egui::Ui, name: &str, used: usize, size: usize) {
    let fraction = (used as f32 / size.max(1) as f32).min(1.0);
    let semantic = if fraction >= 1.0 {
        Semantic::Failing
    } else if fraction >= 0.75 {
        Semantic::Waiting
    } else {
        Semantic::Healthy
    };
    ui.label(RichText::new(format!("{name} {used}/{size}")).small());
    let width = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(vec2(width, 6.0), Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 3.0, ui.visuals().widgets.inactive.bg_fill);
    if used > 0 {
        let mut fill = rect;
        fill.set_width(width * fraction);
        painter.rect_filled(fill, 3.0, semantic.in_ui(ui));
    }
}

fn timeout_text(ms: Option<f64>) -> String {
    match ms {
        Some(ms) => format!("timeout {:.1} s", ms / 1000.0),
        None => "no timeout".to_owned(),
    }
}

/// The faults' time windows, shaded behind a plot.
fn fault_bands<'a>(chart: TimeChart<'a>, sim: &CascadeSim) -> TimeChart<'a> {
    let c = sim.config();
    let mut chart = chart;
    if let Some(f) = c.slow_query {
        chart = chart.band(Band {
            from: f.from_s,
            to: f.until_s,
            label: "slow query".into(),
            colour: Semantic::Slow,
        });
    }
    if let Some(f) = c.surge {
        chart = chart.band(Band {
            from: f.from_s,
            to: f.until_s,
            label: "users reload".into(),
            colour: Semantic::Rejected,
        });
    }
    chart
}

/// Pools, success and latency per layer over time.
fn layers_ui(ui: &mut egui::Ui, sim: &CascadeSim, axis: &TimeAxis) {
    let s = sim.series();
    fault_bands(
        TimeChart::new("cascade-pools", "Threads and connections", "in use"),
        sim,
    )
    .trace(PlotTrace::new(
        "app threads busy",
        s.app_busy.points(),
        Semantic::Waiting,
    ))
    .trace(PlotTrace::new(
        "db connections busy",
        s.db_busy.points(),
        Semantic::Slow,
    ))
    .trace(PlotTrace::new(
        "app busy for callers gone",
        s.app_wasted.points(),
        Semantic::Failing,
    ))
    .trace(
        PlotTrace::new(
            "db busy for callers gone",
            s.db_wasted.points(),
            Semantic::Failing,
        )
        .dashed(),
    )
    .trace(PlotTrace::new(
        "analytics pool busy",
        s.analytics_busy.points(),
        Semantic::Healthy,
    ))
    .show(ui, axis);
    fault_bands(TimeChart::new("cascade-queues", "Queues", "waiting"), sim)
        .trace(PlotTrace::new(
            "app queue",
            s.app_queue.points(),
            Semantic::Waiting,
        ))
        .trace(PlotTrace::new("db queue", s.db_queue.points(), Semantic::Slow).dashed())
        .show(ui, axis);
    ui.label(
        "Of the requests a layer finished in each half second, the share that succeeded; \
         a gap is a half second in which the layer finished nothing.",
    );
    tiers_chart(
        ui,
        axis,
        sim,
        TimeChart::new("cascade-success", "Success per layer", "success (%)").percent(),
        |t| &t.success_pct,
    );
    ui.label(
        "Mean duration of the requests a layer finished in each half second (log scale; \
         gaps: nothing finished).",
    );
    tiers_chart(
        ui,
        axis,
        sim,
        TimeChart::new("cascade-latency", "Latency per layer", "duration").log_ms(),
        |t| &t.latency_ms,
    );
}

/// `chart` with the fault bands and one line per layer: the layer's `series`.
fn tiers_chart<'a>(
    ui: &mut egui::Ui,
    axis: &TimeAxis,
    sim: &'a CascadeSim,
    chart: TimeChart<'a>,
    series: fn(&TierSeries) -> &Series,
) {
    let tiers = &sim.series().tiers;
    let mut chart = fault_bands(chart, sim);
    for (tier, name) in TIER_NAMES.iter().enumerate() {
        chart = chart.trace(PlotTrace::new(
            name,
            series(&tiers[tier]).points(),
            tier_semantic(tier),
        ));
    }
    chart.show(ui, axis);
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
    sim_plot::base_plot("cascade-histogram", 150.0, "requests")
        .x_axis_label("duration")
        .include_y(0.0)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .y_grid_spacer(sim_plot::round_steps(true))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::sim_page::assert_page_matches_cli;

    /// The page and `workbook sim` build the same runs from the same preset and seed.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        assert_page_matches_cli(4, 30.0, |view: &CascadeView| {
            let c = view.sim.as_ref().unwrap().counters();
            vec![
                ("pages", c.pages as f64),
                ("pages_failed", c.pages_failed as f64),
            ]
        });
    }
}
