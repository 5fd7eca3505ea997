//! A dashboard page behind a load balancer, an app with a thread pool and a database:
//! the cascading-timeouts model (`sim::cascade`) with the incident (a query turns slow,
//! users press reload) as its fault script.
//!
//! The SLO counts pages as the browser gets them: a page with some parts replaced by
//! their fallbacks is an answer; a 504, a 503, an app timeout or a page of nothing but
//! stand-ins is not.
//!
//! Mitigations: ordered budgets for the balancer, the app and each part ("budgets"; the
//! database's statement timeout is not the learner's to change); deadline propagation,
//! which also carries the deadline to the database ("propagation"); every timeout
//! longer ("longer-timeouts"); more app threads ("threads").

use serde::Deserialize;

use super::records::refused_run;
use super::{Known, System, chosen, points};
use crate::drill::choices::Resolved;
use crate::drill::run::{Event, EventKind, Metric, Run, Span, Trace};
use crate::sim::cascade::{
    self, CascadeConfig, CascadeSim, LogRecord, Outcome, Part, SlowQuery, Surge,
};
use crate::sim::engine::SimTime;

/// What happens at a moment of the incident.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Incident {
    /// The part's query takes `query_s` seconds until `until_s`.
    SlowQuery {
        part: Part,
        until_s: f64,
        query_s: f64,
    },
    /// Users press reload: pages arrive `factor` times as fast until `until_s`.
    Reload { until_s: f64, factor: f64 },
}

/// A fault of the incident script, at a virtual second.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at_s: f64,
    pub fault: Incident,
}

/// The system before any mitigation; a timeout left out means none (wait forever).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub pages_per_sec: f64,
    /// When the user gives up on the page.
    pub browser_timeout_s: f64,
    #[serde(default)]
    pub balancer_timeout_s: Option<f64>,
    #[serde(default)]
    pub app_timeout_s: Option<f64>,
    /// Each part's wait for its query before it uses its fallback.
    #[serde(default)]
    pub part_timeout_s: Option<f64>,
    /// The database's statement timeout.
    #[serde(default)]
    pub db_timeout_s: Option<f64>,
    pub app_threads: u32,
    pub app_queue: usize,
    pub db_connections: u32,
    /// The analytics part's own pool, if it has one.
    #[serde(default)]
    pub analytics_pool: Option<u32>,
    /// At most one slow query and one reload surge (what the model holds).
    pub incident: Vec<Step>,
}

const KNOWN: &[Known] = &[
    Known {
        id: "budgets",
        params: &["balancer_s", "app_s", "part_s"],
    },
    Known {
        id: "propagation",
        params: &[],
    },
    Known {
        id: "longer-timeouts",
        params: &["factor"],
    },
    Known {
        id: "threads",
        params: &["threads"],
    },
];

/// Seconds per dashboard sample (the model's bucket).
const BUCKET_S: f64 = 1.0;
/// Log lines per layer, reason and second.
const LOG_PER_SECOND: usize = 3;

/// Seconds to the model's milliseconds, at least 1 ms (the model refuses 0).
fn ms(s: f64) -> f64 {
    (s * 1000.0).max(1.0)
}

