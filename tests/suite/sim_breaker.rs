//! The breaker's scripted scenarios prove the flashcards' answers, the CLI prints the
//! documented trace, and the simulated system is deterministic and shows what the breaker
//! is for.

use std::path::Path;

use resilience_workbook::sim::breaker::{
    BreakerConfig, BreakerSystem, Fault, ScheduledFault, ScriptedScenario, State, SystemConfig,
    TraceLine, WindowType, run_scenario,
};
use resilience_workbook::sim::engine::SimTime;

fn scenario(id: &str) -> ScriptedScenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("lessons/scars-to-architecture/scenarios")
        .join(format!("{id}.ron"));
    let text = std::fs::read_to_string(&path).expect("scenario file exists");
    ScriptedScenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a call line says: permitted, state after, rates.
type CallLine = (bool, State, Option<(f32, f32)>);

fn calls(trace: &[TraceLine]) -> Vec<CallLine> {
    trace
        .iter()
        .filter_map(|l| match l {
            TraceLine::Call {
                permitted,
                state_after,
                rates,
                ..
            } => Some((*permitted, *state_after, *rates)),
            TraceLine::Transition(_) => None,
        })
        .collect()
}

#[test]
fn card_below_minimum_stays_closed_with_no_rate() {
    let c = calls(&run_scenario(&scenario("breaker-below-minimum")).unwrap());
    assert_eq!(c.len(), 4);
    assert!(
        c.iter()
            .all(|&(p, s, r)| p && s == State::Closed && r.is_none())
    );
}

#[test]
fn card_exact_threshold_trips_on_the_sixth_call() {
    let c = calls(&run_scenario(&scenario("breaker-exact-threshold")).unwrap());
    assert_eq!(c[4], (true, State::Closed, Some((40.0, 0.0))));
    assert_eq!(c[5], (true, State::Open, Some((50.0, 0.0))));
}

#[test]
fn card_already_open_rejects_the_sixth_call() {
    let c = calls(&run_scenario(&scenario("breaker-already-open")).unwrap());
    assert_eq!(c[4], (true, State::Open, Some((60.0, 0.0))));
    assert_eq!(
        c[5],
        (false, State::Open, Some((60.0, 0.0))),
        "not recorded"
    );
}

#[test]
fn card_window_slides_leaves_one_failure_in_four() {
    let c = calls(&run_scenario(&scenario("breaker-window-slides")).unwrap());
    assert_eq!(c.last(), Some(&(true, State::Closed, Some((25.0, 0.0)))));
}

#[test]
fn card_slow_trip_opens_on_slow_successes() {
    let c = calls(&run_scenario(&scenario("breaker-slow-trip")).unwrap());
    assert_eq!(c.last(), Some(&(true, State::Open, Some((0.0, 50.0)))));
}

#[test]
fn card_half_open_verdict_closes_after_three_trials() {
    let trace = run_scenario(&scenario("breaker-half-open-verdict")).unwrap();
    let c = calls(&trace);
    let trials = &c[5..];
    assert_eq!(trials[0].1, State::HalfOpen);
    assert_eq!(
        trials[1].1,
        State::HalfOpen,
        "one failure does not re-open it"
    );
    assert_eq!(trials[2].1, State::Closed);
    let last = trace
        .iter()
        .rev()
        .find_map(|l| match l {
            TraceLine::Transition(t) => Some(*t),
            _ => None,
        })
        .expect("a transition");
    assert_eq!((last.from, last.to), (State::HalfOpen, State::Closed));
}

#[test]
fn cli_prints_the_documented_csv_trace() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("lessons/scars-to-architecture/scenarios/breaker-already-open.ron");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["sim", "breaker", "--trace", "--scenario"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "at_ms,permitted,state_after,failure_rate,slow_rate"
    );
    assert_eq!(lines[1], "0,true,CLOSED,-1,-1");
    assert_eq!(
        lines[5],
        "400,transition,CLOSED,OPEN,failure rate 60.0% >= 50.0%"
    );
    assert_eq!(lines[6], "400,true,OPEN,60.0,0.0");
    assert_eq!(lines[7], "500,false,OPEN,60.0,0.0");
}

#[test]
fn cli_reports_a_syntax_error_with_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.ron");
    std::fs::write(
        &file,
        "(config: (),\n calls: [(at_ms: 0, outcome: Sucess, duration_ms: 1)])",
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["sim", "breaker", "--scenario"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ron:2:"), "{err}");
    assert!(err.contains("Sucess"), "{err}");
}

#[test]
fn every_shipped_scenario_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [
        "scenarios/breaker",
        "lessons/scars-to-architecture/scenarios",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).expect("dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with("breaker") || dir.starts_with("scenarios") {
                let text = std::fs::read_to_string(&path).expect("read");
                ScriptedScenario::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
    }
}

