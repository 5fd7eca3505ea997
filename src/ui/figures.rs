//! Figures drawn by the app inside lesson text (see `content::figures::KNOWN`).
//!
//! Each figure is drawn with egui's painter at the reading width, in the theme's semantic
//! colours, so it stays sharp at any zoom and reads in light and dark mode. Layouts are
//! computed from the available width and from measured label sizes, so labels never
//! overlap the shapes they describe. Every figure carries a caption, which is also its
//! accessible description.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2, pos2, vec2};

use super::theme::{self, Semantic};

/// Draws the figure `name` at the reading width.
pub fn figure_ui(ui: &mut egui::Ui, name: &str) {
    match name {
        "breaker-states" => breaker_states_ui(ui),
        "bulkhead-pools" => bulkhead_pools_ui(ui),
        "race-timeline" => race_timeline_ui(ui),
        "cascade-chain" => cascade_chain_ui(ui),
        "trace-waterfall" => trace_waterfall_ui(ui),
        "backoff-curves" => backoff_curves_ui(ui),
        other => {
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("Unknown figure `{other}`"),
            );
        }
    }
}

/// Label sizes used by every figure.
const LABEL: f32 = 13.0;
const SMALL: f32 = 12.0;
const TITLE: f32 = 15.0;

/// A rectangle of the page to draw one figure in, with the colours of the current theme.
struct Canvas {
    painter: egui::Painter,
    rect: Rect,
    dark: bool,
    ink: Color32,
    weak: Color32,
    strong: Color32,
    background: Color32,
}

impl Canvas {
    /// Reserves `height` points at the reading width and describes the figure for
    /// screen readers.
    fn new(ui: &mut egui::Ui, height: f32, description: &str) -> Self {
        let width = ui.available_width().min(theme::READING_WIDTH);
        let (rect, response) = ui.allocate_exact_size(vec2(width, height), egui::Sense::hover());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, description));
        let visuals = ui.visuals();
        Canvas {
            painter: ui.painter_at(rect),
            rect,
            dark: visuals.dark_mode,
            ink: visuals.text_color(),
            weak: visuals.weak_text_color(),
            strong: visuals.strong_text_color(),
            background: visuals.panel_fill,
        }
    }

    fn width(&self) -> f32 {
        self.rect.width()
    }

    /// A point given relative to the canvas' top-left corner.
    fn at(&self, x: f32, y: f32) -> Pos2 {
        self.rect.min + vec2(x, y)
    }

    fn color(&self, meaning: Semantic) -> Color32 {
        meaning.color(self.dark)
    }

    fn fill(&self, meaning: Semantic) -> Color32 {
        meaning.fill(self.dark)
    }

    fn text(&self, pos: Pos2, anchor: Align2, text: &str, size: f32, color: Color32) -> Rect {
        self.painter
            .text(pos, anchor, text, FontId::proportional(size), color)
    }

    /// Text on a patch of page background, for labels that sit near lines.
    fn label(&self, pos: Pos2, anchor: Align2, text: &str, color: Color32) -> Rect {
        let galley =
            self.painter
                .layout_no_wrap(text.to_owned(), FontId::proportional(LABEL), color);
        let rect = anchor.anchor_size(pos, galley.size());
        self.painter
            .rect_filled(rect.expand(2.0), 3, self.background);
        self.painter.galley(rect.min, galley, color);
        rect
    }

    fn text_width(&self, text: &str, size: f32) -> f32 {
        self.painter
            .layout_no_wrap(text.to_owned(), FontId::proportional(size), self.ink)
            .size()
            .x
    }

    /// A line with a filled head of fixed size at `to`.
    fn arrow(&self, from: Pos2, to: Pos2, color: Color32) {
        let direction = (to - from).normalized();
        let normal = direction.rot90();
        let head = 9.0;
        let base = to - direction * head;
        self.painter
            .line_segment([from, base], Stroke::new(1.8, color));
        self.painter.add(egui::Shape::convex_polygon(
            vec![to, base + normal * head * 0.45, base - normal * head * 0.45],
            color,
            Stroke::NONE,
        ));
    }

    /// A state or component box: a title, and an optional line under it.
    fn node(&self, rect: Rect, title: &str, subtitle: Option<&str>, meaning: Semantic) {
        self.painter.rect(
            rect,
            theme::RADIUS,
            self.fill(meaning),
            Stroke::new(2.0, self.color(meaning)),
            egui::StrokeKind::Inside,
        );
        match subtitle {
            Some(sub) => {
                self.text(
                    rect.center() - vec2(0.0, 9.0),
                    Align2::CENTER_CENTER,
                    title,
                    TITLE,
                    self.strong,
                );
                self.text(
                    rect.center() + vec2(0.0, 11.0),
                    Align2::CENTER_CENTER,
                    sub,
                    SMALL,
                    self.ink,
                );
            }
            None => {
                self.text(
                    rect.center(),
                    Align2::CENTER_CENTER,
                    title,
                    TITLE,
                    self.strong,
                );
            }
        }
    }

    /// A caption line at the bottom of the canvas.
    fn caption(&self, text: &str) {
        self.text(
            pos2(self.rect.center().x, self.rect.bottom() - 4.0),
            Align2::CENTER_BOTTOM,
            text,
            SMALL,
            self.weak,
        );
    }

    /// A small coloured square and its meaning, returning the x after it.
    fn legend_item(&self, x: f32, y: f32, meaning: Semantic, text: &str) -> f32 {
        let square = Rect::from_min_size(self.at(x, y - 5.0), vec2(10.0, 10.0));
        self.painter.rect(
            square,
            2,
            self.fill(meaning),
            Stroke::new(1.5, self.color(meaning)),
            egui::StrokeKind::Inside,
        );
        let r = self.text(
            self.at(x + 15.0, y),
            Align2::LEFT_CENTER,
            text,
            SMALL,
            self.ink,
        );
        r.right() - self.rect.left() + 14.0
    }
}

