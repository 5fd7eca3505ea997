//! The simulations by id: title, the one line the list shows, the one sentence of
//! what to notice, and the named presets. The screens, the CLI (`workbook sim`) and the
//! guided steps all read presets from here, so a preset means the same run everywhere;
//! each model's module turns a preset name into its config (`preset_config`).

/// A ready-made situation of one simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetInfo {
    /// The id the CLI and the guided steps use (`--preset outage`).
    pub name: &'static str,
    /// What the picker shows.
    pub label: &'static str,
    /// Two sentences on what happens in it, shown above the visuals.
    pub explain: &'static str,
}

/// One simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimInfo {
    pub id: &'static str,
    pub title: &'static str,
    /// The line under the title in the simulation list.
    pub summary: &'static str,
    /// The one sentence in the page header: what to look at.
    pub notice: &'static str,
    /// The first preset is the one a page opens with.
    pub presets: &'static [PresetInfo],
}

impl SimInfo {
    pub fn preset(&self, name: &str) -> Option<&'static PresetInfo> {
        self.presets.iter().find(|p| p.name == name)
    }

    pub fn preset_names(&self) -> String {
        self.presets
            .iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every simulation, in teaching order (the order of `content::SIMULATION_IDS`).
pub const SIMULATIONS: [SimInfo; 10] = [
    SimInfo {
        id: "breaker",
        title: "Circuit breaker",
        summary: "The same outage with and without a breaker",
        notice: "Press Play: when the gateway hangs at 10 s, watch the failure rate cross its threshold, the breaker open, and the caller's threads stay free on the left but not on the right.",
        presets: &[
            PresetInfo {
                name: "gateway-hangs",
                label: "The payment gateway hangs",
                explain: "At 10 s the payment gateway starts hanging: calls run into the 2\u{a0}s timeout and hold caller threads. It recovers at 40 s.",
            },
            PresetInfo {
                name: "fails-fast",
                label: "A dependency failing fast",
                explain: "At 10 s every call fails fast (connection refused); recovery at 40 s. Threads stay free, but every answer is an error.",
            },
            PresetInfo {
                name: "resilience4j-defaults",
                label: "resilience4j's defaults",
                explain: "The same hanging gateway with the library's defaults: 100 calls before any rate, a 60\u{a0}s wait in OPEN.",
            },
        ],
    },
    SimInfo {
        id: "bulkhead",
        title: "Bulkheads",
        summary: "One shared pool against partitioned pools",
        notice: "Watch the report query's colour fill the shared pool after 10 s while the partitioned pools keep serving the critical API.",
        presets: &[
            PresetInfo {
                name: "slow-reports",
                label: "The slow report query",
                explain: "At 10 s the report query turns slow (30\u{a0}s instead of 0.8\u{a0}s) until 50 s. In one shared pool the reports pile up and take every thread; partitioned, they can only fill their own five.",
            },
            PresetInfo {
                name: "quiet-day",
                label: "A quiet day",
                explain: "Nothing goes wrong: both layouts serve everyone. Inject \"Reports get slow\" to see the difference.",
            },
        ],
    },
    SimInfo {
        id: "race",
        title: "The last ticket",
        summary: "Two buyers, one ticket: every interleaving checked",
        notice: "Move the buyers one step at a time and find the order of reads and writes that sells the last ticket twice.",
        presets: &[
            PresetInfo {
                name: "last-ticket",
                label: "Two buyers, one ticket",
                explain: "The incident: two buyers read the same stock of 1 and both write.",
            },
            PresetInfo {
                name: "three-buyers",
                label: "Three buyers, two tickets",
                explain: "More buyers than tickets: more interleavings, and more of them go wrong.",
            },
        ],
    },
    SimInfo {
        id: "idempotency",
        title: "Idempotency keys",
        summary: "Payments over a lossy network, and duplicate charges",
        notice: "Watch the duplicate-charge counter: it climbs without deduplication, more slowly with a naive key store, and stays at 0 with an atomic one.",
        presets: &[
            PresetInfo {
                name: "naive-store",
                label: "A naive key store",
                explain: "The server looks the key up, charges, and only then stores the key. A retry arriving during a slow charge passes the same check; a reused key replays another order's answer.",
            },
            PresetInfo {
                name: "no-dedup",
                label: "No deduplication",
                explain: "The server charges every request that reaches it: each retry after a lost response is another charge.",
            },
            PresetInfo {
                name: "atomic-store",
                label: "An atomic key store",
                explain: "The server claims the key in one step (in progress), answers duplicates 409 until done, then replays the stored answer; a different body under the same key is refused (422).",
            },
        ],
    },
    SimInfo {
        id: "checkout-outage",
        title: "Checkout during an outage",
        summary: "Pending orders, a breaker and a retry worker",
        notice: "During the 120-minute gateway outage, compare what customers saw: lost sales when the checkout waits for the gateway, pending orders that are paid later when it does not.",
        presets: &[
            PresetInfo {
                name: "incident",
                label: "The incident (synchronous)",
                explain: "The checkout waits for the gateway, and when the charge fails the customer is shown an error and the sale is lost.",
            },
            PresetInfo {
                name: "async-fix",
                label: "The fix (asynchronous)",
                explain: "Save the order as pending, try the charge once through the breaker, and queue it for a worker that retries with backoff when it fails. The customer gets an answer at once either way.",
            },
            PresetInfo {
                name: "patient-worker",
                label: "The fix, with a patient worker",
                explain: "The same fix with ten worker tries capped at 60 minutes: the retry budget now outlasts the outage.",
            },
        ],
    },
    SimInfo {
        id: "backoff",
        title: "Retries with backoff and jitter",
        summary: "Brooker's contention experiment, client by client",
        notice: "Without jitter the clients retry in waves and collide again; with full jitter their retries spread out and everyone finishes with less work.",
        presets: &[
            PresetInfo {
                name: "full-jitter",
                label: "Full jitter, 50 clients",
                explain: "Each client sleeps a random time between 0 and the exponential delay: the recommended schedule.",
            },
            PresetInfo {
                name: "exponential",
                label: "Exponential, no jitter, 50 clients",
                explain: "Every client sleeps the same doubling delay, so rejected clients come back together and collide again.",
            },
            PresetInfo {
                name: "no-backoff",
                label: "No backoff, 50 clients",
                explain: "Rejected clients retry at once: the row is hammered until the last one gets through.",
            },
        ],
    },
    SimInfo {
        id: "retry-storm",
        title: "Retry storms",
        summary: "Retries turn a 10-second outage into a lasting one",
        notice: "After the outage ends at 20 s, plain retries keep the queue full and almost nothing succeeds, while the side with a retry budget recovers within seconds.",
        presets: &[
            PresetInfo {
                name: "ten-second-outage",
                label: "A 10-second outage",
                explain: "A server with 10 workers (about 100 requests/s) serves 80 requests/s and stops answering from 10 s to 20 s; clients time out after 1\u{a0}s and retry up to 3 times. Left: plain retries. Right: every retry needs a token from a budget refilling at 10\u{a0}% of demand.",
            },
            PresetInfo {
                name: "short-blip",
                label: "A 2-second blip",
                explain: "The same server stops answering for only 2 s. Even that tips plain retries into a storm that outlives it; with the budget the queue drains at once.",
            },
        ],
    },
    SimInfo {
        id: "cascade",
        title: "Cascading timeouts",
        summary: "One slow query through browser, balancer, app and database",
        notice: "Follow the app's pool and the pages that fail once the analytics query turns slow at 10 s, then change the timeouts and replay the same seed.",
        presets: &[
            PresetInfo {
                name: "no-timeouts",
                label: "No timeouts",
                explain: "Only the user has a limit. Slow analytics queries hold every app thread and db connection: total outage.",
            },
            PresetInfo {
                name: "inverted-budgets",
                label: "Inverted budgets",
                explain: "The db may run 10 s, the app waits 5 s: the db keeps working for callers that left.",
            },
            PresetInfo {
                name: "correct-budgets",
                label: "Correct budgets",
                explain: "Outer timeouts longer than inner ones, part timeouts with fallbacks, analytics in its own pool: the page degrades. But in the reload surge pages wait in the app queue past the balancer's 3 s, and the app still builds them for nobody.",
            },
            PresetInfo {
                name: "deadline-propagation",
                label: "Deadline propagation",
                explain: "Correct budgets, and each call carries the time left: pages whose caller left are dropped, no layer works past the deadline, and the surge fails about half as many pages.",
            },
        ],
    },
    SimInfo {
        id: "retries",
        title: "Retry strategies",
        summary: "Brooker's sweep: what a budget buys against plain retries",
        notice: "Press Play to raise the failure rate step by step: three retries nearly quadruple the load, the token bucket keeps it under about 115\u{a0}%, and the breaker stops retrying above 10\u{a0}% failures.",
        presets: &[
            PresetInfo {
                name: "post",
                label: "The post's four strategies",
                explain: "100 clients send 10 calls/s each for 10\u{a0}s, and the service fails each call with probability p. No retries, three immediate retries, a retry token bucket and a retry breaker, each per client.",
            },
            PresetInfo {
                name: "real-budgets",
                label: "Real budgets beside them",
                explain: "The same sweep with the budgets of the AWS SDKs, gRPC and Finagle (dashed), each set up as its library ships it.",
            },
        ],
    },
    SimInfo {
        id: "collapse",
        title: "Congestive collapse",
        summary: "A spike tips a server into a failure its retries sustain",
        notice: "After the spike ends at 25\u{a0}s the demand is back at 40/s, yet without backoff goodput falls to zero and stays there: the retries alone keep the server overloaded.",
        presets: &[
            PresetInfo {
                name: "spike",
                label: "A 5-second spike",
                explain: "40 requests/s, 80/s from 20 to 25\u{a0}s. A request takes 1\u{a0}s plus 10\u{a0}ms per request in flight; clients time out after 3\u{a0}s and try 3 times. Red retries at once, green waits a jittered backoff (up to 20\u{a0}s, then 40\u{a0}s); same seed.",
            },
            PresetInfo {
                name: "ramp",
                label: "A slow ramp to 80/s",
                explain: "The load rises from 40/s to 80/s at 25\u{a0}s and falls back, staying above the server's capacity for half a minute: backoff only postpones the retries, and both runs collapse.",
            },
        ],
    },
];

/// The simulation with this id.
pub fn find(id: &str) -> Option<&'static SimInfo> {
    SIMULATIONS.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_lists_every_simulation_id_in_order() {
        let ids: Vec<&str> = SIMULATIONS.iter().map(|s| s.id).collect();
        assert_eq!(ids, crate::content::SIMULATION_IDS);
    }

    #[test]
    fn every_simulation_has_presets_with_unique_names() {
        for sim in &SIMULATIONS {
            assert!(!sim.presets.is_empty(), "{}", sim.id);
            let mut names: Vec<&str> = sim.presets.iter().map(|p| p.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), sim.presets.len(), "{}", sim.id);
        }
    }
}
