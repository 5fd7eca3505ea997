//! Clients retrying against an API after a blip: the retry-storm model
//! (`sim::retry_storm`) with the blip as its outage.
//!
//! Mitigations: a retry budget ("budget"), exponential backoff with full jitter
//! ("backoff"), retrying harder with more tries and a shorter timeout ("retries"), a few
//! more API workers ("workers"). Only what caps the number of retries ends the storm:
//! backoff delays each retry but, with users arriving at their own pace, every one of them
//! still comes, so the load stays a multiple of the demand.

use serde::Deserialize;

use super::records::refused_run;
use super::{Known, System, chosen, points};
use crate::drill::choices::Resolved;
use crate::drill::run::{Event, EventKind, Metric, Run, Span, Trace};
use crate::sim::backoff::Algorithm;
use crate::sim::engine::{Latency, Series, SimTime};
use crate::sim::requests::{Fate, Request};
use crate::sim::retry_storm::{RetryBudget, StormConfig, StormSeries, StormSim, TryEnd, TryRecord};

/// The API stops answering for a few seconds (a failover, a long GC pause).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blip {
    pub at_s: f64,
    pub len_s: f64,
}

/// The clients, the API and the incident, as the drill file states them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// New user requests per second.
    pub demand_per_sec: f64,
    pub workers: u32,
    /// Time a worker spends on one try, in ms.
    pub service: Latency,
    /// Tries that may wait for a worker; more are refused at once.
    pub queue_limit: usize,
    pub client_timeout_s: f64,
    /// Tries per user request, the first included.
    pub max_attempts: u32,
    /// The clients' backoff before the mitigations.
    pub backoff: Algorithm,
    pub backoff_base_s: f64,
    pub backoff_cap_s: f64,
    pub blip: Blip,
}

const KNOWN: &[Known] = &[
    Known {
        id: "budget",
        params: &["ratio_pct"],
    },
    Known {
        id: "backoff",
        params: &["base_s", "cap_s"],
    },
    Known {
        id: "retries",
        params: &["max_attempts", "timeout_s"],
    },
    Known {
        id: "workers",
        params: &["workers"],
    },
];

/// Seconds per dashboard sample.
const BUCKET_S: f64 = 1.0;
/// Log lines per kind of failure and second.
const LOG_PER_SECOND: usize = 3;
/// Seconds summed in one line of the API's log about wasted work.
const WASTE_LOG_S: f64 = 5.0;
/// A trace is taken this long before the blip and after it ends.
const TRACE_OFFSET_S: f64 = 10.0;

impl Spec {
    /// The model's settings with `applied` in place. Parameters are clamped to what the
    /// model can run (one worker, one try, a cap no lower than the base), so no range a
    /// drill file offers can make a run impossible.
    fn config(&self, applied: &[Resolved]) -> StormConfig {
        let mut c = StormConfig {
            demand_per_sec: self.demand_per_sec,
            workers: self.workers,
            service: self.service.clone(),
            queue_limit: self.queue_limit,
            client_timeout_ms: self.client_timeout_s * 1000.0,
            max_attempts: self.max_attempts,
            backoff: self.backoff,
            backoff_base_ms: self.backoff_base_s * 1000.0,
            backoff_cap_ms: self.backoff_cap_s * 1000.0,
            outage_start_s: self.blip.at_s,
            outage_len_s: self.blip.len_s,
            budget: None,
            bucket_s: BUCKET_S,
            record_requests: true,
        };
        if let Some(b) = chosen(applied, "budget") {
            // A bucket that holds one second of refill: a burst of failures can spend
            // it at once, but not borrow against the next second.
            let per_sec = self.demand_per_sec * b.get("ratio_pct") / 100.0;
            c.budget = Some(RetryBudget {
                per_sec,
                burst: per_sec.max(1.0),
            });
        }
        if let Some(b) = chosen(applied, "backoff") {
            c.backoff = Algorithm::FullJitter;
            c.backoff_base_ms = b.get("base_s") * 1000.0;
            c.backoff_cap_ms = b.get("cap_s") * 1000.0;
        }
        if let Some(r) = chosen(applied, "retries") {
            c.max_attempts = r.get("max_attempts").round() as u32;
            c.client_timeout_ms = r.get("timeout_s") * 1000.0;
        }
        if let Some(w) = chosen(applied, "workers") {
            c.workers = w.get("workers").round() as u32;
        }
        c.workers = c.workers.max(1);
        c.max_attempts = c.max_attempts.max(1);
        c.backoff_base_ms = c.backoff_base_ms.max(1.0);
        c.backoff_cap_ms = c.backoff_cap_ms.max(c.backoff_base_ms);
        c
    }

