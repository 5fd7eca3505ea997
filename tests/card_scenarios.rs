//! Every predict card names a scenario file, and the files of the simulations other than
//! the breaker and the bulkhead (replayed in `sim_breaker.rs` and
//! `sim_breaker_bulkhead.rs`) are replayed here: each test runs the model on the card's
//! setting and checks the card's answer, so no prediction is taken on trust.

use std::path::{Path, PathBuf};

use resilience_workbook::sim::backoff::{Algorithm, Backoff};
use resilience_workbook::sim::cascade::{CascadeSim, Preset};
use resilience_workbook::sim::checkout::{CheckoutConfig, CheckoutSim, OrderState};
use resilience_workbook::sim::engine::{SimRng, SimTime};
use resilience_workbook::sim::idempotency::{Design, IdemConfig, IdemSim};
use resilience_workbook::sim::race::{BuyerResult, Race, RaceConfig, Step};
use resilience_workbook::srs::deck::{CardKind, CardSource};
use serde::Deserialize;

fn pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/scars-to-architecture")
}

fn scenario<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = pack().join("scenarios").join(format!("{name}.ron"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ron::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Deserialize)]
struct CardFile {
    cards: Vec<CardSource>,
}

/// The scenario names of all predict cards.
fn predict_scenarios() -> Vec<String> {
    let text = std::fs::read_to_string(pack().join("cards.ron")).expect("cards.ron");
    let file: CardFile = ron::from_str(&text).expect("cards.ron parses");
    file.cards
        .into_iter()
        .filter_map(|card| match card.kind {
            CardKind::Predict { scenario } => Some(scenario),
            CardKind::Basic | CardKind::Cloze => None,
        })
        .collect()
}

#[test]
fn every_predict_card_has_a_scenario_file() {
    let names = predict_scenarios();
    ::core::assert!(names.len() >= 12, "{names:?}");
    for name in names {
        let path = pack().join("scenarios").join(format!("{name}.ron"));
        ::core::assert!(path.is_file(), "no scenario file for {name}");
    }
}

#[derive(Deserialize)]
struct BackoffScenario {
    algorithm: Algorithm,
    compare_with: Algorithm,
    base_ms: f64,
    cap_ms: f64,
    clients: u32,
    retries: u32,
    seed: u64,
}

/// When each client's retries reach the server, in ms after the shared failure.
fn retry_times(algorithm: Algorithm, s: &BackoffScenario) -> Vec<Vec<f64>> {
    let mut rng = SimRng::new(s.seed);
    (0..s.clients)
        .map(|_| {
            let mut backoff = Backoff::new(algorithm, s.base_ms, s.cap_ms).expect("valid");
            let mut at = 0.0;
            (1..=s.retries)
                .map(|n| {
                    at += backoff.next_delay_ms(n, &mut rng);
                    at
                })
                .collect()
        })
        .collect()
}

#[test]
fn card_no_jitter_retries_arrive_in_synchronised_waves() {
    let s: BackoffScenario = scenario("backoff-no-jitter");
    let plain = retry_times(s.algorithm, &s);
    for times in &plain {
        ::core::assert_eq!(times, &[1_000.0, 3_000.0, 7_000.0, 15_000.0]);
    }
    let jittered = retry_times(s.compare_with, &s);
    let mut firsts: Vec<u64> = jittered.iter().map(|t| t[0] as u64).collect();
    firsts.sort_unstable();
    firsts.dedup();
    ::core::assert!(firsts.len() > 90, "full jitter spreads the first retries");
}

#[derive(Deserialize)]
struct CascadeScenario {
    preset: String,
    compare_with: String,
    seed: u64,
    run_s: f64,
}

fn preset(name: &str) -> Preset {
    Preset::ALL
        .into_iter()
        .find(|p| format!("{p:?}") == name)
        .unwrap_or_else(|| panic!("no cascade preset {name}"))
}

