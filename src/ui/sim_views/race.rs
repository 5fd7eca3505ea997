//! The last ticket: buyers racing over one row, drawn as lanes on a step axis.
//!
//! The learner moves one buyer at a time (click a ghost box or a move button), lets the
//! seeded dice pick (Step / Play), or picks any interleaving from the checker's list. The
//! exhaustive table below counts, per strategy, how many interleavings end wrong.

use egui::{Align2, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, vec2};

use crate::sim::catalog::{self, SimInfo};
use crate::sim::engine::SimRng;
use crate::sim::presets;
use crate::sim::race::checker::Checker;
use crate::sim::race::{
    BuyerResult, MAX_BUYERS, MAX_STOCK, MIN_BUYERS, Note, Race, RaceConfig, Strategy,
};
use crate::ui::sim_page::{ClockUnit, Settings, SimBody, changed_note};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::choice::choice_ui;
use crate::ui::widgets::sim_plot::TimeAxis;

/// Interleavings listed per page.
const PAGE: u64 = 8;
/// Timeline geometry, in points.
const COL_W: f32 = 124.0;
const LANE_H: f32 = 50.0;
const BAND_H: f32 = 42.0;
const NAME_W: f32 = 48.0;
const AXIS_H: f32 = 20.0;

#[derive(Debug)]
pub struct RaceView {
    settings: Settings<RaceConfig>,
    race: Race,
    seed: u64,
    rng: SimRng,
    /// A schedule picked from the list, with its index.
    script: Option<(u64, Vec<usize>)>,
    /// The moves of the furthest run since the last reset (the picked schedule, or the
    /// moves made so far), for `recorded_for`: the timeline seeks along it, and Step
    /// and Play follow it before the seeded dice take over.
    recorded: Vec<usize>,
    recorded_for: RaceConfig,
    /// One checker per strategy for the current buyers, stock and limits.
    table: Vec<Checker>,
    table_key: Option<RaceConfig>,
    list_start: u64,
    only_wrong: bool,
}

const INFO: &SimInfo = &catalog::SIMULATIONS[2];

impl Default for RaceView {
    fn default() -> Self {
        let settings = Settings::new(INFO, |name| presets::race(name).unwrap_or_default());
        Self {
            race: Race::new(settings.current.clone()).unwrap_or_default(),
            recorded_for: settings.current.clone(),
            settings,
            seed: 1,
            rng: SimRng::new(1),
            script: None,
            recorded: Vec::new(),
            table: Vec::new(),
            table_key: None,
            list_start: 0,
            only_wrong: false,
        }
    }
}

/// Moves are counted on the page's clock as 1000 virtual ms each.
const MOVE_MS: f64 = 1000.0;
/// More moves than any strategy needs: bounds the look-ahead for the run's end.
const MAX_MOVES: usize = 1000;

impl SimBody for RaceView {
    const INFO: &'static SimInfo = INFO;
    const UNIT: ClockUnit = ClockUnit::Steps;
    const STEP_MS: f64 = MOVE_MS;

    fn now_ms(&self) -> f64 {
        self.race.trace().len() as f64 * MOVE_MS
    }

    /// Where the run ends if Step and Play continue it: the recorded moves, then the
    /// seeded dice (a copy of them, so looking ahead changes nothing).
    fn end_ms(&self) -> f64 {
        let mut race = self.race.clone();
        let mut rng = self.rng.clone();
        while !race.is_finished() && race.trace().len() < MAX_MOVES {
            match self.recorded.get(race.trace().len()) {
                Some(&actor) => {
                    if race.step(actor).is_err() {
                        break;
                    }
                }
                None => {
                    race.step_random(&mut rng);
                }
            }
        }
        (race.trace().len() as f64 * MOVE_MS).max(MOVE_MS)
    }

    fn finished(&self) -> bool {
        self.race.is_finished()
    }

    fn advance_to(&mut self, ms: f64) {
        while self.now_ms() + MOVE_MS <= ms + 1e-9 && !self.race.is_finished() {
            self.auto_move();
        }
    }

    fn rebuild(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = SimRng::new(seed);
        self.race = Race::new(self.settings.current.clone()).unwrap_or_default();
        self.recorded = self
            .script
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        self.recorded_for = self.settings.current.clone();
    }

