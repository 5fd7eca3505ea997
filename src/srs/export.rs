//! Export for Anki's text import: one note per written card (cloze cards stay one Cloze
//! note, as Anki uses the same `{{c1::...}}` marks), tab-separated, with header lines
//! telling Anki the separator, the note type and tags columns, and a stable GUID so a
//! second import updates notes instead of duplicating them.

use std::fmt::Write as _;

use super::deck::{CardKind, CardSource};

/// The file text for `cards` (pack id, card).
pub fn anki_tsv<'a>(cards: impl IntoIterator<Item = (&'a str, &'a CardSource)>) -> String {
    let mut out = String::from(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#tags column:5\n",
    );
    for (pack, card) in cards {
        let (notetype, front) = match &card.kind {
            CardKind::Basic => ("Basic", html(&card.front)),
            CardKind::Cloze => ("Cloze", html(&card.front)),
            CardKind::Predict { .. } => (
                "Basic",
                format!("<i>What happens next?</i><br>{}", html(&card.front)),
            ),
        };
        let mut tags = vec![pack.to_owned()];
        tags.extend(card.tags.iter().cloned());
        let _ = writeln!(
            out,
            "{}\t{notetype}\t{front}\t{}\t{}",
            card.id,
            html(&card.back),
            tags.join(" ")
        );
    }
    out
}

/// Card Markdown as the small HTML subset Anki shows: special characters escaped, line
/// breaks, `code`, **bold** and *italic*. Tabs become spaces so they cannot split fields.
pub fn html(markdown: &str) -> String {
    let escaped = markdown
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\t', "    ")
        .replace("\r\n", "\n")
        .replace('\n', "<br>");
    let coded = pair(&escaped, "`", "<code>", "</code>");
    let bold = pair(&coded, "**", "<b>", "</b>");
    pair(&bold, "*", "<i>", "</i>")
}

/// Replaces matched pairs of `mark` with `open`/`close`; an unmatched last mark stays.
fn pair(text: &str, mark: &str, open: &str, close: &str) -> String {
    let parts: Vec<&str> = text.split(mark).collect();
    if parts.len() < 3 {
        return text.to_owned();
    }
    let mut out = String::new();
    let pairs = (parts.len() - 1) / 2;
    for (i, part) in parts.iter().enumerate() {
        out.push_str(part);
        if i + 1 < parts.len() {
            if i < pairs * 2 {
                out.push_str(if i % 2 == 0 { open } else { close });
            } else {
                out.push_str(mark);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_five_fields_and_html() {
        let card = CardSource {
            id: "a".to_owned(),
            kind: CardKind::Cloze,
            tags: vec!["timeouts".to_owned()],
            front: "A {{c1::deadline}} <b>\tx".to_owned(),
            back: "Use `Instant`, **always**.\nReally *now*.".to_owned(),
        };
        let out = anki_tsv([("pack", &card)]);
        let row = out.lines().last().unwrap();
        let fields: Vec<&str> = row.split('\t').collect();
        assert_eq!(fields.len(), 5);
        assert_eq!(fields[1], "Cloze");
        assert_eq!(fields[2], "A {{c1::deadline}} &lt;b&gt;    x");
        assert_eq!(
            fields[3],
            "Use <code>Instant</code>, <b>always</b>.<br>Really <i>now</i>."
        );
        assert_eq!(fields[4], "pack timeouts");
    }
}
