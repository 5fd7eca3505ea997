//! The control strip every simulation shares: play/pause, step, speed, reset and seed.
//!
//! It only decides how far virtual time should move this frame; the model itself lives in
//! `crate::sim`. Keyboard: Space plays/pauses, `.` steps, `R` resets (when no text field
//! has focus).

/// What the learner asked for this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SimAction {
    /// Nothing special: advance by [`SimControls::advance_ms`] if playing.
    None,
    /// Advance by one step of `step_ms` virtual milliseconds.
    Step,
    /// Rebuild the model from its config and the (maybe new) seed.
    Reset,
}

/// Playback state of one simulation view.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SimControls {
    pub playing: bool,
    /// Virtual seconds per wall-clock second, 0.1 to 100.
    pub speed: f64,
    pub seed: u64,
    /// Virtual milliseconds one press of Step advances.
    pub step_ms: f64,
}

impl Default for SimControls {
    fn default() -> Self {
        Self {
            playing: false,
            speed: 1.0,
            seed: 1,
            step_ms: 100.0,
        }
    }
}

pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 100.0;

impl SimControls {
    /// Draws the strip and returns the action. Call once per frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> SimAction {
        let mut action = SimAction::None;
        let typing = ui.ctx().egui_wants_keyboard_input();
        ui.horizontal_wrapped(|ui| {
            let label = if self.playing {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            if ui
                .button(label)
                .on_hover_text("Play or pause virtual time (Space)")
                .clicked()
                || (!typing && ui.input(|i| i.key_pressed(egui::Key::Space)))
            {
                self.playing = !self.playing;
            }
            if ui
                .button("⏭ Step")
                .on_hover_text(format!("Advance {} ms of virtual time (.)", self.step_ms))
                .clicked()
                || (!typing && ui.input(|i| i.key_pressed(egui::Key::Period)))
            {
                self.playing = false;
                action = SimAction::Step;
            }
            if ui
                .button("⟲ Reset")
                .on_hover_text("Start again from the same seed (R)")
                .clicked()
                || (!typing && ui.input(|i| i.key_pressed(egui::Key::R)))
            {
                action = SimAction::Reset;
            }
            ui.separator();
            ui.label("Speed");
            ui.add(
                egui::Slider::new(&mut self.speed, MIN_SPEED..=MAX_SPEED)
                    .logarithmic(true)
                    .suffix("×")
                    .max_decimals(1),
            )
            .on_hover_text("Virtual seconds per real second");
            ui.separator();
            ui.label("Seed");
            let seed = ui
                .add(egui::DragValue::new(&mut self.seed).speed(1.0))
                .on_hover_text("Same seed and settings: the same run, every time");
            if seed.changed() {
                action = SimAction::Reset;
            }
        });
        action
    }

    /// Virtual milliseconds to advance this frame, given the real frame time in seconds.
    /// Long frames (the window was hidden) are clamped so the model never jumps ahead.
    pub fn advance_ms(&self, action: SimAction, frame_dt_secs: f64) -> f64 {
        match action {
            SimAction::Step => self.step_ms,
            SimAction::Reset => 0.0,
            SimAction::None if self.playing => frame_dt_secs.min(0.1) * self.speed * 1000.0,
            SimAction::None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_scales_with_speed_and_clamps_long_frames() {
        let mut c = SimControls {
            playing: true,
            speed: 10.0,
            ..Default::default()
        };
        assert!((c.advance_ms(SimAction::None, 0.016) - 160.0).abs() < 1e-9);
        assert!((c.advance_ms(SimAction::None, 5.0) - 1000.0).abs() < 1e-9);
        c.playing = false;
        assert_eq!(c.advance_ms(SimAction::None, 0.016), 0.0);
        assert_eq!(c.advance_ms(SimAction::Step, 0.016), c.step_ms);
    }
}
