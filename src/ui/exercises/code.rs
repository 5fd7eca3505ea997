//! The code editor: a `TextEdit` with Rust colouring (from `egui_code_editor`'s
//! tokenizer) and a line-number gutter painted from the laid-out rows themselves, so each
//! number sits on its code line in the same font and metrics. One scroll area scrolls
//! both ways, so a long line at 1024×640 scrolls sideways with a scrollbar in view, and a
//! click anywhere in the editor's area (below the last line too) gives it the keyboard.

use egui::text_edit::TextEditOutput;
use egui::{FontId, Sense};
use egui_code_editor::{CodeEditor, ColorTheme, Syntax, Token};

/// The code's font size, in points.
pub const FONT_SIZE: f32 = 14.5;
/// Space between the numbers and the code.
const GUTTER_GAP: f32 = 10.0;

/// Draws the editor over `text` filling the space left in `ui`.
pub fn show(ui: &mut egui::Ui, id: egui::Id, text: &mut String) -> TextEditOutput {
    let dark = ui.visuals().dark_mode;
    let theme = if dark {
        ColorTheme::GITHUB_DARK
    } else {
        ColorTheme::GITHUB_LIGHT
    };
    // Used only for its colours and tokenizer; the widget below is our own.
    let colours = CodeEditor::default()
        .with_fontsize(FONT_SIZE)
        .with_theme(theme)
        .with_numlines(false);
    let syntax = Syntax::rust();
    let font = FontId::monospace(FONT_SIZE);
    let (row_height, digit_width) =
        ui.fonts_mut(|f| (f.row_height(&font), f.glyph_width(&font, '0')));
    let lines = text.split('\n').count();
    let gutter_width = lines.to_string().len().max(2) as f32 * digit_width + GUTTER_GAP;
    let area = ui.available_rect_before_wrap();
    // Registered before the text so the text wins where it is; the rest of the area
    // (past the last line, the margins) focuses the editor instead of doing nothing.
    let background = ui.interact(area, id.with("background"), Sense::click());
    let weak = ui.visuals().weak_text_color();
    let background_colour = egui_code_editor::Color32Theme::from(theme).bg();
    let frame = egui::Frame::new()
        .fill(background_colour)
        .corner_radius(crate::ui::theme::RADIUS);
    let output = frame
        .show(ui, |ui| {
            // Solid bars beside the text, not floating over its last line and column,
            // where a click would scroll instead of placing the cursor.
            ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
            egui::ScrollArea::both()
                .id_salt(id.with("scroll"))
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let rows = (ui.available_height() / row_height).floor().max(4.0) as usize;
                    ui.horizontal_top(|ui| {
                        let (gutter, _) = ui.allocate_exact_size(
                            egui::vec2(gutter_width, row_height),
                            Sense::hover(),
                        );
                        let mut layouter =
                            |ui: &egui::Ui, buffer: &dyn egui::TextBuffer, _wrap: f32| {
                                let (job, _, _) =
                                    Token::default().highlight(&colours, buffer.as_str(), &syntax);
                                ui.fonts_mut(|f| f.layout_job(job))
                            };
                        let output = egui::TextEdit::multiline(text)
                            .id(id)
                            .font(font.clone())
                            .code_editor()
                            .lock_focus(true)
                            .frame(egui::Frame::NONE)
                            .desired_rows(rows)
                            .desired_width(f32::INFINITY)
                            .layouter(&mut layouter)
                            .show(ui);
                        // The gutter stays put when the code scrolls sideways: drawn at
                        // the view's left edge, over any text scrolled under it.
                        let view = ui.clip_rect();
                        let left = view.left().max(gutter.left());
                        let strip = egui::Rect::from_x_y_ranges(
                            left..=left + gutter.width(),
                            view.y_range(),
                        );
                        ui.painter().rect_filled(strip, 0.0, background_colour);
                        paint_numbers(ui, strip.right() - GUTTER_GAP / 2.0, &output, &font, weak);
                        output
                    })
                    .inner
                })
                .inner
        })
        .inner;
    if background.clicked() && !output.response.has_focus() {
        output.response.request_focus();
    }
    output
}

/// One number per line of code, right-aligned at `right`, on the row where the line starts.
fn paint_numbers(
    ui: &egui::Ui,
    right: f32,
    output: &TextEditOutput,
    font: &FontId,
    colour: egui::Color32,
) {
    let painter = ui.painter();
    let mut line = 1;
    let mut starts_line = true;
    for row in &output.galley.rows {
        if starts_line {
            let y = output.galley_pos.y + row.pos.y;
            painter.text(
                egui::pos2(right, y),
                egui::Align2::RIGHT_TOP,
                line.to_string(),
                font.clone(),
                colour,
            );
            line += 1;
        }
        starts_line = row.ends_with_newline;
    }
}
