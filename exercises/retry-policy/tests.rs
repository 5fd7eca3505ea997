use super::*;

fn policy(max_attempts: u32, budget_ms: u64) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay_ms: 100,
        max_delay_ms: 1_000,
        budget_ms,
    }
}

fn get() -> Operation {
    Operation {
        idempotent: true,
        idempotency_key: None,
    }
}

fn post() -> Operation {
    Operation {
        idempotent: false,
        idempotency_key: None,
    }
}

fn post_with_key() -> Operation {
    Operation {
        idempotent: false,
        idempotency_key: Some("7c1e-key".to_string()),
    }
}

#[test]
fn transient_and_permanent_errors_are_told_apart() {
    for e in [
        CallError::Timeout,
        CallError::Refused,
        CallError::Unavailable,
        CallError::TooManyRequests {
            retry_after_ms: None,
        },
        CallError::TooManyRequests {
            retry_after_ms: Some(5),
        },
    ] {
        ::core::assert!(e.is_transient(), "{e:?} may go away on its own: transient");
    }
    for e in [
        CallError::BadRequest("no amount".into()),
        CallError::Declined("funds".into()),
    ] {
        ::core::assert!(
            !e.is_transient(),
            "{e:?} will fail the same way again: permanent"
        );
    }
}

#[test]
fn safe_to_repeat_needs_idempotency_or_a_key() {
    ::core::assert!(get().safe_to_repeat());
    ::core::assert!(post_with_key().safe_to_repeat());
    ::core::assert!(!post().safe_to_repeat());
    ::core::assert!(Operation {
        idempotent: true,
        idempotency_key: Some("k".into())
    }
    .safe_to_repeat());
}

#[test]
fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
    let p = policy(10, 100_000);
    let delays: Vec<u64> = (1..=6).map(|n| p.backoff_ms(n)).collect();
    ::core::assert_eq!(delays, ::std::vec![100, 200, 400, 800, 1_000, 1_000]);
}

#[test]
fn backoff_never_overflows() {
    let p = RetryPolicy {
        max_attempts: 200,
        base_delay_ms: u64::MAX / 2,
        max_delay_ms: u64::MAX,
        budget_ms: u64::MAX,
    };
    ::core::assert_eq!(p.backoff_ms(1), u64::MAX / 2);
    ::core::assert_eq!(
        p.backoff_ms(3),
        u64::MAX,
        "a huge product saturates instead of panicking"
    );
    ::core::assert_eq!(p.backoff_ms(64), u64::MAX);
    ::core::assert_eq!(
        p.backoff_ms(65),
        u64::MAX,
        "shifting by 64 or more must not panic either"
    );
    ::core::assert_eq!(p.backoff_ms(u32::MAX), u64::MAX);
    let small = policy(1, 1);
    ::core::assert_eq!(
        small.backoff_ms(0),
        100,
        "attempt 0 is treated like attempt 1"
    );
}

#[test]
fn success_on_the_first_try_does_not_sleep() {
    let clock = ManualClock::new(0);
    let mut calls = 0;
    let result = retry(&policy(5, 10_000), &post(), &clock, |_| {
        calls += 1;
        Ok::<_, CallError>(7)
    });
    ::core::assert_eq!(result, Ok(7));
    ::core::assert_eq!(calls, 1);
    ::core::assert!(clock.sleeps().is_empty());
}

#[test]
fn attempt_numbers_start_at_one_and_count_up() {
    let clock = ManualClock::new(0);
    let mut seen = Vec::new();
    let _ = retry(&policy(4, 100_000), &get(), &clock, |attempt| {
        seen.push(attempt);
        Err::<(), _>(CallError::Unavailable)
    });
    ::core::assert_eq!(seen, ::std::vec![1, 2, 3, 4]);
}

#[test]
fn a_permanent_error_is_never_retried() {
    let clock = ManualClock::new(0);
    let mut calls = 0;
    let result: Result<(), _> = retry(&policy(5, 10_000), &get(), &clock, |_| {
        calls += 1;
        Err(CallError::BadRequest("missing amount".into()))
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::Permanent {
            error: CallError::BadRequest("missing amount".into()),
            attempts: 1
        })
    );
    ::core::assert_eq!(calls, 1, "retrying a malformed request only adds load");
    ::core::assert!(clock.sleeps().is_empty());
}

#[test]
fn a_permanent_error_after_transient_ones_stops_at_once() {
    let clock = ManualClock::new(0);
    let result: Result<(), _> = retry(&policy(5, 10_000), &get(), &clock, |attempt| {
        if attempt == 1 {
            Err(CallError::Timeout)
        } else {
            Err(CallError::Declined("card blocked".into()))
        }
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::Permanent {
            error: CallError::Declined("card blocked".into()),
            attempts: 2
        })
    );
    ::core::assert_eq!(clock.sleeps(), ::std::vec![100]);
}

