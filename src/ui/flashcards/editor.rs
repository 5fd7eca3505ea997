//! The card list and editor: find any card, suspend or unsuspend it, rewrite its text, and
//! add or delete the learner's own cards (kept with their progress).

use crate::ui::clock;
use egui::RichText;

use super::interval_label;
use crate::srs::deck::{CardEdit, check_card};
use crate::srs::{Card, CardKind, CardSource, Deck, SrsProgress, State};
use crate::ui::state::Shared;
use crate::ui::theme::{self, Semantic};

/// Width of the state column of the card list.
const STATUS_WIDTH: f32 = 140.0;
/// Width of the section column.
const SECTION_WIDTH: f32 = 150.0;
/// Room for the two buttons and spacing at the end of a row.
const BUTTONS_WIDTH: f32 = 190.0;

/// The card being written or rewritten.
#[derive(Debug, Clone)]
pub struct Editor {
    /// `None` for a new own card.
    editing: Option<String>,
    /// Pack cards keep their kind and tags; only the text changes.
    is_pack_card: bool,
    kind: CardKind,
    tag: String,
    front: String,
    back: String,
    problems: Vec<String>,
}

impl Editor {
    fn blank(tag: &str) -> Self {
        Self {
            editing: None,
            is_pack_card: false,
            kind: CardKind::Basic,
            tag: tag.to_owned(),
            front: String::new(),
            back: String::new(),
            problems: Vec::new(),
        }
    }

    /// Opens a card for editing: a pack card (with any earlier edit) or an own card.
    pub fn for_card(deck: &Deck, progress: &SrsProgress, source_id: &str) -> Self {
        if let Some(pack_card) = deck.source(source_id) {
            let s = &pack_card.source;
            let edit = progress.edits.get(source_id);
            return Self {
                editing: Some(s.id.clone()),
                is_pack_card: true,
                kind: s.kind.clone(),
                tag: s.tags.first().cloned().unwrap_or_default(),
                front: edit.map_or_else(|| s.front.clone(), |e| e.front.clone()),
                back: edit.map_or_else(|| s.back.clone(), |e| e.back.clone()),
                problems: Vec::new(),
            };
        }
        match progress.own_cards.iter().find(|c| c.id == source_id) {
            Some(c) => Self {
                editing: Some(c.id.clone()),
                is_pack_card: false,
                kind: c.kind.clone(),
                tag: c.tags.first().cloned().unwrap_or_default(),
                front: c.front.clone(),
                back: c.back.clone(),
                problems: Vec::new(),
            },
            None => Self::blank(""),
        }
    }
}

/// What the editor asked for this frame.
enum EditorAction {
    None,
    Save,
    Cancel,
    Restore,
    Delete,
}

/// Draws the list (and the editor above it when open). Returns true when cards changed,
/// so the screen rebuilds its reviewable cards.
pub fn cards_ui(
    ui: &mut egui::Ui,
    shared: &mut Shared,
    cards: &[Card],
    editor: &mut Option<Editor>,
    filter: &mut String,
    sort: &mut Sort,
) -> bool {
    let mut changed = false;
    let tags = section_tags(shared);
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(theme::READING_WIDTH + 160.0));
            if editor.is_some() {
                changed |= editor_panel_ui(ui, shared, editor);
                ui.add_space(theme::SPACE_L);
            }
            ui.horizontal(|ui| {
                let find = ui.label("Find").id;
                ui.add(
                    egui::TextEdit::singleline(filter)
                        .hint_text("text, id or tag")
                        .desired_width(320.0),
                )
                .labelled_by(find);
                if ui
                    .button("➕ Add a card")
                    .on_hover_text("Write your own card")
                    .clicked()
                {
                    *editor = Some(Editor::blank(tags.first().map_or("", String::as_str)));
                }
            });
            ui.add_space(theme::SPACE_S);
            changed |= list_ui(ui, shared, cards, editor, filter, sort);
        });
    changed
}

/// The open editor, wherever it is shown (under the card in review, above the list in
/// Cards); closes it on Save, Cancel, Restore or Delete. Returns true when cards changed.
pub fn editor_panel_ui(
    ui: &mut egui::Ui,
    shared: &mut Shared,
    editor: &mut Option<Editor>,
) -> bool {
    let Some(ed) = editor else {
        return false;
    };
    let tags = section_tags(shared);
    match editor_ui(ui, ed, &tags) {
        EditorAction::None => false,
        EditorAction::Cancel => {
            *editor = None;
            false
        }
        EditorAction::Save => {
            let saved = save(ed, &mut shared.store.progress.cards);
            if saved {
                shared.save();
                *editor = None;
            }
            saved
        }
        EditorAction::Restore => {
            if let Some(id) = &ed.editing {
                shared.store.progress.cards.edits.remove(id);
                shared.save();
            }
            *editor = None;
            true
        }
        EditorAction::Delete => {
            if let Some(id) = &ed.editing {
                shared
                    .store
                    .progress
                    .cards
                    .own_cards
                    .retain(|c| &c.id != id);
                shared.save();
            }
            *editor = None;
            true
        }
    }
}

