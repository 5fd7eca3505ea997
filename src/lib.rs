//! Resilience Workbook: lessons, flashcards, simulations and graded exercises about
//! turning production incidents into architecture.
//!
//! Layering: `content`, `srs`, `sim`, `runner`, `store` and `progress` are the core and never depend on
//! egui; `ui` draws core state; `app` owns the state and wires the two; `cli` is the
//! headless front end over the same core.

pub mod app;
pub mod cli;
pub mod content;
pub mod drill;
pub mod logging;
pub mod progress;
pub mod runner;
pub mod search;
pub mod sim;
pub mod srs;
pub mod store;
pub mod ui;
