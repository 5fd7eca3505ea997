//! A checkout that survives a two-hour outage. The task is in the pane beside the editor.

use std::collections::BTreeMap;

pub type OrderId = u64;

pub const MINUTE_MS: u64 = 60_000;
/// An order still unpaid this long after it was placed is given up.
pub const GIVE_UP_AFTER_MS: u64 = 24 * 60 * MINUTE_MS;
/// The longest wait between two tries.
pub const BACKOFF_CAP_MS: u64 = 15 * MINUTE_MS;
/// Parked jobs are released over this long after the breaker's retry time.
pub const RELEASE_JITTER_MS: u64 = MINUTE_MS;

/// The key the gateway deduplicates on: the same for every attempt at one order.
pub fn idempotency_key(order: OrderId) -> String {
    format!("order-{order}")
}

/// A fixed stand-in for a random draw in `[0, RELEASE_JITTER_MS)`, so tests are exact.
pub fn release_jitter_ms(order: OrderId) -> u64 {
    order.wrapping_mul(0x9E37_79B9_7F4A_7C15) % RELEASE_JITTER_MS
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    PendingPayment,
    Paid,
    PaymentFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub status: Status,
    pub placed_ms: u64,
}

/// A row of the outbox: one pending charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Charge calls that failed so far (rejections by the breaker are not calls).
    pub failures: u32,
    /// Not to be run before this time.
    pub due_ms: u64,
}

/// The process died in the middle of a commit: nothing of that transaction was saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crashed;

#[derive(Debug, Clone, Default)]
struct Tables {
    orders: BTreeMap<OrderId, Order>,
    outbox: BTreeMap<OrderId, Job>,
}

/// The shop's database: an orders table and an outbox table. Writes happen in
/// transactions, which tests can make crash.
#[derive(Debug, Default)]
pub struct Db {
    tables: Tables,
    /// Successful commits left before the next one crashes.
    crash_after: Option<u32>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    pub fn order(&self, id: OrderId) -> Option<Order> {
        self.tables.orders.get(&id).copied()
    }

    pub fn job(&self, id: OrderId) -> Option<Job> {
        self.tables.outbox.get(&id).copied()
    }

    pub fn orders(&self) -> Vec<(OrderId, Order)> {
        self.tables.orders.iter().map(|(id, o)| (*id, *o)).collect()
    }

    pub fn jobs(&self) -> Vec<(OrderId, Job)> {
        self.tables.outbox.iter().map(|(id, j)| (*id, *j)).collect()
    }

    /// For tests: the commit after `successful` more commits crashes (0: the next one).
    pub fn crash_after_commits(&mut self, successful: u32) {
        self.crash_after = Some(successful);
    }

    pub fn begin(&mut self) -> Tx<'_> {
        let staged = self.tables.clone();
        Tx { db: self, staged }
    }
}

/// A transaction: its writes are seen by its own reads, and by everyone only after
/// `commit`. Dropping it without committing discards them.
pub struct Tx<'a> {
    db: &'a mut Db,
    staged: Tables,
}

impl Tx<'_> {
    pub fn order(&self, id: OrderId) -> Option<Order> {
        self.staged.orders.get(&id).copied()
    }

    pub fn job(&self, id: OrderId) -> Option<Job> {
        self.staged.outbox.get(&id).copied()
    }

    pub fn put_order(&mut self, id: OrderId, order: Order) {
        self.staged.orders.insert(id, order);
    }

    pub fn put_job(&mut self, id: OrderId, job: Job) {
        self.staged.outbox.insert(id, job);
    }

    pub fn delete_job(&mut self, id: OrderId) {
        self.staged.outbox.remove(&id);
    }

    pub fn commit(self) -> Result<(), Crashed> {
        match self.db.crash_after {
            Some(0) => {
                self.db.crash_after = None;
                Err(Crashed)
            }
            Some(n) => {
                self.db.crash_after = Some(n - 1);
                self.db.tables = self.staged;
                Ok(())
            }
            None => {
                self.db.tables = self.staged;
                Ok(())
            }
        }
    }
}

