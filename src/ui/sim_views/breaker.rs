//! The circuit breaker simulation view: the state machine with the live state lit, the
//! sliding window as a strip of outcomes, the caller's threads, and plots, for the same
//! seed with and without the breaker, so the point of the pattern is visible.

use crate::sim::breaker::{
    BreakerConfig, BreakerSystem, CallerConfig, DependencyConfig, Fault, ScheduledFault, Snapshot,
    State, SystemConfig, Transition, WindowType,
};
use crate::sim::engine::SimTime;
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::breaker_diagram;
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::setting_rows::{median_row, slider_row};
use crate::ui::widgets::sim_controls::{SimAction, SimControls};
use crate::ui::widgets::sim_plot::{PlotLine, Reference, time_plot_ui};
use crate::ui::widgets::slot_grid::{slot_grid_ui, swatch_ui};

/// Ready-made situations from the lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preset {
    PaymentGatewayOutage,
    FailingDependency,
    Resilience4jDefaults,
}

impl Preset {
    const ALL: [Preset; 3] = [
        Preset::PaymentGatewayOutage,
        Preset::FailingDependency,
        Preset::Resilience4jDefaults,
    ];

    fn label(self) -> &'static str {
        match self {
            Preset::PaymentGatewayOutage => "The payment gateway outage",
            Preset::FailingDependency => "A dependency failing fast",
            Preset::Resilience4jDefaults => "resilience4j's defaults",
        }
    }

    fn explain(self) -> &'static str {
        match self {
            Preset::PaymentGatewayOutage => {
                "At 10 s the payment gateway starts hanging: calls run into the 2 s timeout and hold caller threads. It recovers at 40 s."
            }
            Preset::FailingDependency => {
                "At 10 s every call fails fast (connection refused); recovery at 40 s. Threads stay free, but every answer is an error."
            }
            Preset::Resilience4jDefaults => {
                "The same hanging gateway with the library's defaults: 100 calls before any rate, a 60 s wait in OPEN."
            }
        }
    }

    fn config(self) -> SystemConfig {
        let faults = |fault| {
            vec![
                ScheduledFault {
                    at_ms: 10_000.0,
                    fault,
                },
                ScheduledFault {
                    at_ms: 40_000.0,
                    fault: Fault::Recover,
                },
            ]
        };
        let tuned = BreakerConfig {
            window: WindowType::CountBased(20),
            minimum_calls: 10,
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 80.0,
            slow_call_duration_ms: 1_000,
            wait_in_open_ms: 5_000,
            permitted_calls_in_half_open: 3,
            automatic_transition: false,
            max_wait_in_half_open_ms: 0,
        };
        let base = SystemConfig {
            breaker: tuned,
            use_breaker: true,
            caller: CallerConfig::default(),
            dependency: DependencyConfig::default(),
            faults: faults(Fault::Slow),
            manual: Vec::new(),
            sample_ms: 500.0,
        };
        match self {
            Preset::PaymentGatewayOutage => base,
            Preset::FailingDependency => SystemConfig {
                faults: faults(Fault::Outage),
                ..base
            },
            Preset::Resilience4jDefaults => SystemConfig {
                breaker: BreakerConfig::default(),
                ..base
            },
        }
    }
}

/// A transition seen by the view, with the real time it was first drawn (for the animation).
#[derive(Debug, Clone, Copy)]
struct Seen {
    transition: Transition,
    shown_at: f64,
}

#[derive(Debug)]
pub struct BreakerView {
    controls: SimControls,
    preset: Preset,
    config: SystemConfig,
    with: BreakerSystem,
    without: BreakerSystem,
    last: Option<Seen>,
}

impl Default for BreakerView {
    fn default() -> Self {
        let preset = Preset::PaymentGatewayOutage;
        let config = preset.config();
        let controls = SimControls::default();
        let (with, without) = build(&config, controls.seed);
        Self {
            controls,
            preset,
            config,
            with,
            without,
            last: None,
        }
    }
}