/// Where a ray from `p` (inside `r`) in direction `d` leaves `r`, as a multiple of `d`.
fn exit_t(r: Rect, p: Pos2, d: Vec2) -> f32 {
    let along = |low: f32, high: f32, from: f32, step: f32| {
        if step > 0.0 {
            (high - from) / step
        } else if step < 0.0 {
            (low - from) / step
        } else {
            f32::INFINITY
        }
    };
    along(r.min.x, r.max.x, p.x, d.x).min(along(r.min.y, r.max.y, p.y, d.y))
}

/// The part of the segment between two box centres (shifted sideways by `offset`)
/// that lies outside both boxes, with a small gap.
fn between(a: Rect, b: Rect, offset: f32) -> (Pos2, Pos2) {
    let d = b.center() - a.center();
    let shift = d.normalized().rot90() * offset;
    let (p, q) = (a.center() + shift, b.center() + shift);
    let start = p + d * exit_t(a.expand(5.0), p, d);
    let end = q - d * exit_t(b.expand(5.0), q, -d);
    (start, end)
}

/// The breaker's three states and the four transitions between them.
fn breaker_states_ui(ui: &mut egui::Ui) {
    let c = Canvas::new(
        ui,
        300.0,
        "Circuit breaker states: CLOSED goes to OPEN when the failure rate crosses the threshold; \
         OPEN goes to HALF-OPEN when the wait has elapsed; HALF-OPEN goes to CLOSED when the \
         trials succeed, and back to OPEN as soon as one trial fails.",
    );
    let w = c.width();
    let size = vec2((w * 0.3).min(180.0), 56.0);
    let closed = Rect::from_center_size(c.at(w * 0.19, 58.0), size);
    let open = Rect::from_center_size(c.at(w * 0.81, 58.0), size);
    let half = Rect::from_center_size(c.at(w * 0.5, 218.0), size);
    c.node(
        closed,
        "CLOSED",
        Some("calls pass, counted"),
        Semantic::Healthy,
    );
    c.node(open, "OPEN", Some("rejected at once"), Semantic::Rejected);
    c.node(half, "HALF-OPEN", Some("N trial calls"), Semantic::Waiting);

    let (a, b) = between(closed, open, 0.0);
    c.arrow(a, b, c.color(Semantic::Rejected));
    c.label(
        a.lerp(b, 0.5) - vec2(0.0, 6.0),
        Align2::CENTER_BOTTOM,
        "failure rate ≥ threshold",
        c.ink,
    );
    c.text(
        a.lerp(b, 0.5) + vec2(0.0, 6.0),
        Align2::CENTER_TOP,
        "(after a minimum of calls)",
        SMALL,
        c.weak,
    );

    // Two arrows between OPEN and HALF-OPEN, side by side: the outer one goes down.
    let (a, b) = between(open, half, 8.0);
    c.arrow(a, b, c.color(Semantic::Waiting));
    c.label(
        a.lerp(b, 0.5) + vec2(12.0, 0.0),
        Align2::LEFT_CENTER,
        "wait elapsed",
        c.ink,
    );
    let (a, b) = between(half, open, 8.0);
    c.arrow(a, b, c.color(Semantic::Rejected));
    c.label(
        a.lerp(b, 0.5) - vec2(12.0, 0.0),
        Align2::RIGHT_CENTER,
        "a trial fails",
        c.ink,
    );

    let (a, b) = between(half, closed, 0.0);
    c.arrow(a, b, c.color(Semantic::Healthy));
    c.label(
        a.lerp(b, 0.5) - vec2(12.0, 0.0),
        Align2::RIGHT_CENTER,
        "trials succeed",
        c.ink,
    );

    c.caption("Arrow colours show the state entered. One failed trial re-opens at once.");
}

