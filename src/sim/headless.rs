//! Every model without a screen: `workbook sim <id>` and the tests run a preset from its
//! seed to a moment and read the same series and counters the page draws. The runs are
//! built exactly as the pages build them (same presets, same pairs of runs), so the CLI
//! and the screen give the same numbers.
//!
//! Series and counters are read by serializing the model's own records, so a field
//! added to a model shows up here without a second list to keep in step.

use serde::Serialize;

use super::backoff::ContentionSim;
use super::breaker::{BreakerSystem, SystemConfig};
use super::bulkhead::{BulkheadSim, PoolMode};
use super::cascade::CascadeSim;
use super::catalog::{self, SimInfo};
use super::checkout::{CheckoutSim, OrderState};
use super::collapse::{self, Backoff, CollapseConfig};
use super::engine::SimTime;
use super::idempotency::IdemSim;
use super::presets;
use super::race::Race;
use super::race::checker::Checker;
use super::retry_storm::{StormConfig, StormSim};
use super::retry_strategies::{self, PAGE_RATES, PAGE_RUNS, Strategy};

/// Longest virtual run the CLI accepts, in seconds: an hour for the models that simulate
/// every request (a few million events), a day for the checkout's minutes.
pub const MAX_UNTIL_SECS: f64 = 3_600.0;
pub const MAX_UNTIL_SECS_CHECKOUT: f64 = 86_400.0;
/// Largest seed (the seed field on the pages takes the same range).
pub const MAX_SEED: u64 = u32::MAX as u64;

/// A recorded series: `(t, value)` points, t in seconds (minutes for the checkout); a
/// value of `None` is a bucket without data.
pub type Points = Vec<(f64, Option<f64>)>;

/// What a run recorded: named series and end-of-run counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub series: Vec<(String, Points)>,
    pub counters: Vec<(String, f64)>,
}

impl Report {
    pub fn counter(&self, name: &str) -> Option<f64> {
        self.counters
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, v)| v)
    }

    /// Adds everything in `value` under `prefix`: numbers become counters, arrays of
    /// points become series, structs and arrays of structs are walked (`tiers.0.x`).
    fn add(&mut self, prefix: &str, value: &impl Serialize) {
        match serde_json::to_value(value) {
            Ok(v) => self.walk(prefix, &v),
            // Only maps with non-string keys fail to serialize; the models have none.
            Err(e) => tracing::error!(error = %e, "cannot read the {prefix} records"),
        }
    }

    fn walk(&mut self, name: &str, value: &serde_json::Value) {
        use serde_json::Value;
        let join = |key: &str| {
            if name.is_empty() {
                key.to_owned()
            } else {
                format!("{name}.{key}")
            }
        };
        match value {
            Value::Number(n) => {
                if let Some(v) = n.as_f64() {
                    self.counters.push((name.to_owned(), v));
                }
            }
            Value::Bool(b) => self
                .counters
                .push((name.to_owned(), f64::from(u8::from(*b)))),
            Value::Object(map) => {
                for (key, v) in map {
                    self.walk(&join(key), v);
                }
            }
            Value::Array(items) if items.iter().all(is_point) => {
                let points = items
                    .iter()
                    .filter_map(|p| {
                        let t = p.get(0)?.as_f64()?;
                        Some((t, p.get(1).and_then(Value::as_f64)))
                    })
                    .collect();
                self.series.push((name.to_owned(), points));
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(&join(&i.to_string()), v);
                }
            }
            Value::Null | Value::String(_) => {}
        }
    }

    fn series(&mut self, name: &str, points: &[[f64; 2]]) {
        let points = points
            .iter()
            .map(|p| (p[0], p[1].is_finite().then_some(p[1])))
            .collect();
        self.series.push((name.to_owned(), points));
    }

    /// The CSV: `kind,name,t,value`, one line per series point then one per counter
    /// (`t` empty); an empty `value` is a bucket without data.
    pub fn write_csv(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(out, "kind,name,t,value")?;
        for (name, points) in &self.series {
            for (t, v) in points {
                let v = v.map(|v| v.to_string()).unwrap_or_default();
                writeln!(out, "series,{name},{t},{v}")?;
            }
        }
        for (name, v) in &self.counters {
            writeln!(out, "counter,{name},,{v}")?;
        }
        out.flush()
    }
}

/// A preset's config; every catalog preset has one (a test checks), so `None` is a bug
/// reported as a refusal rather than a panic.
fn need<T>(config: Option<T>, preset: &str) -> Result<T, HeadlessError> {
    config.ok_or_else(|| HeadlessError::Config(format!("no config for preset {preset}")))
}

