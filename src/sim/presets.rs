//! The config behind each preset of `catalog`, one function per model: the screens, the
//! CLI and the guided steps build their runs from these, so a preset is one run
//! everywhere. Each returns `None` for a name its simulation does not have.

use super::backoff::{Algorithm, ContentionConfig};
use super::breaker::{
    BreakerConfig, CallerConfig, DependencyConfig, Fault, ScheduledFault, SystemConfig, WindowType,
};
use super::bulkhead::{BulkheadConfig, BulkheadFault, ScheduledBulkheadFault};
use super::cascade::{CascadeConfig, Preset as CascadePreset};
use super::checkout::CheckoutConfig;
use super::collapse::Load;
use super::idempotency::{Design, IdemConfig};
use super::race::RaceConfig;
use super::retry_storm::{RetryBudget, StormConfig};
use super::retry_strategies::Strategy;

/// Virtual seconds the breaker and bulkhead scenarios run: the outage, the recovery and
/// enough calm after it to see the breaker close again.
pub const BREAKER_RUN_SECS: f64 = 90.0;
pub const BULKHEAD_RUN_SECS: f64 = 80.0;
/// Virtual seconds the retry-storm and cascade scenarios run.
pub const STORM_RUN_SECS: f64 = 60.0;
pub const CASCADE_RUN_SECS: f64 = 60.0;

pub fn breaker(name: &str) -> Option<SystemConfig> {
    let faults = |fault| {
        vec![
            ScheduledFault {
                at_ms: 10_000.0,
                fault,
            },
            ScheduledFault {
                at_ms: 40_000.0,
                fault: Fault::Recover,
            },
        ]
    };
    let tuned = BreakerConfig {
        window: WindowType::CountBased(20),
        minimum_calls: 10,
        failure_rate_threshold: 50.0,
        slow_call_rate_threshold: 80.0,
        slow_call_duration_ms: 1_000,
        wait_in_open_ms: 5_000,
        permitted_calls_in_half_open: 3,
        automatic_transition: false,
        max_wait_in_half_open_ms: 0,
    };
    let base = SystemConfig {
        breaker: tuned,
        use_breaker: true,
        caller: CallerConfig::default(),
        dependency: DependencyConfig::default(),
        faults: faults(Fault::Slow),
        manual: Vec::new(),
        sample_ms: 500.0,
        record_requests: false,
    };
    Some(match name {
        "gateway-hangs" => base,
        "fails-fast" => SystemConfig {
            faults: faults(Fault::Outage),
            ..base
        },
        "resilience4j-defaults" => SystemConfig {
            breaker: BreakerConfig::default(),
            ..base
        },
        _ => return None,
    })
}

pub fn bulkhead(name: &str) -> Option<BulkheadConfig> {
    let faults = match name {
        "slow-reports" => vec![
            ScheduledBulkheadFault {
                at_ms: 10_000.0,
                fault: BulkheadFault::ReportsSlow,
            },
            ScheduledBulkheadFault {
                at_ms: 50_000.0,
                fault: BulkheadFault::Recover,
            },
        ],
        "quiet-day" => Vec::new(),
        _ => return None,
    };
    Some(BulkheadConfig {
        faults,
        sample_ms: 500.0,
        ..BulkheadConfig::default()
    })
}

pub fn race(name: &str) -> Option<RaceConfig> {
    Some(match name {
        "last-ticket" => RaceConfig::default(),
        "three-buyers" => RaceConfig {
            buyers: 3,
            stock: 2,
            ..RaceConfig::default()
        },
        _ => return None,
    })
}

pub fn idempotency(name: &str) -> Option<IdemConfig> {
    let design = match name {
        "naive-store" => Design::NaiveStore,
        "no-dedup" => Design::NoDedup,
        "atomic-store" => Design::AtomicStore,
        _ => return None,
    };
    Some(IdemConfig {
        design,
        ..IdemConfig::default()
    })
}

pub fn checkout(name: &str) -> Option<CheckoutConfig> {
    Some(match name {
        "incident" => CheckoutConfig {
            asynchronous: false,
            ..CheckoutConfig::default()
        },
        "async-fix" => CheckoutConfig::default(),
        "patient-worker" => CheckoutConfig {
            retry_tries: 10,
            ..CheckoutConfig::default()
        },
        _ => return None,
    })
}

/// The live contention run (the sweep covers every algorithm and client count).
pub fn backoff(name: &str) -> Option<ContentionConfig> {
    let algorithm = match name {
        "full-jitter" => Algorithm::FullJitter,
        "exponential" => Algorithm::Exponential,
        "no-backoff" => Algorithm::None,
        _ => return None,
    };
    Some(ContentionConfig {
        record_writes: true,
        ..ContentionConfig::article(50, algorithm)
    })
}

/// The run with a retry budget; its pair without one is the same config with
/// `budget: None`.
pub fn retry_storm(name: &str) -> Option<StormConfig> {
    let outage_len_s = match name {
        "ten-second-outage" => 10.0,
        "short-blip" => 2.0,
        _ => return None,
    };
    let base = StormConfig::default();
    let rate = base.demand_per_sec * 0.1;
    Some(StormConfig {
        outage_len_s,
        budget: Some(RetryBudget {
            per_sec: rate,
            burst: rate,
        }),
        ..base
    })
}

pub fn cascade(name: &str) -> Option<CascadeConfig> {
    CascadePreset::ALL
        .into_iter()
        .find(|p| p.name() == name)
        .map(CascadePreset::config)
}

/// The strategies a retry-strategies preset sweeps: the post's four, or those and the
/// real budgets beside them.
pub fn retries(name: &str) -> Option<&'static [Strategy]> {
    match name {
        "post" => Some(&Strategy::POST),
        "real-budgets" => Some(&Strategy::ALL),
        _ => None,
    }
}

/// The offered load of a congestive-collapse preset (each runs with and without backoff).
pub fn collapse(name: &str) -> Option<Load> {
    Load::from_id(name)
}

#[cfg(test)]
mod tests {
    use super::super::catalog;

    /// Every preset the catalog names has a config, and no model knows a name the
    /// catalog does not list.
    #[test]
    fn every_catalog_preset_has_a_config() {
        for sim in &catalog::SIMULATIONS {
            for p in sim.presets {
                let found = match sim.id {
                    "breaker" => super::breaker(p.name).is_some(),
                    "bulkhead" => super::bulkhead(p.name).is_some(),
                    "race" => super::race(p.name).is_some(),
                    "idempotency" => super::idempotency(p.name).is_some(),
                    "checkout-outage" => super::checkout(p.name).is_some(),
                    "backoff" => super::backoff(p.name).is_some(),
                    "retry-storm" => super::retry_storm(p.name).is_some(),
                    "cascade" => super::cascade(p.name).is_some(),
                    "retries" => super::retries(p.name).is_some(),
                    "collapse" => super::collapse(p.name).is_some(),
                    other => panic!("unknown simulation {other}"),
                };
                assert!(found, "{}/{}", sim.id, p.name);
            }
        }
    }
}