    /// Replays the first moves of the recorded run; new settings start a fresh run.
    fn seek(&mut self, seed: u64, ms: f64) {
        if self.settings.current != self.recorded_for || seed != self.seed {
            self.script = None;
            self.rebuild(seed);
            return;
        }
        let n = ((ms / MOVE_MS).floor() as usize).min(self.recorded.len());
        self.rng = SimRng::new(seed);
        self.race = Race::replay(self.settings.current.clone(), &self.recorded[..n])
            .or_else(|_| Race::new(self.settings.current.clone()))
            .unwrap_or_default();
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
        self.script = None;
        self.list_start = 0;
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, _axis: &TimeAxis) -> bool {
        let before = self.settings.current.clone();
        self.config_ui(ui);
        ui.add_space(theme::SPACE_XS);
        self.moves_ui(ui);
        ui.add_space(theme::SPACE_S);
        self.timeline_ui(ui);
        self.outcome_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.refresh_table();
        self.table_ui(ui);
        ui.add_space(theme::SPACE_M);
        self.list_ui(ui);
        self.settings.current != before
    }
}

impl RaceView {
    fn config_ui(&mut self, ui: &mut egui::Ui) {
        let mut config = self.settings.current.clone();
        ui.horizontal_wrapped(|ui| {
            choice_ui(
                ui,
                "Strategy",
                "race-strategy",
                Some(250.0),
                &mut config.strategy,
                Strategy::ALL,
                Strategy::label,
            );
            let label = ui.label("Buyers");
            ui.add(egui::DragValue::new(&mut config.buyers).range(MIN_BUYERS..=MAX_BUYERS))
                .labelled_by(label.id)
                .on_hover_text("How many buyers race for the stock");
            let label = ui.label("Stock");
            ui.add(egui::DragValue::new(&mut config.stock).range(1..=MAX_STOCK))
                .labelled_by(label.id)
                .on_hover_text("Tickets on sale at the start");
            match config.strategy {
                Strategy::Reservation => {
                    let label = ui.label("Hold");
                    ui.add(
                        egui::DragValue::new(&mut config.reservation_ttl)
                            .range(1..=20)
                            .suffix(" steps"),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("How many steps (of anyone) a reservation stays valid");
                }
                Strategy::OptimisticRetry => {
                    let label = ui.label("Retries");
                    ui.add(egui::DragValue::new(&mut config.max_retries).range(0..=5))
                        .labelled_by(label.id)
                        .on_hover_text("How often a buyer may re-read after a conflict");
                }
                _ => {}
            }
        });
        if changed_note(ui, config != *self.settings.preset()) {
            config = self.settings.preset().clone();
        }
        if config != self.settings.current && Race::new(config.clone()).is_ok() {
            self.settings.current = config;
            self.list_start = 0;
        }
    }

    /// The next move of the recorded run, or a seeded random one (then recorded).
    fn auto_move(&mut self) {
        let done = self.race.trace().len();
        match self.recorded.get(done).copied() {
            Some(actor) => {
                // A recorded schedule is valid from the start by construction.
                let _ = self.race.step(actor);
            }
            None => {
                if let Some(step) = self.race.step_random(&mut self.rng) {
                    self.recorded.truncate(done);
                    self.recorded.push(step.actor);
                }
            }
        }
    }

    /// A move chosen by the learner; it leaves a picked schedule if it differs from it.
    fn manual_move(&mut self, actor: usize) {
        let done = self.race.trace().len();
        if self.recorded.get(done) != Some(&actor) {
            self.script = None;
            self.recorded.truncate(done);
            if self.race.step(actor).is_ok() {
                self.recorded.push(actor);
            }
        } else {
            let _ = self.race.step(actor);
        }
    }

    /// Whether the run has ended wrong (oversold, tickets lost or stuck).
    fn ended_wrong(&self) -> bool {
        self.race.outcome().is_some_and(|o| o.wrong())
    }

    fn undo(&mut self) {
        let mut schedule = self.race.schedule();
        schedule.pop();
        if let Ok(race) = Race::replay(self.settings.current.clone(), &schedule) {
            self.race = race;
        }
    }

    /// A button per buyer who can move now (the move it makes); a buyer who waits or is
    /// done gets a status in words and colour instead, never a disabled button.
    fn moves_ui(&mut self, ui: &mut egui::Ui) {
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            ui.label("Move:");
            let typing = ui.ctx().egui_wants_keyboard_input();
            for actor in 0..self.settings.current.actor_count() {
                let name = self.settings.current.actor_name(actor);
                let status = match (self.race.next_step(actor), self.race.is_enabled(actor)) {
                    (Some(step), true) => {
                        let key = actor_key(actor);
                        let button = ui
                            .button(format!("{name}: {}", step.label()))
                            .on_hover_text(format!("Move {name} one step ({})", key.name()));
                        if button.clicked() || (!typing && ui.input(|i| i.key_pressed(key))) {
                            chosen = Some(actor);
                        }
                        continue;
                    }
                    (Some(_), false) => (Semantic::Waiting, "waits for the lock".to_owned()),
                    (None, _) => match self.race.result(actor) {
                        Some(result) => result_status(result, self.ended_wrong()),
                        None => (Semantic::Neutral, "done".to_owned()),
                    },
                };
                status_ui(ui, &name, status);
            }
            if ui
                .add_enabled(!self.race.trace().is_empty(), egui::Button::new("↶ Undo"))
                .on_hover_text("Take back the last move")
                .clicked()
            {
                self.undo();
            }
        });
        if let Some(actor) = chosen {
            self.manual_move(actor);
        }
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        let lanes = Lanes::new(&self.settings.current);
        let trace = self.race.trace();
        // Fill the width, but never more: the start stays visible until the run outgrows it.
        let fit = ((ui.available_width() - NAME_W - 24.0) / COL_W)
            .floor()
            .max(1.0) as usize;
        let columns = (trace.len() + 2).max(fit);
        let height = lanes.height();
        let dark = ui.visuals().dark_mode;
        let weak = ui.visuals().weak_text_color();
        let text = ui.visuals().text_color();
        let lane_bg = ui.visuals().faint_bg_color;
        let label_font = FontId::proportional(13.5);
        let note_font = FontId::proportional(12.5);
        let mut clicked = None;
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            // The lane names stay put while the steps scroll.
            let (names, _) = ui.allocate_exact_size(vec2(NAME_W, height), Sense::hover());
            for (name, y, h) in lanes.rows(&self.settings.current) {
                let band = Rect::from_min_size(names.min + vec2(0.0, y), vec2(NAME_W, h));
                ui.painter()
                    .rect_filled(band.shrink2(vec2(0.0, 1.0)), 0, lane_bg);
                ui.painter().text(
                    band.left_center() + vec2(8.0, 0.0),
                    Align2::LEFT_CENTER,
                    name,
                    FontId::proportional(15.0),
                    text,
                );
            }
            // Wider than the page once the run outgrows it: the steps scroll sideways
            // under a visible bar, newest in view, while the lane names stay put. The
            // view is a whole number of columns wide, so when it follows the newest step
            // its left edge falls between two columns and no step shows half cut off.
            egui::ScrollArea::horizontal()
                .id_salt("race-timeline")
                .max_width(fit as f32 * COL_W)
                .stick_to_right(true)
                .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
                .show(ui, |ui| {
                    let size = vec2(columns as f32 * COL_W, height);
                    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
                    let painter = ui.painter_at(rect);
                    for (_, y, h) in lanes.rows(&self.settings.current) {
                        let band = Rect::from_min_size(rect.min + vec2(0.0, y), vec2(size.x, h));
                        painter.rect_filled(band.shrink2(vec2(0.0, 1.0)), 0, lane_bg);
                    }
                    let col_x = |c: usize| rect.left() + c as f32 * COL_W;
                    // The time axis: one column per step.
                    for c in 0..columns {
                        let label = if c == 0 {
                            "start".to_owned()
                        } else {
                            format!("step {c}")
                        };
                        painter.text(
                            Pos2::new(col_x(c) + COL_W / 2.0, rect.top() + AXIS_H / 2.0),
                            Align2::CENTER_CENTER,
                            label,
                            note_font.clone(),
                            weak,
                        );
                    }
                    // The row between the lanes: the start, then its value after every step.
                    let band_y = rect.top() + lanes.band_y;
                    let initial = RowView::initial(&self.settings.current);
                    let rows =
                        std::iter::once(initial).chain(trace.iter().map(|r| RowView::from(&r.row)));
                    for (c, row) in rows.enumerate() {
                        let colour = if row.stock < 0 {
                            Semantic::Failing.color(dark)
                        } else {
                            text
                        };
                        let centre = Pos2::new(col_x(c) + COL_W / 2.0, band_y + BAND_H / 2.0);
                        if row.stock < 0 || row.orders > self.settings.current.stock {
                            // From the oversell on, the row itself is wrong: tint it.
                            let cell = Rect::from_center_size(centre, vec2(COL_W, BAND_H - 2.0));
                            painter.rect_filled(cell, 0, Semantic::Failing.fill(dark));
                        }
                        painter.text(
                            centre - vec2(0.0, 8.0),
                            Align2::CENTER_CENTER,
                            format!("stock {} · v{}", row.stock, row.version),
                            label_font.clone(),
                            colour,
                        );
                        let mut extra = format!("orders {}", row.orders);
                        if row.held > 0 {
                            extra.push_str(&format!(" · held {}", row.held));
                        }
                        let colour = if row.orders > self.settings.current.stock {
                            Semantic::Failing.color(dark)
                        } else {
                            weak
                        };
                        painter.text(
                            centre + vec2(0.0, 9.0),
                            Align2::CENTER_CENTER,
                            extra,
                            note_font.clone(),
                            colour,
                        );
                    }
                    // Executed steps; the oversell is marked where it happens.
                    let last = trace.len();
                    for record in trace {
                        let c = record.index + 1;
                        let cell = lanes.cell(record.actor, col_x(c), rect.top());
                        let meaning = if record.oversell {
                            Semantic::Failing
                        } else {
                            note_meaning(record.note)
                        };
                        let (width, edge) = if record.oversell {
                            (2.0, meaning.color(dark))
                        } else if c == last {
                            (2.0, Semantic::Accent.color(dark))
                        } else {
                            (1.0, meaning.color(dark))
                        };
                        painter.rect(
                            cell,
                            theme::RADIUS,
                            meaning.fill(dark),
                            Stroke::new(width, edge),
                            StrokeKind::Inside,
                        );
                        let (note, note_colour) = if record.oversell {
                            ("⚠ OVERSOLD".to_owned(), Semantic::Failing.color(dark))
                        } else {
                            (record.note.describe(), weak)
                        };
                        two_lines(
                            &painter,
                            cell,
                            record.step.label(),
                            text,
                            &note,
                            note_colour,
                        );
                    }
                    // The next column: who can move (click to move) and who has finished.
                    let c = last + 1;
                    for actor in 0..self.settings.current.actor_count() {
                        let cell = lanes.cell(actor, col_x(c), rect.top());
                        match (self.race.next_step(actor), self.race.is_enabled(actor)) {
                            (Some(step), true) => {
                                let id = ui.make_persistent_id(("race-ghost", actor));
                                let response = ui.interact(cell, id, Sense::click());
                                let accent = Semantic::Accent.color(dark);
                                let fill = if response.hovered() {
                                    Semantic::Accent.fill(dark)
                                } else {
                                    egui::Color32::TRANSPARENT
                                };
                                painter.rect(
                                    cell,
                                    theme::RADIUS,
                                    fill,
                                    Stroke::new(1.0, accent),
                                    StrokeKind::Inside,
                                );
                                two_lines(
                                    &painter,
                                    cell,
                                    step.label(),
                                    accent,
                                    "click to move",
                                    weak,
                                );
                                let name = self.settings.current.actor_name(actor);
                                if response
                                    .on_hover_text(format!("Move {name} next"))
                                    .clicked()
                                {
                                    clicked = Some(actor);
                                }
                            }
                            (Some(_), false) => {
                                let waiting = Semantic::Waiting.color(dark);
                                painter.rect_stroke(
                                    cell,
                                    theme::RADIUS,
                                    Stroke::new(1.0, waiting),
                                    StrokeKind::Inside,
                                );
                                painter.text(
                                    cell.center(),
                                    Align2::CENTER_CENTER,
                                    "waits for lock",
                                    note_font.clone(),
                                    waiting,
                                );
                            }
                            (None, _) => {
                                if let Some(result) = self.race.result(actor) {
                                    let (meaning, label) =
                                        result_status(result, self.ended_wrong());
                                    painter.text(
                                        cell.left_center() + vec2(6.0, 0.0),
                                        Align2::LEFT_CENTER,
                                        label,
                                        label_font.clone(),
                                        meaning.color(dark),
                                    );
                                }
                            }
                        }
                    }
                });
        });
        if let Some(actor) = clicked {
            self.manual_move(actor);
        }
    }

    fn outcome_ui(&mut self, ui: &mut egui::Ui) {
        let step = self.race.trace().len();
        match self.race.outcome() {
            Some(out) => {
                let meaning = if out.wrong() {
                    Semantic::Failing
                } else {
                    Semantic::Healthy
                };
                ui.label(
                    egui::RichText::new(format!(
                        "Finished after {step} steps: {}",
                        out.summary(self.settings.current.stock)
                    ))
                    .strong()
                    .color(meaning.in_ui(ui)),
                );
            }
            None => {
                let how = match &self.script {
                    Some((k, s)) => format!(
                        "following interleaving #{} ({} of {} moves made); Step or Play continues it",
                        k + 1,
                        step,
                        s.len()
                    ),
                    None => format!(
                        "click a blue box (or press 1-{}) to choose who moves; Step or Play lets seed {} choose",
                        self.settings.current.actor_count(),
                        self.seed
                    ),
                };
                ui.label(format!("Step {step}: {how}."));
            }
        }
        if self.script.is_some() && ui.small_button("Forget the picked interleaving").clicked() {
            self.script = None;
            let done = self.race.trace().len();
            self.recorded.truncate(done);
        }
    }

    /// Recomputes the exhaustive counts when buyers, stock or limits change.
    fn refresh_table(&mut self) {
        let key = RaceConfig {
            strategy: Strategy::Naive,
            ..self.settings.current.clone()
        };
        if self.table_key.as_ref() == Some(&key) {
            return;
        }
        self.table = Strategy::ALL
            .iter()
            .filter_map(|&s| {
                Checker::run(RaceConfig {
                    strategy: s,
                    ..key.clone()
                })
                .ok()
            })
            .collect();
        self.table_key = Some(key);
    }

    fn current_checker(&self) -> Option<&Checker> {
        self.table
            .iter()
            .find(|c| c.config().strategy == self.settings.current.strategy)
    }

    fn table_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(
            egui::RichText::new("Exhaustive check: every interleaving, per strategy").strong(),
        );
        ui.label(
            egui::RichText::new(format!(
                "{} buyers, {} ticket(s). Wrong = oversold (more orders than stock, or stock below 0), tickets lost, or stuck. Click a strategy to watch it.",
                self.settings.current.buyers, self.settings.current.stock
            ))
            .small()
            .color(ui.visuals().weak_text_color()),
        );
        let mut pick = None;
        egui::Grid::new("race-table")
            .striped(true)
            .num_columns(4)
            .spacing(vec2(theme::SPACE_L, theme::SPACE_XS))
            .show(ui, |ui| {
                ui.label(egui::RichText::new("Strategy").strong());
                ui.label(egui::RichText::new("Interleavings").strong());
                ui.label(egui::RichText::new("Wrong").strong());
                ui.label(egui::RichText::new("Turned away").strong())
                    .on_hover_text(
                        "Correct, but some buyer left empty-handed while a ticket stayed unsold",
                    );
                ui.end_row();
                for checker in &self.table {
                    let t = checker.tally();
                    let strategy = checker.config().strategy;
                    if ui
                        .selectable_label(
                            strategy == self.settings.current.strategy,
                            strategy.label(),
                        )
                        .clicked()
                    {
                        pick = Some(strategy);
                    }
                    ui.label(thousands(t.total));
                    let meaning = if t.wrong > 0 {
                        Semantic::Failing
                    } else {
                        Semantic::Healthy
                    };
                    let pct = 100.0 * t.wrong as f64 / t.total.max(1) as f64;
                    ui.label(
                        egui::RichText::new(format!("{} ({pct:.0} %)", thousands(t.wrong)))
                            .color(meaning.in_ui(ui)),
                    );
                    ui.label(thousands(t.turned_away));
                    ui.end_row();
                }
            });
        if let Some(checker) = self.current_checker() {
            ui.label(egui::RichText::new(checker.summary()).italics());
        }
        if let Some(strategy) = pick {
            self.settings.current.strategy = strategy;
            self.list_start = 0;
        }
    }

    fn list_ui(&mut self, ui: &mut egui::Ui) {
        let Some(t) = self.current_checker().map(Checker::tally) else {
            return;
        };
        let count = if self.only_wrong { t.wrong } else { t.total };
        let mut start = self.list_start.min(count.saturating_sub(1));
        let mut only_wrong = self.only_wrong;
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("Every interleaving ({})", thousands(count))).strong(),
            );
            ui.checkbox(&mut only_wrong, "only the wrong ones");
            if ui
                .add_enabled(start > 0, egui::Button::new("◀"))
                .on_hover_text("Previous page")
                .clicked()
            {
                start = start.saturating_sub(PAGE);
            }
            ui.label("from #");
            let mut shown = start + 1;
            ui.add(egui::DragValue::new(&mut shown).range(1..=count.max(1)))
                .on_hover_text("Jump to an interleaving by number");
            start = shown - 1;
            if ui
                .add_enabled(start + PAGE < count, egui::Button::new("▶"))
                .on_hover_text("Next page")
                .clicked()
            {
                start += PAGE;
            }
        });
        if only_wrong != self.only_wrong {
            self.only_wrong = only_wrong;
            start = 0;
        }
        self.list_start = start;
        if count == 0 {
            ui.label(
                egui::RichText::new("None: this strategy never ends wrong here.")
                    .color(Semantic::Healthy.in_ui(ui)),
            );
            return;
        }
        let Some(checker) = self.current_checker() else {
            return;
        };
        let mut picked = None;
        let dark = ui.visuals().dark_mode;
        for k in start..(start + PAGE).min(count) {
            let schedule = if self.only_wrong {
                checker.wrong_schedule(k)
            } else {
                checker.schedule(k)
            };
            let Some(schedule) = schedule else { continue };
            let Ok(race) = Race::replay(self.settings.current.clone(), &schedule) else {
                continue;
            };
            let Some(out) = race.outcome() else { continue };
            let names: Vec<String> = schedule
                .iter()
                .map(|&a| self.settings.current.actor_name(a))
                .collect();
            let verdict = if out.wrong() {
                "✗ wrong"
            } else {
                "✓ right"
            };
            let meaning = if out.wrong() {
                Semantic::Failing
            } else {
                Semantic::Healthy
            };
            ui.horizontal(|ui| {
                let selected = self.script.as_ref().is_some_and(|(_, s)| *s == schedule);
                let row = ui
                    .selectable_label(
                        selected,
                        egui::RichText::new(format!("#{:<6} {}", k + 1, names.join(" ")))
                            .monospace(),
                    )
                    .on_hover_text(
                        "Load this interleaving; drag the timeline back, or Reset and Step, to walk through it",
                    );
                ui.label(egui::RichText::new(verdict).color(meaning.color(dark)));
                ui.label(
                    egui::RichText::new(format!(
                        "{} order(s), stock {}",
                        out.orders, out.final_stock
                    ))
                    .small()
                    .color(ui.visuals().weak_text_color()),
                );
                if row.clicked() {
                    picked = Some((k, schedule.clone()));
                }
            });
        }
        if let Some((k, schedule)) = picked
            && let Ok(race) = Race::replay(self.settings.current.clone(), &schedule)
        {
            self.race = race;
            self.recorded = schedule.clone();
            self.recorded_for = self.settings.current.clone();
            self.script = Some((k, schedule));
        }
    }
}

