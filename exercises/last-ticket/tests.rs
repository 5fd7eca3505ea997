use super::*;
use std::sync::Barrier;
use std::thread;

const THREADS: usize = 8;

#[test]
fn a_new_counter_has_every_ticket() {
    ::core::assert_eq!(TicketCounter::new(5).available(), 5);
    ::core::assert_eq!(TicketCounter::new(0).available(), 0);
}

#[test]
fn an_empty_counter_sells_nothing() {
    let counter = TicketCounter::new(0);
    ::core::assert!(!counter.try_buy(), "no tickets, no sale");
    ::core::assert_eq!(
        counter.available(),
        0,
        "a refused sale must not wrap below zero"
    );
}

#[test]
fn buying_many_is_all_or_nothing() {
    let counter = TicketCounter::new(5);
    ::core::assert!(counter.try_buy_many(3));
    ::core::assert_eq!(counter.available(), 2);
    ::core::assert!(
        !counter.try_buy_many(3),
        "only 2 left: a request for 3 must be refused, not half-filled"
    );
    ::core::assert_eq!(
        counter.available(),
        2,
        "a refused request must leave the stock alone"
    );
    ::core::assert!(counter.try_buy_many(2));
    ::core::assert_eq!(counter.available(), 0);
}

#[test]
fn buying_zero_tickets_succeeds_and_changes_nothing() {
    let counter = TicketCounter::new(0);
    ::core::assert!(counter.try_buy_many(0));
    ::core::assert_eq!(counter.available(), 0);
}

#[test]
fn release_returns_tickets_up_to_capacity() {
    let counter = TicketCounter::new(4);
    ::core::assert!(counter.try_buy_many(3));
    ::core::assert_eq!(counter.release(2), Ok(()));
    ::core::assert_eq!(counter.available(), 3);
    ::core::assert_eq!(
        counter.release(2),
        Err(TooMany),
        "only 1 ticket is out; giving back 2 would invent a ticket"
    );
    ::core::assert_eq!(
        counter.available(),
        3,
        "a refused release must change nothing"
    );
    ::core::assert_eq!(counter.release(1), Ok(()));
    ::core::assert_eq!(counter.available(), 4);
    ::core::assert_eq!(counter.release(0), Ok(()));
}

#[test]
fn release_near_u32_max_does_not_overflow() {
    let counter = TicketCounter::new(u32::MAX);
    ::core::assert!(counter.try_buy());
    ::core::assert_eq!(counter.release(2), Err(TooMany));
    ::core::assert_eq!(counter.release(1), Ok(()));
    ::core::assert_eq!(counter.available(), u32::MAX);
}

#[test]
fn many_threads_never_oversell() {
    const TICKETS: u32 = 100;
    let counter = TicketCounter::new(TICKETS);
    let start = Barrier::new(THREADS);
    let sold: u32 = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    (0..1_000).filter(|_| counter.try_buy()).count() as u32
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    ::core::assert_eq!(
        sold, TICKETS,
        "{sold} confirmations were sent for {TICKETS} tickets: check and decrement must be one atomic step"
    );
    ::core::assert_eq!(counter.available(), 0);
}

#[test]
fn the_last_ticket_goes_to_exactly_one_buyer_every_time() {
    for round in 0..200 {
        let counter = TicketCounter::new(1);
        let start = Barrier::new(THREADS);
        let winners: usize = thread::scope(|s| {
            let handles: Vec<_> = (0..THREADS)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        counter.try_buy() as usize
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        ::core::assert_eq!(
            winners, 1,
            "round {round}: {winners} buyers got the last ticket"
        );
    }
}

#[test]
fn group_purchases_from_many_threads_never_oversell() {
    const TICKETS: u32 = 1_000;
    let counter = TicketCounter::new(TICKETS);
    let start = Barrier::new(THREADS);
    let sold: u32 = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let counter = &counter;
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    let group = (i as u32 % 4) + 1; // groups of 1 to 4
                    let mut bought = 0;
                    for _ in 0..500 {
                        if counter.try_buy_many(group) {
                            bought += group;
                        }
                    }
                    bought
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    ::core::assert!(sold <= TICKETS, "sold {sold} of {TICKETS} tickets");
    ::core::assert_eq!(
        sold + counter.available(),
        TICKETS,
        "every ticket must be either sold or still available, none lost or invented"
    );
    ::core::assert!(
        counter.available() < 4,
        "buyers of 1 ticket should have drained the stock"
    );
}

#[test]
fn buying_and_releasing_at_once_keeps_the_books_balanced() {
    const TICKETS: u32 = 50;
    let counter = TicketCounter::new(TICKETS);
    let start = Barrier::new(THREADS);
    let net_held: u32 = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    let mut held = 0u32;
                    for i in 0..2_000 {
                        if i % 3 == 2 && held > 0 {
                            counter
                                .release(1)
                                .expect("releasing a ticket we hold must be accepted");
                            held -= 1;
                        } else if counter.try_buy() {
                            held += 1;
                        }
                    }
                    held
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    ::core::assert_eq!(
        net_held + counter.available(),
        TICKETS,
        "tickets held ({net_held}) + available ({}) must equal the capacity",
        counter.available()
    );
}
