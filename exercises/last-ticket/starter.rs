//! # The last ticket
//!
//! The incident: a concert had one ticket left. Two fans pressed "buy" in the same
//! millisecond. Both requests read "1 available", both decided "enough!", both wrote
//! back "0", and both got a confirmation email. One of them was turned away at the door.
//!
//! The code that did it looked like this (do not copy it; it is the bug):
//!
//! ```text
//! let n = self.available.load(Ordering::SeqCst);   // 1. check
//! if n == 0 { return false; }
//! self.available.store(n - 1, Ordering::SeqCst);   // 2. act
//! true
//! ```
//!
//! Each line is atomic on its own, but the *pair* is not: between the check and the
//! act, another thread can run the same check on the same value. This is the classic
//! check-then-act race. Databases have the same trap (`SELECT` then `UPDATE`), and the
//! same cure: make the decision and the change a single step
//! (`UPDATE tickets SET n = n - 1 WHERE id = ? AND n > 0`).
//!
//! In Rust the single step is a compare-and-swap: `compare_exchange(expected, new)`
//! stores `new` only if the value is still `expected`; otherwise it fails and tells you
//! the value it found, and you decide again with fresh facts. (A `Mutex<u32>` around the
//! check and the act also works; an atomic loop never blocks a thread.)
//!
//! The hidden tests run many threads buying at once and count the confirmations: they
//! must equal the number of tickets, never one more.
//!
//! Rules:
//! - `try_buy_many(k)` buys all `k` tickets or none (a family of four does not want three
//!   seats). Buying zero tickets always succeeds and changes nothing.
//! - `release(k)` gives tickets back (a reservation expired, an order was cancelled).
//!   Giving back more than were sold is a bug in the caller: refuse it with `TooMany`
//!   and change nothing, rather than invent tickets.

use std::sync::atomic::{AtomicU32, Ordering};

/// Returned by `release` when the tickets would exceed the capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany;

/// The stock of one event, safe to share between threads (`&TicketCounter` is enough,
/// no `&mut` needed, because every change goes through the atomic).
#[derive(Debug)]
pub struct TicketCounter {
    capacity: u32,
    available: AtomicU32,
}

impl TicketCounter {
    /// A counter with every ticket still available.
    pub fn new(capacity: u32) -> TicketCounter {
        TicketCounter {
            capacity,
            available: AtomicU32::new(capacity),
        }
    }

    /// How many tickets are left right now (may change the moment you look).
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }

    /// Buys one ticket. `true` means the ticket is yours; `false` means sold out.
    pub fn try_buy(&self) -> bool {
        todo!("one atomic check-and-decrement, never a separate load and store")
    }

    /// Buys `k` tickets at once, all or nothing.
    pub fn try_buy_many(&self, k: u32) -> bool {
        todo!("a compare_exchange loop (or fetch_update) that refuses when fewer than k are left")
    }

    /// Returns `k` tickets to the stock, unless that would exceed the capacity.
    pub fn release(&self, k: u32) -> Result<(), TooMany> {
        todo!("the same loop shape, with an upper bound instead of a lower one")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn sells_until_sold_out() {
        let counter = TicketCounter::new(2);
        assert!(counter.try_buy());
        assert!(counter.try_buy());
        assert!(!counter.try_buy(), "the third buyer must be refused");
        assert_eq!(counter.available(), 0);
    }

    #[test]
    fn two_threads_cannot_both_get_the_last_ticket() {
        let counter = TicketCounter::new(1);
        let wins: usize = std::thread::scope(|s| {
            let a = s.spawn(|| counter.try_buy() as usize);
            let b = s.spawn(|| counter.try_buy() as usize);
            a.join().unwrap() + b.join().unwrap()
        });
        assert_eq!(wins, 1);
    }
}
