use super::*;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

fn full(pool: &str, max: usize) -> Rejection {
    Rejection::Full {
        pool: pool.to_string(),
        max,
    }
}

#[test]
fn permits_are_counted_while_held() {
    let pool = Bulkhead::new("api", 3);
    ::core::assert_eq!(pool.in_use(), 0);
    let a = pool.try_acquire().expect("first permit");
    let b = pool.try_acquire().expect("second permit");
    ::core::assert_eq!(pool.in_use(), 2);
    drop(a);
    ::core::assert_eq!(pool.in_use(), 1, "dropping a permit must give it back");
    drop(b);
    ::core::assert_eq!(pool.in_use(), 0);
}

#[test]
fn exactly_max_permits_are_handed_out() {
    let pool = Bulkhead::new("reports", 5);
    let held: Vec<_> = (0..5)
        .map(|i| {
            pool.try_acquire()
                .unwrap_or_else(|e| ::core::panic!("permit {i} of 5 refused: {e:?}"))
        })
        .collect();
    ::core::assert_eq!(pool.try_acquire().unwrap_err(), full("reports", 5));
    ::core::assert_eq!(
        pool.in_use(),
        5,
        "a refused acquire must not count as in use"
    );
    drop(held);
    ::core::assert_eq!(pool.in_use(), 0);
}

#[test]
fn a_pool_of_zero_admits_nothing() {
    let pool = Bulkhead::new("off", 0);
    ::core::assert_eq!(pool.try_acquire().unwrap_err(), full("off", 0));
    ::core::assert_eq!(
        pool.acquire_timeout(Duration::from_millis(5)).unwrap_err(),
        full("off", 0)
    );
    ::core::assert_eq!(pool.in_use(), 0);
}

#[test]
fn acquire_timeout_takes_a_free_permit_without_waiting() {
    let pool = Bulkhead::new("api", 1);
    let permit = pool.acquire_timeout(Duration::from_secs(5));
    ::core::assert!(permit.is_ok());
    ::core::assert_eq!(pool.in_use(), 1);
}

#[test]
fn acquire_timeout_with_zero_wait_fails_fast_when_full() {
    let pool = Bulkhead::new("api", 1);
    let _held = pool.try_acquire().unwrap();
    ::core::assert_eq!(
        pool.acquire_timeout(Duration::ZERO).unwrap_err(),
        full("api", 1)
    );
    ::core::assert_eq!(pool.in_use(), 1);
}

#[test]
fn acquire_timeout_gives_up_after_the_wait() {
    let pool = Bulkhead::new("api", 1);
    let _held = pool.try_acquire().unwrap();
    let started = Instant::now();
    let result = pool.acquire_timeout(Duration::from_millis(30));
    ::core::assert_eq!(result.unwrap_err(), full("api", 1));
    ::core::assert!(
        started.elapsed() >= Duration::from_millis(30),
        "acquire_timeout should wait the whole time before giving up, waited {:?}",
        started.elapsed()
    );
    ::core::assert_eq!(pool.in_use(), 1);
}

#[test]
fn a_waiter_gets_the_permit_as_soon_as_it_is_dropped() {
    let pool = Bulkhead::new("api", 1);
    let held = pool.try_acquire().unwrap();
    let got = thread::scope(|s| {
        let waiter = s.spawn(|| {
            let started = Instant::now();
            let permit = pool.acquire_timeout(Duration::from_secs(2));
            (permit.is_ok(), started.elapsed())
        });
        thread::sleep(Duration::from_millis(5));
        drop(held);
        waiter.join().unwrap()
    });
    ::core::assert!(
        got.0,
        "the waiter should get the freed permit; did Drop call notify_one on the condvar? (waited {:?})",
        got.1
    );
    ::core::assert!(
        got.1 < Duration::from_secs(1),
        "the waiter must be woken by the drop, not by its timeout (waited {:?})",
        got.1
    );
    ::core::assert_eq!(
        pool.in_use(),
        0,
        "the waiter's permit was dropped at the end of its thread"
    );
}

#[test]
fn run_holds_a_permit_only_while_the_work_runs() {
    let pools = Bulkheads::new(&[("api", 2)]);
    let seen = pools
        .run("api", || pools.get("api").unwrap().in_use())
        .unwrap();
    ::core::assert_eq!(
        seen, 1,
        "inside run the permit must be held (careful: `let _ = ...` drops it at once)"
    );
    ::core::assert_eq!(
        pools.get("api").unwrap().in_use(),
        0,
        "and given back afterwards"
    );
}

