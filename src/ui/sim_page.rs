//! The one simulation page every simulation fills in, so all eight read the same way:
//!
//! 1. a header: the title and one sentence of what to notice, wrapped, never cut;
//! 2. the control strip: play/pause, step, reset, speed and seed on one line, then the
//!    preset and the fault buttons of the simulation, grouped and labelled;
//! 3. the clock (`t = 12.3 s`, `t = 79 min`, or `step 3` for the ticket race) beside a
//!    timeline scrubber with the run's event markers; dragging it seeks by re-running
//!    the model from its seed, which is exact because the models are deterministic;
//! 4. the simulation's own visuals, scrolling under the fixed strip.
//!
//! A page repaints at most [`FRAME_INTERVAL`] apart while it plays and not at all when
//! paused or hidden; a model with a natural end stops there.

use std::time::Duration;

use crate::content::guided::GuidedStep;
use crate::sim::catalog::SimInfo;
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::sim_controls::{SimAction, SimControls};
use crate::ui::widgets::sim_plot::{NBSP, TimeAxis, TimeUnit};

mod paired;
mod settings;

pub use paired::{Injected, PairedModel, PairedRuns};
pub use settings::Settings;

/// The shortest gap between two repaints of a playing simulation: about 30 frames a
/// second, plenty for models that change at 10 to 20 Hz.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// Longest real frame time a playing model is advanced by: after a stall (the window was
/// hidden) the model continues instead of jumping ahead.
const MAX_FRAME_SECS: f64 = 0.1;

/// How a model's clock reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockUnit {
    /// `t = 12.3 s`; one virtual second per real second at 1×.
    Seconds,
    /// `t = 79 min`; one virtual minute per real second at 1×.
    Minutes,
    /// `step 3`: a model of discrete moves, one move per real second at 1×, each move
    /// counting as 1000 virtual ms.
    Steps,
}

impl ClockUnit {
    /// Virtual ms per unit.
    fn ms(self) -> f64 {
        match self {
            Self::Seconds | Self::Steps => 1000.0,
            Self::Minutes => 60_000.0,
        }
    }

    /// The clock text for `ms` of virtual time, on a run `end_ms` long.
    pub fn clock(self, ms: f64, end_ms: f64) -> String {
        match self {
            Self::Seconds if end_ms < 10_000.0 => format!("t = {:.2}{NBSP}s", ms / 1000.0),
            Self::Seconds => format!("t = {:.1}{NBSP}s", ms / 1000.0),
            Self::Minutes => format!("t = {:.0}{NBSP}min", (ms / 60_000.0).floor()),
            Self::Steps => format!("step {:.0}", (ms / 1000.0).floor()),
        }
    }

    /// The unit of the page's time plots.
    fn plot_unit(self) -> TimeUnit {
        match self {
            Self::Minutes => TimeUnit::Minutes,
            Self::Seconds | Self::Steps => TimeUnit::Seconds,
        }
    }
}

/// Something that happened (or is scheduled) at a moment of the run, marked on the
/// timeline: a fault, a recovery, a state change.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub at_ms: f64,
    pub label: String,
    pub colour: Semantic,
}