    fn blip_end_s(&self) -> f64 {
        self.blip.at_s + self.blip.len_s
    }
}

impl System for Spec {
    fn simulation(&self) -> &'static str {
        "retry-storm"
    }

    fn known(&self) -> &'static [Known] {
        KNOWN
    }

    fn check(&self, duration_s: f64) -> Vec<String> {
        let mut problems = Vec::new();
        if !(self.demand_per_sec > 0.0 && self.demand_per_sec <= 2_000.0) {
            problems.push("demand_per_sec must be in (0, 2000] requests/s".to_owned());
        }
        if !(self.client_timeout_s > 0.0 && self.client_timeout_s.is_finite()) {
            problems.push("client_timeout_s must be a positive number of seconds".to_owned());
        }
        if !(self.blip.len_s > 0.0 && self.blip.at_s >= 0.0 && self.blip_end_s() < duration_s) {
            problems.push(format!(
                "the blip must have a positive length and end inside the drill's {duration_s} s"
            ));
        }
        if let Err(e) = StormSim::new(self.config(&[]), 0) {
            problems.push(e.to_string());
        }
        problems
    }

    fn run(&self, applied: &[Resolved], seed: u64, duration_s: f64) -> Run {
        let config = self.config(applied);
        let capacity = config.capacity_per_sec();
        let timeout_s = config.client_timeout_ms / 1000.0;
        let budgeted = config.budget.is_some();
        let mut sim = match StormSim::new(config, seed) {
            Ok(sim) => sim,
            // `check` ran the same settings without mitigations, and `config` clamps
            // what a mitigation can change to what the model accepts.
            Err(e) => return refused_run("api", &e.to_string()),
        };
        sim.step_until(SimTime::from_secs(duration_s));

        let mut requests = sim.requests().to_vec();
        requests.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        let mut run = Run {
            requests,
            ..Run::default()
        };
        let s = sim.series();
        run.metrics = vec![
            Metric {
                name: "tries reaching the API".into(),
                unit: "tries/s".into(),
                points: points(&s.offered),
                threshold: Some((capacity, "what the workers can serve".into())),
            },
            Metric {
                name: "retries sent".into(),
                unit: "tries/s".into(),
                points: points(&s.retries),
                threshold: None,
            },
            Metric {
                name: "requests answered".into(),
                unit: "requests/s".into(),
                points: points(&s.goodput),
                threshold: Some((self.demand_per_sec, "new requests".into())),
            },
            Metric {
                name: "API queue".into(),
                unit: "tries".into(),
                points: points(&s.queue),
                threshold: Some((capacity * timeout_s, "a wait as long as the timeout".into())),
            },
            Metric {
                name: "served after the client gave up".into(),
                unit: "tries/s".into(),
                points: points(&s.wasted),
                threshold: None,
            },
        ];
        if budgeted {
            run.metrics.push(Metric {
                name: "retry budget tokens".into(),
                unit: "tokens".into(),
                points: points(&s.tokens),
                threshold: None,
            });
        }
        run.events.push(Event {
            t_s: self.blip.at_s,
            kind: EventKind::Fault,
            source: "api".into(),
            text: "stops answering (database failover); tries in flight are lost".into(),
        });
        run.events.push(Event {
            t_s: self.blip_end_s(),
            kind: EventKind::Fault,
            source: "api".into(),
            text: "answering again".into(),
        });
        queue_events(&mut run.events, &s.queue, capacity * timeout_s);
        if budgeted {
            budget_events(&mut run.events, &s.tokens);
        }
        waste_log(&mut run.events, s);
        run.log_failures("api-client", LOG_PER_SECOND);
        run.traces = self.traces(sim.tries(), &run.requests);
        run.sort_events();
        run
    }
}

