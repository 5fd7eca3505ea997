use super::*;

/// Records every range asked for and answers with a chosen point of it.
struct Recorder {
    calls: Vec<(u64, u64)>,
    pick: fn(u64, u64) -> u64,
}

impl Recorder {
    fn new(pick: fn(u64, u64) -> u64) -> Self {
        Self { calls: Vec::new(), pick }
    }
}

impl RandomSource for Recorder {
    fn between(&mut self, low: u64, high: u64) -> u64 {
        ::core::assert!(low <= high, "between({low}, {high}): low must not exceed high");
        self.calls.push((low, high));
        (self.pick)(low, high)
    }
}

fn lowest(low: u64, _high: u64) -> u64 {
    low
}

fn highest(_low: u64, high: u64) -> u64 {
    high
}

/// A small deterministic generator for range checks over many draws.
struct XorShift(u64);

impl RandomSource for XorShift {
    fn between(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        match (high - low).checked_add(1) {
            Some(span) => low + self.0 % span,
            None => self.0,
        }
    }
}

#[test]
fn exponential_doubles_from_base_and_stops_at_the_cap() {
    let b = Backoff::new(50, 3_000, Jitter::None);
    let got: Vec<u64> = (0..8).map(|a| b.exponential_ms(a)).collect();
    ::core::assert_eq!(got, ::std::vec![50, 100, 200, 400, 800, 1_600, 3_000, 3_000]);
}

#[test]
fn huge_attempts_saturate_instead_of_overflowing() {
    let b = Backoff::new(100, 60_000, Jitter::None);
    for attempt in [40, 63, 64, 65, 1_000, u32::MAX] {
        ::core::assert_eq!(b.exponential_ms(attempt), 60_000, "attempt {attempt}");
    }
    let unbounded = Backoff::new(3, u64::MAX, Jitter::None);
    ::core::assert_eq!(unbounded.exponential_ms(63), u64::MAX);
    ::core::assert_eq!(unbounded.exponential_ms(1), 6);
}

#[test]
fn no_jitter_returns_the_exponential_and_draws_nothing() {
    let mut b = Backoff::new(100, 1_000, Jitter::None);
    let mut rng = Recorder::new(highest);
    let got: Vec<u64> = (0..5).map(|a| b.next_delay_ms(a, &mut rng)).collect();
    ::core::assert_eq!(got, ::std::vec![100, 200, 400, 800, 1_000]);
    ::core::assert!(rng.calls.is_empty());
}

#[test]
fn full_jitter_draws_between_zero_and_the_exponential() {
    let mut b = Backoff::new(100, 1_000, Jitter::Full);
    let mut rng = Recorder::new(lowest);
    for a in 0..5 {
        ::core::assert_eq!(b.next_delay_ms(a, &mut rng), 0);
    }
    ::core::assert_eq!(rng.calls, ::std::vec![(0, 100), (0, 200), (0, 400), (0, 800), (0, 1_000)]);
}

#[test]
fn equal_jitter_keeps_half_for_sure() {
    let mut b = Backoff::new(100, 1_000, Jitter::Equal);
    let mut low = Recorder::new(lowest);
    let mins: Vec<u64> = (0..5).map(|a| b.next_delay_ms(a, &mut low)).collect();
    ::core::assert_eq!(mins, ::std::vec![50, 100, 200, 400, 500]);
    ::core::assert_eq!(low.calls, ::std::vec![(0, 50), (0, 100), (0, 200), (0, 400), (0, 500)]);
    let mut high = Recorder::new(highest);
    let maxes: Vec<u64> = (0..5).map(|a| b.next_delay_ms(a, &mut high)).collect();
    ::core::assert_eq!(maxes, ::std::vec![100, 200, 400, 800, 1_000]);
}

#[test]
fn equal_jitter_with_an_odd_exponential_never_exceeds_it() {
    let mut b = Backoff::new(5, 1_000, Jitter::Equal);
    let mut rng = Recorder::new(highest);
    ::core::assert_eq!(b.next_delay_ms(0, &mut rng), 5);
    ::core::assert_eq!(rng.calls, ::std::vec![(0, 2)]);
    let mut rng = Recorder::new(lowest);
    ::core::assert_eq!(b.next_delay_ms(0, &mut rng), 3);
}