impl Spec {
    fn config(&self, applied: &[Resolved]) -> CascadeConfig {
        let mut c = CascadeConfig {
            pages_per_sec: self.pages_per_sec,
            browser_timeout_ms: ms(self.browser_timeout_s),
            balancer_timeout_ms: self.balancer_timeout_s.map(ms),
            app_timeout_ms: self.app_timeout_s.map(ms),
            part_timeout_ms: self.part_timeout_s.map(ms),
            db_timeout_ms: self.db_timeout_s.map(ms),
            app_threads: self.app_threads,
            app_queue: self.app_queue,
            db_connections: self.db_connections,
            analytics_pool: self.analytics_pool,
            deadline_propagation: chosen(applied, "propagation").is_some(),
            slow_query: None,
            surge: None,
            bucket_s: BUCKET_S,
            record_requests: true,
        };
        for step in &self.incident {
            match step.fault {
                Incident::SlowQuery {
                    part,
                    until_s,
                    query_s,
                } => {
                    c.slow_query = Some(SlowQuery {
                        part,
                        from_s: step.at_s,
                        until_s,
                        ms: ms(query_s),
                    });
                }
                Incident::Reload { until_s, factor } => {
                    c.surge = Some(Surge {
                        from_s: step.at_s,
                        until_s,
                        factor,
                    });
                }
            }
        }
        if let Some(b) = chosen(applied, "budgets") {
            c.balancer_timeout_ms = Some(ms(b.get("balancer_s")));
            c.app_timeout_ms = Some(ms(b.get("app_s")));
            c.part_timeout_ms = Some(ms(b.get("part_s")));
        }
        if let Some(l) = chosen(applied, "longer-timeouts") {
            let f = l.get("factor").max(0.0);
            for t in [
                &mut c.balancer_timeout_ms,
                &mut c.app_timeout_ms,
                &mut c.part_timeout_ms,
                &mut c.db_timeout_ms,
            ] {
                *t = t.map(|ms| (ms * f).max(1.0));
            }
        }
        if let Some(t) = chosen(applied, "threads") {
            c.app_threads = (t.get("threads").round() as u32).max(1);
        }
        c
    }
}

impl System for Spec {
    fn simulation(&self) -> &'static str {
        "cascade"
    }

    fn known(&self) -> &'static [Known] {
        KNOWN
    }

    fn check(&self, duration_s: f64) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = CascadeSim::new(self.config(&[]), 1) {
            problems.push(e.to_string());
        }
        if self.pages_per_sec > 2_000.0 {
            problems.push("pages_per_sec must be at most 2000".to_owned());
        }
        let mut slow = 0;
        let mut reload = 0;
        for s in &self.incident {
            let until_s = match s.fault {
                Incident::SlowQuery { until_s, .. } => {
                    slow += 1;
                    until_s
                }
                Incident::Reload { until_s, .. } => {
                    reload += 1;
                    until_s
                }
            };
            if !(0.0..duration_s).contains(&s.at_s) || until_s.is_nan() || until_s <= s.at_s {
                problems.push(format!(
                    "the fault from {} s to {until_s} s must start inside the drill's \
                     {duration_s} s and end after it starts",
                    s.at_s
                ));
            }
        }
        if slow > 1 || reload > 1 {
            problems.push("the model holds at most one SlowQuery and one Reload".to_owned());
        }
        problems
    }

    fn run(&self, applied: &[Resolved], seed: u64, duration_s: f64) -> Run {
        let config = self.config(applied);
        let (threads, balancer_ms) = (config.app_threads, config.balancer_timeout_ms);
        let mut sim = match CascadeSim::new(config, seed) {
            Ok(sim) => sim,
            Err(e) => return refused_run("app", &e.to_string()),
        };
        // The model keeps its last few thousand log records: take them second by second.
        let mut log = LogLines::default();
        let mut t = 0.0;
        while t < duration_s {
            let next = (t + 1.0).min(duration_s);
            sim.step_until(SimTime::from_secs(next));
            log.take(sim.log().iter(), t, next);
            t = next;
        }
        let mut requests = sim.requests().to_vec();
        requests.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        let s = sim.series();
        let mut run = Run {
            requests,
            metrics: vec![
                Metric {
                    name: "pages shown in the browser (stand-ins count)".into(),
                    unit: "%".into(),
                    points: points(&s.tiers[0].success_pct),
                    threshold: None,
                },
                Metric {
                    name: "load balancer latency (mean)".into(),
                    unit: "ms".into(),
                    points: points(&s.tiers[1].latency_ms),
                    threshold: balancer_ms.map(|t| (t, "balancer timeout".to_owned())),
                },
                Metric {
                    name: "app threads busy".into(),
                    unit: "threads".into(),
                    points: points(&s.app_busy),
                    threshold: Some((f64::from(threads), "pool size".into())),
                },
                Metric {
                    name: "app queue".into(),
                    unit: "pages".into(),
                    points: points(&s.app_queue),
                    threshold: None,
                },
                Metric {
                    name: "app threads building pages nobody waits for".into(),
                    unit: "threads".into(),
                    points: points(&s.app_wasted),
                    threshold: None,
                },
                Metric {
                    name: "db connections working for callers that left".into(),
                    unit: "connections".into(),
                    points: points(&s.db_wasted),
                    threshold: None,
                },
            ],
            events: log.events,
            traces: Vec::new(),
        };
        run.events.extend(self.fault_events());
        run.traces = traces(&sim);
        run.sort_events();
        run
    }
}