/// The keys 1-5 move actors A, B, C, D and the clean-up job.
/// A buyer's outcome as a status: its colour and words. A purchase of a ticket that was
/// sold twice is part of the failure, not a success: red like the row.
fn result_status(result: BuyerResult, ended_wrong: bool) -> (Semantic, String) {
    match result {
        BuyerResult::Bought if ended_wrong => {
            (Semantic::Failing, format!("{} (oversold)", result.label()))
        }
        BuyerResult::Bought => (Semantic::Healthy, result.label().to_owned()),
        _ => (Semantic::Rejected, result.label().to_owned()),
    }
}

/// A buyer's status in the move row: a coloured dot and "A bought", plain text that no
/// one mistakes for a button.
fn status_ui(ui: &mut egui::Ui, name: &str, (meaning, text): (Semantic, String)) {
    let colour = meaning.in_ui(ui);
    ui.label(egui::RichText::new(format!("● {name} {text}")).color(colour))
        .on_hover_text(format!("{name} cannot move now"));
}

fn actor_key(actor: usize) -> egui::Key {
    [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
    ][actor.min(MAX_BUYERS)]
}

/// The colour meaning of what a step did.
fn note_meaning(note: Note) -> Semantic {
    match note {
        Note::Wrote | Note::OrderCreated | Note::Confirmed => Semantic::Healthy,
        Note::Released(n) if n > 0 => Semantic::Healthy,
        Note::CheckFailed
        | Note::NoRowUpdated
        | Note::HoldExpired
        | Note::Conflict { retry: false } => Semantic::Rejected,
        Note::Conflict { retry: true } | Note::Locked | Note::Unlocked | Note::Reserved { .. } => {
            Semantic::Waiting
        }
        _ => Semantic::Neutral,
    }
}

