//! Views: one file per screen, drawing core state and turning clicks into calls on the
//! core. Shared drawing lives in `widgets`, the design system in `theme`.

pub mod about;
pub mod clock;
pub mod drills;
pub mod exercises;
pub mod figures;
pub mod flashcards;
pub mod home;
pub mod lesson;
pub mod links;
pub mod postmortem;
pub mod progress;
pub mod search;
pub mod sim_page;
pub mod sim_views;
pub mod simulations;
pub mod state;
pub mod theme;
pub mod widgets;

/// A friendly panel for a screen whose feature is not built yet: says what it will hold,
/// so the learner never meets a blank page.
pub fn coming_soon_ui(ui: &mut egui::Ui, title: &str, what: &str) {
    ui.add_space(theme::SPACE_XL);
    ui.vertical_centered(|ui| {
        ui.set_max_width(theme::READING_WIDTH);
        ui.heading(title);
        ui.add_space(theme::SPACE_M);
        ui.label(what);
    });
}
