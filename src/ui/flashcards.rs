//! The flashcards screen: review (question, answer, the four answers with the interval
//! each gives, undo, bury, suspend), statistics, and the card list with the editor.
//! Scheduling lives in `crate::srs`; this file draws it and turns keys and clicks into
//! calls on it.

mod editor;
mod stats;

use chrono::{DateTime, Duration, Local, SubsecRound, Utc};
use egui::{Key, Modifiers, RichText};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use super::theme::{self, Semantic};
use crate::content::SIMULATION_IDS;
use crate::content::show_me::{self, ShowMeIndex};
use crate::srs::{Card, CardKind, Rating, queue};
use crate::ui::state::{Nav, SectionRef, Shared};

/// Size of a card's question text.
const CARD_TEXT_SIZE: f32 = 19.0;

/// The three views of the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Tab {
    #[default]
    Review,
    Statistics,
    Cards,
}

impl Tab {
    const ALL: [Tab; 3] = [Self::Review, Self::Statistics, Self::Cards];

    fn label(self) -> &'static str {
        match self {
            Self::Review => "Review",
            Self::Statistics => "Statistics",
            Self::Cards => "Cards",
        }
    }
}

/// The card on screen and what its answers would do, fixed when it was shown so the
/// buttons do not flicker while the learner thinks.
#[derive(Debug, Clone)]
struct Showing {
    id: String,
    revealed: bool,
    intervals: Option<[Duration; 4]>,
}

#[derive(Default)]
pub struct FlashcardsScreen {
    /// Reviewable cards (edits applied, own cards added, clozes expanded).
    cards: Vec<Card>,
    /// `cards` narrowed to `tag`.
    pool: Vec<Card>,
    /// False until `cards` and `pool` are built, and again when edits, own cards, the
    /// decks or the tag change.
    built: bool,
    tag: Option<String>,
    tab: Tab,
    showing: Option<Showing>,
    markdown: CommonMarkCache,
    editor: Option<editor::Editor>,
    list_filter: String,
    list_sort: editor::Sort,
    /// A short message about the last action ("Buried until tomorrow").
    notice: Option<String>,
    /// Where each predict card's "Show me" goes, loaded when first needed (its checks
    /// are `workbook validate`'s).
    show_me: Option<ShowMeIndex>,
    /// New cards the learner chose to study today past the daily limit.
    past_limit: PastLimit,
}

/// New cards let in past the daily limit, for the session of one tag (the choice does
/// not carry over to another tag's session).
#[derive(Default)]
struct PastLimit {
    tag: Option<String>,
    extra: usize,
}

impl PastLimit {
    fn for_tag(&self, tag: &Option<String>) -> usize {
        if self.tag == *tag { self.extra } else { 0 }
    }
}

impl FlashcardsScreen {
    /// Rebuilds the reviewable cards after the decks were reloaded (content changed on
    /// disk).
    pub fn reload(&mut self) {
        self.built = false;
    }

    /// Starts reviewing cards with this tag.
    pub fn open_tag(&mut self, tag: &str) {
        self.tag = Some(tag.to_owned());
        self.tab = Tab::Review;
        self.showing = None;
        self.built = false;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        if !self.built {
            self.cards = shared.cards();
            self.pool = match &self.tag {
                Some(tag) => self
                    .cards
                    .iter()
                    .filter(|c| c.tags.contains(tag))
                    .cloned()
                    .collect(),
                None => self.cards.clone(),
            };
            self.built = true;
        }
        ui.add_space(theme::SPACE_M);
        self.header_ui(ui, shared);
        ui.separator();
        match self.tab {
            Tab::Review => self.review_ui(ui, shared),
            Tab::Statistics => stats::ui(ui, shared, &self.cards),
            Tab::Cards => {
                if editor::cards_ui(
                    ui,
                    shared,
                    &self.cards,
                    &mut self.editor,
                    &mut self.list_filter,
                    &mut self.list_sort,
                ) {
                    self.built = false;
                    self.showing = None;
                }
            }
        }
    }