/// What a simulation provides to the page. Virtual time is in ms throughout.
pub trait SimBody: std::fmt::Debug {
    /// Its entry in `sim::catalog`: id, title, notice and presets.
    const INFO: &'static SimInfo;
    const UNIT: ClockUnit = ClockUnit::Seconds;
    /// Virtual ms one press of Step advances.
    const STEP_MS: f64;
    const DEFAULT_SPEED: f64 = 1.0;
    fn now_ms(&self) -> f64;
    /// The run's natural end: the page stops there and the scrubber ends there.
    fn end_ms(&self) -> f64;
    /// Whether nothing more can happen (a model may end before `end_ms`).
    fn finished(&self) -> bool {
        self.now_ms() >= self.end_ms()
    }
    /// Advances the model to `ms` (never past its end).
    fn advance_to(&mut self, ms: f64);
    /// Back to t = 0 with the current settings and `seed`.
    fn rebuild(&mut self, seed: u64);
    /// To `ms` from the seed: a rebuild and an advance, unless the model knows a cheaper
    /// way. Faults injected by hand so far are kept, at the times they were injected.
    fn seek(&mut self, seed: u64, ms: f64) {
        self.rebuild(seed);
        self.advance_to(ms);
    }
    /// Timeline markers: scheduled faults, and what has happened up to now.
    fn markers(&self) -> Vec<Marker> {
        Vec::new()
    }
    /// Takes the settings of preset `index` of `INFO.presets` (the page keeps the index
    /// and rebuilds afterwards).
    fn set_preset(&mut self, index: usize);
    /// The simulation's fault buttons, in the strip after the preset; draw them with
    /// [`fault_group`]. Returns true when a scheduled fault was switched (the page then
    /// re-runs to the same moment); faults injected "now" need no re-run.
    fn strip_ui(&mut self, _ui: &mut egui::Ui) -> bool {
        false
    }
    /// The visuals and the settings beside them. Returns true when a setting changed;
    /// the page then re-runs the model from its seed to the same moment.
    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool;
}

/// One button of a fault group: a one-off injection ("Outage now"), or, with `on`, a
/// scheduled fault switched on or off.
pub struct FaultButton<'a> {
    pub label: &'a str,
    pub tip: &'a str,
    pub on: Option<bool>,
}

impl<'a> FaultButton<'a> {
    pub fn now(label: &'a str, tip: &'a str) -> Self {
        Self {
            label,
            tip,
            on: None,
        }
    }

    pub fn toggle(label: &'a str, tip: &'a str, on: bool) -> Self {
        Self {
            label,
            tip,
            on: Some(on),
        }
    }
}

/// A labelled group of fault buttons in the strip ("Dependency: Outage now · Recover").
/// The group moves to a new line as one piece, so a label never ends a line apart from
/// its buttons. Returns the index of the button clicked.
pub fn fault_group(ui: &mut egui::Ui, group: &str, buttons: &[FaultButton<'_>]) -> Option<usize> {
    let width = |text: &str, style: egui::TextStyle| {
        let font = style.resolve(ui.style());
        ui.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE))
            .size()
            .x
    };
    let spacing = ui.spacing().item_spacing.x;
    let padding = 2.0 * ui.spacing().button_padding.x;
    let needed = width(group, egui::TextStyle::Small)
        + buttons
            .iter()
            .map(|b| width(b.label, egui::TextStyle::Button) + padding + spacing)
            .sum::<f32>()
        + 3.0 * spacing;
    // A tenth more than the text needs: selectable buttons pad a little more than the
    // estimate, and a group that just fits is better on the next line than split.
    if ui.available_size_before_wrap().x < needed * 1.1 {
        ui.end_row();
    } else {
        ui.separator();
    }
    ui.label(egui::RichText::new(group).small().weak());
    let mut clicked = None;
    for (i, b) in buttons.iter().enumerate() {
        let response = match b.on {
            None => ui.button(b.label),
            Some(on) => ui.selectable_label(on, b.label),
        };
        if response.on_hover_text(b.tip).clicked() {
            clicked = Some(i);
        }
    }
    clicked
}

/// "changed from preset · reset" beside a setting group whose values differ from the
/// preset's; returns true when the learner clicked reset.
pub fn changed_note(ui: &mut egui::Ui, changed: bool) -> bool {
    if !changed {
        return false;
    }
    let mut reset = false;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = theme::SPACE_XS;
        ui.label(egui::RichText::new("changed from preset ·").small().weak());
        reset = ui
            .link(egui::RichText::new("reset").small())
            .on_hover_text("Back to this preset's values")
            .clicked();
    });
    reset
}

/// A page of the simulations screen, as the screen holds it.
pub trait Page: std::fmt::Debug {
    /// Draws the page; `steps` are its guided steps from the lesson pack.
    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, steps: &[GuidedStep]);
    /// Opened from a lesson link: the first preset, at t = 0, paused.
    fn open_fresh(&mut self);
    /// Opened at `preset` (the first if unknown) and the moment `at` on the page's clock,
    /// paused: a predict card's "Show me".
    fn open_at(&mut self, preset: &str, at: f64);
    fn info(&self) -> &'static SimInfo;
}

