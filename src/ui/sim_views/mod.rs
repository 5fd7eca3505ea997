//! One view per simulation; each draws its model from `crate::sim` and owns its controls.

pub mod backoff;
pub mod breaker;
pub mod bulkhead;
pub mod cascade;
pub mod checkout;
pub mod collapse;
pub mod idempotency;
pub mod race;
pub mod retries;
pub mod retry_storm;
