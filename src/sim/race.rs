//! The last ticket: buyers racing for scarce stock over one shared row, step by step.
//!
//! Each buyer runs the purchase as a small step machine (read stock, check, decrement,
//! create order, or a strategy's variant of those). The only thing left open is *who moves
//! next*, so a whole run is fixed by its schedule: the sequence of actor indices that
//! moved. That makes races reproducible and countable: [`checker`] enumerates every
//! schedule and counts the ones that end wrong.
//!
//! # What "wrong" means
//! A finished run is **wrong** when any of these holds (see [`Outcome`]):
//! - **oversold**: more orders than the initial stock, or the stock below zero;
//! - **lost tickets**: once the clean-up job has returned every expired reservation,
//!   `stock + orders` is less than the initial stock, so tickets vanished without a sale;
//! - **stuck**: no actor can move but some buyer has not finished (a deadlock).
//!
//! A buyer turned away while a ticket stays unsold is *not* wrong (nothing is corrupted),
//! but it is a cost some fixes pay, so it is counted separately.

pub mod checker;
pub mod sale;

use serde::{Deserialize, Serialize};

use super::engine::SimRng;

/// Fewest buyers a race needs.
pub const MIN_BUYERS: usize = 2;
/// Most buyers: four keeps the exhaustive checker instant (at most 16!/(4!)^4 schedules).
pub const MAX_BUYERS: usize = 4;
/// Most tickets on sale; more would only make races rarer.
pub const MAX_STOCK: u32 = 4;

/// How the buyers try to take a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Strategy {
    /// Read, check, then `stock = stock - 1` and create the order: check-then-act, not atomic.
    Naive,
    /// Row version: `UPDATE .. SET stock = seen - 1, version = version + 1 WHERE version = seen`;
    /// zero rows updated means someone else won, and this buyer gives up.
    OptimisticGiveUp,
    /// The same conditional update, but a conflict sends the buyer back to read again
    /// (up to `max_retries` times).
    OptimisticRetry,
    /// One statement does check and act: `UPDATE .. SET stock = stock - 1 WHERE stock > 0`.
    AtomicDecrement,
    /// Reserve atomically, pay, then confirm while the hold is still valid; a clean-up job
    /// returns expired holds to stock.
    Reservation,
    /// Take the row lock (or run the whole purchase as one serializable transaction), do
    /// the naive steps, release.
    Lock,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Self::Naive,
        Self::OptimisticGiveUp,
        Self::OptimisticRetry,
        Self::AtomicDecrement,
        Self::Reservation,
        Self::Lock,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Naive => "naive check-then-act",
            Self::OptimisticGiveUp => "optimistic, give up on conflict",
            Self::OptimisticRetry => "optimistic, retry on conflict",
            Self::AtomicDecrement => "atomic conditional decrement",
            Self::Reservation => "reservation with expiry",
            Self::Lock => "row lock / serializable",
        }
    }

    /// One sentence on how the strategy works, for the view.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Naive => {
                "Each buyer reads the stock, checks it is above zero, decrements it and creates an order. Between the check and the decrement another buyer can do the same."
            }
            Self::OptimisticGiveUp => {
                "The row carries a version. The update only applies if the version is still the one read; if another buyer wrote first, zero rows change and this buyer gives up."
            }
            Self::OptimisticRetry => {
                "Like the version check, but a conflict sends the buyer back to read the row again, so a lost race is retried instead of refused."
            }
            Self::AtomicDecrement => {
                "Check and act in one statement: decrement only where stock > 0. The database runs it atomically, so there is no gap to race through."
            }
            Self::Reservation => {
                "A buyer atomically reserves a ticket for a few steps, pays, then confirms. Confirming after the hold expired fails; a clean-up job returns expired holds to stock."
            }
            Self::Lock => {
                "A buyer takes the row lock before reading and releases it after the order; the others wait. Correct, but buyers queue behind each other."
            }
        }
    }

    /// Whether the clean-up job takes part (it is an extra actor in every schedule).
    pub fn has_cleanup_job(self) -> bool {
        self == Self::Reservation
    }

    /// The step every buyer starts with.
    fn first_step(self) -> Step {
        match self {
            Self::Naive | Self::OptimisticGiveUp | Self::OptimisticRetry => Step::Read,
            Self::AtomicDecrement => Step::DecrementIfInStock,
            Self::Reservation => Step::Reserve,
            Self::Lock => Step::Lock,
        }
    }
}

