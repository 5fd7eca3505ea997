//! A payment endpoint behind a lossy network: the idempotency model
//! (`sim::idempotency`) with the incident as its fault script.
//!
//! As it stands, the clients retry a payment they heard nothing about and the server
//! charges every request it gets. Mitigations: idempotency keys kept in an atomic
//! insert-if-absent store ("atomic_keys", with the time a key is kept), keys kept by a
//! naive check-then-store ("naive_keys", which stores the key only after the charge), fewer
//! client tries ("retries") and a longer client timeout ("timeout"). Both key stores
//! chosen at once: the atomic one is used.
//!
//! Each order is one request of the SLO, judged when the run is over by
//! [`Order::fate`](crate::sim::idempotency::Order::fate): right only when charged
//! exactly once and the buyer was told so.

use serde::Deserialize;

use super::records::{Buckets, refused_run};
use super::{Known, System, chosen};
use crate::drill::choices::Resolved;
use crate::drill::run::{Event, EventKind, Metric, Run, Span, Trace};
use crate::sim::engine::{Latency, SimTime};
use crate::sim::idempotency::{Charge, Design, Fault, IdemConfig, IdemSim, Order, ScheduledFault};
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
    /// New payments per second (Poisson arrivals).
    pub orders_per_s: f64,
    /// The client as it is: how long it waits for an answer, how many tries it makes
    /// (the first included), and its first pause before a retry (doubling after).
    pub timeout_s: f64,
    pub max_attempts: u32,
    pub retry_delay_s: f64,
    /// One-way network delay.
    pub network: Latency,
    /// How long a charge takes while the card network is healthy.
    pub charge: Latency,
    /// What the network loses while healthy.
    #[serde(default)]
    pub drop_request: f64,
    #[serde(default)]
    pub drop_response: f64,
    pub incident: Vec<Step>,
}

const KNOWN: &[Known] = &[
    Known {
        id: "atomic_keys",
        params: &["ttl_s"],
    },
    Known {
        id: "naive_keys",
        params: &[],
    },
    Known {
        id: "retries",
        params: &["max_attempts"],
    },
    Known {
        id: "timeout",
        params: &["timeout_s"],
    },
];

/// Most orders a drill may place: the model's own limit.
const MAX_ORDERS: f64 = 100_000.0;
/// How long the naive store keeps a key: a day, far longer than any retry.
const NAIVE_TTL_MS: f64 = 86_400_000.0;
/// Log lines per kind of failure and second.
const LOG_PER_SECOND: usize = 3;

