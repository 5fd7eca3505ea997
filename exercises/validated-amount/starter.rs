//! A validated Amount. The task is in the pane beside the editor.

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