/// One shared pool against three partitioned pools, during the month-end report.
fn bulkhead_pools_ui(ui: &mut egui::Ui) {
    let c = Canvas::new(
        ui,
        330.0,
        "Bulkheads: one shared pool of 20 connections is filled by slow report queries and \
         background jobs, so checkout waits; with pools of 10, 5 and 3, reports fill only \
         their own pool and checkout keeps its connections.",
    );
    let label_width = 120.0;
    // Room right of the widest row for its waiting dots and their label.
    let overflow_room = 8.0 + 4.0 * 9.0 + 6.0 + c.text_width("checkout waits", SMALL) + 4.0;
    let slot = ((c.width() - label_width - overflow_room) / 20.0).clamp(10.0, 24.0);
    let draw_row = |y: f32,
                    name: &str,
                    detail: &str,
                    slots: &[Option<Semantic>],
                    overflow: Option<(usize, &str)>| {
        c.text(
            c.at(0.0, y - 8.0),
            Align2::LEFT_CENTER,
            name,
            LABEL,
            c.strong,
        );
        c.text(
            c.at(0.0, y + 9.0),
            Align2::LEFT_CENTER,
            detail,
            SMALL,
            c.weak,
        );
        for (i, state) in slots.iter().enumerate() {
            let r = Rect::from_min_size(
                c.at(label_width + i as f32 * slot, y - slot / 2.0 + 1.0),
                Vec2::splat(slot - 3.0),
            );
            match state {
                Some(meaning) => c.painter.rect(
                    r,
                    3,
                    c.fill(*meaning),
                    Stroke::new(1.5, c.color(*meaning)),
                    egui::StrokeKind::Inside,
                ),
                None => {
                    c.painter
                        .rect_stroke(r, 3, Stroke::new(1.0, c.weak), egui::StrokeKind::Inside)
                }
            };
        }
        if let Some((count, text)) = overflow {
            let x = label_width + slots.len() as f32 * slot + 8.0;
            for k in 0..count {
                let centre = c.at(x + 5.0 + k as f32 * 9.0, y);
                c.painter
                    .circle_filled(centre, 3.5, c.color(Semantic::Failing));
            }
            c.text(
                c.at(x + count as f32 * 9.0 + 6.0, y),
                Align2::LEFT_CENTER,
                text,
                SMALL,
                c.color(Semantic::Failing),
            );
        }
    };
    let run = |n: usize, meaning: Option<Semantic>| std::iter::repeat_n(meaning, n);

    c.text(
        c.at(0.0, 12.0),
        Align2::LEFT_CENTER,
        "One shared pool",
        TITLE,
        c.strong,
    );
    let shared: Vec<_> = run(12, Some(Semantic::Slow))
        .chain(run(6, Some(Semantic::Neutral)))
        .chain(run(2, Some(Semantic::Healthy)))
        .collect();
    draw_row(
        52.0,
        "all work",
        "20 connections",
        &shared,
        Some((4, "checkout waits")),
    );

    c.text(
        c.at(0.0, 106.0),
        Align2::LEFT_CENTER,
        "Bulkheads",
        TITLE,
        c.strong,
    );
    let critical: Vec<_> = run(4, Some(Semantic::Healthy))
        .chain(run(6, None))
        .collect();
    draw_row(146.0, "critical", "10 connections", &critical, None);
    let reports: Vec<_> = run(5, Some(Semantic::Slow)).collect();
    draw_row(
        190.0,
        "reports",
        "5 connections",
        &reports,
        Some((7, "refused or queued")),
    );
    let background: Vec<_> = run(3, Some(Semantic::Neutral)).collect();
    draw_row(234.0, "background", "3 connections", &background, None);

    let mut x = 0.0;
    for (meaning, text) in [
        (Semantic::Healthy, "checkout"),
        (Semantic::Slow, "slow report"),
        (Semantic::Neutral, "background job"),
    ] {
        x = c.legend_item(x, 276.0, meaning, text);
    }
    let free = Rect::from_min_size(c.at(x, 271.0), vec2(10.0, 10.0));
    c.painter
        .rect_stroke(free, 2, Stroke::new(1.0, c.weak), egui::StrokeKind::Inside);
    c.text(
        c.at(x + 15.0, 276.0),
        Align2::LEFT_CENTER,
        "free",
        SMALL,
        c.ink,
    );
    c.caption("The same twelve slow reports: in a shared pool they starve checkout; behind a bulkhead they cannot.");
}

