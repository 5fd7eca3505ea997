//! # A validated Amount
//!
//! A payment amount that travels through a system as a bare `i64` can be anything: zero,
//! negative, a million times too big, or cents mistaken for euros. Each function that
//! receives it must re-check it, and sooner or later one forgets. Defensive design moves
//! the check to the edge: turn untrusted input into a type that *cannot* hold a bad value,
//! once, and fail fast with a precise error when the input is wrong. After that, any
//! function taking an `Amount` knows it is valid without looking.
//!
//! Your `Amount` counts whole cents in a private field, so the only ways to make one are
//! the checked conversions below. The rules:
//! - zero is refused (`AmountError::Zero`): a payment of nothing is a bug upstream;
//! - negative amounts are refused (`Negative`): refunds are a different operation;
//! - more than `MAX_CENTS` is refused (`TooLarge`), and so is any number too big to
//!   represent at all: never panic or wrap around on hostile input;
//! - text is `digits`, optionally followed by `.` and one or two digits, with optional
//!   whitespace around it and an optional leading `-` (which then gives `Negative`).
//!   Three or more decimals are `TooManyDecimals` (we do not round money silently).
//!   Anything else (`""`, `"abc"`, `"1,5"`, `"+3"`, `".5"`, `"5."`) is `Malformed`.
//!
//! Checks happen in this order, and the first failing one is returned: the format
//! (`Malformed`, `TooManyDecimals`), then the sign (`Negative`), then the size
//! (`Zero`, `TooLarge`).

use std::fmt;

/// The largest accepted amount: 1 000 000.00, in cents.
pub const MAX_CENTS: u64 = 100_000_000;

/// A positive amount of money no larger than `MAX_CENTS`, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    // Private: code outside this module cannot build an unchecked Amount.
    cents: u64,
}

/// Why an input is not a valid amount. Each variant tells the caller exactly what to fix.
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
        todo!("add the cents without overflow and validate the sum")
    }
}

impl TryFrom<i64> for Amount {
    type Error = AmountError;

    /// Cents as a signed number, e.g. from a database column.
    fn try_from(cents: i64) -> Result<Self, Self::Error> {
        todo!("refuse negative, zero and too large; accept the rest")
    }
}

impl TryFrom<&str> for Amount {
    type Error = AmountError;

    /// Text such as `"12.34"`, `"7"` or `" 0.5 "` (which is 50 cents).
    fn try_from(text: &str) -> Result<Self, Self::Error> {
        todo!("check the format, then the sign, then the size")
    }
}

impl fmt::Display for Amount {
    /// Always two decimals: `1234` cents shows as `12.34`, `5` as `0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("whole units, a dot, two digits of cents")
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
