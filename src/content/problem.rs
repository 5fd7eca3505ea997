//! A content problem with the place it was found, so authors can jump straight to it.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with the content, located by file, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path relative to the content root, e.g. `lessons/scars-to-architecture/lesson.ron`.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
        }
    }

    /// A problem with a whole file (missing, unreadable): reported at 1:1.
    pub fn whole_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(file, 1, 1, message)
    }

    /// Converts a RON parse error in `text` into a located problem. RON reports the place
    /// where it stopped, which may be the whitespace before the offending token; the
    /// column is moved onto the token itself so editors jump to the right character.
    pub fn from_ron(file: impl Into<PathBuf>, text: &str, err: &ron::error::SpannedError) -> Self {
        let (line, mut column) = (err.span.start.line, err.span.start.col);
        if let Some(row) = text.lines().nth(line.saturating_sub(1)) {
            let skipped = row
                .chars()
                .skip(column.saturating_sub(1))
                .take_while(|c| c.is_whitespace())
                .count();
            if column.saturating_sub(1) + skipped < row.chars().count() {
                column += skipped;
            }
        }
        Self::new(file, line, column, err.code.to_string())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Finds the 1-based line and column of byte offset `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Finds where `needle` first appears in `text` as (line, column); (1, 1) if absent.
/// Used to point at the field a semantic error is about after RON parsed fine.
pub fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |at| line_col(text, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn display_is_file_line_column() {
        let p = Problem::new("a/b.ron", 3, 7, "bad");
        assert_eq!(p.to_string(), "a/b.ron:3:7: bad");
    }
}
