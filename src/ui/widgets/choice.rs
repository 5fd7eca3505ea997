//! A labelled drop-down over a fixed list of options (a preset, a strategy, an
//! algorithm): the label names the box for screen readers and tests.

/// Shows `label` and a combo box choosing `value` among `options`, each shown by
/// `name`; `width` fits long names. Returns whether the learner picked another option.
pub fn choice_ui<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    id_salt: &str,
    width: Option<f32>,
    value: &mut T,
    options: impl IntoIterator<Item = T>,
    name: impl Fn(T) -> &'static str,
) -> bool {
    let before = *value;
    let label = ui.label(label);
    let mut combo = egui::ComboBox::from_id_salt(id_salt).selected_text(name(*value));
    if let Some(width) = width {
        combo = combo.width(width);
    }
    combo
        .show_ui(ui, |ui| {
            for option in options {
                ui.selectable_value(value, option, name(option));
            }
        })
        .response
        .labelled_by(label.id);
    *value != before
}
