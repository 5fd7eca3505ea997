//! Checkout during a payment-gateway outage, the asynchronous way.
//!
//! Each order is saved first as *pending payment*, so it is never lost. The checkout then
//! tries the charge once through the circuit breaker ([`super::breaker`], resilience4j
//! semantics). If the charge fails, or the breaker is open and rejects it without trying,
//! the charge is queued and the customer is told at once "payment processing,
//! confirmation within the hour". A background worker takes queued charges and retries
//! them with exponential backoff (by default 5 tries after 1, 2, 4, 8 and 16 minutes),
//! through the same breaker; after the last failed try the order is marked failed and the
//! customer is told.
//!
//! The queue delivers at least once, so a job can arrive twice. The worker is made
//! idempotent by re-checking the order before charging: it charges only a *pending*
//! order, and claims it (pending -> charging) in the same step, so a second delivery finds
//! it charging or paid and skips it. Switch the re-check off to see double charges.
//!
//! For contrast, [`CheckoutConfig::asynchronous`] = false is the incident itself: the
//! checkout waits for the gateway and fails the order when the charge fails.

use serde::{Deserialize, Serialize};

use super::breaker::{BreakerConfig, CircuitBreaker, State as BreakerState, WindowType};
use super::engine::{
    EventQueue, Latency, Series, SimRng, SimTime, first_non_positive, first_non_probability,
};

const MINUTE_MS: f64 = 60_000.0;

/// Settings of one run. Minutes for the business timeline, milliseconds for calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckoutConfig {
    /// Queue failed charges for a worker (the fix) or fail the checkout (the incident).
    pub asynchronous: bool,
    pub orders_per_min: f64,
    pub run_min: f64,
    pub outage_start_min: f64,
    pub outage_min: f64,
    /// Gateway latency while it is up.
    pub gateway: Latency,
    /// Failure probability of a call while the gateway is up.
    pub gateway_failure: f64,
    /// While the gateway is down, a call hangs until this timeout and fails.
    pub call_timeout_ms: f64,
    pub breaker: BreakerConfig,
    /// Worker tries after the checkout's own attempt.
    pub retry_tries: u32,
    /// Wait before the first worker try; each later wait doubles.
    pub retry_base_min: f64,
    pub retry_cap_min: f64,
    /// Chance a queued job is delivered twice (an at-least-once queue).
    pub duplicate_delivery: f64,
    /// The worker re-checks (and claims) the order before charging.
    pub worker_rechecks: bool,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        Self {
            asynchronous: true,
            orders_per_min: 2.0,
            run_min: 240.0,
            outage_start_min: 30.0,
            outage_min: 120.0,
            gateway: Latency::LogNormal {
                median: 300.0,
                sigma: 0.3,
            },
            gateway_failure: 0.01,
            call_timeout_ms: 3_000.0,
            breaker: BreakerConfig {
                window: WindowType::CountBased(10),
                minimum_calls: 5,
                failure_rate_threshold: 50.0,
                wait_in_open_ms: 60_000,
                permitted_calls_in_half_open: 2,
                ..BreakerConfig::default()
            },
            retry_tries: 5,
            retry_base_min: 1.0,
            retry_cap_min: 60.0,
            duplicate_delivery: 0.05,
            worker_rechecks: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckoutError {
    #[error("{0} must be between 0 and 1, not {1}")]
    Probability(&'static str, f64),
    #[error("{0} must be positive, not {1}")]
    NotPositive(&'static str, f64),
    #[error("breaker: {0}")]
    Breaker(String),
    #[error("worker tries must be 0 to 12")]
    Tries,
}

impl CheckoutConfig {
    fn validate(&self) -> Result<(), CheckoutError> {
        if let Some((name, p)) = first_non_probability(&[
            ("gateway_failure", self.gateway_failure),
            ("duplicate_delivery", self.duplicate_delivery),
        ]) {
            return Err(CheckoutError::Probability(name, p));
        }
        if let Some((name, v)) = first_non_positive(&[
            ("orders_per_min", self.orders_per_min),
            ("run_min", self.run_min),
            ("call_timeout_ms", self.call_timeout_ms),
            ("retry_base_min", self.retry_base_min),
            ("retry_cap_min", self.retry_cap_min),
        ]) {
            return Err(CheckoutError::NotPositive(name, v));
        }
        if self.outage_start_min < 0.0 || self.outage_min < 0.0 {
            return Err(CheckoutError::NotPositive("outage", self.outage_min));
        }
        if self.retry_tries > 12 {
            return Err(CheckoutError::Tries);
        }
        self.breaker.validate().map_err(CheckoutError::Breaker)
    }

    /// The wait before worker try `n` (1-based), in minutes: base x 2^(n-1), capped.
    pub fn backoff_min(&self, n: u32) -> f64 {
        (self.retry_base_min * f64::from(1u32 << (n.saturating_sub(1)).min(20)))
            .min(self.retry_cap_min)
    }

    fn gateway_down(&self, now: SimTime) -> bool {
        let t = now.as_ms() / MINUTE_MS;
        t >= self.outage_start_min && t < self.outage_start_min + self.outage_min
    }
}

/// Where an order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderState {
    /// Saved, payment not yet taken (queued or waiting for the checkout's call).
    Pending,
    /// A charge call for it is in flight (claimed by the checkout or a worker).
    Charging,
    Paid,
    /// Out of tries: the customer was told.
    Failed,
}

impl OrderState {
    pub const ALL: [OrderState; 4] = [Self::Pending, Self::Charging, Self::Paid, Self::Failed];

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "pending payment",
            Self::Charging => "charging",
            Self::Paid => "paid",
            Self::Failed => "failed, customer told",
        }
    }
}

