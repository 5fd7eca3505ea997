//! The post-mortem workbook page: a form for one incident write-up (summary, timeline,
//! impact, five whys, root cause, process gap, action items with owners), a self-check,
//! Markdown export, and for the lesson's incident a model answer shown side by side once
//! the learner has written an analysis of their own.
//!
//! Edits are saved with progress a moment after typing stops, so a crash loses at most a
//! second of writing without a disk write per keystroke.

use std::path::PathBuf;
use std::time::Duration;

use super::theme::{self, Semantic};
use crate::content::drill::Drills;
use crate::content::postmortem::{
    self, ActionItem, LESSON_INCIDENT, PostMortem, PostMortems, TimelineEntry, WHYS,
    export_markdown,
};
use crate::ui::state::Shared;

/// Size of the form's part headings, between body text and the page title.
const HEADING_SIZE: f32 = 19.0;

/// How long after the last keystroke the write-up is saved.
const SAVE_DELAY: f64 = 1.0;

/// Hints for the five whys of the lesson's incident; generic ones for the learner's own.
const LESSON_WHY_HINTS: [&str; WHYS] = [
    "Why did the payment service crash?",
    "Why did that happen?",
    "And why did that happen?",
    "Why could that reach production?",
    "Why did nothing in the process catch it?",
];
const OWN_WHY_HINTS: [&str; WHYS] = [
    "Why did the symptom happen?",
    "Why did that happen?",
    "And why did that happen?",
    "Why could that reach production?",
    "Why did nothing in the process catch it?",
];

#[derive(Default)]
pub struct PostMortemScreen {
    selected: usize,
    /// Side by side with the model answer (lesson incident only, once written).
    compare: bool,
    export_path: String,
    /// Which write-up `export_path` was filled in for, so switching refills it.
    export_path_for: Option<usize>,
    export_message: Option<(Semantic, String)>,
    /// Time of the first unsaved edit.
    unsaved_since: Option<f64>,
    /// Set by "Back to the drill" this frame: the drill to return to.
    back_to_drill: Option<String>,
    /// The `incident` key of the write-up to show next frame (see [`Self::open`]).
    to_open: Option<String>,
}

/// Where a write-up comes from, for what the page offers around the form.
struct Origin {
    is_lesson: bool,
    /// The drill it writes up: its id and title.
    drill: Option<(String, String)>,
    /// The model answer, once the learner has written their own analysis.
    model: Option<PostMortem>,
}

impl std::fmt::Debug for PostMortemScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostMortemScreen")
            .field("selected", &self.selected)
            .field("compare", &self.compare)
            .finish_non_exhaustive()
    }
}

