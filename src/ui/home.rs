//! Home: the first screen. How the workbook works (until dismissed), the one best next
//! step (the Continue rule of `progress::next`), today's figures and the mastery map.

use chrono::Local;

use crate::ui::clock;
use egui::RichText;

use super::theme::{self, Semantic};
use super::widgets::card_grid::{CardStyle, card_grid};
use super::widgets::mastery_map;
use crate::progress::next::Step;
use crate::progress::summary::Overview;
use crate::ui::state::{Nav, Screen, SectionRef, Shared};

#[derive(Debug, Default)]
pub struct HomeScreen;

/// The loop the workbook is built around, for the introduction.
const LOOP: [(&str, &str, &str); 5] = [
    ("📖", "Read", "a section: each starts from a real incident"),
    (
        "📈",
        "Play",
        "its simulation: the same seed with and without the pattern",
    ),
    (
        "🃏",
        "Recall",
        "its flashcards, scheduled by FSRS so they last",
    ),
    ("✏", "Solve", "its Rust exercise, graded by hidden tests"),
    (
        "🚨",
        "Drill",
        "an incident end to end: paged, diagnosed, mitigated, written up",
    ),
];

impl HomeScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        let overview = shared.overview();
        egui::ScrollArea::vertical()
            .id_salt("home")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.add_space(theme::SPACE_L);
                ui.set_max_width(ui.available_width().min(1100.0));
                let first_visit = overview.totals.days_studied == 0;
                ui.heading(if first_visit {
                    "Welcome to Resilience Workbook"
                } else {
                    "Welcome back"
                });
                ui.label(
                    RichText::new(
                        "Learn how teams turn production incidents into architecture, one pattern at a time.",
                    )
                    .color(ui.visuals().weak_text_color()),
                );
                ui.add_space(theme::SPACE_M);
                if !shared.store.progress.settings.intro_dismissed {
                    intro_ui(ui, shared);
                    ui.add_space(theme::SPACE_L);
                }
                continue_ui(ui, shared, &overview);
                ui.add_space(theme::SPACE_L);
                today_ui(ui, shared, &overview);
                ui.add_space(theme::SPACE_L);
                ui.label(RichText::new("Mastery by pattern").strong().size(18.0));
                ui.label(
                    RichText::new(
                        "A pattern counts as retained only when its cards survive spaced reviews, not just after one pass. Click a pattern to open its section.",
                    )
                    .small()
                    .color(ui.visuals().weak_text_color()),
                );
                ui.add_space(theme::SPACE_S);
                if let Some(nav) = mastery_map::mastery_map_ui(ui, &overview.patterns) {
                    shared.nav = Some(nav);
                }
                ui.add_space(theme::SPACE_M);
                ui.horizontal_wrapped(|ui| {
                    if ui.link("Progress in detail").clicked() {
                        shared.nav = Some(Nav::Screen(Screen::Progress));
                    }
                    ui.label("·");
                    if ui.link("Search everything (Ctrl+K)").clicked() {
                        shared.nav = Some(Nav::Search);
                    }
                    ui.label("·");
                    if ui.link("How the workbook uses its own patterns").clicked() {
                        shared.nav = Some(Nav::Screen(Screen::About));
                    }
                });
                ui.add_space(theme::SPACE_XL);
            });
    }
}

fn intro_ui(ui: &mut egui::Ui, shared: &mut Shared) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("How this workbook works").strong().size(18.0));
        if ui
            .small_button("Got it ✕")
            .on_hover_text("Hide this introduction")
            .clicked()
        {
            shared.store.progress.settings.intro_dismissed = true;
            shared.save();
        }
    });
    ui.label(
        "Twelve sections, one pattern each. Go round this loop once per section; Continue always knows the next step. About ten hours in all, at your pace, saved as you go.",
    );
    ui.add_space(theme::SPACE_XS);
    card_grid(ui, "intro-loop", LOOP.len(), 148.0, 5, 70.0, |ui, i| {
        let (icon, verb, what) = LOOP[i];
        ui.label(RichText::new(format!("{}. {icon} {verb}", i + 1)).strong());
        ui.add(
            egui::Label::new(
                RichText::new(what)
                    .small()
                    .color(ui.visuals().weak_text_color()),
            )
            .wrap(),
        );
        CardStyle::default()
    });
}

