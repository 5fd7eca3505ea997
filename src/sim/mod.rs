//! Deterministic simulations over virtual time: one file per pattern on a shared engine
//! (`engine`: clock, event queue, seeded RNG, latency distributions, bounded series).
//!
//! A simulation is a model, not an animation: `new(config, seed)`, advance virtual time,
//! read what happened. Same config and seed give the same run on every machine.

pub mod backoff;
pub mod breaker;
pub mod bulkhead;
pub mod cascade;
pub mod checkout;
pub mod engine;
pub mod idempotency;
pub mod progress;
pub mod race;
pub mod retry_storm;

pub use progress::SimProgress;