/// Two buyers' check-then-act on the last ticket, with the row's value between them.
fn race_timeline_ui(ui: &mut egui::Ui) {
    let c = Canvas::new(
        ui,
        304.0,
        "Race timeline: buyer A reads available = 1, buyer B reads available = 1, both check \
         that a ticket is left, A decrements to 0, B decrements to -1; two orders exist for one \
         ticket.",
    );
    let left = 96.0;
    let right = c.width() - 8.0;
    let (lane_a, row, lane_b) = (44.0, 140.0, 236.0);
    c.text(
        c.at(0.0, lane_a),
        Align2::LEFT_CENTER,
        "Buyer A",
        TITLE,
        c.strong,
    );
    c.text(
        c.at(0.0, row),
        Align2::LEFT_CENTER,
        "the row",
        TITLE,
        c.strong,
    );
    c.text(
        c.at(0.0, lane_b),
        Align2::LEFT_CENTER,
        "Buyer B",
        TITLE,
        c.strong,
    );
    for y in [lane_a, lane_b] {
        c.painter.hline(
            c.at(left, y).x..=c.at(right, y).x,
            c.at(0.0, y).y,
            Stroke::new(1.0, c.weak),
        );
    }

    // Six moments, evenly spread: read A, read B, check A, check B, write A, write B.
    let step = (right - left) / 6.0;
    let x = |i: usize| left + step * (i as f32 + 0.5);

    // The gap between A's read and A's write, where the row can change under A.
    // Its title goes below the lane, where no arrow passes between x(0) and x(4).
    let gap = Rect::from_min_max(c.at(x(0), lane_a - 13.0), c.at(x(4), lane_a + 13.0));
    c.painter
        .rect_filled(gap, theme::RADIUS, c.fill(Semantic::Waiting));
    let waiting = c.color(Semantic::Waiting);
    c.text(
        gap.center_bottom() + vec2(0.0, 10.0),
        Align2::CENTER_TOP,
        "A's check-then-act gap",
        SMALL,
        waiting,
    );

    // The row's value over time.
    let segments = [
        (left, x(4), "available = 1", Semantic::Neutral),
        (x(4), x(5), "0", Semantic::Neutral),
        (x(5), right, "-1", Semantic::Failing),
    ];
    for (from, to, text, meaning) in segments {
        let r = Rect::from_min_max(c.at(from + 2.0, row - 15.0), c.at(to - 2.0, row + 15.0));
        c.painter.rect(
            r,
            4,
            c.fill(meaning),
            Stroke::new(1.5, c.color(meaning)),
            egui::StrokeKind::Inside,
        );
        c.text(r.center(), Align2::CENTER_CENTER, text, LABEL, c.strong);
    }

    let accent = c.color(Semantic::Accent);
    let write = c.color(Semantic::Failing);
    let events = [
        (0, lane_a, "read 1", accent, true),
        (1, lane_b, "read 1", accent, true),
        (2, lane_a, "1 > 0: yes", c.ink, false),
        (3, lane_b, "1 > 0: yes", c.ink, false),
        (4, lane_a, "decrement", write, false),
        (5, lane_b, "decrement", write, false),
    ];
    for (i, lane, text, color, is_read) in events {
        let lane_point = c.at(x(i), lane);
        c.painter.circle_filled(lane_point, 5.0, color);
        let above = lane == lane_a;
        let row_edge = c.at(x(i), if above { row - 17.0 } else { row + 17.0 });
        let lane_edge = lane_point + vec2(0.0, if above { 7.0 } else { -7.0 });
        if is_read {
            c.arrow(row_edge, lane_edge, color);
        } else if color == write {
            c.arrow(lane_edge, row_edge, color);
        }
        let (anchor, offset) = if above {
            (Align2::CENTER_BOTTOM, -20.0)
        } else {
            (Align2::CENTER_TOP, 20.0)
        };
        c.text(lane_point + vec2(0.0, offset), anchor, text, LABEL, c.ink);
    }
    c.caption("Time runs left to right. Both checks pass before either write: two orders, one ticket, stock -1.");
}

