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

#[derive(Deserialize)]
struct RetriesScenario {
    clients: u32,
    failure_rate: f64,
    strategies: Vec<String>,
    runs: u32,
    seed: u64,
}

/// Success % and load % of each of the scenario's strategies, as the page and
/// `workbook sim retries` compute them.
fn retries(name: &str) -> Vec<(f64, f64)> {
    use resilience_workbook::sim::retry_strategies::{RetryConfig, Strategy, point};
    let s: RetriesScenario = scenario(name);
    s.strategies
        .iter()
        .map(|id| {
            let strategy = Strategy::from_id(id).unwrap_or_else(|| panic!("{name}: {id}"));
            let config = RetryConfig::spread(s.clients, s.failure_rate, strategy);
            let row = point(&config, s.runs, s.seed).expect("valid");
            (row.success_pct, row.load_pct)
        })
        .collect()
}

#[test]
fn card_three_retries_at_half_failures_nearly_double_the_load() {
    let [(success, load)] = retries("retries-three-retries-load")[..] else {
        panic!("one strategy");
    };
    ::core::assert!((success - 93.75).abs() < 1.0, "{success}");
    ::core::assert!((load - 187.5).abs() < 2.0, "{load}");
}

#[test]
fn card_the_bucket_caps_the_load_when_most_calls_fail() {
    let [(bucket_success, bucket_load), (three_success, three_load)] =
        retries("retries-bucket-high-failure")[..]
    else {
        panic!("two strategies");
    };
    ::core::assert!((110.0..=120.0).contains(&bucket_load), "{bucket_load}");
    ::core::assert!((265.0..=280.0).contains(&three_load), "{three_load}");
    ::core::assert!((27.0..=31.0).contains(&bucket_success), "{bucket_success}");
    ::core::assert!((66.0..=71.0).contains(&three_success), "{three_success}");
}

#[test]
fn card_over_many_clients_breakers_stop_retrying_and_buckets_do_not() {
    let [(_, breaker_load), (_, bucket_load)] = retries("retries-breaker-many-clients")[..] else {
        panic!("two strategies");
    };
    ::core::assert!(breaker_load < 101.0, "{breaker_load}");
    ::core::assert!((110.0..=112.0).contains(&bucket_load), "{bucket_load}");
}

#[derive(Deserialize)]
struct CollapseScenario {
    load: String,
    seed: u64,
    after_from_s: u32,
}

/// The mean goodput from `after_from_s` to the end, without and with jittered backoff.
fn collapse_after(name: &str) -> (f64, f64) {
    use resilience_workbook::sim::collapse::{self, CollapseConfig, Load};
    let s: CollapseScenario = scenario(name);
    let load = Load::from_id(&s.load).unwrap_or_else(|| panic!("{name}: {}", s.load));
    let after = |backoff| {
        let config = CollapseConfig::brooker(load, backoff);
        let seconds = collapse::run(&config, s.seed).expect("valid");
        collapse::mean_goodput(&seconds, s.after_from_s, config.duration_s)
    };
    (
        after(collapse::Backoff::None),
        after(collapse::Backoff::Jitter),
    )
}

#[test]
fn card_after_a_spike_only_the_clients_that_back_off_recover() {
    let (none, jitter) = collapse_after("collapse-spike-no-backoff");
    ::core::assert!(none < 1.0, "{none}");
    ::core::assert!((35.0..=45.0).contains(&jitter), "{jitter}");
}

#[test]
fn card_a_long_ramp_collapses_even_with_backoff() {
    let (none, jitter) = collapse_after("collapse-ramp-backoff");
    ::core::assert!(none < 1.0 && jitter < 1.0, "{none} {jitter}");
}
