//! Lesson packs: `lessons/<id>/lesson.ron` plus Markdown sections, loaded into a typed
//! model and validated. Every problem is reported with file, line and column, and one
//! broken pack never stops the others from loading.

pub mod drill;
pub mod figures;
pub mod guided;
pub mod lesson;
pub mod postmortem;
pub mod problem;
pub mod show_me;
pub mod source;
pub mod task;

pub use lesson::{LessonPack, Library, Section, load_library};
pub use problem::Problem;
pub use source::ContentSource;

/// Simulation ids a section may link to (the simulations screen opens them by id).
pub const SIMULATION_IDS: &[&str] = &[
    "breaker",
    "bulkhead",
    "race",
    "idempotency",
    "checkout-outage",
    "backoff",
    "retry-storm",
    "cascade",
    "retries",
    "collapse",
];
