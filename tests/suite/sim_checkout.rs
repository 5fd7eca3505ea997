//! Checkout during a two-hour gateway outage: orders are never lost, customers always get
//! an answer at once, the worker's re-check makes duplicate deliveries harmless, and the
//! synchronous checkout (the incident) fails customers instead.

use resilience_workbook::sim::checkout::{CheckoutConfig, CheckoutSim, Immediate, OrderState};

fn run(config: CheckoutConfig, seed: u64) -> CheckoutSim {
    let mut sim = CheckoutSim::new(config, seed).unwrap();
    sim.run_to_end();
    sim
}

#[test]
fn during_the_outage_every_order_is_saved_answered_and_settled() {
    let sim = run(CheckoutConfig::default(), 1);
    let c = sim.counters();
    assert!(c.orders > 300, "four hours at two a minute");
    assert_eq!(c.checkout_errors, 0);
    assert!(c.queued > 100, "the outage queued charges");
    assert!(
        c.breaker_rejections > 0,
        "the breaker opened and failed fast"
    );
    for order in sim.orders() {
        assert!(
            matches!(order.state, OrderState::Paid | OrderState::Failed),
            "order {} ended {:?}",
            order.id,
            order.state
        );
        assert!(order.settled.is_some());
        assert!(order.charges <= 1);
    }
    assert_eq!(
        c.paid_at_checkout + c.paid_by_worker + c.failed,
        c.orders,
        "each order is paid once or failed once"
    );
}

#[test]
fn a_failed_order_used_every_try_and_its_customer_was_told_processing_first() {
    let config = CheckoutConfig::default();
    let sim = run(config.clone(), 2);
    let failed: Vec<_> = sim
        .orders()
        .iter()
        .filter(|o| o.state == OrderState::Failed)
        .collect();
    assert!(
        !failed.is_empty(),
        "5 tries over 31 minutes cannot outlast a 2-hour outage"
    );
    for order in failed {
        assert_eq!(order.worker_tries, config.retry_tries);
        assert_eq!(order.immediate, Immediate::Processing);
        // The worker waited 1 + 2 + 4 + 8 + 16 = 31 minutes between the tries.
        let waited_min = (order.settled.unwrap().0 - order.placed.0) as f64 / 60e6;
        assert!(
            waited_min >= 31.0,
            "order {} gave up after {waited_min} min",
            order.id
        );
    }
}

#[test]
fn a_retry_schedule_longer_than_the_outage_pays_every_order() {
    let config = CheckoutConfig {
        retry_tries: 8, // 1 + 2 + ... + 128 = 255 minutes
        retry_cap_min: 128.0,
        ..CheckoutConfig::default()
    };
    let sim = run(config, 3);
    assert_eq!(sim.counters().failed, 0);
    assert_eq!(sim.count(OrderState::Paid), sim.orders().len());
}

#[test]
fn the_re_check_makes_duplicate_deliveries_harmless() {
    let noisy = CheckoutConfig {
        duplicate_delivery: 0.5,
        ..CheckoutConfig::default()
    };
    for seed in 0..10 {
        let sim = run(noisy.clone(), seed);
        assert_eq!(sim.counters().double_charges, 0, "seed {seed}");
        assert!(sim.counters().skipped_by_recheck > 0);
    }
    let blind = CheckoutConfig {
        worker_rechecks: false,
        ..noisy
    };
    let doubles: u32 = (0..10)
        .map(|s| run(blind.clone(), s).counters().double_charges)
        .sum();
    assert!(doubles > 0, "a worker that does not re-check charges twice");
}

#[test]
fn the_synchronous_checkout_turns_the_outage_into_failed_checkouts() {
    let config = CheckoutConfig {
        asynchronous: false,
        ..CheckoutConfig::default()
    };
    let sim = run(config, 1);
    let c = sim.counters();
    assert!(c.checkout_errors > 200, "most of two hours of orders");
    assert_eq!(c.queued, 0);
    assert!(
        sim.orders()
            .iter()
            .filter(|o| o.state == OrderState::Failed)
            .all(|o| o.immediate == Immediate::Error)
    );
}

#[test]
fn runs_are_reproducible_and_the_series_cover_the_run() {
    let a = run(CheckoutConfig::default(), 9);
    let b = run(CheckoutConfig::default(), 9);
    assert_eq!(a.counters(), b.counters());
    let paid = &a.by_state()[2];
    assert!(paid.last().is_some_and(|p| p[0] >= 240.0));
}
