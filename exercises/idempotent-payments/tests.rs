use super::*;

fn req(key: &str, account: &str, amount_cents: u64) -> PaymentRequest {
    PaymentRequest {
        key: key.to_owned(),
        account: account.to_owned(),
        amount_cents,
    }
}

fn processor() -> PaymentProcessor<FakeGateway> {
    PaymentProcessor::new(FakeGateway::default())
}

fn scripted(script: Vec<Result<u64, ChargeError>>) -> PaymentProcessor<FakeGateway> {
    PaymentProcessor::new(FakeGateway {
        script,
        ..FakeGateway::default()
    })
}

#[test]
fn a_new_key_charges_and_returns_the_receipt() {
    let mut p = processor();
    let r = p.pay(&req("k", "alice", 1999)).unwrap();
    ::core::assert_eq!(r.account, "alice");
    ::core::assert_eq!(r.amount_cents, 1999);
    ::core::assert_eq!(r.charge_id, 1001);
    ::core::assert_eq!(p.gateway().calls, ::std::vec![("alice".to_owned(), 1999)]);
}

#[test]
fn many_retries_charge_exactly_once_and_replay_the_same_receipt() {
    let mut p = processor();
    let first = p.pay(&req("order-7", "bob", 500)).unwrap();
    for _ in 0..5 {
        ::core::assert_eq!(p.pay(&req("order-7", "bob", 500)), Ok(first.clone()));
    }
    ::core::assert_eq!(p.gateway().calls.len(), 1);
}

#[test]
fn different_keys_are_different_payments() {
    let mut p = processor();
    let a = p.pay(&req("k1", "bob", 500)).unwrap();
    let b = p.pay(&req("k2", "bob", 500)).unwrap();
    ::core::assert_ne!(a.charge_id, b.charge_id);
    ::core::assert_eq!(p.gateway().calls.len(), 2);
}

#[test]
fn a_reused_key_with_another_amount_is_refused_and_not_charged() {
    let mut p = processor();
    let first = p.pay(&req("k", "bob", 500)).unwrap();
    ::core::assert_eq!(
        p.pay(&req("k", "bob", 900)),
        Err(PaymentError::KeyReused { key: "k".to_owned() })
    );
    ::core::assert_eq!(p.gateway().calls.len(), 1);
    ::core::assert_eq!(p.pay(&req("k", "bob", 500)), Ok(first), "the original outcome is kept");
}

#[test]
fn a_reused_key_with_another_account_is_refused() {
    let mut p = processor();
    p.pay(&req("k", "bob", 500)).unwrap();
    ::core::assert_eq!(
        p.pay(&req("k", "carol", 500)),
        Err(PaymentError::KeyReused { key: "k".to_owned() })
    );
    ::core::assert_eq!(p.gateway().calls.len(), 1);
}

#[test]
fn an_empty_key_is_refused_before_charging() {
    let mut p = processor();
    ::core::assert_eq!(p.pay(&req("", "bob", 500)), Err(PaymentError::MissingKey));
    ::core::assert_eq!(p.pay(&req("   ", "bob", 500)), Err(PaymentError::MissingKey));
    ::core::assert!(p.gateway().calls.is_empty());
}

#[test]
fn a_decline_is_final_and_replayed() {
    let mut p = scripted(::std::vec![Err(ChargeError::Declined("insufficient funds".into()))]);
    let declined = Err(PaymentError::Declined {
        reason: "insufficient funds".to_owned(),
    });
    ::core::assert_eq!(p.pay(&req("k", "bob", 500)), declined);
    ::core::assert_eq!(p.pay(&req("k", "bob", 500)), declined, "same key, same result");
    ::core::assert_eq!(p.gateway().calls.len(), 1);
}

#[test]
fn an_unavailable_gateway_is_not_remembered_so_a_retry_charges() {
    let mut p = scripted(::std::vec![Err(ChargeError::Unavailable)]);
    ::core::assert_eq!(p.pay(&req("k", "bob", 500)), Err(PaymentError::Unavailable));
    let r = p.pay(&req("k", "bob", 500)).unwrap();
    ::core::assert_eq!(r.amount_cents, 500);
    ::core::assert_eq!(p.gateway().calls.len(), 2);
    ::core::assert_eq!(p.pay(&req("k", "bob", 500)), Ok(r));
    ::core::assert_eq!(p.gateway().calls.len(), 2);
}

#[test]
fn after_an_unavailable_attempt_the_key_is_still_free_for_its_first_real_use() {
    let mut p = scripted(::std::vec![Err(ChargeError::Unavailable)]);
    let _ = p.pay(&req("k", "bob", 500));
    // Nothing was recorded, so the key is not yet bound to 5.00.
    ::core::assert!(p.pay(&req("k", "bob", 700)).is_ok());
}

#[test]
fn keys_are_compared_exactly() {
    let mut p = processor();
    p.pay(&req("k", "bob", 500)).unwrap();
    p.pay(&req("K", "bob", 500)).unwrap();
    p.pay(&req("k ", "bob", 500)).unwrap();
    ::core::assert_eq!(p.gateway().calls.len(), 3);
}
