//! An idempotency key store that survives duplicates. The task is in the pane beside the editor.

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
