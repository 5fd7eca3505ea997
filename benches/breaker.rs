//! Headless breaker simulation speed. Target: at least 5 million simulated calls per
//! second (`cargo bench --bench breaker`; criterion prints the throughput in elem/s,
//! one element being one simulated call).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use resilience_workbook::sim::breaker::{
    BreakerConfig, BreakerSystem, CircuitBreaker, Fault, ScheduledFault, SystemConfig, WindowType,
};
use resilience_workbook::sim::engine::{SimRng, SimTime};

/// The whole system: Poisson arrivals, thread pool, dependency latency draws, breaker,
/// timeouts, an outage and a recovery, and the time series.
fn system(c: &mut Criterion) {
    let config = SystemConfig {
        breaker: BreakerConfig {
            window: WindowType::CountBased(50),
            minimum_calls: 20,
            wait_in_open_ms: 2_000,
            ..BreakerConfig::default()
        },
        faults: vec![
            ScheduledFault {
                at_ms: 200_000.0,
                fault: Fault::Outage,
            },
            ScheduledFault {
                at_ms: 600_000.0,
                fault: Fault::Recover,
            },
        ],
        ..SystemConfig::default()
    };
    // 50 requests/s for 20 000 virtual seconds: about a million calls per run.
    let horizon = SimTime::from_secs(20_000.0);
    let calls = {
        let mut s = BreakerSystem::new(config.clone(), 1);
        s.advance_to(horizon);
        s.stats().arrivals
    };
    let mut group = c.benchmark_group("breaker");
    group.throughput(Throughput::Elements(calls));
    group.sample_size(10);
    group.bench_function("system_sim_calls", |b| {
        b.iter(|| {
            let mut s = BreakerSystem::new(config.clone(), black_box(1));
            s.advance_to(horizon);
            black_box(s.stats().arrivals)
        })
    });
    group.finish();
}

/// The state machine alone: permission plus outcome per call, random outcomes.
fn state_machine(c: &mut Criterion) {
    const CALLS: u64 = 1_000_000;
    let mut group = c.benchmark_group("breaker");
    group.throughput(Throughput::Elements(CALLS));
    group.bench_function("state_machine_calls", |b| {
        b.iter(|| {
            let mut breaker = CircuitBreaker::new(BreakerConfig {
                window: WindowType::CountBased(100),
                minimum_calls: 50,
                wait_in_open_ms: 50,
                ..BreakerConfig::default()
            });
            let mut rng = SimRng::new(5);
            let mut permitted = 0u64;
            for i in 0..CALLS {
                let now = SimTime(i * 1000);
                if breaker.try_acquire(now).0 {
                    permitted += 1;
                    breaker.on_result(now, rng.chance(0.4), SimTime(20_000));
                }
            }
            black_box(permitted)
        })
    });
    group.finish();
}

criterion_group!(benches, system, state_machine);
criterion_main!(benches);