/// A name safe in a CSV field and a column name: lower case, words joined by `_`.
fn slug(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

fn is_point(v: &serde_json::Value) -> bool {
    v.as_array()
        .is_some_and(|p| p.len() == 2 && p[0].is_number() && (p[1].is_number() || p[1].is_null()))
}

/// Input the CLI refuses (exit code 2), with the reason in words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HeadlessError {
    #[error("unknown simulation `{0}`; run `workbook sim list` for the ids")]
    UnknownSim(String),
    #[error("`{sim}` has no preset `{preset}`; its presets: {known}")]
    UnknownPreset {
        sim: &'static str,
        preset: String,
        known: String,
    },
    #[error("--until must be more than 0 and at most {max} seconds for `{sim}`, got {got}")]
    Until {
        sim: &'static str,
        got: f64,
        max: f64,
    },
    #[error("--seed must be at most {MAX_SEED}, got {0}")]
    Seed(u64),
    #[error("the preset's settings are refused by the model: {0}")]
    Config(String),
}

/// The run's length when `--until` is not given: the page's natural end.
fn default_until_secs(sim: &SimInfo) -> f64 {
    match sim.id {
        "breaker" => presets::BREAKER_RUN_SECS,
        "bulkhead" => presets::BULKHEAD_RUN_SECS,
        "retry-storm" => presets::STORM_RUN_SECS,
        "cascade" => presets::CASCADE_RUN_SECS,
        "collapse" => {
            f64::from(CollapseConfig::brooker(collapse::Load::Spike, Backoff::None).duration_s)
        }
        // The last step of the sweep.
        "retries" => (PAGE_RATES.len() - 1) as f64,
        // These run until nothing is left to happen.
        _ => MAX_UNTIL_SECS_CHECKOUT,
    }
}