impl Spec {
    fn config(&self, applied: &[Resolved], duration_s: f64) -> IdemConfig {
        let atomic = chosen(applied, "atomic_keys");
        let naive = chosen(applied, "naive_keys");
        let design = match (atomic, naive) {
            (Some(_), _) => Design::AtomicStore,
            (None, Some(_)) => Design::NaiveStore,
            (None, None) => Design::NoDedup,
        };
        let key_ttl_ms = atomic.map_or(NAIVE_TTL_MS, |a| a.get("ttl_s") * 1000.0);
        IdemConfig {
            design,
            use_keys: design != Design::NoDedup,
            orders: MAX_ORDERS as u32,
            arrival_mean_ms: 1000.0 / self.orders_per_s,
            drop_request: self.drop_request,
            drop_response: self.drop_response,
            network: self.network.clone(),
            processing: self.charge.clone(),
            timeout_ms: chosen(applied, "timeout").map_or(self.timeout_s, |t| t.get("timeout_s"))
                * 1000.0,
            max_attempts: chosen(applied, "retries")
                .map_or(self.max_attempts, |r| r.get("max_attempts").round() as u32),
            retry_delay_ms: self.retry_delay_s * 1000.0,
            key_ttl_ms,
            key_reuse: 0.0,
            orders_until_ms: Some(duration_s * 1000.0),
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

/// Where a fault is, and what it does.
fn fault_event(fault: &Fault) -> (&'static str, String) {
    match fault {
        Fault::Lossy {
            drop_request,
            drop_response,
        } => (
            "network",
            format!(
                "{:.0} % of payment requests and {:.0} % of responses lost",
                drop_request * 100.0,
                drop_response * 100.0
            ),
        ),
        Fault::SlowCharge(l) => (
            "card network",
            format!("a charge now takes about {:.0} ms", l.mean()),
        ),
        Fault::Recover => ("network", "network and card network healthy again".into()),
    }
}

impl System for Spec {
    fn simulation(&self) -> &'static str {
        "idempotency"
    }

    fn known(&self) -> &'static [Known] {
        KNOWN
    }

    fn check(&self, duration_s: f64) -> Vec<String> {
        let mut problems = Vec::new();
        if !(self.orders_per_s > 0.0 && self.orders_per_s * duration_s <= MAX_ORDERS) {
            problems.push(format!(
                "orders_per_s must be positive, and at most {MAX_ORDERS} orders over the drill"
            ));
        }
        for s in &self.incident {
            if !(0.0..duration_s).contains(&s.at_s) {
                problems.push(format!(
                    "the fault at {} s is outside the drill's {duration_s} s",
                    s.at_s
                ));
            }
        }
        if let Err(e) = IdemSim::new(self.config(&[], duration_s), 1) {
            problems.push(format!("the payment model refuses this system: {e}"));
        }
        problems
    }

    fn run(&self, applied: &[Resolved], seed: u64, duration_s: f64) -> Run {
        let config = self.config(applied, duration_s);
        let timeout_ms = config.timeout_ms;
        let mut sim = match IdemSim::new(config, seed) {
            Ok(sim) => sim,
            Err(e) => return refused_run("payments", &e.to_string()),
        };
        // Step second by second for the counters only the running model knows.
        let mut retries = Buckets::new(duration_s);
        let mut lost = Buckets::new(duration_s);
        let mut last = *sim.counters();
        for s in 1..=duration_s.ceil() as u32 {
            sim.step_until(SimTime::from_secs(f64::from(s)));
            let now = *sim.counters();
            let t = f64::from(s) - 0.5;
            for _ in last.retries..now.retries {
                retries.add(t, 0.0);
            }
            for _ in last.responses_dropped..now.responses_dropped {
                lost.add(t, 0.0);
            }
            last = now;
        }
        sim.run_to_end();

        let mut run = Run {
            requests: sim.orders().iter().map(Order::as_request).collect(),
            ..Run::default()
        };
        let mut placed = Buckets::new(duration_s);
        for o in sim.orders() {
            placed.add(o.placed.as_secs(), 0.0);
        }
        let (mut charges, mut duplicates, mut charge_ms) = (
            Buckets::new(duration_s),
            Buckets::new(duration_s),
            Buckets::new(duration_s),
        );
        let mut seen = vec![false; sim.orders().len()];
        for c in sim.ledger() {
            let t = c.done.as_secs();
            charges.add(t, 0.0);
            charge_ms.add(t, c.done.as_ms() - c.started.as_ms());
            if std::mem::replace(&mut seen[c.order as usize], true) {
                duplicates.add(t, 0.0);
            }
        }
        run.metrics = vec![
            Metric {
                name: "charge time p99".into(),
                unit: "ms".into(),
                points: charge_ms.p99(),
                threshold: Some((timeout_ms, "client timeout".into())),
            },
            Metric {
                name: "orders placed".into(),
                unit: "orders/s".into(),
                points: placed.counts(),
                threshold: None,
            },
            Metric {
                name: "charges made".into(),
                unit: "charges/s".into(),
                points: charges.counts(),
                threshold: None,
            },
            Metric {
                name: "client retries".into(),
                unit: "requests/s".into(),
                points: retries.counts(),
                threshold: None,
            },
            Metric {
                name: "responses lost".into(),
                unit: "responses/s".into(),
                points: lost.counts(),
                threshold: None,
            },
            Metric {
                name: "second charges for one order (reconciliation)".into(),
                unit: "charges/s".into(),
                points: duplicates.counts(),
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
        run.log_failures("payments", LOG_PER_SECOND);
        run.traces = traces(sim.orders(), sim.ledger(), timeout_ms);
        run.sort_events();
        run
    }
}

/// Up to three payments, each as the client's wait with the charges the server made for
/// it: the first charged more than once, the first retried although its first charge was done well
/// within the timeout (its answer was lost: the retry a longer timeout does not prevent),
/// and the longest wait.
fn traces(orders: &[Order], ledger: &[Charge], timeout_ms: f64) -> Vec<Trace> {
    let first_charge_ms = |o: &Order| {
        ledger
            .iter()
            .find(|c| c.order == o.id)
            .map(|c| c.done.as_ms() - o.placed.as_ms())
    };
    let picks = [
        (
            "The first payment charged more than once",
            orders.iter().find(|o| o.charges > 1),
        ),
        (
            "A payment whose answer was lost",
            orders.iter().find(|o| {
                o.attempts > 1 && first_charge_ms(o).is_some_and(|ms| ms < 0.8 * timeout_ms)
            }),
        ),
        (
            "The longest wait for a payment",
            orders
                .iter()
                .max_by_key(|o| o.finished.map_or(0, |f| f.0 - o.placed.0)),
        ),
    ];
    let mut shown: Vec<u32> = Vec::new();
    let mut traces = Vec::new();
    for (title, order) in picks {
        if let Some(o) = order.filter(|o| !shown.contains(&o.id)) {
            shown.push(o.id);
            traces.push(trace(title, o, ledger, timeout_ms));
        }
    }
    traces
}

fn trace(title: &str, order: &Order, ledger: &[Charge], timeout_ms: f64) -> Trace {
    let start = order.placed.as_ms();
    let end = order.finished.map_or(start, SimTime::as_ms);
    let fate = order.fate();
    let mut spans = vec![Span {
        service: "client".into(),
        start_ms: 0.0,
        end_ms: end - start,
        failed: fate != Fate::Ok,
        note: format!(
            "{} tr{} ({timeout_ms:.0} ms timeout each), {} charge{}: {}",
            order.attempts,
            if order.attempts == 1 { "y" } else { "ies" },
            order.charges,
            if order.charges == 1 { "" } else { "s" },
            match fate {
                Fate::Ok => "paid",
                Fate::Refused(l) | Fate::Failed(l) | Fate::Wrong(l) => l,
                Fate::Fallback => "fallback",
            }
        ),
    }];
    for (n, c) in ledger.iter().filter(|c| c.order == order.id).enumerate() {
        spans.push(Span {
            service: "payments".into(),
            start_ms: c.started.as_ms() - start,
            end_ms: c.done.as_ms() - start,
            failed: n > 0,
            note: if n == 0 {
                format!("try {}: charged", c.attempt)
            } else {
                format!("try {}: charged AGAIN", c.attempt)
            },
        });
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
    fn double_charge_holds_only_with_the_atomic_key_store() {
        assert_drill_cases(
            "double-charge",
            &[
                (one("naive_keys", &[]), "charged more than once"),
                (
                    one("retries", &[("max_attempts", 1.0)]),
                    "charged, but the buyer was told it failed",
                ),
                (
                    one("timeout", &[("timeout_s", 5.0)]),
                    "charged more than once",
                ),
                (
                    one("atomic_keys", &[("ttl_s", 1.0)]),
                    "charged more than once",
                ),
            ],
        );
    }
}
