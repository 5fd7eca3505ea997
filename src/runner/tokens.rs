//! A small Rust lexer, enough to read a file as identifiers and punctuation with their
//! line and column: comments and the contents of string and character literals are
//! skipped, so a word inside a comment or a string never counts. One pass, linear in the
//! input, never panics; text it does not understand becomes single-character punctuation.
//!
//! `syn` would give a full syntax tree, but every rule the runner enforces is about which
//! names and attributes appear, which tokens answer exactly, and this avoids a parser
//! dependency for a few dozen lines.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword; a raw identifier (`r#fs`) is given without its `r#`.
    Ident,
    /// One punctuation character, or `::` / `!=` as one token.
    Punct,
    /// A string, character, byte or number literal.
    Literal,
    Lifetime,
}

/// One token of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// 1-based line and column (in characters) of the token's first character.
    pub line: usize,
    pub column: usize,
    /// Byte offset of the token's first character in the source.
    pub offset: usize,
}

impl Token<'_> {
    pub fn is(&self, kind: Kind, text: &str) -> bool {
        self.kind == kind && self.text == text
    }

    pub fn is_punct(&self, text: &str) -> bool {
        self.is(Kind::Punct, text)
    }

    pub fn is_ident(&self, text: &str) -> bool {
        self.is(Kind::Ident, text)
    }
}