#[test]
fn run_refuses_an_unknown_pool() {
    let pools = Bulkheads::new(&[("api", 2)]);
    let mut ran = false;
    let result = pools.run("apii", || ran = true);
    ::core::assert_eq!(result, Err(Rejection::UnknownPool("apii".to_string())));
    ::core::assert!(!ran, "work for an unknown pool must not run");
}

#[test]
fn run_refuses_when_full_without_running_the_work() {
    let pools = Bulkheads::new(&[("reports", 1)]);
    let _held = pools.get("reports").unwrap().try_acquire().unwrap();
    let mut ran = false;
    ::core::assert_eq!(pools.run("reports", || ran = true), Err(full("reports", 1)));
    ::core::assert!(!ran, "a rejected call must not touch the dependency");
}

#[test]
fn a_panicking_workload_gives_its_permit_back() {
    let pools = Bulkheads::new(&[("reports", 1)]);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        pools.run("reports", || -> () { ::core::panic!("report generator crashed") })
    }));
    ::core::assert!(result.is_err(), "the panic should reach the caller");
    ::core::assert_eq!(
        pools.get("reports").unwrap().in_use(),
        0,
        "the permit must be released during unwinding (RAII), or one crash shrinks the pool forever"
    );
    ::core::assert_eq!(pools.run("reports", || "still works"), Ok("still works"));
}

#[test]
fn a_flooded_pool_leaves_the_others_afloat() {
    let pools = Bulkheads::new(&[("api", 10), ("reports", 5), ("background", 3)]);
    let reports = pools.get("reports").unwrap();
    let _slow: Vec<_> = (0..5).map(|_| reports.try_acquire().unwrap()).collect();
    ::core::assert_eq!(pools.run("reports", || ()), Err(full("reports", 5)));
    let api = pools.get("api").unwrap();
    let api_permits: Vec<_> = (0..10)
        .map(|i| {
            api.try_acquire()
                .unwrap_or_else(|e| ::core::panic!("api permit {i} refused: {e:?}"))
        })
        .collect();
    ::core::assert_eq!(api_permits.len(), 10, "the API keeps all 10 of its permits");
    ::core::assert_eq!(pools.run("background", || 3), Ok(3));
}

#[test]
fn concurrent_callers_never_exceed_the_limit() {
    const MAX: usize = 3;
    const THREADS: usize = 8;
    let pools = Bulkheads::new(&[("db", MAX)]);
    let active = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let admitted = AtomicUsize::new(0);
    let rejected = AtomicUsize::new(0);
    let start = Barrier::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start.wait();
                for _ in 0..500 {
                    let result = pools.run("db", || {
                        let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        thread::yield_now();
                        active.fetch_sub(1, Ordering::SeqCst);
                    });
                    match result {
                        Ok(()) => admitted.fetch_add(1, Ordering::SeqCst),
                        Err(e) => {
                            ::core::assert_eq!(e, full("db", MAX));
                            rejected.fetch_add(1, Ordering::SeqCst)
                        }
                    };
                }
            });
        }
    });
    let peak = peak.load(Ordering::SeqCst);
    ::core::assert!(
        peak <= MAX,
        "{peak} calls ran at once in a bulkhead of {MAX}"
    );
    ::core::assert!(
        admitted.load(Ordering::SeqCst) > 0,
        "some calls must get through"
    );
    ::core::assert_eq!(
        admitted.load(Ordering::SeqCst) + rejected.load(Ordering::SeqCst),
        THREADS * 500
    );
    ::core::assert_eq!(
        pools.get("db").unwrap().in_use(),
        0,
        "every permit must come back"
    );
}

#[test]
fn waiters_share_a_small_pool_without_losing_permits() {
    const MAX: usize = 2;
    const THREADS: usize = 6;
    let pool = Bulkhead::new("db", MAX);
    let active = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let served = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..50 {
                    let permit = pool
                        .acquire_timeout(Duration::from_secs(5))
                        .expect("with a generous wait every caller is served in turn");
                    let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    thread::yield_now();
                    active.fetch_sub(1, Ordering::SeqCst);
                    served.fetch_add(1, Ordering::SeqCst);
                    drop(permit);
                }
            });
        }
    });
    ::core::assert!(peak.load(Ordering::SeqCst) <= MAX);
    ::core::assert_eq!(served.load(Ordering::SeqCst), THREADS * 50);
    ::core::assert_eq!(pool.in_use(), 0);
}

#[test]
fn rejection_names_the_pool_and_its_size() {
    let pools = Bulkheads::new(&[("background", 0)]);
    match pools.run("background", || ()) {
        Err(Rejection::Full { pool, max }) => {
            ::core::assert_eq!(pool, "background");
            ::core::assert_eq!(max, 0);
        }
        other => ::core::panic!("expected Full, got {other:?}"),
    }
}
