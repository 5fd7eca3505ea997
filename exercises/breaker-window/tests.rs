use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

fn config() -> Config {
    Config {
        window_size: 10,
        minimum_calls: 5,
        failure_rate_threshold: 50,
        open_ms: 1_000,
        half_open_calls: 2,
    }
}

fn breaker() -> Breaker {
    Breaker::new(config()).expect("valid config")
}

/// Feeds outcomes through try_acquire + on_success/on_failure at time `now`.
/// `'F'` is a failure, `'S'` a success.
fn feed(b: &mut Breaker, now: u64, outcomes: &str) {
    for c in outcomes.chars() {
        b.try_acquire(now)
            .unwrap_or_else(|r| ::core::panic!("call {c} at {now} was rejected: {r:?}"));
        match c {
            'F' => b.on_failure(now),
            'S' => b.on_success(now),
            other => ::core::panic!("bad outcome {other}"),
        }
    }
}

/// A breaker tripped at `at`.
fn tripped_at(at: u64) -> Breaker {
    let mut b = breaker();
    feed(&mut b, at, "FFFFF");
    ::core::assert_eq!(b.state(), State::Open, "setup: 5 failures of 5 should trip");
    b
}

#[test]
fn config_errors_are_reported_in_order() {
    let bad = |f: fn(&mut Config)| {
        let mut c = config();
        f(&mut c);
        Breaker::new(c).map(|_| ()).unwrap_err()
    };
    ::core::assert_eq!(bad(|c| c.window_size = 0), ConfigError::ZeroWindow);
    ::core::assert_eq!(
        bad(|c| c.minimum_calls = 0),
        ConfigError::MinimumCallsOutOfRange {
            minimum_calls: 0,
            window_size: 10
        }
    );
    ::core::assert_eq!(
        bad(|c| c.minimum_calls = 11),
        ConfigError::MinimumCallsOutOfRange {
            minimum_calls: 11,
            window_size: 10
        },
        "a minimum larger than the window can never be reached: the breaker could never trip"
    );
    ::core::assert_eq!(
        bad(|c| c.failure_rate_threshold = 0),
        ConfigError::ThresholdOutOfRange(0)
    );
    ::core::assert_eq!(
        bad(|c| c.failure_rate_threshold = 101),
        ConfigError::ThresholdOutOfRange(101)
    );
    ::core::assert_eq!(
        bad(|c| c.half_open_calls = 0),
        ConfigError::ZeroHalfOpenCalls
    );
    ::core::assert_eq!(
        bad(|c| {
            c.window_size = 0;
            c.half_open_calls = 0;
        }),
        ConfigError::ZeroWindow,
        "the window is checked first"
    );
}

#[test]
fn edge_configs_are_accepted() {
    let mut c = config();
    c.minimum_calls = c.window_size;
    c.failure_rate_threshold = 100;
    c.half_open_calls = 1;
    ::core::assert!(Breaker::new(c).is_ok());
    c.window_size = 1;
    c.minimum_calls = 1;
    c.failure_rate_threshold = 1;
    ::core::assert!(Breaker::new(c).is_ok());
}

#[test]
fn a_new_breaker_is_closed_with_an_empty_window() {
    let b = breaker();
    ::core::assert_eq!(b.state(), State::Closed);
    ::core::assert_eq!(b.recorded_calls(), 0);
    ::core::assert_eq!(b.failure_rate(), None);
}

#[test]
fn failure_rate_appears_once_the_minimum_is_reached() {
    let mut b = breaker();
    feed(&mut b, 0, "SSSF");
    ::core::assert_eq!(b.failure_rate(), None, "4 calls < minimum of 5");
    feed(&mut b, 0, "S");
    ::core::assert_eq!(b.failure_rate(), Some(20.0));
    ::core::assert_eq!(b.recorded_calls(), 5);
    ::core::assert_eq!(b.state(), State::Closed);
}

#[test]
fn just_below_the_threshold_stays_closed_and_at_it_trips() {
    let mut b = breaker();
    feed(&mut b, 0, "SSSSSFFFF");
    ::core::assert_eq!(b.failure_rate().map(|r| r.round()), Some(44.0));
    ::core::assert_eq!(b.state(), State::Closed, "4 of 9 = 44% < 50%");
    feed(&mut b, 0, "F");
    ::core::assert_eq!(
        b.state(),
        State::Open,
        "5 of 10 = 50%: the threshold is inclusive"
    );
}