/// A guided step in progress: the learner's prediction, then the run to its moment.
#[derive(Debug, Default)]
struct Guided {
    /// The step shown, as an index into the page's steps.
    step: usize,
    chosen: Option<usize>,
    /// Where the run pauses (virtual ms), once the learner pressed "Play to find out".
    stop_ms: Option<f64>,
    /// The choice that held, once the run reached the moment (`None` inside: the model
    /// could not say, e.g. after the step's counter was renamed).
    verdict: Option<Option<usize>>,
}

/// One simulation with its playback state.
#[derive(Debug)]
pub struct SimPage<B: SimBody> {
    pub body: B,
    controls: SimControls,
    /// Virtual time the learner asked for; a model of discrete moves may lag behind it
    /// by less than a move.
    position_ms: f64,
    /// Index of the preset in use in `B::INFO.presets`.
    preset: usize,
    guided: Guided,
}

impl<B: SimBody> SimPage<B> {
    pub fn new(mut body: B) -> Self {
        let controls = SimControls {
            speed: B::DEFAULT_SPEED,
            ..SimControls::default()
        };
        body.set_preset(0);
        body.rebuild(controls.seed);
        Self {
            body,
            controls,
            position_ms: 0.0,
            preset: 0,
            guided: Guided::default(),
        }
    }

    /// Takes the settings of preset `index` (rebuild afterwards).
    fn select_preset(&mut self, index: usize) {
        self.preset = index;
        self.body.set_preset(index);
    }

    fn rebuild(&mut self) {
        self.body.rebuild(self.controls.seed);
        self.position_ms = 0.0;
        // A reset or a new preset ends a guided run in progress (not its verdict).
        if self.guided.verdict.is_none() {
            self.guided.stop_ms = None;
        }
    }

    /// Moves to `ms`: forward by advancing, backward by re-running from the seed.
    pub fn seek(&mut self, ms: f64) {
        let ms = ms.clamp(0.0, self.body.end_ms());
        if ms >= self.body.now_ms() {
            self.body.advance_to(ms);
        } else {
            self.body.seek(self.controls.seed, ms);
        }
        self.position_ms = ms;
    }

    fn apply(&mut self, action: SimAction, dt_secs: f64) {
        match action {
            SimAction::Reset => self.rebuild(),
            SimAction::Play if self.body.finished() => self.rebuild(),
            SimAction::Step => {
                let to = (self.body.now_ms() + B::STEP_MS).min(self.body.end_ms());
                self.body.advance_to(to);
                self.position_ms = self.body.now_ms();
            }
            SimAction::Play | SimAction::None => {}
        }
        if self.controls.playing {
            let ms = dt_secs.min(MAX_FRAME_SECS) * self.controls.speed * B::UNIT.ms();
            let stop = self.guided.stop_ms.unwrap_or(f64::INFINITY);
            self.position_ms = (self.position_ms + ms).min(self.body.end_ms()).min(stop);
            self.body.advance_to(self.position_ms);
            if self.body.finished() || self.position_ms >= stop {
                self.controls.playing = false;
            }
        }
    }

