//! A short celebration when every hidden test passes: a burst of confetti falling over
//! the results for about a second and a half, then gone. Deterministic (the pieces come
//! from a fixed sequence), and it stops asking for frames when it ends.

use std::time::{Duration, Instant};

use crate::ui::theme::Semantic;

/// How long the confetti falls.
const LENGTH: Duration = Duration::from_millis(1600);
/// Pieces of confetti.
const PIECES: u32 = 60;

/// Paints the confetti over `rect` for a celebration started at `since`; returns false
/// once it is over.
pub fn confetti(ui: &egui::Ui, rect: egui::Rect, since: Instant) -> bool {
    let t = since.elapsed().as_secs_f32() / LENGTH.as_secs_f32();
    if t >= 1.0 {
        return false;
    }
    let dark = ui.visuals().dark_mode;
    let colours = [
        Semantic::Healthy,
        Semantic::Accent,
        Semantic::Waiting,
        Semantic::Slow,
    ]
    .map(|s| s.color(dark));
    let painter = ui
        .ctx()
        .layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("exercise-confetti"),
        ))
        .with_clip_rect(rect);
    let fade = 1.0 - t * t;
    for i in 0..PIECES {
        let r = |salt: u32| unit(i * 7 + salt);
        let x = rect.left() + rect.width() * r(1) + (t * 6.0 + r(2) * 6.0).sin() * 12.0;
        let fall = 0.5 + r(3);
        let y = rect.top() - 20.0 + (rect.height() + 40.0) * t * fall;
        let size = 4.0 + r(4) * 4.0;
        let colour = colours[(i % 4) as usize].gamma_multiply(fade);
        painter.rect_filled(
            egui::Rect::from_center_size(egui::pos2(x, y), egui::vec2(size, size * 0.6)),
            1.0,
            colour,
        );
    }
    ui.ctx().request_repaint();
    true
}

/// A number in [0, 1) from `n` (a small integer hash: the same confetti every time).
fn unit(n: u32) -> f32 {
    let mut x = n.wrapping_mul(0x9E37_79B9) ^ 0x85EB_CA6B;
    x ^= x >> 15;
    x = x.wrapping_mul(0x2C1B_3C6D);
    x ^= x >> 12;
    (x % 10_000) as f32 / 10_000.0
}