/// Runs simulation `id` with `preset` (its first when `None`) and `seed` up to
/// `until_secs` of virtual time (its natural end when `None`; for the ticket race, a
/// number of moves).
pub fn run(
    id: &str,
    preset: Option<&str>,
    seed: u64,
    until_secs: Option<f64>,
) -> Result<Report, HeadlessError> {
    let sim = catalog::find(id).ok_or_else(|| HeadlessError::UnknownSim(id.to_owned()))?;
    let preset = match preset {
        Some(name) => sim
            .preset(name)
            .ok_or_else(|| HeadlessError::UnknownPreset {
                sim: sim.id,
                preset: name.to_owned(),
                known: sim.preset_names(),
            })?,
        None => &sim.presets[0],
    };
    if seed > MAX_SEED {
        return Err(HeadlessError::Seed(seed));
    }
    let max = if sim.id == "checkout-outage" {
        MAX_UNTIL_SECS_CHECKOUT
    } else {
        MAX_UNTIL_SECS
    };
    let until = until_secs.unwrap_or_else(|| default_until_secs(sim).min(max));
    if !(until > 0.0 && until <= max) {
        return Err(HeadlessError::Until {
            sim: sim.id,
            got: until,
            max,
        });
    }
    let end = SimTime::from_secs(until);
    let name = preset.name;
    let mut report = Report::default();
    match sim.id {
        "breaker" => breaker(&mut report, need(presets::breaker(name), name)?, seed, end),
        "bulkhead" => {
            let c = need(presets::bulkhead(name), name)?;
            for (name, mode) in [
                ("shared", PoolMode::Shared),
                ("partitioned", PoolMode::Partitioned),
            ] {
                let mut s = BulkheadSim::new(c.with_mode(mode), seed);
                s.advance_to(end);
                for (w, stats) in s.stats().iter().enumerate() {
                    let workload = slug(&c.workloads[w].name);
                    let at = |what: &str| format!("{name}.{workload}.{what}");
                    report.series(&at("latency_p99"), stats.latency_p99.points());
                    report.series(&at("rejections"), stats.rejections.points());
                    for (what, v) in [
                        ("arrived", stats.arrived),
                        ("completed", stats.completed),
                        ("rejected", stats.rejected),
                    ] {
                        report.counters.push((at(what), v as f64));
                    }
                }
                for (i, occ) in s.occupancy().iter().enumerate() {
                    report.series(&format!("{name}.occupancy.{i}"), occ.points());
                }
            }
        }
        "race" => {
            let c = need(presets::race(name), name)?;
            let moves = until.floor() as usize;
            let mut race =
                Race::new(c.clone()).map_err(|e| HeadlessError::Config(e.to_string()))?;
            let mut rng = super::engine::SimRng::new(seed);
            while race.trace().len() < moves && race.step_random(&mut rng).is_some() {}
            report
                .counters
                .push(("moves".into(), race.trace().len() as f64));
            if let Some(outcome) = race.outcome() {
                report.add("outcome", &outcome);
            }
            for checker in super::race::Strategy::ALL.iter().filter_map(|&s| {
                Checker::run(super::race::RaceConfig {
                    strategy: s,
                    ..c.clone()
                })
                .ok()
            }) {
                report.add(
                    &format!("exhaustive.{}", slug(checker.config().strategy.label())),
                    &checker.tally(),
                );
            }
        }
        "idempotency" => {
            let mut s = IdemSim::new(need(presets::idempotency(name), name)?, seed)
                .map_err(|e| HeadlessError::Config(e.to_string()))?;
            s.step_until(end);
            report.series("charges", s.charges_over_time().points());
            report.add("", s.counters());
        }
        "checkout-outage" => {
            let mut s = CheckoutSim::new(need(presets::checkout(name), name)?, seed)
                .map_err(|e| HeadlessError::Config(e.to_string()))?;
            s.step_until(end);
            for (series, state) in s.by_state().iter().zip(OrderState::ALL) {
                report.series(&format!("orders.{}", slug(state.label())), series.points());
            }
            report.series("jobs_queued", s.queue_series().points());
            report.series("breaker_level", s.breaker_series().points());
            report.add("", s.counters());
        }
        "backoff" => {
            let mut s = ContentionSim::new(need(presets::backoff(name), name)?, seed)
                .map_err(|e| HeadlessError::Config(e.to_string()))?;
            s.step_until(end);
            report.add("", &s.outcome());
            report
                .counters
                .push(("done_clients".into(), s.done_clients() as f64));
        }
        "retry-storm" => {
            let budgeted = need(presets::retry_storm(name), name)?;
            let plain = StormConfig {
                budget: None,
                ..budgeted.clone()
            };
            for (name, c) in [("plain", plain), ("budget", budgeted)] {
                let mut s =
                    StormSim::new(c, seed).map_err(|e| HeadlessError::Config(e.to_string()))?;
                s.step_until(end);
                report.add(name, s.series());
                report.add(name, &s.totals());
            }
        }
        "cascade" => {
            let mut s = CascadeSim::new(need(presets::cascade(name), name)?, seed)
                .map_err(|e| HeadlessError::Config(e.to_string()))?;
            s.step_until(end);
            report.add("", s.series());
            report.add("", s.counters());
        }
        "retries" => retries(
            &mut report,
            need(presets::retries(name), name)?,
            seed,
            until,
        )?,
        "collapse" => collapse_pair(
            &mut report,
            need(presets::collapse(name), name)?,
            seed,
            until,
        )?,
        other => return Err(HeadlessError::UnknownSim(other.to_owned())),
    }
    Ok(report)
}

/// The breaker's pair, as its page builds it: the same config and seed with the breaker
/// and with it disabled.
fn breaker(report: &mut Report, config: SystemConfig, seed: u64, end: SimTime) {
    for (name, use_breaker) in [("with", true), ("without", false)] {
        let mut s = BreakerSystem::new(
            SystemConfig {
                use_breaker,
                ..config.clone()
            },
            seed,
        );
        s.advance_to(end);
        report.add(name, s.series());
        report.add(name, s.stats());
    }
}

/// The clients of the retry page's client-count panel besides the main sweep's 100.
pub const RETRY_PANEL_CLIENTS: [u32; 2] = [10, 1000];

/// The retry sweep's point at step `until` of the page's clock (a failure rate of
/// [`PAGE_RATES`]), as the page computes it: the preset's strategies over 100 clients,
/// and the post's four over the panel's other client counts.
fn retries(
    report: &mut Report,
    strategies: &[Strategy],
    seed: u64,
    until: f64,
) -> Result<(), HeadlessError> {
    let step = (until.floor() as usize).min(PAGE_RATES.len() - 1);
    let p = PAGE_RATES[step];
    report.counters.push(("failure_rate".into(), p));
    let refused = |e: retry_strategies::RetryConfigError| HeadlessError::Config(e.to_string());
    for &strategy in strategies {
        let config = retry_strategies::RetryConfig::spread(100, p, strategy);
        let row = retry_strategies::point(&config, PAGE_RUNS, seed).map_err(refused)?;
        report
            .counters
            .push((format!("{}.success_pct", strategy.id()), row.success_pct));
        report
            .counters
            .push((format!("{}.load_pct", strategy.id()), row.load_pct));
    }
    for clients in RETRY_PANEL_CLIENTS {
        for strategy in Strategy::POST {
            let config = retry_strategies::RetryConfig::spread(clients, p, strategy);
            let row = retry_strategies::point(&config, PAGE_RUNS, seed).map_err(refused)?;
            report.counters.push((
                format!("clients_{clients}.{}.load_pct", strategy.id()),
                row.load_pct,
            ));
        }
    }
    Ok(())
}