#[test]
fn gives_up_after_max_attempts_with_exact_delays() {
    let clock = ManualClock::new(1_000);
    let result: Result<(), _> = retry(&policy(4, 100_000), &get(), &clock, |_| {
        Err(CallError::Unavailable)
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::AttemptsExhausted {
            last: CallError::Unavailable,
            attempts: 4
        })
    );
    ::core::assert_eq!(
        clock.sleeps(),
        ::std::vec![100, 200, 400],
        "three waits between four attempts, none after the last one"
    );
}

#[test]
fn max_attempts_of_one_means_no_retry_and_zero_acts_like_one() {
    for max in [0, 1] {
        let clock = ManualClock::new(0);
        let mut calls = 0;
        let result: Result<(), _> = retry(&policy(max, 10_000), &get(), &clock, |_| {
            calls += 1;
            Err(CallError::Timeout)
        });
        ::core::assert_eq!(
            result,
            Err(RetryError::AttemptsExhausted {
                last: CallError::Timeout,
                attempts: 1
            }),
            "max_attempts = {max}"
        );
        ::core::assert_eq!(
            calls, 1,
            "max_attempts = {max}: the first call always happens"
        );
    }
}

#[test]
fn a_non_idempotent_call_is_not_retried_after_an_ambiguous_error() {
    for error in [
        CallError::Timeout,
        CallError::Unavailable,
    ] {
        let clock = ManualClock::new(0);
        let mut calls = 0;
        let result: Result<(), _> = retry(&policy(5, 10_000), &post(), &clock, |_| {
            calls += 1;
            Err(error.clone())
        });
        ::core::assert_eq!(
            result,
            Err(RetryError::NotSafeToRetry {
                error: error.clone(),
                attempts: 1
            }),
            "the server may already have done it: retrying a plain POST could charge twice"
        );
        ::core::assert_eq!(calls, 1);
    }
}

#[test]
fn a_refused_connection_can_be_retried_even_for_a_plain_post() {
    let clock = ManualClock::new(0);
    let result = retry(&policy(5, 10_000), &post(), &clock, |attempt| {
        if attempt < 3 {
            Err(CallError::Refused)
        } else {
            Ok("created")
        }
    });
    ::core::assert_eq!(
        result,
        Ok("created"),
        "a refused connection proves the request never arrived, so repeating it is safe"
    );
    ::core::assert_eq!(clock.sleeps(), ::std::vec![100, 200]);
}

#[test]
fn a_post_becomes_unsafe_again_once_the_error_is_ambiguous() {
    let clock = ManualClock::new(0);
    let result: Result<(), _> = retry(&policy(5, 10_000), &post(), &clock, |attempt| {
        if attempt == 1 {
            Err(CallError::Refused)
        } else {
            Err(CallError::Timeout)
        }
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::NotSafeToRetry {
            error: CallError::Timeout,
            attempts: 2
        })
    );
}

#[test]
fn a_post_with_an_idempotency_key_is_retried() {
    let clock = ManualClock::new(0);
    let result = retry(&policy(5, 10_000), &post_with_key(), &clock, |attempt| {
        if attempt == 1 {
            Err(CallError::Timeout)
        } else {
            Ok(201)
        }
    });
    ::core::assert_eq!(result, Ok(201));
    ::core::assert_eq!(clock.sleeps(), ::std::vec![100]);
}

#[test]
fn retry_after_from_the_server_stretches_the_wait() {
    let clock = ManualClock::new(0);
    let result = retry(
        &policy(5, 10_000),
        &get(),
        &clock,
        |attempt| match attempt {
            1 => Err(CallError::TooManyRequests {
                retry_after_ms: Some(750),
            }),
            2 => Err(CallError::TooManyRequests {
                retry_after_ms: Some(50),
            }),
            3 => Err(CallError::TooManyRequests {
                retry_after_ms: None,
            }),
            _ => Ok(()),
        },
    );
    ::core::assert_eq!(result, Ok(()));
    ::core::assert_eq!(
        clock.sleeps(),
        ::std::vec![750, 200, 400],
        "wait the larger of our backoff and the server's retry-after"
    );
}

#[test]
fn the_budget_stops_a_retry_that_would_start_too_late() {
    let clock = ManualClock::new(0);
    // Waits would be 100, 200, 400: elapsed 0+100 < 500, 100+200 < 500, 300+400 >= 500.
    let result: Result<(), _> = retry(&policy(10, 500), &get(), &clock, |_| {
        Err(CallError::Unavailable)
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::BudgetExhausted {
            last: CallError::Unavailable,
            attempts: 3
        })
    );
    ::core::assert_eq!(
        clock.sleeps(),
        ::std::vec![100, 200],
        "no pointless sleep once the budget is gone"
    );
}

