//! Idempotency keys: clients paying over a lossy network, and three server designs.
//!
//! Each order's client sends a payment request; the network drops requests and responses
//! with set probabilities; a client that hears nothing before its timeout retries, a
//! bounded number of times. With keys on, the client makes the key *before* the first try
//! and sends the same one on every retry.
//!
//! Server designs:
//! - [`Design::NoDedup`]: every request that arrives is charged.
//! - [`Design::NaiveStore`]: checks the key store when a request arrives, charges, and only
//!   then inserts key -> response. The charge takes time, so a retry that arrives during
//!   it passes the same check: both are charged. It also replays a stored response for a
//!   key whatever the request body, so a reused key silently skips a new payment.
//! - [`Design::AtomicStore`]: insert-if-absent of an "in progress" record on arrival (one
//!   step, so two duplicates cannot both win), 409 to a duplicate while in progress, the
//!   stored response replayed afterwards, records expiring after a TTL, and a request
//!   whose body differs from the one stored under its key refused (422). A request with
//!   no key is refused (400): the endpoint needs one.
//!
//! What counts as wrong: a **duplicate charge** (an order charged more than once) and a
//! **paid without a charge** (the client was told "paid" but no charge for its order
//! exists).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::engine::{
    EventQueue, Latency, Series, SimRng, SimTime, first_non_positive, first_non_probability,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Design {
    NoDedup,
    NaiveStore,
    AtomicStore,
}

impl Design {
    pub const ALL: [Design; 3] = [Self::NoDedup, Self::NaiveStore, Self::AtomicStore];

    pub fn label(self) -> &'static str {
        match self {
            Self::NoDedup => "no deduplication",
            Self::NaiveStore => "naive check-then-insert",
            Self::AtomicStore => "atomic insert-if-absent",
        }
    }
}

/// Settings of one run. Times in virtual milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdemConfig {
    pub design: Design,
    /// Whether clients send an idempotency key.
    pub use_keys: bool,
    pub orders: u32,
    /// Mean gap between new orders (Poisson arrivals).
    pub arrival_mean_ms: f64,
    /// Probability the network loses a request on its way to the server.
    pub drop_request: f64,
    /// Probability the network loses a response on its way back.
    pub drop_response: f64,
    /// One-way network delay.
    pub network: Latency,
    /// How long the server's charge takes (the naive store's race window).
    pub processing: Latency,
    pub timeout_ms: f64,
    /// Tries per order, the first included.
    pub max_attempts: u32,
    /// Pause before the first retry; doubles on each further retry.
    pub retry_delay_ms: f64,
    /// How long the server keeps a finished key record.
    pub key_ttl_ms: f64,
    /// A client bug: the chance that a new order reuses the previous order's key.
    pub key_reuse: f64,
}