    fn header_ui(&mut self, ui: &mut egui::Ui, shared: &Shared) {
        ui.horizontal(|ui| {
            ui.heading("Flashcards");
            ui.add_space(theme::SPACE_L);
            for tab in Tab::ALL {
                if ui.selectable_label(self.tab == tab, tab.label()).clicked() {
                    self.tab = tab;
                }
            }
            if let Some(tag) = self.tag.clone() {
                ui.add_space(theme::SPACE_L);
                let title = shared.tag_title(&tag);
                ui.label(RichText::new(format!("Only: {title}")).color(Semantic::Accent.in_ui(ui)));
                if ui
                    .small_button("✕")
                    .on_hover_text("Review cards of every section")
                    .clicked()
                {
                    self.tag = None;
                    self.built = false;
                    self.showing = None;
                }
            }
        });
    }

    fn review_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        // Whole seconds: the log reads cleanly and nothing needs finer times.
        let now = crate::ui::clock::now().trunc_subsecs(0);
        // A section the learner picked (a lesson's "review its cards" link) is theirs to
        // learn now, read or not; the whole deck follows the read-sections rule.
        let mut queue = if self.tag.is_some() {
            queue::build(&shared.store.progress.cards, &self.pool, now)
        } else {
            queue::for_learner(&shared.store.progress, &shared.library, &self.pool, now)
        };
        queue.admit_over_limit(self.past_limit.for_tag(&self.tag));
        let progress = &shared.store.progress.cards;
        let today = queue::today(progress, now);
        if self
            .showing
            .as_ref()
            .is_none_or(|s| !self.cards.iter().any(|c| c.id == s.id))
        {
            self.showing = queue.next().map(|id| Showing {
                id: id.to_owned(),
                revealed: false,
                intervals: progress
                    .scheduler()
                    .preview(id, &progress.schedule(id), now)
                    .ok(),
            });
        }
        self.keys_ui(ui, shared, now);

        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.set_max_width(theme::READING_WIDTH);
                    today_ui(ui, &queue, today.answers);
                    if let Some(notice) = &self.notice {
                        ui.label(
                            RichText::new(notice)
                                .small()
                                .color(ui.visuals().weak_text_color()),
                        );
                    }
                    ui.add_space(theme::SPACE_M);
                    let card = self
                        .showing
                        .as_ref()
                        .and_then(|s| self.cards.iter().find(|c| c.id == s.id))
                        .cloned();
                    match card {
                        Some(card) => self.card_ui(ui, shared, &card, now),
                        None => self.finished_ui(ui, shared, &queue, today.answers, now),
                    }
                });
            });
        if self.showing.is_some() {
            // Learning cards fall due by the minute; keep the counts fresh.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(30));
        }
    }

    /// Space or Enter shows the answer (then means Good, as in Anki), 1-4 answer, Ctrl+Z
    /// undoes, B buries and S suspends. Ignored while a text field has the keyboard.
    fn keys_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, now: DateTime<Utc>) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Z)) {
            self.undo(shared);
            return;
        }
        let Some(revealed) = self.showing.as_ref().map(|s| s.revealed) else {
            return;
        };
        let pressed =
            |ui: &mut egui::Ui, key| ui.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        if pressed(ui, Key::Space) || pressed(ui, Key::Enter) {
            if revealed {
                self.answer(shared, Rating::Good, now);
            } else if let Some(s) = &mut self.showing {
                s.revealed = true;
            }
            return;
        }
        if revealed {
            let keys = [Key::Num1, Key::Num2, Key::Num3, Key::Num4];
            if let Some(rating) = keys
                .iter()
                .zip(Rating::ALL)
                .find(|(k, _)| pressed(ui, **k))
                .map(|(_, r)| r)
            {
                self.answer(shared, rating, now);
                return;
            }
        }
        if pressed(ui, Key::B) {
            self.bury(shared, now);
        } else if pressed(ui, Key::S) {
            self.suspend(shared);
        }
    }

    fn card_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared, card: &Card, now: DateTime<Utc>) {
        let Some(showing) = self.showing.clone() else {
            return;
        };
        egui::Frame::group(ui.style())
            .corner_radius(theme::RADIUS)
            .inner_margin(theme::SPACE_L)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                    kind_line_ui(ui, shared, card);
                    ui.add_space(theme::SPACE_S);
                    // The question a little larger than lesson text: it is read at a glance.
                    ui.scope(|ui| {
                        ui.style_mut().text_styles.insert(
                            egui::TextStyle::Body,
                            egui::FontId::proportional(CARD_TEXT_SIZE),
                        );
                        CommonMarkViewer::new().show(ui, &mut self.markdown, &card.question);
                    });
                    if showing.revealed {
                        ui.add_space(theme::SPACE_S);
                        ui.separator();
                        ui.add_space(theme::SPACE_S);
                        CommonMarkViewer::new().show(ui, &mut self.markdown, &card.answer);
                        let index = self
                            .show_me
                            .get_or_insert_with(|| show_me::load(&shared.content, &shared.library));
                        show_me_ui(ui, shared, card, index);
                    }
                });
            });
        ui.add_space(theme::SPACE_M);
        if showing.revealed {
            if let Some(rating) = answer_buttons_ui(ui, showing.intervals) {
                self.answer(shared, rating, now);
            }
        } else {
            let show = egui::Button::new(RichText::new("Show answer (Space)").size(17.0))
                .min_size(egui::vec2(220.0, 40.0));
            if ui.add(show).on_hover_text("Space or Enter").clicked() {
                if let Some(s) = &mut self.showing {
                    s.revealed = true;
                }
            }
        }
        ui.add_space(theme::SPACE_M);
        ui.horizontal(|ui| {
            let can_undo = shared.store.progress.cards.can_undo();
            if ui
                .add_enabled(can_undo, egui::Button::new("↶ Undo"))
                .on_hover_text("Take back the last answer (Ctrl+Z)")
                .clicked()
            {
                self.undo(shared);
            }
            if ui
                .button("Bury")
                .on_hover_text("Hide this card until tomorrow (B)")
                .clicked()
            {
                self.bury(shared, now);
            }
            if ui
                .button("Suspend")
                .on_hover_text("Stop showing this card until you unsuspend it in Cards (S)")
                .clicked()
            {
                self.suspend(shared);
            }
            if ui
                .button("Edit")
                .on_hover_text("Change this card's text here; its scheduling stays")
                .clicked()
            {
                self.editor = Some(editor::Editor::for_card(
                    &shared.deck,
                    &shared.store.progress.cards,
                    &card.source_id,
                ));
            }
        });
        if self.editor.is_some() {
            ui.add_space(theme::SPACE_M);
            if editor::editor_panel_ui(ui, shared, &mut self.editor) {
                // The card's text changed: rebuild, and show it again from the question.
                self.built = false;
                if let Some(s) = &mut self.showing {
                    s.revealed = false;
                }
            }
        }
    }

    fn finished_ui(
        &mut self,
        ui: &mut egui::Ui,
        shared: &mut Shared,
        queue: &queue::Queue,
        done_today: usize,
        now: DateTime<Utc>,
    ) {
        ui.add_space(theme::SPACE_XL);
        let progress = &shared.store.progress.cards;
        let title = if done_today > 0 {
            "That's all for now — well done."
        } else {
            "Nothing to review right now."
        };
        ui.label(RichText::new(title).size(22.0).strong());
        ui.add_space(theme::SPACE_S);
        if done_today > 0 {
            ui.label(format!(
                "You answered {done_today} card{} today. Each one is now scheduled just before you would be likely to forget it.",
                plural(done_today)
            ));
        }
        match queue::next_due(progress, &self.pool, now) {
            Some((when, count)) => {
                let local = when.with_timezone(&Local);
                ui.label(format!(
                    "The next card comes back in {} ({}); {count} card{} due that day.",
                    interval_label(when - now),
                    local.format("%a %H:%M"),
                    if count == 1 { " is" } else { "s are" },
                ));
            }
            None if self.pool.is_empty() => {
                ui.label("There are no cards here yet. Add your own in Cards.");
            }
            None if !queue.held_back.is_empty() => {}
            None => {
                ui.label("New cards wait for you; today's limit of new cards is reached. Come back tomorrow, or raise the limit in Statistics → Settings.");
            }
        }
        let waiting = queue.over_limit.len();
        if waiting > 0 {
            let label = format!("Study {waiting} more new card{} today", plural(waiting));
            if ui
                .button(label)
                .on_hover_text("Past today's limit, for this session only; the setting stays")
                .clicked()
            {
                self.past_limit = PastLimit {
                    tag: self.tag.clone(),
                    extra: self.past_limit.for_tag(&self.tag) + waiting,
                };
            }
        }
        if !queue.held_back.is_empty() {
            held_back_ui(ui, shared, &self.pool, &queue.held_back);
        }
        ui.add_space(theme::SPACE_M);
        if self.tag.is_some() && ui.button("Review every section").clicked() {
            self.tag = None;
            self.built = false;
        }
        if ui.button("See statistics").clicked() {
            self.tab = Tab::Statistics;
        }
    }

    fn answer(&mut self, shared: &mut Shared, rating: Rating, now: DateTime<Utc>) {
        let Some(showing) = self.showing.take() else {
            return;
        };
        let progress = &mut shared.store.progress.cards;
        let scheduler = progress.scheduler();
        match progress.answer(&scheduler, &showing.id, rating, now) {
            Ok(_) => {
                progress.drop_expired_burials(now);
                // Saved before the next card is chosen, so no answer is ever lost.
                shared.save();
                self.notice = self.siblings_notice(&showing.id);
            }
            Err(e) => {
                tracing::error!(card = %showing.id, error = %e, "answer failed");
                self.notice = Some(format!("That answer could not be scheduled: {e}"));
                self.showing = Some(showing);
            }
        }
    }

    /// Tells the learner why the other gaps of a cloze note will not follow.
    fn siblings_notice(&self, answered: &str) -> Option<String> {
        let note = &self.pool.iter().find(|c| c.id == answered)?.source_id;
        let siblings = self
            .pool
            .iter()
            .filter(|c| &c.source_id == note && c.id != answered)
            .count();
        match siblings {
            0 => None,
            1 => Some(
                "The other gap of this card waits until tomorrow, so this answer does not give it away."
                    .to_owned(),
            ),
            n => Some(format!(
                "The {n} other gaps of this card wait until tomorrow, so this answer does not give them away."
            )),
        }
    }

    fn undo(&mut self, shared: &mut Shared) {
        let progress = &mut shared.store.progress.cards;
        let Some(id) = progress.undo() else {
            return;
        };
        shared.save();
        let progress = &shared.store.progress.cards;
        self.showing = Some(Showing {
            intervals: progress
                .scheduler()
                .preview(&id, &progress.schedule(&id), crate::ui::clock::now())
                .ok(),
            id,
            revealed: false,
        });
        self.notice = Some("Last answer taken back.".to_owned());
    }

    fn bury(&mut self, shared: &mut Shared, now: DateTime<Utc>) {
        if let Some(s) = self.showing.take() {
            shared.store.progress.cards.bury(&s.id, now);
            shared.save();
            self.notice = Some("Buried until tomorrow.".to_owned());
        }
    }

    fn suspend(&mut self, shared: &mut Shared) {
        if let Some(s) = self.showing.take() {
            shared.store.progress.cards.set_suspended(&s.id, true);
            shared.save();
            self.notice = Some("Suspended; unsuspend it in Cards.".to_owned());
        }
    }
}