/// What the band between the lanes shows for one column.
struct RowView {
    stock: i32,
    version: u32,
    orders: u32,
    held: u32,
}

impl RowView {
    fn initial(config: &RaceConfig) -> Self {
        Self {
            stock: config.stock as i32,
            version: 0,
            orders: 0,
            held: 0,
        }
    }
}

impl From<&crate::sim::race::Row> for RowView {
    fn from(row: &crate::sim::race::Row) -> Self {
        Self {
            stock: row.stock,
            version: row.version,
            orders: row.orders,
            held: row.held(),
        }
    }
}

/// Vertical layout: the first half of the buyers, the row band, the rest, then the job.
struct Lanes {
    /// Top of each actor's lane, by actor index.
    lane_y: Vec<f32>,
    band_y: f32,
    total: f32,
}

impl Lanes {
    fn new(config: &RaceConfig) -> Self {
        let above = config.buyers.div_ceil(2);
        let mut lane_y = Vec::new();
        let mut y = AXIS_H;
        for actor in 0..config.actor_count() {
            if actor == above {
                y += BAND_H;
            }
            lane_y.push(y);
            y += LANE_H;
        }
        Self {
            lane_y,
            band_y: AXIS_H + above as f32 * LANE_H,
            total: y,
        }
    }

    fn height(&self) -> f32 {
        self.total
    }