fn outage_config(use_breaker: bool) -> SystemConfig {
    SystemConfig {
        breaker: BreakerConfig {
            window: WindowType::CountBased(20),
            minimum_calls: 10,
            wait_in_open_ms: 5_000,
            permitted_calls_in_half_open: 3,
            slow_call_duration_ms: 1_000,
            ..BreakerConfig::default()
        },
        use_breaker,
        faults: vec![
            ScheduledFault {
                at_ms: 10_000.0,
                fault: Fault::Slow,
            },
            ScheduledFault {
                at_ms: 40_000.0,
                fault: Fault::Recover,
            },
        ],
        ..SystemConfig::default()
    }
}

#[test]
fn same_config_and_seed_give_the_same_run() {
    let run = |seed| {
        let mut s = BreakerSystem::new(outage_config(true), seed);
        s.advance_to(SimTime::from_secs(60.0));
        (*s.stats(), s.transitions().to_vec())
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).0, run(8).0);
}

#[test]
fn the_breaker_keeps_callers_answering_through_a_slow_outage() {
    let mut with = BreakerSystem::new(outage_config(true), 3);
    let mut without = BreakerSystem::new(outage_config(false), 3);
    with.advance_to(SimTime::from_secs(60.0));
    without.advance_to(SimTime::from_secs(60.0));
    assert_eq!(
        with.stats().arrivals,
        without.stats().arrivals,
        "same requests"
    );
    assert_eq!(without.stats().rejected_by_breaker, 0);
    assert!(
        without.stats().rejected_by_pool > 0,
        "threads run out without a breaker"
    );
    assert!(with.stats().rejected_by_breaker > 0);
    assert!(
        with.stats().answered() > without.stats().answered(),
        "with {:?} / without {:?}",
        with.stats(),
        without.stats()
    );
    assert!(with.transitions().iter().any(|t| t.to == State::Open));
    assert_eq!(
        with.breaker().state(),
        State::Closed,
        "closed again after recovery"
    );
}

#[test]
fn injected_faults_are_logged_and_replay_the_same_run() {
    let mut live = BreakerSystem::new(outage_config(true), 11);
    live.advance_to(SimTime::from_secs(5.0));
    live.inject(Fault::Outage);
    live.advance_to(SimTime::from_secs(20.0));
    let mut config = outage_config(true);
    config.faults = live.fault_log().to_vec();
    let mut replay = BreakerSystem::new(config, 11);
    replay.advance_to(SimTime::from_secs(20.0));
    assert_eq!(live.stats(), replay.stats());
    assert_eq!(live.transitions(), replay.transitions());
}

#[test]
fn states_set_by_hand_are_logged_and_replay_the_same_run() {
    let mut live = BreakerSystem::new(outage_config(true), 12);
    live.advance_to(SimTime::from_secs(3.0));
    live.set_breaker_state(State::ForcedOpen);
    live.advance_to(SimTime::from_secs(6.0));
    live.set_breaker_state(State::Disabled);
    live.advance_to(SimTime::from_secs(9.0));
    live.set_breaker_state(State::Closed);
    live.advance_to(SimTime::from_secs(20.0));
    assert_eq!(live.manual_log().len(), 3);
    assert!(live.stats().rejected_by_breaker > 0, "forced open rejects");

    let mut config = outage_config(true);
    config.faults = live.fault_log().to_vec();
    config.manual = live.manual_log().to_vec();
    let mut replay = BreakerSystem::new(config.clone(), 12);
    replay.advance_to(SimTime::from_secs(20.0));
    assert_eq!(live.stats(), replay.stats());
    assert_eq!(live.transitions(), replay.transitions());

    // The comparison run without a breaker ignores them: it stays the plain baseline.
    let mut without = BreakerSystem::new(
        SystemConfig {
            use_breaker: false,
            ..config
        },
        12,
    );
    without.advance_to(SimTime::from_secs(20.0));
    assert_eq!(without.stats().rejected_by_breaker, 0);
    assert_eq!(without.breaker().state(), State::Disabled);
}

/// Small files that once took gigabytes or never ended: each is refused with exit 2 and
/// a message naming the limit, in well under a second.
#[test]
fn scenario_resource_bombs_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flapping = "(config: (window: CountBased(2), minimum_calls: 1, wait_in_open_ms: 1, \
                    automatic_transition: true, max_wait_in_half_open_ms: 1), \
                    calls: [(at_ms: 0, outcome: Failure, duration_ms: 1), \
                    (at_ms: 999999999999, outcome: Success, duration_ms: 1)])";
    for (name, text, says) in [
        (
            "time",
            "(config: (window: TimeBased(200000000)), calls: [])",
            "limit of 3600 seconds",
        ),
        (
            "count",
            "(config: (window: CountBased(4294967295)), calls: [])",
            "limit of 100000 calls",
        ),
        (
            "far",
            "(config: (), calls: [(at_ms: 18446744073709551615, outcome: Success, duration_ms: 1)])",
            "at most",
        ),
        ("flap", flapping, "trace passed the limit"),
    ] {
        let file = dir.path().join(format!("{name}.ron"));
        std::fs::write(&file, text).expect("write");
        let started = std::time::Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
            .args(["sim", "breaker", "--trace", "--scenario"])
            .arg(&file)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}");
        eprintln!("{name}: refused in {:?}", started.elapsed());
    }
}