    /// The guided steps: pick a step, predict, play to the moment, read the verdict. A
    /// step played to its moment is saved as done.
    fn guided_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, steps: &[GuidedStep]) {
        let Some(step) = steps.get(self.guided.step) else {
            return;
        };
        let info = B::INFO;
        let done = |s: &GuidedStep| {
            shared
                .store
                .progress
                .sims
                .steps_done
                .contains(&crate::sim::SimProgress::step_key(info.id, &s.id))
        };
        let done_count = steps.iter().filter(|s| done(s)).count();
        // Open by default where the visuals still show below it; in a small window the
        // visuals come first and the steps are one click away.
        let roomy = ui.ctx().content_rect().height() >= 760.0;
        egui::CollapsingHeader::new(
            egui::RichText::new(format!(
                "Predict, then play ({done_count} of {} done)",
                steps.len()
            ))
            .strong(),
        )
        .id_salt(("guided", info.id))
        .default_open(roomy)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (i, s) in steps.iter().enumerate() {
                    let mark = if done(s) { " ✓" } else { "" };
                    if ui
                        .selectable_label(i == self.guided.step, format!("Step {}{mark}", i + 1))
                        .clicked()
                        && i != self.guided.step
                    {
                        self.guided = Guided {
                            step: i,
                            ..Guided::default()
                        };
                    }
                }
            });
            ui.label(&step.question);
            let locked = self.guided.stop_ms.is_some();
            for (i, choice) in step.choices.iter().enumerate() {
                ui.add_enabled_ui(!locked, |ui| {
                    ui.radio_value(&mut self.guided.chosen, Some(i), &choice.text);
                });
            }
            match self.guided.verdict {
                None if locked => {
                    ui.weak("Playing to the moment…");
                }
                None => {
                    let play = ui
                        .add_enabled(
                            self.guided.chosen.is_some(),
                            egui::Button::new("▶ Play to find out"),
                        )
                        .on_hover_text(
                            "Runs the step's preset from t = 0 and pauses at the moment",
                        );
                    if play.clicked() {
                        self.start_step(step);
                    }
                }
                Some(held) => self.verdict_ui(ui, step, held),
            }
        });
        if self.guided.verdict.is_none()
            && let Some(stop) = self.guided.stop_ms
            && !self.controls.playing
            && self.position_ms >= stop.min(self.body.end_ms())
        {
            self.guided.verdict = Some(step.verdict(info.id, self.controls.seed));
            if shared.store.progress.sims.mark_step_done(info.id, &step.id) {
                shared.save();
            }
        }
    }

    fn start_step(&mut self, step: &GuidedStep) {
        let info = B::INFO;
        if let Some(i) = info.presets.iter().position(|p| p.name == step.preset) {
            self.select_preset(i);
        }
        self.rebuild();
        self.guided.stop_ms = Some(step.at * B::UNIT.ms());
        self.controls.playing = true;
    }

    fn verdict_ui(&mut self, ui: &mut egui::Ui, step: &GuidedStep, held: Option<usize>) {
        let (text, meaning) = match (held, self.guided.chosen) {
            (Some(h), Some(c)) if h == c => ("Your prediction held.".to_owned(), Semantic::Healthy),
            (Some(h), _) => (
                format!("Not this time: {}", step.choices[h].text),
                Semantic::Waiting,
            ),
            (None, _) => (
                "The model could not answer this step with these settings.".to_owned(),
                Semantic::Neutral,
            ),
        };
        ui.label(egui::RichText::new(text).strong().color(meaning.in_ui(ui)));
        ui.label(&step.why);
        if ui.button("Try this step again").clicked() {
            self.guided = Guided {
                step: self.guided.step,
                ..Guided::default()
            };
        }
    }

    /// The title and what to notice, wrapped to the page's width: the text is fixed per
    /// simulation, so the strip below it never moves while the model plays.
    fn header_ui(&self, ui: &mut egui::Ui, info: &SimInfo) {
        ui.heading(info.title);
        let colour = ui.visuals().weak_text_color();
        ui.add(egui::Label::new(egui::RichText::new(info.notice).color(colour)).wrap());
    }

    fn strip_ui(&mut self, ui: &mut egui::Ui, info: &'static SimInfo) {
        let changed = ui.horizontal_wrapped(|ui| {
            let mut preset = self.preset;
            if choice_ui(
                ui,
                "Preset",
                &format!("{}-preset", info.id),
                Some(230.0),
                &mut preset,
                0..info.presets.len(),
                |i| info.presets[i].label,
            ) {
                self.select_preset(preset);
                self.rebuild();
            }
            self.body.strip_ui(ui)
        });
        if changed.inner {
            self.rerun();
        }
    }

    /// Re-runs the model from its seed to the moment shown, after a setting changed.
    fn rerun(&mut self) {
        self.body.seek(self.controls.seed, self.position_ms);
        self.position_ms = self.body.now_ms();
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        let unit = B::UNIT;
        let end = self.body.end_ms();
        ui.horizontal(|ui| {
            ui.add_sized(
                [112.0, ui.spacing().interact_size.y],
                egui::Label::new(
                    egui::RichText::new(unit.clock(self.body.now_ms(), end))
                        .monospace()
                        .strong(),
                ),
            );
            let end_label = match unit {
                ClockUnit::Minutes => format!("{:.0}{NBSP}min", end / 60_000.0),
                ClockUnit::Steps => format!("{:.0} steps", end / 1000.0),
                ClockUnit::Seconds => format!("{:.0}{NBSP}s", end / 1000.0),
            };
            let width = ui.available_width() - 70.0;
            let markers = self.body.markers();
            if let Some(ms) = scrubber_ui(ui, width, self.body.now_ms(), end, &markers, unit) {
                self.controls.playing = false;
                self.seek(ms);
            }
            ui.weak(end_label);
        });
    }
}

