//! The last tickets under a rush: many buyers (Poisson arrivals) for a small stock, one
//! row in a database whose queries take time. Where [`super::checker`] counts every
//! interleaving of two to four buyers, this plays one stochastic run of thousands, so a
//! drill can measure what a design does to correctness *and* to waiting times.
//!
//! Every statement is a round trip: it takes effect at the database half-way through
//! (one atomic step on the row) and its answer reaches the ticket service at the end.
//! The designs:
//! - [`Design::ReadThenWrite`]: read the stock; if some is left, write back the value read
//!   minus one with the order (the ORM's `ticket.stock -= 1; ticket.save()`). Buyers who
//!   read the same value all sell, and each write undoes the others' decrements.
//! - [`Design::LockedRead`]: `SELECT .. FOR UPDATE` holds the row lock from the read to
//!   the write (or the rollback); the others queue for it, and give up after the lock
//!   wait timeout. Correct, but at most one buyer per lock hold gets served.
//! - [`Design::AtomicUpdate`]: `UPDATE .. SET stock = stock - 1 WHERE stock > 0` does the
//!   check and the write in one step; zero rows updated means sold out.
//! - [`Design::Optimistic`]: read stock and version, then `UPDATE .. WHERE version = seen`;
//!   zero rows means someone wrote first: read again, up to `max_retries` times.
//!
//! A sale is **wrong** when its ticket number is above the stock on sale: a ticket that
//! was never there. "Sold out" is a right answer when nothing is left.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::sim::engine::{EventQueue, Latency, SimRng, SimTime, first_non_positive};
use crate::sim::requests::{Fate, Request};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Design {
    ReadThenWrite,
    LockedRead,
    AtomicUpdate,
    Optimistic,
}

/// A change to the sale at a virtual time, from then on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fault {
    /// Buyers arrive at this rate, per second.
    Buyers(f64),
    /// A database round trip takes this long (a loaded database answers slower).
    QueryTime(Latency),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledFault {
    pub at_ms: f64,
    pub fault: Fault,
}

/// Settings of one sale. Times in virtual milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleConfig {
    pub design: Design,
    /// Tickets on sale at the start.
    pub stock: u32,
    /// Buyers per second at the start (the faults change it).
    pub buyers_per_s: f64,
    /// A database round trip at the start.
    pub query: Latency,
    /// The ticket service's own work between reading the row and writing the order.
    pub app_ms: f64,
    /// How long a buyer waits for the row lock before the database gives up on it.
    pub lock_wait_timeout_ms: f64,
    /// Re-reads an optimistic buyer makes after a version conflict.
    pub max_retries: u32,
    /// No buyer arrives after this time.
    pub buyers_until_ms: f64,
    pub faults: Vec<ScheduledFault>,
}

impl Default for SaleConfig {
    fn default() -> Self {
        Self {
            design: Design::ReadThenWrite,
            stock: 40,
            buyers_per_s: 100.0,
            query: Latency::LogNormal {
                median: 20.0,
                sigma: 0.3,
            },
            app_ms: 5.0,
            lock_wait_timeout_ms: 5_000.0,
            max_retries: 3,
            buyers_until_ms: 10_000.0,
            faults: Vec::new(),
        }
    }
}

