//! One health status from many checks. The task is in the pane beside the editor.

use std::fmt;

/// The health of one dependency, or of the whole instance.
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

/// The last known result of checking one dependency.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    /// `true` when the instance cannot do its job without this dependency.
    pub critical: bool,
    pub status: Status,
    /// When this result was measured, in milliseconds of the same clock as `now_ms`.
    pub checked_at_ms: u64,
}

/// The answer of the health endpoint: the overall status and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub status: Status,
    pub reasons: Vec<String>,
}

/// Combines the dependency checks into one status for the whole instance.
pub fn aggregate(checks: &[Check], now_ms: u64, max_age_ms: u64) -> Report {
    todo!("effective status per check (stale counts as unhealthy), then combine")
}

/// The HTTP status code a health endpoint returns for `status`.
pub fn http_status(status: Status) -> u16 {
    todo!("200 while the instance can serve, 503 when it cannot")
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