/// The tokens of `source`, in order.
pub fn tokenize(source: &str) -> Vec<Token<'_>> {
    Lexer {
        src: source,
        chars: source.char_indices().collect(),
        at: 0,
        line: 1,
        column: 1,
        out: Vec::new(),
    }
    .run()
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    /// Index into `chars`.
    at: usize,
    line: usize,
    column: usize,
    out: Vec<Token<'a>>,
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).map(|&(_, c)| c)
    }

    fn offset(&self, index: usize) -> usize {
        self.chars.get(index).map_or(self.src.len(), |&(o, _)| o)
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek(0) {
            self.at += 1;
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
    }

    fn bump_while(&mut self, keep: impl Fn(char) -> bool) {
        while self.peek(0).is_some_and(&keep) {
            self.bump();
        }
    }

    fn run(mut self) -> Vec<Token<'a>> {
        while let Some(c) = self.peek(0) {
            let (start, line, column) = (self.at, self.line, self.column);
            let kind = match c {
                c if c.is_whitespace() => {
                    self.bump();
                    continue;
                }
                '/' if self.peek(1) == Some('/') => {
                    self.bump_while(|c| c != '\n');
                    continue;
                }
                '/' if self.peek(1) == Some('*') => {
                    self.block_comment();
                    continue;
                }
                '"' => {
                    self.quoted('"');
                    Kind::Literal
                }
                '\'' => self.quote_or_lifetime(),
                c if c.is_ascii_digit() => {
                    self.number();
                    Kind::Literal
                }
                c if c.is_alphabetic() || c == '_' => self.word(),
                _ => {
                    self.bump();
                    let two = (c, self.peek(0));
                    if matches!(two, (':', Some(':')) | ('!', Some('='))) {
                        self.bump();
                    }
                    Kind::Punct
                }
            };
            let offset = self.offset(start);
            let mut text = &self.src[offset..self.offset(self.at)];
            if kind == Kind::Ident {
                text = text.strip_prefix("r#").unwrap_or(text);
            }
            self.out.push(Token {
                kind,
                text,
                line,
                column,
                offset,
            });
        }
        self.out
    }

    /// `/* ... */`, nested as Rust nests them; an unclosed one runs to the end.
    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.bump();
            } else if c == '*' && self.peek(1) == Some('/') {
                depth -= 1;
                self.bump();
                if depth == 0 {
                    self.bump();
                    return;
                }
            }
            self.bump();
        }
    }

    /// From an opening quote to its unescaped closing twin.
    fn quoted(&mut self, quote: char) {
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            if c == '\\' {
                self.bump();
            } else if c == quote {
                return;
            }
        }
    }

    /// `r"..."`, `r#"..."#` and so on, from the `r`.
    fn raw_string(&mut self) {
        self.bump();
        // rustc allows at most 255; more would make the closing check quadratic.
        let mut hashes = 0;
        while self.peek(0) == Some('#') && hashes < 255 {
            hashes += 1;
            self.bump();
        }
        if self.peek(0) != Some('"') {
            return;
        }
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            if c == '"' && (0..hashes).all(|i| self.peek(i) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return;
            }
        }
    }

    /// `'a'`, `'\n'`, `'\u{1F600}'` are characters; `'a` and `'static` are lifetimes.
    fn quote_or_lifetime(&mut self) -> Kind {
        if self.peek(1) == Some('\\') || self.peek(2) == Some('\'') {
            self.quoted('\'');
            return Kind::Literal;
        }
        self.bump();
        self.bump_while(|c| c.is_alphanumeric() || c == '_');
        Kind::Lifetime
    }

    fn number(&mut self) {
        loop {
            self.bump_while(|c| c.is_alphanumeric() || c == '_');
            if self.peek(0) == Some('.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            } else {
                return;
            }
        }
    }

    /// An identifier, or a literal with a prefix (`b"..."`, `br#"..."#`, `c"..."`, `b'x'`).
    fn word(&mut self) -> Kind {
        let prefix: String = (0..3).map_while(|i| self.peek(i)).collect();
        let raw = |rest: &str| rest.starts_with("r\"") || rest.starts_with("r#\"");
        if prefix.starts_with("r#") && !raw(&prefix) {
            self.bump();
            self.bump();
        } else if let Some(rest) = prefix
            .strip_prefix('b')
            .or_else(|| prefix.strip_prefix('c'))
        {
            if rest.starts_with('"') || rest.starts_with('\'') {
                self.bump();
                let quote = if rest.starts_with('"') { '"' } else { '\'' };
                self.quoted(quote);
                return Kind::Literal;
            }
            if raw(rest) {
                self.bump();
                self.raw_string();
                return Kind::Literal;
            }
        } else if raw(&prefix) {
            self.raw_string();
            return Kind::Literal;
        }
        self.bump_while(|c| c.is_alphanumeric() || c == '_');
        Kind::Ident
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(src: &str) -> Vec<&str> {
        tokenize(src)
            .into_iter()
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn comments_and_literals_hide_their_words() {
        let src = "// std::fs\n/* a /* nested fs */ b */ let s = \"fs \\\" fs\"; \
                   let r = r#\"fs \" fs\"#; let c = 'f'; let b = b\"fs\"; x";
        assert_eq!(
            idents(src),
            ["let", "s", "let", "r", "let", "c", "let", "b", "x"]
        );
    }

    #[test]
    fn lifetimes_chars_and_raw_identifiers_are_told_apart() {
        let toks = tokenize("fn f<'a>(x: &'a str) -> char { '\\'' } r#fs");
        let kinds: Vec<_> = toks.iter().map(|t| (t.kind, t.text)).collect();
        assert!(kinds.contains(&(Kind::Lifetime, "'a")));
        assert!(kinds.contains(&(Kind::Literal, "'\\''")));
        assert_eq!(toks.last().map(|t| t.text), Some("fs"));
    }

    #[test]
    fn paths_and_positions() {
        let toks = tokenize("a\n  std::fs != 1.5");
        let texts: Vec<_> = toks.iter().map(|t| t.text).collect();
        assert_eq!(texts, ["a", "std", "::", "fs", "!=", "1.5"]);
        assert_eq!((toks[3].line, toks[3].column), (2, 8));
    }

    #[test]
    fn unclosed_literals_and_comments_end_at_the_end() {
        for src in [
            "\"never closed",
            "/* never closed",
            "r#\"never",
            "'",
            "b'",
            "r#",
        ] {
            let _ = tokenize(src);
        }
    }
}