/// Most buyers a sale may expect (the highest rate times the arrival window).
pub const MAX_SALE_BUYERS: f64 = 200_000.0;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SaleError {
    #[error("{0} must be positive, not {1}")]
    NotPositive(&'static str, f64),
    #[error("stock must be 1 to 100000 and retries at most 20")]
    Limits,
    #[error("buyer rates must be 0 or more and fault times 0 ms or later")]
    BadFault,
    #[error("up to {MAX_SALE_BUYERS} buyers may arrive; these rates allow {0:.0}")]
    TooManyBuyers(f64),
}

impl SaleConfig {
    fn validate(&self) -> Result<(), SaleError> {
        if let Some((name, v)) = first_non_positive(&[
            ("lock_wait_timeout_ms", self.lock_wait_timeout_ms),
            ("buyers_until_ms", self.buyers_until_ms),
        ]) {
            return Err(SaleError::NotPositive(name, v));
        }
        if !(1..=100_000).contains(&self.stock)
            || self.max_retries > 20
            || !(self.app_ms.is_finite() && self.app_ms >= 0.0)
        {
            return Err(SaleError::Limits);
        }
        let mut top_rate = self.buyers_per_s;
        for f in &self.faults {
            let rate = match f.fault {
                Fault::Buyers(r) => r,
                Fault::QueryTime(_) => 0.0,
            };
            if !(f.at_ms.is_finite() && f.at_ms >= 0.0 && rate.is_finite() && rate >= 0.0) {
                return Err(SaleError::BadFault);
            }
            top_rate = top_rate.max(rate);
        }
        if !(self.buyers_per_s.is_finite() && self.buyers_per_s >= 0.0) {
            return Err(SaleError::BadFault);
        }
        let most = top_rate * self.buyers_until_ms / 1000.0;
        if most > MAX_SALE_BUYERS {
            return Err(SaleError::TooManyBuyers(most));
        }
        Ok(())
    }
}

/// How a buyer's purchase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaleResult {
    /// Got ticket number `ticket` (1-based, in the order the sales were written).
    Bought {
        ticket: u32,
    },
    SoldOut,
    /// Waited for the row lock longer than the database allows.
    LockTimeout,
    /// Lost the version race more often than it may retry.
    GaveUp,
}

/// One statement a buyer sent, for traces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// The statement and what it found ("SELECT stock → 3").
    pub what: String,
    pub sent: SimTime,
    /// When it took effect at the row (for a queued lock, when the lock was granted).
    pub at_row: SimTime,
    pub answered: SimTime,
}

/// One buyer as the drill and the tests see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Buyer {
    pub id: u32,
    pub arrived: SimTime,
    pub answered: Option<SimTime>,
    pub result: Option<SaleResult>,
    pub calls: Vec<Call>,
    /// The stock and row version its last read saw.
    pub saw: Option<(i64, u64)>,
    #[serde(skip)]
    retries: u32,
}

impl Buyer {
    /// Whether the answer was right, for an SLO: a ticket that exists, or an honest
    /// "sold out". `stock` is what was on sale.
    pub fn fate(&self, stock: u32) -> Fate {
        match self.result {
            Some(SaleResult::Bought { ticket }) if ticket > stock => {
                Fate::Wrong("sold a ticket that was not there")
            }
            Some(SaleResult::Bought { .. } | SaleResult::SoldOut) => Fate::Ok,
            Some(SaleResult::LockTimeout) => Fate::Failed("lock wait timed out"),
            Some(SaleResult::GaveUp) => Fate::Failed("gave up after version conflicts"),
            None => Fate::Failed("still waiting at the end"),
        }
    }

    pub fn as_request(&self, stock: u32) -> Request {
        let at_ms = self.arrived.as_ms();
        Request {
            at_ms,
            latency_ms: self.answered.map_or(0.0, |a| a.as_ms() - at_ms),
            fate: self.fate(stock),
        }
    }
}