/// One buyer step (or the clean-up job's sweep).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    Lock,
    Read,
    Check,
    Decrement,
    ConditionalUpdate,
    DecrementIfInStock,
    Reserve,
    Pay,
    Confirm,
    CreateOrder,
    Unlock,
    Sweep,
}

impl Step {
    /// Short label for lanes and buttons.
    pub fn label(self) -> &'static str {
        match self {
            Self::Lock => "lock row",
            Self::Read => "read stock",
            Self::Check => "check > 0",
            Self::Decrement => "stock − 1",
            Self::ConditionalUpdate => "update if same v",
            Self::DecrementIfInStock => "−1 where > 0",
            Self::Reserve => "reserve",
            Self::Pay => "pay",
            Self::Confirm => "confirm",
            Self::CreateOrder => "create order",
            Self::Unlock => "unlock",
            Self::Sweep => "expire holds",
        }
    }
}

/// How a buyer's purchase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BuyerResult {
    Bought,
    /// Saw no stock (or the conditional update matched no row).
    SoldOut,
    /// Lost an optimistic race and did not (or could no longer) retry.
    GaveUp,
    /// Paid too late: the reservation had expired, so the payment is refunded.
    Expired,
}

impl BuyerResult {
    pub fn label(self) -> &'static str {
        match self {
            Self::Bought => "bought",
            Self::SoldOut => "sold out",
            Self::GaveUp => "gave up",
            Self::Expired => "hold expired",
        }
    }
}

/// Settings of one race. Validated by [`Race::new`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct RaceConfig {
    pub strategy: Strategy,
    pub buyers: usize,
    /// Tickets on sale at the start.
    pub stock: u32,
    /// How many steps (of any actor) a reservation stays valid.
    pub reservation_ttl: u32,
    /// Retries an optimistic buyer may make after a conflict.
    pub max_retries: u32,
    /// How many sweeps the clean-up job makes during the run (it keeps running after, so
    /// the final state also returns what is still expired).
    pub cleanup_sweeps: u32,
}

impl Default for RaceConfig {
    fn default() -> Self {
        Self {
            strategy: Strategy::Naive,
            buyers: 2,
            stock: 1,
            reservation_ttl: 4,
            max_retries: 3,
            cleanup_sweeps: 1,
        }
    }
}

impl RaceConfig {
    pub fn with(strategy: Strategy, buyers: usize, stock: u32) -> Self {
        Self {
            strategy,
            buyers,
            stock,
            ..Self::default()
        }
    }

    /// Buyers plus the clean-up job when the strategy has one.
    pub fn actor_count(&self) -> usize {
        self.buyers + usize::from(self.strategy.has_cleanup_job())
    }

    /// "A".."D" for buyers, "Job" for the clean-up job.
    pub fn actor_name(&self, actor: usize) -> String {
        if actor < self.buyers {
            char::from(b'A' + actor as u8).to_string()
        } else {
            "Job".to_owned()
        }
    }

    fn validate(&self) -> Result<(), RaceError> {
        if !(MIN_BUYERS..=MAX_BUYERS).contains(&self.buyers) {
            return Err(RaceError::Buyers(self.buyers));
        }
        if !(1..=MAX_STOCK).contains(&self.stock) {
            return Err(RaceError::Stock(self.stock));
        }
        if !(1..=20).contains(&self.reservation_ttl) {
            return Err(RaceError::Ttl(self.reservation_ttl));
        }
        if self.max_retries > 5 || !(1..=3).contains(&self.cleanup_sweeps) {
            return Err(RaceError::Limits);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RaceError {
    #[error("a race needs {MIN_BUYERS} to {MAX_BUYERS} buyers, not {0}")]
    Buyers(usize),
    #[error("stock must be 1 to {MAX_STOCK}, not {0}")]
    Stock(u32),
    #[error("a reservation must last 1 to 20 steps, not {0}")]
    Ttl(u32),
    #[error("retries must be at most 5 and clean-up sweeps 1 to 3")]
    Limits,
    #[error("{0} cannot move now (finished, waiting for the lock, or not in this race)")]
    NotEnabled(String),
    #[error("schedule position {0}: actor {1} cannot move there")]
    BadSchedule(usize, usize),
}

/// The shared row (plus the reservation table), as every buyer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Row {
    pub stock: i32,
    /// Bumped by every write to the row.
    pub version: u32,
    pub orders: u32,
    /// Which buyer holds the row lock.
    pub lock: Option<usize>,
    /// Per buyer, the step at which its held reservation expires.
    pub holds: [Option<u32>; MAX_BUYERS],
}

impl Row {
    /// Tickets currently held by reservations.
    pub fn held(&self) -> u32 {
        self.holds.iter().flatten().count() as u32
    }
}

/// A buyer's private state: where it is in its program and what it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Buyer {
    next: Option<Step>,
    seen_stock: i32,
    seen_version: u32,
    retries: u32,
    result: Option<BuyerResult>,
}

/// What a step did, for the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Note {
    Locked,
    Saw { stock: i32, version: u32 },
    CheckPassed,
    CheckFailed,
    Wrote,
    Conflict { retry: bool },
    NoRowUpdated,
    Reserved { until: u32 },
    Paid,
    Confirmed,
    HoldExpired,
    OrderCreated,
    Unlocked,
    Released(u32),
}