impl PostMortemScreen {
    /// Shows the write-up with this `incident` key (a drill's, opened from its page) when
    /// the page is next drawn: drawing may first add the lesson's incident at the top.
    pub fn open(&mut self, incident: &str) {
        self.to_open = Some(incident.to_owned());
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        // The lesson's incident always exists, first in the list.
        shared.store.progress.postmortems.lesson_incident();
        if let Some(key) = self.to_open.take() {
            let items = &shared.store.progress.postmortems.items;
            if let Some(i) = items
                .iter()
                .position(|p| p.incident.as_deref() == Some(&key))
            {
                self.select(i);
            }
        }
        let count = shared.store.progress.postmortems.items.len();
        self.selected = self.selected.min(count.saturating_sub(1));

        egui::Panel::left("postmortem-list")
            .resizable(false)
            .exact_size(220.0)
            .show(ui, |ui| {
                self.list_ui(ui, &mut shared.store.progress.postmortems)
            });

        let selected = self.selected;
        let mut changed = false;
        let Some(post_mortem) = shared.store.progress.postmortems.items.get_mut(selected) else {
            return;
        };
        if self.export_path_for != Some(selected) {
            self.export_path = default_export_path(post_mortem).display().to_string();
            self.export_path_for = Some(selected);
            self.export_message = None;
        }
        let origin = origin(&shared.drills, post_mortem.incident.as_deref());
        let can_compare = origin.model.is_some() && post_mortem.missing_before_compare().is_empty();
        if !can_compare {
            self.compare = false;
        }

        if let (true, Some(model)) = (self.compare, &origin.model) {
            ui.columns(2, |columns| {
                column_ui(&mut columns[0], "postmortem-form", |ui| {
                    changed |= self.form_ui(ui, post_mortem, &origin, can_compare);
                });
                column_ui(&mut columns[1], "postmortem-model", |ui| {
                    model_answer_ui(ui, model, origin.is_lesson);
                });
            });
        } else {
            egui::ScrollArea::vertical()
                .id_salt("postmortem-form")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.set_max_width(ui.available_width().min(theme::READING_WIDTH));
                        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                            changed |= self.form_ui(ui, post_mortem, &origin, can_compare);
                        });
                    });
                });
        }
        if let Some(id) = self.back_to_drill.take() {
            shared.nav = Some(crate::ui::state::Nav::Drill(id));
        }

        let now = ui.input(|i| i.time);
        if changed && self.unsaved_since.is_none() {
            self.unsaved_since = Some(now);
        }
        if let Some(since) = self.unsaved_since {
            if now - since >= SAVE_DELAY {
                // One piece of post-mortem writing per autosave, for the study calendar.
                shared.record(crate::progress::ActivityKind::PostMortem);
                shared.save();
                self.unsaved_since = None;
            } else {
                ui.ctx()
                    .request_repaint_after(Duration::from_secs_f64(SAVE_DELAY));
            }
        }
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, all: &mut PostMortems) {
        ui.add_space(theme::SPACE_S);
        ui.label(egui::RichText::new("Your post-mortems").strong());
        ui.separator();
        let mut remove = None;
        for (i, pm) in all.items.iter().enumerate() {
            let title = if pm.title.trim().is_empty() {
                "Untitled incident"
            } else {
                pm.title.trim()
            };
            let response = ui
                .selectable_label(self.selected == i, title)
                .on_hover_text(match pm.incident.as_deref() {
                    Some(LESSON_INCIDENT) => {
                        "The lesson's incident (section 1); has a model answer"
                    }
                    Some(_) => "An incident drill you played; has a model answer",
                    None => "An incident of your own",
                });
            if response.clicked() {
                self.select(i);
            }
            if pm.incident.is_none() {
                response.context_menu(|ui| {
                    if ui.button("Delete this post-mortem").clicked() {
                        remove = Some(i);
                    }
                });
            }
        }
        ui.add_space(theme::SPACE_S);
        if ui
            .button("+ New post-mortem")
            .on_hover_text("A blank write-up for an incident of your own")
            .clicked()
        {
            let index = all.add_own();
            self.select(index);
        }
        ui.add_space(theme::SPACE_S);
        ui.label(
            egui::RichText::new("Right-click one of your own to delete it.")
                .small()
                .color(ui.visuals().weak_text_color()),
        );
        if let Some(i) = remove {
            all.items.remove(i);
            self.select(i.saturating_sub(1));
            self.unsaved_since.get_or_insert(0.0);
        }
    }

    fn select(&mut self, index: usize) {
        self.selected = index;
        self.compare = false;
        self.export_path_for = None;
    }

    /// The whole form; returns true when anything was edited.
    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        pm: &mut PostMortem,
        origin: &Origin,
        can_compare: bool,
    ) -> bool {
        let is_lesson = origin.is_lesson;
        let mut changed = false;
        ui.add_space(theme::SPACE_L);
        ui.heading(
            egui::RichText::new("Post-mortem workbook")
                .size(30.0)
                .strong(),
        );
        ui.label(
            egui::RichText::new(
                "Write the incident up as a blameless team would: \"the process lacks X\", \
                 never \"person Y did\". Your write-up is saved as you type.",
            )
            .color(ui.visuals().weak_text_color()),
        );
        ui.add_space(theme::SPACE_S);
        changed |= single_line(
            ui,
            "Incident title",
            "A short name for the incident",
            &mut pm.title,
            HEADING_SIZE,
        );
        if is_lesson {
            ui.label(
                egui::RichText::new(
                    "The payment service of section 1: it ran out of memory and restarted about every \
                     twelve minutes for 52 minutes. Re-read the section if you need the facts.",
                )
                .color(ui.visuals().weak_text_color()),
            );
        }
        if let Some((id, title)) = &origin.drill {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "From the drill \"{title}\": the timeline and the impact are filled in \
                         from the run; the analysis is yours."
                    ))
                    .color(ui.visuals().weak_text_color()),
                );
                if ui
                    .small_button("← Back to the drill")
                    .on_hover_text("Carry on with the drill; your writing is kept")
                    .clicked()
                {
                    self.back_to_drill = Some(id.clone());
                }
            });
        }
        changed |= multi_line(
            ui,
            "Summary",
            "Two or three sentences a newcomer would understand",
            &mut pm.summary,
            3,
        );

        section_heading(ui, "Timeline");
        changed |= timeline_ui(ui, &mut pm.timeline);

        changed |= multi_line(
            ui,
            "Impact",
            "Who was affected, how much, for how long, in numbers",
            &mut pm.impact,
            2,
        );

        section_heading(ui, "Five whys");
        let hints = if is_lesson {
            LESSON_WHY_HINTS
        } else {
            OWN_WHY_HINTS
        };
        for (i, (why, hint)) in pm.whys.iter_mut().zip(hints).enumerate() {
            changed |= single_line(ui, &format!("Why {}", i + 1), hint, why, theme::BODY_SIZE);
        }

        changed |= multi_line(
            ui,
            "Root cause",
            "Where the chain ends: something the organisation can change",
            &mut pm.root_cause,
            2,
        );
        changed |= multi_line(
            ui,
            "Process gap",
            "What let the bug reach production: \"the process lacks ...\"",
            &mut pm.process_gap,
            2,
        );

        section_heading(ui, "Action items");
        changed |= actions_ui(ui, &mut pm.action_items);

        section_heading(ui, "Self-check");
        findings_ui(ui, pm);

        section_heading(ui, "Export");
        self.export_ui(ui, pm);

        if origin.model.is_some() {
            section_heading(ui, "Model answer");
            self.compare_toggle_ui(ui, pm, can_compare);
        }
        ui.add_space(theme::SPACE_XL);
        changed
    }

    fn export_ui(&mut self, ui: &mut egui::Ui, pm: &PostMortem) {
        let label = ui.label("Markdown file");
        ui.add(
            egui::TextEdit::singleline(&mut self.export_path)
                .desired_width(f32::INFINITY)
                .hint_text("Path of the .md file to write"),
        )
        .labelled_by(label.id);
        ui.horizontal(|ui| {
            if ui
                .button("Save as Markdown")
                .on_hover_text("Write the file above (overwrites it)")
                .clicked()
            {
                self.export_message = Some(
                    match export_markdown(pm, &PathBuf::from(self.export_path.trim())) {
                        Ok(()) => (
                            Semantic::Healthy,
                            format!("Saved to {}", self.export_path.trim()),
                        ),
                        Err(e) => (Semantic::Failing, e.to_string()),
                    },
                );
            }
            if ui
                .button("Copy Markdown")
                .on_hover_text("Copy the write-up to the clipboard")
                .clicked()
            {
                ui.ctx().copy_text(pm.to_markdown());
                self.export_message =
                    Some((Semantic::Healthy, "Copied to the clipboard.".to_owned()));
            }
        });
        if let Some((meaning, text)) = &self.export_message {
            ui.colored_label(meaning.in_ui(ui), text);
        }
    }

    fn compare_toggle_ui(&mut self, ui: &mut egui::Ui, pm: &PostMortem, can_compare: bool) {
        if can_compare {
            let text = if self.compare {
                "Hide the model answer"
            } else {
                "Compare with the model answer"
            };
            if ui
                .button(text)
                .on_hover_text("Show a model write-up of this incident next to yours")
                .clicked()
            {
                self.compare = !self.compare;
            }
        } else {
            let missing = pm.missing_before_compare().join(", ");
            ui.add_enabled(false, egui::Button::new("Compare with the model answer"));
            ui.label(
                egui::RichText::new(format!(
                    "Write your own analysis first: still missing {missing}. Comparing before you \
                     think it through turns the exercise into copying."
                ))
                .color(Semantic::Waiting.in_ui(ui)),
            );
        }
    }
}

