//! A backoff schedule with jitter. The task is in the pane beside the editor.

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
    // Decorrelated jitter needs to remember something between calls.
}

impl Backoff {
    pub fn new(base_ms: u64, cap_ms: u64, jitter: Jitter) -> Self {
        todo!("store the settings; decorrelated starts from base")
    }

    /// `min(cap, base * 2^attempt)` without overflow.
    pub fn exponential_ms(&self, attempt: u32) -> u64 {
        todo!("double per attempt, saturate, cap")
    }

    /// The wait before retry number `attempt` (0-based).
    pub fn next_delay_ms(&mut self, attempt: u32, rng: &mut impl RandomSource) -> u64 {
        todo!("one arm per Jitter variant")
    }

    /// Starts the decorrelated sequence again from `base` (call after a success).
    pub fn reset(&mut self) {
        todo!()
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