/// What the customer saw right after pressing "buy".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Immediate {
    /// "Thank you, your order is paid."
    Paid,
    /// "Payment processing: confirmation within the hour."
    Processing,
    /// "Payment failed, please try again later." (the synchronous checkout)
    Error,
}

impl Immediate {
    pub fn message(self) -> &'static str {
        match self {
            Self::Paid => "Thank you: your order is paid.",
            Self::Processing => "Order received. Payment processing: confirmation within the hour.",
            Self::Error => "Payment failed. Please try again later.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: u32,
    pub placed: SimTime,
    pub state: OrderState,
    pub immediate: Immediate,
    pub charges: u32,
    /// Worker tries made (deliveries skipped by the re-check are not tries).
    pub worker_tries: u32,
    pub settled: Option<SimTime>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub orders: u32,
    pub paid_at_checkout: u32,
    pub queued: u32,
    pub paid_by_worker: u32,
    pub failed: u32,
    /// Synchronous checkout only: orders that failed at once (lost sales).
    pub checkout_errors: u32,
    pub gateway_calls: u32,
    pub gateway_failures: u32,
    pub breaker_rejections: u32,
    pub worker_tries: u32,
    pub duplicate_deliveries: u32,
    pub skipped_by_recheck: u32,
    pub double_charges: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Checkout,
    /// Worker try number (1-based).
    Worker(u32),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    NewOrder,
    CallDone {
        order: u32,
        who: Who,
        ok: bool,
        started: SimTime,
    },
    WorkerTry {
        order: u32,
        n: u32,
    },
    Sample,
}

/// One run of the checkout model.
#[derive(Debug, Clone)]
pub struct CheckoutSim {
    config: CheckoutConfig,
    rng: SimRng,
    queue: EventQueue<Event>,
    breaker: CircuitBreaker,
    orders: Vec<Order>,
    counters: Counters,
    /// Per [`OrderState::ALL`], the count of orders in that state over minutes.
    by_state: [Series; 4],
    /// Jobs waiting in the queue, over minutes.
    queue_len: Series,
    /// Breaker state over minutes: 0 closed, 1 half-open, 2 open.
    breaker_level: Series,
    waiting_jobs: u32,
}

impl Default for CheckoutSim {
    /// The default run (its config is valid), seed 1.
    fn default() -> Self {
        Self::build(CheckoutConfig::default(), 1)
    }
}

impl CheckoutSim {
    pub fn new(config: CheckoutConfig, seed: u64) -> Result<Self, CheckoutError> {
        config.validate()?;
        Ok(Self::build(config, seed))
    }

    fn build(config: CheckoutConfig, seed: u64) -> Self {
        let series = || Series::new(1_000);
        let mut sim = Self {
            rng: SimRng::new(seed),
            queue: EventQueue::new(),
            breaker: CircuitBreaker::new(config.breaker.clone()),
            orders: Vec::new(),
            counters: Counters::default(),
            by_state: [series(), series(), series(), series()],
            queue_len: series(),
            breaker_level: series(),
            waiting_jobs: 0,
            config,
        };
        sim.queue.schedule(SimTime::ZERO, Event::Sample);
        let first = sim.next_arrival_gap();
        sim.queue.schedule_in(first, Event::NewOrder);
        sim
    }