/// The lesson sections, offered as tags for own cards.
fn section_tags(shared: &Shared) -> Vec<String> {
    shared
        .library
        .packs
        .iter()
        .flat_map(|p| p.sections.iter().map(|s| s.id.clone()))
        .collect()
}

fn editor_ui(ui: &mut egui::Ui, ed: &mut Editor, tags: &[String]) -> EditorAction {
    let mut action = EditorAction::None;
    egui::Frame::group(ui.style())
        .corner_radius(theme::RADIUS)
        .inner_margin(theme::SPACE_M)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let title = match &ed.editing {
                None => "New card".to_owned(),
                Some(_) => format!("Edit “{}”", short_title(&ed.front)),
            };
            ui.label(RichText::new(title).strong());
            if ed.is_pack_card {
                ui.label(
                    RichText::new("Your edit is kept with your progress; the scheduling stays.")
                        .small()
                        .color(ui.visuals().weak_text_color()),
                );
            }
            if !ed.is_pack_card {
                ui.horizontal(|ui| {
                    ui.label("Kind");
                    ui.selectable_value(&mut ed.kind, CardKind::Basic, "Question and answer");
                    ui.selectable_value(&mut ed.kind, CardKind::Cloze, "Cloze ({{c1::gap}})");
                    ui.add_space(theme::SPACE_M);
                    ui.label("Section");
                    egui::ComboBox::from_id_salt("card-tag")
                        .selected_text(ed.tag.clone())
                        .show_ui(ui, |ui| {
                            for tag in tags {
                                ui.selectable_value(&mut ed.tag, tag.clone(), tag);
                            }
                        });
                });
            }
            let front_label = if ed.kind == CardKind::Cloze {
                "Text with gaps"
            } else {
                "Front"
            };
            let back_label = if ed.kind == CardKind::Cloze {
                "Extra (optional)"
            } else {
                "Back"
            };
            let id = ui.label(front_label).id;
            ui.add(
                egui::TextEdit::multiline(&mut ed.front)
                    .desired_rows(3)
                    .desired_width(ui.available_width()),
            )
            .labelled_by(id);
            let id = ui.label(back_label).id;
            ui.add(
                egui::TextEdit::multiline(&mut ed.back)
                    .desired_rows(3)
                    .desired_width(ui.available_width()),
            )
            .labelled_by(id);
            for p in &ed.problems {
                ui.colored_label(Semantic::Failing.in_ui(ui), p);
            }
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    action = EditorAction::Save;
                }
                if ui.button("Cancel").clicked() {
                    action = EditorAction::Cancel;
                }
                if ed.editing.is_some()
                    && ed.is_pack_card
                    && ui.button("Restore the original").clicked()
                {
                    action = EditorAction::Restore;
                }
                if ed.editing.is_some()
                    && !ed.is_pack_card
                    && ui.button("Delete this card").clicked()
                {
                    action = EditorAction::Delete;
                }
            });
        });
    action
}

