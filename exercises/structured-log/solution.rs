//! Reference solution for "A log line with context".

use std::fmt;

/// How bad it is. Rendered in lower case: `info`, `warn`, `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        f.write_str(name)
    }
}

/// One log event: when, how bad, a short message, and its context fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub ts_ms: u64,
    pub level: Level,
    pub message: String,
    pub fields: Vec<(String, String)>,
}

impl Event {
    pub fn new(ts_ms: u64, level: Level, message: &str) -> Event {
        Event {
            ts_ms,
            level,
            message: message.to_string(),
            fields: Vec::new(),
        }
    }

    pub fn field(mut self, key: &str, value: impl fmt::Display) -> Event {
        let key = clean_key(key);
        let value = value.to_string();
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((key, value)),
        }
        self
    }

    pub fn render(&self) -> String {
        let mut line = format!(
            "ts={} level={} msg={}",
            self.ts_ms,
            self.level,
            render_value(&self.message)
        );
        for (key, value) in &self.fields {
            line.push(' ');
            line.push_str(key);
            line.push('=');
            line.push_str(&render_value(value));
        }
        line
    }

    pub fn missing<'a>(&self, required: &[&'a str]) -> Vec<&'a str> {
        required
            .iter()
            .copied()
            .filter(|wanted| !self.fields.iter().any(|(key, _)| key == wanted))
            .collect()
    }
}

/// Keeps letters, digits, `_`, `.` and `-`; everything else becomes `_`.
fn clean_key(key: &str) -> String {
    if key.is_empty() {
        return "_".to_string();
    }
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A value as it appears after `=`: bare when unambiguous, quoted and escaped otherwise.
fn render_value(value: &str) -> String {
    let needs_quotes = value.is_empty()
        || value
            .chars()
            .any(|c| matches!(c, ' ' | '=' | '"' | '\\') || c.is_control());
    if !needs_quotes {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn a_simple_event_renders_bare_values() {
        let line = Event::new(1000, Level::Info, "started")
            .field("port", 8080)
            .render();
        assert_eq!(line, "ts=1000 level=info msg=started port=8080");
    }

    #[test]
    fn values_with_spaces_are_quoted() {
        let line = Event::new(5, Level::Error, "payment failed")
            .field("reason", "card declined")
            .render();
        assert_eq!(
            line,
            "ts=5 level=error msg=\"payment failed\" reason=\"card declined\""
        );
    }

    #[test]
    fn missing_lists_what_is_not_there() {
        let event = Event::new(1, Level::Warn, "slow").field("user_id", 7);
        assert_eq!(event.missing(&["user_id", "reason"]), vec!["reason"]);
    }
}
