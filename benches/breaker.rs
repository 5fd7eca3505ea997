//! Headless breaker simulation speed. Target: at least 5 million simulated calls per
//! second (`cargo bench --bench breaker`; criterion prints the throughput in elem/s,
//! one element being one simulated call).
//!
//! `breaker/frame_1280x800` measures the frame time of the whole app at 1280x800 on the
//! breaker simulation while it plays (target: median at most 4 ms): one iteration is one
//! frame, layout plus tessellation, on the CPU (the GPU upload is not included). Criterion
//! writes the median to `target/criterion/breaker/frame_1280x800/new/estimates.json`.
//!
//! `sim_frame_1280x800/<id>` does the same for each of the eight simulation pages (the
//! simulations screen alone, list and page, playing at its default speed after 15 s of
//! frames), same target.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use resilience_workbook::app::WorkbookApp;
use resilience_workbook::content::ContentSource;
use resilience_workbook::sim::breaker::{
    BreakerConfig, BreakerSystem, CircuitBreaker, Fault, ScheduledFault, SystemConfig, WindowType,
};
use resilience_workbook::sim::catalog;
use resilience_workbook::sim::engine::{SimRng, SimTime};
use resilience_workbook::store::Store;
use resilience_workbook::ui::simulations::SimulationsScreen;
use resilience_workbook::ui::state::Shared;

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

/// Frames of the real app on the breaker view, the simulation playing at 1x.
fn frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, _) = Store::open(dir.path()).expect("store");
    store.progress.settings.last_screen = "Simulations".into();
    store.save().expect("save");
    let (store, quarantined) = Store::open(dir.path()).expect("store");
    let ctx = egui::Context::default();
    let mut app =
        WorkbookApp::new(&ctx, ContentSource::Embedded, store, quarantined).expect("app starts");
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let mut time = 0.0;
    let mut frame = |events: Vec<egui::Event>| {
        time += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(time),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        };
        let out = ctx.run_ui(input, |ui| app.show(ui));
        ctx.tessellate(out.shapes, out.pixels_per_point).len()
    };
    frame(Vec::new());
    // Space starts the simulation (the control strip's shortcut).
    frame(vec![egui::Event::Key {
        key: egui::Key::Space,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }]);
    // Let it run into the outage so plots and the window are full.
    for _ in 0..900 {
        frame(Vec::new());
    }
    let mut group = c.benchmark_group("breaker");
    group.sample_size(200);
    group.bench_function("frame_1280x800", |b| {
        b.iter(|| black_box(frame(Vec::new())))
    });
    group.finish();
}

/// Frames of the simulations screen on each simulation, playing.
fn sim_frames(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, quarantined) = Store::open(dir.path()).expect("store");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let content = ContentSource::Embedded;
    let library = resilience_workbook::content::load_library(&content);
    let mut shared = Shared {
        deck: resilience_workbook::srs::load_decks(&content, &library),
        catalog: resilience_workbook::runner::load_catalog(&content, None),
        drills: Default::default(),
        library,
        content,
        store,
        runtime: runtime.handle().clone(),
        nav: None,
        back_to: None,
        save_error: None,
        quarantined,
    };
    let mut group = c.benchmark_group("sim_frame_1280x800");
    group.sample_size(100);
    for sim in &catalog::SIMULATIONS {
        let ctx = egui::Context::default();
        resilience_workbook::ui::theme::apply(&ctx);
        let mut screen = SimulationsScreen::default();
        screen.open(sim.id);
        let screen_rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
        let mut time = 0.0;
        let mut frame = |events: Vec<egui::Event>| {
            time += 1.0 / 60.0;
            let input = egui::RawInput {
                screen_rect: Some(screen_rect),
                time: Some(time),
                predicted_dt: 1.0 / 60.0,
                events,
                ..Default::default()
            };
            let out = ctx.run_ui(input, |ui| screen.ui(ui, &mut shared));
            ctx.tessellate(out.shapes, out.pixels_per_point).len()
        };
        frame(Vec::new());
        frame(vec![egui::Event::Key {
            key: egui::Key::Space,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        }]);
        for _ in 0..900 {
            frame(Vec::new());
        }
        group.bench_function(sim.id, |b| b.iter(|| black_box(frame(Vec::new()))));
    }
    group.finish();
}

criterion_group!(benches, system, state_machine, frame, sim_frames);
criterion_main!(benches);