/// Browser -> load balancer -> application -> database, with the failure climbing up
/// (numbered as in the section's list), and below, a timeout budget where the inner
/// layer is the shortest.
fn cascade_chain_ui(ui: &mut egui::Ui) {
    let c = Canvas::new(
        ui,
        340.0,
        "Cascading failure: a slow database query blocks application threads, the load \
         balancer times out and clients retry. Below, the timeouts set correctly: database \
         2 s, application's database call 3 s, application 10 s, load balancer 12 s, browser 15 s.",
    );
    let w = c.width();
    let layers = [
        ("Browser", "5. clients retry"),
        ("Load balancer", "4. 504 after 60 s"),
        ("App server", "2, 3. no free thread"),
        ("Database", "1. query takes 30 s"),
    ];
    let gap = 28.0;
    let box_w = (w - gap * 3.0) / 4.0;
    let top = 44.0;
    let mut boxes = Vec::new();
    for (i, (name, failure)) in layers.iter().enumerate() {
        let r = Rect::from_min_size(c.at(i as f32 * (box_w + gap), top), vec2(box_w, 50.0));
        let meaning = if i == 3 {
            Semantic::Slow
        } else {
            Semantic::Failing
        };
        c.node(r, name, None, Semantic::Neutral);
        c.text(
            r.center_top() - vec2(0.0, 8.0),
            Align2::CENTER_BOTTOM,
            failure,
            SMALL,
            c.color(meaning),
        );
        boxes.push(r);
    }
    for pair in boxes.windows(2) {
        let y = pair[0].center().y;
        c.arrow(
            pos2(pair[0].right() + 3.0, y),
            pos2(pair[1].left() - 3.0, y),
            c.ink,
        );
    }
    c.text(
        c.at(w / 2.0, top + 64.0),
        Align2::CENTER_TOP,
        "requests flow right; the failure climbs left",
        SMALL,
        c.weak,
    );

    // Timeout budget as nested bars on a seconds axis.
    let title_y = 150.0;
    c.text(
        c.at(0.0, title_y),
        Align2::LEFT_CENTER,
        "The fix: timeouts where the inner layer gives up first",
        TITLE,
        c.strong,
    );
    let bars = [
        ("browser", 15.0),
        ("load balancer", 12.0),
        ("application", 10.0),
        ("app's db call", 3.0),
        ("db statement", 2.0),
    ];
    let label_w = 110.0;
    let scale = (w - label_w - 40.0) / 16.0;
    let healthy = c.color(Semantic::Healthy);
    for (i, (name, seconds)) in bars.iter().enumerate() {
        let y = title_y + 24.0 + i as f32 * 22.0;
        c.text(c.at(0.0, y), Align2::LEFT_CENTER, name, SMALL, c.ink);
        let r = Rect::from_min_size(c.at(label_w, y - 7.0), vec2(seconds * scale, 14.0));
        c.painter.rect(
            r,
            3,
            c.fill(Semantic::Healthy),
            Stroke::new(1.2, healthy),
            egui::StrokeKind::Inside,
        );
        c.text(
            r.right_center() + vec2(6.0, 0.0),
            Align2::LEFT_CENTER,
            &format!("{seconds} s"),
            SMALL,
            c.ink,
        );
    }
    let axis_y = title_y + 24.0 + bars.len() as f32 * 22.0 - 4.0;
    c.painter.hline(
        c.at(label_w, 0.0).x..=c.at(label_w + 16.0 * scale, 0.0).x,
        c.at(0.0, axis_y).y,
        Stroke::new(1.0, c.weak),
    );
    for s in (0..=15).step_by(5) {
        let p = c.at(label_w + s as f32 * scale, axis_y);
        c.painter
            .vline(p.x, p.y..=p.y + 4.0, Stroke::new(1.0, c.weak));
        c.text(
            p + vec2(0.0, 6.0),
            Align2::CENTER_TOP,
            &format!("{s} s"),
            SMALL,
            c.weak,
        );
    }
    c.caption("Each caller waits longer than what it calls, so nobody works on for a caller that has gone.");
}

