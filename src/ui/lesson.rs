//! The lesson reader: a pack's sections with read marks, the selected section rendered as
//! Markdown (with app-drawn figures) at a comfortable width, next/previous, mark as read,
//! and links to the section's simulations, exercises and cards.

use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use super::theme::{self, Semantic};
use crate::content::lesson::{Part, image_uris};
use crate::content::{LessonPack, Section};
use crate::progress::ActivityKind;
use crate::ui::state::{Nav, SectionRef, Shared};

/// Which simulations the app can show (a section may name one not built yet).
pub struct LinkTargets<'a> {
    pub simulation: &'a dyn Fn(&str) -> bool,
}

/// How close to the end (in points) the learner must scroll for a section to count as read.
const READ_MARGIN: f32 = 48.0;

#[derive(Default)]
pub struct LessonScreen {
    markdown_cache: CommonMarkCache,
    /// Set when the section changed, so the text scrolls back to the top.
    scroll_to_top: bool,
    /// A part of the section (see `Section::parts`) to scroll to on the next frame.
    scroll_to_part: Option<usize>,
}

impl std::fmt::Debug for LessonScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LessonScreen").finish_non_exhaustive()
    }
}

impl LessonScreen {
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, links: &LinkTargets<'_>) {
        if shared.library.packs.is_empty() {
            super::coming_soon_ui(
                ui,
                "No lesson could be loaded",
                "Every lesson pack has problems; run `workbook validate` to see them with file, line and column.",
            );
            return;
        }
        let (pack_id, section_id) = self.current(shared);
        let Some(pack) = shared.library.pack(&pack_id).cloned() else {
            return;
        };

