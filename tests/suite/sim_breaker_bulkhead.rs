//! The bulkhead flashcard's scenario, replayed: the partitioned pools contain slow reports.

use std::path::Path;

use resilience_workbook::sim::bulkhead::{
    BulkheadConfig, BulkheadSim, CRITICAL, PoolMode, REPORTS,
};
use resilience_workbook::sim::engine::SimTime;

fn card_config() -> BulkheadConfig {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("lessons/scars-to-architecture/scenarios/bulkhead-slow-reports.ron");
    let text = std::fs::read_to_string(&path).expect("scenario exists");
    BulkheadConfig::parse(&text).unwrap_or_else(|e| panic!("{}:{e}", path.display()))
}

#[test]
fn card_slow_reports_five_run_three_rejected_critical_untouched() {
    let mut sim = BulkheadSim::new(card_config(), 1);
    sim.advance_to(SimTime::from_secs(20.0));
    let reports = &sim.stats()[REPORTS];
    assert_eq!((reports.completed, reports.rejected), (5, 3));
    assert_eq!(sim.pools()[REPORTS].in_use, 5, "still running 30 s reports");
    let critical = &sim.stats()[CRITICAL];
    assert!(critical.completed > 50);
    assert_eq!(critical.rejected, 0);
    assert_eq!(critical.latency_quantile(0.99), 50.0);
    assert!(sim.pools()[CRITICAL].in_use <= 2);
}

#[test]
fn a_broken_bulkhead_file_names_line_and_column() {
    let err = BulkheadConfig::parse("(mode: Sideways)").unwrap_err();
    assert!(err.starts_with("1:"), "{err}");
    assert!(err.contains("Sideways"), "{err}");
}

#[test]
fn the_same_requests_in_one_shared_pool() {
    let config = card_config().with_mode(PoolMode::Shared);
    let mut sim = BulkheadSim::new(config, 1);
    sim.advance_to(SimTime::from_secs(20.0));
    assert_eq!(
        sim.stats()[REPORTS].completed,
        8,
        "all 8 reports take shared threads"
    );
    assert_eq!(sim.pools()[0].in_use_by[REPORTS], 8);
}
