use super::*;

fn post(p: f64, strategy: Strategy, seed: u64) -> RetryOutcome {
    run(&RetryConfig::post(p, strategy), seed).expect("the post's config is valid")
}

/// Means over a few runs, as (success %, load %).
fn mean(config: impl Fn(u64) -> RetryConfig, runs: u64) -> (f64, f64) {
    let (mut s, mut l) = (0.0, 0.0);
    for seed in 0..runs {
        let o = run(&config(seed), seed).expect("valid config");
        s += o.success_pct();
        l += o.load_pct();
    }
    (s / runs as f64, l / runs as f64)
}

#[test]
fn no_retries_succeed_with_one_minus_p_at_unit_load() {
    for p in [0.0, 0.1, 0.5] {
        let o = post(p, Strategy::None, 1);
        assert_eq!(o.attempts, o.calls);
        assert!(
            (o.success_pct() - 100.0 * (1.0 - p)).abs() < 2.0,
            "{p}: {o:?}"
        );
    }
    // About 100 clients x 10/s x 10 s calls.
    let o = post(0.0, Strategy::None, 1);
    assert!((9_500..10_500).contains(&o.calls), "{o:?}");
    assert_eq!(o.successes, o.calls);
}

#[test]
fn three_retries_match_the_closed_forms() {
    for p in [0.05, 0.2, 0.5, 0.75] {
        let (success, load) = mean(|_| RetryConfig::post(p, Strategy::Retries3), 3);
        let want_success = 100.0 * (1.0 - p.powi(4));
        let want_load = 100.0 * (1.0 + p + p * p + p * p * p);
        assert!(
            (success - want_success).abs() < 1.0,
            "{p}: {success} vs {want_success}"
        );
        assert!((load - want_load).abs() < 2.0, "{p}: {load} vs {want_load}");
    }
}

#[test]
fn the_strategies_order_as_in_the_post() {
    // Small p: the budgets cost (almost) nothing and do as well as three retries.
    for s in [Strategy::TokenBucket, Strategy::Breaker] {
        let o = post(0.01, s, 2);
        let three = post(0.01, Strategy::Retries3, 2);
        assert!((o.success_pct() - three.success_pct()).abs() < 0.2, "{s:?}");
        assert!(o.success_pct() > post(0.01, Strategy::None, 2).success_pct());
    }
    // Large p: three retries nearly quadruple the load; the bucket caps it near 110 %,
    // the breaker near 100 %, and both still beat no retries a little or match it.
    let p = 0.75;
    let three = post(p, Strategy::Retries3, 3);
    let bucket = post(p, Strategy::TokenBucket, 3);
    let breaker = post(p, Strategy::Breaker, 3);
    let none = post(p, Strategy::None, 3);
    assert!(three.load_pct() > 250.0, "{three:?}");
    assert!(
        bucket.load_pct() < 120.0 && bucket.load_pct() > 105.0,
        "{bucket:?}"
    );
    assert!(breaker.load_pct() < 105.0, "{breaker:?}");
    assert!(three.success_pct() > bucket.success_pct());
    assert!(bucket.success_pct() > none.success_pct());
    assert!(breaker.success_pct() >= none.success_pct() - 1.0);
}

#[test]
fn the_breaker_retries_below_its_threshold_only() {
    // At 5 % failures the ratio (failed attempts over first tries, about 5.3 %) stays
    // under 10 % once a client has made a few calls; a failure among its first ten calls
    // still trips it for a while, so it falls a little short of three retries.
    let low = post(0.05, Strategy::Breaker, 4);
    assert!(low.success_pct() > 98.0, "{low:?}");
    assert!(low.success_pct() > post(0.05, Strategy::None, 4).success_pct() + 3.0);
    // At 20 % it stays above after the first few calls: barely more load than none.
    let high = post(0.2, Strategy::Breaker, 4);
    assert!(high.load_pct() < 103.0, "{high:?}");
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    for s in Strategy::ALL {
        assert_eq!(post(0.2, s, 9), post(0.2, s, 9), "{s:?}");
    }
    assert_ne!(
        post(0.2, Strategy::Retries3, 9),
        post(0.2, Strategy::Retries3, 10)
    );
    let a = sweep(&[0.1], &Strategy::POST, 2, 5, RetryConfig::post);
    assert_eq!(a, sweep(&[0.1], &Strategy::POST, 2, 5, RetryConfig::post));
}