        egui::Panel::left("lesson-sections")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| self.sections_ui(ui, shared, &pack, &section_id));

        let Some(index) = pack.sections.iter().position(|s| s.id == section_id) else {
            return;
        };
        let section = &pack.sections[index];
        for uri in image_uris(section) {
            if let Some(bytes) = shared
                .content
                .read_bytes(uri.trim_start_matches("bytes://"))
            {
                ui.ctx().include_bytes(uri, bytes);
            }
        }

        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("lesson-text")
            .auto_shrink([false, false]);
        if std::mem::take(&mut self.scroll_to_top) {
            scroll = scroll.vertical_scroll_offset(0.0);
        }
        let output = scroll.show(ui, |ui| {
            ui.vertical_centered(|ui| {
                // A margin from the contents list in a narrow window; `set_max_width` can
                // widen a ui, so never ask for more than is there.
                let room = ui.available_width() - 2.0 * theme::SPACE_L;
                ui.set_max_width(room.min(theme::READING_WIDTH));
                ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                    ui.add_space(theme::SPACE_L);
                    ui.label(
                        egui::RichText::new(format!(
                            "{} · section {} of {}",
                            pack.title,
                            index + 1,
                            pack.sections.len()
                        ))
                        .small()
                        .color(ui.visuals().weak_text_color()),
                    );
                    ui.heading(egui::RichText::new(&section.title).size(30.0).strong());
                    ui.add_space(theme::SPACE_M);
                    self.section_body_ui(ui, section);
                    ui.add_space(theme::SPACE_L);
                    links_ui(ui, shared, &pack, section, links);
                    ui.add_space(theme::SPACE_M);
                    self.footer_ui(ui, shared, &pack, index);
                    ui.add_space(theme::SPACE_XL);
                });
            });
        });
        let reached_end = output.state.clamped_offset().y + output.inner_rect.height()
            >= output.content_size.y - READ_MARGIN;
        let scrolled = output.content_size.y > output.inner_rect.height();
        if reached_end && scrolled && !shared.store.progress.lessons.is_read(&pack.id, &section.id)
        {
            mark_read(shared, &pack.id, &section.id);
        }
    }

    /// Shows a section, scrolled to one of its parts when given (a search hit).
    pub fn open(&mut self, shared: &mut Shared, at: &SectionRef, part: Option<usize>) {
        if shared
            .library
            .pack(&at.pack)
            .and_then(|p| p.section(&at.section))
            .is_none()
        {
            return;
        }
        self.select(shared, &at.pack, &at.section);
        self.scroll_to_part = part;
    }

    /// The pack and section to show: the last one read, else the first.
    fn current(&self, shared: &Shared) -> (String, String) {
        let settings = &shared.store.progress.settings;
        let pack = settings
            .last_lesson
            .as_deref()
            .and_then(|id| shared.library.pack(id))
            .or(shared.library.packs.first());
        let Some(pack) = pack else {
            return Default::default();
        };
        let section = settings
            .last_section
            .as_deref()
            .and_then(|id| pack.section(id))
            .or(pack.sections.first())
            .map(|s| s.id.clone())
            .unwrap_or_default();
        (pack.id.clone(), section)
    }

    fn select(&mut self, shared: &mut Shared, pack: &str, section: &str) {
        let settings = &mut shared.store.progress.settings;
        settings.last_lesson = Some(pack.to_owned());
        settings.last_section = Some(section.to_owned());
        self.scroll_to_top = true;
        shared.save();
    }

    fn sections_ui(
        &mut self,
        ui: &mut egui::Ui,
        shared: &mut Shared,
        pack: &LessonPack,
        current: &str,
    ) {
        ui.add_space(theme::SPACE_S);
        if shared.library.packs.len() > 1 {
            let mut chosen = pack.id.clone();
            egui::ComboBox::from_id_salt("lesson-picker")
                .selected_text(&pack.title)
                .width(ui.available_width())
                .show_ui(ui, |ui| {
                    for p in &shared.library.packs {
                        ui.selectable_value(&mut chosen, p.id.clone(), &p.title);
                    }
                });
            if chosen != pack.id
                && let Some(first) = shared
                    .library
                    .pack(&chosen)
                    .and_then(|p| p.sections.first())
                    .map(|s| s.id.clone())
            {
                self.select(shared, &chosen, &first);
            }
        } else {
            ui.label(egui::RichText::new(&pack.title).strong());
        }
        let read = pack
            .sections
            .iter()
            .filter(|s| shared.store.progress.lessons.is_read(&pack.id, &s.id))
            .count();
        ui.label(
            egui::RichText::new(format!("{read} of {} sections read", pack.sections.len()))
                .small()
                .color(ui.visuals().weak_text_color()),
        );
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("section-list")
            .show(ui, |ui| {
                for (i, s) in pack.sections.iter().enumerate() {
                    let is_read = shared.store.progress.lessons.is_read(&pack.id, &s.id);
                    let mark = if is_read { "✔" } else { "○" };
                    let text = egui::RichText::new(format!("{mark}  {}. {}", i + 1, s.title));
                    // Green only off the selection fill: green on blue is hard to read.
                    let text = if is_read && s.id != current {
                        text.color(Semantic::Healthy.in_ui(ui))
                    } else {
                        text
                    };
                    let item = egui::Button::selectable(s.id == current, text)
                        .wrap()
                        .min_size(egui::vec2(ui.available_width(), 30.0));
                    let response =
                        ui.add(item)
                            .on_hover_text(if is_read { "Read" } else { "Not read yet" });
                    if response.clicked() {
                        self.select(shared, &pack.id, &s.id);
                    }
                }
            });
    }

    fn section_body_ui(&mut self, ui: &mut egui::Ui, section: &Section) {
        let scroll_to = self.scroll_to_part.take();
        for (i, part) in section.parts().into_iter().enumerate() {
            let rect = match part {
                Part::Markdown(text) => {
                    ui.scope(|ui| {
                        CommonMarkViewer::new()
                            // The viewer lays text out at least this wide: never more than is there.
                            .max_image_width(Some(
                                ui.available_width().min(theme::READING_WIDTH) as usize
                            ))
                            .show_with_id(
                                ui.scope_id().with((&section.id, i)),
                                ui,
                                &mut self.markdown_cache,
                                text,
                            );
                    })
                    .response
                    .rect
                }
                Part::Figure(name) => {
                    ui.scope(|ui| {
                        ui.add_space(theme::SPACE_S);
                        super::figures::figure_ui(ui, name);
                        ui.add_space(theme::SPACE_S);
                    })
                    .response
                    .rect
                }
            };
            if scroll_to == Some(i) {
                ui.scroll_to_rect(rect, Some(egui::Align::TOP));
            }
        }
    }

    fn footer_ui(
        &mut self,
        ui: &mut egui::Ui,
        shared: &mut Shared,
        pack: &LessonPack,
        index: usize,
    ) {
        let section = &pack.sections[index];
        let is_read = shared.store.progress.lessons.is_read(&pack.id, &section.id);
        ui.separator();
        ui.horizontal(|ui| {
            let prev = index.checked_sub(1).map(|i| &pack.sections[i]);
            let next = pack.sections.get(index + 1);
            let go_prev = ui
                .add_enabled(prev.is_some(), egui::Button::new("← Previous"))
                .on_hover_text("Previous section (Alt+←)")
                .clicked()
                || ui.input(|i| i.modifiers.alt && i.key_pressed(egui::Key::ArrowLeft));
            if go_prev && let Some(p) = prev {
                self.select(shared, &pack.id, &p.id);
            }
            let label = if is_read {
                "✔ Read — mark as unread"
            } else {
                "Mark as read"
            };
            if ui
                .button(label)
                .on_hover_text("Toggle read (Ctrl+M)")
                .clicked()
                || ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::M))
            {
                if is_read {
                    shared
                        .store
                        .progress
                        .lessons
                        .set_read(&pack.id, &section.id, false);
                    shared.save();
                } else {
                    mark_read(shared, &pack.id, &section.id);
                }
            }
            let go_next = ui
                .add_enabled(next.is_some(), egui::Button::new("Next →"))
                .on_hover_text("Mark as read and go to the next section (Alt+→)")
                .clicked()
                || ui.input(|i| i.modifiers.alt && i.key_pressed(egui::Key::ArrowRight));
            if go_next && let Some(n) = next {
                if !is_read {
                    mark_read(shared, &pack.id, &section.id);
                }
                self.select(shared, &pack.id, &n.id);
            }
        });
    }
}