#[test]
fn the_window_slides_and_forgets_old_outcomes() {
    let mut b = breaker();
    feed(&mut b, 0, "SSSSSSFFFF"); // window full: 4 of 10 = 40%
    ::core::assert_eq!(b.state(), State::Closed);
    ::core::assert_eq!(b.recorded_calls(), 10);
    ::core::assert_eq!(b.failure_rate(), Some(40.0));
    feed(&mut b, 0, "SSSSSSSSSS"); // ten successes push every failure out
    ::core::assert_eq!(
        b.recorded_calls(),
        10,
        "the window never holds more than window_size"
    );
    ::core::assert_eq!(
        b.failure_rate(),
        Some(0.0),
        "old failures must slide out of the window"
    );
    feed(&mut b, 0, "FFFF");
    ::core::assert_eq!(b.state(), State::Closed, "4 of the last 10 = 40%");
    feed(&mut b, 0, "F");
    ::core::assert_eq!(b.state(), State::Open, "5 of the last 10 = 50%");
}

#[test]
fn a_success_that_completes_the_minimum_can_trip() {
    let mut c = config();
    c.minimum_calls = 4;
    let mut b = Breaker::new(c).unwrap();
    feed(&mut b, 0, "FFS");
    ::core::assert_eq!(b.state(), State::Closed);
    feed(&mut b, 7, "S");
    ::core::assert_eq!(
        b.state(),
        State::Open,
        "2 of 4 = 50% once the minimum is met: judge after every outcome, successes too"
    );
    ::core::assert_eq!(
        b.try_acquire(7),
        Err(Rejected::Open { retry_in_ms: 1_000 }),
        "the wait starts at the time of the tripping call"
    );
}

#[test]
fn a_failing_dependency_with_interleaved_successes_trips() {
    let mut b = breaker();
    // 80% failures, but never more than 4 in a row: a consecutive counter of 5 would not trip.
    feed(&mut b, 0, "FFFFS");
    ::core::assert_eq!(b.state(), State::Open, "4 of 5 = 80%");
}

#[test]
fn open_rejects_and_says_when_to_retry() {
    let mut b = tripped_at(2_000);
    ::core::assert_eq!(
        b.try_acquire(2_000),
        Err(Rejected::Open { retry_in_ms: 1_000 })
    );
    ::core::assert_eq!(b.try_acquire(2_999), Err(Rejected::Open { retry_in_ms: 1 }));
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert_eq!(
        b.failure_rate(),
        None,
        "tripping starts a new, empty window"
    );
}

