//! Reference solution for "The last ticket".

use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany;

#[derive(Debug)]
pub struct TicketCounter {
    capacity: u32,
    available: AtomicU32,
}

impl TicketCounter {
    pub fn new(capacity: u32) -> TicketCounter {
        TicketCounter {
            capacity,
            available: AtomicU32::new(capacity),
        }
    }

    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }

    pub fn try_buy(&self) -> bool {
        self.try_buy_many(1)
    }

    pub fn try_buy_many(&self, k: u32) -> bool {
        // The explicit loop, to show what `fetch_update` does inside.
        let mut current = self.available.load(Ordering::Acquire);
        loop {
            let Some(left) = current.checked_sub(k) else {
                return false;
            };
            match self.available.compare_exchange_weak(
                current,
                left,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }

    pub fn release(&self, k: u32) -> Result<(), TooMany> {
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                n.checked_add(k).filter(|&m| m <= self.capacity)
            })
            .map(|_| ())
            .map_err(|_| TooMany)
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
