//! The search palette (Ctrl+K): one field over lesson text, cards, exercises and
//! simulations (ranked by `crate::search`); arrows move, Enter jumps to the place.

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

use crate::search::{Index, Target};
use crate::ui::state::{Nav, SectionRef, Shared};

pub const SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::K);
const RESULTS: usize = 12;

#[derive(Debug, Default)]
pub struct Search {
    /// Built when the palette opens, so it always has the current cards and content.
    index: Option<Index>,
    query: String,
    selected: usize,
    focus_field: bool,
}

impl Search {
    pub fn open(&mut self) {
        self.index = None;
        self.selected = 0;
        self.focus_field = true;
    }

    pub fn is_open(&self) -> bool {
        self.focus_field || self.index.is_some()
    }

    fn close(&mut self) {
        self.index = None;
        self.focus_field = false;
    }

    pub fn ui(&mut self, ctx: &egui::Context, shared: &mut Shared) {
        if !self.is_open() {
            return;
        }
        let index = self.index.get_or_insert_with(|| {
            Index::build(
                &shared.content,
                &shared.library,
                &shared.catalog,
                &shared.cards(),
                &shared.drills,
            )
        });
        let hits = index.search(&self.query, RESULTS);
        let mut chosen = None;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("search")).show(ctx, |ui| {
            ui.set_width(640.0_f32.min(ctx.content_rect().width() - 80.0));
            let label = ui.label(RichText::new("Search the workbook").strong()).id;
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.query)
                        .hint_text("lesson text, cards, exercises, simulations")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label);
            if std::mem::take(&mut self.focus_field) {
                field.request_focus();
            }
            if field.changed() {
                self.selected = 0;
            }
            let (down, up, enter, escape) = ui.input(|i| {
                (
                    i.key_pressed(Key::ArrowDown),
                    i.key_pressed(Key::ArrowUp),
                    i.key_pressed(Key::Enter),
                    i.key_pressed(Key::Escape),
                )
            });
            if down {
                self.selected = (self.selected + 1).min(hits.len().saturating_sub(1));
            }
            if up {
                self.selected = self.selected.saturating_sub(1);
            }
            ui.add_space(4.0);
            if self.query.trim().is_empty() {
                ui.label(
                    RichText::new("Type to search. ↑ ↓ choose, Enter opens, Esc closes.")
                        .small()
                        .color(ui.visuals().weak_text_color()),
                );
            } else if hits.is_empty() {
                ui.label(format!("Nothing matches “{}”.", self.query.trim()));
            }
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for (i, hit) in hits.iter().enumerate() {
                        let entry = &index.entries[hit.entry];
                        let text = format!("{} · {}", entry.kind.label(), entry.title);
                        let row = ui.add(
                            egui::Button::selectable(i == self.selected, RichText::new(text))
                                .wrap_mode(egui::TextWrapMode::Truncate)
                                .min_size(egui::vec2(ui.available_width(), 0.0)),
                        );
                        if !hit.snippet.is_empty() {
                            ui.add(
                                egui::Label::new(
                                    RichText::new(&hit.snippet)
                                        .small()
                                        .color(ui.visuals().weak_text_color()),
                                )
                                .wrap(),
                            );
                        }
                        if i == self.selected && (down || up) {
                            row.scroll_to_me(None);
                        }
                        if row.clicked() {
                            chosen = Some(hit.entry);
                        }
                    }
                });
            if enter && let Some(hit) = hits.get(self.selected) {
                chosen = Some(hit.entry);
            }
            close |= escape;
        });
        close |= modal.should_close();
        if let Some(i) = chosen {
            shared.nav = Some(nav_to(&index.entries[i].target));
            close = true;
        }
        if close {
            self.close();
        }
    }
}

fn nav_to(target: &Target) -> Nav {
    match target {
        Target::Section {
            pack,
            section,
            part,
        } => Nav::Section(
            SectionRef {
                pack: pack.clone(),
                section: section.clone(),
            },
            Some(*part),
        ),
        Target::Card { tag: Some(tag), .. } => Nav::Cards(tag.clone()),
        Target::Card { tag: None, .. } => Nav::Screen(crate::ui::state::Screen::Flashcards),
        Target::Exercise { id } => Nav::Exercise(id.clone()),
        Target::Simulation { id } => Nav::Simulation(id.clone()),
        Target::Drill { id } => Nav::Drill(id.clone()),
    }
}
