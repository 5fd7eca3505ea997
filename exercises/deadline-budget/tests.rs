use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Work that blocks until the test drops `release`'s sender (or 2 s pass), then
/// returns `value`. Used to simulate a hung dependency without leaking it for long.
fn hang_until_released<T: Send + 'static>(
    value: T,
) -> (
    mpsc::Sender<()>,
    impl FnOnce(Deadline) -> T + Send + 'static,
) {
    let (tx, rx) = mpsc::channel::<()>();
    (tx, move |_| {
        let _ = rx.recv_timeout(Duration::from_secs(2));
        value
    })
}

#[test]
fn after_and_remaining_at_are_exact() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(1_000));
    ::core::assert_eq!(d.instant(), t0 + ms(1_000));
    ::core::assert_eq!(d.remaining_at(t0), ms(1_000));
    ::core::assert_eq!(d.remaining_at(t0 + ms(999)), ms(1));
    ::core::assert_eq!(d.remaining_at(t0 + ms(1_000)), Duration::ZERO);
}

#[test]
fn remaining_after_the_deadline_is_zero_not_a_panic() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(10));
    ::core::assert_eq!(
        d.remaining_at(t0 + ms(5_000)),
        Duration::ZERO,
        "saturate at zero"
    );
}

#[test]
fn expired_means_nothing_remains() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(100));
    ::core::assert!(!d.is_expired_at(t0));
    ::core::assert!(!d.is_expired_at(t0 + ms(99)));
    ::core::assert!(
        d.is_expired_at(t0 + ms(100)),
        "at the deadline itself no time remains"
    );
    ::core::assert!(d.is_expired_at(t0 + ms(101)));
    ::core::assert!(Deadline::after(t0, Duration::ZERO).is_expired_at(t0));
}

#[test]
fn a_sub_call_gets_the_deadline_minus_the_reserve() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(1_000));
    let child = d.for_sub_call(t0 + ms(200), ms(100), None);
    ::core::assert_eq!(
        child,
        Some(Deadline::after(t0, ms(900))),
        "the child's deadline is ours minus the reserve, in absolute time: it does not depend on now"
    );
}

#[test]
fn the_cap_applies_only_when_it_is_earlier() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(1_000));
    let now = t0 + ms(100);
    ::core::assert_eq!(
        d.for_sub_call(now, ms(100), Some(ms(300))),
        Some(Deadline::after(t0, ms(400))),
        "now + cap = 400 ms is earlier than 900 ms"
    );
    ::core::assert_eq!(
        d.for_sub_call(now, ms(100), Some(ms(5_000))),
        Some(Deadline::after(t0, ms(900))),
        "a generous cap never extends the deadline: a callee can't have more time than we do"
    );
}

#[test]
fn no_sub_call_when_the_reserve_eats_the_budget() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(1_000));
    ::core::assert_eq!(
        d.for_sub_call(t0 + ms(900), ms(100), None),
        None,
        "900 ms - 100 ms reserve leaves the child nothing: don't call it at all"
    );
    ::core::assert_eq!(d.for_sub_call(t0 + ms(950), ms(100), None), None);
    ::core::assert!(
        d.for_sub_call(t0 + ms(899), ms(100), None).is_some(),
        "1 ms left is still some"
    );
    ::core::assert_eq!(
        d.for_sub_call(t0, ms(0), Some(Duration::ZERO)),
        None,
        "a zero cap leaves nothing either"
    );
}

#[test]
fn no_sub_call_after_our_own_deadline() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(100));
    ::core::assert_eq!(d.for_sub_call(t0 + ms(500), Duration::ZERO, None), None);
}

#[test]
fn a_reserve_longer_than_the_whole_clock_does_not_panic() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, ms(10));
    ::core::assert_eq!(
        d.for_sub_call(t0, Duration::from_secs(u64::MAX / 4), None),
        None
    );
    ::core::assert!(
        d.for_sub_call(t0, ms(1), Some(Duration::MAX)).is_some(),
        "an enormous cap must not overflow the Instant either"
    );
}

