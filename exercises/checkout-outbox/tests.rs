use super::*;
use std::collections::{BTreeMap, BTreeSet};

const SECOND: u64 = 1_000;
const HOUR: u64 = 60 * MINUTE_MS;

/// A payment gateway that is down in given windows, deduplicates on the idempotency
/// key like a real one, and records every call.
#[derive(Default)]
struct FakeGateway {
    down: Vec<(u64, u64)>,
    declines: BTreeSet<OrderId>,
    /// Orders whose first call charges the card but whose reply is lost (a timeout).
    lose_first_reply: BTreeSet<OrderId>,
    seen_keys: BTreeSet<String>,
    /// Money actually taken, per order.
    charges: BTreeMap<OrderId, u32>,
    calls: Vec<(u64, OrderId, String)>,
}

impl FakeGateway {
    fn down_between(from_ms: u64, until_ms: u64) -> FakeGateway {
        FakeGateway {
            down: ::std::vec![(from_ms, until_ms)],
            ..FakeGateway::default()
        }
    }

    fn is_down(&self, now_ms: u64) -> bool {
        self.down.iter().any(|(a, b)| (*a..*b).contains(&now_ms))
    }

    fn calls_between(&self, from_ms: u64, until_ms: u64) -> usize {
        self.calls
            .iter()
            .filter(|(t, _, _)| (from_ms..until_ms).contains(t))
            .count()
    }
}

impl Gateway for FakeGateway {
    fn charge(&mut self, order: OrderId, idempotency_key: &str, now_ms: u64) -> Charge {
        self.calls.push((now_ms, order, idempotency_key.to_string()));
        if self.is_down(now_ms) {
            return Charge::Unavailable;
        }
        if self.declines.contains(&order) {
            return Charge::Declined;
        }
        if self.seen_keys.insert(idempotency_key.to_string()) {
            *self.charges.entry(order).or_default() += 1;
            if self.lose_first_reply.remove(&order) {
                return Charge::Unavailable;
            }
        }
        Charge::Charged
    }
}

/// Runs the worker every `step_ms` from `from_ms` up to (not including) `until_ms`.
fn run_worker(shop: &mut Shop, gw: &mut FakeGateway, from_ms: u64, until_ms: u64, step_ms: u64) {
    let mut now = from_ms;
    while now < until_ms {
        shop.run_due(now, gw).expect("no crash was planned");
        now += step_ms;
    }
}

/// No pending order without its job: the invariant the outbox exists for.
fn assert_nothing_stranded(db: &Db, when: &str) {
    for (id, order) in db.orders() {
        if order.status == Status::PendingPayment {
            ::core::assert!(
                db.job(id).is_some(),
                "{when}: order {id} is pending payment but has no job: nobody will ever charge it"
            );
        }
    }
}

/// One order a minute for three hours; the gateway is down for the first two.
fn two_hour_outage() -> (Shop, FakeGateway) {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::down_between(0, 2 * HOUR);
    let mut next_order = 0;
    let mut now = 0;
    while now < 3 * HOUR {
        if now % MINUTE_MS == 0 {
            shop.checkout(next_order, now, &mut gw).expect("no crash");
            next_order += 1;
        }
        shop.run_due(now, &mut gw).expect("no crash");
        now += SECOND;
    }
    (shop, gw)
}

#[test]
fn backoff_doubles_from_one_minute_and_caps_at_fifteen() {
    let minutes: Vec<u64> = (1..=8).map(|n| backoff_ms(n) / MINUTE_MS).collect();
    ::core::assert_eq!(minutes, [1, 2, 4, 8, 15, 15, 15, 15]);
    ::core::assert_eq!(backoff_ms(u32::MAX), BACKOFF_CAP_MS, "no overflow");
}

#[test]
fn a_working_gateway_confirms_at_once_and_leaves_no_job() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::default();
    ::core::assert_eq!(shop.checkout(1, 0, &mut gw), Ok(Reply::Confirmed));
    ::core::assert_eq!(shop.db().order(1).map(|o| o.status), Some(Status::Paid));
    ::core::assert_eq!(shop.db().job(1), None, "a paid order keeps no job");
    ::core::assert_eq!(gw.calls, ::std::vec![(0, 1, idempotency_key(1))]);
}

