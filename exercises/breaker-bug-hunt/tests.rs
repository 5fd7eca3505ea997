use super::*;

fn breaker(failure_threshold: u32, trial_calls: u32) -> Breaker {
    Breaker::new(Config {
        failure_threshold,
        open_ms: 1_000,
        trial_calls,
    })
}

fn fail(b: &mut Breaker, now_ms: u64) -> Result<(), CallError> {
    b.call(now_ms, || Err("boom".to_string()))
}

fn succeed(b: &mut Breaker, now_ms: u64) -> Result<u32, CallError> {
    b.call(now_ms, || Ok(7))
}

/// Trips a fresh breaker at time 0 with `threshold` failures.
fn tripped(threshold: u32, trial_calls: u32) -> Breaker {
    let mut b = breaker(threshold, trial_calls);
    for _ in 0..threshold {
        let _ = fail(&mut b, 0);
    }
    ::core::assert_eq!(b.state(), State::Open, "setup: the breaker should be open");
    b
}

#[test]
fn trips_after_threshold_failures_in_a_row() {
    let mut b = breaker(3, 1);
    ::core::assert_eq!(fail(&mut b, 0), Err(CallError::Failed("boom".to_string())));
    ::core::assert_eq!(fail(&mut b, 0), Err(CallError::Failed("boom".to_string())));
    ::core::assert_eq!(b.state(), State::Closed);
    ::core::assert_eq!(b.consecutive_failures(), 2);
    let _ = fail(&mut b, 0);
    ::core::assert_eq!(b.state(), State::Open);
}

#[test]
fn a_success_in_closed_resets_the_failure_count() {
    let mut b = breaker(3, 1);
    let _ = fail(&mut b, 0);
    let _ = fail(&mut b, 0);
    ::core::assert_eq!(succeed(&mut b, 0), Ok(7));
    ::core::assert_eq!(
        b.consecutive_failures(),
        0,
        "incident 1: a success must reset the count; the threshold is for failures *in a row*"
    );
    let _ = fail(&mut b, 0);
    let _ = fail(&mut b, 0);
    ::core::assert_eq!(
        b.state(),
        State::Closed,
        "only 2 failures in a row since the last success"
    );
}

#[test]
fn occasional_errors_never_trip_the_breaker() {
    let mut b = breaker(3, 1);
    for i in 0..500u64 {
        let _ = if i % 50 == 49 {
            fail(&mut b, i)
        } else {
            succeed(&mut b, i).map(|_| ())
        };
        ::core::assert_eq!(
            b.state(),
            State::Closed,
            "incident 1: tripped at call {i} though there were never 3 failures in a row"
        );
    }
}

#[test]
fn an_open_breaker_rejects_with_a_distinct_error() {
    let mut b = tripped(3, 1);
    let mut called = false;
    let result: Result<(), CallError> = b.call(500, || {
        called = true;
        Ok(())
    });
    ::core::assert!(!called, "an open breaker must not call the dependency");
    ::core::assert_eq!(
        result,
        Err(CallError::Rejected),
        "incident 4: a refusal by the breaker must be CallError::Rejected, not Failed"
    );
}

#[test]
fn a_rejection_is_not_confused_with_a_dependency_error() {
    let mut b = breaker(1, 1);
    let from_dependency = b.call(0, || Err::<(), _>("service unavailable".to_string()));
    let from_breaker = b.call(1, || Err::<(), _>("service unavailable".to_string()));
    ::core::assert_eq!(
        from_dependency,
        Err(CallError::Failed("service unavailable".to_string()))
    );
    ::core::assert_ne!(
        from_dependency, from_breaker,
        "incident 4: the caller must be able to tell the breaker's no from the dependency's"
    );
    ::core::assert_eq!(from_breaker, Err(CallError::Rejected));
}

#[test]
fn rejected_calls_do_not_count_as_failures() {
    let mut b = tripped(3, 1);
    for t in 1..100 {
        let _ = fail(&mut b, t);
    }
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert_eq!(
        succeed(&mut b, 1_000),
        Ok(7),
        "the wait still ends at 1000 ms"
    );
    ::core::assert_eq!(b.state(), State::Closed);
    ::core::assert_eq!(b.consecutive_failures(), 0);
}