/// Marks a section read, counts it as today's study, and saves.
fn mark_read(shared: &mut Shared, pack: &str, section: &str) {
    shared.store.progress.lessons.set_read(pack, section, true);
    shared.record(ActivityKind::Reading);
    shared.save();
}

/// Buttons to the section's simulations, exercises, drills and cards, by title; a button whose
/// target does not exist (yet) is disabled. Following one leaves a way back here.
fn links_ui(
    ui: &mut egui::Ui,
    shared: &mut Shared,
    pack: &LessonPack,
    section: &Section,
    links: &LinkTargets<'_>,
) {
    let drills: Vec<(String, String)> = shared
        .drills
        .for_section(&section.id)
        .filter(|d| d.pack == pack.id)
        .map(|d| (d.id().to_owned(), d.spec.title.clone()))
        .collect();
    if section.simulations.is_empty()
        && section.exercises.is_empty()
        && drills.is_empty()
        && section.card_tags.is_empty()
    {
        return;
    }
    let cards = shared.cards();
    let mut nav = None;
    egui::Frame::group(ui.style())
        .corner_radius(theme::RADIUS)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new("Practise this section").strong());
            ui.horizontal_wrapped(|ui| {
                for id in &section.simulations {
                    let ok = (links.simulation)(id);
                    let label = format!("▶ Simulation: {}", crate::sim::title(id));
                    if ui
                        .add_enabled(ok, egui::Button::new(label))
                        .on_disabled_hover_text("This simulation is not built yet")
                        .clicked()
                    {
                        nav = Some(Nav::Simulation(id.clone()));
                    }
                }
                for id in &section.exercises {
                    let exercise = shared.catalog.get(id);
                    let label = format!(
                        "✏ Exercise: {}",
                        exercise.map_or(id.as_str(), |e| e.title.as_str())
                    );
                    if ui
                        .add_enabled(exercise.is_some(), egui::Button::new(label))
                        .on_disabled_hover_text("This exercise is not available yet")
                        .clicked()
                    {
                        nav = Some(Nav::Exercise(id.clone()));
                    }
                }
                for (id, title) in &drills {
                    let passed = shared.store.progress.drills.passed(id);
                    let label = format!("🚨 Drill: {title}{}", if passed { " ✔" } else { "" });
                    if ui
                        .button(label)
                        .on_hover_text(
                            "An incident to diagnose and mitigate with this section's pattern",
                        )
                        .clicked()
                    {
                        nav = Some(Nav::Drill(id.clone()));
                    }
                }
                for tag in &section.card_tags {
                    let count = cards.iter().filter(|c| c.tags.contains(tag)).count();
                    let label = format!("🃏 Review its {count} cards");
                    if ui
                        .add_enabled(count > 0, egui::Button::new(label))
                        .on_disabled_hover_text("No flashcards for this section yet")
                        .clicked()
                    {
                        nav = Some(Nav::Cards(tag.clone()));
                    }
                }
            });
        });
    if let Some(nav) = nav {
        shared.nav = Some(nav);
        shared.back_to = Some(SectionRef {
            pack: pack.id.clone(),
            section: section.id.clone(),
        });
    }
}