/// The single best next step, as one big button with its reason.
fn continue_ui(ui: &mut egui::Ui, shared: &mut Shared, overview: &Overview) {
    let next = &overview.next;
    let accent = Semantic::Accent.in_ui(ui);
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(egui::Stroke::new(1.5, accent))
        .corner_radius(theme::RADIUS)
        .inner_margin(egui::Margin::same(theme::SPACE_M as i8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new("Continue")
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
            let nav = nav_for(&next.step);
            let button = egui::Button::new(RichText::new(format!("▶  {}", next.what)).size(18.0))
                .min_size(egui::vec2(0.0, 36.0));
            let clicked = ui.add_enabled(nav.is_some(), button).clicked();
            if clicked && let Some(nav) = nav {
                shared.nav = Some(nav);
            }
            let mut why = next.why.clone();
            if let Step::Done {
                next_due: Some(due),
            } = next.step
            {
                why.push_str(&format!(
                    " The next card is due {}.",
                    due.with_timezone(&Local).format("%a %-d %b at %H:%M")
                ));
            }
            ui.label(why);
        });
}

fn nav_for(step: &Step) -> Option<Nav> {
    Some(match step {
        Step::Review { .. } | Step::NewCards { .. } => Nav::Screen(Screen::Flashcards),
        Step::Read { pack, section } => Nav::Section(
            SectionRef {
                pack: pack.clone(),
                section: section.clone(),
            },
            None,
        ),
        Step::Simulation { id } => Nav::Simulation(id.clone()),
        Step::LearnCards { tag, .. } => Nav::Cards(tag.clone()),
        Step::Exercise { id } => Nav::Exercise(id.clone()),
        Step::Done { .. } => return None,
    })
}

/// Today in five tiles, each opening the place that moves it.
fn today_ui(ui: &mut egui::Ui, shared: &mut Shared, overview: &Overview) {
    let t = &overview.today;
    let totals = &overview.totals;
    let streak_note = if t.streak == 0 {
        "study today to start one".to_owned()
    } else if t.studied_today {
        "days in a row, today included".to_owned()
    } else {
        "days in a row; study today to keep it".to_owned()
    };
    let tiles: [(String, &str, String, Nav); 5] = [
        (
            t.cards_due.to_string(),
            "cards due",
            "learning steps and reviews due now".to_owned(),
            Nav::Screen(Screen::Flashcards),
        ),
        (
            t.cards_new.to_string(),
            "new cards",
            "left in today's new-card limit".to_owned(),
            Nav::Screen(Screen::Flashcards),
        ),
        (
            t.reviews_done.to_string(),
            "answered today",
            "flashcard answers since the day began".to_owned(),
            Nav::Screen(Screen::Flashcards),
        ),
        (
            format!(
                "{}\u{a0}/\u{a0}{}",
                totals.exercises_passed, totals.exercises
            ),
            "exercises passed",
            format!("{}\u{a0}/\u{a0}{} points", totals.points, totals.max_points),
            Nav::Screen(Screen::Exercises),
        ),
        (
            t.streak.to_string(),
            "day streak",
            streak_note,
            Nav::Screen(Screen::Progress),
        ),
    ];
    let today = clock::now().with_timezone(&Local).format("%A %-d %B");
    ui.label(RichText::new(format!("Today, {today}")).strong().size(18.0));
    let clicked = card_grid(ui, "today", tiles.len(), 150.0, 5, 84.0, |ui, i| {
        let (value, label, note, _) = &tiles[i];
        ui.spacing_mut().item_spacing.y = 1.0;
        ui.label(RichText::new(value).size(24.0).strong());
        ui.label(RichText::new(*label).strong());
        ui.add(
            egui::Label::new(
                RichText::new(note)
                    .small()
                    .color(ui.visuals().weak_text_color()),
            )
            .truncate(),
        );
        CardStyle {
            clickable: true,
            label: format!("{value} {label}"),
            tooltip: Some(note.clone()),
            ..CardStyle::default()
        }
    });
    if let Some(i) = clicked {
        shared.nav = Some(tiles[i].3.clone());
    }
}
