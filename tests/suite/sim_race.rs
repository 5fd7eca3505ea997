//! The last-ticket model checker: counts pinned by hand reasoning and by an independent
//! brute-force walk, and the proof (by exhaustion, for small cases) that the fixes never
//! oversell or lose a ticket.

use resilience_workbook::sim::race::checker::{Checker, report};
use resilience_workbook::sim::race::{MAX_BUYERS, MAX_STOCK, Race, RaceConfig, Strategy};

/// Walks every schedule through the public `Race` API with no memo at all: a second,
/// independent way to count, used to check the memoised counter.
fn brute_force(race: &Race, total: &mut u64, wrong: &mut u64) {
    let enabled = race.enabled();
    if enabled.is_empty() {
        *total += 1;
        if race.outcome().is_some_and(|o| o.wrong()) {
            *wrong += 1;
        }
        return;
    }
    for actor in enabled {
        let mut next = race.clone();
        next.step(actor).unwrap();
        brute_force(&next, total, wrong);
    }
}

fn counts(strategy: Strategy, buyers: usize, stock: u32) -> (u64, u64) {
    let t = Checker::run(RaceConfig::with(strategy, buyers, stock))
        .unwrap()
        .tally();
    (t.total, t.wrong)
}

fn factorial(n: u64) -> u64 {
    (1..=n).product()
}

#[test]
fn two_naive_buyers_for_one_ticket_oversell_in_60_of_66_interleavings() {
    // By hand: each buyer runs read, check, decrement, order (4 steps) unless its read
    // comes after the other's decrement; then it sees 0 and stops after its check.
    // Both reads cannot be late. If neither is: any of the C(8,4) = 70 full schedules
    // except the 5 + 5 where one buyer's first three steps all precede the other's read,
    // so 60 schedules, each with two orders. If B's read is late: A's first three steps,
    // then A's order interleaved with B's read and check: 3 schedules; the same for A: 3.
    // Total 66, of which the 60 oversell.
    assert_eq!(counts(Strategy::Naive, 2, 1), (66, 60));
}

#[test]
fn with_enough_stock_every_full_interleaving_happens_and_none_is_wrong() {
    // Nobody ever sees 0, so every buyer runs all 4 steps: multinomial counts.
    assert_eq!(counts(Strategy::Naive, 2, 2), (70, 0)); // C(8,4)
    assert_eq!(
        counts(Strategy::Naive, 3, 3),
        (factorial(12) / factorial(4).pow(3), 0)
    );
    assert_eq!(counts(Strategy::AtomicDecrement, 2, 2), (6, 0)); // C(4,2)
}

#[test]
fn atomic_and_lock_counts_follow_from_who_goes_first() {
    for n in 2..=4u64 {
        // Atomic, one ticket: one of n buyers decrements first; then the winner's order
        // and the n-1 failed decrements come in any of n! orders.
        assert_eq!(
            counts(Strategy::AtomicDecrement, n as usize, 1),
            (n * factorial(n), 0)
        );
        // Lock: the holder runs to its unlock before anyone else can start, so a
        // schedule is just the order in which buyers take the lock.
        assert_eq!(counts(Strategy::Lock, n as usize, 1), (factorial(n), 0));
    }
}

#[test]
fn the_memoised_counts_match_a_brute_force_walk() {
    for strategy in Strategy::ALL {
        for (buyers, stock) in [(2, 1), (2, 2), (3, 1)] {
            let config = RaceConfig::with(strategy, buyers, stock);
            let mut brute = (0, 0);
            brute_force(
                &Race::new(config.clone()).unwrap(),
                &mut brute.0,
                &mut brute.1,
            );
            assert_eq!(
                counts(strategy, buyers, stock),
                brute,
                "{strategy:?} {buyers} buyers, stock {stock}"
            );
        }
    }
}

#[test]
fn pinned_counts_for_one_ticket() {
    // (strategy, buyers) -> (interleavings, wrong), stock 1. The two-buyer naive and the
    // atomic and lock rows are derived by hand above; the rest are checked against the
    // brute-force walk (3 buyers) and pinned here so a model change cannot slip by.
    let expected = [
        (Strategy::Naive, 2, (66, 60)),
        (Strategy::Naive, 3, (26_190, 26_100)),
        (Strategy::Naive, 4, (36_693_720, 36_691_200)),
        (Strategy::OptimisticGiveUp, 2, (48, 0)),
        (Strategy::OptimisticGiveUp, 3, (5_922, 0)),
        (Strategy::OptimisticGiveUp, 4, (1_558_800, 0)),
        (Strategy::OptimisticRetry, 2, (84, 0)),
        (Strategy::OptimisticRetry, 3, (115_020, 0)),
        (Strategy::OptimisticRetry, 4, (945_864_360, 0)),
        (Strategy::Reservation, 2, (30, 0)),
        (Strategy::Reservation, 3, (216, 0)),
        (Strategy::Reservation, 4, (1_824, 0)),
    ];
    for (strategy, buyers, want) in expected {
        assert_eq!(counts(strategy, buyers, 1), want, "{strategy:?} x{buyers}");
    }
}

#[test]
fn the_fixes_never_oversell_or_lose_a_ticket_and_naive_always_can() {
    for buyers in 2..=MAX_BUYERS {
        for stock in 1..=MAX_STOCK {
            for checker in report(buyers, stock).unwrap() {
                let t = checker.tally();
                let strategy = checker.config().strategy;
                if strategy == Strategy::Naive {
                    assert_eq!(t.wrong > 0, (stock as usize) < buyers, "{buyers}/{stock}");
                } else {
                    assert_eq!(t.wrong, 0, "{strategy:?} {buyers} buyers, stock {stock}");
                    assert!(t.max_orders <= stock);
                }
            }
        }
    }
}

#[test]
fn every_wrong_schedule_replays_to_a_wrong_outcome_and_the_rest_to_a_right_one() {
    let config = RaceConfig::with(Strategy::Naive, 3, 1);
    let checker = Checker::run(config.clone()).unwrap();
    let t = checker.tally();
    let mut wrong = 0;
    for k in 0..t.total {
        let schedule = checker.schedule(k).unwrap();
        let race = Race::replay(config.clone(), &schedule).unwrap();
        wrong += u64::from(race.outcome().unwrap().wrong());
    }
    assert_eq!(wrong, t.wrong);
    for k in [0, t.wrong / 2, t.wrong - 1] {
        let schedule = checker.wrong_schedule(k).unwrap();
        assert!(
            Race::replay(config.clone(), &schedule)
                .unwrap()
                .outcome()
                .unwrap()
                .oversold
        );
    }
    assert_eq!(checker.wrong_schedule(t.wrong), None);
}

#[test]
fn the_headline_says_how_many_interleavings_sell_too_much() {
    let checker = Checker::run(RaceConfig::default()).unwrap();
    assert_eq!(
        checker.summary(),
        "naive check-then-act: 60 of 66 interleavings go wrong: 60 oversell (up to 2 tickets sold for 1)"
    );
}