    pub fn config(&self) -> &CheckoutConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn now_min(&self) -> f64 {
        self.now().as_ms() / MINUTE_MS
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

    pub fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }

    pub fn gateway_down(&self) -> bool {
        self.config.gateway_down(self.now())
    }

    /// Jobs in the queue now (deliveries scheduled, not yet taken).
    pub fn queued_jobs(&self) -> u32 {
        self.waiting_jobs
    }

    /// Orders in each state over time (minutes), in [`OrderState::ALL`] order.
    pub fn by_state(&self) -> &[Series; 4] {
        &self.by_state
    }

    pub fn queue_series(&self) -> &Series {
        &self.queue_len
    }

    pub fn breaker_series(&self) -> &Series {
        &self.breaker_level
    }

    pub fn count(&self, state: OrderState) -> usize {
        self.orders.iter().filter(|o| o.state == state).count()
    }

    pub fn step_until(&mut self, until: SimTime) {
        while let Some((_, event)) = self.queue.pop_until(until) {
            self.handle(event);
        }
    }

    pub fn run_to_end(&mut self) {
        while let Some((_, event)) = self.queue.pop() {
            self.handle(event);
        }
    }

    fn next_arrival_gap(&mut self) -> f64 {
        self.rng.exponential(MINUTE_MS / self.config.orders_per_min)
    }

    fn handle(&mut self, event: Event) {
        // Timer-driven breaker transitions (if configured) happen before the event.
        let _transition = self.breaker.poll_timers(self.now());
        match event {
            Event::NewOrder => self.new_order(),
            Event::CallDone {
                order,
                who,
                ok,
                started,
            } => self.call_done(order, who, ok, started),
            Event::WorkerTry { order, n } => self.worker_try(order, n),
            Event::Sample => self.sample(),
        }
    }

    fn sample(&mut self) {
        let t = self.now_min();
        for (series, state) in self.by_state.iter_mut().zip(OrderState::ALL) {
            let n = self.orders.iter().filter(|o| o.state == state).count();
            series.push(t, n as f64);
        }
        self.queue_len.push(t, f64::from(self.waiting_jobs));
        let level = match self.breaker.state() {
            BreakerState::Closed | BreakerState::Disabled => 0.0,
            BreakerState::HalfOpen => 1.0,
            BreakerState::Open | BreakerState::ForcedOpen => 2.0,
        };
        self.breaker_level.push(t, level);
        // Keep sampling while anything is left to happen.
        if !self.queue.is_empty() {
            self.queue.schedule_in(MINUTE_MS, Event::Sample);
        }
    }

    fn new_order(&mut self) {
        let id = self.orders.len() as u32;
        // Saved first, as pending: whatever the gateway does, the order exists.
        self.orders.push(Order {
            id,
            placed: self.now(),
            state: OrderState::Pending,
            immediate: Immediate::Processing,
            charges: 0,
            worker_tries: 0,
            settled: None,
        });
        self.counters.orders += 1;
        if !self.try_charge(id, Who::Checkout) {
            self.checkout_failed(id);
        }
        let gap = self.next_arrival_gap();
        if self.now().plus_ms(gap).as_ms() < self.config.run_min * MINUTE_MS {
            self.queue.schedule_in(gap, Event::NewOrder);
        }
    }

    /// Asks the breaker and, if permitted, calls the gateway. False if rejected.
    fn try_charge(&mut self, order: u32, who: Who) -> bool {
        let now = self.now();
        let (permitted, _) = self.breaker.try_acquire(now);
        if !permitted {
            self.counters.breaker_rejections += 1;
            return false;
        }
        self.counters.gateway_calls += 1;
        self.orders[order as usize].state = OrderState::Charging;
        let (ok, took) = if self.config.gateway_down(now) {
            (false, self.config.call_timeout_ms)
        } else {
            let took = self.config.gateway.sample(&mut self.rng);
            let ok = !self.rng.chance(self.config.gateway_failure);
            (ok, took.min(self.config.call_timeout_ms))
        };
        self.queue.schedule_in(
            took,
            Event::CallDone {
                order,
                who,
                ok,
                started: now,
            },
        );
        true
    }