/// "Today: 12 done · 3 learning · 20 to review · 10 new", with a bar.
fn today_ui(ui: &mut egui::Ui, queue: &queue::Queue, done: usize) {
    let remaining = queue.remaining();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Today: {done} done")).strong());
        ui.label("·");
        let learning = queue.learning.len() + queue.ahead.len();
        ui.label(RichText::new(format!("{learning} learning")).color(Semantic::Waiting.in_ui(ui)));
        ui.label("·");
        ui.label(
            RichText::new(format!("{} to review", queue.review.len()))
                .color(Semantic::Slow.in_ui(ui)),
        );
        ui.label("·");
        ui.label(
            RichText::new(format!("{} new", queue.new.len())).color(Semantic::Healthy.in_ui(ui)),
        );
        if queue.new.is_empty() && !queue.held_back.is_empty() {
            ui.label(
                RichText::new("(new cards wait for you to read their section)")
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
        }
    });
    let total = done + remaining;
    ui.add(
        egui::ProgressBar::new(if total == 0 {
            1.0
        } else {
            done as f32 / total as f32
        })
        .desired_height(6.0)
        .fill(Semantic::Accent.in_ui(ui)),
    );
}

/// Why no new card comes: they belong to sections not read yet. Offers the first such
/// section in lesson order, and says where the rule can be turned off.
fn held_back_ui(ui: &mut egui::Ui, shared: &mut Shared, pool: &[Card], held_back: &[String]) {
    let waiting: Vec<&Card> = pool.iter().filter(|c| held_back.contains(&c.id)).collect();
    let n = waiting.len();
    ui.add_space(theme::SPACE_S);
    ui.label(format!(
        "{n} new card{} wait{} for you to read {} section: new cards come only from sections you have read, so no card asks about something not yet taught.",
        plural(n),
        if n == 1 { "s" } else { "" },
        if n == 1 { "its" } else { "their" },
    ));
    let lessons = &shared.store.progress.lessons;
    let first_unread = shared.library.packs.iter().find_map(|pack| {
        pack.sections
            .iter()
            .find(|section| {
                !lessons.is_read(&pack.id, &section.id)
                    && waiting
                        .iter()
                        .any(|c| crate::progress::mastery::card_in_section(c, pack, section))
            })
            .map(|section| SectionRef {
                pack: pack.id.clone(),
                section: section.id.clone(),
            })
    });
    if let Some(at) = first_unread {
        let title = shared
            .section_title(&at)
            .unwrap_or_else(|| at.section.clone());
        if ui.button(format!("📖 Read {title}")).clicked() {
            shared.nav = Some(Nav::Section(at, None));
        }
    }
    ui.label(
        RichText::new("To learn them anyway, turn off \"New cards only from sections I have read\" in Statistics → Settings.")
            .small()
            .color(ui.visuals().weak_text_color()),
    );
}