/// The queue crossing the line past which a try waits longer than its client does: the
/// moments the storm takes hold and lets go.
fn queue_events(events: &mut Vec<Event>, queue: &Series, line: f64) {
    let mut above = false;
    for p in queue.points() {
        let (t, q) = (p[0], p[1]);
        if !q.is_finite() || (q > line) == above {
            continue;
        }
        above = q > line;
        events.push(Event {
            t_s: t,
            kind: EventKind::State,
            source: "api queue".into(),
            text: if above {
                format!(
                    "{q:.0} tries waiting: a new try now waits longer than its client does, so it will be served for nobody"
                )
            } else {
                format!("{q:.0} tries waiting: tries are answered before their clients give up")
            },
        });
    }
}

/// When the retry budget first runs dry, and when it has tokens again for good.
fn budget_events(events: &mut Vec<Event>, tokens: &Series) {
    let pts = tokens.points();
    let Some(empty) = pts.iter().find(|p| p[1] < 1.0) else {
        return;
    };
    events.push(Event {
        t_s: empty[0],
        kind: EventKind::State,
        source: "api-client retry budget".into(),
        text: "empty: failed requests are no longer retried".into(),
    });
    let last_empty = pts.iter().rposition(|p| p[1] < 1.0);
    if let Some(back) = last_empty.and_then(|i| pts.get(i + 1)) {
        events.push(Event {
            t_s: back[0],
            kind: EventKind::State,
            source: "api-client retry budget".into(),
            text: "refilled: retries allowed again".into(),
        });
    }
}

/// The API's own log: every few seconds, how much of its work was for clients that had
/// already left, which no client-side log shows.
fn waste_log(events: &mut Vec<Event>, s: &StormSeries) {
    // A point is a rate over the stretch since the previous one (a long run's series
    // merges buckets, so the stretch is not always one bucket).
    let count = |series: &Series, from: f64, to: f64| -> f64 {
        let pts = series.points();
        pts.iter()
            .enumerate()
            .filter(|(_, p)| p[0] > from && p[0] <= to && p[1].is_finite())
            .map(|(i, p)| {
                let since = i.checked_sub(1).map_or(0.0, |j| pts[j][0]);
                p[1] * (p[0] - since)
            })
            .sum()
    };
    let end = s.wasted.last().map_or(0.0, |p| p[0]);
    let mut from = 0.0;
    while from < end {
        let to = from + WASTE_LOG_S;
        let wasted = count(&s.wasted, from, to);
        if wasted >= 1.0 {
            let answered = count(&s.goodput, from, to);
            events.push(Event {
                t_s: to,
                kind: EventKind::Log,
                source: "api".into(),
                text: format!(
                    "WARN last {WASTE_LOG_S:.0} s: {:.0} tries served, {wasted:.0} of them after the client had timed out (response discarded)",
                    answered + wasted
                ),
            });
        }
        from = to;
    }
}