impl Default for IdemConfig {
    fn default() -> Self {
        Self {
            design: Design::NaiveStore,
            use_keys: true,
            orders: 200,
            arrival_mean_ms: 150.0,
            drop_request: 0.1,
            drop_response: 0.1,
            network: Latency::LogNormal {
                median: 30.0,
                sigma: 0.4,
            },
            processing: Latency::SlowTail {
                base: Box::new(Latency::LogNormal {
                    median: 120.0,
                    sigma: 0.3,
                }),
                p: 0.1,
                slow_ms: 1_500.0,
            },
            timeout_ms: 1_000.0,
            max_attempts: 4,
            retry_delay_ms: 200.0,
            key_ttl_ms: 10.0 * 60_000.0,
            key_reuse: 0.02,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdemError {
    #[error("{0} must be a probability between 0 and 1, not {1}")]
    Probability(&'static str, f64),
    #[error("{0} must be positive, not {1}")]
    NotPositive(&'static str, f64),
    #[error("orders must be 1 to 100000 and attempts 1 to 10")]
    Limits,
}

impl IdemConfig {
    fn validate(&self) -> Result<(), IdemError> {
        if let Some((name, p)) = first_non_probability(&[
            ("drop_request", self.drop_request),
            ("drop_response", self.drop_response),
            ("key_reuse", self.key_reuse),
        ]) {
            return Err(IdemError::Probability(name, p));
        }
        if let Some((name, v)) = first_non_positive(&[
            ("arrival_mean_ms", self.arrival_mean_ms),
            ("timeout_ms", self.timeout_ms),
            ("retry_delay_ms", self.retry_delay_ms),
            ("key_ttl_ms", self.key_ttl_ms),
        ]) {
            return Err(IdemError::NotPositive(name, v));
        }
        if !(1..=100_000).contains(&self.orders) || !(1..=10).contains(&self.max_attempts) {
            return Err(IdemError::Limits);
        }
        Ok(())
    }
}

/// What the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// 200: charged now; carries the charge's index in the ledger.
    Charged(usize),
    /// 200: the stored response for this key, replayed without charging.
    Replayed(usize),
    /// 409: the same key is being processed; try again later.
    InProgress,
    /// 422: this key was used with a different body.
    Mismatch,
    /// 400: this endpoint needs a key.
    MissingKey,
}

/// How an order ended for its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientOutcome {
    /// Heard a 200 (charged or replayed).
    Paid,
    /// Heard a 4xx that says not to retry.
    Refused,
    /// Ran out of tries without an answer: the client does not know.
    GaveUp,
}

/// One order as the view and the tests see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: u32,
    pub key: Option<u64>,
    /// Charges in the ledger for this order.
    pub charges: u32,
    pub attempts: u32,
    pub outcome: Option<ClientOutcome>,
}

impl Order {
    /// Told "paid" but never charged: a replay of someone else's response.
    pub fn paid_without_charge(&self) -> bool {
        self.outcome == Some(ClientOutcome::Paid) && self.charges == 0
    }
}

/// Everything counted during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub requests: u32,
    pub requests_dropped: u32,
    pub responses_dropped: u32,
    pub timeouts: u32,
    pub retries: u32,
    pub charges: u32,
    /// Charges beyond the first for an order.
    pub duplicate_charges: u32,
    pub replayed: u32,
    pub in_progress: u32,
    pub mismatches: u32,
    pub missing_keys: u32,
    pub paid: u32,
    pub refused: u32,
    pub gave_up: u32,
    /// Gave up (or was refused) although the order was charged.
    pub charged_but_not_told: u32,
    pub paid_without_charge: u32,
}

/// A line of the run's log, for the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: SimTime,
    pub order: u32,
    pub text: String,
    /// A wrong outcome happened here (a duplicate charge or a wrong replay).
    pub wrong: bool,
}