#[test]
fn a_retry_that_would_start_exactly_at_the_deadline_is_not_made() {
    let clock = ManualClock::new(0);
    let result: Result<(), _> = retry(&policy(10, 300), &get(), &clock, |_| {
        Err(CallError::Unavailable)
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::BudgetExhausted {
            last: CallError::Unavailable,
            attempts: 2
        }),
        "100 + 200 = 300 = the budget: a try at the deadline has no time left to succeed"
    );
}

#[test]
fn time_spent_inside_calls_counts_against_the_budget() {
    let clock = ManualClock::new(5_000);
    let result: Result<(), _> = retry(&policy(10, 2_000), &get(), &clock, |_| {
        clock.advance(700); // each call hangs 700 ms before timing out
        Err(CallError::Timeout)
    });
    // 700 elapsed + 100 wait < 2000; 1500 elapsed + 200 wait < 2000; 2400 + 400 >= 2000.
    ::core::assert_eq!(
        result,
        Err(RetryError::BudgetExhausted {
            last: CallError::Timeout,
            attempts: 3
        }),
        "elapsed time is measured on the clock from before the first call, calls included"
    );
    ::core::assert_eq!(clock.sleeps(), ::std::vec![100, 200]);
}

#[test]
fn a_retry_after_longer_than_the_budget_gives_up_at_once() {
    let clock = ManualClock::new(0);
    let result: Result<(), _> = retry(&policy(5, 1_000), &get(), &clock, |_| {
        Err(CallError::TooManyRequests {
            retry_after_ms: Some(60_000),
        })
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::BudgetExhausted {
            last: CallError::TooManyRequests {
                retry_after_ms: Some(60_000)
            },
            attempts: 1
        })
    );
    ::core::assert!(clock.sleeps().is_empty());
}

#[test]
fn a_zero_budget_still_allows_the_first_call() {
    let clock = ManualClock::new(0);
    let mut calls = 0;
    let result = retry(&policy(5, 0), &get(), &clock, |_| {
        calls += 1;
        Ok::<_, CallError>("ok")
    });
    ::core::assert_eq!(result, Ok("ok"));
    ::core::assert_eq!(calls, 1);
}

#[test]
fn huge_limits_do_not_overflow() {
    let clock = ManualClock::new(u64::MAX / 2);
    let p = RetryPolicy {
        max_attempts: 70,
        base_delay_ms: 1,
        max_delay_ms: u64::MAX,
        budget_ms: u64::MAX,
    };
    let result: Result<(), _> = retry(&p, &get(), &clock, |_| Err(CallError::Timeout));
    ::core::assert!(
        ::core::matches!(result, Err(RetryError::BudgetExhausted { .. })),
        "with growing delays the budget runs out first, without an arithmetic panic: {result:?}"
    );
}

#[test]
fn a_429_is_an_explicit_refusal_so_even_a_plain_post_is_retried() {
    let clock = ManualClock::new(0);
    let result = retry(&policy(5, 10_000), &post(), &clock, |attempt| {
        if attempt == 1 {
            Err(CallError::TooManyRequests {
                retry_after_ms: Some(700),
            })
        } else {
            Ok("created")
        }
    });
    ::core::assert_eq!(
        result,
        Ok("created"),
        "a 429 says the server did not take the request: repeating it cannot charge twice"
    );
    ::core::assert_eq!(clock.sleeps(), ::std::vec![700], "and Retry-After sets the wait");
}

#[test]
fn a_permanent_error_on_a_post_is_permanent_not_unsafe() {
    let clock = ManualClock::new(0);
    let result: Result<(), _> = retry(&policy(5, 10_000), &post(), &clock, |_| {
        Err(CallError::Declined("insufficient funds".into()))
    });
    ::core::assert_eq!(
        result,
        Err(RetryError::Permanent {
            error: CallError::Declined("insufficient funds".into()),
            attempts: 1
        }),
        "rule 1 comes before rule 2: the error is permanent whatever the operation"
    );
}

#[test]
fn an_unsafe_post_is_reported_as_unsafe_even_on_its_last_attempt() {
    let clock = ManualClock::new(0);
    let result: Result<(), _> =
        retry(&policy(1, 10_000), &post(), &clock, |_| Err(CallError::Timeout));
    ::core::assert_eq!(
        result,
        Err(RetryError::NotSafeToRetry {
            error: CallError::Timeout,
            attempts: 1
        }),
        "rule 2 comes before rule 3"
    );
}

#[test]
fn attempts_run_out_before_the_budget_is_checked() {
    let clock = ManualClock::new(0);
    // The second attempt is the last allowed, and its retry would also miss the budget.
    let result: Result<(), _> =
        retry(&policy(2, 150), &get(), &clock, |_| Err(CallError::Unavailable));
    ::core::assert_eq!(
        result,
        Err(RetryError::AttemptsExhausted {
            last: CallError::Unavailable,
            attempts: 2
        }),
        "rule 3 comes before rule 5"
    );
}
