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
            (Self::Healthy, false) => Color32::from_rgb(0x17, 0x6e, 0x3c),
            (Self::Healthy, true) => Color32::from_rgb(0x4c, 0xc3, 0x7e),
            (Self::Failing, false) => Color32::from_rgb(0xb3, 0x1f, 0x1f),
            (Self::Failing, true) => Color32::from_rgb(0xf4, 0x80, 0x80),
            (Self::Rejected, false) => Color32::from_rgb(0x8e, 0x24, 0xaa),
            (Self::Rejected, true) => Color32::from_rgb(0xd0, 0x8e, 0xe6),
            (Self::Waiting, false) => Color32::from_rgb(0x96, 0x58, 0x00),
            (Self::Waiting, true) => Color32::from_rgb(0xf2, 0xb1, 0x3c),
            (Self::Slow, false) => Color32::from_rgb(0x1a, 0x62, 0xa6),
            (Self::Slow, true) => Color32::from_rgb(0x6a, 0xb0, 0xf0),
            (Self::Neutral, false) => Color32::from_rgb(0x5b, 0x62, 0x70),
            (Self::Neutral, true) => Color32::from_rgb(0xa8, 0xaf, 0xba),
            (Self::Accent, false) => Color32::from_rgb(0x2f, 0x56, 0xc8),
            (Self::Accent, true) => Color32::from_rgb(0x8e, 0xa9, 0xf7),
        }
    }

    /// The colour for this meaning in the theme `ui` is drawn with.
    pub fn in_ui(self, ui: &egui::Ui) -> Color32 {
        self.color(ui.visuals().dark_mode)
    }

    /// A faint fill of the same hue, for backgrounds of boxes and bands.
    pub fn fill(self, dark: bool) -> Color32 {
        let c = self.color(dark);
        // Faint enough that text in the same hue, or body text, stays at 4.5:1 on it
        // (checked in `contrast_tests`).
        let alpha = if dark { 48 } else { 28 };
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
        // A steady caret. A blinking one repaints the whole window twice a second for
        // as long as a text field has focus (about a tenth of a core in the exercise
        // editor with software rendering), and WCAG 2.2.2 asks that blinking stop
        // anyway.
        style.visuals.text_cursor.blink = false;
    });
    // egui's default body text is a mid grey; for an hour of reading, use more contrast.
    // An idle checkbox, radio button or button is drawn only as a faint fill, which all
    // but vanishes on the light background: a border gives it the 3:1 that WCAG asks of
    // a control's outline (1.4.11).
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(218);
        style.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_gray(110));
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(34);
        style.visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_gray(135));
    });
}

/// WCAG 2 contrast ratio of two opaque colours (1 to 21).
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `top` (maybe translucent, unmultiplied alpha) painted over the opaque `bottom`.
pub fn over(top: Color32, bottom: Color32) -> Color32 {
    let [r, g, b, a] = top.to_srgba_unmultiplied();
    let a = f32::from(a) / 255.0;
    let mix = |t: u8, u: u8| (f32::from(t) * a + f32::from(u) * (1.0 - a)).round() as u8;
    Color32::from_rgb(mix(r, bottom.r()), mix(g, bottom.g()), mix(b, bottom.b()))
}

#[cfg(test)]
mod contrast_tests {
    use super::*;

    /// Both themes' panel background and body text, as `apply` sets them.
    fn themes() -> [(bool, Color32, Color32); 2] {
        let ctx = egui::Context::default();
        apply(&ctx);
        [egui::Theme::Dark, egui::Theme::Light].map(|theme| {
            let style = ctx.style_of(theme);
            (
                theme == egui::Theme::Dark,
                style.visuals.panel_fill,
                style.visuals.widgets.noninteractive.fg_stroke.color,
            )
        })
    }

    /// Every pair of text and fill the screens draw: coloured text (labels, counters,
    /// state names) on the background, on its own faint fill (state boxes, bands), and
    /// body text on each faint fill. WCAG AA asks 4.5:1 for body-size text.
    #[test]
    fn text_on_every_fill_meets_wcag_aa_in_both_themes() {
        let mut failures = Vec::new();
        for (dark, bg, body) in themes() {
            let mode = if dark { "dark" } else { "light" };
            let mut check = |what: String, text: Color32, fill: Color32| {
                let ratio = contrast_ratio(text, fill);
                if ratio < 4.5 {
                    failures.push(format!("{mode}: {what}: {ratio:.2}:1"));
                }
            };
            check("body text on the background".into(), body, bg);
            for s in Semantic::ALL {
                let fill = over(s.fill(dark), bg);
                check(format!("{s:?} text on the background"), s.color(dark), bg);
                check(format!("{s:?} text on its own fill"), s.color(dark), fill);
                check(format!("body text on the {s:?} fill"), body, fill);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// WCAG 1.4.11: a control's outline at 3:1 against the background it sits on.
    #[test]
    fn idle_controls_are_outlined_at_3_to_1_in_both_themes() {
        let ctx = egui::Context::default();
        apply(&ctx);
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let v = &ctx.style_of(theme).visuals;
            let ratio = contrast_ratio(v.widgets.inactive.bg_stroke.color, v.panel_fill);
            assert!(ratio >= 3.0, "{theme:?}: {ratio:.2}:1");
        }
    }

    #[test]
    fn the_contrast_formula_matches_wcag_examples() {
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast_ratio(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 1e-6);
        // #777 on white is the classic near miss: 4.48:1.
        let grey = Color32::from_gray(0x77);
        assert!((contrast_ratio(grey, Color32::WHITE) - 4.48).abs() < 0.01);
    }
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