/// A card's front as a one-line title: gaps filled in, Markdown marks dropped, at most
/// about 60 characters.
fn short_title(front: &str) -> String {
    const MAX: usize = 60;
    let text = crate::srs::cloze::parse(front)
        .map(|s| crate::srs::cloze::plain(&s))
        .unwrap_or_else(|_| front.to_owned());
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '`' | '*' | '_'))
        .collect();
    if line.chars().count() <= MAX {
        line
    } else {
        let cut: String = line.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Checks and stores the editor's card; false (with problems shown) when it is invalid.
fn save(ed: &mut Editor, progress: &mut SrsProgress) -> bool {
    let id = ed
        .editing
        .clone()
        .unwrap_or_else(|| format!("my-{}", clock::now().timestamp_millis()));
    let card = CardSource {
        id: id.clone(),
        kind: ed.kind.clone(),
        tags: vec![ed.tag.clone()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect(),
        front: ed.front.trim().to_owned(),
        back: ed.back.trim().to_owned(),
    };
    ed.problems = check_card(&card, None)
        .into_iter()
        .map(|i| i.message)
        .collect();
    if !ed.problems.is_empty() {
        return false;
    }
    if ed.is_pack_card {
        progress.edits.insert(
            id,
            CardEdit {
                front: card.front,
                back: card.back,
            },
        );
    } else if let Some(existing) = progress.own_cards.iter_mut().find(|c| c.id == id) {
        *existing = card;
    } else {
        progress.own_cards.push(card);
    }
    true
}

/// The card list's order, chosen by clicking a column heading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// As the deck is written: lesson order.
    #[default]
    Deck,
    Card,
    Section,
    Due,
}

/// One row per reviewable card: its text (Markdown inline), section, state and when it
/// is due, sortable by each. Returns true when a card was suspended or unsuspended.
fn list_ui(
    ui: &mut egui::Ui,
    shared: &mut Shared,
    cards: &[Card],
    editor: &mut Option<Editor>,
    filter: &str,
    sort: &mut Sort,
) -> bool {
    let needle = filter.to_lowercase();
    let now = clock::now();
    let mut changed = false;
    let mut shown: Vec<&Card> = cards
        .iter()
        .filter(|c| {
            needle.is_empty()
                || c.id.contains(&needle)
                || c.question.to_lowercase().contains(&needle)
                || c.tags.iter().any(|t| t.contains(&needle))
        })
        .collect();
    let progress = &shared.store.progress.cards;
    match sort {
        Sort::Deck => {}
        Sort::Card => shown.sort_by_cached_key(|c| plain_line(&c.question).to_lowercase()),
        Sort::Section => {
            // Lesson order, not the titles' alphabet ("10." would come before "2.").
            let order: Vec<&String> = shared
                .library
                .packs
                .iter()
                .flat_map(|p| &p.sections)
                .flat_map(|s| &s.card_tags)
                .collect();
            shown.sort_by_key(|c| {
                c.tags
                    .first()
                    .and_then(|t| order.iter().position(|o| *o == t))
                    .unwrap_or(usize::MAX)
            });
        }
        // Due first, soonest first; new cards after them, suspended ones last.
        Sort::Due => shown.sort_by_cached_key(|c| {
            let schedule = progress.schedule(&c.id);
            (
                progress.suspended.contains(&c.id),
                schedule.due.is_none(),
                schedule.due,
            )
        }),
    }
    // Fixed widths so every row lines up and nothing pushes past the window's edge.
    let text_width =
        (ui.available_width() - SECTION_WIDTH - STATUS_WIDTH - BUTTONS_WIDTH).max(120.0);
    ui.label(
        RichText::new(format!("{} of {} cards", shown.len(), cards.len()))
            .small()
            .color(ui.visuals().weak_text_color()),
    );
    ui.horizontal(|ui| {
        for (column, label, width) in [
            (Sort::Card, "Card", text_width),
            (Sort::Section, "Section", SECTION_WIDTH),
            (Sort::Due, "State and due", STATUS_WIDTH),
        ] {
            let arrow = if *sort == column { " ⏷" } else { "" };
            let heading = egui::Button::selectable(
                *sort == column,
                RichText::new(format!("{label}{arrow}")).strong(),
            );
            if ui
                .add_sized([width, 22.0], heading)
                .on_hover_text("Sort by this column; click again for the deck's order")
                .clicked()
            {
                *sort = if *sort == column { Sort::Deck } else { column };
            }
        }
    });
    ui.separator();
    for card in shown {
        let progress = &shared.store.progress.cards;
        let schedule = progress.schedule(&card.id);
        let suspended = progress.suspended.contains(&card.id);
        let status = if suspended {
            RichText::new("suspended").color(Semantic::Neutral.in_ui(ui))
        } else {
            let due = match (schedule.state, schedule.due) {
                (State::New, _) | (_, None) => String::new(),
                // Under a minute away reads as due now, never "in now".
                (_, Some(due)) if due <= now + chrono::Duration::minutes(1) => {
                    ", due now".to_owned()
                }
                (_, Some(due)) => format!(", in {}", interval_label(due - now)),
            };
            RichText::new(format!("{}{due}", schedule.state.label()))
        };
        let section = card
            .tags
            .first()
            .map(|t| shared.tag_title(t))
            .unwrap_or_default();
        ui.horizontal(|ui| {
            ui.allocate_ui_with_layout(
                egui::vec2(text_width, 22.0),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_width(text_width);
                    let job = inline_markdown(ui, &plain_line(&card.question));
                    ui.add(egui::Label::new(job).truncate())
                        .on_hover_text(&card.id);
                },
            );
            ui.add_sized(
                [SECTION_WIDTH, 22.0],
                egui::Label::new(RichText::new(section).small()).truncate(),
            );
            ui.add_sized([STATUS_WIDTH, 22.0], egui::Label::new(status));
            let label = if suspended { "Unsuspend" } else { "Suspend" };
            if ui.small_button(label).clicked() {
                shared
                    .store
                    .progress
                    .cards
                    .set_suspended(&card.id, !suspended);
                shared.save();
                changed = true;
            }
            if ui.small_button("Edit").clicked() {
                *editor = Some(Editor::for_card(
                    &shared.deck,
                    &shared.store.progress.cards,
                    &card.source_id,
                ));
            }
        });
    }
    changed
}

/// A card's text on one line, its emphasis marks dropped (code spans stay for
/// [`inline_markdown`]).
fn plain_line(markdown: &str) -> String {
    markdown
        .replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line of Markdown as styled text: `code` spans in the code font on a tint, the
/// rest as body text, so the list never shows raw backticks.
fn inline_markdown(ui: &egui::Ui, line: &str) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    let body = egui::TextFormat {
        font_id: egui::TextStyle::Body.resolve(ui.style()),
        color: ui.visuals().text_color(),
        ..Default::default()
    };
    let code = egui::TextFormat {
        font_id: egui::TextStyle::Monospace.resolve(ui.style()),
        background: ui.visuals().code_bg_color,
        ..body.clone()
    };
    for (i, piece) in line.split('`').enumerate() {
        if !piece.is_empty() {
            let format = if i % 2 == 1 { &code } else { &body };
            job.append(piece, 0.0, format.clone());
        }
    }
    job
}
