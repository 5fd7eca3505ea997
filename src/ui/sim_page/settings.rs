//! A page's settings and its preset: every simulation page keeps its config in a
//! [`Settings`], so choosing a preset and "changed from preset · reset" work alike on
//! every page.

use super::changed_note;
use crate::sim::catalog::SimInfo;

/// The values of the preset chosen, and the values in use, which the learner may have
/// changed from them.
#[derive(Debug, Clone)]
pub struct Settings<C> {
    info: &'static SimInfo,
    /// The config of a preset by its name in `info` (the model's function in
    /// `sim::presets`, with the view's fallback for a name it does not know).
    of_preset: fn(&str) -> C,
    preset: C,
    /// The values in use.
    pub current: C,
}

impl<C: Clone + PartialEq> Settings<C> {
    /// At the first preset of `info`.
    pub fn new(info: &'static SimInfo, of_preset: fn(&str) -> C) -> Self {
        let preset = of_preset(info.presets.first().map_or("", |p| p.name));
        Self {
            info,
            of_preset,
            current: preset.clone(),
            preset,
        }
    }

    /// Takes the values of preset `index`.
    pub fn select(&mut self, index: usize) {
        self.preset = (self.of_preset)(self.info.presets.get(index).map_or("", |p| p.name));
        self.current = self.preset.clone();
    }

    /// The values of the preset chosen.
    pub fn preset(&self) -> &C {
        &self.preset
    }

    /// Whether the values in use differ from the preset's.
    pub fn changed(&self) -> bool {
        self.current != self.preset
    }

    /// "changed from preset · reset" for the whole config, after the controls that edit
    /// `current`; returns true when the values in use changed this frame (by the
    /// controls since `before`, or back to the preset's by reset).
    pub fn changed_ui(&mut self, ui: &mut egui::Ui, before: &C) -> bool {
        if changed_note(ui, self.changed()) {
            self.current = self.preset.clone();
        }
        self.current != *before
    }
}