/// One half of the side-by-side view: its own scroll area, a left-aligned layout
/// (columns are justified by default) and a margin so text does not touch the divider.
fn column_ui(ui: &mut egui::Ui, id: &str, add_contents: impl FnOnce(&mut egui::Ui)) {
    ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
        egui::ScrollArea::vertical()
            .id_salt(id)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Frame::NONE
                    .inner_margin(egui::Margin::symmetric(theme::SPACE_M as i8, 0))
                    .show(ui, add_contents);
            });
    });
}

/// What a write-up is of: the lesson's incident, a drill (by its incident key), or the
/// learner's own; and the model answer it has, if any.
fn origin(drills: &Drills, incident: Option<&str>) -> Origin {
    let is_lesson = incident == Some(LESSON_INCIDENT);
    let drill = incident
        .and_then(crate::drill::prefill::drill_of_incident)
        .and_then(|id| drills.get(id));
    Origin {
        is_lesson,
        drill: drill.map(|d| (d.id().to_owned(), d.spec.title.clone())),
        model: if is_lesson {
            Some(postmortem::model_answer())
        } else {
            drill.map(|d| d.spec.postmortem.clone())
        },
    }
}

/// The model answer, field by field, in plain wrapped text so it fits a half-width column.
fn model_answer_ui(ui: &mut egui::Ui, model: &PostMortem, is_lesson: bool) {
    ui.add_space(theme::SPACE_L);
    ui.heading(egui::RichText::new("Model answer").size(30.0).strong());
    let root_cause_check = if is_lesson {
        "that your root cause is not just \"the leak\""
    } else {
        "that your root cause names what the design lacked, not only the fault"
    };
    ui.label(
        egui::RichText::new(format!(
            "Yours need not match it word for word. Check that your chain reaches a process \
             gap, {root_cause_check}, and that every action has an owner."
        ))
        .color(Semantic::Accent.in_ui(ui)),
    );
    ui.add_space(theme::SPACE_S);
    ui.label(
        egui::RichText::new(&model.title)
            .size(HEADING_SIZE)
            .strong(),
    );
    ui.add_space(theme::SPACE_XS);
    ui.label(&model.summary);
    // A drill's model answer has no timeline: the learner's comes from their own run.
    if !model.timeline.is_empty() {
        section_heading(ui, "Timeline");
    }
    for entry in &model.timeline {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(&entry.time).monospace().strong());
            ui.label(&entry.event);
        });
    }
    section_heading(ui, "Impact");
    ui.label(&model.impact);
    section_heading(ui, "Five whys");
    for (i, why) in model.whys.iter().enumerate() {
        ui.label(format!("{}. {why}", i + 1));
    }
    section_heading(ui, "Root cause");
    ui.label(&model.root_cause);
    section_heading(ui, "Process gap");
    ui.label(&model.process_gap);
    section_heading(ui, "Action items");
    for item in &model.action_items {
        ui.label(&item.action);
        ui.label(
            egui::RichText::new(format!("owner: {} · due: {}", item.owner, item.due))
                .color(ui.visuals().weak_text_color()),
        );
        ui.add_space(theme::SPACE_XS);
    }
    ui.add_space(theme::SPACE_XL);
}