/// One checkout's spans on a time axis; the slow provider call stands out.
fn trace_waterfall_ui(ui: &mut egui::Ui) {
    let c = Canvas::new(
        ui,
        290.0,
        "Trace waterfall of one checkout taking 1.9 seconds: authentication, loading the cart, \
         checking stock and writing the order are short; the payment provider call takes 1.4 \
         seconds and is marked as the slow span.",
    );
    // (name, depth, start ms, end ms)
    let spans: [(&str, usize, f32, f32); 8] = [
        ("checkout", 0, 0.0, 1900.0),
        ("auth", 1, 10.0, 70.0),
        ("load cart", 1, 70.0, 240.0),
        ("db: select cart", 2, 90.0, 220.0),
        ("check stock", 1, 240.0, 360.0),
        ("payment.charge", 1, 380.0, 1820.0),
        ("provider_call", 2, 400.0, 1800.0),
        ("write order", 1, 1820.0, 1890.0),
    ];
    let label_w = 150.0;
    let plot_w = c.width() - label_w - 56.0;
    let scale = plot_w / 2000.0;
    let row_h = 26.0;
    let top = 16.0;
    let slow = |start: f32, end: f32| end - start > 1000.0;
    for (i, (name, depth, start, end)) in spans.iter().enumerate() {
        let y = top + i as f32 * row_h;
        let is_slow = slow(*start, *end) && *depth > 1;
        let color = if is_slow {
            c.color(Semantic::Slow)
        } else {
            c.ink
        };
        c.text(
            c.at(*depth as f32 * 14.0, y + row_h / 2.0),
            Align2::LEFT_CENTER,
            name,
            LABEL,
            color,
        );
        let r = Rect::from_min_size(
            c.at(label_w + start * scale, y + 5.0),
            vec2(((end - start) * scale).max(2.0), row_h - 10.0),
        );
        // Every span is neutral except the slow one, so the eye lands on it.
        let meaning = if is_slow {
            Semantic::Slow
        } else {
            Semantic::Neutral
        };
        c.painter.rect(
            r,
            3,
            c.fill(meaning),
            Stroke::new(if is_slow { 2.0 } else { 1.2 }, c.color(meaning)),
            egui::StrokeKind::Inside,
        );
        let duration = format!("{} ms", end - start);
        c.text(
            r.right_center() + vec2(5.0, 0.0),
            Align2::LEFT_CENTER,
            &duration,
            SMALL,
            c.weak,
        );
        if is_slow {
            let marker = "slowest span";
            let inside = c.text_width(marker, SMALL) + 12.0 < r.width();
            if inside {
                c.text(r.center(), Align2::CENTER_CENTER, marker, SMALL, c.strong);
            }
        }
    }
    let axis_y = top + spans.len() as f32 * row_h + 6.0;
    c.painter.hline(
        c.at(label_w, 0.0).x..=c.at(label_w + plot_w, 0.0).x,
        c.at(0.0, axis_y).y,
        Stroke::new(1.0, c.weak),
    );
    for ms in (0..=2000).step_by(500) {
        let p = c.at(label_w + ms as f32 * scale, axis_y);
        c.painter
            .vline(p.x, p.y..=p.y + 4.0, Stroke::new(1.0, c.weak));
        c.text(
            p + vec2(0.0, 6.0),
            Align2::CENTER_TOP,
            &format!("{ms} ms"),
            SMALL,
            c.weak,
        );
    }
    c.caption(
        "Nested bars are child spans. 1.4 of the 1.9 seconds are one call to the payment provider.",
    );
}

