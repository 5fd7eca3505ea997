use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;

const TTL: u64 = 86_400_000; // 24 h
const LEASE: u64 = 30_000; // 30 s

fn store() -> IdempotencyStore {
    IdempotencyStore::new(TTL, LEASE)
}

fn resp(status: u16, body: &str) -> Response {
    Response {
        status,
        body: body.to_string(),
    }
}

#[test]
fn error_statuses_follow_http() {
    ::core::assert_eq!(IdemError::MissingKey.status(), 400);
    ::core::assert_eq!(IdemError::InProgress.status(), 409);
    ::core::assert_eq!(IdemError::BodyMismatch.status(), 422);
    ::core::assert_eq!(IdemError::NotStarted.status(), 500);
}

#[test]
fn a_missing_or_empty_key_is_refused_and_stores_nothing() {
    let s = store();
    ::core::assert_eq!(s.begin(None, "charge 50", 0), Err(IdemError::MissingKey));
    ::core::assert_eq!(
        s.begin(Some(""), "charge 50", 0),
        Err(IdemError::MissingKey),
        "an empty key protects nothing: treat it as missing"
    );
    ::core::assert!(s.is_empty());
}

#[test]
fn the_first_request_executes_and_claims_the_key() {
    let s = store();
    ::core::assert_eq!(s.begin(Some("k"), "charge 50", 0), Ok(Begin::Execute));
    ::core::assert_eq!(
        s.len(),
        1,
        "begin must record the claim before the work starts"
    );
}

#[test]
fn a_duplicate_during_the_work_is_in_progress() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    for t in [0, 1, 15_000, LEASE - 1] {
        ::core::assert_eq!(
            s.begin(Some("k"), "charge 50", t),
            Err(IdemError::InProgress),
            "at {t} ms the first attempt still holds its lease: the duplicate must not execute"
        );
    }
}

#[test]
fn after_complete_every_retry_replays_the_same_response() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    s.complete("k", "charge 50", resp(201, r#"{"id":"ch_1"}"#), 100)
        .unwrap();
    for t in [100, 5_000, 3_600_000] {
        ::core::assert_eq!(
            s.begin(Some("k"), "charge 50", t),
            Ok(Begin::Replay(resp(201, r#"{"id":"ch_1"}"#)))
        );
    }
}

#[test]
fn an_error_response_is_replayed_too() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    s.complete("k", "charge 50", resp(402, "card declined"), 10)
        .unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 20),
        Ok(Begin::Replay(resp(402, "card declined"))),
        "the stored outcome is the answer, success or not; executing again could now succeed and surprise the client"
    );
}

#[test]
fn the_same_key_with_another_body_is_refused() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 80", 1),
        Err(IdemError::BodyMismatch),
        "while in progress, a different body under the same key is a client bug"
    );
    s.complete("k", "charge 50", resp(201, "ok"), 2).unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 80", 3),
        Err(IdemError::BodyMismatch),
        "replaying the 50 EUR answer to an 80 EUR request would be a lie"
    );
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 4),
        Ok(Begin::Replay(resp(201, "ok")))
    );
}

#[test]
fn keys_are_independent() {
    let s = store();
    ::core::assert_eq!(s.begin(Some("a"), "x", 0), Ok(Begin::Execute));
    ::core::assert_eq!(s.begin(Some("b"), "x", 0), Ok(Begin::Execute));
    s.complete("a", "x", resp(200, "A"), 1).unwrap();
    ::core::assert_eq!(s.begin(Some("b"), "x", 2), Err(IdemError::InProgress));
    ::core::assert_eq!(
        s.begin(Some("a"), "x", 2),
        Ok(Begin::Replay(resp(200, "A")))
    );
}

#[test]
fn a_done_record_expires_after_the_ttl() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    s.complete("k", "charge 50", resp(201, "ok"), 1_000)
        .unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 1_000 + TTL - 1),
        Ok(Begin::Replay(resp(201, "ok"))),
        "the ttl counts from when the response was stored, not from begin"
    );
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 1_000 + TTL),
        Ok(Begin::Execute),
        "at stored_at + ttl the record is gone: the key is new again"
    );
}

#[test]
fn an_expired_key_may_be_reused_with_a_new_body() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    s.complete("k", "charge 50", resp(201, "ok"), 0).unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 80", TTL),
        Ok(Begin::Execute),
        "an expired record is forgotten entirely, body included"
    );
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 80", TTL + 1),
        Err(IdemError::InProgress)
    );
}

#[test]
fn a_crashed_claim_can_be_taken_over_after_its_lease() {
    let s = store();
    s.begin(Some("k"), "charge 50", 1_000).unwrap(); // this worker dies
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 1_000 + LEASE - 1),
        Err(IdemError::InProgress)
    );
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 1_000 + LEASE),
        Ok(Begin::Execute),
        "a claim must not block the key forever: after lease_ms a retry takes over"
    );
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 1_000 + LEASE + 1),
        Err(IdemError::InProgress),
        "the takeover is a fresh claim with a fresh lease"
    );
}

#[test]
fn complete_needs_a_matching_claim() {
    let s = store();
    ::core::assert_eq!(
        s.complete("k", "charge 50", resp(201, "ok"), 0),
        Err(IdemError::NotStarted)
    );
    ::core::assert!(s.is_empty(), "complete must not create records");
    s.begin(Some("k"), "charge 50", 0).unwrap();
    ::core::assert_eq!(
        s.complete("k", "charge 80", resp(201, "ok"), 1),
        Err(IdemError::NotStarted),
        "the claim was for another body"
    );
    s.complete("k", "charge 50", resp(201, "first"), 2).unwrap();
    ::core::assert_eq!(
        s.complete("k", "charge 50", resp(201, "second"), 3),
        Err(IdemError::NotStarted),
        "completing twice is a bug; the first response must stay"
    );
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 4),
        Ok(Begin::Replay(resp(201, "first")))
    );
}

