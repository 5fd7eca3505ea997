//! One test per resilience4j rule the breaker follows (see the module doc).

use super::*;

fn ms(v: u64) -> SimTime {
    SimTime(v * 1000)
}

/// A small config: count window 10, minimum 5, failure 50 %, slow 100 % over 1 s,
/// wait 5 s, 3 trial calls.
fn small() -> BreakerConfig {
    BreakerConfig {
        window: WindowType::CountBased(10),
        minimum_calls: 5,
        failure_rate_threshold: 50.0,
        slow_call_rate_threshold: 100.0,
        slow_call_duration_ms: 1000,
        wait_in_open_ms: 5000,
        permitted_calls_in_half_open: 3,
        automatic_transition: false,
        max_wait_in_half_open_ms: 0,
    }
}

/// Asks for permission and records the outcome at `t`, as a scripted call does.
fn call(b: &mut CircuitBreaker, t: u64, failed: bool, dur_ms: u64) -> bool {
    let (ok, _) = b.try_acquire(ms(t));
    if ok {
        b.on_result(ms(t), failed, ms(dur_ms));
    }
    ok
}

fn trip(b: &mut CircuitBreaker) {
    for i in 0..5 {
        call(b, i, true, 10);
    }
    assert_eq!(b.state(), State::Open);
}

#[test]
fn defaults_are_resilience4js() {
    let c = BreakerConfig::default();
    assert_eq!(c.failure_rate_threshold, 50.0);
    assert_eq!(c.slow_call_rate_threshold, 100.0);
    assert_eq!(c.slow_call_duration_ms, 60_000);
    assert_eq!(c.permitted_calls_in_half_open, 10);
    assert_eq!(c.window, WindowType::CountBased(100));
    assert_eq!(c.minimum_calls, 100);
    assert_eq!(c.wait_in_open_ms, 60_000);
    assert!(!c.automatic_transition);
    assert_eq!(c.max_wait_in_half_open_ms, 0);
    assert!(c.validate().is_ok());
}

