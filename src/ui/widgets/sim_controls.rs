//! The playback row of the simulation page: play/pause, step, reset, speed and seed.
//!
//! It only records what the learner asked; `ui::sim_page` turns that into virtual time.
//! Keyboard: Space plays/pauses, `.` steps, `R` resets (when no text field has focus).

/// What the learner asked for this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SimAction {
    /// Nothing special: advance by the frame's share of virtual time if playing.
    None,
    /// Play was pressed (the page rewinds a finished run first).
    Play,
    /// Advance by one step.
    Step,
    /// Rebuild the model from its config and the (maybe new) seed.
    Reset,
}

/// Playback state of one simulation page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SimControls {
    pub playing: bool,
    /// Page seconds per wall-clock second, 0.1 to 100.
    pub speed: f64,
    pub seed: u64,
}

impl Default for SimControls {
    fn default() -> Self {
        Self {
            playing: false,
            speed: 1.0,
            seed: 1,
        }
    }
}

pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 100.0;

impl SimControls {
    /// Draws the row (one line, never wrapping, so Play never moves) and returns the
    /// action. `step_tip` says how far a step goes. Call once per frame.
    pub fn ui(&mut self, ui: &mut egui::Ui, step_tip: &str) -> SimAction {
        let mut action = SimAction::None;
        let typing = ui.ctx().egui_wants_keyboard_input();
        ui.horizontal(|ui| {
            let label = if self.playing {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            let play = ui
                .add_sized(
                    [82.0, ui.spacing().interact_size.y],
                    egui::Button::new(label),
                )
                .on_hover_text("Play or pause virtual time (Space)");
            if play.clicked() || (!typing && ui.input(|i| i.key_pressed(egui::Key::Space))) {
                self.playing = !self.playing;
                if self.playing {
                    action = SimAction::Play;
                }
            }
            if ui
                .button("⏭ Step")
                .on_hover_text(format!("{step_tip} (.)"))
                .clicked()
                || (!typing && ui.input(|i| i.key_pressed(egui::Key::Period)))
            {
                self.playing = false;
                action = SimAction::Step;
            }
            if ui
                .button("⟲ Reset")
                .on_hover_text("Back to t = 0 with the same seed and settings (R)")
                .clicked()
                || (!typing && ui.input(|i| i.key_pressed(egui::Key::R)))
            {
                action = SimAction::Reset;
            }
            ui.separator();
            let label = ui.label("Speed");
            ui.add(
                egui::Slider::new(&mut self.speed, MIN_SPEED..=MAX_SPEED)
                    .logarithmic(true)
                    .suffix("×")
                    .max_decimals(1),
            )
            .labelled_by(label.id)
            .on_hover_text("How fast virtual time runs");
            ui.separator();
            let label = ui.label("Seed");
            let seed = ui
                .add(
                    egui::DragValue::new(&mut self.seed)
                        .range(0..=crate::sim::headless::MAX_SEED)
                        .speed(1.0),
                )
                .labelled_by(label.id)
                .on_hover_text("Same seed and settings: the same run, every time");
            if seed.changed() {
                action = SimAction::Reset;
            }
        });
        action
    }
}
