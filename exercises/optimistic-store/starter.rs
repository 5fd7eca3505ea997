//! # Optimistic concurrency with versions
//!
//! Two support agents open the same customer record. Agent A fixes the address and
//! saves. Agent B, still looking at the old copy, fixes the phone number and saves:
//! B's save writes the *old* address back. A's fix is silently lost. Nobody gets an
//! error; the customer gets a parcel at the wrong door. This is the lost update.
//!
//! One cure is a lock held while a human edits (pessimistic): safe, but one slow user
//! blocks everyone. The other is *optimistic concurrency*: every record carries a
//! version number. You read the value and its version, work on your copy without any
//! lock, and then write with a condition: "only if the version is still the one I read".
//! In SQL: `UPDATE customers SET ..., version = version + 1 WHERE id = ? AND version = ?`.
//! Zero rows updated means someone else won the race: you reload and decide again (or
//! show the user a conflict). Conflicts are rare in practice, so almost every write
//! succeeds the first time and nobody ever waits for a lock held across slow work.
//!
//! Your store keeps `key -> (value, version)` behind a `Mutex`, but the mutex is only
//! held for a few instructions inside each method, never while the caller computes.
//!
//! Rules:
//! - `insert` creates a key at version 1. An existing key is not overwritten
//!   (`AlreadyExists`): creating is not updating.
//! - `get` returns a copy (a snapshot) of the value and its version.
//! - `update_if(key, expected_version, value)` writes only if the stored version equals
//!   `expected_version`; the new version is the old one + 1, and is returned.
//!   A different version gives `Conflict { expected, current }` and changes nothing.
//! - `update_with(key, max_attempts, f)` is the read-compute-write retry loop: read a
//!   snapshot, compute `f(&value)` with NO lock held, try `update_if`, and on a conflict
//!   start again from a fresh read, at most `max_attempts` times in all.
//!   `f` may run more than once (so it must not have side effects that matter), and it
//!   must never run under the store's lock: `f` can be slow, or can even use the store
//!   itself. The hidden tests check this by writing to the store from inside `f`.

use std::collections::HashMap;
use std::sync::Mutex;

/// A value together with the version it had when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No record under this key.
    NotFound,
    /// `insert` found the key already present.
    AlreadyExists,
    /// Someone else wrote first: the record is at `current`, not at `expected`.
    Conflict { expected: u64, current: u64 },
    /// `update_with` lost the race `attempts` times in a row and gave up.
    TooManyConflicts { attempts: u32 },
}

/// A thread-safe key-value store with a version per key.
#[derive(Debug)]
pub struct Store<T> {
    records: Mutex<HashMap<String, Versioned<T>>>,
}

impl<T: Clone> Store<T> {
    pub fn new() -> Store<T> {
        Store {
            records: Mutex::new(HashMap::new()),
        }
    }

    /// Creates `key` at version 1 and returns that version.
    pub fn insert(&self, key: &str, value: T) -> Result<u64, StoreError> {
        todo!("refuse an existing key; otherwise store the value at version 1")
    }

    /// A snapshot of the value and its version, or `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<Versioned<T>> {
        todo!("clone the record out so the lock can be released")
    }

    /// Conditional write: succeeds only if the record is still at `expected_version`.
    /// Returns the new version.
    pub fn update_if(&self, key: &str, expected_version: u64, value: T) -> Result<u64, StoreError> {
        todo!("compare versions under the lock; write and bump, or report the conflict")
    }

    /// Read, compute with `f`, conditionally write; retry on conflict, at most
    /// `max_attempts` tries. Returns the value written and its version.
    pub fn update_with<F>(
        &self,
        key: &str,
        max_attempts: u32,
        mut f: F,
    ) -> Result<Versioned<T>, StoreError>
    where
        F: FnMut(&T) -> T,
    {
        todo!("loop: get, f, update_if; retry only on Conflict; never hold the lock while f runs")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn a_stale_write_is_refused() {
        let store = Store::new();
        store.insert("address", "Elm St 1".to_string()).unwrap();
        let a = store.get("address").unwrap();
        let b = store.get("address").unwrap();
        assert_eq!(
            store.update_if("address", a.version, "Oak St 9".to_string()),
            Ok(2)
        );
        assert_eq!(
            store.update_if("address", b.version, "Elm St 1, flat 2".to_string()),
            Err(StoreError::Conflict {
                expected: 1,
                current: 2
            }),
            "B read version 1, but A already moved it to 2"
        );
        assert_eq!(store.get("address").unwrap().value, "Oak St 9");
    }

    #[test]
    fn update_with_applies_a_function() {
        let store = Store::new();
        store.insert("count", 10).unwrap();
        let written = store.update_with("count", 3, |n| n + 5).unwrap();
        assert_eq!(
            written,
            Versioned {
                value: 15,
                version: 2
            }
        );
    }
}
