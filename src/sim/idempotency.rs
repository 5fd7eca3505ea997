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
//!
//! An incident is a script of [`Fault`]s at virtual times (the network starts losing
//! responses, the charge turns slow): the incident drills play one, and judge each
//! order by [`Order::fate`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::engine::{
    EventQueue, Latency, Series, SimRng, SimTime, first_non_positive, first_non_probability,
};
use super::requests::{Fate, Request as RequestFate};

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
    /// No new order arrives after this time (`None`: only `orders` bounds the run), so a
    /// drill can play a stretch of time rather than a number of orders.
    pub orders_until_ms: Option<f64>,
    /// The incident script: changes to the network and the charge at virtual times.
    pub faults: Vec<ScheduledFault>,
}

/// A change to the conditions the payments run in, from its time on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fault {
    /// The network loses requests and responses with these probabilities.
    Lossy {
        drop_request: f64,
        drop_response: f64,
    },
    /// The charge (the card network behind the server) takes this long.
    SlowCharge(Latency),
    /// The network and the charge are back to the configured ones.
    Recover,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledFault {
    pub at_ms: f64,
    pub fault: Fault,
}

/// The conditions now: the configured ones, or what the last fault set.
#[derive(Debug, Clone, PartialEq)]
struct Conditions {
    drop_request: f64,
    drop_response: f64,
    processing: Latency,
}

impl Conditions {
    fn configured(config: &IdemConfig) -> Self {
        Self {
            drop_request: config.drop_request,
            drop_response: config.drop_response,
            processing: config.processing.clone(),
        }
    }
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
            orders_until_ms: None,
            faults: Vec::new(),
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
    #[error("a fault's time must be 0 ms or later, not {0}")]
    FaultTime(f64),
}

impl IdemConfig {
    fn validate(&self) -> Result<(), IdemError> {
        let mut probabilities = vec![
            ("drop_request", self.drop_request),
            ("drop_response", self.drop_response),
            ("key_reuse", self.key_reuse),
        ];
        let mut positive = vec![
            ("arrival_mean_ms", self.arrival_mean_ms),
            ("timeout_ms", self.timeout_ms),
            ("retry_delay_ms", self.retry_delay_ms),
            ("key_ttl_ms", self.key_ttl_ms),
        ];
        if let Some(until) = self.orders_until_ms {
            positive.push(("orders_until_ms", until));
        }
        for f in &self.faults {
            if let Fault::Lossy {
                drop_request,
                drop_response,
            } = f.fault
            {
                probabilities.push(("a fault's drop_request", drop_request));
                probabilities.push(("a fault's drop_response", drop_response));
            }
            if !(f.at_ms.is_finite() && f.at_ms >= 0.0) {
                return Err(IdemError::FaultTime(f.at_ms));
            }
        }
        if let Some((name, p)) = first_non_probability(&probabilities) {
            return Err(IdemError::Probability(name, p));
        }
        if let Some((name, v)) = first_non_positive(&positive) {
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
    /// When the buyer placed it.
    pub placed: SimTime,
    /// When its client stopped (paid, refused or gave up).
    pub finished: Option<SimTime>,
}

impl Order {
    /// Told "paid" but never charged: a replay of someone else's response.
    pub fn paid_without_charge(&self) -> bool {
        self.outcome == Some(ClientOutcome::Paid) && self.charges == 0
    }

    /// Whether the payment came out right, for an SLO: right means charged exactly once
    /// and the buyer told it is paid. Judge it once the run is over: a late duplicate can
    /// land after the client has heard "paid".
    pub fn fate(&self) -> Fate {
        match (self.outcome, self.charges) {
            (_, 2..) => Fate::Wrong("charged more than once"),
            (Some(ClientOutcome::Paid), 1) => Fate::Ok,
            (Some(ClientOutcome::Paid), _) => Fate::Wrong("told paid, never charged"),
            (Some(ClientOutcome::Refused), 0) => Fate::Refused("refused by the server"),
            (Some(ClientOutcome::GaveUp), 0) => Fate::Failed("never charged"),
            (Some(_), _) => Fate::Failed("charged, but the buyer was told it failed"),
            (None, _) => Fate::Failed("still waiting at the end"),
        }
    }

    /// The order as one request of an SLO: placed, waited for, and its [`Order::fate`].
    pub fn as_request(&self) -> RequestFate {
        let at_ms = self.placed.as_ms();
        RequestFate {
            at_ms,
            latency_ms: self.finished.map_or(0.0, |f| f.as_ms() - at_ms),
            fate: self.fate(),
        }
    }
}

/// One row of the ledger: a charge made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    /// The order it paid for.
    pub order: u32,
    /// The client's try that started it.
    pub attempt: u32,
    pub started: SimTime,
    pub done: SimTime,
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
    ChargeDone(Request, SimTime),
    ClientHears(Request, Reply),
    Timeout(u32, u32),
    Fault(usize),
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
    /// Ledger: every charge, in charge order.
    ledger: Vec<Charge>,
    store: HashMap<u64, Record>,
    now_conditions: Conditions,
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
            now_conditions: Conditions::configured(&config),
            config,
        };
        sim.queue.schedule(SimTime::ZERO, Event::NewOrder(0));
        for (i, f) in sim.config.faults.iter().enumerate() {
            sim.queue
                .schedule(SimTime::from_ms(f.at_ms), Event::Fault(i));
        }
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