    /// Lane names with their top offsets and heights, the row band included.
    fn rows(&self, config: &RaceConfig) -> Vec<(String, f32, f32)> {
        let mut rows: Vec<(String, f32, f32)> = self
            .lane_y
            .iter()
            .enumerate()
            .map(|(a, &y)| (config.actor_name(a), y, LANE_H))
            .collect();
        rows.push(("Row".to_owned(), self.band_y, BAND_H));
        rows
    }

    fn cell(&self, actor: usize, x: f32, top: f32) -> Rect {
        let y = self.lane_y.get(actor).copied().unwrap_or(0.0);
        Rect::from_min_size(
            Pos2::new(x + 4.0, top + y + 4.0),
            vec2(COL_W - 8.0, LANE_H - 8.0),
        )
    }
}

/// A step box's two lines: what the step is and what it did.
fn two_lines(
    painter: &egui::Painter,
    cell: Rect,
    top: &str,
    top_colour: egui::Color32,
    bottom: &str,
    bottom_colour: egui::Color32,
) {
    painter.text(
        cell.center() - vec2(0.0, 9.0),
        Align2::CENTER_CENTER,
        top,
        FontId::proportional(13.5),
        top_colour,
    );
    painter.text(
        cell.center() + vec2(0.0, 9.0),
        Align2::CENTER_CENTER,
        bottom,
        FontId::proportional(12.5),
        bottom_colour,
    );
}

/// 36693720 -> "36,693,720".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(36_693_720), "36,693,720");
    }

    #[test]
    fn lanes_put_the_row_between_the_buyers() {
        let lanes = Lanes::new(&RaceConfig::default());
        assert_eq!(lanes.lane_y, [AXIS_H, AXIS_H + LANE_H + BAND_H]);
        assert_eq!(lanes.band_y, AXIS_H + LANE_H);
    }
}
