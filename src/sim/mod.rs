//! Deterministic simulations over virtual time: one file per pattern on a shared engine
//! (`engine`: clock, event queue, seeded RNG, latency distributions, bounded series).
//!
//! A simulation is a model, not an animation: `new(config, seed)`, advance virtual time,
//! read what happened. Same config and seed give the same run on every machine.

pub mod backoff;
pub mod breaker;
pub mod bulkhead;
pub mod cascade;
pub mod catalog;
pub mod checkout;
pub mod collapse;
pub mod engine;
pub mod headless;
pub mod idempotency;
pub mod presets;
pub mod progress;
pub mod race;
pub mod requests;
pub mod retry_storm;
pub mod retry_strategies;

pub use progress::SimProgress;

/// The title of a simulation, as the list and the links show it; the id itself when the
/// id is unknown (a link checked by `workbook validate` never is).
pub fn title(id: &str) -> &str {
    catalog::find(id).map_or(id, |s| s.title)
}
