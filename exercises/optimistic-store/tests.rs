use super::*;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

#[test]
fn insert_starts_at_version_one() {
    let store = Store::new();
    ::core::assert_eq!(store.insert("a", 1), Ok(1));
    ::core::assert_eq!(
        store.get("a"),
        Some(Versioned {
            value: 1,
            version: 1
        })
    );
}

#[test]
fn insert_refuses_to_overwrite() {
    let store = Store::new();
    store.insert("a", 1).unwrap();
    ::core::assert_eq!(
        store.insert("a", 2),
        Err(StoreError::AlreadyExists),
        "insert creates; overwriting would be an unconditional update, the very bug we avoid"
    );
    ::core::assert_eq!(
        store.get("a"),
        Some(Versioned {
            value: 1,
            version: 1
        })
    );
}

#[test]
fn get_of_an_unknown_key_is_none() {
    let store: Store<i32> = Store::new();
    ::core::assert_eq!(store.get("nope"), None);
}

#[test]
fn keys_are_independent() {
    let store = Store::new();
    store.insert("a", 1).unwrap();
    store.insert("b", 2).unwrap();
    store.update_if("a", 1, 10).unwrap();
    ::core::assert_eq!(
        store.get("a"),
        Some(Versioned {
            value: 10,
            version: 2
        })
    );
    ::core::assert_eq!(
        store.get("b"),
        Some(Versioned {
            value: 2,
            version: 1
        })
    );
}

#[test]
fn each_successful_update_bumps_the_version_by_one() {
    let store = Store::new();
    store.insert("a", 0).unwrap();
    for expected in 1..=5u64 {
        ::core::assert_eq!(
            store.update_if("a", expected, expected as i32),
            Ok(expected + 1)
        );
    }
    ::core::assert_eq!(
        store.get("a"),
        Some(Versioned {
            value: 5,
            version: 6
        })
    );
}

#[test]
fn a_conflict_reports_both_versions_and_changes_nothing() {
    let store = Store::new();
    store.insert("a", "v1").unwrap();
    store.update_if("a", 1, "v2").unwrap();
    store.update_if("a", 2, "v3").unwrap();
    ::core::assert_eq!(
        store.update_if("a", 1, "stale"),
        Err(StoreError::Conflict {
            expected: 1,
            current: 3
        })
    );
    ::core::assert_eq!(
        store.update_if("a", 7, "future"),
        Err(StoreError::Conflict {
            expected: 7,
            current: 3
        }),
        "a version from the future is a conflict too: only an exact match may write"
    );
    ::core::assert_eq!(
        store.get("a"),
        Some(Versioned {
            value: "v3",
            version: 3
        })
    );
}

#[test]
fn update_if_on_an_unknown_key_is_not_found() {
    let store = Store::new();
    ::core::assert_eq!(store.update_if("ghost", 1, 5), Err(StoreError::NotFound));
    ::core::assert_eq!(
        store.get("ghost"),
        None,
        "a failed update must not create the key"
    );
}

#[test]
fn update_with_on_an_unknown_key_is_not_found_without_calling_f() {
    let store: Store<i32> = Store::new();
    let mut calls = 0;
    let result = store.update_with("ghost", 5, |v| {
        calls += 1;
        v + 1
    });
    ::core::assert_eq!(result, Err(StoreError::NotFound));
    ::core::assert_eq!(calls, 0);
}

#[test]
fn update_with_zero_attempts_gives_up_without_calling_f() {
    let store = Store::new();
    store.insert("a", 1).unwrap();
    let mut calls = 0;
    let result = store.update_with("a", 0, |v| {
        calls += 1;
        v + 1
    });
    ::core::assert_eq!(result, Err(StoreError::TooManyConflicts { attempts: 0 }));
    ::core::assert_eq!(calls, 0);
    ::core::assert_eq!(
        store.get("a"),
        Some(Versioned {
            value: 1,
            version: 1
        })
    );
}