impl Spec {
    fn fault_events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        for step in &self.incident {
            let (source, start, end, until_s) = match step.fault {
                Incident::SlowQuery {
                    part,
                    until_s,
                    query_s,
                } => (
                    "database",
                    format!("the {} query now takes {query_s} s", part.label()),
                    format!("the {} query is fast again", part.label()),
                    until_s,
                ),
                Incident::Reload { until_s, factor } => (
                    "users",
                    format!("users press reload: {factor}× the usual page rate"),
                    "users stop pressing reload".to_owned(),
                    until_s,
                ),
            };
            for (t_s, text) in [(step.at_s, start), (until_s, end)] {
                events.push(Event {
                    t_s,
                    kind: EventKind::Fault,
                    source: source.into(),
                    text,
                });
            }
        }
        events
    }
}

/// Log lines drawn from the model's records: the first few of each layer and reason in
/// each second, so a flood stays readable.
#[derive(Debug, Default)]
struct LogLines {
    events: Vec<Event>,
}

impl LogLines {
    /// Takes the problem records logged in `(from_s, to_s]` (from 0 inclusive).
    fn take<'a>(&mut self, records: impl Iterator<Item = &'a LogRecord>, from_s: f64, to_s: f64) {
        let mut counts: Vec<(f64, String, &'static str, usize)> = Vec::new();
        for r in records {
            let t = r.at.as_secs();
            let inside = (t > from_s || from_s == 0.0) && t <= to_s;
            if !(inside && r.problem) {
                continue;
            }
            let second = t.floor();
            let layer = r.layer.label();
            let n = match counts
                .iter_mut()
                .find(|c| c.0 == second && c.1 == layer && c.2 == r.reason)
            {
                Some(c) => {
                    c.3 += 1;
                    c.3
                }
                None => {
                    counts.push((second, layer.clone(), r.reason, 1));
                    1
                }
            };
            if n <= LOG_PER_SECOND {
                self.events.push(Event {
                    t_s: t,
                    kind: EventKind::Log,
                    source: layer,
                    text: format!(
                        "WARN page #{}: {} after {:.0} ms",
                        r.page, r.reason, r.duration_ms
                    ),
                });
            }
        }
    }
}

/// The first page that failed and the slowest page answered, each as a waterfall
/// through every layer.
fn traces(sim: &CascadeSim) -> Vec<Trace> {
    let now = sim.now();
    let finished = |t: &cascade::Trace| t.spans.first().and_then(|s| s.end.map(|_| s.outcome));
    let mut traces = Vec::new();
    if let Some(t) = sim
        .traces()
        .find(|t| finished(t).is_some_and(|o| !o.is_success()))
    {
        traces.push(waterfall("The first page that failed", &t, now));
    }
    if let Some(t) = sim
        .traces()
        .filter(|t| finished(t).is_some_and(Outcome::is_success))
        .max_by(|a, b| {
            let d = |t: &cascade::Trace| t.spans.first().map_or(0.0, |s| s.duration_ms(now));
            d(a).total_cmp(&d(b))
        })
    {
        traces.push(waterfall("The slowest page answered", &t, now));
    }
    traces
}