impl Note {
    pub fn describe(self) -> String {
        match self {
            Self::Locked => "took the lock".into(),
            Self::Saw { stock, version } => format!("saw {stock} (v{version})"),
            Self::CheckPassed => "looks available".into(),
            Self::CheckFailed => "sold out".into(),
            Self::Wrote => "1 row updated".into(),
            Self::Conflict { retry: true } => "conflict: retry".into(),
            Self::Conflict { retry: false } => "conflict: gave up".into(),
            Self::NoRowUpdated => "0 rows: sold out".into(),
            // `until` is a 0-based step index; the timeline numbers steps from 1, and the
            // hold is valid while the index is below `until`: through step `until`.
            Self::Reserved { until } => format!("held through step {until}"),
            Self::Paid => "payment taken".into(),
            Self::Confirmed => "order created".into(),
            Self::HoldExpired => "too late: refund".into(),
            Self::OrderCreated => "order created".into(),
            Self::Unlocked => "released the lock".into(),
            Self::Released(0) => "nothing expired".into(),
            Self::Released(n) => format!("returned {n} to stock"),
        }
    }
}

/// One executed step of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Position in the schedule, from 0.
    pub index: usize,
    pub actor: usize,
    pub step: Step,
    pub note: Note,
    /// The row after the step.
    pub row: Row,
    /// This step oversold: it took the stock below zero or created one order too many.
    pub oversell: bool,
}

/// The verdict on a finished run. See the module docs for the definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub orders: u32,
    /// Stock after the clean-up job returned every expired hold.
    pub final_stock: i32,
    pub oversold: bool,
    pub lost_tickets: u32,
    pub stuck: bool,
    /// Buyers who left without a ticket although one stayed unsold.
    pub turned_away: u32,
}

impl Outcome {
    pub fn wrong(&self) -> bool {
        self.oversold || self.lost_tickets > 0 || self.stuck
    }

    /// One line for the learner.
    pub fn summary(&self, initial_stock: u32) -> String {
        if self.stuck {
            return "stuck: nobody can move".into();
        }
        let mut text = format!(
            "{} order{} for {} ticket{}, stock {}",
            self.orders,
            plural(self.orders as u64),
            initial_stock,
            plural(initial_stock as u64),
            self.final_stock
        );
        if self.oversold {
            text.push_str(": OVERSOLD");
        } else if self.lost_tickets > 0 {
            text.push_str(&format!(": {} ticket(s) lost", self.lost_tickets));
        } else if self.turned_away > 0 {
            text.push_str(&format!(
                ": correct, but {} buyer(s) turned away while a ticket was left",
                self.turned_away
            ));
        } else {
            text.push_str(": correct");
        }
        text
    }
}

pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The whole model state: what the checker memoises. Small, copyable-ish and hashable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct State {
    row: Row,
    buyers: [Buyer; MAX_BUYERS],
    sweeps_left: u32,
    /// Steps taken; only kept where time matters (reservations), so the checker can merge
    /// states that differ in nothing else.
    clock: u32,
}

impl State {
    fn new(config: &RaceConfig) -> Self {
        let idle = Buyer {
            next: None,
            seen_stock: 0,
            seen_version: 0,
            retries: 0,
            result: None,
        };
        let mut buyers = [idle; MAX_BUYERS];
        for buyer in buyers.iter_mut().take(config.buyers) {
            buyer.next = Some(config.strategy.first_step());
        }
        Self {
            row: Row {
                stock: config.stock as i32,
                ..Row::default()
            },
            buyers,
            sweeps_left: if config.strategy.has_cleanup_job() {
                config.cleanup_sweeps
            } else {
                0
            },
            clock: 0,
        }
    }

