//! The task pane beside the editor: the exercise's statement (`task.md`) rendered as
//! Markdown, then the hints (Markdown too) and the solution button. It folds away to a
//! thin strip so a small window can give the editor the whole width.

use egui::RichText;
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use crate::content::task;
use crate::runner::Exercise;
use crate::ui::state::Shared;
use crate::ui::theme;

/// The pane's state: whether it is open, and the statement of the exercise shown.
pub struct TaskPane {
    pub open: bool,
    /// The statement, by exercise id: read when the exercise is first shown.
    loaded: Option<(String, Result<String, String>)>,
    pub markdown: CommonMarkCache,
}

impl Default for TaskPane {
    fn default() -> Self {
        Self {
            open: true,
            loaded: None,
            markdown: CommonMarkCache::default(),
        }
    }
}

impl TaskPane {
    /// The pane's width in a window whose free width (right of the list) is `free`: about
    /// two fifths, so the editor keeps the larger part.
    pub fn default_width(free: f32) -> f32 {
        (free * 0.4).clamp(240.0, 520.0)
    }

    /// Draws the statement of `exercise`, reading it on first use.
    pub fn statement_ui(&mut self, ui: &mut egui::Ui, shared: &Shared, exercise: &Exercise) {
        if self
            .loaded
            .as_ref()
            .is_none_or(|(id, _)| *id != exercise.id)
        {
            let text = task::load(&shared.content, &exercise.id).map_err(|p| p.to_string());
            self.loaded = Some((exercise.id.clone(), text));
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new("Task").strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("Hide ▶")
                    .on_hover_text("Fold the task away; the editor takes the width")
                    .clicked()
                {
                    self.open = false;
                }
            });
        });
        ui.separator();
        match self.loaded.as_ref().map(|(_, t)| t) {
            Some(Ok(text)) => {
                CommonMarkViewer::new().show(ui, &mut self.markdown, text);
            }
            Some(Err(problem)) => {
                ui.colored_label(
                    theme::Semantic::Failing.in_ui(ui),
                    format!("The task statement could not be read: {problem}"),
                );
            }
            None => {}
        }
    }

    /// One hint, rendered as Markdown in a tinted box.
    pub fn hint_ui(&mut self, ui: &mut egui::Ui, number: usize, hint: &str) {
        egui::Frame::new()
            .fill(theme::Semantic::Accent.fill(ui.visuals().dark_mode))
            .corner_radius(theme::RADIUS)
            .inner_margin(theme::SPACE_S)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(RichText::new(format!("Hint {number}")).strong());
                CommonMarkViewer::new().show(ui, &mut self.markdown, hint);
            });
    }
}