/// The card's kind and tags; for a predict card, the scenario, with a way into its
/// simulation when one exists.
fn kind_line_ui(ui: &mut egui::Ui, shared: &mut Shared, card: &Card) {
    ui.horizontal_wrapped(|ui| {
        let weak = ui.visuals().weak_text_color();
        let kind = match &card.kind {
            CardKind::Basic => "Question".to_owned(),
            CardKind::Cloze => "Fill the gap".to_owned(),
            CardKind::Predict { .. } => "Predict: what happens next?".to_owned(),
        };
        ui.label(
            RichText::new(kind)
                .small()
                .strong()
                .color(Semantic::Accent.in_ui(ui)),
        );
        for tag in &card.tags {
            ui.label(RichText::new(shared.tag_title(tag)).small().color(weak));
        }
        if card.pack.is_none() {
            ui.label(RichText::new("your card").small().color(weak));
        }
        if let CardKind::Predict { scenario } = &card.kind {
            ui.label(
                RichText::new(format!("scenario {scenario}"))
                    .small()
                    .color(weak),
            );
            if let Some(sim) = SIMULATION_IDS.iter().find(|s| scenario.starts_with(*s)) {
                if ui.small_button("Open the simulation").clicked() {
                    shared.nav = Some(Nav::Simulation((*sim).to_owned()));
                }
            }
        }
    });
}