    fn next_step(&self, config: &RaceConfig, actor: usize) -> Option<Step> {
        if actor < config.buyers {
            self.buyers[actor].next
        } else if actor == config.buyers && self.sweeps_left > 0 {
            Some(Step::Sweep)
        } else {
            None
        }
    }

    fn is_enabled(&self, config: &RaceConfig, actor: usize) -> bool {
        match self.next_step(config, actor) {
            Some(Step::Lock) => self.row.lock.is_none(),
            Some(_) => true,
            None => false,
        }
    }

    fn enabled(&self, config: &RaceConfig) -> impl Iterator<Item = usize> + '_ {
        let config = config.clone();
        (0..config.actor_count()).filter(move |&a| self.is_enabled(&config, a))
    }

    fn all_done(&self, config: &RaceConfig) -> bool {
        (0..config.actor_count()).all(|a| self.next_step(config, a).is_none())
    }

    /// Runs one step of `actor`; the caller has checked that it is enabled.
    fn apply(&mut self, config: &RaceConfig, actor: usize) -> (Step, Note) {
        let now = self.clock;
        if config.strategy.has_cleanup_job() {
            self.clock += 1;
        }
        if actor >= config.buyers {
            self.sweeps_left -= 1;
            return (Step::Sweep, Note::Released(self.release_expired(now)));
        }
        let strategy = config.strategy;
        let row = &mut self.row;
        let buyer = &mut self.buyers[actor];
        let Some(step) = buyer.next else {
            return (Step::Sweep, Note::Released(0));
        };
        let finish = |buyer: &mut Buyer, result| {
            buyer.result = Some(result);
            buyer.next = None;
        };
        let note = match step {
            Step::Lock => {
                row.lock = Some(actor);
                buyer.next = Some(Step::Read);
                Note::Locked
            }
            Step::Read => {
                buyer.seen_stock = row.stock;
                buyer.seen_version = row.version;
                buyer.next = Some(Step::Check);
                Note::Saw {
                    stock: row.stock,
                    version: row.version,
                }
            }
            Step::Check if buyer.seen_stock > 0 => {
                buyer.next = Some(match strategy {
                    Strategy::OptimisticGiveUp | Strategy::OptimisticRetry => {
                        Step::ConditionalUpdate
                    }
                    _ => Step::Decrement,
                });
                Note::CheckPassed
            }
            Step::Check => {
                finish(buyer, BuyerResult::SoldOut);
                if strategy == Strategy::Lock {
                    buyer.next = Some(Step::Unlock);
                }
                Note::CheckFailed
            }
            Step::Decrement => {
                row.stock -= 1;
                row.version += 1;
                buyer.next = Some(Step::CreateOrder);
                Note::Wrote
            }
            Step::ConditionalUpdate if row.version == buyer.seen_version => {
                row.stock = buyer.seen_stock - 1;
                row.version += 1;
                buyer.next = Some(Step::CreateOrder);
                Note::Wrote
            }
            Step::ConditionalUpdate => {
                let retry =
                    strategy == Strategy::OptimisticRetry && buyer.retries < config.max_retries;
                if retry {
                    buyer.retries += 1;
                    buyer.next = Some(Step::Read);
                } else {
                    finish(buyer, BuyerResult::GaveUp);
                }
                Note::Conflict { retry }
            }
            Step::DecrementIfInStock if row.stock > 0 => {
                row.stock -= 1;
                row.version += 1;
                buyer.next = Some(Step::CreateOrder);
                Note::Wrote
            }
            Step::DecrementIfInStock => {
                finish(buyer, BuyerResult::SoldOut);
                Note::NoRowUpdated
            }
            Step::Reserve if row.stock > 0 => {
                row.stock -= 1;
                row.version += 1;
                let until = now + config.reservation_ttl;
                row.holds[actor] = Some(until);
                buyer.next = Some(Step::Pay);
                Note::Reserved { until }
            }
            Step::Reserve => {
                finish(buyer, BuyerResult::SoldOut);
                Note::NoRowUpdated
            }
            Step::Pay => {
                buyer.next = Some(Step::Confirm);
                Note::Paid
            }
            Step::Confirm => match row.holds[actor] {
                // Confirming consumes the hold and creates the order in one statement, and
                // only while the hold is valid: the job releases holds only once expired,
                // so a ticket is never both sold and returned.
                Some(until) if now < until => {
                    row.holds[actor] = None;
                    row.orders += 1;
                    finish(buyer, BuyerResult::Bought);
                    Note::Confirmed
                }
                _ => {
                    finish(buyer, BuyerResult::Expired);
                    Note::HoldExpired
                }
            },
            Step::CreateOrder => {
                row.orders += 1;
                finish(buyer, BuyerResult::Bought);
                if strategy == Strategy::Lock {
                    buyer.next = Some(Step::Unlock);
                }
                Note::OrderCreated
            }
            Step::Unlock => {
                row.lock = None;
                buyer.next = None;
                Note::Unlocked
            }
            Step::Sweep => Note::Released(0),
        };
        (step, note)
    }

    /// Returns every hold that has expired by `now` to stock; how many.
    fn release_expired(&mut self, now: u32) -> u32 {
        let mut released = 0;
        for hold in self.row.holds.iter_mut() {
            if hold.is_some_and(|until| until <= now) {
                *hold = None;
                released += 1;
            }
        }
        if released > 0 {
            self.row.stock += released as i32;
            self.row.version += 1;
        }
        released
    }

    /// The verdict once no actor can move.
    fn outcome(&self, config: &RaceConfig) -> Outcome {
        let stuck = !self.all_done(config);
        // The job keeps running after the race: by then every remaining hold has expired.
        let final_stock = self.row.stock + self.row.held() as i32;
        let orders = self.row.orders;
        let initial = config.stock as i32;
        let oversold = orders as i32 > initial || final_stock < 0 || self.row.stock < 0;
        let lost_tickets = (initial - final_stock - orders as i32).max(0) as u32;
        let turned_away = if final_stock > 0 {
            self.buyers[..config.buyers]
                .iter()
                .filter(|b| b.result.is_some_and(|r| r != BuyerResult::Bought))
                .count() as u32
        } else {
            0
        };
        Outcome {
            orders,
            final_stock,
            oversold,
            lost_tickets,
            stuck,
            turned_away,
        }
    }
}