#[test]
fn spread_over_more_clients_the_bucket_tends_to_three_retries_and_the_breaker_to_none() {
    let p = 0.3;
    let at = |clients, s| mean(|_| RetryConfig::spread(clients, p, s), 2);
    let (bucket_10, _) = at(10, Strategy::TokenBucket);
    let (bucket_1000, _) = at(1000, Strategy::TokenBucket);
    let (breaker_10, _) = at(10, Strategy::Breaker);
    let (breaker_1000, breaker_1000_load) = at(1000, Strategy::Breaker);
    let none = 100.0 * (1.0 - p);
    let three = 100.0 * (1.0 - p.powi(4));
    // 1,000 clients with 10 calls each: the full bucket (5 tokens) covers most failures.
    assert!(
        bucket_1000 > bucket_10 + 5.0,
        "{bucket_10} -> {bucket_1000}"
    );
    assert!(three - bucket_1000 < 6.0, "{bucket_1000} vs {three}");
    // The breaker's ratio is above 10 % after the first failure of 10 calls.
    assert!(
        breaker_1000 <= breaker_10 + 0.5,
        "{breaker_10} -> {breaker_1000}"
    );
    assert!(breaker_1000 - none < 3.0, "{breaker_1000} vs {none}");
    assert!(breaker_1000_load < 105.0);
}

#[test]
fn the_real_budgets_behave_as_their_libraries_say() {
    // AWS: at most two retries, and at low p it keeps them all.
    let aws_low = post(0.05, Strategy::AwsStandard, 6);
    assert!((aws_low.success_pct() - 100.0 * (1.0 - 0.05f64.powi(3))).abs() < 0.3);
    // At high p the quota (100 retries, refilled only by successes) drains, but only
    // after 10 s of a 10 calls/s client: over a minute the extra load falls.
    let aws_10s = post(0.75, Strategy::AwsStandard, 6);
    let aws_60s = run(
        &RetryConfig {
            duration_s: 60.0,
            ..RetryConfig::post(0.75, Strategy::AwsStandard)
        },
        6,
    )
    .expect("valid");
    assert!(aws_10s.load_pct() > 220.0, "{aws_10s:?}");
    assert!(aws_60s.load_pct() < 150.0, "{aws_60s:?}");
    // gRPC throttles like a breaker near 9 % failures.
    let grpc_low = post(0.02, Strategy::GrpcThrottling, 6);
    assert!(grpc_low.success_pct() > 99.9, "{grpc_low:?}");
    let grpc_high = post(0.5, Strategy::GrpcThrottling, 6);
    assert!(grpc_high.load_pct() < 110.0, "{grpc_high:?}");
    // Finagle's reserve (100 retries per 10 s window) is big for a 10 calls/s client.
    let finagle = post(0.3, Strategy::FinagleBudget, 6);
    let three = post(0.3, Strategy::Retries3, 6);
    assert!((finagle.success_pct() - three.success_pct()).abs() < 0.5);
    let finagle_high = post(0.75, Strategy::FinagleBudget, 6);
    assert!(finagle_high.load_pct() < 230.0, "{finagle_high:?}");
}

#[test]
fn bad_configs_are_refused_with_the_value() {
    let bad = |c: RetryConfig| run(&c, 1).unwrap_err();
    assert_eq!(
        bad(RetryConfig::post(1.5, Strategy::None)),
        RetryConfigError::FailureRate(1.5)
    );
    assert_eq!(
        bad(RetryConfig::spread(0, 0.1, Strategy::None)),
        RetryConfigError::Clients(0)
    );
    let slow = RetryConfig {
        duration_s: 1e9,
        ..RetryConfig::post(0.1, Strategy::None)
    };
    assert!(matches!(bad(slow), RetryConfigError::TooManyCalls(_)));
    assert_eq!(Strategy::from_id("breaker"), Some(Strategy::Breaker));
    assert_eq!(Strategy::from_id("nope"), None);
}

#[test]
fn a_progressive_sweep_gives_the_sweeps_rows_whatever_the_split() {
    let rates = [0.05, 0.5];
    let strategies = [Strategy::TokenBucket, Strategy::Breaker];
    let whole = sweep(&rates, &strategies, 1, 3, |p, s| {
        RetryConfig::spread(10, p, s)
    })
    .unwrap();
    let mut progressive = ProgressiveSweep::new(&rates, &strategies, 10, 1, 3);
    assert_eq!(progressive.rates_done(), 0);
    assert!(progressive.step().unwrap());
    assert_eq!(
        progressive.rates_done(),
        0,
        "one strategy of the first rate only"
    );
    while progressive.step().unwrap() {}
    assert!(progressive.complete());
    assert_eq!(progressive.rates_done(), 2);
    assert_eq!(progressive.rows(), whole.as_slice());
}