    /// The ledger: every charge, with the order it paid for and when.
    pub fn ledger(&self) -> &[Charge] {
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
            Event::ChargeDone(req, started) => self.charge_done(req, started),
            Event::ClientHears(req, reply) => self.client_hears(req, reply),
            Event::Timeout(order, attempt) => {
                if self.waiting[order as usize] == Some(attempt) {
                    self.counters.timeouts += 1;
                    self.note(order, format!("try {attempt} timed out"), false);
                    self.retry_or_give_up(order);
                }
            }
            Event::Fault(i) => {
                let fault = self.config.faults[i].fault.clone();
                self.now_conditions = match fault {
                    Fault::Lossy {
                        drop_request,
                        drop_response,
                    } => Conditions {
                        drop_request,
                        drop_response,
                        ..self.now_conditions.clone()
                    },
                    Fault::SlowCharge(processing) => Conditions {
                        processing,
                        ..self.now_conditions.clone()
                    },
                    Fault::Recover => Conditions::configured(&self.config),
                };
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
            placed: self.now(),
            finished: None,
        });
        self.waiting.push(None);
        self.send(id);
        if id + 1 < self.config.orders {
            let gap = self.rng.exponential(self.config.arrival_mean_ms);
            let next = self.now().plus_ms(gap);
            if self
                .config
                .orders_until_ms
                .is_none_or(|until| next.as_ms() < until)
            {
                self.queue.schedule(next, Event::NewOrder(id + 1));
            }
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
        if self.rng.chance(self.now_conditions.drop_request) {
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
        let now = self.now();
        let o = &mut self.orders[order as usize];
        o.outcome = Some(outcome);
        o.finished = Some(now);
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
        let took = self.now_conditions.processing.sample(&mut self.rng);
        let started = self.now();
        self.queue
            .schedule_in(took, Event::ChargeDone(req, started));
    }

    fn reply(&mut self, req: Request, reply: Reply) {
        if self.rng.chance(self.now_conditions.drop_response) {
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
        let wrong = charge.is_some_and(|i| self.ledger[i].order != req.order);
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

    fn charge_done(&mut self, req: Request, started: SimTime) {
        let index = self.ledger.len();
        self.ledger.push(Charge {
            order: req.order,
            attempt: req.attempt,
            started,
            done: self.now(),
        });
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
    fn a_slow_charge_fault_makes_retries_charge_twice_until_recovery() {
        let slow = |design| IdemConfig {
            design,
            drop_request: 0.0,
            drop_response: 0.0,
            key_reuse: 0.0,
            processing: Latency::Fixed(50.0),
            orders: 1_000,
            orders_until_ms: Some(30_000.0),
            faults: vec![
                ScheduledFault {
                    at_ms: 10_000.0,
                    fault: Fault::SlowCharge(Latency::Fixed(1_400.0)),
                },
                ScheduledFault {
                    at_ms: 20_000.0,
                    fault: Fault::Recover,
                },
            ],
            ..IdemConfig::default()
        };
        let sim = run(slow(Design::NoDedup), 2);
        assert!(sim.orders().iter().all(|o| o.placed.as_ms() < 30_000.0));
        let doubled: Vec<f64> = sim
            .orders()
            .iter()
            .filter(|o| o.fate() == Fate::Wrong("charged more than once"))
            .map(|o| o.placed.as_ms())
            .collect();
        assert!(!doubled.is_empty());
        assert!(doubled.iter().all(|t| (9_000.0..20_000.0).contains(t)));
        let atomic = run(slow(Design::AtomicStore), 2);
        assert!(atomic.orders().iter().all(|o| o.fate() == Fate::Ok));
        assert!(atomic.counters().in_progress > 0, "retries met the 409");
    }

    #[test]
    fn the_fate_of_an_order_is_judged_by_its_charges_and_what_its_client_heard() {
        let order = |outcome, charges| Order {
            id: 0,
            key: None,
            charges,
            attempts: 1,
            outcome: Some(outcome),
            placed: SimTime::ZERO,
            finished: Some(SimTime::from_ms(40.0)),
        };
        assert_eq!(order(ClientOutcome::Paid, 1).fate(), Fate::Ok);
        assert_eq!(
            order(ClientOutcome::Paid, 2).fate(),
            Fate::Wrong("charged more than once")
        );
        assert_eq!(
            order(ClientOutcome::GaveUp, 0).fate(),
            Fate::Failed("never charged")
        );
        assert!(matches!(
            order(ClientOutcome::GaveUp, 1).fate(),
            Fate::Failed(_)
        ));
        assert_eq!(order(ClientOutcome::Paid, 1).as_request().latency_ms, 40.0);
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