/// One race you can step: the model state plus the timeline of what happened.
#[derive(Debug, Clone)]
pub struct Race {
    config: RaceConfig,
    state: State,
    trace: Vec<StepRecord>,
}

impl Default for Race {
    /// The default race: two naive buyers, one ticket (the default config is valid).
    fn default() -> Self {
        let config = RaceConfig::default();
        Self {
            state: State::new(&config),
            config,
            trace: Vec::new(),
        }
    }
}

impl Race {
    pub fn new(config: RaceConfig) -> Result<Self, RaceError> {
        config.validate()?;
        Ok(Self {
            state: State::new(&config),
            config,
            trace: Vec::new(),
        })
    }

    /// Runs a whole schedule (a sequence of actor indices) from the start.
    pub fn replay(config: RaceConfig, schedule: &[usize]) -> Result<Self, RaceError> {
        let mut race = Self::new(config)?;
        for (i, &actor) in schedule.iter().enumerate() {
            if !race.is_enabled(actor) {
                return Err(RaceError::BadSchedule(i, actor));
            }
            race.step(actor)?;
        }
        Ok(race)
    }

    /// Runs to the end, choosing uniformly among the actors that can move, from `seed`.
    pub fn random(config: RaceConfig, seed: u64) -> Result<Self, RaceError> {
        let mut race = Self::new(config)?;
        let mut rng = SimRng::new(seed);
        while race.step_random(&mut rng).is_some() {}
        Ok(race)
    }

    /// Moves a random enabled actor; `None` when nobody can move.
    pub fn step_random(&mut self, rng: &mut SimRng) -> Option<StepRecord> {
        let enabled = self.enabled();
        if enabled.is_empty() {
            return None;
        }
        let actor = enabled[rng.index(enabled.len())];
        self.step(actor).ok()
    }

    pub fn config(&self) -> &RaceConfig {
        &self.config
    }

    pub fn row(&self) -> &Row {
        &self.state.row
    }

    pub fn trace(&self) -> &[StepRecord] {
        &self.trace
    }

    /// The schedule so far.
    pub fn schedule(&self) -> Vec<usize> {
        self.trace.iter().map(|r| r.actor).collect()
    }