impl Spec {
    /// A request before the blip, one well after it, and the first to give up after the
    /// API came back: each try as the client saw it and as the API handled it.
    fn traces(&self, tries: &[TryRecord], requests: &[Request]) -> Vec<Trace> {
        let mut traces = Vec::new();
        let before = (self.blip.at_s - TRACE_OFFSET_S).max(0.0);
        let after = self.blip_end_s() + TRACE_OFFSET_S;
        if let Some(t) = first_request_from(tries, before * 1000.0) {
            traces.push(trace("A request before the blip", tries, t));
        }
        if let Some(t) = first_request_from(tries, after * 1000.0) {
            traces.push(trace(
                &format!("A request {TRACE_OFFSET_S:.0} s after the API came back"),
                tries,
                t,
            ));
        }
        let gave_up = requests
            .iter()
            .find(|r| r.at_ms >= self.blip_end_s() * 1000.0 && r.fate != Fate::Ok)
            .and_then(|r| first_request_from(tries, r.at_ms));
        if let Some(t) = gave_up {
            traces.push(trace(
                "The first request to fail after the API came back",
                tries,
                t,
            ));
        }
        traces
    }
}

/// The request of the first first-try sent at or after `from_ms`.
fn first_request_from(tries: &[TryRecord], from_ms: f64) -> Option<u32> {
    tries
        .iter()
        .find(|t| t.number == 1 && t.sent_ms >= from_ms)
        .map(|t| t.request)
}