impl<B: SimBody> Page for SimPage<B> {
    fn info(&self) -> &'static SimInfo {
        B::INFO
    }

    fn open_fresh(&mut self) {
        self.controls.playing = false;
        self.select_preset(0);
        self.rebuild();
    }

    fn open_at(&mut self, preset: &str, at: f64) {
        self.controls.playing = false;
        let info = B::INFO;
        let index = info.presets.iter().position(|p| p.name == preset);
        self.select_preset(index.unwrap_or(0));
        self.rebuild();
        self.seek(at * B::UNIT.ms());
    }

    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, steps: &[GuidedStep]) {
        let info = B::INFO;
        self.header_ui(ui, info);
        let step_tip = match B::UNIT {
            ClockUnit::Steps => "Make one move".to_owned(),
            unit => format!(
                "Advance {}",
                unit.clock(B::STEP_MS, self.body.end_ms())
                    .trim_start_matches("t = ")
            ),
        };
        let action = self.controls.ui(ui, &step_tip);
        if action == SimAction::Play {
            // Playing a simulation is study: it counts for the streak and the calendar.
            shared.record(crate::progress::ActivityKind::Simulation);
        }
        let dt = f64::from(ui.input(|i| i.stable_dt));
        self.apply(action, dt);
        self.strip_ui(ui, info);
        self.timeline_ui(ui);
        if self.controls.playing {
            ui.ctx().request_repaint_after(FRAME_INTERVAL);
        }
        ui.separator();
        let unit = B::UNIT;
        let axis = TimeAxis {
            link: egui::Id::unique(("sim-time", info.id)),
            end: self.body.end_ms() / unit.ms(),
            now: self.body.now_ms() / unit.ms(),
            unit: unit.plot_unit(),
        };
        let preset = info.presets.get(self.preset);
        let mut changed = false;
        egui::ScrollArea::vertical()
            .id_salt(("sim-body", info.id))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.guided_ui(ui, shared, steps);
                ui.add_space(theme::SPACE_S);
                if let Some(p) = preset {
                    ui.label(egui::RichText::new(p.explain).weak());
                    ui.add_space(theme::SPACE_S);
                }
                changed = self.body.body_ui(ui, &axis);
            });
        if changed {
            self.rerun();
        }
    }
}

