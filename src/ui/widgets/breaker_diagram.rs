//! The breaker's state machine drawn with egui's painter: five states, the four automatic
//! transitions labelled with their rule, the live state lit, and the latest transition
//! animated (a dot travels along its edge while the edge glows and fades).

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2, vec2};

use crate::sim::breaker::{State, Transition};
use crate::ui::theme::{self, Semantic};

/// How long a transition stays highlighted, in real seconds.
pub const ANIMATION_SECS: f32 = 1.5;
const SIZE: Vec2 = vec2(380.0, 236.0);
const NODE: Vec2 = vec2(112.0, 36.0);
const SMALL: Vec2 = vec2(104.0, 28.0);

fn meaning(state: State) -> Semantic {
    match state {
        State::Closed => Semantic::Healthy,
        State::Open | State::ForcedOpen => Semantic::Rejected,
        State::HalfOpen => Semantic::Waiting,
        State::Disabled => Semantic::Neutral,
    }
}

/// Node centre as a fraction of the diagram.
fn place(state: State) -> Vec2 {
    match state {
        State::Closed => vec2(0.17, 0.22),
        State::Open => vec2(0.83, 0.22),
        State::HalfOpen => vec2(0.5, 0.62),
        State::Disabled => vec2(0.15, 0.9),
        State::ForcedOpen => vec2(0.85, 0.9),
    }
}

fn node_rect(origin: Pos2, state: State) -> Rect {
    let size = if matches!(state, State::Disabled | State::ForcedOpen) {
        SMALL
    } else {
        NODE
    };
    let p = place(state);
    Rect::from_center_size(origin + vec2(p.x * SIZE.x, p.y * SIZE.y), size)
}

/// The automatic edges: (from, to, label, offset to the edge's right, so the two opposite
/// edges between OPEN and HALF_OPEN run apart).
const EDGES: [(State, State, &str, f32); 4] = [
    (State::Closed, State::Open, "rate ≥ threshold", 0.0),
    (State::Open, State::HalfOpen, "wait over", 7.0),
    (State::HalfOpen, State::Open, "trials fail", 7.0),
    (State::HalfOpen, State::Closed, "trials pass", 0.0),
];

/// Where a segment from the centre of `r` towards `to` leaves the rectangle.
fn exit_point(r: Rect, to: Pos2) -> Pos2 {
    let c = r.center();
    let d = to - c;
    let sx = if d.x.abs() > 1e-3 {
        (r.width() / 2.0) / d.x.abs()
    } else {
        f32::INFINITY
    };
    let sy = if d.y.abs() > 1e-3 {
        (r.height() / 2.0) / d.y.abs()
    } else {
        f32::INFINITY
    };
    c + d * sx.min(sy)
}

fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    painter.line_segment([from, to], stroke);
    let dir = (to - from).normalized();
    let side = vec2(-dir.y, dir.x);
    let head = 8.0;
    painter.add(egui::Shape::convex_polygon(
        vec![
            to,
            to - dir * head + side * head * 0.5,
            to - dir * head - side * head * 0.5,
        ],
        stroke.color,
        Stroke::NONE,
    ));
}

/// The segment an edge is drawn on.
fn edge_segment(origin: Pos2, from: State, to: State, offset: f32) -> (Pos2, Pos2) {
    let (a, b) = (node_rect(origin, from), node_rect(origin, to));
    let dir = (b.center() - a.center()).normalized();
    let shift = vec2(-dir.y, dir.x) * offset;
    let start = exit_point(a, b.center()) + shift;
    let end = exit_point(b, a.center()) + shift;
    (start + dir * 3.0, end - dir * 3.0)
}

/// Draws the diagram. `latest` is the age (real seconds) and value of the latest
/// transition, for the animation.
pub fn state_machine_ui(ui: &mut egui::Ui, live: State, latest: Option<(f32, Transition)>) {
    let dark = ui.visuals().dark_mode;
    let (rect, response) = ui.allocate_exact_size(SIZE, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let origin = rect.min;
    let neutral = Semantic::Neutral.color(dark);
    let text = ui.visuals().text_color();
    let accent = Semantic::Accent.color(dark);
    let small = FontId::proportional(12.5);

    painter.rect_stroke(
        rect,
        theme::RADIUS,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );

    // Edges first, so nodes sit on top of their ends.
    let fresh = latest.filter(|(age, _)| *age < ANIMATION_SECS);
    for (from, to, label, offset) in EDGES {
        let (a, b) = edge_segment(origin, from, to, offset);
        let glow = fresh
            .filter(|(_, t)| t.from == from && t.to == to)
            .map(|(age, _)| 1.0 - age / ANIMATION_SECS);
        let stroke = match glow {
            Some(g) => Stroke::new(1.5 + 2.5 * g, lerp_color(neutral, accent, g)),
            None => Stroke::new(1.5, neutral),
        };
        arrow(&painter, a, b, stroke);
        let mid = a + (b - a) * 0.5;
        let dir = (b - a).normalized();
        let normal = vec2(-dir.y, dir.x);
        // Labels sit on the side the edge is shifted to, so the two edges between OPEN and
        // HALF_OPEN (shifted apart) carry their labels on opposite sides.
        let side = if offset > 0.0 { 1.0 } else { -1.0 };
        let pos = mid + normal * side * 14.0;
        let align = if normal.x * side > 0.3 {
            Align2::LEFT_CENTER
        } else if normal.x * side < -0.3 {
            Align2::RIGHT_CENTER
        } else {
            Align2::CENTER_CENTER
        };
        painter.text(pos, align, label, small.clone(), text);
        if let Some(g) = glow {
            // A dot travels along the edge during the first part of the glow.
            let progress = ((1.0 - g) * 2.5).min(1.0);
            painter.circle_filled(a + (b - a) * progress, 5.0, accent);
        }
    }
    painter.text(
        origin + vec2(SIZE.x * 0.5, SIZE.y * 0.9),
        Align2::CENTER_CENTER,
        "set by hand",
        small.clone(),
        neutral,
    );

    for state in State::ALL {
        let r = node_rect(origin, state);
        let lit = state == live;
        let id = response.id.with(state.name());
        let glow = ui.ctx().animate_bool_with_time(id, lit, 0.35);
        let c = meaning(state).color(dark);
        let fill = lerp_color(Color32::TRANSPARENT, meaning(state).fill(dark), glow);
        painter.rect_filled(r, theme::RADIUS, fill);
        painter.rect_stroke(
            r,
            theme::RADIUS,
            Stroke::new(1.0 + 1.5 * glow, lerp_color(neutral, c, 0.35 + 0.65 * glow)),
            egui::StrokeKind::Inside,
        );
        let font = if matches!(state, State::Disabled | State::ForcedOpen) {
            small.clone()
        } else {
            FontId::proportional(14.5)
        };
        let label_color = if lit { c } else { text };
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            state.name(),
            font,
            label_color,
        );
    }
    response.on_hover_text(format!(
        "The breaker is {live}; the lit box is the live state."
    ));
}

fn lerp_color(a: Color32, b: Color32, t: f32) -> Color32 {
    a.lerp_to_gamma(b, t.clamp(0.0, 1.0))
}