#[test]
fn a_chain_of_sub_calls_shrinks_at_every_layer() {
    let t0 = Instant::now();
    let mut d = Deadline::after(t0, ms(2_000));
    let mut layers = 0;
    while let Some(child) = d.for_sub_call(t0, ms(300), None) {
        ::core::assert!(child < d, "each layer must give up before its caller");
        d = child;
        layers += 1;
    }
    ::core::assert_eq!(
        layers, 6,
        "2000 ms with a 300 ms reserve per layer: 1700, 1400, ..., 200"
    );
}

#[test]
fn run_with_deadline_returns_the_value_in_time() {
    let d = Deadline::after(Instant::now(), Duration::from_secs(5));
    ::core::assert_eq!(
        run_with_deadline(d, |_| "done".to_string()),
        Ok("done".to_string())
    );
}

#[test]
fn the_work_receives_the_deadline() {
    let d = Deadline::after(Instant::now(), Duration::from_secs(5));
    ::core::assert_eq!(
        run_with_deadline(d, |given| given),
        Ok(d),
        "pass the deadline to the work so it can budget its own calls"
    );
}

#[test]
fn run_with_deadline_gives_up_when_the_time_is_up() {
    let (release, work) = hang_until_released(1);
    let started = Instant::now();
    let result = run_with_deadline(Deadline::after(started, ms(30)), work);
    let waited = started.elapsed();
    drop(release);
    ::core::assert_eq!(result, Err(DeadlineError::TimedOut));
    ::core::assert!(
        waited < Duration::from_secs(1),
        "run_with_deadline waited {waited:?}: it must stop waiting at the deadline, not join the thread"
    );
}

#[test]
fn a_panicking_worker_is_reported_as_panicked() {
    let d = Deadline::after(Instant::now(), Duration::from_secs(5));
    let result: Result<u32, _> =
        run_with_deadline(d, |_| ::core::panic!("worker crashed (expected by the test)"));
    ::core::assert_eq!(
        result,
        Err(DeadlineError::Panicked),
        "a sender dropped without sending means the worker died: Disconnected, not a timeout"
    );
}

#[test]
fn an_expired_deadline_starts_nothing() {
    let now = Instant::now();
    let d = Deadline::after(now, Duration::ZERO);
    let (tx, rx) = mpsc::channel();
    let result = run_with_deadline(d, move |_| {
        let _ = tx.send("started");
    });
    ::core::assert_eq!(result, Err(DeadlineError::Expired));
    ::core::assert!(
        rx.recv_timeout(ms(50)).is_err(),
        "work with no time left must not even start: it would only add load"
    );
}

#[test]
fn nested_calls_pass_a_smaller_budget_down() {
    let outer = Deadline::after(Instant::now(), Duration::from_secs(5));
    let result = run_with_deadline(outer, |d| {
        let inner = d
            .for_sub_call(Instant::now(), ms(200), None)
            .expect("plenty of time left");
        let seen = run_with_deadline(inner, |given| given).expect("inner answers at once");
        (d, seen)
    });
    let (outer_seen, inner_seen) = result.expect("outer answers in time");
    ::core::assert_eq!(outer_seen, outer);
    ::core::assert_eq!(inner_seen.instant() + ms(200), outer.instant());
}

#[test]
fn fan_out_returns_results_in_task_order() {
    let d = Deadline::after(Instant::now(), Duration::from_secs(5));
    let tasks: Vec<Task<u32>> = (0..5u32)
        .map(|i| Box::new(move |_: Deadline| i * 10) as Task<u32>)
        .collect();
    ::core::assert_eq!(
        fan_out(d, ms(100), tasks),
        ::std::vec![Ok(0), Ok(10), Ok(20), Ok(30), Ok(40)]
    );
}

#[test]
fn fan_out_gives_every_task_the_child_deadline() {
    let t0 = Instant::now();
    let d = Deadline::after(t0, Duration::from_secs(5));
    let tasks: Vec<Task<Deadline>> = (0..3)
        .map(|_| Box::new(|given: Deadline| given) as Task<Deadline>)
        .collect();
    let expected = Deadline::after(t0, ms(4_750));
    for result in fan_out(d, ms(250), tasks) {
        ::core::assert_eq!(
            result,
            Ok(expected),
            "each sub-request gets our deadline minus the reserve"
        );
    }
}