/// The row as the database holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Row {
    pub stock: i64,
    pub version: u64,
    /// Orders written (the last ticket number handed out).
    pub orders: u32,
    /// The buyer holding the row lock.
    pub lock: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Statement {
    Read,
    ReadForUpdate,
    /// Write back `seen - 1` with the order (and commit, releasing a held lock).
    WriteSeenMinusOne {
        seen: i64,
    },
    DecrementIfInStock,
    UpdateIfVersion {
        seen: i64,
        version: u64,
    },
    /// Roll back, releasing the lock.
    Release,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Reply {
    Row { stock: i64, version: u64 },
    Sold { ticket: u32 },
    NoRowUpdated,
    Released,
    LockTimedOut,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    /// The next buyer; stale when the arrival rate changed since it was scheduled.
    Arrive {
        generation: u32,
    },
    Fault(usize),
    /// A statement reaches the row; `back_ms` is how long its answer takes to return.
    AtDatabase {
        buyer: u32,
        statement: Statement,
        back_ms: f64,
    },
    Answer {
        buyer: u32,
        reply: Reply,
    },
    LockWaitOver {
        buyer: u32,
    },
}

/// One run of the sale.
#[derive(Debug, Clone)]
pub struct Sale {
    config: SaleConfig,
    rng: SimRng,
    queue: EventQueue<Event>,
    row: Row,
    buyers: Vec<Buyer>,
    /// Buyers queued for the row lock, with the return time of their read's answer.
    lock_queue: VecDeque<(u32, f64)>,
    rate: f64,
    query: Latency,
    generation: u32,
}

impl Sale {
    pub fn new(config: SaleConfig, seed: u64) -> Result<Self, SaleError> {
        config.validate()?;
        let mut sale = Self {
            rng: SimRng::new(seed),
            queue: EventQueue::new(),
            row: Row {
                stock: i64::from(config.stock),
                ..Row::default()
            },
            buyers: Vec::new(),
            lock_queue: VecDeque::new(),
            rate: config.buyers_per_s,
            query: config.query.clone(),
            generation: 0,
            config,
        };
        for (i, f) in sale.config.faults.iter().enumerate() {
            sale.queue
                .schedule(SimTime::from_ms(f.at_ms), Event::Fault(i));
        }
        sale.schedule_arrival();
        Ok(sale)
    }

    pub fn config(&self) -> &SaleConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn row(&self) -> &Row {
        &self.row
    }

    pub fn buyers(&self) -> &[Buyer] {
        &self.buyers
    }

    /// Buyers waiting for the row lock now.
    pub fn lock_waiters(&self) -> usize {
        self.lock_queue.len()
    }

    /// Processes every event due by `until`.
    pub fn step_until(&mut self, until: SimTime) {
        while let Some((_, event)) = self.queue.pop_until(until) {
            self.handle(event);
        }
    }

    /// Runs until every buyer has its answer.
    pub fn run_to_end(&mut self) {
        while let Some((_, event)) = self.queue.pop() {
            self.handle(event);
        }
    }

    fn schedule_arrival(&mut self) {
        if self.rate <= 0.0 {
            return;
        }
        let at = self.now().plus_ms(self.rng.exponential(1000.0 / self.rate));
        if at.as_ms() < self.config.buyers_until_ms {
            let generation = self.generation;
            self.queue.schedule(at, Event::Arrive { generation });
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrive { generation } if generation == self.generation => self.arrive(),
            Event::Arrive { .. } => {}
            Event::Fault(i) => match self.config.faults[i].fault.clone() {
                Fault::Buyers(rate) => {
                    // Poisson arrivals are memoryless: drawing the next gap afresh at the
                    // new rate is exact.
                    self.rate = rate;
                    self.generation += 1;
                    self.schedule_arrival();
                }
                Fault::QueryTime(query) => self.query = query,
            },
            Event::AtDatabase {
                buyer,
                statement,
                back_ms,
            } => self.at_database(buyer, statement, back_ms),
            Event::Answer { buyer, reply } => self.answer(buyer, reply),
            Event::LockWaitOver { buyer } => {
                if let Some(i) = self.lock_queue.iter().position(|(b, _)| *b == buyer)
                    && let Some((_, back_ms)) = self.lock_queue.remove(i)
                {
                    self.reply(buyer, Reply::LockTimedOut, back_ms);
                }
            }
        }
    }

    fn arrive(&mut self) {
        let id = self.buyers.len() as u32;
        self.buyers.push(Buyer {
            id,
            arrived: self.now(),
            answered: None,
            result: None,
            calls: Vec::new(),
            saw: None,
            retries: 0,
        });
        let first = match self.config.design {
            Design::ReadThenWrite | Design::Optimistic => Statement::Read,
            Design::LockedRead => Statement::ReadForUpdate,
            Design::AtomicUpdate => Statement::DecrementIfInStock,
        };
        self.send(id, first, 0.0);
        self.schedule_arrival();
    }

    /// Sends `statement` after `after_ms` of the service's own work: half the round trip
    /// to reach the row, half for the answer to come back.
    fn send(&mut self, buyer: u32, statement: Statement, after_ms: f64) {
        let round_trip = self.query.sample(&mut self.rng);
        let sent = self.now().plus_ms(after_ms);
        self.buyers[buyer as usize].calls.push(Call {
            what: String::new(),
            sent,
            at_row: sent,
            answered: sent,
        });
        self.queue.schedule(
            sent.plus_ms(round_trip / 2.0),
            Event::AtDatabase {
                buyer,
                statement,
                back_ms: round_trip / 2.0,
            },
        );
    }

    fn reply(&mut self, buyer: u32, reply: Reply, back_ms: f64) {
        self.queue
            .schedule_in(back_ms, Event::Answer { buyer, reply });
    }

    /// Names the buyer's last call by what it did at the row, now.
    fn describe(&mut self, buyer: u32, what: String) {
        let now = self.now();
        if let Some(call) = self.buyers[buyer as usize].calls.last_mut() {
            call.what = what;
            call.at_row = now;
        }
    }

    fn sell(&mut self, stock: i64) -> u32 {
        self.row.stock = stock;
        self.row.version += 1;
        self.row.orders += 1;
        self.row.orders
    }

    fn at_database(&mut self, buyer: u32, statement: Statement, back_ms: f64) {
        let Row { stock, version, .. } = self.row;
        let (reply, what) = match statement {
            Statement::Read => (
                Reply::Row { stock, version },
                format!("SELECT stock → {stock} (v{version})"),
            ),
            Statement::ReadForUpdate => {
                if self.row.lock.is_some() {
                    self.lock_queue.push_back((buyer, back_ms));
                    self.queue.schedule_in(
                        self.config.lock_wait_timeout_ms,
                        Event::LockWaitOver { buyer },
                    );
                    self.describe(buyer, "SELECT .. FOR UPDATE: waits for the lock".into());
                    return;
                }
                self.row.lock = Some(buyer);
                (
                    Reply::Row { stock, version },
                    format!("SELECT .. FOR UPDATE → {stock}"),
                )
            }
            Statement::WriteSeenMinusOne { seen } => {
                let ticket = self.sell(seen - 1);
                self.release(buyer);
                (
                    Reply::Sold { ticket },
                    format!(
                        "UPDATE stock = {} (was {stock}): ticket #{ticket}",
                        seen - 1
                    ),
                )
            }
            Statement::DecrementIfInStock if stock > 0 => {
                let ticket = self.sell(stock - 1);
                (
                    Reply::Sold { ticket },
                    format!("UPDATE .. WHERE stock > 0 → 1 row: ticket #{ticket}"),
                )
            }
            Statement::DecrementIfInStock => (
                Reply::NoRowUpdated,
                "UPDATE .. WHERE stock > 0 → 0 rows: sold out".into(),
            ),
            Statement::UpdateIfVersion { seen, version: v } if v == version => {
                let ticket = self.sell(seen - 1);
                (
                    Reply::Sold { ticket },
                    format!("UPDATE .. WHERE version = {v} → 1 row: ticket #{ticket}"),
                )
            }
            Statement::UpdateIfVersion { version: v, .. } => (
                Reply::NoRowUpdated,
                format!("UPDATE .. WHERE version = {v} → 0 rows: now v{version}"),
            ),
            Statement::Release => {
                self.release(buyer);
                (Reply::Released, "ROLLBACK: lock released".into())
            }
        };
        self.describe(buyer, what);
        self.reply(buyer, reply, back_ms);
    }

    /// Releases the row lock if `buyer` holds it, and grants it to the next in the queue,
    /// whose read runs now.
    fn release(&mut self, buyer: u32) {
        if self.row.lock != Some(buyer) {
            return;
        }
        self.row.lock = None;
        if let Some((next, back_ms)) = self.lock_queue.pop_front() {
            self.row.lock = Some(next);
            let Row { stock, version, .. } = self.row;
            self.describe(
                next,
                format!("SELECT .. FOR UPDATE → {stock} (after waiting for the lock)"),
            );
            self.reply(next, Reply::Row { stock, version }, back_ms);
        }
    }

    fn finish(&mut self, buyer: u32, result: SaleResult) {
        let now = self.now();
        let b = &mut self.buyers[buyer as usize];
        b.answered = Some(now);
        b.result = Some(result);
    }

    fn answer(&mut self, buyer: u32, reply: Reply) {
        let now = self.now();
        if let Some(call) = self.buyers[buyer as usize].calls.last_mut() {
            call.answered = now;
        }
        let design = self.config.design;
        match reply {
            Reply::Row { stock, version } => {
                self.buyers[buyer as usize].saw = Some((stock, version));
                let next = match design {
                    _ if stock <= 0 && design == Design::LockedRead => {
                        return self.send(buyer, Statement::Release, 0.0);
                    }
                    _ if stock <= 0 => return self.finish(buyer, SaleResult::SoldOut),
                    Design::Optimistic => Statement::UpdateIfVersion {
                        seen: stock,
                        version,
                    },
                    _ => Statement::WriteSeenMinusOne { seen: stock },
                };
                let app_ms = self.config.app_ms;
                self.send(buyer, next, app_ms);
            }
            Reply::Sold { ticket } => self.finish(buyer, SaleResult::Bought { ticket }),
            Reply::NoRowUpdated if design == Design::Optimistic => {
                let b = &mut self.buyers[buyer as usize];
                if b.retries < self.config.max_retries {
                    b.retries += 1;
                    self.send(buyer, Statement::Read, 0.0);
                } else {
                    self.finish(buyer, SaleResult::GaveUp);
                }
            }
            Reply::NoRowUpdated | Reply::Released => self.finish(buyer, SaleResult::SoldOut),
            Reply::LockTimedOut => self.finish(buyer, SaleResult::LockTimeout),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(design: Design, seed: u64) -> Sale {
        let mut sale = Sale::new(
            SaleConfig {
                design,
                ..SaleConfig::default()
            },
            seed,
        )
        .unwrap();
        sale.run_to_end();
        sale
    }

    fn sold(sale: &Sale) -> usize {
        sale.buyers()
            .iter()
            .filter(|b| matches!(b.result, Some(SaleResult::Bought { .. })))
            .count()
    }

    #[test]
    fn read_then_write_oversells_under_a_rush() {
        let sale = run(Design::ReadThenWrite, 1);
        assert!(sold(&sale) > 40 * 2, "sold {}", sold(&sale));
        assert!(
            sale.buyers()
                .iter()
                .any(|b| b.fate(40) == Fate::Wrong("sold a ticket that was not there"))
        );
    }

    #[test]
    fn the_atomic_update_sells_the_stock_exactly_and_answers_everyone_fast() {
        let sale = run(Design::AtomicUpdate, 1);
        assert_eq!(sold(&sale), 40);
        assert_eq!(sale.row().stock, 0);
        assert!(sale.buyers().iter().all(|b| b.fate(40) == Fate::Ok));
        let slowest = sale
            .buyers()
            .iter()
            .map(|b| b.as_request(40).latency_ms)
            .fold(0.0, f64::max);
        assert!(slowest < 200.0, "{slowest} ms");
    }

    #[test]
    fn the_lock_is_correct_but_its_queue_outgrows_the_lock_wait_timeout() {
        let sale = run(Design::LockedRead, 1);
        assert_eq!(sold(&sale), 40);
        assert!(
            sale.buyers()
                .iter()
                .all(|b| !matches!(b.fate(40), Fate::Wrong(_)))
        );
        assert!(
            sale.buyers()
                .iter()
                .any(|b| b.result == Some(SaleResult::LockTimeout))
        );
    }

    #[test]
    fn optimistic_buyers_never_oversell_and_may_give_up() {
        let sale = run(Design::Optimistic, 1);
        assert_eq!(sold(&sale), 40);
        assert!(
            sale.buyers()
                .iter()
                .any(|b| b.result == Some(SaleResult::GaveUp))
        );
    }

    #[test]
    fn a_rush_fault_raises_the_arrival_rate_and_runs_repeat_from_their_seed() {
        let config = SaleConfig {
            design: Design::AtomicUpdate,
            buyers_per_s: 1.0,
            faults: vec![ScheduledFault {
                at_ms: 5_000.0,
                fault: Fault::Buyers(200.0),
            }],
            ..SaleConfig::default()
        };
        let mut a = Sale::new(config.clone(), 7).unwrap();
        a.run_to_end();
        let early = a
            .buyers()
            .iter()
            .filter(|b| b.arrived.as_ms() < 5_000.0)
            .count();
        assert!(early < 20, "{early} before the rush");
        assert!(a.buyers().len() > 700, "{} in all", a.buyers().len());
        let mut b = Sale::new(config, 7).unwrap();
        b.run_to_end();
        assert_eq!(a.buyers(), b.buyers());
    }

    #[test]
    fn bad_settings_are_refused() {
        let config = SaleConfig {
            buyers_per_s: 1e6,
            ..SaleConfig::default()
        };
        assert!(matches!(
            Sale::new(config, 1),
            Err(SaleError::TooManyBuyers(_))
        ));
    }
}