#[test]
fn no_rate_and_no_trip_below_the_minimum_number_of_calls() {
    let mut b = CircuitBreaker::new(small());
    for t in 0..4 {
        call(&mut b, t, true, 10);
        assert_eq!(b.rates(ms(t)), None, "no rate with {} calls", t + 1);
    }
    assert_eq!(b.state(), State::Closed);
    call(&mut b, 4, true, 10);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn failure_rate_equal_to_the_threshold_trips() {
    let mut b = CircuitBreaker::new(small());
    for (t, failed) in [false, false, true, false, true].into_iter().enumerate() {
        call(&mut b, t as u64, failed, 10);
    }
    assert_eq!(b.state(), State::Closed, "2/5 = 40 % stays closed");
    let (_, trip) = b.try_acquire(ms(5));
    assert!(trip.is_none());
    let t = b.on_result(ms(5), true, ms(10)).expect("3/6 = 50 % trips");
    assert_eq!((t.from, t.to), (State::Closed, State::Open));
    assert!(
        matches!(t.reason, Reason::ThresholdReached { failure_rate, .. } if failure_rate == 50.0)
    );
}

#[test]
fn a_call_is_slow_only_when_strictly_longer_than_the_threshold() {
    let mut c = small();
    c.window = WindowType::CountBased(4);
    c.minimum_calls = 4;
    c.slow_call_rate_threshold = 50.0;
    let mut b = CircuitBreaker::new(c.clone());
    for (t, d) in [1000, 1000, 1000, 1001].into_iter().enumerate() {
        call(&mut b, t as u64, false, d);
    }
    assert_eq!(b.snapshot(ms(4)).slow, 1, "1000 ms is not slow, 1001 ms is");
    assert_eq!(b.state(), State::Closed);

    let mut b = CircuitBreaker::new(c);
    for (t, d) in [1200, 300, 1000, 1500].into_iter().enumerate() {
        call(&mut b, t as u64, false, d);
    }
    assert_eq!(b.state(), State::Open, "slow rate 2/4 = 50 % >= 50 % trips");
}

#[test]
fn a_failed_call_can_also_be_slow() {
    let mut b = CircuitBreaker::new(small());
    call(&mut b, 0, true, 5000);
    let snap = b.snapshot(ms(0));
    assert_eq!((snap.failed, snap.slow), (1, 1));
}

#[test]
fn count_window_minimum_is_capped_at_the_window_size() {
    let mut c = small();
    c.window = WindowType::CountBased(3);
    c.minimum_calls = 100;
    let mut b = CircuitBreaker::new(c);
    assert_eq!(b.minimum_calls(), 3);
    for t in 0..3 {
        call(&mut b, t, true, 10);
    }
    assert_eq!(b.state(), State::Open);
}

#[test]
fn time_window_minimum_is_not_capped() {
    let mut c = small();
    c.window = WindowType::TimeBased(3);
    c.minimum_calls = 5;
    let b = CircuitBreaker::new(c);
    assert_eq!(b.minimum_calls(), 5);
}

#[test]
fn the_count_window_slides() {
    let mut c = small();
    c.window = WindowType::CountBased(4);
    c.minimum_calls = 4;
    let mut b = CircuitBreaker::new(c);
    for (t, failed) in [true, false, false, false, true].into_iter().enumerate() {
        call(&mut b, t as u64, failed, 10);
    }
    assert_eq!(b.rates(ms(5)), Some((25.0, 0.0)));
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn the_time_window_forgets_calls_older_than_its_seconds() {
    let mut c = small();
    c.window = WindowType::TimeBased(2);
    c.minimum_calls = 3;
    let mut b = CircuitBreaker::new(c);
    call(&mut b, 0, true, 10);
    call(&mut b, 500, true, 10);
    // At 2.1 s the window covers seconds 1 and 2 only: the two failures are gone.
    call(&mut b, 2_100, true, 10);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.snapshot(ms(2_100)).calls, 1);
    call(&mut b, 2_200, true, 10);
    call(&mut b, 2_300, true, 10);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn open_rejects_and_rejections_never_enter_the_window() {
    let mut b = CircuitBreaker::new(small());
    trip(&mut b);
    let before = b.snapshot(ms(10));
    for t in 10..20 {
        assert!(!call(&mut b, t, false, 10));
    }
    assert_eq!(b.snapshot(ms(20)), before);
    assert_eq!(b.not_permitted(), 10);
}

#[test]
fn open_moves_to_half_open_lazily_on_the_first_call_strictly_after_the_wait() {
    let mut b = CircuitBreaker::new(small());
    trip(&mut b); // opened at 4 ms, wait 5000 ms
    assert_eq!(
        b.next_timer(),
        None,
        "no timer without automatic transition"
    );
    assert_eq!(b.poll_timers(ms(60_000)), None);
    assert_eq!(b.state(), State::Open, "nothing happens until a call comes");
    let (ok, t) = b.try_acquire(ms(5_004));
    assert!(
        !ok && t.is_none(),
        "at exactly the end of the wait: still open"
    );
    let (ok, t) = b.try_acquire(SimTime(ms(5_004).0 + 1));
    assert!(ok, "the first call after the wait is a trial");
    let t = t.expect("lazy transition");
    assert_eq!((t.from, t.to), (State::Open, State::HalfOpen));
    assert!(matches!(t.reason, Reason::WaitElapsedOnCall { .. }));
}

#[test]
fn automatic_transition_moves_to_half_open_by_timer() {
    let mut c = small();
    c.automatic_transition = true;
    let mut b = CircuitBreaker::new(c);
    trip(&mut b);
    assert_eq!(b.next_timer(), Some(ms(5_004)));
    assert_eq!(b.poll_timers(ms(5_003)), None);
    let t = b.poll_timers(ms(6_000)).expect("timer fires");
    assert_eq!(t.at, ms(5_004), "at the timer's own time");
    assert_eq!(b.state(), State::HalfOpen);
}

fn half_open(c: BreakerConfig) -> CircuitBreaker {
    let mut b = CircuitBreaker::new(c);
    trip(&mut b);
    let (_, t) = b.try_acquire(ms(10_000));
    assert!(t.is_some());
    b.release(); // give the trial permit back: tests hand out their own
    assert_eq!(b.state(), State::HalfOpen);
    b
}

#[test]
fn half_open_has_a_fresh_window_and_rejects_beyond_its_permits() {
    let mut b = half_open(small());
    assert_eq!(b.snapshot(ms(10_000)).calls, 0, "fresh metrics");
    assert_eq!(b.minimum_calls(), 3, "min(minimum 5, permitted 3)");
    for _ in 0..3 {
        assert!(b.try_acquire(ms(10_001)).0);
    }
    assert!(
        !b.try_acquire(ms(10_001)).0,
        "a fourth concurrent trial is rejected"
    );
    assert_eq!(b.permits_left(), 0);
}

#[test]
fn half_open_decides_after_min_of_minimum_and_permitted_calls() {
    let mut b = half_open(small());
    for _ in 0..3 {
        b.try_acquire(ms(10_001));
    }
    assert_eq!(b.on_result(ms(10_002), false, ms(10)), None);
    assert_eq!(
        b.on_result(ms(10_003), true, ms(10)),
        None,
        "one failure waits for the verdict"
    );
    let t = b.on_result(ms(10_004), false, ms(10)).expect("verdict");
    assert_eq!((t.from, t.to), (State::HalfOpen, State::Closed));
    assert_eq!(
        b.snapshot(ms(10_004)).calls,
        0,
        "CLOSED starts a fresh window"
    );
}

#[test]
fn half_open_reopens_when_the_trials_reach_a_threshold() {
    let mut b = half_open(small());
    for _ in 0..3 {
        b.try_acquire(ms(10_001));
    }
    b.on_result(ms(10_002), true, ms(10));
    b.on_result(ms(10_003), false, ms(10));
    let t = b.on_result(ms(10_004), true, ms(10)).expect("verdict");
    assert_eq!((t.from, t.to), (State::HalfOpen, State::Open));
    assert_eq!(b.retry_after(), Some(ms(15_004)), "a new wait starts");
}

/// Each state change resets the window, except into OPEN, which keeps the window it came
/// from: after a failed trial that is HALF_OPEN's window of the trial calls, not CLOSED's.
#[test]
fn open_keeps_the_window_of_the_state_it_came_from() {
    let mut b = CircuitBreaker::new(small());
    trip(&mut b);
    assert_eq!(b.window_of(), State::Closed);
    assert_eq!(b.count_window().map(CountWindow::capacity), Some(10));
    assert_eq!(b.snapshot(ms(5)).calls, 5, "the five calls that tripped it");

    let mut b = half_open(small());
    assert_eq!(b.window_of(), State::HalfOpen);
    for _ in 0..3 {
        b.try_acquire(ms(10_001));
    }
    for (t, failed) in [(10_002, true), (10_003, true), (10_004, false)] {
        b.on_result(ms(t), failed, ms(10));
    }
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.window_of(), State::HalfOpen, "the trial window is kept");
    assert_eq!(b.count_window().map(CountWindow::capacity), Some(3));
    let trials: Vec<bool> = b
        .count_window()
        .unwrap()
        .outcomes()
        .map(|o| o.failed)
        .collect();
    assert_eq!(
        trials,
        [true, true, false],
        "the three trials, oldest first"
    );

    let (_, t) = b.try_acquire(ms(20_000));
    assert_eq!(t.map(|t| t.to), Some(State::HalfOpen));
    assert_eq!(
        b.snapshot(ms(20_000)).calls,
        0,
        "the next trial starts fresh"
    );
}

#[test]
fn half_open_max_wait_reopens_without_a_verdict() {
    let mut c = small();
    c.max_wait_in_half_open_ms = 2_000;
    let mut b = half_open(c);
    assert_eq!(b.next_timer(), Some(ms(12_000)));
    let t = b.poll_timers(ms(12_000)).expect("max wait elapsed");
    assert_eq!((t.from, t.to), (State::HalfOpen, State::Open));
}

#[test]
fn late_results_in_open_are_recorded_but_change_nothing() {
    let mut b = CircuitBreaker::new(small());
    trip(&mut b);
    let before = b.snapshot(ms(5)).calls;
    assert_eq!(b.on_result(ms(5), false, ms(10)), None);
    assert_eq!(b.snapshot(ms(5)).calls, (before + 1).min(10));
    assert_eq!(b.state(), State::Open);
}

#[test]
fn disabled_permits_everything_and_records_nothing() {
    let mut b = CircuitBreaker::new(small());
    b.set_state(ms(0), State::Disabled);
    for t in 0..50 {
        assert!(call(&mut b, t, true, 10));
    }
    assert_eq!(b.state(), State::Disabled);
    assert_eq!(b.snapshot(ms(50)).calls, 0);
}

#[test]
fn forced_open_rejects_everything_forever() {
    let mut b = CircuitBreaker::new(small());
    let t = b.set_state(ms(0), State::ForcedOpen).expect("changed");
    assert_eq!(t.reason, Reason::Manual);
    for t in [0, 10_000, 1_000_000] {
        assert!(!b.try_acquire(ms(t)).0);
    }
    assert_eq!(b.state(), State::ForcedOpen);
}

#[test]
fn invalid_configs_are_refused_with_the_field_named() {
    let mut c = small();
    c.failure_rate_threshold = 0.0;
    assert!(c.validate().unwrap_err().contains("failure_rate_threshold"));
    let mut c = small();
    c.window = WindowType::CountBased(0);
    assert!(c.validate().unwrap_err().contains("window"));
}
