//! A log line with context. The task is in the pane beside the editor.

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
        // Written for you: the level names are fixed and never need quotes.
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
    /// Milliseconds since the Unix epoch. Passed in, not read from the system clock, so
    /// the event is easy to test (and the caller decides which clock is the truth).
    pub ts_ms: u64,
    pub level: Level,
    pub message: String,
    /// Context fields in the order they were first added: (cleaned key, value).
    pub fields: Vec<(String, String)>,
}

impl Event {
    /// A new event with no fields yet.
    pub fn new(ts_ms: u64, level: Level, message: &str) -> Event {
        todo!("store the three values and start with no fields")
    }

    /// Adds (or replaces) one context field. Any `Display` value works: numbers, ids,
    /// strings. Returns the event so calls chain: `Event::new(..).field("user_id", 42)`.
    pub fn field(mut self, key: &str, value: impl fmt::Display) -> Event {
        todo!("clean the key, then replace an existing value or append a new pair")
    }

    /// The whole event as one `key=value` line (no newline at the end).
    pub fn render(&self) -> String {
        todo!("ts, level, msg, then the fields; quote and escape values that need it")
    }

    /// The keys from `required` that this event does not have, in the order given.
    pub fn missing<'a>(&self, required: &[&'a str]) -> Vec<&'a str> {
        todo!("keep the required keys that no field has")
    }
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