/// Where the export goes by default: the documents folder, else home, else here.
fn default_export_path(pm: &PostMortem) -> PathBuf {
    let folder = directories::UserDirs::new()
        .map(|dirs| dirs.document_dir().unwrap_or(dirs.home_dir()).to_path_buf())
        .unwrap_or_default();
    folder.join(pm.file_name())
}

fn section_heading(ui: &mut egui::Ui, text: &str) {
    ui.add_space(theme::SPACE_M);
    ui.label(egui::RichText::new(text).size(HEADING_SIZE).strong());
}

/// A one-line field under a strong label of `label_size` points.
fn single_line(
    ui: &mut egui::Ui,
    label: &str,
    hint: &str,
    text: &mut String,
    label_size: f32,
) -> bool {
    ui.add_space(theme::SPACE_XS);
    let label = ui.label(egui::RichText::new(label).size(label_size).strong());
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
    .changed()
}

fn multi_line(ui: &mut egui::Ui, label: &str, hint: &str, text: &mut String, rows: usize) -> bool {
    ui.add_space(theme::SPACE_S);
    let label = ui.label(egui::RichText::new(label).size(HEADING_SIZE).strong());
    ui.add(
        egui::TextEdit::multiline(text)
            .hint_text(hint)
            .desired_rows(rows)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
    .changed()
}

/// Horizontal room a `TextEdit` takes beyond its desired width (its inner margin).
const TEXT_EDIT_MARGIN: f32 = 8.0;

/// The desired width for a text field that fills the rest of the row, leaving
/// `reserved` points for what follows it.
fn fill_width(ui: &egui::Ui, reserved: f32) -> f32 {
    (ui.available_width() - reserved - TEXT_EDIT_MARGIN).max(120.0)
}

/// Room taken by a "Remove" button and the gap before it, measured in the current
/// style so rows never overflow at any zoom.
fn remove_button_width(ui: &egui::Ui) -> f32 {
    let font = egui::TextStyle::Button.resolve(ui.style());
    let text = ui
        .painter()
        .layout_no_wrap("Remove".to_owned(), font, egui::Color32::PLACEHOLDER)
        .size()
        .x;
    text + 2.0 * ui.spacing().button_padding.x + ui.spacing().item_spacing.x + 1.0
}

/// Rows of (time, event) with add and remove.
fn timeline_ui(ui: &mut egui::Ui, entries: &mut Vec<TimelineEntry>) -> bool {
    let mut changed = false;
    let mut remove = None;
    for (i, entry) in entries.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut entry.time)
                        .hint_text("18:05")
                        // Room for a drill's clock, "t = 150 s" or "t = 22 min".
                        .desired_width(104.0),
                )
                .on_hover_text(format!("Time of entry {}", i + 1))
                .changed();
            let width = fill_width(ui, remove_button_width(ui));
            changed |= ui
                .add(
                    // Wraps and grows rather than cutting a long entry off.
                    egui::TextEdit::multiline(&mut entry.event)
                        .hint_text("What happened or was decided")
                        .desired_rows(1)
                        .desired_width(width),
                )
                .on_hover_text(format!("Event of entry {}", i + 1))
                .changed();
            if ui
                .button("Remove")
                .on_hover_text("Remove this entry")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        entries.remove(i);
        changed = true;
    }
    if ui.button("+ Add timeline entry").clicked() {
        entries.push(TimelineEntry::default());
        changed = true;
    }
    changed
}

