//! The SLO verdict, measured over a run's requests, and the moment the alert fires.

use serde::Serialize;

use super::spec::{Alert, Slo};
use crate::sim::headless::Points;
use crate::sim::requests::{Fate, Request};

/// What the SLO window held.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SloFigures {
    /// Requests that arrived in the window.
    pub total: u64,
    pub good: u64,
    /// `good / total` in percent (100 when nothing arrived).
    pub good_pct: f64,
    /// Good requests answered by a fallback.
    pub fallbacks: u64,
    /// Answered, but later than the SLO allows.
    pub slow: u64,
    /// The bad requests by what happened to them, most first.
    pub bad: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub met: bool,
    pub figures: SloFigures,
    /// One sentence: by how much, and what the bad requests were.
    pub reason: String,
}

fn in_window(r: &Request, from_s: f64, to_s: f64) -> bool {
    let t = r.at_ms / 1000.0;
    t >= from_s && t < to_s
}

/// Counts good and bad requests arriving in `from_s..to_s`.
fn figures(slo: &Slo, requests: &[Request], from_s: f64, to_s: f64) -> SloFigures {
    let mut f = SloFigures::default();
    let mut bad: Vec<(String, u64)> = Vec::new();
    let mut add_bad = |label: &str| match bad.iter_mut().find(|(l, _)| l == label) {
        Some((_, n)) => *n += 1,
        None => bad.push((label.to_owned(), 1)),
    };
    for r in requests.iter().filter(|r| in_window(r, from_s, to_s)) {
        f.total += 1;
        let answered = matches!(r.fate, Fate::Ok | Fate::Fallback);
        let in_time = slo.within_s.is_none_or(|s| r.latency_ms <= s * 1000.0);
        match r.fate {
            _ if answered && in_time => {
                f.good += 1;
                if r.fate == Fate::Fallback {
                    f.fallbacks += 1;
                }
            }
            Fate::Ok | Fate::Fallback => {
                f.slow += 1;
                add_bad("answered too late");
            }
            Fate::Refused(l) | Fate::Failed(l) | Fate::Wrong(l) => add_bad(l),
        }
    }
    f.good_pct = if f.total == 0 {
        100.0
    } else {
        100.0 * f.good as f64 / f.total as f64
    };
    bad.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    f.bad = bad;
    f
}

/// A share of requests to one decimal, or two below 1 %, so that a handful of bad
/// requests never reads as "0.0 %".
fn small_share(pct: f64) -> String {
    if pct < 1.0 {
        format!("{pct:.2}")
    } else {
        format!("{pct:.1}")
    }
}

/// Whether `requests` meet `slo` over its window, and why not.
pub fn judge(slo: &Slo, requests: &[Request]) -> Verdict {
    let figures = figures(slo, requests, slo.from_s, slo.to_s);
    let met = figures.good_pct >= slo.objective_pct;
    let share = |n: u64| 100.0 * n as f64 / figures.total.max(1) as f64;
    let causes: Vec<String> = figures
        .bad
        .iter()
        .take(3)
        .map(|(label, n)| format!("{}\u{a0}% {label}", small_share(share(*n))))
        .collect();
    let reason = if met {
        format!(
            "SLO held: {:.2}\u{a0}% good against an objective of {}\u{a0}%{}",
            figures.good_pct,
            slo.objective_pct,
            if causes.is_empty() {
                String::new()
            } else {
                format!(" (bad: {})", causes.join(", "))
            }
        )
    } else {
        format!(
            "SLO missed: {:.2}\u{a0}% good against an objective of {}\u{a0}%: {}",
            figures.good_pct,
            slo.objective_pct,
            causes.join(", ")
        )
    };
    Verdict {
        met,
        figures,
        reason,
    }
}