/// Writes to the store from another thread and waits for it, at most a second.
/// If `update_with` holds the lock while `f` runs, this write can never get in.
fn sneak_in_a_write(store: &Arc<Store<i32>>, key: &'static str, value: i32) {
    let store = Arc::clone(store);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let snapshot = store.get(key).expect("key exists");
        let _ = tx.send(store.update_if(key, snapshot.version, value));
    });
    let result = rx.recv_timeout(Duration::from_secs(1)).expect(
        "another writer could not reach the store while f was running: \
         update_with must not hold the lock while it calls f",
    );
    ::core::assert!(
        result.is_ok(),
        "the concurrent writer should have succeeded: {result:?}"
    );
}

#[test]
fn update_with_retries_after_a_concurrent_write() {
    let store = Arc::new(Store::new());
    store.insert("balance", 100).unwrap();
    let mut calls = 0;
    let result = store.update_with("balance", 5, |v| {
        calls += 1;
        if calls == 1 {
            // Someone deposits 50 while we are computing from the old value.
            sneak_in_a_write(&store, "balance", 150);
        }
        v - 30
    });
    ::core::assert_eq!(
        result,
        Ok(Versioned {
            value: 120,
            version: 3
        }),
        "the second try must start from the fresh value 150, not from the stale 100"
    );
    ::core::assert_eq!(calls, 2, "f runs once per attempt");
    ::core::assert_eq!(
        store.get("balance"),
        Some(Versioned {
            value: 120,
            version: 3
        })
    );
}

#[test]
fn update_with_gives_up_after_max_attempts_conflicts() {
    let store = Arc::new(Store::new());
    store.insert("hot", 0).unwrap();
    let mut calls = 0;
    let result = store.update_with("hot", 3, |v| {
        calls += 1;
        sneak_in_a_write(&store, "hot", 1_000 + calls);
        v + 1
    });
    ::core::assert_eq!(result, Err(StoreError::TooManyConflicts { attempts: 3 }));
    ::core::assert_eq!(
        calls, 3,
        "exactly max_attempts tries, each with a fresh read"
    );
    ::core::assert_eq!(
        store.get("hot"),
        Some(Versioned {
            value: 1_003,
            version: 4
        }),
        "only the three concurrent writes may have landed"
    );
}

#[test]
fn many_threads_incrementing_lose_no_update() {
    const THREADS: usize = 8;
    const EACH: i64 = 250;
    let store = Store::new();
    store.insert("counter", 0i64).unwrap();
    let start = Barrier::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start.wait();
                for _ in 0..EACH {
                    store
                        .update_with("counter", u32::MAX, |n| n + 1)
                        .expect("with unlimited attempts every increment lands");
                }
            });
        }
    });
    let total = THREADS as i64 * EACH;
    ::core::assert_eq!(
        store.get("counter"),
        Some(Versioned {
            value: total,
            version: total as u64 + 1
        }),
        "every increment must land exactly once: no lost updates, no double writes"
    );
}

#[test]
fn racing_conditional_writes_have_exactly_one_winner_per_version() {
    const THREADS: usize = 8;
    for round in 0..50 {
        let store = Store::new();
        store.insert("seat", 0usize).unwrap();
        let start = Barrier::new(THREADS);
        let winners: usize = thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS)
                .map(|i| {
                    let store = &store;
                    let start = &start;
                    s.spawn(move || {
                        start.wait();
                        store.update_if("seat", 1, i + 1).is_ok() as usize
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        ::core::assert_eq!(
            winners, 1,
            "round {round}: {winners} writers all succeeded at version 1"
        );
        ::core::assert_eq!(store.get("seat").unwrap().version, 2);
    }
}

#[test]
fn works_with_any_clonable_value() {
    let store = Store::new();
    store.insert("tags", ::std::vec!["a".to_string()]).unwrap();
    let written = store
        .update_with("tags", 1, |tags| {
            let mut tags = tags.clone();
            tags.push("b".to_string());
            tags
        })
        .unwrap();
    ::core::assert_eq!(written.value, ::std::vec!["a".to_string(), "b".to_string()]);
    ::core::assert_eq!(written.version, 2);
}
