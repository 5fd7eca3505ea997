//! The drill's end: the post-mortem (pre-filled from the run, written on the post-mortem
//! page), the cards (the drill's, and the learner's action items if they choose), and
//! the score.

use egui::RichText;

use super::steps::{Step, notice_ui, part_heading, reveal};
use super::{Request, mitigate, score_text};
use crate::content::postmortem::PostMortem;
use crate::drill::{cards, prefill};
use crate::srs::{CardKind, CardSource, cloze};
use crate::ui::theme::{self, Semantic};

/// The learner's post-mortem of this drill, created from the run on first use.
fn postmortem<'s>(step: &'s mut Step) -> &'s mut PostMortem {
    let key = prefill::incident_key(step.drill, step.attempt);
    let items = &mut step.shared.store.progress.postmortems.items;
    let index = match items
        .iter()
        .position(|p| p.incident.as_deref() == Some(&key))
    {
        Some(i) => i,
        None => {
            items.push(prefill::prefill(step.drill, step.attempt, step.baseline));
            items.len() - 1
        }
    };
    &mut items[index]
}

pub(super) fn postmortem_ui(ui: &mut egui::Ui, step: &mut Step) -> Request {
    let key = prefill::incident_key(step.drill, step.attempt);
    let created = !step
        .shared
        .store
        .progress
        .postmortems
        .items
        .iter()
        .any(|p| p.incident.as_deref() == Some(&key));
    let missing = postmortem(step).missing_before_compare();
    if created {
        step.shared.save();
    }
    if let Some(Ok(outcome)) = &step.page.replay {
        let shown = mitigate::verdict_ui(ui, step.drill, outcome, step.baseline);
        reveal(step.page, &shown);
    }
    part_heading(ui, "Write the post-mortem");
    ui.label(
        "Your post-mortem of this incident is started for you: the timeline comes from the \
         system's event log and your own steps, the impact from the SLO's figures until your \
         fix was in. Write the whys, the root cause, the process gap and the action items; \
         the model answer unlocks once you have.",
    );
    ui.add_space(theme::SPACE_S);
    let mut request = Request::None;
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(RichText::new("📝 Open the post-mortem").strong())
            .on_hover_text("On the post-mortem page; come back here when it is written")
            .clicked()
        {
            request = Request::PostMortem(key.clone());
        }
        let next = ui
            .add_enabled(missing.is_empty(), egui::Button::new("Cards →"))
            .on_hover_text("On to the cards this drill adds")
            .on_disabled_hover_text("Write your own analysis first");
        if next.clicked() {
            step.attempt.finish_postmortem();
        }
    });
    if !missing.is_empty() {
        ui.colored_label(
            Semantic::Waiting.in_ui(ui),
            format!("Still to write: {}.", missing.join(", ")),
        );
    }
    request
}

/// Cards: the drill's own, and the learner's action items as cards if ticked. Finish
/// records the pass. Returns the request and whether the learner's cards changed.
pub(super) fn cards_ui(ui: &mut egui::Ui, step: &mut Step) -> (Request, bool) {
    let drill = step.drill;
    part_heading(ui, "Cards this drill adds to your deck");
    ui.label(
        RichText::new(format!(
            "They join your flashcards, tagged {}, when you finish.",
            drill.card_tag()
        ))
        .color(ui.visuals().weak_text_color()),
    );
    for card in &drill.spec.cards {
        egui::Frame::group(ui.style())
            .corner_radius(theme::RADIUS)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(RichText::new(card_front(card)).strong());
                ui.label(RichText::new(&card.back).color(ui.visuals().weak_text_color()));
            });
    }
    let items = postmortem(step).action_items.clone();
    let page = &mut *step.page;
    page.add_items.resize(items.len(), false);
    let written: Vec<(usize, &crate::content::postmortem::ActionItem)> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.action.trim().is_empty())
        .collect();
    part_heading(ui, "Your action items as cards");
    if written.is_empty() {
        ui.label(
            RichText::new("Your post-mortem has no action items to turn into cards.")
                .color(ui.visuals().weak_text_color()),
        );
    }
    for (i, item) in &written {
        ui.checkbox(
            &mut page.add_items[*i],
            format!("Add as my own card: {}", item.action.trim()),
        );
    }
    ui.add_space(theme::SPACE_M);
    let finish = ui
        .button(RichText::new("Finish the drill").strong())
        .on_hover_text("Record the pass; the cards join your deck");
    if !finish.clicked() {
        return (Request::None, false);
    }
    let progress = &mut step.shared.store.progress;
    for (i, item) in written {
        if !page.add_items[i] {
            continue;
        }
        let Some(card) = cards::action_item_card(drill, i, item) else {
            continue;
        };
        let own = &mut progress.cards.own_cards;
        match own.iter_mut().find(|c| c.id == card.id) {
            Some(existing) => *existing = card,
            None => own.push(card),
        }
    }
    if let Some(score) = step.attempt.score {
        progress.drills.record_pass(drill.id(), score);
    }
    step.attempt.finish();
    (Request::None, true)
}

/// A card's front as the learner reads it in the list: a cloze with its gaps filled in.
fn card_front(card: &CardSource) -> String {
    match card.kind {
        CardKind::Cloze => cloze::parse(&card.front)
            .map_or_else(|_| card.front.clone(), |segments| cloze::plain(&segments)),
        _ => card.front.clone(),
    }
}

/// Done: the score of this attempt and the best, and where to go next.
pub(super) fn done_ui(ui: &mut egui::Ui, step: &mut Step) -> Request {
    let drill = step.drill;
    let record = step.shared.store.progress.drills.record(drill.id());
    let best = record.and_then(|r| r.best);
    notice_ui(ui, Semantic::Healthy, |ui| {
        ui.label(
            RichText::new("✔ Drill passed")
                .size(20.0)
                .strong()
                .color(Semantic::Healthy.in_ui(ui)),
        );
        if let Some(score) = &step.attempt.score {
            ui.label(format!("This time: {}.", score_text(score)));
        }
        if let Some(best) = &best {
            ui.label(format!("Your best: {}.", score_text(best)));
        }
    });
    ui.add_space(theme::SPACE_M);
    let mut request = Request::None;
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("🃏 Review its cards")
            .on_hover_text("The flashcards this drill added")
            .clicked()
        {
            request = Request::Cards(drill.card_tag());
        }
        if ui
            .button("Play again")
            .on_hover_text("The same incident on other traffic (another seed)")
            .clicked()
        {
            request = Request::PlayAgain;
        }
        if ui.button("Back to all drills").clicked() {
            request = Request::List;
        }
    });
    request
}