#[test]
fn card_inverted_budgets_the_database_works_on_for_a_caller_gone() {
    let s: CascadeScenario = scenario("cascade-inverted-budgets");
    let run = |name: &str| {
        let mut sim = CascadeSim::new(preset(name).config(), s.seed).expect("valid");
        sim.step_until(SimTime::from_secs(s.run_s));
        *sim.counters()
    };
    let inverted = run(&s.preset);
    let fixed = run(&s.compare_with);
    // About 5 s per abandoned analytics query, many queries.
    ::core::assert!(inverted.db_wasted_ms > 20_000.0, "{inverted:?}");
    ::core::assert!(
        fixed.db_wasted_ms < inverted.db_wasted_ms / 10.0,
        "the database gives up first: {} against {}",
        fixed.db_wasted_ms,
        inverted.db_wasted_ms
    );
}

fn checkout(name: &str) -> CheckoutSim {
    let config: CheckoutConfig = scenario(name);
    let mut sim = CheckoutSim::new(config, 1).expect("valid");
    sim.run_to_end();
    sim
}

#[test]
fn card_five_tries_over_31_minutes_fail_the_early_orders_of_a_two_hour_outage() {
    let sim = checkout("checkout-outage-two-hours");
    let minutes = |t: SimTime| t.as_ms() / 60_000.0;
    let first = sim.orders().first().expect("orders");
    ::core::assert_eq!(first.state, OrderState::Failed);
    let decided = minutes(first.settled.expect("settled")) - minutes(first.placed);
    ::core::assert!(
        (31.0..32.0).contains(&decided),
        "decided after {decided} min"
    );
    for order in sim.orders() {
        let placed = minutes(order.placed);
        if placed < 85.0 {
            ::core::assert_eq!(order.state, OrderState::Failed, "placed at {placed}");
        } else if placed > 95.0 {
            ::core::assert_eq!(order.state, OrderState::Paid, "placed at {placed}");
        }
    }
}

#[test]
fn card_a_capped_schedule_that_spans_the_outage_pays_every_order() {
    let sim = checkout("checkout-outage-capped");
    ::core::assert!(sim.orders().len() > 200);
    for order in sim.orders() {
        ::core::assert_eq!(order.state, OrderState::Paid, "order {}", order.id);
        ::core::assert_eq!(order.charges, 1);
    }
}

#[test]
fn card_naive_key_store_charges_a_concurrent_retry_twice() {
    let config: IdemConfig = scenario("idempotency-naive-race");
    let run = |design| {
        let mut sim = IdemSim::new(
            IdemConfig {
                design,
                ..config.clone()
            },
            3,
        )
        .expect("valid");
        sim.run_to_end();
        sim
    };
    let naive = run(Design::NaiveStore);
    ::core::assert!(naive.orders().iter().all(|o| o.charges <= 2), "up to two");
    ::core::assert!(
        naive.orders().iter().all(|o| o.charges == 2),
        "here every retry lands during the charge"
    );
    let atomic = run(Design::AtomicStore);
    ::core::assert!(atomic.orders().iter().all(|o| o.charges == 1));
}

#[derive(Deserialize)]
struct RaceScenario {
    config: RaceConfig,
    schedule: Vec<usize>,
    then: Vec<usize>,
}

#[test]
fn card_the_optimistic_loser_matches_no_row_rereads_and_finds_it_sold_out() {
    let s: RaceScenario = scenario("race-optimistic-conflict");
    let mut race = Race::replay(s.config, &s.schedule).expect("valid schedule");
    let trace = race.trace();
    let last = trace.last().expect("steps");
    ::core::assert_eq!((last.actor, last.step), (1, Step::ConditionalUpdate));
    ::core::assert_eq!(last.row.version, 1, "A's write bumped the version once");
    ::core::assert_eq!(race.next_step(1), Some(Step::Read), "B re-reads");
    for actor in s.then {
        while race.is_enabled(actor) {
            race.step(actor).expect("step");
        }
    }
    let outcome = race.outcome().expect("finished");
    ::core::assert_eq!(outcome.orders, 1);
    ::core::assert!(!outcome.wrong());
    ::core::assert_eq!(race.result(1), Some(BuyerResult::SoldOut));
}
