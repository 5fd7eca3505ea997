//! Bulkheads: a pool per workload. The task is in the pane beside the editor.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Why a call was not admitted. Carries enough to write a useful log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Every permit of `pool` is in use.
    Full { pool: String, max: usize },
    /// No pool has this name (a typo, or a workload nobody sized).
    UnknownPool(String),
}

/// One compartment: at most `max` permits in use at any moment.
#[derive(Debug)]
pub struct Bulkhead {
    name: String,
    max: usize,
    /// How many permits are in use right now.
    in_use: Mutex<usize>,
    /// Signalled every time a permit is given back, to wake one waiting thread.
    freed: Condvar,
}

/// Proof that the holder may use one slot of `bulkhead`. Dropping it frees the slot.
#[derive(Debug)]
pub struct Permit<'a> {
    bulkhead: &'a Bulkhead,
}

impl Bulkhead {
    pub fn new(name: &str, max: usize) -> Bulkhead {
        Bulkhead {
            name: name.to_string(),
            max,
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Permits in use right now.
    pub fn in_use(&self) -> usize {
        *self.in_use.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A permit if one is free right now; `Rejection::Full` otherwise, without waiting.
    pub fn try_acquire(&self) -> Result<Permit<'_>, Rejection> {
        todo!("check and increment in_use under the lock, in one critical section")
    }

    /// Like `try_acquire`, but waits up to `wait` for a permit to be freed.
    pub fn acquire_timeout(&self, wait: Duration) -> Result<Permit<'_>, Rejection> {
        todo!("wait on `freed` while the pool is full, for at most `wait`")
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        todo!("give the permit back and wake one waiter")
    }
}

/// A set of bulkheads, one per workload.
#[derive(Debug)]
pub struct Bulkheads {
    pools: HashMap<String, Bulkhead>,
}

impl Bulkheads {
    /// One bulkhead per `(name, max)` pair.
    pub fn new(sizes: &[(&str, usize)]) -> Bulkheads {
        Bulkheads {
            pools: sizes
                .iter()
                .map(|&(name, max)| (name.to_string(), Bulkhead::new(name, max)))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Bulkhead> {
        self.pools.get(name)
    }

    /// Runs `work` while holding a permit of pool `name`; refuses at once if that pool
    /// is full or unknown. The permit is given back when `work` returns or panics.
    pub fn run<R>(&self, name: &str, work: impl FnOnce() -> R) -> Result<R, Rejection> {
        todo!("find the pool, take a permit, run the work, let the permit drop")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn a_full_pool_rejects_at_once() {
        let pool = Bulkhead::new("reports", 2);
        let a = pool.try_acquire().unwrap();
        let _b = pool.try_acquire().unwrap();
        assert_eq!(
            pool.try_acquire().unwrap_err(),
            Rejection::Full {
                pool: "reports".to_string(),
                max: 2
            }
        );
        drop(a);
        assert!(
            pool.try_acquire().is_ok(),
            "dropping a permit frees its slot"
        );
    }

    #[test]
    fn a_full_pool_does_not_starve_another() {
        let pools = Bulkheads::new(&[("api", 1), ("reports", 1)]);
        let _slow_report = pools.get("reports").unwrap().try_acquire().unwrap();
        assert_eq!(pools.run("api", || 42), Ok(42));
    }
}