/// What the payment gateway answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// The money was taken (or had been, for this key).
    Charged,
    /// Final: the card was refused.
    Declined,
    /// Down or timed out. The charge may or may not have happened.
    Unavailable,
}

pub trait Gateway {
    fn charge(&mut self, order: OrderId, idempotency_key: &str, now_ms: u64) -> Charge;
}

/// The breaker's answer to "may I call the gateway now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Go,
    /// Open: no call before `retry_at_ms`.
    Open { retry_at_ms: u64 },
}

/// A single-probe breaker (the lesson's model with one trial): `FAILURES_TO_OPEN`
/// failures in a row open it for `OPEN_MS`; then one call is let through, and its
/// outcome closes it or opens it again. Given: do not change it.
#[derive(Debug, Default)]
pub struct Breaker {
    state: BreakerState,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum BreakerState {
    #[default]
    Closed,
    Failing(u32),
    Open {
        until_ms: u64,
    },
    /// The one trial call is out; nobody else goes until it reports.
    Probing,
}

impl Breaker {
    pub const FAILURES_TO_OPEN: u32 = 3;
    pub const OPEN_MS: u64 = 60_000;

    pub fn admit(&mut self, now_ms: u64) -> Admit {
        match self.state {
            BreakerState::Open { until_ms } if now_ms < until_ms => Admit::Open {
                retry_at_ms: until_ms,
            },
            BreakerState::Open { .. } => {
                self.state = BreakerState::Probing;
                Admit::Go
            }
            BreakerState::Probing => Admit::Open {
                retry_at_ms: now_ms.saturating_add(Breaker::OPEN_MS),
            },
            BreakerState::Closed | BreakerState::Failing(_) => Admit::Go,
        }
    }

    /// Report the outcome of a call `admit` allowed. A decline counts as a success:
    /// the gateway answered.
    pub fn record(&mut self, ok: bool, now_ms: u64) {
        let open = BreakerState::Open {
            until_ms: now_ms.saturating_add(Breaker::OPEN_MS),
        };
        let in_a_row = |n: u32| {
            if n >= Breaker::FAILURES_TO_OPEN {
                open
            } else {
                BreakerState::Failing(n)
            }
        };
        self.state = match (ok, self.state) {
            (true, _) => BreakerState::Closed,
            (false, BreakerState::Probing) => open,
            (false, BreakerState::Closed) => in_a_row(1),
            (false, BreakerState::Failing(n)) => in_a_row(n + 1),
            // A late report while open changes nothing.
            (false, state @ BreakerState::Open { .. }) => state,
        };
    }
}

/// What the customer is told at checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Confirmed,
    Declined,
    /// "Payment processing; we will e-mail you when it is confirmed."
    Processing,
}

pub struct Shop {
    db: Db,
    breaker: Breaker,
    // Add nothing here that must survive a crash: after one, only `db` is kept.
}

/// The wait after the `failures`th failed call: 1, 2, 4, 8 minutes, then 15.
pub fn backoff_ms(failures: u32) -> u64 {
    todo!("double from one minute, cap at BACKOFF_CAP_MS")
}

impl Shop {
    /// A shop (re)started over `db`, with a fresh breaker: what a restart after a crash
    /// looks like.
    pub fn new(db: Db) -> Shop {
        Shop {
            db,
            breaker: Breaker::default(),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn db_mut(&mut self) -> &mut Db {
        &mut self.db
    }

    pub fn into_db(self) -> Db {
        self.db
    }

    pub fn checkout(
        &mut self,
        order: OrderId,
        now_ms: u64,
        gateway: &mut impl Gateway,
    ) -> Result<Reply, Crashed> {
        todo!("order and job in one transaction, then one call through the breaker")
    }

    pub fn run_due(&mut self, now_ms: u64, gateway: &mut impl Gateway) -> Result<(), Crashed> {
        todo!("re-check, give up after 24 h, park while open, else call")
    }
}