/// When twenty clients that failed together retry, per jitter strategy: bars count the
/// retries in each half second. Without jitter they arrive in waves.
fn backoff_curves_ui(ui: &mut egui::Ui) {
    let c = Canvas::new(
        ui,
        270.0,
        "Retry times of twenty clients that failed at the same moment, base 1 s, four retries: \
         without jitter all twenty retry together at 1, 3, 7 and 15 seconds; with full, equal or \
         decorrelated jitter the retries spread out.",
    );
    let clients = 20;
    let label_w = 104.0;
    let plot_w = c.width() - label_w - 20.0; // room for the last axis label
    let horizon = 24.0_f32;
    let bins = 48usize;
    let lane_h = 52.0;
    let top = 10.0;
    let strategies = [
        ("no jitter", Semantic::Failing),
        ("full", Semantic::Accent),
        ("equal", Semantic::Accent),
        ("decorrelated", Semantic::Accent),
    ];
    for (lane, (name, meaning)) in strategies.iter().enumerate() {
        let base_y = top + (lane as f32 + 1.0) * lane_h;
        c.text(
            c.at(0.0, base_y - lane_h / 2.0 + 4.0),
            Align2::LEFT_CENTER,
            name,
            LABEL,
            c.ink,
        );
        c.painter.hline(
            c.at(label_w, 0.0).x..=c.at(label_w + plot_w, 0.0).x,
            c.at(0.0, base_y).y,
            Stroke::new(1.0, c.weak),
        );
        let mut counts = vec![0u32; bins];
        for client in 0..clients {
            for t in retry_times(lane, client) {
                let bin = (t / horizon * bins as f32) as usize;
                if let Some(slot) = counts.get_mut(bin) {
                    *slot += 1;
                }
            }
        }
        let bin_w = plot_w / bins as f32;
        for (b, count) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            let h = (*count as f32 / clients as f32) * (lane_h - 12.0);
            let r = Rect::from_min_max(
                c.at(label_w + b as f32 * bin_w + 1.0, base_y - h),
                c.at(label_w + (b + 1) as f32 * bin_w - 1.0, base_y),
            );
            c.painter.rect(
                r,
                1,
                c.fill(*meaning),
                Stroke::new(1.0, c.color(*meaning)),
                egui::StrokeKind::Inside,
            );
        }
    }
    let axis_y = top + strategies.len() as f32 * lane_h;
    for s in (0..=24).step_by(4) {
        let p = c.at(label_w + s as f32 / horizon * plot_w, axis_y);
        c.painter
            .vline(p.x, p.y..=p.y + 4.0, Stroke::new(1.0, c.weak));
        c.text(
            p + vec2(0.0, 6.0),
            Align2::CENTER_TOP,
            &format!("{s} s"),
            SMALL,
            c.weak,
        );
    }
    c.caption("Bar height: clients retrying in that half second (a full bar is all twenty). Time since the shared failure.");
}

/// The times (seconds after the shared failure) at which `client` retries under
/// strategy `lane` (0 none, 1 full, 2 equal, 3 decorrelated): base 1 s, cap 16 s,
/// four retries. Randomness comes from a fixed low-discrepancy sequence, so the figure
/// is the same on every frame.
fn retry_times(lane: usize, client: usize) -> Vec<f32> {
    let (base, cap) = (1.0_f32, 16.0_f32);
    let mut draw = (client as f32 * 0.618_034 + 0.31).fract();
    let mut next_random = move || {
        draw = (draw + 0.754_877_7).fract();
        draw
    };
    let mut t = 0.0;
    let mut previous = base;
    let mut times = Vec::new();
    for attempt in 0..4 {
        let exp = (base * 2f32.powi(attempt)).min(cap);
        let delay = match lane {
            0 => exp,
            1 => exp * next_random(),
            2 => exp / 2.0 + exp / 2.0 * next_random(),
            _ => (base + (previous * 3.0 - base) * next_random()).min(cap),
        };
        previous = delay;
        t += delay;
        times.push(t);
    }
    times
}
