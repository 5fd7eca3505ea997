//! The backoff contention sweep: the issue asks for the full sweep (19 client counts x 5
//! algorithms x 100 runs) in well under a second. `cargo bench --bench backoff`.

use criterion::{Criterion, criterion_group, criterion_main};
use resilience_workbook::sim::backoff::{self, Algorithm, ContentionConfig, ContentionSim};

fn full_sweep(c: &mut Criterion) {
    let clients: Vec<u32> = (1..=19).map(|i| i * 10).collect();
    let mut group = c.benchmark_group("backoff");
    group.sample_size(10);
    group.bench_function("full_sweep_19x5x100", |b| {
        b.iter(|| backoff::sweep(&clients, &Algorithm::ALL, 100, 1))
    });
    group.finish();
}

fn one_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("backoff");
    for algorithm in [Algorithm::None, Algorithm::FullJitter] {
        group.bench_function(format!("one_run_190_clients_{}", algorithm.id()), |b| {
            b.iter(|| {
                ContentionSim::new(ContentionConfig::article(190, algorithm), 3)
                    .map(|mut sim| sim.run_to_end())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, full_sweep, one_run);
criterion_main!(benches);