#[test]
fn a_declined_card_fails_at_once_and_leaves_no_job() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::default();
    gw.declines.insert(4);
    ::core::assert_eq!(shop.checkout(4, 0, &mut gw), Ok(Reply::Declined));
    ::core::assert_eq!(
        shop.db().order(4).map(|o| o.status),
        Some(Status::PaymentFailed)
    );
    ::core::assert_eq!(shop.db().job(4), None);
    run_worker(&mut shop, &mut gw, 0, 30 * MINUTE_MS, MINUTE_MS);
    ::core::assert_eq!(gw.calls.len(), 1, "a decline is final: no retries");
}

#[test]
fn during_an_outage_checkout_saves_the_order_and_its_job_and_answers_processing() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::down_between(0, HOUR);
    ::core::assert_eq!(shop.checkout(9, 5_000, &mut gw), Ok(Reply::Processing));
    let order = shop.db().order(9).expect("the order is saved");
    ::core::assert_eq!(order.status, Status::PendingPayment);
    ::core::assert_eq!(order.placed_ms, 5_000);
    let job = shop.db().job(9).expect("and its job");
    ::core::assert_eq!(job.failures, 1, "the checkout's own call failed");
    ::core::assert_eq!(job.due_ms, 5_000 + MINUTE_MS, "first retry after 1 minute");
}

#[test]
fn a_two_hour_outage_leaves_every_order_paid_and_charged_once() {
    let (shop, gw) = two_hour_outage();
    let orders = shop.db().orders();
    ::core::assert_eq!(orders.len(), 180);
    for (id, order) in &orders {
        ::core::assert_eq!(
            order.status,
            Status::Paid,
            "order {id} (placed at minute {}) should be paid once the gateway is back; \
             a schedule that gives up after a few tries cannot outlast a two-hour outage",
            order.placed_ms / MINUTE_MS
        );
        ::core::assert_eq!(gw.charges.get(id), Some(&1), "order {id} charged once");
    }
    ::core::assert!(shop.db().jobs().is_empty(), "every job is done");
}

#[test]
fn jobs_are_parked_not_tried_while_the_breaker_is_open() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::down_between(0, 2 * HOUR);
    for id in 0..60 {
        shop.checkout(id, id * MINUTE_MS, &mut gw).expect("no crash");
    }
    run_worker(&mut shop, &mut gw, 0, 2 * HOUR - MINUTE_MS, SECOND);
    // While open, the breaker lets one probe through a minute: the dead gateway
    // is not hammered by 60 queued jobs.
    let calls = gw.calls_between(HOUR, 2 * HOUR - MINUTE_MS);
    ::core::assert!(calls <= 70, "{calls} calls in the last hour of the outage");
    // And a rejection is not a failed call: `failures` counts only real calls.
    for (id, job) in shop.db().jobs() {
        let made = gw.calls.iter().filter(|(_, o, _)| *o == id).count() as u32;
        ::core::assert!(
            job.failures <= made,
            "order {id}: {} failures recorded but only {made} calls made; \
             a job parked by the open breaker spends no attempt",
            job.failures
        );
    }
}

#[test]
fn parked_jobs_are_released_with_jitter_not_all_at_once() {
    let (_, gw) = two_hour_outage();
    let busiest = (2 * HOUR..2 * HOUR + 20 * MINUTE_MS)
        .step_by(SECOND as usize)
        .map(|t| gw.calls_between(t, t + SECOND))
        .max()
        .unwrap_or(0);
    ::core::assert!(
        busiest <= 12,
        "{busiest} calls in one second after recovery: release parked jobs at the \
         breaker's retry time plus `release_jitter_ms`, so they do not arrive together"
    );
}

#[test]
fn every_attempt_sends_the_orders_key_the_first_included() {
    let (_, gw) = two_hour_outage();
    for (_, order, key) in &gw.calls {
        ::core::assert_eq!(key, &idempotency_key(*order));
    }
}

