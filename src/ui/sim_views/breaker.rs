//! The circuit breaker simulation: the state machine with the live state lit, the
//! sliding window as a strip of outcomes, the caller's threads, and plots, for the same
//! seed with and without the breaker, so the point of the pattern is visible.
//!
//! Seeking re-runs both systems from the seed with the faults and hand-set states
//! injected so far (at their times, see [`PairedRuns`]): about 20 calls a virtual
//! second, so a full re-run is a few thousand calls.

use crate::sim::breaker::{
    BreakerSystem, Fault, ScheduledFault, ScheduledState, Snapshot, State, SystemConfig,
    Transition, WindowType,
};
use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::SimTime;
use crate::sim::presets;
use crate::ui::sim_page::{
    FRAME_INTERVAL, FaultButton, Injected, Marker, PairedModel, PairedRuns, Settings, SimBody,
    changed_note, fault_group,
};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::breaker_diagram;
use crate::ui::widgets::setting_rows::{median_row, slider_row};
use crate::ui::widgets::sim_plot::{Threshold, TimeAxis, TimeChart, Trace, qty};
use crate::ui::widgets::slot_grid::{mark_swatch_ui, marked_slot_grid_ui, slot_grid_ui, swatch_ui};

const INFO: &SimInfo = &catalog::SIMULATIONS[0];

/// A transition seen by the view, with the real time it was first drawn (for the animation).
#[derive(Debug, Clone, Copy)]
struct Seen {
    transition: Transition,
    shown_at: f64,
}

#[derive(Debug)]
pub struct BreakerView {
    settings: Settings<SystemConfig>,
    /// With the breaker and with it disabled, and the faults and states set by hand.
    runs: PairedRuns<BreakerSystem>,
    last: Option<Seen>,
}

impl Default for BreakerView {
    fn default() -> Self {
        let settings = Settings::new(INFO, |name| presets::breaker(name).unwrap_or_default());
        Self {
            runs: PairedRuns::new(&settings.current, 1),
            settings,
            last: None,
        }
    }
}

/// What the learner does to a breaker run by hand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakerInjection {
    /// A fault of the dependency, in both runs.
    Fault(Fault),
    /// A state forced on the breaker (the run without one has nothing to force).
    State(State),
}

impl PairedModel for BreakerSystem {
    type Config = SystemConfig;
    type Injection = BreakerInjection;

    /// The same config and seed, with the breaker and with it disabled.
    fn pair(
        config: &SystemConfig,
        injected: &[Injected<BreakerInjection>],
        seed: u64,
    ) -> (Self, Self) {
        let mut config = config.clone();
        for i in injected {
            match i.what {
                BreakerInjection::Fault(fault) => config.faults.push(ScheduledFault {
                    at_ms: i.at_ms,
                    fault,
                }),
                BreakerInjection::State(state) => config.manual.push(ScheduledState {
                    at_ms: i.at_ms,
                    state,
                }),
            }
        }
        config.faults.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        let run = |use_breaker| {
            BreakerSystem::new(
                SystemConfig {
                    use_breaker,
                    ..config.clone()
                },
                seed,
            )
        };
        (run(true), run(false))
    }

    fn now(&self) -> SimTime {
        BreakerSystem::now(self)
    }

    fn advance_to(&mut self, until: SimTime) {
        BreakerSystem::advance_to(self, until);
    }

    fn inject(&mut self, injection: BreakerInjection, with_pattern: bool) {
        match injection {
            BreakerInjection::Fault(fault) => BreakerSystem::inject(self, fault),
            BreakerInjection::State(state) if with_pattern => self.set_breaker_state(state),
            BreakerInjection::State(_) => {}
        }
    }
}

fn state_meaning(state: State) -> Semantic {
    match state {
        State::Closed => Semantic::Healthy,
        State::Open | State::ForcedOpen => Semantic::Rejected,
        State::HalfOpen => Semantic::Waiting,
        State::Disabled => Semantic::Neutral,
    }
}

fn fault_label(fault: Fault) -> &'static str {
    match fault {
        Fault::Outage => "outage: every call fails",
        Fault::Slow => "the dependency turns slow",
        Fault::Recover => "the dependency recovers",
    }
}

fn fault_meaning(fault: Fault) -> Semantic {
    match fault {
        Fault::Outage => Semantic::Failing,
        Fault::Slow => Semantic::Slow,
        Fault::Recover => Semantic::Healthy,
    }
}

