//! A ticket service selling the last seats of a show from one database row: the sale
//! model (`sim::race::sale`) with a rush of buyers and a loaded database as its incident.
//!
//! As it stands, the service reads the stock and writes back the value read minus one.
//! Mitigations: the atomic conditional update ("atomic_update"), a row lock held from the
//! read to the write ("row_lock"), and an optimistic version check that re-reads after a
//! conflict ("optimistic", with its number of retries). One design runs: the atomic
//! update if chosen, else the optimistic check, else the lock.
//!
//! Each buyer is one request of the SLO, judged by
//! [`Buyer::fate`](crate::sim::race::sale::Buyer::fate): a ticket that exists or an
//! honest "sold out" is right, and it must come within the SLO's time.

use serde::Deserialize;

use super::records::{Buckets, refused_run};
use super::{Known, System, chosen};
use crate::drill::choices::Resolved;
use crate::drill::run::{Event, EventKind, Metric, Run, Span, Trace};
use crate::sim::engine::{Latency, SimTime};
use crate::sim::headless::Points;
use crate::sim::race::sale::{Buyer, Design, Fault, Sale, SaleConfig, SaleResult, ScheduledFault};
use crate::sim::requests::Fate;

/// A fault of the incident script, at a virtual second.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at_s: f64,
    pub fault: Fault,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Tickets left on sale when the drill starts.
    pub stock: u32,
    /// Buyers per second before the incident.
    pub buyers_per_s: f64,
    /// A database round trip before the incident.
    pub query: Latency,
    /// The service's own work between reading the row and writing the order, in ms.
    pub app_ms: f64,
    /// How long the database lets a buyer wait for the row lock.
    pub lock_wait_timeout_s: f64,
    pub incident: Vec<Step>,
}

const KNOWN: &[Known] = &[
    Known {
        id: "atomic_update",
        params: &[],
    },
    Known {
        id: "row_lock",
        params: &[],
    },
    Known {
        id: "optimistic",
        params: &["max_retries"],
    },
];

/// Log lines per kind of failure and second.
const LOG_PER_SECOND: usize = 3;

impl Spec {
    fn config(&self, applied: &[Resolved], duration_s: f64) -> SaleConfig {
        let optimistic = chosen(applied, "optimistic");
        let design = if chosen(applied, "atomic_update").is_some() {
            Design::AtomicUpdate
        } else if optimistic.is_some() {
            Design::Optimistic
        } else if chosen(applied, "row_lock").is_some() {
            Design::LockedRead
        } else {
            Design::ReadThenWrite
        };
        SaleConfig {
            design,
            stock: self.stock,
            buyers_per_s: self.buyers_per_s,
            query: self.query.clone(),
            app_ms: self.app_ms,
            lock_wait_timeout_ms: self.lock_wait_timeout_s * 1000.0,
            max_retries: optimistic.map_or(0, |o| o.get("max_retries").round() as u32),
            buyers_until_ms: duration_s * 1000.0,
            faults: self
                .incident
                .iter()
                .map(|s| ScheduledFault {
                    at_ms: s.at_s * 1000.0,
                    fault: s.fault.clone(),
                })
                .collect(),
        }
    }
}

/// Where a change of the incident is, and what it does.
fn fault_event(fault: &Fault) -> (&'static str, String) {
    match fault {
        Fault::Buyers(rate) => ("traffic", format!("{rate} buyers a second")),
        Fault::QueryTime(l) => (
            "database",
            format!("a query now takes about {:.0} ms there and back", l.mean()),
        ),
    }
}

/// What the stepping run sampled each second.
#[derive(Default)]
struct Samples {
    sold: Points,
    stock: Points,
    waiting: Points,
}