/// After a predict card's answer: "Show me" opens its scenario in the simulation, at the
/// moment the card asks about, paused.
fn show_me_ui(ui: &mut egui::Ui, shared: &mut Shared, card: &Card, index: &ShowMeIndex) {
    let CardKind::Predict { scenario } = &card.kind else {
        return;
    };
    let Some(entry) = index.get(scenario) else {
        return;
    };
    let moment = match entry.sim.as_str() {
        "checkout-outage" => format!("t = {:.0}\u{a0}min", entry.at),
        "retries" | "race" => format!("step {:.0}", entry.at),
        _ => format!("t = {:.0}\u{a0}s", entry.at),
    };
    ui.add_space(theme::SPACE_S);
    let label = format!("▶ Show me: {}, {moment}", crate::sim::title(&entry.sim));
    if ui
        .button(label)
        .on_hover_text("Opens the simulation at this moment of the same situation, paused")
        .clicked()
    {
        shared.nav = Some(Nav::SimulationAt {
            id: entry.sim.clone(),
            preset: entry.preset.clone(),
            at: entry.at,
        });
    }
}

/// The four answers, each with the wait it gives; returns the one clicked.
fn answer_buttons_ui(ui: &mut egui::Ui, intervals: Option<[Duration; 4]>) -> Option<Rating> {
    let mut chosen = None;
    let width = (ui.available_width() - 3.0 * theme::SPACE_S) / 4.0;
    ui.horizontal(|ui| {
        for (i, rating) in Rating::ALL.into_iter().enumerate() {
            let colour = rating_semantic(rating).in_ui(ui);
            let wait = intervals.map_or_else(String::new, |iv| interval_label(iv[i]));
            let text = RichText::new(format!("{wait}\n{}  {}", rating.number(), rating.label()))
                .color(colour)
                .size(16.0);
            let button = egui::Button::new(text)
                .min_size(egui::vec2(width.clamp(80.0, 170.0), 52.0))
                .stroke(egui::Stroke::new(1.0, colour));
            let response =
                ui.add(button)
                    .on_hover_text(format!("{} ({})", rating.label(), rating.number()));
            let name = format!("{}, {wait}", rating.label());
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            if response.clicked() {
                chosen = Some(rating);
            }
        }
    });
    chosen
}