impl SimBody for BreakerView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 100.0;

    fn now_ms(&self) -> f64 {
        self.runs.now_ms()
    }

    fn end_ms(&self) -> f64 {
        presets::BREAKER_RUN_SECS * 1000.0
    }

    fn advance_to(&mut self, ms: f64) {
        self.runs.advance_to(ms.min(self.end_ms()));
    }

    fn rebuild(&mut self, seed: u64) {
        self.runs.rebuild(&self.settings.current, seed);
        self.last = None;
    }

    fn seek(&mut self, seed: u64, ms: f64) {
        self.runs
            .seek(&self.settings.current, seed, ms.min(self.end_ms()));
        self.last = None;
    }

    fn markers(&self) -> Vec<Marker> {
        let mut markers: Vec<Marker> = self
            .settings
            .current
            .faults
            .iter()
            .map(|f| (f.at_ms, f.fault))
            .chain(self.runs.injected().iter().filter_map(|i| match i.what {
                BreakerInjection::Fault(fault) => Some((i.at_ms, fault)),
                BreakerInjection::State(_) => None,
            }))
            .map(|(at_ms, fault)| Marker {
                at_ms,
                label: fault_label(fault).to_owned(),
                colour: fault_meaning(fault),
            })
            .collect();
        markers.extend(self.runs.with.transitions().iter().map(|t| Marker {
            at_ms: t.at.as_ms(),
            label: format!("breaker {} → {}", t.from, t.to),
            colour: state_meaning(t.to),
        }));
        markers
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn strip_ui(&mut self, ui: &mut egui::Ui) -> bool {
        const FAULTS: [Fault; 3] = [Fault::Outage, Fault::Slow, Fault::Recover];
        let faults = [
            FaultButton::now("Outage now", "Every call fails from now on"),
            FaultButton::now(
                "Slow now",
                "Calls take the slow latency from now on (and hit the timeout)",
            ),
            FaultButton::now("Recover", "The dependency is healthy again"),
        ];
        if let Some(i) = fault_group(ui, "Dependency", &faults) {
            self.runs.inject(BreakerInjection::Fault(FAULTS[i]));
        }
        const STATES: [State; 3] = [State::ForcedOpen, State::Disabled, State::Closed];
        let states = [
            FaultButton::now(
                "Force OPEN",
                "FORCED_OPEN: reject every call until set otherwise",
            ),
            FaultButton::now("Disable", "DISABLED: permit every call, record nothing"),
            FaultButton::now("Force CLOSED", "Back to CLOSED with a fresh window"),
        ];
        if let Some(i) = fault_group(ui, "Breaker", &states) {
            self.runs.inject(BreakerInjection::State(STATES[i]));
        }
        false
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool {
        self.live_ui(ui);
        let mut changed = self.breaker_settings_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.comparison_ui(ui);
        changed |= self.system_settings_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.plots_ui(ui, axis);
        changed
    }
}

impl BreakerView {
    /// The state machine, the window strip and the numbers behind the current state.
    fn live_ui(&mut self, ui: &mut egui::Ui) {
        let now_secs = ui.input(|i| i.time);
        if let Some(&t) = self.runs.with.transitions().last() {
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
            breaker_diagram::state_machine_ui(ui, self.runs.with.breaker().state(), animating);
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
                } else if self.runs.with.now().0 == 0 {
                    ui.weak("No state change yet. Press Play (Space), or inject a fault.");
                } else {
                    ui.weak("No state change yet: the breaker is CLOSED.");
                }
            });
        });
        if animating.is_some_and(|(age, _)| age < breaker_diagram::ANIMATION_SECS) {
            ui.ctx().request_repaint_after(FRAME_INTERVAL);
        }
    }

    fn window_ui(&mut self, ui: &mut egui::Ui) {
        let now = self.runs.with.now();
        let rates = self.runs.with.breaker_rates();
        let breaker = self.runs.with.breaker();
        let state = breaker.state();
        let config = breaker.config().clone();
        let size = match (breaker.count_window(), breaker.time_window()) {
            (Some(w), _) => WindowSize::Calls(w.capacity()),
            (_, Some(w)) => WindowSize::Seconds(w.buckets().count()),
            _ => WindowSize::Calls(0),
        };
        ui.label(egui::RichText::new(window_title(state, breaker.window_of(), size)).strong());
        if state == State::Open {
            ui.weak("Rejected calls are not recorded; the next trial starts a fresh window.");
        }
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
            // The slot that completes the minimum: a rate exists once it is filled.
            let minimum = (breaker.minimum_calls() as usize).min(w.capacity());
            marked_slot_grid_ui(ui, &outcomes, 25, minimum.checked_sub(1));
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
            if breaker.count_window().is_some() {
                mark_swatch_ui(ui, "minimum calls for a rate");
            }
        });
        let minimum = breaker.minimum_calls();
        let calls = match (breaker.count_window(), breaker.time_window()) {
            (Some(w), _) => w.outcomes().count(),
            (_, Some(w)) => w.buckets().map(|(_, s)| s.calls as usize).sum(),
            _ => 0,
        };
        let pct = |v: f32| qty(format!("{v:.1}"), "%");
        let text = match rates {
            // OPEN cannot trip: its window only says what made it open.
            Some((f, s)) if state == State::Open => format!(
                "Failure rate {} · slow-call rate {} in the kept window",
                pct(f),
                pct(s)
            ),
            Some((f, s)) => format!(
                "Failure rate {f:.1} % (trips at ≥ {:.0} %) · slow-call rate {s:.1} % (≥ {:.0} %)",
                config.failure_rate_threshold, config.slow_call_rate_threshold
            ),
            None if matches!(state, State::Closed | State::HalfOpen) => {
                let window = breaker
                    .count_window()
                    .map(|w| format!(" of the last {}", w.capacity()))
                    .unwrap_or_default();
                format!(
                    "No rate yet: {calls} call(s) in the window{window}, and a rate needs at \
                     least {minimum} (the breaker cannot trip)"
                )
            }
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
        let threads = self.settings.current.caller.threads as usize;
        ui.columns(2, |cols| {
            let runs = [
                (&self.runs.with, "With the breaker"),
                (&self.runs.without, "Without it (same seed)"),
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
                        // Plain text: a share of answers is good or bad only in
                        // comparison, so it wears no verdict colour.
                        ui.label(
                            egui::RichText::new(qty(format!("{:.1}", pct(s.answered())), "%"))
                                .strong(),
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

    fn plots_ui(&self, ui: &mut egui::Ui, axis: &TimeAxis) {
        let w = self.runs.with.series();
        let wo = self.runs.without.series();
        let b = &self.settings.current.breaker;
        TimeChart::new(
            "breaker-rates",
            "Breaker rates against their thresholds (with the breaker)",
            "rate (%)",
        )
        .percent()
        .trace(Trace::new(
            "failure rate",
            w.failure_rate.points(),
            Semantic::Failing,
        ))
        .trace(Trace::new(
            "slow-call rate",
            w.slow_rate.points(),
            Semantic::Slow,
        ))
        .threshold(Threshold {
            name: "failure threshold".into(),
            value: f64::from(b.failure_rate_threshold),
            colour: Semantic::Failing,
            label: format!("trips at {}", qty(b.failure_rate_threshold, "%")),
        })
        .threshold(Threshold {
            name: "slow-call threshold".into(),
            value: f64::from(b.slow_call_rate_threshold),
            colour: Semantic::Slow,
            label: format!("trips at {}", qty(b.slow_call_rate_threshold, "%")),
        })
        .show(ui, axis);
        TimeChart::new("breaker-calls", "Calls per second", "calls/s")
            .trace(Trace::new(
                "permitted",
                w.permitted.points(),
                Semantic::Healthy,
            ))
            .trace(Trace::new(
                "rejected by the breaker",
                w.rejected.points(),
                Semantic::Rejected,
            ))
            .trace(
                Trace::new(
                    "no free thread (without the breaker)",
                    wo.pool_rejected.points(),
                    Semantic::Failing,
                )
                .dashed(),
            )
            .show(ui, axis);
        let threads = self.settings.current.caller.threads;
        TimeChart::new("breaker-threads", "Caller threads busy", "threads")
            .trace(Trace::new(
                "with the breaker",
                w.threads_busy.points(),
                Semantic::Accent,
            ))
            .trace(Trace::new("without it", wo.threads_busy.points(), Semantic::Waiting).dashed())
            .threshold(Threshold {
                name: "pool size".into(),
                value: f64::from(threads),
                colour: Semantic::Neutral,
                label: format!("{threads} threads"),
            })
            .show(ui, axis);
        TimeChart::new(
            "breaker-latency",
            "Latency seen by clients (p99; gaps: no call finished)",
            "ms",
        )
        .trace(Trace::new(
            "with the breaker",
            w.latency_p99.points(),
            Semantic::Accent,
        ))
        .trace(Trace::new("without it", wo.latency_p99.points(), Semantic::Waiting).dashed())
        .threshold(Threshold {
            name: "timeout".into(),
            value: self.settings.current.caller.timeout_ms,
            colour: Semantic::Neutral,
            label: format!(
                "timeout {}",
                qty(self.settings.current.caller.timeout_ms, "ms")
            ),
        })
        .show(ui, axis);
    }

    /// The breaker's settings, under the state machine and window they shape. Returns
    /// true when one changed: the page then re-runs from the seed.
    fn breaker_settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let preset = self.settings.preset().breaker.clone();
        let mut changed = changed_note(ui, self.settings.current.breaker != preset);
        if changed {
            self.settings.current.breaker = preset;
        }
        let c = &mut self.settings.current;
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
        changed
    }

    /// The caller's and the dependency's settings, under the two runs they drive.
    fn system_settings_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let preset = self.settings.preset().clone();
        let mut changed = changed_note(
            ui,
            self.settings.current.caller != preset.caller
                || self.settings.current.dependency != preset.dependency,
        );
        if changed {
            self.settings.current.caller = preset.caller;
            self.settings.current.dependency = preset.dependency;
        }
        let c = &mut self.settings.current;
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

/// How big the window drawn is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WindowSize {
    Calls(usize),
    Seconds(usize),
}

/// What the window strip shows. Every state change starts a fresh window except the
/// change into OPEN, which keeps the window it came from: after CLOSED the last calls,
/// after a failed trial only the trial calls, so the strip shrinks to their number.
fn window_title(state: State, window_of: State, size: WindowSize) -> String {
    let calls = match (window_of, size) {
        (State::HalfOpen, WindowSize::Calls(n)) => format!("the {n} trial calls"),
        (_, WindowSize::Calls(n)) => format!("the last {n} calls"),
        (_, WindowSize::Seconds(n)) => format!("the calls of the last {n} seconds"),
    };
    match (state, window_of) {
        (State::Open, State::HalfOpen) => {
            format!("Kept from HALF_OPEN while OPEN: {calls}, which re-opened it")
        }
        (State::Open, _) => format!("Kept from CLOSED while OPEN: {calls} before it opened"),
        (State::HalfOpen, _) => format!("Trial window: {calls}, in a fresh window"),
        _ => format!("Sliding window: {calls}"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::sim_page::assert_page_matches_cli;

    /// The strip says whose window it shows: OPEN keeps CLOSED's last calls after a
    /// trip, and only HALF_OPEN's trial calls after a failed trial.
    #[test]
    fn the_window_says_which_state_it_belongs_to() {
        let title = window_title;
        assert_eq!(
            title(State::Closed, State::Closed, WindowSize::Calls(20)),
            "Sliding window: the last 20 calls"
        );
        assert_eq!(
            title(State::Open, State::Closed, WindowSize::Calls(20)),
            "Kept from CLOSED while OPEN: the last 20 calls before it opened"
        );
        assert_eq!(
            title(State::HalfOpen, State::HalfOpen, WindowSize::Calls(3)),
            "Trial window: the 3 trial calls, in a fresh window"
        );
        assert_eq!(
            title(State::Open, State::HalfOpen, WindowSize::Calls(3)),
            "Kept from HALF_OPEN while OPEN: the 3 trial calls, which re-opened it"
        );
        assert_eq!(
            title(State::Closed, State::Closed, WindowSize::Seconds(10)),
            "Sliding window: the calls of the last 10 seconds"
        );
    }

    /// Played to the first failed trial, the page's breaker keeps the trial window: as
    /// many outcomes as trial calls, all recorded in HALF_OPEN.
    #[test]
    fn after_a_failed_trial_the_page_shows_the_trial_window() {
        let mut view = BreakerView::default();
        crate::ui::sim_page::play_in_frames(&mut view, 1, 60_000.0);
        let reopened = view
            .runs
            .with
            .transitions()
            .iter()
            .find(|t| (t.from, t.to) == (State::HalfOpen, State::Open))
            .map(|t| t.at.as_ms())
            .expect("the slow dependency fails the first trial");
        view.seek(1, reopened);
        let breaker = view.runs.with.breaker();
        assert_eq!(breaker.state(), State::Open);
        assert_eq!(breaker.window_of(), State::HalfOpen);
        let trials = view.settings.current.breaker.permitted_calls_in_half_open as usize;
        let window = breaker.count_window().expect("a count window");
        assert_eq!(
            (window.capacity(), window.outcomes().count()),
            (trials, trials)
        );
    }

    /// The page and `workbook sim` build the same runs from the same preset and seed.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        assert_page_matches_cli(3, 25.0, |view: &BreakerView| {
            let (with, without) = (view.runs.with.stats(), view.runs.without.stats());
            vec![
                ("with.arrivals", with.arrivals as f64),
                ("with.rejected_by_breaker", with.rejected_by_breaker as f64),
                ("without.rejected_by_pool", without.rejected_by_pool as f64),
            ]
        });
    }
}
