use super::*;

fn cents(text: &str) -> Result<u64, AmountError> {
    Amount::try_from(text).map(Amount::cents)
}

#[test]
fn signed_cents_follow_the_range_rules() {
    ::core::assert_eq!(Amount::try_from(1i64).map(Amount::cents), Ok(1));
    ::core::assert_eq!(Amount::try_from(MAX_CENTS as i64).map(Amount::cents), Ok(MAX_CENTS));
    ::core::assert_eq!(Amount::try_from(MAX_CENTS as i64 + 1), Err(AmountError::TooLarge));
    ::core::assert_eq!(Amount::try_from(0i64), Err(AmountError::Zero));
    ::core::assert_eq!(Amount::try_from(-1i64), Err(AmountError::Negative));
    ::core::assert_eq!(Amount::try_from(i64::MIN), Err(AmountError::Negative));
    ::core::assert_eq!(Amount::try_from(i64::MAX), Err(AmountError::TooLarge));
}

#[test]
fn text_in_every_accepted_shape_parses() {
    ::core::assert_eq!(cents("12.34"), Ok(1_234));
    ::core::assert_eq!(cents("7"), Ok(700));
    ::core::assert_eq!(cents("0.5"), Ok(50));
    ::core::assert_eq!(cents("0.05"), Ok(5));
    ::core::assert_eq!(cents("  3.10 "), Ok(310));
    ::core::assert_eq!(cents("007.00"), Ok(700));
    ::core::assert_eq!(cents("1000000.00"), Ok(MAX_CENTS));
}

#[test]
fn malformed_text_is_refused_without_guessing() {
    for text in ["", " ", "abc", "1,5", "+3", ".5", "5.", "1.2.3", "1 000", "12e3", "--4", "- 4", "0x10"] {
        ::core::assert_eq!(cents(text), Err(AmountError::Malformed), "input {text:?}");
    }
}

#[test]
fn more_than_two_decimals_is_refused_not_rounded() {
    ::core::assert_eq!(cents("1.005"), Err(AmountError::TooManyDecimals));
    ::core::assert_eq!(cents("0.000"), Err(AmountError::TooManyDecimals));
}

#[test]
fn the_sign_is_checked_after_the_format() {
    ::core::assert_eq!(cents("-5"), Err(AmountError::Negative));
    ::core::assert_eq!(cents("-0.01"), Err(AmountError::Negative));
    ::core::assert_eq!(cents("-abc"), Err(AmountError::Malformed));
    ::core::assert_eq!(cents("-1.234"), Err(AmountError::TooManyDecimals));
}

#[test]
fn zero_and_too_large_text_are_refused() {
    ::core::assert_eq!(cents("0"), Err(AmountError::Zero));
    ::core::assert_eq!(cents("0.00"), Err(AmountError::Zero));
    ::core::assert_eq!(cents("1000000.01"), Err(AmountError::TooLarge));
}

#[test]
fn absurdly_large_text_does_not_panic() {
    ::core::assert_eq!(cents("99999999999999999999999999"), Err(AmountError::TooLarge));
    ::core::assert_eq!(cents("184467440737095516"), Err(AmountError::TooLarge));
}

#[test]
fn display_always_shows_two_decimals() {
    let show = |c: i64| Amount::try_from(c).unwrap().to_string();
    ::core::assert_eq!(show(1_234), "12.34");
    ::core::assert_eq!(show(5), "0.05");
    ::core::assert_eq!(show(700), "7.00");
    ::core::assert_eq!(show(MAX_CENTS as i64), "1000000.00");
}

#[test]
fn display_and_parse_round_trip() {
    for c in [1i64, 9, 10, 99, 100, 101, 123_456, MAX_CENTS as i64] {
        let a = Amount::try_from(c).unwrap();
        ::core::assert_eq!(Amount::try_from(a.to_string().as_str()), Ok(a));
    }
}

#[test]
fn sums_stay_valid() {
    let a = Amount::try_from(60_000_000i64).unwrap();
    let b = Amount::try_from(40_000_000i64).unwrap();
    ::core::assert_eq!(a.checked_add(b).map(Amount::cents), Ok(MAX_CENTS));
    let one = Amount::try_from(1i64).unwrap();
    ::core::assert_eq!(a.checked_add(b).unwrap().checked_add(one), Err(AmountError::TooLarge));
    ::core::assert_eq!(one.checked_add(one).map(Amount::cents), Ok(2));
}
