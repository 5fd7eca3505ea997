//! Names of the figures the app can draw inside lesson Markdown. A section embeds one with
//! a fenced block whose language is `figure` and whose body is the name; validation
//! rejects names not listed here, and `ui::figures` draws them.

pub const KNOWN: &[&str] = &[
    "breaker-states",
    "bulkhead-pools",
    "race-timeline",
    "cascade-chain",
    "trace-waterfall",
    "backoff-curves",
];