impl System for Spec {
    fn simulation(&self) -> &'static str {
        "race"
    }

    fn known(&self) -> &'static [Known] {
        KNOWN
    }

    fn check(&self, duration_s: f64) -> Vec<String> {
        let mut problems = Vec::new();
        for s in &self.incident {
            if !(0.0..duration_s).contains(&s.at_s) {
                problems.push(format!(
                    "the fault at {} s is outside the drill's {duration_s} s",
                    s.at_s
                ));
            }
        }
        if let Err(e) = Sale::new(self.config(&[], duration_s), 1) {
            problems.push(format!("the sale model refuses this system: {e}"));
        }
        problems
    }

    fn run(&self, applied: &[Resolved], seed: u64, duration_s: f64) -> Run {
        let mut sale = match Sale::new(self.config(applied, duration_s), seed) {
            Ok(sale) => sale,
            Err(e) => return refused_run("ticket-service", &e.to_string()),
        };
        let mut samples = Samples::default();
        for s in 1..=duration_s.ceil() as u32 {
            let t = f64::from(s);
            sale.step_until(SimTime::from_secs(t));
            let row = sale.row();
            samples.sold.push((t, Some(f64::from(row.orders))));
            samples.stock.push((t, Some(row.stock as f64)));
            samples.waiting.push((t, Some(sale.lock_waiters() as f64)));
        }
        sale.run_to_end();

        let stock = self.stock;
        let mut run = Run {
            requests: sale.buyers().iter().map(|b| b.as_request(stock)).collect(),
            ..Run::default()
        };
        let (mut arriving, mut answer_ms, mut query_ms) = (
            Buckets::new(duration_s),
            Buckets::new(duration_s),
            Buckets::new(duration_s),
        );
        for b in sale.buyers() {
            arriving.add(b.arrived.as_secs(), 0.0);
            if let Some(a) = b.answered {
                answer_ms.add(a.as_secs(), a.as_ms() - b.arrived.as_ms());
            }
            for c in &b.calls {
                query_ms.add(c.answered.as_secs(), c.answered.as_ms() - c.sent.as_ms());
            }
        }
        run.metrics = vec![
            Metric {
                name: "tickets sold".into(),
                unit: "tickets".into(),
                points: samples.sold,
                threshold: Some((f64::from(stock), "tickets on sale".into())),
            },
            Metric {
                name: "stock in the database row".into(),
                unit: "tickets".into(),
                points: samples.stock,
                threshold: None,
            },
            Metric {
                name: "buyers arriving".into(),
                unit: "buyers/s".into(),
                points: arriving.counts(),
                threshold: None,
            },
            Metric {
                name: "answer time p99".into(),
                unit: "ms".into(),
                points: answer_ms.p99(),
                threshold: Some((1000.0, "SLO limit".into())),
            },
            Metric {
                name: "database call time p99".into(),
                unit: "ms".into(),
                points: query_ms.p99(),
                threshold: None,
            },
            Metric {
                name: "waiting for the row lock".into(),
                unit: "buyers".into(),
                points: samples.waiting,
                threshold: None,
            },
        ];
        for s in &self.incident {
            let (source, text) = fault_event(&s.fault);
            run.events.push(Event {
                t_s: s.at_s,
                kind: EventKind::Fault,
                source: source.into(),
                text,
            });
        }
        run.events.extend(milestones(sale.buyers(), stock));
        run.log_failures("ticket-service", LOG_PER_SECOND);
        run.traces = traces(sale.buyers(), stock);
        run.sort_events();
        run
    }
}

/// The sale of the last real ticket and of the first one that was not there, when
/// they were written to the row.
fn milestones(buyers: &[Buyer], stock: u32) -> Vec<Event> {
    let written = |ticket: u32| {
        buyers
            .iter()
            .find(|b| b.result == Some(SaleResult::Bought { ticket }))
            .and_then(|b| b.calls.last())
            .map(|c| c.at_row.as_secs())
    };
    let mut events = Vec::new();
    for (ticket, text) in [
        (stock, format!("ticket #{stock} sold: the last one on sale")),
        (
            stock + 1,
            format!("ticket #{} sold: more orders than seats", stock + 1),
        ),
    ] {
        if let Some(t_s) = written(ticket) {
            events.push(Event {
                t_s,
                kind: EventKind::State,
                source: "database".into(),
                text,
            });
        }
    }
    events
}

/// Two buyers who read the same stock and both sold, one of them a ticket that was not
/// there (when the design lets that happen); and the buyer who waited longest.
fn traces(buyers: &[Buyer], stock: u32) -> Vec<Trace> {
    let mut traces = Vec::new();
    let ticket = |b: &Buyer| match b.result {
        Some(SaleResult::Bought { ticket }) => Some(ticket),
        _ => None,
    };
    let oversold = buyers
        .iter()
        .filter(|b| ticket(b).is_some_and(|t| t > stock))
        .min_by_key(|b| ticket(b));
    if let Some(w) = oversold
        && let Some(x) = buyers
            .iter()
            .find(|x| x.id != w.id && x.saw == w.saw && ticket(x).is_some())
    {
        traces.push(trace("Two buyers who read the same stock", &[x, w], stock));
    }
    if let Some(slow) = buyers
        .iter()
        .max_by_key(|b| b.answered.map_or(0, |a| a.0 - b.arrived.0))
    {
        traces.push(trace("The longest wait for an answer", &[slow], stock));
    }
    traces
}

fn trace(title: &str, buyers: &[&Buyer], stock: u32) -> Trace {
    let start = buyers
        .iter()
        .map(|b| b.arrived.as_ms())
        .fold(f64::INFINITY, f64::min);
    let mut spans = Vec::new();
    for b in buyers {
        let fate = b.fate(stock);
        let answered = b.answered.map_or(b.arrived, |a| a).as_ms();
        spans.push(Span {
            service: format!("ticket-service (buyer {})", b.id + 1),
            start_ms: b.arrived.as_ms() - start,
            end_ms: answered - start,
            failed: fate != Fate::Ok,
            note: match fate {
                Fate::Ok => match b.result {
                    Some(SaleResult::Bought { ticket }) => format!("sold ticket #{ticket}"),
                    _ => "sold out".to_owned(),
                },
                Fate::Refused(l) | Fate::Failed(l) | Fate::Wrong(l) => l.to_owned(),
                Fate::Fallback => "fallback".to_owned(),
            },
        });
        for c in &b.calls {
            spans.push(Span {
                service: "database".into(),
                start_ms: c.sent.as_ms() - start,
                end_ms: c.answered.as_ms() - start,
                failed: false,
                note: c.what.clone(),
            });
        }
    }
    Trace {
        title: title.into(),
        at_s: start / 1000.0,
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_drill_cases, one};

    #[test]
    fn last_ticket_holds_only_with_the_atomic_conditional_update() {
        assert_drill_cases(
            "last-ticket",
            &[
                (one("row_lock", &[]), "lock wait timed out"),
                (
                    one("optimistic", &[("max_retries", 2.0)]),
                    "gave up after version conflicts",
                ),
            ],
        );
    }
}