fn waterfall(title: &str, trace: &cascade::Trace, now: SimTime) -> Trace {
    let start = trace.spans.first().map_or(0.0, |s| s.start.as_ms());
    Trace {
        title: format!("{title} (#{})", trace.page),
        at_s: start / 1000.0,
        spans: trace
            .spans
            .iter()
            .map(|s| {
                let mut note = s.outcome.label().to_owned();
                if let Outcome::FellBack(f) = s.outcome {
                    note = format!("fallback: {}", f.label());
                }
                if s.queued_ms >= 1.0 {
                    note.push_str(&format!(", queued {:.0} ms", s.queued_ms));
                }
                let wasted = s.wasted_ms(now);
                if wasted >= 1.0 {
                    note.push_str(&format!(", {wasted:.0} ms of work after its caller left"));
                }
                Span {
                    service: s.layer.label(),
                    start_ms: s.start.as_ms() - start,
                    end_ms: s.end.unwrap_or(now).as_ms() - start,
                    failed: !(s.outcome.is_success() || s.outcome == Outcome::Open),
                    note,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_drill_cases, good, load, one, peak, play_seeds};
    use crate::drill::Choices;
    use crate::sim::cascade::{APP_503, BALANCER_504, NO_LIVE_DATA};

    const ID: &str = "cascading-timeouts";

    /// Plausible wrong ones, each with the label it fails by: every timeout longer, more
    /// threads, and either half of the model answer alone (the right budgets without the
    /// deadline reaching the database: each part gives up, its query runs on and fills
    /// the connections, so every part falls back).
    fn wrong() -> Vec<(Choices, &'static str)> {
        vec![
            (one("longer-timeouts", &[("factor", 3.0)]), APP_503),
            (one("threads", &[("threads", 400.0)]), BALANCER_504),
            (one("propagation", &[]), BALANCER_504),
            (one("budgets", &[]), NO_LIVE_DATA),
        ]
    }

    #[test]
    fn cascading_timeouts_three_cases_on_every_seed() {
        assert_drill_cases(ID, &wrong());
    }

    #[test]
    fn each_case_is_decided_with_a_margin() {
        let d = load(ID);
        for choices in std::iter::once(Choices::default()).chain(wrong().into_iter().map(|w| w.0)) {
            let g = good(&play_seeds(&d, &choices));
            assert!(g.iter().all(|&g| g < 70.0), "{choices:?}: {g:?}");
        }
        for o in play_seeds(&d, &d.solution) {
            assert!(o.verdict.figures.good_pct >= 99.9, "{}", o.verdict.reason);
            // The slow part degrades the page instead of failing it.
            assert!(
                o.verdict.figures.fallbacks > 1000,
                "{:?}",
                o.verdict.figures
            );
        }
    }

    #[test]
    fn the_run_shows_the_cause_in_metrics_logs_and_traces() {
        let d = load(ID);
        let o = &play_seeds(&d, &Choices::default())[0];
        assert_eq!(o.run.metrics.len(), 6);
        let busy = &o.run.metrics[2];
        assert_eq!(Some(peak(busy)), busy.threshold.as_ref().map(|t| t.0));
        // The drill's evidence: most threads build pages the balancer gave up on.
        assert!(peak(&o.run.metrics[4]) > 20.0);
        assert_eq!(o.alert_s, Some(70.0));
        assert!(
            o.run
                .events
                .iter()
                .any(|e| e.text.contains("504") && e.t_s > 60.0)
        );
        let failed = o.run.traces.first().expect("a failed page");
        assert!(failed.spans.iter().any(|s| s.service == "db analytics"));
        assert!(
            failed
                .spans
                .iter()
                .any(|s| s.note.contains("after its caller left")),
            "{failed:#?}"
        );
    }
}
