use super::*;

const NOW: u64 = 100_000;
const MAX_AGE: u64 = 30_000;

fn at(name: &str, critical: bool, status: Status, checked_at_ms: u64) -> Check {
    Check {
        name: name.to_string(),
        critical,
        status,
        checked_at_ms,
    }
}

fn fresh(name: &str, critical: bool, status: Status) -> Check {
    at(name, critical, status, NOW - 1_000)
}

#[test]
fn no_dependencies_is_healthy() {
    let report = aggregate(&[], NOW, MAX_AGE);
    ::core::assert_eq!(
        report,
        Report {
            status: Status::Healthy,
            reasons: ::std::vec![]
        },
        "with nothing to depend on, nothing can be broken"
    );
}

#[test]
fn every_dependency_healthy_is_healthy_with_no_reasons() {
    let checks = [
        fresh("db", true, Status::Healthy),
        fresh("cache", false, Status::Healthy),
        fresh("payments", true, Status::Healthy),
    ];
    ::core::assert_eq!(
        aggregate(&checks, NOW, MAX_AGE),
        Report {
            status: Status::Healthy,
            reasons: ::std::vec![]
        }
    );
}

#[test]
fn a_critical_dependency_unhealthy_makes_the_instance_unhealthy() {
    let checks = [
        fresh("cache", false, Status::Healthy),
        fresh("db", true, Status::Unhealthy),
    ];
    let report = aggregate(&checks, NOW, MAX_AGE);
    ::core::assert_eq!(report.status, Status::Unhealthy);
    ::core::assert_eq!(report.reasons, ::std::vec!["db is unhealthy"]);
}

#[test]
fn a_critical_dependency_degraded_only_degrades() {
    let report = aggregate(&[fresh("db", true, Status::Degraded)], NOW, MAX_AGE);
    ::core::assert_eq!(report.status, Status::Degraded);
    ::core::assert_eq!(report.reasons, ::std::vec!["db is degraded"]);
}

#[test]
fn optional_dependencies_can_never_make_the_instance_unhealthy() {
    let checks = [
        fresh("db", true, Status::Healthy),
        fresh("recommendations", false, Status::Unhealthy),
        fresh("avatars", false, Status::Unhealthy),
        fresh("search", false, Status::Degraded),
    ];
    let report = aggregate(&checks, NOW, MAX_AGE);
    ::core::assert_eq!(
        report.status,
        Status::Degraded,
        "optional dependencies being down must not take the instance out of rotation, \
         or a partial outage becomes a total one"
    );
    ::core::assert_eq!(
        report.reasons,
        ::std::vec![
            "recommendations is unhealthy",
            "avatars is unhealthy",
            "search is degraded"
        ],
        "one reason per non-healthy dependency, in input order"
    );
}

#[test]
fn the_worst_critical_status_wins_regardless_of_order() {
    let a = [
        fresh("db", true, Status::Unhealthy),
        fresh("queue", true, Status::Degraded),
    ];
    let b = [
        fresh("queue", true, Status::Degraded),
        fresh("db", true, Status::Unhealthy),
    ];
    ::core::assert_eq!(aggregate(&a, NOW, MAX_AGE).status, Status::Unhealthy);
    ::core::assert_eq!(
        aggregate(&b, NOW, MAX_AGE).status,
        Status::Unhealthy,
        "a later degraded check must not soften an earlier unhealthy one (or the reverse)"
    );
    ::core::assert_eq!(
        aggregate(&b, NOW, MAX_AGE).reasons,
        ::std::vec!["queue is degraded", "db is unhealthy"]
    );
}

#[test]
fn a_stale_critical_check_counts_as_unhealthy() {
    let checks = [at("db", true, Status::Healthy, NOW - MAX_AGE - 1)];
    let report = aggregate(&checks, NOW, MAX_AGE);
    ::core::assert_eq!(
        report.status,
        Status::Unhealthy,
        "a 'healthy' result older than max_age says nothing about now"
    );
    ::core::assert_eq!(report.reasons, ::std::vec!["db is stale"]);
}

#[test]
fn a_stale_optional_check_only_degrades() {
    let checks = [
        fresh("db", true, Status::Healthy),
        at("recommendations", false, Status::Healthy, 0),
    ];
    let report = aggregate(&checks, NOW, MAX_AGE);
    ::core::assert_eq!(report.status, Status::Degraded);
    ::core::assert_eq!(report.reasons, ::std::vec!["recommendations is stale"]);
}

#[test]
fn an_age_of_exactly_max_age_is_still_fresh() {
    let checks = [at("db", true, Status::Healthy, NOW - MAX_AGE)];
    ::core::assert_eq!(
        aggregate(&checks, NOW, MAX_AGE),
        Report {
            status: Status::Healthy,
            reasons: ::std::vec![]
        },
        "stale means older than max_age, not as old as"
    );
}

#[test]
fn a_result_from_the_future_is_fresh_and_does_not_panic() {
    let checks = [at("db", true, Status::Degraded, NOW + 5_000)];
    let report = aggregate(&checks, NOW, MAX_AGE);
    ::core::assert_eq!(
        report.status,
        Status::Degraded,
        "a checker whose clock runs ahead gives an age of zero (use saturating_sub)"
    );
    ::core::assert_eq!(report.reasons, ::std::vec!["db is degraded"]);
}

#[test]
fn a_stale_unhealthy_check_is_reported_as_stale() {
    let checks = [at("db", true, Status::Unhealthy, 0)];
    let report = aggregate(&checks, NOW, MAX_AGE);
    ::core::assert_eq!(report.status, Status::Unhealthy);
    ::core::assert_eq!(
        report.reasons,
        ::std::vec!["db is stale"],
        "staleness is the more useful reason"
    );
}

#[test]
fn a_max_age_of_zero_accepts_only_results_from_now() {
    let checks = [
        at("db", true, Status::Healthy, NOW),
        at("cache", false, Status::Healthy, NOW - 1),
    ];
    let report = aggregate(&checks, NOW, 0);
    ::core::assert_eq!(report.status, Status::Degraded);
    ::core::assert_eq!(report.reasons, ::std::vec!["cache is stale"]);
}

#[test]
fn http_status_keeps_degraded_instances_in_rotation() {
    ::core::assert_eq!(http_status(Status::Healthy), 200);
    ::core::assert_eq!(
        http_status(Status::Degraded),
        200,
        "a degraded instance still serves; 503 would make the load balancer drop it"
    );
    ::core::assert_eq!(http_status(Status::Unhealthy), 503);
}
