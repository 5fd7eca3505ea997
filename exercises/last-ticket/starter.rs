//! The last ticket. The task is in the pane beside the editor.

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