/// The share of good requests in each `bucket_s` stretch of the SLO window, as
/// `(start of the stretch, good %)`; `None` for a stretch nothing arrived in. The
/// mitigation's replay plots it with and without the change.
pub fn good_pct_series(slo: &Slo, requests: &[Request], bucket_s: f64) -> Points {
    let step = bucket_s.max(0.1);
    let mut points = Vec::new();
    let mut from = slo.from_s;
    while from < slo.to_s {
        let to = (from + step).min(slo.to_s);
        let f = figures(slo, requests, from, to);
        points.push((from, (f.total > 0).then_some(f.good_pct)));
        from = to;
    }
    points
}

/// When the alert fires: the end of the first `every_s` stretch of the SLO window
/// whose requests miss the objective; `None` when none does.
pub fn alert_at(slo: &Slo, alert: &Alert, requests: &[Request]) -> Option<f64> {
    let step = alert.every_s.max(0.1);
    let mut from = slo.from_s;
    while from < slo.to_s {
        let to = (from + step).min(slo.to_s);
        let f = figures(slo, requests, from, to);
        if f.total > 0 && f.good_pct < slo.objective_pct {
            return Some(to);
        }
        from = to;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slo() -> Slo {
        Slo {
            text: "99 % within 2 s".into(),
            objective_pct: 99.0,
            within_s: Some(2.0),
            from_s: 0.0,
            to_s: 100.0,
        }
    }

    fn req(t_s: f64, latency_ms: f64, fate: Fate) -> Request {
        Request {
            at_ms: t_s * 1000.0,
            latency_ms,
            fate,
        }
    }

    #[test]
    fn good_means_answered_in_time_and_fallbacks_count() {
        let mut rs: Vec<Request> = (0..98).map(|i| req(f64::from(i), 10.0, Fate::Ok)).collect();
        rs.push(req(98.0, 0.0, Fate::Fallback));
        rs.push(req(99.0, 2500.0, Fate::Ok));
        rs.push(req(150.0, 10.0, Fate::Failed("outside the window")));
        let v = judge(&slo(), &rs);
        assert_eq!(v.figures.total, 100);
        assert_eq!(v.figures.good, 99);
        assert_eq!(v.figures.fallbacks, 1);
        assert_eq!(v.figures.slow, 1);
        assert!(v.met, "{}", v.reason);
    }

    #[test]
    fn a_miss_names_its_biggest_causes() {
        let mut rs: Vec<Request> = (0..90).map(|i| req(f64::from(i), 10.0, Fate::Ok)).collect();
        rs.extend((90..97).map(|i| req(f64::from(i), 2000.0, Fate::Failed("timed out"))));
        rs.extend((97..100).map(|i| req(f64::from(i), 0.0, Fate::Refused("no free thread"))));
        let v = judge(&slo(), &rs);
        assert!(!v.met);
        assert_eq!(v.figures.bad[0], ("timed out".to_owned(), 7));
        assert!(v.reason.contains("7.0\u{a0}% timed out"), "{}", v.reason);
        assert!(
            v.reason.contains("3.0\u{a0}% no free thread"),
            "{}",
            v.reason
        );
    }

    #[test]
    fn good_share_per_stretch_leaves_empty_stretches_out() {
        let mut rs: Vec<Request> = (0..50).map(|i| req(f64::from(i), 10.0, Fate::Ok)).collect();
        rs[12].fate = Fate::Failed("error");
        let series = good_pct_series(&slo(), &rs, 25.0);
        assert_eq!(
            series,
            vec![
                (0.0, Some(96.0)),
                (25.0, Some(100.0)),
                (50.0, None),
                (75.0, None)
            ]
        );
    }

    #[test]
    fn the_alert_fires_at_the_end_of_the_first_bad_stretch() {
        let mut rs: Vec<Request> = (0..100)
            .map(|i| req(f64::from(i), 10.0, Fate::Ok))
            .collect();
        rs[42].fate = Fate::Failed("error");
        let alert = Alert {
            text: "errors".into(),
            every_s: 10.0,
        };
        assert_eq!(alert_at(&slo(), &alert, &rs), Some(50.0));
        rs[42].fate = Fate::Ok;
        assert_eq!(alert_at(&slo(), &alert, &rs), None);
    }
}