/// The collapse page's pair, without and with backoff on the same seed, up to `until`:
/// the per-second series, totals, the mean goodput over the last 10 s and the seconds
/// judged metastable.
fn collapse_pair(
    report: &mut Report,
    load: collapse::Load,
    seed: u64,
    until: f64,
) -> Result<(), HeadlessError> {
    for backoff in Backoff::ALL {
        let config = CollapseConfig::brooker(load, backoff);
        let seconds =
            collapse::run(&config, seed).map_err(|e| HeadlessError::Config(e.to_string()))?;
        let shown: Vec<_> = seconds
            .into_iter()
            .filter(|s| f64::from(s.t) < until)
            .collect();
        let name = backoff.id();
        let series = |value: fn(&collapse::Second) -> u32| -> Vec<[f64; 2]> {
            shown
                .iter()
                .map(|s| [f64::from(s.t), f64::from(value(s))])
                .collect()
        };
        report.series(&format!("{name}.offered"), &series(|s| s.offered));
        report.series(&format!("{name}.goodput"), &series(|s| s.goodput));
        report.series(&format!("{name}.retries"), &series(|s| s.retries));
        report.series(&format!("{name}.concurrency"), &series(|s| s.concurrency));
        let total = |value: fn(&collapse::Second) -> u32| {
            shown.iter().map(|s| f64::from(value(s))).sum::<f64>()
        };
        let end = shown.last().map_or(0, |s| s.t + 1);
        let metastable = shown
            .iter()
            .filter(|s| collapse::classify(s, &config) == collapse::State::Metastable)
            .count();
        report.counters.extend([
            (format!("{name}.offered"), total(|s| s.offered)),
            (format!("{name}.goodput"), total(|s| s.goodput)),
            (format!("{name}.retries"), total(|s| s.retries)),
            (
                format!("{name}.goodput_last_10s"),
                collapse::mean_goodput(&shown, end.saturating_sub(10), end),
            ),
            (
                format!("{name}.concurrency"),
                shown.last().map_or(0.0, |s| f64::from(s.concurrency)),
            ),
            (format!("{name}.metastable_s"), metastable as f64),
        ]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulation_runs_headless_with_every_preset() {
        for sim in &catalog::SIMULATIONS {
            for p in sim.presets {
                let until = if sim.id == "checkout-outage" {
                    3_600.0
                } else {
                    20.0
                };
                let report = run(sim.id, Some(p.name), 1, Some(until))
                    .unwrap_or_else(|e| panic!("{}/{}: {e}", sim.id, p.name));
                assert!(!report.counters.is_empty(), "{}/{}", sim.id, p.name);
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_report() {
        let a = run("cascade", None, 7, Some(15.0)).unwrap();
        let b = run("cascade", None, 7, Some(15.0)).unwrap();
        assert_eq!(a, b);
        assert!(a.counter("pages").is_some_and(|n| n > 0.0));
    }

    #[test]
    fn bad_input_is_refused_with_the_reason() {
        assert!(matches!(
            run("nope", None, 1, None),
            Err(HeadlessError::UnknownSim(_))
        ));
        assert!(matches!(
            run("breaker", Some("nope"), 1, None),
            Err(HeadlessError::UnknownPreset { .. })
        ));
        for until in [0.0, -1.0, f64::NAN, f64::INFINITY, MAX_UNTIL_SECS + 1.0] {
            assert!(
                matches!(
                    run("breaker", None, 1, Some(until)),
                    Err(HeadlessError::Until { .. })
                ),
                "{until}"
            );
        }
        assert!(matches!(
            run("breaker", None, MAX_SEED + 1, None),
            Err(HeadlessError::Seed(_))
        ));
    }

    #[test]
    fn gaps_are_kept_as_missing_values() {
        // Before the breaker has its minimum calls (100 with resilience4j's defaults)
        // there is no rate: the first buckets of the failure rate are gaps, not zeros.
        let r = run("breaker", Some("resilience4j-defaults"), 1, Some(5.0)).unwrap();
        let (_, rate) = r
            .series
            .iter()
            .find(|(n, _)| n == "with.failure_rate")
            .unwrap();
        assert_eq!(rate.first().and_then(|p| p.1), None);
    }
}
