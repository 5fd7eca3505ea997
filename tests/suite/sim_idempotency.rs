//! Idempotency keys under a lossy network: the atomic store never double-charges and never
//! replays the wrong response; the naive designs do both, seed after seed.

use resilience_workbook::sim::idempotency::{Design, IdemConfig, IdemSim, sweep};

fn run(design: Design, drop: f64, seed: u64) -> IdemSim {
    let config = IdemConfig {
        design,
        drop_request: drop,
        drop_response: drop,
        ..IdemConfig::default()
    };
    let mut sim = IdemSim::new(config, seed).unwrap();
    sim.run_to_end();
    sim
}

#[test]
fn the_atomic_store_never_double_charges_or_replays_the_wrong_response() {
    for seed in 0..40 {
        for drop in [0.0, 0.1, 0.3, 0.5] {
            let sim = run(Design::AtomicStore, drop, seed);
            let c = sim.counters();
            assert_eq!(c.duplicate_charges, 0, "seed {seed}, drop {drop}");
            assert_eq!(c.paid_without_charge, 0, "seed {seed}, drop {drop}");
            assert!(sim.orders().iter().all(|o| o.charges <= 1));
        }
    }
}

#[test]
fn the_atomic_store_refuses_a_reused_key_with_another_body() {
    let mismatches: u32 = (0..20)
        .map(|seed| run(Design::AtomicStore, 0.1, seed).counters().mismatches)
        .sum();
    assert!(mismatches > 0);
}

#[test]
fn the_naive_store_double_charges_concurrent_retries_and_replays_reused_keys() {
    let (mut dup, mut wrong) = (0, 0);
    for seed in 0..20 {
        let c = *run(Design::NaiveStore, 0.1, seed).counters();
        dup += c.duplicate_charges;
        wrong += c.paid_without_charge;
    }
    assert!(dup > 0, "a retry during the charge passes the check");
    assert!(wrong > 0, "a reused key replays another order's payment");
}

#[test]
fn without_dedup_every_lost_response_becomes_a_duplicate_charge() {
    let (mut none, mut naive) = (0, 0);
    for seed in 0..20 {
        none += run(Design::NoDedup, 0.2, seed).counters().duplicate_charges;
        naive += run(Design::NaiveStore, 0.2, seed)
            .counters()
            .duplicate_charges;
    }
    assert!(none > naive && naive > 0, "none {none}, naive {naive}");
}

#[test]
fn runs_are_reproducible_from_the_seed() {
    let a = run(Design::NaiveStore, 0.2, 7);
    let b = run(Design::NaiveStore, 0.2, 7);
    assert_eq!(a.counters(), b.counters());
    assert_eq!(a.ledger(), b.ledger());
}

#[test]
fn the_sweep_grows_with_the_drop_rate_except_for_the_atomic_store() {
    let base = IdemConfig {
        orders: 100,
        ..IdemConfig::default()
    };
    let points = sweep(&base, &[0.0, 0.4], &[1, 2, 3]).unwrap();
    let at = |d: Design, r: f64| {
        points
            .iter()
            .find(|p| p.design == d && p.drop_rate == r)
            .unwrap()
            .duplicates_per_100
    };
    assert!(at(Design::NoDedup, 0.4) > at(Design::NoDedup, 0.0));
    assert_eq!(at(Design::AtomicStore, 0.0), 0.0);
    assert_eq!(at(Design::AtomicStore, 0.4), 0.0);
}