/// One request's waterfall: per try the client's wait, and the API's queue and work.
fn trace(title: &str, tries: &[TryRecord], request: u32) -> Trace {
    let mine: Vec<&TryRecord> = tries.iter().filter(|t| t.request == request).collect();
    let start = mine.first().map_or(0.0, |t| t.sent_ms);
    let rel = |ms: f64| ms - start;
    let mut spans = Vec::new();
    for t in &mine {
        let ended = if t.ended_ms.is_finite() {
            t.ended_ms
        } else {
            t.sent_ms
        };
        spans.push(Span {
            service: format!("client: try {}", t.number),
            start_ms: rel(t.sent_ms),
            end_ms: rel(ended),
            failed: t.end != TryEnd::Answered,
            note: match t.end {
                TryEnd::Answered => "answered".into(),
                TryEnd::TimedOut => format!("no answer in {:.0} ms: timed out", ended - t.sent_ms),
                TryEnd::Refused => "refused: the API queue is full".into(),
                TryEnd::Pending => "still waiting when the drill ended".into(),
            },
        });
        if let Some(started) = t.started_ms {
            spans.push(Span {
                service: "api: queue".into(),
                start_ms: rel(t.sent_ms),
                end_ms: rel(started),
                failed: started > ended,
                note: format!("waited {:.0} ms for a worker", started - t.sent_ms),
            });
            let served = t.served_ms;
            spans.push(Span {
                service: "api: worker".into(),
                start_ms: rel(started),
                end_ms: rel(served.unwrap_or(started)),
                failed: t.end != TryEnd::Answered,
                note: match served {
                    _ if t.lost => "cut off by the blip".into(),
                    Some(_) if t.end != TryEnd::Answered => {
                        "served after the client had given up: wasted".into()
                    }
                    Some(_) => "served".into(),
                    None => "still being served when the drill ended".into(),
                },
            });
        } else if t.lost {
            spans.push(Span {
                service: "api".into(),
                start_ms: rel(t.sent_ms),
                end_ms: rel(ended),
                failed: true,
                note: "lost in the blip: the API was not answering".into(),
            });
        }
    }
    Trace {
        title: title.to_owned(),
        at_s: start / 1000.0,
        spans,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::super::testing::{assert_drill_cases, load, one};
    use super::*;
    use crate::drill::systems::SystemSpec;
    use crate::drill::{self, Applied, Choices, Drill, Outcome};
    use crate::sim::retry_storm::GAVE_UP;

    const ID: &str = "retry-storm";

    /// The drill, loaded once for the tests that play it many times.
    fn drill() -> &'static Drill {
        static DRILL: OnceLock<Drill> = OnceLock::new();
        DRILL.get_or_init(|| load(ID))
    }

    fn play(d: &Drill, choices: &Choices, seed: u64) -> Outcome {
        drill::play(d, choices, seed).unwrap()
    }

    /// No mitigation misses and pages, the model answer holds, and each wrong offer as
    /// offered misses because requests still give up after every try: the storm goes on.
    #[test]
    fn retry_storm_holds_only_with_a_retry_budget() {
        assert_drill_cases(
            ID,
            &[
                (one("backoff", &[]), GAVE_UP),
                (one("retries", &[]), GAVE_UP),
                (one("workers", &[]), GAVE_UP),
            ],
        );
    }

    /// Each case by a wide margin, not by a hair: the storm leaves about a fifth of the
    /// requests good (those before the blip), the budget all but the blip's own.
    #[test]
    fn the_margins_are_wide() {
        let d = drill();
        let objective = d.spec.slo.objective_pct;
        for seed in drill::CHECKED_SEEDS {
            let none = play(d, &Choices::default(), seed);
            assert!(
                none.verdict.figures.good_pct < objective - 50.0,
                "{}",
                none.verdict.reason
            );
            let model = play(d, &d.solution, seed);
            assert!(
                model.verdict.figures.good_pct > objective + 2.0,
                "{}",
                model.verdict.reason
            );
        }
    }

    /// No setting a wrong offer allows ends the storm: every corner of its ranges misses.
    #[test]
    fn no_setting_of_a_wrong_offer_holds() {
        let d = drill();
        for wrong in ["backoff", "retries", "workers"] {
            let Some(offer) = d.offer(wrong) else {
                panic!("{ID} offers no {wrong}");
            };
            // Every combination of each parameter at its min or its max.
            for corner in 0..1u32 << offer.params.len() {
                let params = offer
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let v = if corner & (1 << i) == 0 { p.min } else { p.max };
                        (p.name.clone(), v)
                    })
                    .collect();
                let choices = Choices {
                    apply: vec![Applied {
                        id: wrong.into(),
                        params,
                    }],
                };
                for seed in drill::CHECKED_SEEDS {
                    let o = play(d, &choices, seed);
                    assert!(
                        !o.verdict.met,
                        "{choices:?}, seed {seed}: {}",
                        o.verdict.reason
                    );
                }
            }
        }
    }

    /// The storm shows in the events and traces: after the blip the queue stays past the
    /// timeout line and the API logs work served for nobody; with the budget it does not.
    #[test]
    fn the_run_shows_the_storm_and_its_end() {
        let d = drill();
        let SystemSpec::RetryStorm(spec) = &d.spec.system else {
            panic!("{ID} runs on another system");
        };
        let blip_end = spec.blip_end_s();
        // Whether the run ends with the queue past the timeout line: still in the storm.
        let stormy = |o: &Outcome| {
            o.run
                .events
                .iter()
                .rfind(|e| e.kind == EventKind::State && e.source == "api queue")
                .is_some_and(|e| e.text.contains("served for nobody"))
        };
        let none = play(d, &Choices::default(), 1);
        assert!(stormy(&none));
        assert!(none.run.events.iter().any(|e| e.kind == EventKind::Log
            && e.source == "api"
            && e.t_s > blip_end + 10.0
            && e.text.contains("after the client had timed out")));
        let after = &none.run.traces[1];
        assert!(
            after.title.contains("after the API came back"),
            "{}",
            after.title
        );
        assert!(after.spans.iter().any(|s| s.note.contains("wasted")));
        assert!(
            after
                .spans
                .iter()
                .filter(|s| s.service.starts_with("client"))
                .count()
                > 1
        );
        assert!(none.run.metrics.len() >= 3 && none.run.metrics.len() <= 6);

        let model = play(d, &d.solution, 1);
        assert!(!stormy(&model));
        assert!(
            model
                .run
                .metrics
                .iter()
                .any(|m| m.name == "retry budget tokens")
        );
        let after = &model.run.traces[1];
        assert_eq!(after.spans.len(), 3, "{after:?}");
        assert!(!after.spans.iter().any(|s| s.failed));
    }
}