#[test]
fn fan_out_runs_the_tasks_concurrently() {
    const N: usize = 4;
    let arrived = Arc::new(AtomicUsize::new(0));
    let d = Deadline::after(Instant::now(), Duration::from_secs(3));
    let tasks: Vec<Task<bool>> = (0..N)
        .map(|_| {
            let arrived = Arc::clone(&arrived);
            Box::new(move |child: Deadline| {
                arrived.fetch_add(1, Ordering::SeqCst);
                // Wait for the others; only possible if they run at the same time.
                while arrived.load(Ordering::SeqCst) < N {
                    if child.is_expired_at(Instant::now()) {
                        return false;
                    }
                    thread::yield_now();
                }
                true
            }) as Task<bool>
        })
        .collect();
    let results = fan_out(d, ms(500), tasks);
    ::core::assert_eq!(
        results,
        ::std::vec![Ok(true); N],
        "the tasks never all ran at the same time: start every task before waiting for any"
    );
}

#[test]
fn one_hung_sub_request_does_not_sink_the_others() {
    let d = Deadline::after(Instant::now(), ms(300));
    let (release, hung) = hang_until_released("recommendations");
    let tasks: Vec<Task<&'static str>> = ::std::vec![
        Box::new(|_| "price"),
        Box::new(hung),
        Box::new(|_| "stock"),
        Box::new(|_| ::core::panic!("reviews service crashed (expected by the test)")),
    ];
    let started = Instant::now();
    let results = fan_out(d, ms(50), tasks);
    let waited = started.elapsed();
    drop(release);
    ::core::assert_eq!(
        results,
        ::std::vec![
            Ok("price"),
            Err(DeadlineError::TimedOut),
            Ok("stock"),
            Err(DeadlineError::Panicked)
        ],
        "each part fails on its own; the page can fall back per part"
    );
    ::core::assert!(
        waited < Duration::from_secs(1),
        "fan_out waited {waited:?}, past its deadline"
    );
}

#[test]
fn many_hung_tasks_cost_one_timeout_not_the_sum() {
    let releases_and_tasks: Vec<_> = (0..8).map(hang_until_released).collect();
    let mut releases = Vec::new();
    let mut tasks: Vec<Task<i32>> = Vec::new();
    for (release, task) in releases_and_tasks {
        releases.push(release);
        tasks.push(Box::new(task));
    }
    let started = Instant::now();
    let results = fan_out(Deadline::after(started, ms(120)), ms(20), tasks);
    let waited = started.elapsed();
    drop(releases);
    ::core::assert_eq!(results, ::std::vec![Err(DeadlineError::TimedOut); 8]);
    ::core::assert!(
        waited < ms(500),
        "8 hung tasks with a 100 ms child budget took {waited:?}: wait until one shared deadline, \
         not a fresh timeout per task"
    );
}

#[test]
fn fan_out_with_no_time_for_children_starts_nothing() {
    let started = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<Task<()>> = (0..3)
        .map(|_| {
            let started = Arc::clone(&started);
            Box::new(move |_: Deadline| {
                started.fetch_add(1, Ordering::SeqCst);
            }) as Task<()>
        })
        .collect();
    let d = Deadline::after(Instant::now(), ms(100));
    let results = fan_out(d, ms(500), tasks);
    ::core::assert_eq!(results, ::std::vec![Err(DeadlineError::Expired); 3]);
    thread::sleep(ms(20));
    ::core::assert_eq!(
        started.load(Ordering::SeqCst),
        0,
        "no task may start without a budget"
    );
}

#[test]
fn fan_out_of_nothing_is_nothing() {
    let d = Deadline::after(Instant::now(), ms(100));
    ::core::assert!(fan_out::<u8>(d, ms(10), Vec::new()).is_empty());
}