#[test]
fn abandon_frees_the_key_for_an_immediate_retry() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    ::core::assert!(!s.abandon("k", "charge 80"), "abandon must match the body");
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 1),
        Err(IdemError::InProgress)
    );
    ::core::assert!(s.abandon("k", "charge 50"));
    ::core::assert!(s.is_empty());
    ::core::assert_eq!(s.begin(Some("k"), "charge 50", 2), Ok(Begin::Execute));
}

#[test]
fn abandon_never_removes_a_completed_record() {
    let s = store();
    s.begin(Some("k"), "charge 50", 0).unwrap();
    s.complete("k", "charge 50", resp(201, "ok"), 1).unwrap();
    ::core::assert!(
        !s.abandon("k", "charge 50"),
        "the money moved: forgetting that would allow a double charge"
    );
    ::core::assert!(!s.abandon("unknown", "x"));
    ::core::assert_eq!(
        s.begin(Some("k"), "charge 50", 2),
        Ok(Begin::Replay(resp(201, "ok")))
    );
}

#[test]
fn purge_removes_exactly_the_dead_records() {
    let s = IdempotencyStore::new(1_000, 100);
    s.begin(Some("done-old"), "a", 0).unwrap();
    s.complete("done-old", "a", resp(200, "a"), 0).unwrap();
    s.begin(Some("done-new"), "b", 500).unwrap();
    s.complete("done-new", "b", resp(200, "b"), 500).unwrap();
    s.begin(Some("claim-old"), "c", 850).unwrap();
    s.begin(Some("claim-new"), "d", 950).unwrap();
    ::core::assert_eq!(s.len(), 4);
    ::core::assert_eq!(
        s.purge_expired(1_000),
        2,
        "done-old (ttl) and claim-old (lease) are dead at 1000"
    );
    ::core::assert_eq!(s.len(), 2);
    ::core::assert_eq!(
        s.begin(Some("done-new"), "b", 1_000),
        Ok(Begin::Replay(resp(200, "b")))
    );
    ::core::assert_eq!(
        s.begin(Some("claim-new"), "d", 1_000),
        Err(IdemError::InProgress)
    );
    ::core::assert_eq!(s.purge_expired(1_000), 0);
}

#[test]
fn huge_ttl_and_lease_do_not_overflow() {
    let s = IdempotencyStore::new(u64::MAX, u64::MAX);
    s.begin(Some("k"), "x", u64::MAX - 5).unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "x", u64::MAX - 1),
        Err(IdemError::InProgress)
    );
    s.complete("k", "x", resp(200, "ok"), u64::MAX - 1).unwrap();
    ::core::assert_eq!(
        s.begin(Some("k"), "x", u64::MAX - 1),
        Ok(Begin::Replay(resp(200, "ok")))
    );
    ::core::assert_eq!(s.purge_expired(u64::MAX - 1), 0);
}

#[test]
fn simultaneous_duplicates_execute_exactly_once() {
    const THREADS: usize = 16;
    for round in 0..50 {
        let s = store();
        let start = Barrier::new(THREADS);
        let answers: Vec<Result<Begin, IdemError>> = thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        s.begin(Some("dup"), "charge 50", 0)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let executes = answers.iter().filter(|a| **a == Ok(Begin::Execute)).count();
        let waits = answers
            .iter()
            .filter(|a| **a == Err(IdemError::InProgress))
            .count();
        ::core::assert_eq!(
            executes, 1,
            "round {round}: {executes} duplicates were told to execute; check and claim must be one atomic step"
        );
        ::core::assert_eq!(
            waits,
            THREADS - 1,
            "round {round}: the others must be told InProgress"
        );
    }
}

#[test]
fn eager_retrying_clients_are_charged_once_and_all_see_the_same_answer() {
    const CLIENTS: usize = 8;
    let s = store();
    let charges = AtomicUsize::new(0);
    let answers = Mutex::new(Vec::new());
    let start = Barrier::new(CLIENTS);
    thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                start.wait();
                for _ in 0..100_000 {
                    match s.begin(Some("order-7"), "charge 50", 10) {
                        Ok(Begin::Execute) => {
                            let n = charges.fetch_add(1, Ordering::SeqCst) + 1;
                            let response = resp(201, &::std::format!("charge #{n}"));
                            s.complete("order-7", "charge 50", response.clone(), 20)
                                .expect("the owner of the claim can complete it");
                            answers.lock().unwrap().push(response);
                            return;
                        }
                        Ok(Begin::Replay(response)) => {
                            answers.lock().unwrap().push(response);
                            return;
                        }
                        Err(IdemError::InProgress) => thread::yield_now(),
                        Err(other) => ::core::panic!("unexpected {other:?}"),
                    }
                }
                ::core::panic!("a client never got an answer");
            });
        }
    });
    ::core::assert_eq!(
        charges.load(Ordering::SeqCst),
        1,
        "the customer must be charged exactly once"
    );
    let answers = answers.into_inner().unwrap();
    ::core::assert_eq!(answers.len(), CLIENTS);
    ::core::assert!(
        answers.iter().all(|a| *a == resp(201, "charge #1")),
        "every client must see the one stored response: {answers:?}"
    );
}