/// Rows of (action, owner, due) with add and remove.
fn actions_ui(ui: &mut egui::Ui, items: &mut Vec<ActionItem>) -> bool {
    let mut changed = false;
    let mut remove = None;
    for (i, item) in items.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            // Three fields share what the remove button leaves, 60 / 22 / 18.
            let spacing = ui.spacing().item_spacing.x;
            let width = fill_width(
                ui,
                remove_button_width(ui) + 2.0 * (TEXT_EDIT_MARGIN + spacing),
            );
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut item.action)
                        .hint_text("A concrete change")
                        .desired_width(width * 0.6),
                )
                .on_hover_text(format!("Action {}", i + 1))
                .changed();
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut item.owner)
                        .hint_text("Owner")
                        .desired_width(width * 0.22),
                )
                .on_hover_text(format!("Owner of action {}", i + 1))
                .changed();
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut item.due)
                        .hint_text("Due")
                        .desired_width(width * 0.18),
                )
                .on_hover_text(format!("Due date of action {}", i + 1))
                .changed();
            if ui
                .button("Remove")
                .on_hover_text("Remove this action item")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        items.remove(i);
        changed = true;
    }
    if ui.button("+ Add action item").clicked() {
        items.push(ActionItem::default());
        changed = true;
    }
    changed
}

fn findings_ui(ui: &mut egui::Ui, pm: &PostMortem) {
    if pm.is_blank() {
        ui.label(
            egui::RichText::new(
                "Start writing; the self-check points out what a reviewer would ask about.",
            )
            .color(ui.visuals().weak_text_color()),
        );
        return;
    }
    let findings = pm.check();
    if findings.is_empty() {
        ui.colored_label(
            Semantic::Healthy.in_ui(ui),
            "Nothing to point out: every part is there, actions have owners, no blame words.",
        );
        return;
    }
    for finding in findings {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(Semantic::Waiting.in_ui(ui), "!");
            ui.label(egui::RichText::new(format!("{}:", finding.field)).strong());
            ui.label(finding.advice);
        });
    }
}
