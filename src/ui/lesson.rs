//! The lesson reader: a pack's sections with read marks, the selected section rendered as
//! Markdown (with app-drawn figures) at a comfortable width, next/previous, mark as read,
//! and links to the section's simulations, exercises and cards.

use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use super::theme::{self, Semantic};
use crate::content::lesson::{Block, image_uris};
use crate::content::{LessonPack, Section};
use crate::ui::state::{Nav, Shared};

/// Links on a section that lead to other screens; `enabled` says whether the target exists.
pub struct LinkTargets<'a> {
    pub simulation: &'a dyn Fn(&str) -> bool,
    pub exercise: &'a dyn Fn(&str) -> bool,
    pub cards: &'a dyn Fn(&str) -> bool,
}

#[derive(Default)]
pub struct LessonScreen {
    markdown_cache: CommonMarkCache,
    /// Set when the section changed, so the text scrolls back to the top.
    scroll_to_top: bool,
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
        scroll.show(ui, |ui| {
            ui.vertical_centered(|ui| {
                // `set_max_width` can widen a ui, so never ask for more than is there.
                ui.set_max_width(ui.available_width().min(theme::READING_WIDTH));
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
                    links_ui(ui, shared, section, links);
                    ui.add_space(theme::SPACE_M);
                    self.footer_ui(ui, shared, &pack, index);
                    ui.add_space(theme::SPACE_XL);
                });
            });
        });
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
                    let text = if is_read {
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
        for (i, block) in section.blocks.iter().enumerate() {
            match block {
                Block::Markdown(text) => {
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
                }
                Block::Figure(name) => {
                    ui.add_space(theme::SPACE_S);
                    super::figures::figure_ui(ui, name);
                    ui.add_space(theme::SPACE_S);
                }
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
                shared
                    .store
                    .progress
                    .lessons
                    .set_read(&pack.id, &section.id, !is_read);
                shared.save();
            }
            let go_next = ui
                .add_enabled(next.is_some(), egui::Button::new("Next →"))
                .on_hover_text("Mark as read and go to the next section (Alt+→)")
                .clicked()
                || ui.input(|i| i.modifiers.alt && i.key_pressed(egui::Key::ArrowRight));
            if go_next && let Some(n) = next {
                shared
                    .store
                    .progress
                    .lessons
                    .set_read(&pack.id, &section.id, true);
                self.select(shared, &pack.id, &n.id);
            }
        });
    }
}

/// Buttons to the section's simulations, exercises and cards; disabled while the target
/// does not exist yet.
fn links_ui(ui: &mut egui::Ui, shared: &mut Shared, section: &Section, links: &LinkTargets<'_>) {
    if section.simulations.is_empty()
        && section.exercises.is_empty()
        && section.card_tags.is_empty()
    {
        return;
    }
    egui::Frame::group(ui.style())
        .corner_radius(theme::RADIUS)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new("Practise this section").strong());
            ui.horizontal_wrapped(|ui| {
                for id in &section.simulations {
                    let ok = (links.simulation)(id);
                    if ui
                        .add_enabled(ok, egui::Button::new(format!("▶ Simulation: {id}")))
                        .on_disabled_hover_text("This simulation is not built yet")
                        .clicked()
                    {
                        shared.nav = Some(Nav::Simulation(id.clone()));
                    }
                }
                for id in &section.exercises {
                    let ok = (links.exercise)(id);
                    if ui
                        .add_enabled(ok, egui::Button::new(format!("✏ Exercise: {id}")))
                        .on_disabled_hover_text("This exercise is not available yet")
                        .clicked()
                    {
                        shared.nav = Some(Nav::Exercise(id.clone()));
                    }
                }
                for tag in &section.card_tags {
                    let ok = (links.cards)(tag);
                    if ui
                        .add_enabled(ok, egui::Button::new(format!("🃏 Cards: {tag}")))
                        .on_disabled_hover_text("No flashcards for this section yet")
                        .clicked()
                    {
                        shared.nav = Some(Nav::Cards(tag.clone()));
                    }
                }
            });
        });
}