/// Most log lines kept (older ones are dropped; the counters keep the totals).
const LOG_CAPACITY: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Request {
    order: u32,
    attempt: u32,
    key: Option<u64>,
    /// The body's identity: which order it pays for.
    body: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    NewOrder(u32),
    Send(u32),
    ServerReceives(Request),
    ChargeDone(Request),
    ClientHears(Request, Reply),
    Timeout(u32, u32),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Record {
    InProgress {
        body: u32,
    },
    Done {
        body: u32,
        reply: Reply,
        expires: SimTime,
    },
}

/// One run of the payment model.
#[derive(Debug, Clone)]
pub struct IdemSim {
    config: IdemConfig,
    rng: SimRng,
    queue: EventQueue<Event>,
    orders: Vec<Order>,
    /// Per order: the attempt the client is waiting on.
    waiting: Vec<Option<u32>>,
    /// Ledger: the order each charge paid for, in charge order.
    ledger: Vec<u32>,
    store: HashMap<u64, Record>,
    counters: Counters,
    log: Vec<LogEntry>,
    duplicates_over_time: Series,
    charges_over_time: Series,
}

impl Default for IdemSim {
    /// The default run (the default config is valid), seed 1.
    fn default() -> Self {
        Self::build(IdemConfig::default(), 1)
    }
}

impl IdemSim {
    pub fn new(config: IdemConfig, seed: u64) -> Result<Self, IdemError> {
        config.validate()?;
        Ok(Self::build(config, seed))
    }

    fn build(config: IdemConfig, seed: u64) -> Self {
        let mut sim = Self {
            rng: SimRng::new(seed),
            queue: EventQueue::new(),
            orders: Vec::new(),
            waiting: Vec::new(),
            ledger: Vec::new(),
            store: HashMap::new(),
            counters: Counters::default(),
            log: Vec::new(),
            duplicates_over_time: Series::new(2_000),
            charges_over_time: Series::new(2_000),
            config,
        };
        sim.queue.schedule(SimTime::ZERO, Event::NewOrder(0));
        sim
    }

    pub fn config(&self) -> &IdemConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn is_finished(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// The ledger: for each charge, the order it paid for.
    pub fn ledger(&self) -> &[u32] {
        &self.ledger
    }

    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Cumulative duplicate charges over virtual seconds.
    pub fn duplicates_over_time(&self) -> &Series {
        &self.duplicates_over_time
    }

    /// Cumulative charges over virtual seconds.
    pub fn charges_over_time(&self) -> &Series {
        &self.charges_over_time
    }

    /// Key records the server holds now (expired ones are purged as they are met).
    pub fn stored_keys(&self) -> usize {
        self.store.len()
    }

    /// Processes every event due by `until`.
    pub fn step_until(&mut self, until: SimTime) {
        while let Some((_, event)) = self.queue.pop_until(until) {
            self.handle(event);
        }
    }

    /// Runs until nothing is left to happen.
    pub fn run_to_end(&mut self) {
        while let Some((_, event)) = self.queue.pop() {
            self.handle(event);
        }
    }

    fn note(&mut self, order: u32, text: String, wrong: bool) {
        if self.log.len() == LOG_CAPACITY {
            self.log.remove(0);
        }
        self.log.push(LogEntry {
            at: self.now(),
            order,
            text,
            wrong,
        });
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::NewOrder(id) => self.new_order(id),
            Event::Send(order) => self.send(order),
            Event::ServerReceives(req) => self.server_receives(req),
            Event::ChargeDone(req) => self.charge_done(req),
            Event::ClientHears(req, reply) => self.client_hears(req, reply),
            Event::Timeout(order, attempt) => {
                if self.waiting[order as usize] == Some(attempt) {
                    self.counters.timeouts += 1;
                    self.note(order, format!("try {attempt} timed out"), false);
                    self.retry_or_give_up(order);
                }
            }
        }
    }

    fn new_order(&mut self, id: u32) {
        // The key is made once, before the first try. A buggy client sometimes reuses the
        // previous order's key for a new payment.
        let key = if !self.config.use_keys {
            None
        } else if id > 0 && self.rng.chance(self.config.key_reuse) {
            self.orders[id as usize - 1].key
        } else {
            Some(self.rng.unit().to_bits() ^ u64::from(id))
        };
        self.orders.push(Order {
            id,
            key,
            charges: 0,
            attempts: 0,
            outcome: None,
        });
        self.waiting.push(None);
        self.send(id);
        if id + 1 < self.config.orders {
            let gap = self.rng.exponential(self.config.arrival_mean_ms);
            self.queue.schedule_in(gap, Event::NewOrder(id + 1));
        }
    }

    fn send(&mut self, order: u32) {
        let o = &mut self.orders[order as usize];
        o.attempts += 1;
        let req = Request {
            order,
            attempt: o.attempts,
            key: o.key,
            body: order,
        };
        self.waiting[order as usize] = Some(req.attempt);
        self.counters.requests += 1;
        self.queue
            .schedule_in(self.config.timeout_ms, Event::Timeout(order, req.attempt));
        if self.rng.chance(self.config.drop_request) {
            self.counters.requests_dropped += 1;
            self.note(order, format!("try {}: request lost", req.attempt), false);
        } else {
            let delay = self.config.network.sample(&mut self.rng);
            self.queue.schedule_in(delay, Event::ServerReceives(req));
        }
    }

    fn retry_or_give_up(&mut self, order: u32) {
        let attempts = self.orders[order as usize].attempts;
        if attempts < self.config.max_attempts {
            self.counters.retries += 1;
            self.waiting[order as usize] = None;
            let delay = self.config.retry_delay_ms * f64::from(1u32 << (attempts - 1).min(16));
            self.queue.schedule_in(delay, Event::Send(order));
        } else {
            self.finish(order, ClientOutcome::GaveUp);
            self.note(order, "gave up: outcome unknown".into(), false);
        }
    }

    fn finish(&mut self, order: u32, outcome: ClientOutcome) {
        self.waiting[order as usize] = None;
        let o = &mut self.orders[order as usize];
        o.outcome = Some(outcome);
        let charged = o.charges > 0;
        let wrong_replay = o.paid_without_charge();
        match outcome {
            ClientOutcome::Paid => self.counters.paid += 1,
            ClientOutcome::Refused => self.counters.refused += 1,
            ClientOutcome::GaveUp => self.counters.gave_up += 1,
        }
        if outcome != ClientOutcome::Paid && charged {
            self.counters.charged_but_not_told += 1;
        }
        if wrong_replay {
            self.counters.paid_without_charge += 1;
        }
    }

    fn start_charge(&mut self, req: Request) {
        let took = self.config.processing.sample(&mut self.rng);
        self.queue.schedule_in(took, Event::ChargeDone(req));
    }

    fn reply(&mut self, req: Request, reply: Reply) {
        if self.rng.chance(self.config.drop_response) {
            self.counters.responses_dropped += 1;
            self.note(
                req.order,
                format!("try {}: response lost", req.attempt),
                false,
            );
        } else {
            let delay = self.config.network.sample(&mut self.rng);
            self.queue
                .schedule_in(delay, Event::ClientHears(req, reply));
        }
    }

    /// A stored record for `key`, with expired ones purged.
    fn live_record(&mut self, key: u64) -> Option<Record> {
        let now = self.now();
        match self.store.get(&key).copied() {
            Some(Record::Done { expires, .. }) if expires <= now => {
                self.store.remove(&key);
                None
            }
            other => other,
        }
    }

    fn server_receives(&mut self, req: Request) {
        match (self.config.design, req.key) {
            (Design::NoDedup, _) | (Design::NaiveStore, None) => self.start_charge(req),
            (Design::AtomicStore, None) => {
                self.counters.missing_keys += 1;
                self.reply(req, Reply::MissingKey);
            }
            (Design::NaiveStore, Some(key)) => match self.live_record(key) {
                // Check ... (the insert happens only when the charge is done).
                Some(Record::Done { reply, .. }) => self.replay(req, reply),
                _ => self.start_charge(req),
            },
            (Design::AtomicStore, Some(key)) => match self.live_record(key) {
                None => {
                    // Insert-if-absent in one step: a duplicate arriving a moment later
                    // finds this record.
                    self.store
                        .insert(key, Record::InProgress { body: req.body });
                    self.start_charge(req);
                }
                Some(Record::InProgress { body } | Record::Done { body, .. })
                    if body != req.body =>
                {
                    self.counters.mismatches += 1;
                    self.note(req.order, "key reused with another body: 422".into(), false);
                    self.reply(req, Reply::Mismatch);
                }
                Some(Record::InProgress { .. }) => {
                    self.counters.in_progress += 1;
                    self.note(
                        req.order,
                        format!("try {}: still in progress: 409", req.attempt),
                        false,
                    );
                    self.reply(req, Reply::InProgress);
                }
                Some(Record::Done { reply, .. }) => self.replay(req, reply),
            },
        }
    }

    fn replay(&mut self, req: Request, stored: Reply) {
        self.counters.replayed += 1;
        let charge = match stored {
            Reply::Charged(i) | Reply::Replayed(i) => Some(i),
            _ => None,
        };
        let wrong = charge.is_some_and(|i| self.ledger[i] != req.order);
        let text = if wrong {
            format!(
                "try {}: replayed another order's response: not charged",
                req.attempt
            )
        } else {
            format!("try {}: stored response replayed", req.attempt)
        };
        self.note(req.order, text, wrong);
        let reply = charge.map_or(stored, Reply::Replayed);
        self.reply(req, reply);
    }

    fn charge_done(&mut self, req: Request) {
        let index = self.ledger.len();
        self.ledger.push(req.order);
        self.counters.charges += 1;
        let o = &mut self.orders[req.order as usize];
        o.charges += 1;
        let duplicate = o.charges > 1;
        if duplicate {
            self.counters.duplicate_charges += 1;
        }
        let t = self.now().as_secs();
        self.charges_over_time
            .push(t, f64::from(self.counters.charges));
        self.duplicates_over_time
            .push(t, f64::from(self.counters.duplicate_charges));
        let text = if duplicate {
            format!(
                "try {}: DUPLICATE charge (#{})",
                req.attempt, self.orders[req.order as usize].charges
            )
        } else {
            format!("try {}: charged", req.attempt)
        };
        self.note(req.order, text, duplicate);
        let reply = Reply::Charged(index);
        if let (Some(key), Design::NaiveStore | Design::AtomicStore) = (req.key, self.config.design)
        {
            // ... then insert: for the naive store this is the end of the race window.
            let expires = self.now().plus_ms(self.config.key_ttl_ms);
            self.store.insert(
                key,
                Record::Done {
                    body: req.body,
                    reply,
                    expires,
                },
            );
        }
        self.reply(req, reply);
    }

    fn client_hears(&mut self, req: Request, reply: Reply) {
        if self.waiting[req.order as usize] != Some(req.attempt) {
            return; // An answer to a try the client already abandoned.
        }
        match reply {
            Reply::Charged(_) | Reply::Replayed(_) => self.finish(req.order, ClientOutcome::Paid),
            Reply::InProgress => self.retry_or_give_up(req.order),
            Reply::Mismatch | Reply::MissingKey => self.finish(req.order, ClientOutcome::Refused),
        }
    }
}

/// Mean duplicate charges per 100 orders for one design at one drop rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    pub design: Design,
    /// Drop probability applied to requests and responses alike.
    pub drop_rate: f64,
    pub duplicates_per_100: f64,
    pub wrong_replays_per_100: f64,
}

