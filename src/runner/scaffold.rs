//! Keeping the line the runner appends to the learner's file (the module holding the
//! hidden tests) out of compiler messages. rustc blames it when the learner's text ends
//! unfinished: an unclosed `{` or `(`, a dangling attribute or doc comment. The learner
//! can act only on their own last line, so the message is moved there, as rustc would
//! have reported the learner's file alone, and our text is never quoted.

/// The end of the learner's text: where a message about the appended line belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerEnd {
    /// The learner's file name as shown (`validated-amount.rs`).
    pub name: String,
    /// The number of the learner's last line; later lines are ours.
    pub line: usize,
    /// That line's text.
    pub text: String,
}

impl LearnerEnd {
    pub fn new(name: impl Into<String>, learner: &str) -> Self {
        Self {
            name: name.into(),
            line: learner.lines().count().max(1),
            text: learner.lines().last().unwrap_or_default().to_owned(),
        }
    }

    /// The column just after the last character, where rustc puts an unclosed delimiter.
    pub fn column(&self) -> usize {
        self.text.chars().count() + 1
    }

    /// `rendered` (paths already rewritten to the learner's names) with every place past
    /// the learner's last line moved onto it: `name:N:C` headers, and in quoted source
    /// the generated line replaced by the learner's last line, its marker at the end.
    pub fn hide_generated(&self, rendered: &str) -> String {
        let mut out: Vec<String> = Vec::new();
        // Quoted lines belong to the file named by the latest `-->` / `:::` header.
        let mut in_learner_file = false;
        let mut last_quoted: Option<usize> = None;
        // Under a quoted generated line: whether its marker was moved already.
        let mut under_ours: Option<bool> = None;
        for line in rendered.lines() {
            if let Some(place) = header_place(line) {
                in_learner_file = place.starts_with(&format!("{}:", self.name));
                last_quoted = None;
                under_ours = None;
                out.push(self.moved_header(line));
                continue;
            }
            let q = quoted(line);
            if let Some(moved) = under_ours {
                if let Some(Quoted::Marks { gutter, label }) = q {
                    if !moved {
                        out.push(self.marker(gutter, label));
                        under_ours = Some(true);
                    }
                    continue;
                }
                under_ours = None;
            }
            match q {
                Some(Quoted::Source { number, width }) if in_learner_file && number > self.line => {
                    if last_quoted != Some(self.line) {
                        out.push(format!("{:<width$} | {}", self.line, self.text));
                    }
                    last_quoted = Some(self.line);
                    under_ours = Some(false);
                }
                Some(Quoted::Source { number, .. }) => {
                    last_quoted = Some(number);
                    out.push(line.to_owned());
                }
                _ => out.push(line.to_owned()),
            }
        }
        let mut text = out.join("\n");
        if rendered.ends_with('\n') {
            text.push('\n');
        }
        text
    }

    /// A marker at the end of the learner's last line, keeping rustc's label.
    fn marker(&self, gutter: &str, label: &str) -> String {
        let pad = " ".repeat(self.column() - 1);
        if label.is_empty() {
            format!("{gutter}| {pad}^")
        } else {
            format!("{gutter}| {pad}^ {label}")
        }
    }

    /// A `--> name:N:C` header with N past the learner's text, moved to the last line.
    fn moved_header(&self, line: &str) -> String {
        let prefix = format!("{}:", self.name);
        let Some(at) = line.find(&prefix) else {
            return line.to_owned();
        };
        let place = &line[at + prefix.len()..];
        let mut parts = place.splitn(2, ':');
        let number = parts.next().and_then(|n| n.parse::<usize>().ok());
        match number {
            Some(n) if n > self.line => {
                format!("{}{}{}:{}", &line[..at], prefix, self.line, self.column())
            }
            _ => line.to_owned(),
        }
    }
}

/// The `file:line:col` of a `-->` or `:::` header line.
fn header_place(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    trimmed
        .strip_prefix("--> ")
        .or_else(|| trimmed.strip_prefix("::: "))
}

/// A line of a quoted snippet.
enum Quoted<'a> {
    /// `12 | code`: source line `number`, its number padded to `width`.
    Source { number: usize, width: usize },
    /// `   |    ^^^ label`: markers under the line above, with their label.
    Marks { gutter: &'a str, label: &'a str },
}

fn quoted(line: &str) -> Option<Quoted<'_>> {
    let bar = line.find('|')?;
    let (gutter, rest) = line.split_at(bar);
    let after = rest.get(1..).unwrap_or_default();
    if gutter.trim().is_empty() {
        let marks = after.trim_start();
        if !marks.starts_with(['^', '-']) {
            return None;
        }
        let label = marks.trim_start_matches(['^', '-', ' ']).trim_end();
        return Some(Quoted::Marks { gutter, label });
    }
    let number = gutter.trim_end().parse().ok()?;
    Some(Quoted::Source {
        number,
        width: gutter.len().saturating_sub(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str =
        "#[cfg(test)] mod wb_0123 { use super::*; #[path = \"hidden/tests.rs\"] mod grading; }";

    #[test]
    fn an_unclosed_delimiter_is_reported_at_the_learners_last_line() {
        let end = LearnerEnd::new("demo.rs", "pub fn a() {\n    let x = 1;\n");
        let rendered = format!(
            "error: this file contains an unclosed delimiter\n --> demo.rs:3:87\n  |\n\
             1 | pub fn a() {{\n  |            - unclosed delimiter\n2 |     let x = 1;\n\
             3 | {OURS}\n  |{}^\n\n",
            " ".repeat(87)
        );
        let shown = end.hide_generated(&rendered);
        assert_eq!(
            shown,
            "error: this file contains an unclosed delimiter\n --> demo.rs:2:15\n  |\n\
             1 | pub fn a() {\n  |            - unclosed delimiter\n2 |     let x = 1;\n\
             \x20 |               ^\n\n"
        );
    }

    #[test]
    fn a_far_away_opening_quotes_the_last_line_instead_of_ours() {
        let learner = format!("fn a() {{\n{}    x\n", "    y;\n".repeat(10));
        let end = LearnerEnd::new("demo.rs", &learner);
        assert_eq!((end.line, end.text.as_str()), (12, "    x"));
        let rendered = format!(
            "error: this file contains an unclosed delimiter\n  --> demo.rs:13:87\n   |\n\
             1  | fn a() {{\n   |        - unclosed delimiter\n...\n13 | {OURS}\n   |{}^ here\n",
            " ".repeat(87)
        );
        let shown = end.hide_generated(&rendered);
        assert!(shown.contains("--> demo.rs:12:6"), "{shown}");
        assert!(shown.contains("12 |     x\n   |      ^ here\n"), "{shown}");
        assert!(
            !shown.contains("wb_0123") && !shown.contains("13"),
            "{shown}"
        );
    }

    #[test]
    fn lines_of_the_hidden_tests_are_left_alone() {
        let end = LearnerEnd::new("demo.rs", "fn a() {}\n");
        let rendered = "error[E0425]: cannot find function `b`\n --> hidden/tests.rs:7:5\n  |\n\
                        7 |     b();\n  |     ^ not found\n";
        assert_eq!(end.hide_generated(rendered), rendered);
    }
}