#[test]
fn open_lasts_exactly_open_ms() {
    let mut b = tripped(2, 1);
    ::core::assert!(
        !b.try_acquire(999),
        "1 ms before the end of the wait: still open"
    );
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert!(
        b.try_acquire(1_000),
        "at open_ms the first trial is allowed"
    );
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn a_failed_trial_reopens_at_once() {
    let mut b = tripped(5, 1);
    ::core::assert_eq!(
        fail(&mut b, 1_000),
        Err(CallError::Failed("boom".to_string()))
    );
    ::core::assert_eq!(
        b.state(),
        State::Open,
        "incident 2: one failed trial must re-open the breaker, not count up to the threshold again"
    );
}

#[test]
fn a_failed_trial_restarts_the_wait() {
    let mut b = tripped(5, 1);
    let _ = fail(&mut b, 1_500);
    ::core::assert_eq!(
        b.call(2_499, || Ok::<_, String>(())),
        Err(CallError::Rejected)
    );
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert_eq!(
        succeed(&mut b, 2_500),
        Ok(7),
        "the new wait counts from the failed trial"
    );
    ::core::assert_eq!(b.state(), State::Closed);
}

#[test]
fn half_open_lets_through_only_the_trial_calls() {
    let mut b = tripped(3, 2);
    ::core::assert!(b.try_acquire(1_000), "trial 1");
    ::core::assert!(b.try_acquire(1_001), "trial 2");
    for t in 1_002..1_010 {
        ::core::assert!(
            !b.try_acquire(t),
            "incident 3: half-open allows trial_calls = 2 trials, then must refuse"
        );
    }
    ::core::assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn half_open_with_a_trial_in_flight_rejects_other_calls() {
    let mut b = tripped(3, 1);
    ::core::assert!(b.try_acquire(1_000), "the single trial");
    let mut called = false;
    let result = b.call(1_001, || {
        called = true;
        Ok::<_, String>(())
    });
    ::core::assert!(
        !called,
        "incident 3: a second caller must not reach the recovering dependency"
    );
    ::core::assert_eq!(result, Err(CallError::Rejected));
    b.record_success();
    ::core::assert_eq!(b.state(), State::Closed);
}

#[test]
fn zero_trial_calls_acts_like_one() {
    let mut b = tripped(3, 0);
    ::core::assert!(b.try_acquire(1_000));
    ::core::assert!(!b.try_acquire(1_000));
}

#[test]
fn each_half_open_period_gets_a_fresh_set_of_trials() {
    let mut b = tripped(3, 2);
    ::core::assert!(b.try_acquire(1_000));
    ::core::assert!(b.try_acquire(1_000));
    b.record_failure(1_000);
    ::core::assert_eq!(b.state(), State::Open);
    ::core::assert!(b.try_acquire(2_000), "after the next wait, trial 1 again");
    ::core::assert!(b.try_acquire(2_000), "and trial 2");
    ::core::assert!(!b.try_acquire(2_000));
}

#[test]
fn a_successful_trial_closes_and_the_full_threshold_applies_again() {
    let mut b = tripped(3, 1);
    ::core::assert_eq!(succeed(&mut b, 1_000), Ok(7));
    ::core::assert_eq!(b.state(), State::Closed);
    let _ = fail(&mut b, 1_001);
    let _ = fail(&mut b, 1_002);
    ::core::assert_eq!(
        b.state(),
        State::Closed,
        "after closing, it takes 3 new failures to trip"
    );
    let _ = fail(&mut b, 1_003);
    ::core::assert_eq!(b.state(), State::Open);
}

#[test]
fn late_results_while_open_are_ignored() {
    let mut b = breaker(2, 1);
    ::core::assert!(b.try_acquire(0));
    ::core::assert!(b.try_acquire(0));
    ::core::assert!(b.try_acquire(0));
    b.record_failure(0);
    b.record_failure(0);
    ::core::assert_eq!(b.state(), State::Open);
    b.record_failure(600); // the third, slow call fails late
    b.record_success(); // or succeeds late
    ::core::assert_eq!(
        b.state(),
        State::Open,
        "results arriving while open change nothing"
    );
    ::core::assert!(
        b.try_acquire(1_000),
        "a late failure must not push the wait back"
    );
}

#[test]
fn a_whole_outage_and_recovery() {
    let mut b = breaker(3, 1);
    let mut gateway_calls = 0;
    let mut rejected = 0;
    // The gateway is down from t = 0 to t = 5000; one request every 100 ms.
    for t in (0..8_000u64).step_by(100) {
        let up = t >= 5_000;
        let result = b.call(t, || {
            gateway_calls += 1;
            if up {
                Ok(())
            } else {
                Err("503".to_string())
            }
        });
        if result == Err(CallError::Rejected) {
            rejected += 1;
        }
    }
    ::core::assert_eq!(
        b.state(),
        State::Closed,
        "the breaker must close once the gateway is back"
    );
    // 3 failures trip it at 200; trials at 1200, 2200, 3200, 4200 fail; trial at 5200 succeeds;
    // then every request from 5300 to 7900 goes through.
    ::core::assert_eq!(
        gateway_calls,
        3 + 4 + 1 + 27,
        "the dead gateway should see one call per trial"
    );
    ::core::assert_eq!(rejected, 80 - gateway_calls);
}
