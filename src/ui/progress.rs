//! The Progress screen: the whole workbook in numbers a learner can act on. Totals, one
//! row per section (read, cards, recall, exercises, simulations, post-mortem, level), each
//! figure a link to the place that moves it, and a calendar of study of every kind.

use crate::ui::clock;
use egui::RichText;

use super::theme;
use super::widgets::card_grid::{CardStyle, card_grid};
use super::widgets::{calendar, mastery_map};
use crate::progress::PatternMastery;
use crate::progress::mastery::PostMortemStatus;
use crate::progress::summary::Overview;
use crate::srs::time;
use crate::ui::state::{Nav, Screen, SectionRef, Shared};

/// Weeks of study shown in the calendar.
const CALENDAR_WEEKS: i64 = 26;

#[derive(Debug, Default)]
pub struct ProgressScreen;

impl ProgressScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        let overview = shared.overview();
        let mut nav = None;
        egui::ScrollArea::vertical()
            .id_salt("progress")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.add_space(theme::SPACE_L);
                ui.heading("Your progress");
                ui.add_space(theme::SPACE_S);
                totals_ui(ui, &overview);
                ui.add_space(theme::SPACE_L);
                ui.label(RichText::new("By section").strong().size(18.0));
                ui.add_space(theme::SPACE_XS);
                // A narrow window scrolls the table sideways, not the whole page.
                egui::ScrollArea::horizontal()
                    .id_salt("progress-table")
                    .show(ui, |ui| sections_ui(ui, &overview.patterns, &mut nav));
                ui.add_space(theme::SPACE_L);
                ui.label(RichText::new("Study calendar (last 26 weeks)").strong().size(18.0));
                ui.label(
                    RichText::new(
                        "Every kind of study counts: cards answered, sections read, exercises checked, simulations opened, post-mortem writing.",
                    )
                    .small()
                    .color(ui.visuals().weak_text_color()),
                );
                let hour = shared.store.progress.cards.settings.day_start_hour;
                let today = time::learning_day(clock::now(), hour);
                let days = &overview.days;
                calendar::calendar_ui(ui, today, CALENDAR_WEEKS, "piece of study", &|d| {
                    days.get(&d).map_or(0, |s| s.total())
                });
                ui.add_space(theme::SPACE_L);
                ui.label(
                    RichText::new(format!(
                        "Progress is saved in {}",
                        shared.store.path().display()
                    ))
                    .small()
                    .color(ui.visuals().weak_text_color()),
                );
                ui.add_space(theme::SPACE_XL);
            });
        if nav.is_some() {
            shared.nav = nav;
        }
    }
}

fn totals_ui(ui: &mut egui::Ui, o: &Overview) {
    let t = &o.totals;
    let nbsp = |a: usize, b: usize| format!("{a}\u{a0}/\u{a0}{b}");
    let items = [
        (nbsp(t.sections_read, t.sections), "sections read"),
        (nbsp(t.cards_learned, t.cards), "cards learned"),
        (t.cards_mature.to_string(), "cards mature"),
        (nbsp(t.exercises_passed, t.exercises), "exercises passed"),
        (
            format!("{}\u{a0}/\u{a0}{}", t.points, t.max_points),
            "points",
        ),
        (
            nbsp(t.simulations_opened, t.simulations),
            "simulations opened",
        ),
        (t.postmortems_written.to_string(), "post-mortems"),
        (t.days_studied.to_string(), "days studied"),
    ];
    card_grid(
        ui,
        "progress-totals",
        items.len(),
        118.0,
        8,
        58.0,
        |ui, i| {
            let (value, label) = &items[i];
            ui.spacing_mut().item_spacing.y = 1.0;
            ui.label(RichText::new(value).size(20.0).strong());
            ui.label(RichText::new(*label).small());
            CardStyle::default()
        },
    );
}

fn section_ref(p: &PatternMastery) -> SectionRef {
    SectionRef {
        pack: p.pack.clone(),
        section: p.id.clone(),
    }
}

/// The table: a row per section; every figure that can move links to where it moves.
fn sections_ui(ui: &mut egui::Ui, patterns: &[PatternMastery], nav: &mut Option<Nav>) {
    egui::Grid::new("progress-sections")
        .striped(true)
        .num_columns(9)
        .spacing([theme::SPACE_M, theme::SPACE_S])
        .show(ui, |ui| {
            for head in [
                "Section",
                "Level",
                "Read",
                "Cards learned",
                "Mature",
                "Recall now",
                "Exercises",
                "Simulations",
                "Post-mortem",
            ] {
                ui.label(RichText::new(head).small().strong());
            }
            ui.end_row();
            for p in patterns {
                row_ui(ui, p, nav);
                ui.end_row();
            }
        });
}

fn row_ui(ui: &mut egui::Ui, p: &PatternMastery, nav: &mut Option<Nav>) {
    let weak = ui.visuals().weak_text_color();
    if ui
        .link(format!("{}. {}", p.number, p.title))
        .on_hover_text("Open the section")
        .clicked()
    {
        *nav = Some(Nav::Section(section_ref(p), None));
    }
    let fill = mastery_map::level_fill(ui, p.level);
    egui::Frame::new()
        .fill(fill)
        .corner_radius(theme::RADIUS)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(p.level.label()).small())
                .on_hover_text(p.level.meaning());
        });
    ui.label(if p.section_read { "✔" } else { "–" });
    if p.cards.total == 0 {
        ui.label(RichText::new("none").color(weak));
    }
    let cards = format!("{}\u{a0}/\u{a0}{}", p.cards.learned, p.cards.total);
    let due = if p.cards.due > 0 {
        format!(" · {} due", p.cards.due)
    } else {
        String::new()
    };
    if p.cards.total > 0
        && ui
            .link(format!("{cards}{due}"))
            .on_hover_text("Review this section's cards")
            .clicked()
        && let Some(tag) = p.card_tags.first()
    {
        *nav = Some(Nav::Cards(tag.clone()));
    }
    ui.label(p.cards.mature.to_string());
    match p.cards.retrievability {
        Some(r) => ui
            .label(format!("{:.0}\u{a0}%", r * 100.0))
            .on_hover_text("Mean probability of recalling its answered cards now (FSRS-6)"),
        None => ui.label(RichText::new("–").color(weak)),
    };
    if p.exercises.total == 0 {
        ui.label(RichText::new("none").color(weak));
    } else {
        let text = format!(
            "{}\u{a0}/\u{a0}{} · {}\u{a0}/\u{a0}{}\u{a0}pts",
            p.exercises.passed, p.exercises.total, p.exercises.points, p.exercises.max_points
        );
        if ui.link(text).on_hover_text("Open the exercises").clicked() {
            *nav = Some(Nav::Screen(Screen::Exercises));
        }
    }
    if p.simulations.total == 0 {
        ui.label(RichText::new("none").color(weak));
    } else {
        let text = format!(
            "{}\u{a0}/\u{a0}{} opened",
            p.simulations.done, p.simulations.total
        );
        if ui
            .link(text)
            .on_hover_text("Open the simulations")
            .clicked()
        {
            *nav = Some(Nav::Screen(Screen::Simulations));
        }
    }
    match p.postmortem {
        None => ui.label(RichText::new("–").color(weak)),
        Some(status) => {
            let text = match status {
                PostMortemStatus::NotStarted => "not started",
                PostMortemStatus::Draft => "draft",
                PostMortemStatus::Written => "written ✔",
            };
            let link = ui.link(text).on_hover_text("Open the post-mortem page");
            if link.clicked() {
                *nav = Some(Nav::Screen(Screen::PostMortem));
            }
            link
        }
    };
}
