//! # An idempotency key store that survives duplicates
//!
//! The client sends "charge 50 EUR", the network drops the reply, the client retries.
//! Without protection the customer pays twice. The standard cure: the *client* makes a
//! unique idempotency key (a UUID) before the first try and sends the same key on every
//! retry; the server remembers `key -> response` for a while (say 24 h) and answers a
//! repeat with the stored response instead of charging again.
//!
//! The naive version, "if the key is not in the table, charge, then insert the key", has
//! three famous holes, and this exercise closes all of them:
//!
//! 1. **The duplicate race.** Two copies of the same request arrive at the same moment
//!    (a client that retries too eagerly, a proxy that replays). Both check the table,
//!    both see nothing, both charge. The check and the claim must be ONE atomic step:
//!    the first request inserts an `InProgress` record for the key before it does any
//!    work, and a concurrent duplicate finds that record and is told "in progress"
//!    (HTTP 409: retry a bit later), not given a green light.
//! 2. **The same key with a different request.** A buggy client reuses a key for a new
//!    payment of 80 EUR. Replaying the 50 EUR answer would be a lie, and charging would
//!    break the key's promise. Refuse it: `BodyMismatch` (HTTP 422).
//! 3. **The crash in the middle.** A worker claims a key and dies before completing it.
//!    The `InProgress` record must not block the key forever: it holds a *lease* of
//!    `lease_ms`, after which a retry may take over. And when the work fails in a way
//!    that is safe to retry (the gateway was unreachable, nothing was charged), the
//!    worker calls `abandon` so the client's retry can run at once.
//!
//! Also: no key at all on an endpoint that needs one is the client's bug: `MissingKey`
//! (HTTP 400). An empty key counts as missing. A completed record is kept for `ttl_ms`
//! from when it was stored; after that the key is forgotten and may be used again.
//!
//! Rules for `begin(key, body, now_ms)` (under one lock, start to finish):
//! - no key or an empty key -> `Err(MissingKey)`;
//! - no record, or a record that is no longer live (a `Done` record at or after
//!   `stored_at_ms + ttl_ms`, an `InProgress` record at or after
//!   `started_at_ms + lease_ms`) -> store `InProgress { body, started_at_ms: now_ms }`
//!   and return `Ok(Execute)`: the caller does the work, then calls `complete`;
//! - a live record with a different body -> `Err(BodyMismatch)`;
//! - a live `InProgress` record -> `Err(InProgress)`;
//! - a live `Done` record -> `Ok(Replay(response))`, the stored response, unchanged.
//!
//! `complete(key, body, response, now_ms)` turns the matching `InProgress` record (same
//! key, same body) into `Done { response, stored_at_ms: now_ms }`; anything else is
//! `Err(NotStarted)` (a bug in the caller: completing twice, or without `begin`).
//!
//! (A production store would also give each `Execute` a lease token, so that a worker
//! whose lease ran out cannot complete the attempt that took over; and it would write
//! the record in the same transaction as the charge itself. Left out to stay small.)

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// What the server answered, stored so it can be replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// What the caller of `begin` should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// You own this key now: do the work, then `complete` (or `abandon`).
    Execute,
    /// Already done: send this stored response again, do nothing else.
    Replay(Response),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdemError {
    MissingKey,
    InProgress,
    BodyMismatch,
    NotStarted,
}

impl IdemError {
    /// The HTTP status to answer with: 400, 409, 422, and 500 for `NotStarted`
    /// (that one is our own bug, not the client's).
    pub fn status(&self) -> u16 {
        todo!("one status per error")
    }
}

/// What the store knows about one key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Record {
    InProgress {
        body: String,
        started_at_ms: u64,
    },
    Done {
        body: String,
        response: Response,
        stored_at_ms: u64,
    },
}

#[derive(Debug)]
pub struct IdempotencyStore {
    ttl_ms: u64,
    lease_ms: u64,
    records: Mutex<HashMap<String, Record>>,
}

impl IdempotencyStore {
    pub fn new(ttl_ms: u64, lease_ms: u64) -> IdempotencyStore {
        IdempotencyStore {
            ttl_ms,
            lease_ms,
            records: Mutex::new(HashMap::new()),
        }
    }

    /// The table, locked. Recovering a poisoned lock is fine: every method changes the
    /// table in a single step, so it is never left half-updated.
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Record>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many keys have a record (live or not yet purged).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Claims `key` for this request, or says why not (see the rules above).
    pub fn begin(&self, key: Option<&str>, body: &str, now_ms: u64) -> Result<Begin, IdemError> {
        todo!("one lock: look up, check liveness, compare bodies, claim or answer")
    }

    /// Stores the response of the work started by `begin`.
    pub fn complete(
        &self,
        key: &str,
        body: &str,
        response: Response,
        now_ms: u64,
    ) -> Result<(), IdemError> {
        todo!("InProgress with the same body -> Done; anything else -> NotStarted")
    }

    /// Gives up a claim after a failure that is safe to retry. Returns `true` if an
    /// `InProgress` record with this body was removed; a `Done` record is never removed.
    pub fn abandon(&self, key: &str, body: &str) -> bool {
        todo!("remove only a matching InProgress record")
    }

    /// Removes every record that is no longer live; returns how many.
    pub fn purge_expired(&self, now_ms: u64) -> usize {
        todo!("retain the live records")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    fn ok(body: &str) -> Response {
        Response {
            status: 201,
            body: body.to_string(),
        }
    }

    #[test]
    fn a_retry_gets_the_stored_response() {
        let store = IdempotencyStore::new(86_400_000, 30_000);
        assert_eq!(store.begin(Some("k1"), "charge 50", 0), Ok(Begin::Execute));
        store
            .complete("k1", "charge 50", ok("charged"), 10)
            .unwrap();
        assert_eq!(
            store.begin(Some("k1"), "charge 50", 20),
            Ok(Begin::Replay(ok("charged")))
        );
    }

    #[test]
    fn a_concurrent_duplicate_is_told_to_wait() {
        let store = IdempotencyStore::new(86_400_000, 30_000);
        assert_eq!(store.begin(Some("k1"), "charge 50", 0), Ok(Begin::Execute));
        assert_eq!(
            store.begin(Some("k1"), "charge 50", 1),
            Err(IdemError::InProgress)
        );
    }

    #[test]
    fn no_key_no_service() {
        let store = IdempotencyStore::new(86_400_000, 30_000);
        assert_eq!(
            store.begin(None, "charge 50", 0),
            Err(IdemError::MissingKey)
        );
        assert_eq!(IdemError::MissingKey.status(), 400);
    }
}
