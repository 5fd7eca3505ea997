use super::*;

const OPEN_FOR: Duration = Duration::from_secs(10);

fn breaker_with(trials: u32) -> (CircuitBreaker<ManualClock>, ManualClock) {
    let clock = ManualClock::default();
    let config = BreakerConfig {
        failure_threshold: 3,
        open_for: OPEN_FOR,
        half_open_trials: trials,
    };
    (CircuitBreaker::new(config, clock.clone()), clock)
}

fn fail(b: &mut CircuitBreaker<ManualClock>) {
    let p = b.try_acquire().expect("a call is admitted");
    b.on_failure(p);
}

fn succeed(b: &mut CircuitBreaker<ManualClock>) {
    let p = b.try_acquire().expect("a call is admitted");
    b.on_success(p);
}

/// Opens a fresh breaker (3 failures) and waits out the open period.
fn half_open(trials: u32) -> (CircuitBreaker<ManualClock>, ManualClock) {
    let (mut b, clock) = breaker_with(trials);
    for _ in 0..3 {
        fail(&mut b);
    }
    clock.advance(OPEN_FOR);
    (b, clock)
}

#[test]
fn only_failures_in_a_row_count() {
    let (mut b, _) = breaker_with(1);
    fail(&mut b);
    fail(&mut b);
    succeed(&mut b);
    fail(&mut b);
    fail(&mut b);
    ::core::assert_eq!(b.state(), State::Closed, "a success in between resets the count");
    fail(&mut b);
    ::core::assert_eq!(b.state(), State::Open);
}

#[test]
fn open_rejects_until_the_wait_is_over_exactly() {
    let (mut b, clock) = breaker_with(1);
    for _ in 0..3 {
        fail(&mut b);
    }
    clock.advance(OPEN_FOR - Duration::from_millis(1));
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert!(b.try_acquire().is_none());
    clock.advance(Duration::from_millis(1));
    ::core::assert_eq!(b.state(), State::HalfOpen, "at exactly open_for the wait is over");
    ::core::assert!(b.try_acquire().is_some());
}

#[test]
fn state_reports_half_open_without_a_call() {
    let (b, _) = half_open(2);
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn half_open_admits_only_the_configured_trials() {
    let (mut b, _) = half_open(2);
    let first = b.try_acquire();
    let second = b.try_acquire();
    ::core::assert!(first.is_some() && second.is_some());
    ::core::assert!(b.try_acquire().is_none(), "a third call while two trials are out");
    ::core::assert!(b.try_acquire().is_none());
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn closing_needs_every_trial_to_succeed() {
    let (mut b, _) = half_open(3);
    let p1 = b.try_acquire().unwrap();
    let p2 = b.try_acquire().unwrap();
    let p3 = b.try_acquire().unwrap();
    b.on_success(p1);
    ::core::assert_eq!(b.state(), State::HalfOpen, "one success is not enough");
    b.on_success(p2);
    ::core::assert_eq!(b.state(), State::HalfOpen);
    b.on_success(p3);
    ::core::assert_eq!(b.state(), State::Closed);
}

#[test]
fn one_trial_failure_reopens_immediately() {
    let (mut b, _) = half_open(3);
    let p1 = b.try_acquire().unwrap();
    let p2 = b.try_acquire().unwrap();
    b.on_success(p1);
    b.on_failure(p2);
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert!(b.try_acquire().is_none());
}

#[test]
fn the_wait_restarts_from_the_trial_failure() {
    let (mut b, clock) = half_open(1);
    clock.advance(Duration::from_secs(7));
    fail(&mut b);
    ::core::assert_eq!(b.state(), State::Open);
    clock.advance(OPEN_FOR - Duration::from_secs(1));
    ::core::assert_eq!(
        b.state(),
        State::Open,
        "the open period counts from the trial's failure, not the first opening"
    );
    ::core::assert!(b.try_acquire().is_none());
    clock.advance(Duration::from_secs(1));
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn a_new_half_open_period_grants_fresh_trials() {
    let (mut b, clock) = half_open(2);
    let p1 = b.try_acquire().unwrap();
    let _p2 = b.try_acquire().unwrap();
    b.on_failure(p1);
    clock.advance(OPEN_FOR);
    ::core::assert!(b.try_acquire().is_some(), "trials from the last period do not count");
    ::core::assert!(b.try_acquire().is_some());
    ::core::assert!(b.try_acquire().is_none());
}

#[test]
fn closing_starts_a_fresh_failure_count() {
    // Three failures opened it; a breaker that keeps counting from there would trip
    // again on the very next failure after closing.
    let (mut b, clock) = half_open(1);
    succeed(&mut b);
    ::core::assert_eq!(b.state(), State::Closed);
    clock.advance(Duration::from_secs(1));
    fail(&mut b);
    fail(&mut b);
    ::core::assert_eq!(b.state(), State::Closed, "old failures must not count after closing");
    fail(&mut b);
    ::core::assert_eq!(b.state(), State::Open);
}

#[test]
fn a_late_success_from_before_the_outage_does_not_close_it() {
    let (mut b, clock) = breaker_with(1);
    let slow = b.try_acquire().unwrap();
    for _ in 0..3 {
        fail(&mut b);
    }
    clock.advance(OPEN_FOR);
    ::core::assert_eq!(b.state(), State::HalfOpen);
    b.on_success(slow);
    ::core::assert_eq!(b.state(), State::HalfOpen, "a stale success says nothing about now");
    ::core::assert!(b.try_acquire().is_some(), "the trial slot is still free");
}

#[test]
fn a_late_failure_does_not_reopen_a_recovered_breaker() {
    let (mut b, clock) = half_open(1);
    let trial = b.try_acquire().unwrap();
    b.on_success(trial);
    ::core::assert_eq!(b.state(), State::Closed);
    let before = b.try_acquire().unwrap();
    // The breaker trips and recovers while `before` is still in flight...
    for _ in 0..3 {
        fail(&mut b);
    }
    clock.advance(OPEN_FOR);
    succeed(&mut b);
    ::core::assert_eq!(b.state(), State::Closed);
    fail(&mut b);
    fail(&mut b);
    // ...so its failure belongs to an old epoch and must not be the third strike.
    b.on_failure(before);
    ::core::assert_eq!(b.state(), State::Closed);
}

#[test]
fn a_stale_failure_does_not_restart_the_open_period() {
    let (mut b, clock) = breaker_with(1);
    let slow = b.try_acquire().unwrap();
    for _ in 0..3 {
        fail(&mut b);
    }
    clock.advance(Duration::from_secs(9));
    b.on_failure(slow);
    clock.advance(Duration::from_secs(1));
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn a_finished_trial_does_not_free_its_slot_in_the_same_half_open_period() {
    let (mut b, _) = half_open(2);
    let first = b.try_acquire().expect("trial 1");
    let _second = b.try_acquire().expect("trial 2");
    b.on_success(first);
    ::core::assert!(
        b.try_acquire().is_none(),
        "half-open admits at most half_open_trials calls in all, not that many at a time"
    );
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