    fn call_done(&mut self, order: u32, who: Who, ok: bool, started: SimTime) {
        let now = self.now();
        self.breaker
            .on_result(now, !ok, SimTime(now.0.saturating_sub(started.0)));
        if ok {
            let o = &mut self.orders[order as usize];
            o.charges += 1;
            if o.charges > 1 {
                self.counters.double_charges += 1;
            }
            if o.state != OrderState::Paid {
                o.state = OrderState::Paid;
                o.settled = Some(now);
                match who {
                    Who::Checkout => {
                        o.immediate = Immediate::Paid;
                        self.counters.paid_at_checkout += 1;
                    }
                    Who::Worker(_) => self.counters.paid_by_worker += 1,
                }
            }
            return;
        }
        self.counters.gateway_failures += 1;
        match who {
            Who::Checkout => self.checkout_failed(order),
            Who::Worker(n) => self.worker_failed(order, n),
        }
    }

    /// The checkout's own attempt failed or was rejected.
    fn checkout_failed(&mut self, order: u32) {
        let now = self.now();
        let o = &mut self.orders[order as usize];
        if self.config.asynchronous {
            o.state = OrderState::Pending;
            o.immediate = Immediate::Processing;
            self.counters.queued += 1;
            self.enqueue(order, 1);
        } else {
            o.state = OrderState::Failed;
            o.immediate = Immediate::Error;
            o.settled = Some(now);
            self.counters.checkout_errors += 1;
        }
    }

    fn worker_failed(&mut self, order: u32, n: u32) {
        if self.orders[order as usize].state == OrderState::Paid {
            return; // Another delivery already paid it.
        }
        if n < self.config.retry_tries {
            self.orders[order as usize].state = OrderState::Pending;
            self.enqueue(order, n + 1);
        } else {
            self.give_up(order);
        }
    }

    /// Out of tries: the order fails and the customer is told (once).
    fn give_up(&mut self, order: u32) {
        let now = self.now();
        let o = &mut self.orders[order as usize];
        if matches!(o.state, OrderState::Pending | OrderState::Charging) {
            o.state = OrderState::Failed;
            o.settled = Some(now);
            self.counters.failed += 1;
        }
    }

    /// Queues worker try `n` after its backoff; the queue may deliver it twice.
    fn enqueue(&mut self, order: u32, n: u32) {
        if n > self.config.retry_tries {
            self.give_up(order);
            return;
        }
        let delay = self.config.backoff_min(n) * MINUTE_MS;
        self.waiting_jobs += 1;
        self.queue.schedule_in(delay, Event::WorkerTry { order, n });
        if self.rng.chance(self.config.duplicate_delivery) {
            self.counters.duplicate_deliveries += 1;
            self.waiting_jobs += 1;
            let jitter = self.rng.uniform(0.0, 5_000.0);
            self.queue
                .schedule_in(delay + jitter, Event::WorkerTry { order, n });
        }
    }

    fn worker_try(&mut self, order: u32, n: u32) {
        self.waiting_jobs = self.waiting_jobs.saturating_sub(1);
        let o = &self.orders[order as usize];
        // The re-check: charge only a pending order whose try `n` has not run yet. A
        // second delivery finds it charging, paid, failed, or past this try.
        if self.config.worker_rechecks && (o.state != OrderState::Pending || o.worker_tries >= n) {
            self.counters.skipped_by_recheck += 1;
            return;
        }
        self.counters.worker_tries += 1;
        self.orders[order as usize].worker_tries += 1;
        if !self.try_charge(order, Who::Worker(n)) {
            self.worker_failed(order, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_the_base_up_to_the_cap() {
        let c = CheckoutConfig::default();
        let waits: Vec<f64> = (1..=5).map(|n| c.backoff_min(n)).collect();
        assert_eq!(waits, [1.0, 2.0, 4.0, 8.0, 16.0]);
        let capped = CheckoutConfig {
            retry_cap_min: 5.0,
            ..c
        };
        assert_eq!(capped.backoff_min(4), 5.0);
    }

    #[test]
    fn without_an_outage_nearly_every_order_is_paid_at_checkout() {
        let config = CheckoutConfig {
            outage_min: 0.0,
            ..CheckoutConfig::default()
        };
        let mut sim = CheckoutSim::new(config, 1).unwrap();
        sim.run_to_end();
        let c = sim.counters();
        assert!(c.paid_at_checkout as f64 > 0.95 * c.orders as f64);
        assert_eq!(
            sim.count(OrderState::Pending) + sim.count(OrderState::Charging),
            0
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        let config = CheckoutConfig {
            duplicate_delivery: 2.0,
            ..CheckoutConfig::default()
        };
        assert!(CheckoutSim::new(config, 1).is_err());
    }
}