/// One colour per answer, used on the buttons and in the statistics.
fn rating_semantic(rating: Rating) -> Semantic {
    match rating {
        Rating::Again => Semantic::Failing,
        Rating::Hard => Semantic::Waiting,
        Rating::Good => Semantic::Healthy,
        Rating::Easy => Semantic::Slow,
    }
}

/// A wait as Anki writes it on its buttons: whole minutes, hours and days, months and
/// years to one decimal ("10 min", "6 min", "3 h", "8 d", "2.1 mo", "1.4 y"); under a
/// minute "< 1 min".
pub fn interval_label(d: Duration) -> String {
    let minutes = d.num_seconds() as f64 / 60.0;
    let days = minutes / (24.0 * 60.0);
    let one_decimal = |v: f64, unit: &str| {
        let v = (v * 10.0).round() / 10.0;
        if v.fract() == 0.0 {
            format!("{v:.0} {unit}")
        } else {
            format!("{v:.1} {unit}")
        }
    };
    if minutes < 1.0 {
        "< 1 min".to_owned()
    } else if minutes < 60.0 {
        format!("{:.0} min", minutes.round())
    } else if minutes < 24.0 * 60.0 {
        format!("{:.0} h", (minutes / 60.0).round())
    } else if days < 30.0 {
        format!("{:.0} d", days.round())
    } else if days < 365.0 {
        one_decimal(days / 30.0, "mo")
    } else {
        one_decimal(days / 365.0, "y")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_like_anki() {
        assert_eq!(interval_label(Duration::minutes(1)), "1 min");
        assert_eq!(interval_label(Duration::seconds(330)), "6 min");
        assert_eq!(interval_label(Duration::seconds(20)), "< 1 min");
        assert_eq!(interval_label(Duration::minutes(150)), "3 h");
        assert_eq!(interval_label(Duration::hours(36)), "2 d");
        assert_eq!(interval_label(Duration::days(8)), "8 d");
        assert_eq!(interval_label(Duration::days(60)), "2 mo");
        assert_eq!(interval_label(Duration::days(64)), "2.1 mo");
        assert_eq!(interval_label(Duration::days(3650)), "10 y");
    }
}
