//! # A validated Amount (reference solution)
//!
//! Parsing turns untrusted input into a type that cannot hold a bad value; every rule is
//! checked once, here, and every error says what was wrong.

use std::fmt;

/// The largest accepted amount: 1 000 000.00, in cents.
pub const MAX_CENTS: u64 = 100_000_000;

/// A positive amount of money no larger than `MAX_CENTS`, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    cents: u64,
}

/// Why an input is not a valid amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Zero,
    Negative,
    TooLarge,
    TooManyDecimals,
    Malformed,
}

impl Amount {
    /// The amount in cents.
    pub fn cents(self) -> u64 {
        self.cents
    }

    /// Adds two amounts; the sum must still be a valid amount.
    pub fn checked_add(self, other: Amount) -> Result<Amount, AmountError> {
        let sum = self.cents.checked_add(other.cents).ok_or(AmountError::TooLarge)?;
        Amount::from_cents(sum)
    }

    /// The size rules, shared by every way in.
    fn from_cents(cents: u64) -> Result<Amount, AmountError> {
        match cents {
            0 => Err(AmountError::Zero),
            c if c > MAX_CENTS => Err(AmountError::TooLarge),
            c => Ok(Amount { cents: c }),
        }
    }
}

impl TryFrom<i64> for Amount {
    type Error = AmountError;

    fn try_from(cents: i64) -> Result<Self, Self::Error> {
        if cents < 0 {
            return Err(AmountError::Negative);
        }
        Amount::from_cents(cents.unsigned_abs())
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl TryFrom<&str> for Amount {
    type Error = AmountError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        let text = text.trim();
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "00"));
        if !all_digits(whole) || !all_digits(fraction) {
            return Err(AmountError::Malformed);
        }
        if fraction.len() > 2 {
            return Err(AmountError::TooManyDecimals);
        }
        if negative {
            return Err(AmountError::Negative);
        }
        let fraction_cents: u64 = match fraction.len() {
            1 => fraction.parse::<u64>().map_err(|_| AmountError::Malformed)? * 10,
            _ => fraction.parse().map_err(|_| AmountError::Malformed)?,
        };
        let cents = whole
            .parse::<u64>()
            .ok()
            .and_then(|w| w.checked_mul(100))
            .and_then(|w| w.checked_add(fraction_cents))
            .ok_or(AmountError::TooLarge)?;
        Amount::from_cents(cents)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.cents / 100, self.cents % 100)
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn cents_in_range_are_accepted() {
        assert_eq!(Amount::try_from(1_250).map(Amount::cents), Ok(1_250));
    }

    #[test]
    fn zero_is_refused() {
        assert_eq!(Amount::try_from(0), Err(AmountError::Zero));
    }

    #[test]
    fn text_with_two_decimals_parses() {
        assert_eq!(Amount::try_from("12.34").map(Amount::cents), Ok(1_234));
    }
}
