//! Reference solution for "Bulkheads: a pool per workload".

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
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
        *self.lock()
    }

    /// The counter. A poisoned lock only means a thread panicked while holding it;
    /// the count is always updated in one step, so it is still right.
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.in_use.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot if one is free, with the lock already held by the caller.
    fn admit(&self, in_use: &mut MutexGuard<'_, usize>) -> Result<Permit<'_>, Rejection> {
        if **in_use < self.max {
            **in_use += 1;
            Ok(Permit { bulkhead: self })
        } else {
            Err(Rejection::Full {
                pool: self.name.clone(),
                max: self.max,
            })
        }
    }

    /// A permit if one is free right now; `Rejection::Full` otherwise, without waiting.
    pub fn try_acquire(&self) -> Result<Permit<'_>, Rejection> {
        let mut in_use = self.lock();
        self.admit(&mut in_use)
    }

    /// Like `try_acquire`, but waits up to `wait` for a permit to be freed.
    pub fn acquire_timeout(&self, wait: Duration) -> Result<Permit<'_>, Rejection> {
        let guard = self.lock();
        let (mut in_use, _timed_out) = self
            .freed
            .wait_timeout_while(guard, wait, |n| *n >= self.max)
            .unwrap_or_else(PoisonError::into_inner);
        self.admit(&mut in_use)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut in_use = self.bulkhead.lock();
        *in_use -= 1;
        drop(in_use);
        self.bulkhead.freed.notify_one();
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
        let pool = self
            .pools
            .get(name)
            .ok_or_else(|| Rejection::UnknownPool(name.to_string()))?;
        let _permit = pool.try_acquire()?;
        Ok(work())
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
