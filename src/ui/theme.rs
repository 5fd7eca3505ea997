//! The design system, in one place: spacing, radii, reading sizes and the semantic colours
//! (one colour per meaning on every screen, plot and diagram), in light and dark variants.

use egui::{Color32, FontFamily, FontId, TextStyle};

/// Spacing steps in points.
pub const SPACE_XS: f32 = 4.0;
pub const SPACE_S: f32 = 8.0;
pub const SPACE_M: f32 = 12.0;
pub const SPACE_L: f32 = 20.0;
pub const SPACE_XL: f32 = 32.0;

/// Corner radius of cards, frames and diagram boxes.
pub const RADIUS: u8 = 6;

/// Widest column of body text: about 75 characters at the body size.
pub const READING_WIDTH: f32 = 720.0;

/// Body text size: comfortable for an hour of reading.
pub const BODY_SIZE: f32 = 16.5;

/// What a colour means. Use these, never raw colours, in views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Semantic {
    /// Closed breaker, success, passed test, free slot in use normally.
    Healthy,
    /// Failure, failed test, wrong outcome (oversell, duplicate charge).
    Failing,
    /// Open breaker, rejected call, shed load.
    Rejected,
    /// Half-open, queued, waiting, in progress.
    Waiting,
    /// Slow call, degraded.
    Slow,
    /// Idle, disabled, background.
    Neutral,
    /// Highlight / accent for the learner's focus (selected, current step).
    Accent,
}

impl Semantic {
    pub const ALL: [Semantic; 7] = [
        Self::Healthy,
        Self::Failing,
        Self::Rejected,
        Self::Waiting,
        Self::Slow,
        Self::Neutral,
        Self::Accent,
    ];

    /// The colour for this meaning in the given mode.
    pub fn color(self, dark: bool) -> Color32 {
        match (self, dark) {
            (Self::Healthy, false) => Color32::from_rgb(0x1f, 0x8a, 0x4c),
            (Self::Healthy, true) => Color32::from_rgb(0x4c, 0xc3, 0x7e),
            (Self::Failing, false) => Color32::from_rgb(0xc6, 0x28, 0x28),
            (Self::Failing, true) => Color32::from_rgb(0xf0, 0x6a, 0x6a),
            (Self::Rejected, false) => Color32::from_rgb(0x8e, 0x24, 0xaa),
            (Self::Rejected, true) => Color32::from_rgb(0xc9, 0x7b, 0xe0),
            (Self::Waiting, false) => Color32::from_rgb(0xb2, 0x6a, 0x00),
            (Self::Waiting, true) => Color32::from_rgb(0xf2, 0xb1, 0x3c),
            (Self::Slow, false) => Color32::from_rgb(0x1e, 0x6f, 0xb8),
            (Self::Slow, true) => Color32::from_rgb(0x6a, 0xb0, 0xf0),
            (Self::Neutral, false) => Color32::from_rgb(0x6b, 0x72, 0x80),
            (Self::Neutral, true) => Color32::from_rgb(0x9c, 0xa3, 0xaf),
            (Self::Accent, false) => Color32::from_rgb(0x2f, 0x5b, 0xd3),
            (Self::Accent, true) => Color32::from_rgb(0x7d, 0x9c, 0xf5),
        }
    }

    /// The colour for this meaning in the theme `ui` is drawn with.
    pub fn in_ui(self, ui: &egui::Ui) -> Color32 {
        self.color(ui.visuals().dark_mode)
    }

    /// A faint fill of the same hue, for backgrounds of boxes and bands.
    pub fn fill(self, dark: bool) -> Color32 {
        let c = self.color(dark);
        let alpha = if dark { 60 } else { 40 };
        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), alpha)
    }

    /// Short name for legends.
    pub fn label(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Failing => "failing",
            Self::Rejected => "rejected",
            Self::Waiting => "waiting",
            Self::Slow => "slow",
            Self::Neutral => "idle",
            Self::Accent => "selected",
        }
    }
}

/// DejaVu Sans (free licence, see `assets/fonts/DejaVu-LICENSE.txt`), added after egui's
/// own fonts as a fallback so arrows, maths and box symbols in lessons never show as
/// empty boxes.
const FALLBACK_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Adds the fallback font to both families. Call once at start.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu-sans".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(FALLBACK_FONT)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("dejavu-sans".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Applies type sizes and spacing to a context. Called once at start and again when the
/// theme changes (egui keeps a style per theme).
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(26.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(14.5, FontFamily::Monospace),
            ),
            (
                TextStyle::Button,
                FontId::new(15.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(12.5, FontFamily::Proportional),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(SPACE_S, SPACE_S - 2.0);
        style.spacing.button_padding = egui::vec2(SPACE_S + 2.0, SPACE_XS + 1.0);
        style.spacing.interact_size.y = 26.0;
        style.visuals.widgets.noninteractive.corner_radius = RADIUS.into();
        style.visuals.widgets.inactive.corner_radius = RADIUS.into();
        style.visuals.widgets.hovered.corner_radius = RADIUS.into();
        style.visuals.widgets.active.corner_radius = RADIUS.into();
    });
    // egui's default body text is a mid grey; for an hour of reading, use more contrast.
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(218);
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(34);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_meaning_has_distinct_colours_in_each_mode() {
        for dark in [false, true] {
            let colours: std::collections::HashSet<Color32> =
                Semantic::ALL.iter().map(|s| s.color(dark)).collect();
            assert_eq!(colours.len(), Semantic::ALL.len());
        }
    }
}