/// The pair of runs: the same config and seed, with the breaker and with it disabled.
fn build(config: &SystemConfig, seed: u64) -> (BreakerSystem, BreakerSystem) {
    let with = BreakerSystem::new(
        SystemConfig {
            use_breaker: true,
            ..config.clone()
        },
        seed,
    );
    let without = BreakerSystem::new(
        SystemConfig {
            use_breaker: false,
            ..config.clone()
        },
        seed,
    );
    (with, without)
}

fn state_meaning(state: State) -> Semantic {
    match state {
        State::Closed => Semantic::Healthy,
        State::Open | State::ForcedOpen => Semantic::Rejected,
        State::HalfOpen => Semantic::Waiting,
        State::Disabled => Semantic::Neutral,
    }
}

impl BreakerView {
    /// Whether the view is built; the simulations list greys out views that are not.
    pub const READY: bool = true;

    fn reset(&mut self) {
        let (with, without) = build(&self.config, self.controls.seed);
        self.with = with;
        self.without = without;
        self.last = None;
    }

    /// Advances both runs by the same virtual time.
    fn advance(&mut self, ms: f64) {
        if ms > 0.0 {
            let until = SimTime(self.with.now().0 + SimTime::from_ms(ms).0);
            self.with.advance_to(until);
            self.without.advance_to(until);
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, _shared: &mut Shared) {
        let action = self.controls.ui(ui);
        if action == SimAction::Reset {
            self.reset();
        }
        let dt = f64::from(ui.input(|i| i.stable_dt));
        self.advance(self.controls.advance_ms(action, dt));
        if self.controls.playing {
            ui.ctx().request_repaint();
        }
        self.faults_ui(ui);
        ui.separator();
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.heading("Circuit breaker");
                ui.label(self.preset.explain());
                ui.add_space(theme::SPACE_S);
                self.live_ui(ui);
                ui.add_space(theme::SPACE_M);
                self.comparison_ui(ui);
                ui.add_space(theme::SPACE_M);
                self.plots_ui(ui);
                ui.add_space(theme::SPACE_M);
                if self.settings_ui(ui) {
                    self.reset();
                }
            });
    }

    /// Presets, fault buttons and hand-set states: inputs to the model at "now".
    fn faults_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            if choice_ui(
                ui,
                "Preset",
                "breaker-preset",
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
                ("Outage now", Fault::Outage, "Every call fails from now on"),
                (
                    "Slow now",
                    Fault::Slow,
                    "Calls take the slow latency from now on (and hit the timeout)",
                ),
                ("Recover", Fault::Recover, "The dependency is healthy again"),
            ] {
                if ui.button(label).on_hover_text(tip).clicked() {
                    self.with.inject(fault);
                    self.without.inject(fault);
                }
            }
            ui.separator();
            for (label, state, tip) in [
                (
                    "Force open",
                    State::ForcedOpen,
                    "FORCED_OPEN: reject every call until set otherwise",
                ),
                (
                    "Disable",
                    State::Disabled,
                    "DISABLED: permit every call, record nothing",
                ),
                (
                    "Close",
                    State::Closed,
                    "Back to CLOSED with a fresh window",
                ),
            ] {
                if ui.button(label).on_hover_text(tip).clicked() {
                    self.with.set_breaker_state(state);
                }
            }
            ui.separator();
            let n = self.with.fault_log().len() + self.with.manual_log().len();
            if ui
                .add_enabled(n > 0, egui::Button::new("Replay faults"))
                .on_hover_text("Start again from the same seed with the faults and breaker states set so far, at the same virtual times")
                .clicked()
            {
                self.config.faults = self.with.fault_log().to_vec();
                self.config.manual = self.with.manual_log().to_vec();
                self.reset();
            }
        });
    }

    /// The state machine, the window strip and the numbers behind the current state.
    fn live_ui(&mut self, ui: &mut egui::Ui) {
        let now_secs = ui.input(|i| i.time);
        if let Some(&t) = self.with.transitions().last() {
            let is_new = self.last.is_none_or(|s| s.transition != t);
            if is_new {
                self.last = Some(Seen {
                    transition: t,
                    shown_at: now_secs,
                });
            }
        }
        let animating = self
            .last
            .map(|s| (t_since(now_secs, s.shown_at), s.transition));
        ui.horizontal_top(|ui| {
            breaker_diagram::state_machine_ui(ui, self.with.breaker().state(), animating);
            ui.add_space(theme::SPACE_M);
            ui.vertical(|ui| {
                self.window_ui(ui);
                ui.add_space(theme::SPACE_S);
                if let Some(seen) = self.last {
                    let t = seen.transition;
                    ui.label(
                        egui::RichText::new(format!(
                            "{} → {} at {:.1} s",
                            t.from,
                            t.to,
                            t.at.as_secs()
                        ))
                        .color(state_meaning(t.to).in_ui(ui))
                        .strong(),
                    );
                    ui.label(t.reason.to_string());
                } else {
                    ui.weak("No state change yet. Press Play (Space), or inject a fault.");
                }
            });
        });
        if animating.is_some_and(|(age, _)| age < breaker_diagram::ANIMATION_SECS) {
            ui.ctx().request_repaint();
        }
    }

    fn window_ui(&mut self, ui: &mut egui::Ui) {
        let now = self.with.now();
        let rates = self.with.breaker_rates();
        let breaker = self.with.breaker();
        let state = breaker.state();
        let config = breaker.config().clone();
        ui.label(egui::RichText::new("Sliding window").strong());
        if let Some(w) = breaker.count_window() {
            let outcomes: Vec<Option<Semantic>> = w
                .outcomes()
                .map(|o| {
                    Some(if o.failed {
                        Semantic::Failing
                    } else if o.slow {
                        Semantic::Slow
                    } else {
                        Semantic::Healthy
                    })
                })
                .chain(std::iter::repeat(None))
                .take(w.capacity())
                .collect();
            slot_grid_ui(ui, &outcomes, 25);
        } else if let Some(w) = breaker.time_window() {
            let buckets: Vec<(u64, Snapshot)> = w.buckets().collect();
            time_window_ui(ui, &buckets);
        } else {
            ui.weak(format!("{state}: no window is kept"));
        }
        ui.horizontal_wrapped(|ui| {
            swatch_ui(ui, Semantic::Healthy, "success");
            swatch_ui(ui, Semantic::Failing, "failure");
            swatch_ui(ui, Semantic::Slow, "slow success");
        });
        let minimum = breaker.minimum_calls();
        let calls = match (breaker.count_window(), breaker.time_window()) {
            (Some(w), _) => w.outcomes().count(),
            (_, Some(w)) => w.buckets().map(|(_, s)| s.calls as usize).sum(),
            _ => 0,
        };
        let text = match rates {
            Some((f, s)) => format!(
                "Failure rate {f:.1} % (trips at ≥ {:.0} %) · slow-call rate {s:.1} % (≥ {:.0} %)",
                config.failure_rate_threshold, config.slow_call_rate_threshold
            ),
            None if matches!(state, State::Closed | State::HalfOpen) => format!(
                "No rate yet: {calls} of the {minimum} calls needed (the breaker cannot trip)"
            ),
            None => String::new(),
        };
        if !text.is_empty() {
            ui.label(text);
        }
        match state {
            State::Open => {
                if let Some(at) = breaker.retry_after() {
                    let left = at.as_secs() - now.as_secs();
                    ui.label(if left > 0.0 {
                        format!("Rejecting calls; the first call after {left:.1} s more is a trial")
                    } else {
                        "Wait over: the next call becomes a trial (HALF_OPEN)".to_owned()
                    });
                }
            }
            State::HalfOpen => {
                ui.label(format!(
                    "Trial permits left: {} of {}",
                    breaker.permits_left(),
                    config.permitted_calls_in_half_open
                ));
            }
            _ => {}
        }
    }

    /// The two runs side by side: answers, errors and caller threads.
    fn comparison_ui(&mut self, ui: &mut egui::Ui) {
        let threads = self.config.caller.threads as usize;
        ui.columns(2, |cols| {
            let runs = [
                (&self.with, "With the breaker"),
                (&self.without, "Without it (same seed)"),
            ];
            for (ui, (sys, title)) in cols.iter_mut().zip(runs) {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(egui::RichText::new(title).strong());
                    let s = sys.stats();
                    let pct = |n: u64| {
                        if s.arrivals == 0 {
                            0.0
                        } else {
                            n as f64 * 100.0 / s.arrivals as f64
                        }
                    };
                    egui::Grid::new(title).num_columns(2).show(ui, |ui| {
                        ui.label("Requests");
                        ui.label(s.arrivals.to_string());
                        ui.end_row();
                        ui.label("Answered")
                            .on_hover_text("a success, or the fallback");
                        ui.colored_label(
                            Semantic::Healthy.in_ui(ui),
                            format!("{:.1} %", pct(s.answered())),
                        );
                        ui.end_row();
                        ui.label("Failed")
                            .on_hover_text("errors and timeouts of permitted calls");
                        ui.colored_label(Semantic::Failing.in_ui(ui), s.failed.to_string());
                        ui.end_row();
                        ui.label("Timed out");
                        ui.colored_label(Semantic::Failing.in_ui(ui), s.timed_out.to_string());
                        ui.end_row();
                        ui.label("Rejected")
                            .on_hover_text("by the breaker, without calling");
                        ui.colored_label(
                            Semantic::Rejected.in_ui(ui),
                            s.rejected_by_breaker.to_string(),
                        );
                        ui.end_row();
                        ui.label("Fallback")
                            .on_hover_text("rejected calls answered from the cache");
                        ui.colored_label(Semantic::Healthy.in_ui(ui), s.fallbacks.to_string());
                        ui.end_row();
                        ui.label("No free thread");
                        ui.colored_label(
                            Semantic::Failing.in_ui(ui),
                            s.rejected_by_pool.to_string(),
                        );
                        ui.end_row();
                    });
                    ui.label(format!(
                        "Caller threads: {} of {threads} busy",
                        sys.threads_busy()
                    ));
                    let busy = sys.threads_busy() as usize;
                    let slots: Vec<Option<Semantic>> = (0..threads)
                        .map(|i| (i < busy).then_some(Semantic::Waiting))
                        .collect();
                    slot_grid_ui(ui, &slots, 20);
                });
            }
        });
    }

    fn plots_ui(&mut self, ui: &mut egui::Ui) {
        let w = self.with.series();
        let wo = self.without.series();
        let b = &self.config.breaker;
        let h = 150.0;
        ui.label(egui::RichText::new("Breaker rates against their thresholds").strong());
        time_plot_ui(
            ui,
            "breaker-rates",
            "breaker-time",
            "rate (%)",
            h,
            &[
                PlotLine {
                    name: "failure rate",
                    points: w.failure_rate.points(),
                    meaning: Semantic::Failing,
                    dashed: false,
                },
                PlotLine {
                    name: "slow-call rate",
                    points: w.slow_rate.points(),
                    meaning: Semantic::Slow,
                    dashed: false,
                },
            ],
            &[
                Reference {
                    name: "failure threshold",
                    value: f64::from(b.failure_rate_threshold),
                    meaning: Semantic::Failing,
                },
                Reference {
                    name: "slow-call threshold",
                    value: f64::from(b.slow_call_rate_threshold),
                    meaning: Semantic::Slow,
                },
            ],
        );
        ui.label(egui::RichText::new("Calls per second").strong());
        time_plot_ui(
            ui,
            "breaker-calls",
            "breaker-time",
            "calls / s",
            h,
            &[
                PlotLine {
                    name: "permitted",
                    points: w.permitted.points(),
                    meaning: Semantic::Healthy,
                    dashed: false,
                },
                PlotLine {
                    name: "rejected by the breaker",
                    points: w.rejected.points(),
                    meaning: Semantic::Rejected,
                    dashed: false,
                },
                PlotLine {
                    name: "no free thread (without breaker)",
                    points: wo.pool_rejected.points(),
                    meaning: Semantic::Failing,
                    dashed: true,
                },
            ],
            &[],
        );
        ui.label(egui::RichText::new("Caller threads busy").strong());
        time_plot_ui(
            ui,
            "breaker-threads",
            "breaker-time",
            "threads",
            h,
            &[
                PlotLine {
                    name: "with breaker",
                    points: w.threads_busy.points(),
                    meaning: Semantic::Accent,
                    dashed: false,
                },
                PlotLine {
                    name: "without breaker",
                    points: wo.threads_busy.points(),
                    meaning: Semantic::Neutral,
                    dashed: true,
                },
            ],
            &[Reference {
                name: "pool size",
                value: f64::from(self.config.caller.threads),
                meaning: Semantic::Neutral,
            }],
        );
        ui.label(egui::RichText::new("Latency seen by clients (p99)").strong());
        time_plot_ui(
            ui,
            "breaker-latency",
            "breaker-time",
            "latency (ms)",
            h,
            &[
                PlotLine {
                    name: "with breaker",
                    points: w.latency_p99.points(),
                    meaning: Semantic::Accent,
                    dashed: false,
                },
                PlotLine {
                    name: "without breaker",
                    points: wo.latency_p99.points(),
                    meaning: Semantic::Neutral,
                    dashed: true,
                },
            ],
            &[Reference {
                name: "timeout",
                value: self.config.caller.timeout_ms,
                meaning: Semantic::Waiting,
            }],
        );
    }

    /// Every config value as a slider or field. Returns true when one changed: the run
    /// then restarts from the seed (a model is a function of its config).
    fn settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut changed = false;
        let c = &mut self.config;
        egui::CollapsingHeader::new("Breaker settings (resilience4j names in tooltips)")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("breaker-settings")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let b = &mut c.breaker;
                        let (mut time_based, mut size) = match b.window {
                            WindowType::CountBased(n) => (false, n),
                            WindowType::TimeBased(n) => (true, n),
                        };
                        ui.label("Window")
                            .on_hover_text("slidingWindowType, slidingWindowSize");
                        ui.horizontal(|ui| {
                            changed |= ui
                                .radio_value(&mut time_based, false, "last N calls")
                                .changed();
                            changed |= ui
                                .radio_value(&mut time_based, true, "last N seconds")
                                .changed();
                            changed |= ui.add(egui::Slider::new(&mut size, 1..=200)).changed();
                        });
                        b.window = if time_based {
                            WindowType::TimeBased(size)
                        } else {
                            WindowType::CountBased(size)
                        };
                        ui.end_row();
                        changed |= slider_row(
                            ui,
                            "Minimum calls",
                            "minimumNumberOfCalls",
                            &mut b.minimum_calls,
                            1..=200,
                            "",
                            false,
                        );
                        changed |= slider_row(
                            ui,
                            "Failure threshold",
                            "failureRateThreshold",
                            &mut b.failure_rate_threshold,
                            1.0..=100.0,
                            " %",
                            false,
                        );
                        changed |= slider_row(
                            ui,
                            "Slow-call threshold",
                            "slowCallRateThreshold",
                            &mut b.slow_call_rate_threshold,
                            1.0..=100.0,
                            " %",
                            false,
                        );
                        changed |= slider_row(
                            ui,
                            "Slow when over",
                            "slowCallDurationThreshold",
                            &mut b.slow_call_duration_ms,
                            10..=60_000,
                            " ms",
                            true,
                        );
                        changed |= slider_row(
                            ui,
                            "Wait in OPEN",
                            "waitDurationInOpenState",
                            &mut b.wait_in_open_ms,
                            100..=60_000,
                            " ms",
                            true,
                        );
                        changed |= slider_row(
                            ui,
                            "Trial calls",
                            "permittedNumberOfCallsInHalfOpenState",
                            &mut b.permitted_calls_in_half_open,
                            1..=50,
                            "",
                            false,
                        );
                        ui.label("Automatic transition")
                            .on_hover_text("automaticTransitionFromOpenToHalfOpenEnabled");
                        changed |= ui
                            .checkbox(&mut b.automatic_transition, "timer moves OPEN → HALF_OPEN")
                            .changed();
                        ui.end_row();
                        changed |= slider_row(
                            ui,
                            "Max wait in HALF_OPEN",
                            "maxWaitDurationInHalfOpenState (0 = off)",
                            &mut b.max_wait_in_half_open_ms,
                            0..=60_000,
                            " ms",
                            false,
                        );
                    });
            });
        egui::CollapsingHeader::new("System settings")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("system-settings")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let k = &mut c.caller;
                        changed |= slider_row(
                            ui,
                            "Requests",
                            "Poisson arrivals",
                            &mut k.arrival_rate,
                            1.0..=500.0,
                            " /s",
                            true,
                        );
                        changed |= slider_row(
                            ui,
                            "Caller threads",
                            "a request finding none free fails",
                            &mut k.threads,
                            1..=100,
                            "",
                            false,
                        );
                        changed |= slider_row(
                            ui,
                            "Call timeout",
                            "the caller gives up after this",
                            &mut k.timeout_ms,
                            50.0..=10_000.0,
                            " ms",
                            true,
                        );
                        ui.label("Fallback");
                        changed |= ui
                            .checkbox(&mut k.fallback, "answer rejected calls from a cache")
                            .changed();
                        ui.end_row();
                        let d = &mut c.dependency;
                        changed |= slider_row(
                            ui,
                            "Failure chance",
                            "when healthy",
                            &mut d.failure_probability,
                            0.0..=1.0,
                            "",
                            false,
                        );
                        changed |= median_row(ui, "Healthy latency", &mut d.latency);
                        changed |= median_row(ui, "Slow latency", &mut d.slow_latency);
                    });
            });
        changed
    }
}

