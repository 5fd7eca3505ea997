//! # A backoff schedule with jitter (reference solution)
//!
//! The capped exponential is computed with saturating arithmetic; each jitter recipe
//! draws exactly one random number from the injected source.

/// Where randomness comes from. Injected, so tests can choose the "random" numbers.
pub trait RandomSource {
    /// A uniformly random number in `low..=high` (callers ensure `low <= high`).
    fn between(&mut self, low: u64, high: u64) -> u64;
}

/// How the delay is randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// The plain capped exponential.
    None,
    /// Anywhere from zero to the capped exponential.
    Full,
    /// Half the capped exponential for sure, plus up to the other half at random.
    Equal,
    /// From `base` to three times the previous delay, capped; ignores the attempt.
    Decorrelated,
}

pub struct Backoff {
    pub base_ms: u64,
    pub cap_ms: u64,
    pub jitter: Jitter,
    previous_ms: u64,
}

impl Backoff {
    pub fn new(base_ms: u64, cap_ms: u64, jitter: Jitter) -> Self {
        Self {
            base_ms,
            cap_ms,
            jitter,
            previous_ms: base_ms,
        }
    }

    pub fn exponential_ms(&self, attempt: u32) -> u64 {
        let factor = 1u64.checked_shl(attempt).unwrap_or(u64::MAX);
        self.base_ms.saturating_mul(factor).min(self.cap_ms)
    }

    pub fn next_delay_ms(&mut self, attempt: u32, rng: &mut impl RandomSource) -> u64 {
        let exp = self.exponential_ms(attempt);
        match self.jitter {
            Jitter::None => exp,
            Jitter::Full => rng.between(0, exp),
            Jitter::Equal => {
                let half = exp / 2;
                (exp - half) + rng.between(0, half)
            }
            Jitter::Decorrelated => {
                let high = self.previous_ms.saturating_mul(3).max(self.base_ms);
                let next = rng.between(self.base_ms, high).min(self.cap_ms);
                self.previous_ms = next;
                next
            }
        }
    }

    pub fn reset(&mut self) {
        self.previous_ms = self.base_ms;
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    /// Always answers the top of the range.
    struct Highest;

    impl RandomSource for Highest {
        fn between(&mut self, _low: u64, high: u64) -> u64 {
            high
        }
    }

    #[test]
    fn the_delay_doubles_per_attempt_up_to_the_cap() {
        let b = Backoff::new(100, 1_000, Jitter::None);
        let delays: Vec<u64> = (0..6).map(|a| b.exponential_ms(a)).collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1_000, 1_000]);
    }

    #[test]
    fn full_jitter_never_exceeds_the_exponential() {
        let mut b = Backoff::new(100, 1_000, Jitter::Full);
        assert_eq!(b.next_delay_ms(2, &mut Highest), 400);
    }
}

