//! Reference solution for "One health status from many checks".

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Healthy,
    Degraded,
    Unhealthy,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Healthy => "healthy",
            Status::Degraded => "degraded",
            Status::Unhealthy => "unhealthy",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    pub critical: bool,
    pub status: Status,
    pub checked_at_ms: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub status: Status,
    pub reasons: Vec<String>,
}

pub fn aggregate(checks: &[Check], now_ms: u64, max_age_ms: u64) -> Report {
    let mut status = Status::Healthy;
    let mut reasons = Vec::new();
    for check in checks {
        let stale = now_ms.saturating_sub(check.checked_at_ms) > max_age_ms;
        let effective = if stale {
            Status::Unhealthy
        } else {
            check.status
        };
        if effective == Status::Healthy {
            continue;
        }
        reasons.push(if stale {
            format!("{} is stale", check.name)
        } else {
            format!("{} is {}", check.name, effective)
        });
        // An optional dependency can make us degraded at worst; a critical one can
        // pass its own status straight through.
        let impact = if check.critical {
            effective
        } else {
            Status::Degraded
        };
        status = status.max(impact);
    }
    Report { status, reasons }
}

pub fn http_status(status: Status) -> u16 {
    match status {
        Status::Healthy | Status::Degraded => 200,
        Status::Unhealthy => 503,
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    fn check(name: &str, critical: bool, status: Status) -> Check {
        Check {
            name: name.to_string(),
            critical,
            status,
            checked_at_ms: 1_000,
        }
    }

    #[test]
    fn all_healthy_is_healthy() {
        let report = aggregate(&[check("db", true, Status::Healthy)], 1_000, 30_000);
        assert_eq!(
            report,
            Report {
                status: Status::Healthy,
                reasons: vec![]
            }
        );
    }

    #[test]
    fn an_optional_dependency_down_only_degrades() {
        let checks = [
            check("db", true, Status::Healthy),
            check("recommendations", false, Status::Unhealthy),
        ];
        let report = aggregate(&checks, 1_000, 30_000);
        assert_eq!(report.status, Status::Degraded);
        assert_eq!(report.reasons, vec!["recommendations is unhealthy"]);
        assert_eq!(http_status(report.status), 200);
    }
}