#[test]
fn half_open_starts_lazily_with_the_first_trial() {
    let mut b = tripped_at(0);
    ::core::assert_eq!(b.state(), State::Open, "no one asked yet");
    ::core::assert_eq!(
        b.try_acquire(5_000),
        Ok(()),
        "well after the wait: the first trial"
    );
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn half_open_grants_only_half_open_calls_trials() {
    let mut b = tripped_at(0);
    ::core::assert_eq!(b.try_acquire(1_000), Ok(()));
    ::core::assert_eq!(b.try_acquire(1_000), Ok(()));
    for _ in 0..5 {
        ::core::assert_eq!(
            b.try_acquire(1_001),
            Err(Rejected::HalfOpenFull),
            "only 2 trials may test a recovering dependency"
        );
    }
}

#[test]
fn enough_successful_trials_close_with_a_fresh_window() {
    let mut b = tripped_at(0);
    b.try_acquire(1_000).unwrap();
    b.try_acquire(1_000).unwrap();
    b.on_success(1_010);
    ::core::assert_eq!(
        b.state(),
        State::HalfOpen,
        "1 of 2 trials succeeded: not yet"
    );
    b.on_success(1_020);
    ::core::assert_eq!(b.state(), State::Closed);
    ::core::assert_eq!(b.recorded_calls(), 0, "closing starts a new, empty window");
    feed(&mut b, 1_030, "FFFF");
    ::core::assert_eq!(
        b.state(),
        State::Closed,
        "the minimum applies again after closing"
    );
}

#[test]
fn one_failed_trial_reopens_at_once_with_a_fresh_wait() {
    let mut b = tripped_at(0);
    b.try_acquire(1_000).unwrap();
    b.try_acquire(1_000).unwrap();
    b.on_success(1_100);
    b.on_failure(1_200);
    ::core::assert_eq!(
        b.state(),
        State::Open,
        "one failed trial is enough to re-open"
    );
    ::core::assert_eq!(
        b.try_acquire(1_300),
        Err(Rejected::Open { retry_in_ms: 900 })
    );
    ::core::assert_eq!(
        b.try_acquire(2_200),
        Ok(()),
        "the new wait counts from the failed trial"
    );
    ::core::assert_eq!(b.state(), State::HalfOpen);
    ::core::assert_eq!(
        b.try_acquire(2_200),
        Ok(()),
        "a new half-open period has fresh trial slots"
    );
    ::core::assert_eq!(b.try_acquire(2_200), Err(Rejected::HalfOpenFull));
}

#[test]
fn outcomes_reported_while_open_are_ignored() {
    let mut b = breaker();
    for _ in 0..6 {
        b.try_acquire(0).unwrap(); // six calls in flight
    }
    for _ in 0..5 {
        b.on_failure(0);
    }
    ::core::assert_eq!(b.state(), State::Open);
    b.on_failure(500); // the sixth call fails late
    b.on_success(600);
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert_eq!(b.recorded_calls(), 0, "late outcomes are not recorded");
    ::core::assert_eq!(
        b.try_acquire(1_000),
        Ok(()),
        "a late failure must not push the wait back"
    );
}

#[test]
fn a_window_of_one_trips_on_a_single_failure_at_100_percent() {
    let mut b = Breaker::new(Config {
        window_size: 1,
        minimum_calls: 1,
        failure_rate_threshold: 100,
        open_ms: 10,
        half_open_calls: 1,
    })
    .unwrap();
    feed(&mut b, 0, "SSS");
    ::core::assert_eq!(b.state(), State::Closed);
    feed(&mut b, 0, "F");
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert_eq!(b.try_acquire(10), Ok(()));
    b.on_success(10);
    ::core::assert_eq!(b.state(), State::Closed, "one trial of one: closed");
}

#[test]
fn a_huge_open_ms_does_not_overflow() {
    let mut c = config();
    c.open_ms = u64::MAX;
    let mut b = Breaker::new(c).unwrap();
    feed(&mut b, 10, "FFFFF");
    ::core::assert_eq!(
        b.try_acquire(u64::MAX - 1),
        Err(Rejected::Open { retry_in_ms: 1 }),
        "opened_at + open_ms saturates at u64::MAX"
    );
}

#[test]
fn shared_call_reports_rejections_and_failures_distinctly() {
    let shared = SharedBreaker::new(config()).unwrap();
    for _ in 0..5 {
        ::core::assert_eq!(
            shared.call(0, || Err::<(), _>("503".to_string())),
            Err(CallError::Failed("503".to_string()))
        );
    }
    ::core::assert_eq!(shared.state(), State::Open);
    let mut called = false;
    let result = shared.call(10, || {
        called = true;
        Ok(())
    });
    ::core::assert_eq!(
        result,
        Err(CallError::Rejected(Rejected::Open { retry_in_ms: 990 }))
    );
    ::core::assert!(!called, "a rejected call never reaches the dependency");
    ::core::assert_eq!(shared.call(1_000, || Ok::<_, String>(5)), Ok(5));
    ::core::assert_eq!(shared.state(), State::HalfOpen);
    ::core::assert_eq!(shared.call(1_000, || Ok::<_, String>(6)), Ok(6));
    ::core::assert_eq!(shared.state(), State::Closed);
}

#[test]
fn shared_rejects_extra_callers_in_half_open_instead_of_queueing_them() {
    const THREADS: usize = 8;
    let shared = SharedBreaker::new(config()).unwrap();
    for _ in 0..5 {
        let _ = shared.call(0, || Err::<(), _>("503".to_string()));
    }
    let entered = AtomicUsize::new(0);
    let rejected = AtomicUsize::new(0);
    let release = AtomicUsize::new(0);
    let lock_held_during_f = thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                let result = shared.call(1_000, || {
                    entered.fetch_add(1, Ordering::SeqCst);
                    // Trials stay in flight until every thread has had its answer.
                    let deadline = Instant::now() + Duration::from_secs(2);
                    while release.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
                        thread::yield_now();
                    }
                    Ok::<_, String>(())
                });
                if result == Err(CallError::Rejected(Rejected::HalfOpenFull)) {
                    rejected.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut stuck = false;
        while entered.load(Ordering::SeqCst) + rejected.load(Ordering::SeqCst) < THREADS {
            if Instant::now() > deadline {
                stuck = true;
                break;
            }
            thread::yield_now();
        }
        release.store(1, Ordering::SeqCst);
        stuck
    });
    ::core::assert!(
        !lock_held_during_f,
        "callers were stuck while trials were running: call must not hold the lock while f runs"
    );
    ::core::assert_eq!(
        entered.load(Ordering::SeqCst),
        2,
        "exactly half_open_calls trials reach the dependency"
    );
    ::core::assert_eq!(
        rejected.load(Ordering::SeqCst),
        THREADS - 2,
        "the rest are rejected at once"
    );
    ::core::assert_eq!(shared.state(), State::Closed, "both trials succeeded");
}

#[test]
fn shared_breaker_counts_every_outcome_under_contention() {
    const THREADS: usize = 8;
    let shared = SharedBreaker::new(Config {
        window_size: 1_000,
        minimum_calls: 1_000,
        failure_rate_threshold: 100,
        open_ms: 1_000,
        half_open_calls: 1,
    })
    .unwrap();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..100 {
                    let _ = shared.call(0, || Ok::<_, String>(()));
                }
            });
        }
    });
    let recorded = shared.lock().recorded_calls();
    ::core::assert_eq!(
        recorded,
        THREADS * 100,
        "no outcome may be lost between threads"
    );
}
