//! Reference solution for "An idempotency key store that survives duplicates".

use std::collections::hash_map::Entry;
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
        match self {
            IdemError::MissingKey => 400,
            IdemError::InProgress => 409,
            IdemError::BodyMismatch => 422,
            IdemError::NotStarted => 500,
        }
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

impl Record {
    fn body(&self) -> &str {
        match self {
            Record::InProgress { body, .. } | Record::Done { body, .. } => body,
        }
    }
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
        let key = key.filter(|k| !k.is_empty()).ok_or(IdemError::MissingKey)?;
        let claim = Record::InProgress {
            body: body.to_string(),
            started_at_ms: now_ms,
        };
        let mut records = self.lock();
        match records.entry(key.to_string()) {
            Entry::Vacant(slot) => {
                slot.insert(claim);
                Ok(Begin::Execute)
            }
            Entry::Occupied(mut slot) => {
                let record = slot.get_mut();
                if !self.is_live(record, now_ms) {
                    *record = claim;
                    return Ok(Begin::Execute);
                }
                if record.body() != body {
                    return Err(IdemError::BodyMismatch);
                }
                match record {
                    Record::InProgress { .. } => Err(IdemError::InProgress),
                    Record::Done { response, .. } => Ok(Begin::Replay(response.clone())),
                }
            }
        }
    }

    /// Stores the response of the work started by `begin`.
    pub fn complete(
        &self,
        key: &str,
        body: &str,
        response: Response,
        now_ms: u64,
    ) -> Result<(), IdemError> {
        match self.lock().get_mut(key) {
            Some(record @ Record::InProgress { .. }) if record.body() == body => {
                *record = Record::Done {
                    body: body.to_string(),
                    response,
                    stored_at_ms: now_ms,
                };
                Ok(())
            }
            _ => Err(IdemError::NotStarted),
        }
    }

    /// Gives up a claim after a failure that is safe to retry. Returns `true` if an
    /// `InProgress` record with this body was removed; a `Done` record is never removed.
    pub fn abandon(&self, key: &str, body: &str) -> bool {
        let mut records = self.lock();
        let claimed = matches!(
            records.get(key),
            Some(Record::InProgress { body: claimed, .. }) if claimed == body
        );
        if claimed {
            records.remove(key);
        }
        claimed
    }

    /// Removes every record that is no longer live; returns how many.
    pub fn purge_expired(&self, now_ms: u64) -> usize {
        let mut records = self.lock();
        let before = records.len();
        records.retain(|_, record| self.is_live(record, now_ms));
        before - records.len()
    }

    /// A `Done` record lives for `ttl_ms`, an `InProgress` claim for `lease_ms`.
    fn is_live(&self, record: &Record, now_ms: u64) -> bool {
        let dies_at = match record {
            Record::InProgress { started_at_ms, .. } => started_at_ms.saturating_add(self.lease_ms),
            Record::Done { stored_at_ms, .. } => stored_at_ms.saturating_add(self.ttl_ms),
        };
        now_ms < dies_at
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