#[test]
fn decorrelated_grows_from_the_previous_delay() {
    let mut b = Backoff::new(100, 10_000, Jitter::Decorrelated);
    let mut rng = Recorder::new(highest);
    let got: Vec<u64> = (0..5).map(|a| b.next_delay_ms(a, &mut rng)).collect();
    ::core::assert_eq!(got, ::std::vec![300, 900, 2_700, 8_100, 10_000]);
    ::core::assert_eq!(
        rng.calls,
        ::std::vec![(100, 300), (100, 900), (100, 2_700), (100, 8_100), (100, 24_300)]
    );
}

#[test]
fn decorrelated_ignores_the_attempt_number() {
    let mut b = Backoff::new(100, 10_000, Jitter::Decorrelated);
    let mut rng = Recorder::new(highest);
    ::core::assert_eq!(b.next_delay_ms(7, &mut rng), 300);
    ::core::assert_eq!(b.next_delay_ms(0, &mut rng), 900);
}

#[test]
fn decorrelated_can_shrink_and_the_range_follows() {
    let mut b = Backoff::new(100, 10_000, Jitter::Decorrelated);
    let mut high = Recorder::new(highest);
    b.next_delay_ms(0, &mut high);
    b.next_delay_ms(1, &mut high);
    let mut low = Recorder::new(lowest);
    ::core::assert_eq!(b.next_delay_ms(2, &mut low), 100);
    ::core::assert_eq!(b.next_delay_ms(3, &mut low), 100);
    ::core::assert_eq!(low.calls, ::std::vec![(100, 2_700), (100, 300)]);
}

#[test]
fn reset_starts_decorrelated_over_from_base() {
    let mut b = Backoff::new(100, 10_000, Jitter::Decorrelated);
    let mut rng = Recorder::new(highest);
    b.next_delay_ms(0, &mut rng);
    b.next_delay_ms(1, &mut rng);
    b.reset();
    ::core::assert_eq!(b.next_delay_ms(2, &mut rng), 300);
}

#[test]
fn decorrelated_does_not_overflow_near_the_top() {
    let mut b = Backoff::new(1, u64::MAX, Jitter::Decorrelated);
    let mut rng = Recorder::new(highest);
    for a in 0..60 {
        b.next_delay_ms(a, &mut rng);
    }
    ::core::assert_eq!(b.next_delay_ms(60, &mut rng), u64::MAX);
}

#[test]
fn many_random_draws_stay_in_their_bounds() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for attempt in 0..20 {
        let exp = Backoff::new(20, 5_000, Jitter::None).exponential_ms(attempt);
        let mut full = Backoff::new(20, 5_000, Jitter::Full);
        let mut equal = Backoff::new(20, 5_000, Jitter::Equal);
        for _ in 0..50 {
            ::core::assert!(full.next_delay_ms(attempt, &mut rng) <= exp);
            let e = equal.next_delay_ms(attempt, &mut rng);
            ::core::assert!(e >= exp - exp / 2 && e <= exp, "equal {e} for exp {exp}");
        }
    }
    let mut dec = Backoff::new(20, 5_000, Jitter::Decorrelated);
    for a in 0..500 {
        let d = dec.next_delay_ms(a, &mut rng);
        ::core::assert!((20..=5_000).contains(&d), "decorrelated {d}");
    }
}

#[test]
fn decorrelated_remembers_the_capped_delay_not_the_raw_draw() {
    let mut b = Backoff::new(100, 10_000, Jitter::Decorrelated);
    let mut rng = Recorder::new(highest);
    for attempt in 0..5 {
        b.next_delay_ms(attempt, &mut rng);
    }
    ::core::assert_eq!(b.next_delay_ms(5, &mut rng), 10_000);
    ::core::assert_eq!(
        rng.calls.last(),
        Some(&(100, 30_000)),
        "`previous` is the last delay returned (10,000, capped), not the draw 24,300"
    );
}

#[test]
fn full_jitter_spreads_clients_that_failed_together() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut buckets = std::collections::BTreeSet::new();
    for _ in 0..1_000 {
        let mut client = Backoff::new(100, 10_000, Jitter::Full);
        buckets.insert(client.next_delay_ms(3, &mut rng) / 100);
    }
    // Without jitter all 1,000 first retries would land on one instant (800 ms).
    ::core::assert!(buckets.len() > 7, "only {} distinct 100 ms slots", buckets.len());
}