fn t_since(now: f64, then: f64) -> f32 {
    (now - then).max(0.0) as f32
}

/// A time-based window as one column per second, oldest on the left: its height is the
/// number of calls that second, split into failures, slow successes and successes.
fn time_window_ui(ui: &mut egui::Ui, buckets: &[(u64, Snapshot)]) {
    const HEIGHT: f32 = 44.0;
    const GAP: f32 = 2.0;
    let dark = ui.visuals().dark_mode;
    let n = buckets.len().max(1) as f32;
    let column = ((ui.available_width().min(420.0) + GAP) / n - GAP).clamp(3.0, 24.0);
    let size = egui::vec2(n * (column + GAP) - GAP, HEIGHT);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let most = buckets
        .iter()
        .map(|(_, s)| s.calls)
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    for (i, (_, s)) in buckets.iter().enumerate() {
        let x = rect.min.x + i as f32 * (column + GAP);
        let outline = egui::Rect::from_min_max(
            egui::pos2(x, rect.min.y),
            egui::pos2(x + column, rect.max.y),
        );
        painter.rect_stroke(
            outline,
            2.0,
            egui::Stroke::new(1.0, Semantic::Neutral.color(dark)),
            egui::StrokeKind::Inside,
        );
        // A call can be both failed and slow; it is drawn once, as a failure.
        let slow_ok = s.slow.min(s.calls - s.failed);
        let mut bottom = rect.max.y;
        for (count, meaning) in [
            (s.failed, Semantic::Failing),
            (slow_ok, Semantic::Slow),
            (s.calls - s.failed - slow_ok, Semantic::Healthy),
        ] {
            let h = HEIGHT * count as f32 / most;
            if h > 0.0 {
                let r = egui::Rect::from_min_max(
                    egui::pos2(x, bottom - h),
                    egui::pos2(x + column, bottom),
                );
                painter.rect_filled(r, 0.0, meaning.color(dark));
                bottom -= h;
            }
        }
    }
    let hover = buckets
        .iter()
        .rev()
        .take(5)
        .map(|(second, s)| {
            format!(
                "{second} s: {} calls, {} failed, {} slow",
                s.calls, s.failed, s.slow
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    response.on_hover_text(format!("Newest seconds first:\n{hover}"));
    ui.weak(format!(
        "{} one-second buckets, oldest left; a bar's height is that second's calls",
        buckets.len()
    ));
}
