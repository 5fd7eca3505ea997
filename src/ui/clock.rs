//! The screens' idea of "now". It is the system clock, except in the snapshot tests,
//! which fix it once so that "due in 3 days", the streak and the calendar's months draw
//! the same picture on every day the tests run.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};

static FIXED: OnceLock<DateTime<Utc>> = OnceLock::new();

/// Fixes the clock for the rest of the process (the first call wins).
pub fn fix(at: DateTime<Utc>) {
    let _ = FIXED.set(at);
}

pub fn now() -> DateTime<Utc> {
    FIXED.get().copied().unwrap_or_else(Utc::now)
}
