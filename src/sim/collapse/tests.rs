use super::*;

fn seconds(load: Load, backoff: Backoff, seed: u64) -> Vec<Second> {
    run(&CollapseConfig::brooker(load, backoff), seed).expect("the simulator's config is valid")
}

#[test]
fn the_capacity_is_where_service_time_meets_the_timeout() {
    let config = CollapseConfig::brooker(Load::Spike, Backoff::None);
    // 1 / (1 - 0.01 r) + 0.2 = 3  =>  r = (1 - 1 / 2.8) / 0.01
    assert!((config.capacity_per_s() - 64.2857).abs() < 1e-3);
    let slow = CollapseConfig {
        base_s: 2.9,
        ..config
    };
    assert_eq!(slow.capacity_per_s(), 0.0);
}

#[test]
fn the_loads_follow_the_simulator() {
    assert_eq!(Load::Spike.rate(10.0), 40.0);
    assert_eq!(Load::Spike.rate(22.0), 80.0);
    assert_eq!(Load::Spike.rate(26.0), 40.0);
    assert_eq!(Load::Ramp.rate(0.0), 40.0);
    assert_eq!(Load::Ramp.rate(25.0), 80.0);
    assert_eq!(Load::Ramp.rate(50.0), 40.0);
    assert_eq!(Load::Ramp.rate(79.0), 0.0);
}

#[test]
fn without_backoff_goodput_stays_low_long_after_the_spike() {
    // Metastability is a matter of chance: a 5 s spike tips most runs, not all (seeds
    // 4 and 6 of these recover). The lesson's claim is about the usual outcome.
    let mut collapsed = 0;
    for seed in 1..=10 {
        let s = seconds(Load::Spike, Backoff::None, seed);
        assert_eq!(s.len(), 80);
        let before = mean_goodput(&s, 10, 20);
        assert!((35.0..45.0).contains(&before), "seed {seed}: {before}");
        // The spike ended at 25 s; 15 s later almost nothing succeeds ...
        if mean_goodput(&s, 40, 80) < 2.0 {
            collapsed += 1;
            // ... and the retries are what keeps it down: the server sees far more
            // than the demand of 40/s.
            let retries: u32 = s[40..].iter().map(|x| x.retries).sum();
            assert!(retries > 40 * 40, "seed {seed}: {retries}");
        }
    }
    assert!(collapsed >= 7, "{collapsed} of 10 runs collapsed");
}

#[test]
fn with_jitter_it_recovers_within_seconds() {
    let config = CollapseConfig::brooker(Load::Spike, Backoff::Jitter);
    for seed in 1..=10 {
        let s = run(&config, seed).expect("valid");
        let after = mean_goodput(&s, 30, 80);
        assert!(after > 38.0, "seed {seed}: {after}");
        // Ten seconds after the spike the server is healthy for good.
        assert!(
            s[35..]
                .iter()
                .all(|x| classify(x, &config) != State::Metastable),
            "seed {seed}"
        );
    }
}

#[test]
fn the_ramp_collapses_with_backoff_too() {
    for backoff in Backoff::ALL {
        for seed in 1..=5 {
            let s = seconds(Load::Ramp, backoff, seed);
            let before = mean_goodput(&s, 2, 12);
            assert!(before > 35.0, "{backoff:?} seed {seed}: {before}");
            // The demand is back to 40/s by 50 s, as at the start, yet nothing succeeds.
            let after = mean_goodput(&s, 45, 60);
            assert!(after < 2.0, "{backoff:?} seed {seed}: {after}");
        }
    }
}

#[test]
fn the_states_name_the_phases() {
    let config = CollapseConfig::brooker(Load::Spike, Backoff::None);
    let s = run(&config, 1).expect("valid");
    let states: Vec<State> = s.iter().map(|x| classify(x, &config)).collect();
    // 40/s is served, but three attempts each would exceed the capacity: vulnerable.
    assert!(states[..20].iter().all(|&x| x == State::Vulnerable));
    // After the spike, with the demand back at 40/s: metastable for the rest of the run.
    assert!(states[35..].iter().all(|&x| x == State::Metastable));
    // A light load is stable.
    let quiet = Second {
        t: 70,
        offered: 5,
        goodput: 5,
        retries: 0,
        concurrency: 6,
    };
    let ramp = CollapseConfig::brooker(Load::Ramp, Backoff::None);
    assert_eq!(classify(&quiet, &ramp), State::Stable);
}

#[test]
fn same_seed_same_run() {
    for load in Load::ALL {
        for backoff in Backoff::ALL {
            assert_eq!(seconds(load, backoff, 7), seconds(load, backoff, 7));
        }
    }
    assert_ne!(
        seconds(Load::Spike, Backoff::Jitter, 7),
        seconds(Load::Spike, Backoff::Jitter, 8)
    );
}

#[test]
fn bad_configs_are_refused() {
    let config = CollapseConfig::brooker(Load::Spike, Backoff::None);
    let bad = |c: CollapseConfig| run(&c, 1).unwrap_err();
    assert_eq!(
        bad(CollapseConfig {
            timeout_s: 0.0,
            ..config.clone()
        }),
        CollapseError::NotPositive("timeout", 0.0)
    );
    assert_eq!(
        bad(CollapseConfig {
            max_attempts: 0,
            ..config.clone()
        }),
        CollapseError::Attempts(0)
    );
    assert_eq!(
        bad(CollapseConfig {
            duration_s: 0,
            ..config
        }),
        CollapseError::Duration(0)
    );
    assert_eq!(Load::from_id("ramp"), Some(Load::Ramp));
    assert_eq!(Backoff::from_id("full"), None);
}