    /// What `actor` would do next, if it has anything left.
    pub fn next_step(&self, actor: usize) -> Option<Step> {
        self.state.next_step(&self.config, actor)
    }

    pub fn is_enabled(&self, actor: usize) -> bool {
        self.state.is_enabled(&self.config, actor)
    }

    pub fn enabled(&self) -> Vec<usize> {
        self.state.enabled(&self.config).collect()
    }

    /// How a buyer ended, once it has.
    pub fn result(&self, buyer: usize) -> Option<BuyerResult> {
        self.state
            .buyers
            .get(buyer)
            .filter(|b| b.next.is_none())
            .and_then(|b| b.result)
    }

    pub fn is_finished(&self) -> bool {
        self.enabled().is_empty()
    }

    /// Moves `actor` one step.
    pub fn step(&mut self, actor: usize) -> Result<StepRecord, RaceError> {
        if !self.is_enabled(actor) {
            return Err(RaceError::NotEnabled(self.config.actor_name(actor)));
        }
        let before = self.state.row;
        let (step, note) = self.state.apply(&self.config, actor);
        let after = self.state.row;
        let initial = self.config.stock;
        let record = StepRecord {
            index: self.trace.len(),
            actor,
            step,
            note,
            row: after,
            oversell: (after.stock < 0 && before.stock >= 0)
                || (after.orders > initial && before.orders <= initial),
        };
        self.trace.push(record);
        Ok(record)
    }

    /// The verdict, once nobody can move.
    pub fn outcome(&self) -> Option<Outcome> {
        self.is_finished().then(|| self.state.outcome(&self.config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_incident_interleaving_oversells_at_the_decrement() {
        // A reads, B reads, both check, both decrement, both order.
        let race = Race::replay(RaceConfig::default(), &[0, 1, 0, 1, 0, 1, 0, 1]).unwrap();
        let out = race.outcome().unwrap();
        assert!(out.oversold && out.wrong());
        assert_eq!((out.orders, out.final_stock), (2, -1));
        let marks: Vec<usize> = race
            .trace()
            .iter()
            .filter(|r| r.oversell)
            .map(|r| r.index)
            .collect();
        assert_eq!(marks, [5, 7], "the second decrement and the second order");
    }

    #[test]
    fn a_serial_schedule_is_correct_and_the_late_buyer_sees_sold_out() {
        let race = Race::replay(RaceConfig::default(), &[0, 0, 0, 0, 1, 1]).unwrap();
        let out = race.outcome().unwrap();
        assert!(!out.wrong());
        assert_eq!(race.result(1), Some(BuyerResult::SoldOut));
    }

    #[test]
    fn a_waiting_buyer_cannot_move_and_bad_schedules_are_refused() {
        let config = RaceConfig::with(Strategy::Lock, 2, 1);
        let mut race = Race::new(config.clone()).unwrap();
        race.step(0).unwrap();
        assert_eq!(race.enabled(), [0]);
        assert!(matches!(race.step(1), Err(RaceError::NotEnabled(_))));
        assert_eq!(
            Race::replay(config, &[0, 1]).err(),
            Some(RaceError::BadSchedule(1, 1))
        );
        assert!(Race::new(RaceConfig::with(Strategy::Naive, 5, 1)).is_err());
    }

    #[test]
    fn an_expired_hold_is_refunded_and_returned_by_the_job() {
        let config = RaceConfig {
            reservation_ttl: 2,
            ..RaceConfig::with(Strategy::Reservation, 2, 1)
        };
        // A reserves (step 0, until 2), B moves (fails: sold out), A pays, job sweeps at
        // step 3 and returns A's hold, A confirms too late.
        let race = Race::replay(config, &[0, 1, 0, 2, 0]).unwrap();
        assert_eq!(race.result(0), Some(BuyerResult::Expired));
        let out = race.outcome().unwrap();
        assert!(!out.wrong());
        assert_eq!((out.orders, out.final_stock, out.turned_away), (0, 1, 2));
    }

    #[test]
    fn random_runs_are_reproducible_from_the_seed() {
        let config = RaceConfig::with(Strategy::OptimisticRetry, 4, 2);
        let a = Race::random(config.clone(), 9).unwrap();
        let b = Race::random(config, 9).unwrap();
        assert_eq!(a.schedule(), b.schedule());
        assert!(a.is_finished());
    }
}