#[test]
fn a_lost_reply_on_the_first_attempt_does_not_charge_twice() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::default();
    gw.lose_first_reply.insert(7);
    ::core::assert_eq!(shop.checkout(7, 0, &mut gw), Ok(Reply::Processing));
    run_worker(&mut shop, &mut gw, 0, 30 * MINUTE_MS, SECOND);
    ::core::assert_eq!(shop.db().order(7).map(|o| o.status), Some(Status::Paid));
    ::core::assert_eq!(
        gw.charges.get(&7),
        Some(&1),
        "the checkout's timed-out call did charge: the worker's retry must carry the same key"
    );
}

#[test]
fn a_crash_at_any_commit_strands_nothing_and_charges_once() {
    // Each run: orders 1..=3 during a 10-minute outage, order 4 after it, and the
    // process dies at one commit; it restarts over the same database and carries on.
    for crash_at in 0..12 {
        let mut db = Db::new();
        db.crash_after_commits(crash_at);
        let mut shop = Shop::new(db);
        let mut gw = FakeGateway::down_between(0, 10 * MINUTE_MS);
        let mut accepted = BTreeSet::new();
        let mut now = 0;
        while now < HOUR {
            let order = match now {
                0 => Some(1),
                60_000 => Some(2),
                120_000 => Some(3),
                900_000 => Some(4),
                _ => None,
            };
            let mut crashed = false;
            if let Some(id) = order {
                match shop.checkout(id, now, &mut gw) {
                    Ok(_) => {
                        accepted.insert(id);
                    }
                    Err(Crashed) => crashed = true,
                }
            }
            if !crashed && shop.run_due(now, &mut gw).is_err() {
                crashed = true;
            }
            if crashed {
                // The restart: same database, fresh process.
                shop = Shop::new(shop.into_db());
            }
            assert_nothing_stranded(shop.db(), &::std::format!("crash at commit {crash_at}"));
            now += SECOND;
        }
        for id in accepted {
            ::core::assert_eq!(
                shop.db().order(id).map(|o| o.status),
                Some(Status::Paid),
                "crash at commit {crash_at}: order {id} was accepted, so it must end paid"
            );
        }
        for (id, n) in &gw.charges {
            ::core::assert_eq!(*n, 1, "crash at commit {crash_at}: order {id} charged {n} times");
        }
        ::core::assert!(shop.db().jobs().is_empty(), "crash at commit {crash_at}: jobs left");
    }
}

#[test]
fn a_duplicate_job_for_a_paid_order_charges_nothing_and_is_dropped() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::default();
    shop.checkout(3, 0, &mut gw).expect("no crash");
    let mut tx = shop.db_mut().begin();
    tx.put_job(3, Job { failures: 0, due_ms: 0 });
    tx.commit().expect("no crash");
    shop.run_due(SECOND, &mut gw).expect("no crash");
    ::core::assert_eq!(gw.calls.len(), 1, "only the checkout's call");
    ::core::assert_eq!(shop.db().job(3), None);
}

#[test]
fn an_order_is_given_up_only_after_24_hours() {
    let mut shop = Shop::new(Db::new());
    let mut gw = FakeGateway::down_between(0, 30 * HOUR);
    shop.checkout(1, 0, &mut gw).expect("no crash");
    shop.checkout(2, 10 * HOUR, &mut gw).expect("no crash");
    run_worker(&mut shop, &mut gw, 0, 24 * HOUR - MINUTE_MS, 30 * SECOND);
    ::core::assert_eq!(
        shop.db().order(1).map(|o| o.status),
        Some(Status::PendingPayment),
        "still inside the 24-hour horizon"
    );
    run_worker(&mut shop, &mut gw, 24 * HOUR - MINUTE_MS, 31 * HOUR, 30 * SECOND);
    ::core::assert_eq!(
        shop.db().order(1).map(|o| o.status),
        Some(Status::PaymentFailed),
        "24 hours after the order, give up"
    );
    ::core::assert_eq!(shop.db().job(1), None);
    ::core::assert_eq!(
        shop.db().order(2).map(|o| o.status),
        Some(Status::Paid),
        "placed at 10 h, its horizon is 34 h: paid when the gateway returns at 30 h"
    );
}