/// The timeline: elapsed time, markers (hover one for what happened), and a handle at
/// now. Returns the virtual ms the learner clicked or dragged to.
fn scrubber_ui(
    ui: &mut egui::Ui,
    width: f32,
    now_ms: f64,
    end_ms: f64,
    markers: &[Marker],
    unit: ClockUnit,
) -> Option<f64> {
    const PAD: f32 = 7.0;
    let dark = ui.visuals().dark_mode;
    let size = egui::vec2(width.max(80.0), ui.spacing().interact_size.y);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click_and_drag());
    let span = (rect.width() - 2.0 * PAD).max(1.0);
    let end = end_ms.max(1.0);
    let x_of = |ms: f64| rect.left() + PAD + span * (ms / end).clamp(0.0, 1.0) as f32;
    let ms_of = |x: f32| f64::from(((x - rect.left() - PAD) / span).clamp(0.0, 1.0)) * end;
    let y = rect.center().y;
    let painter = ui.painter();
    let track = egui::Stroke::new(4.0, ui.visuals().widgets.inactive.bg_fill);
    painter.line_segment([egui::pos2(x_of(0.0), y), egui::pos2(x_of(end), y)], track);
    let accent = Semantic::Accent.color(dark);
    painter.line_segment(
        [egui::pos2(x_of(0.0), y), egui::pos2(x_of(now_ms), y)],
        egui::Stroke::new(4.0, accent),
    );
    for m in markers {
        let x = x_of(m.at_ms);
        painter.line_segment(
            [egui::pos2(x, y - 9.0), egui::pos2(x, y + 9.0)],
            egui::Stroke::new(2.5, m.colour.color(dark)),
        );
    }
    painter.circle_filled(egui::pos2(x_of(now_ms), y), 6.0, accent);
    let hovered = response.hover_pos().map(|p| {
        let near = markers
            .iter()
            .filter(|m| (x_of(m.at_ms) - p.x).abs() <= 5.0)
            .map(|m| format!("{}: {}", unit.clock(m.at_ms, end_ms), m.label))
            .collect::<Vec<_>>();
        if near.is_empty() {
            format!("Seek to {}", unit.clock(ms_of(p.x), end_ms))
        } else {
            near.join("\n")
        }
    });
    let response = response.on_hover_text(hovered.unwrap_or_default());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Timeline"));
    if response.dragged() || response.clicked() {
        response.interact_pointer_pos().map(|p| ms_of(p.x))
    } else {
        None
    }
}

/// Rebuilds `body` from `seed` and plays it to `until_ms` in uneven frames, as the page
/// does, for tests comparing a page's numbers with the headless run's.
#[cfg(test)]
pub fn play_in_frames<B: SimBody>(body: &mut B, seed: u64, until_ms: f64) {
    body.rebuild(seed);
    let mut t = 0.0;
    for frame in [16.0, 33.0, 7.0, 100.0].iter().cycle() {
        t = (t + frame * B::UNIT.ms() / 1000.0).min(until_ms);
        body.advance_to(t);
        if t >= until_ms {
            break;
        }
    }
}

/// Plays a fresh `B` (its first preset) on `seed` for `until_secs` as the page does, runs
/// `workbook sim` with the same preset and seed, and asserts that each counter `page`
/// reads off the view is the CLI's: the page and the CLI give the same numbers.
#[cfg(test)]
pub fn assert_page_matches_cli<B: SimBody + Default>(
    seed: u64,
    until_secs: f64,
    page: impl Fn(&B) -> Vec<(&'static str, f64)>,
) {
    let mut view = B::default();
    play_in_frames(&mut view, seed, until_secs * 1000.0);
    let cli = crate::sim::headless::run(B::INFO.id, None, seed, Some(until_secs))
        .expect("the first preset runs headless");
    for (name, value) in page(&view) {
        assert_eq!(cli.counter(name), Some(value), "{}: {name}", B::INFO.id);
    }
}

#[cfg(test)]
mod tests {
    use super::ClockUnit;

    #[test]
    fn one_clock_format_per_unit() {
        assert_eq!(
            ClockUnit::Seconds.clock(12_345.0, 90_000.0),
            "t = 12.3\u{a0}s"
        );
        assert_eq!(ClockUnit::Seconds.clock(150.0, 3_000.0), "t = 0.15\u{a0}s");
        assert_eq!(
            ClockUnit::Minutes.clock(79.5 * 60_000.0, 1e7),
            "t = 79\u{a0}min"
        );
        assert_eq!(ClockUnit::Steps.clock(3_000.0, 8_000.0), "step 3");
    }
}
