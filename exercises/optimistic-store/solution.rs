//! Reference solution for "Optimistic concurrency with versions".

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

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

    /// Locks the map. A poisoned lock only means another thread panicked while holding
    /// it; every method leaves the map consistent at each step, so carry on.
    fn records(&self) -> MutexGuard<'_, HashMap<String, Versioned<T>>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn insert(&self, key: &str, value: T) -> Result<u64, StoreError> {
        match self.records().entry(key.to_string()) {
            Entry::Occupied(_) => Err(StoreError::AlreadyExists),
            Entry::Vacant(slot) => {
                slot.insert(Versioned { value, version: 1 });
                Ok(1)
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<Versioned<T>> {
        self.records().get(key).cloned()
    }

    pub fn update_if(&self, key: &str, expected_version: u64, value: T) -> Result<u64, StoreError> {
        let mut records = self.records();
        let record = records.get_mut(key).ok_or(StoreError::NotFound)?;
        if record.version != expected_version {
            return Err(StoreError::Conflict {
                expected: expected_version,
                current: record.version,
            });
        }
        record.value = value;
        record.version += 1;
        Ok(record.version)
    }

    pub fn update_with<F>(
        &self,
        key: &str,
        max_attempts: u32,
        mut f: F,
    ) -> Result<Versioned<T>, StoreError>
    where
        F: FnMut(&T) -> T,
    {
        for _ in 0..max_attempts {
            // `get` returns a copy and releases the lock before `f` runs.
            let snapshot = self.get(key).ok_or(StoreError::NotFound)?;
            let value = f(&snapshot.value);
            match self.update_if(key, snapshot.version, value.clone()) {
                Ok(version) => return Ok(Versioned { value, version }),
                Err(StoreError::Conflict { .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(StoreError::TooManyConflicts {
            attempts: max_attempts,
        })
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
