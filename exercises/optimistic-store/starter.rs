//! Optimistic concurrency with versions. The task is in the pane beside the editor.

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