/// Runs every design at every drop rate, over `seeds`, from `base` (its design and drop
/// rates are overridden).
pub fn sweep(
    base: &IdemConfig,
    rates: &[f64],
    seeds: &[u64],
) -> Result<Vec<SweepPoint>, IdemError> {
    let mut points = Vec::new();
    for design in Design::ALL {
        for &rate in rates {
            let config = IdemConfig {
                design,
                drop_request: rate,
                drop_response: rate,
                ..base.clone()
            };
            let (mut dup, mut wrong) = (0.0, 0.0);
            for &seed in seeds {
                let mut sim = IdemSim::new(config.clone(), seed)?;
                sim.run_to_end();
                let per_100 = 100.0 / f64::from(config.orders);
                dup += f64::from(sim.counters.duplicate_charges) * per_100;
                wrong += f64::from(sim.counters.paid_without_charge) * per_100;
            }
            let n = seeds.len().max(1) as f64;
            points.push(SweepPoint {
                design,
                drop_rate: rate,
                duplicates_per_100: dup / n,
                wrong_replays_per_100: wrong / n,
            });
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(config: IdemConfig, seed: u64) -> IdemSim {
        let mut sim = IdemSim::new(config, seed).unwrap();
        sim.run_to_end();
        sim
    }

    #[test]
    fn every_order_ends_and_the_ledger_matches_the_counts() {
        let sim = run(IdemConfig::default(), 3);
        assert!(sim.orders().iter().all(|o| o.outcome.is_some()));
        let c = sim.counters();
        assert_eq!(c.paid + c.refused + c.gave_up, 200);
        assert_eq!(sim.ledger().len() as u32, c.charges);
        let extra: u32 = sim
            .orders()
            .iter()
            .map(|o| o.charges.saturating_sub(1))
            .sum();
        assert_eq!(extra, c.duplicate_charges);
    }

    #[test]
    fn a_lossless_fast_network_never_retries() {
        let config = IdemConfig {
            design: Design::NoDedup,
            drop_request: 0.0,
            drop_response: 0.0,
            processing: Latency::Fixed(50.0),
            ..IdemConfig::default()
        };
        let sim = run(config, 1);
        assert_eq!(sim.counters().retries, 0);
        assert_eq!(sim.counters().charges, 200);
    }

    #[test]
    fn the_atomic_store_refuses_requests_without_a_key() {
        let config = IdemConfig {
            design: Design::AtomicStore,
            use_keys: false,
            ..IdemConfig::default()
        };
        let sim = run(config, 1);
        assert_eq!(sim.counters().charges, 0);
        assert!(sim.counters().missing_keys > 0);
    }

    #[test]
    fn expired_records_are_purged_and_then_no_longer_protect() {
        // A TTL shorter than the retry delay: the record is gone when the retry comes.
        let config = IdemConfig {
            design: Design::AtomicStore,
            drop_request: 0.0,
            drop_response: 1.0,
            key_reuse: 0.0,
            processing: Latency::Fixed(10.0),
            key_ttl_ms: 1.0,
            orders: 1,
            ..IdemConfig::default()
        };
        let sim = run(config, 1);
        assert_eq!(
            sim.orders()[0].charges,
            4,
            "one charge per try once expired"
        );
        assert!(sim.stored_keys() <= 1);
    }

    #[test]
    fn bad_settings_are_refused() {
        let config = IdemConfig {
            drop_request: 1.5,
            ..IdemConfig::default()
        };
        assert!(matches!(
            IdemSim::new(config, 1),
            Err(IdemError::Probability("drop_request", _))
        ));
    }
}
