//! The sliding windows a breaker aggregates call outcomes over, after resilience4j's
//! `FixedSizeSlidingWindowMetrics` (count-based) and `SlidingTimeWindowMetrics`
//! (time-based).
//!
//! Both keep running totals updated on record and on eviction, so a snapshot costs O(1)
//! whatever the window size: that is what lets the headless simulation push millions of
//! calls a second.

use crate::sim::engine::SimTime;

/// One recorded outcome. A call can be both failed and slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    pub failed: bool,
    pub slow: bool,
}

/// Totals over the calls currently in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub calls: u32,
    pub failed: u32,
    pub slow: u32,
}

impl Snapshot {
    fn add(&mut self, o: Outcome) {
        self.calls += 1;
        self.failed += u32::from(o.failed);
        self.slow += u32::from(o.slow);
    }

    fn remove(&mut self, other: &Snapshot) {
        self.calls -= other.calls;
        self.failed -= other.failed;
        self.slow -= other.slow;
    }

    /// Failure rate in percent, computed in `f32` as resilience4j's `SnapshotImpl` does
    /// (`failed * 100.0f / total`), so a threshold comparison lands on the same side.
    pub fn failure_rate(&self) -> f32 {
        if self.calls == 0 {
            0.0
        } else {
            self.failed as f32 * 100.0 / self.calls as f32
        }
    }

    /// Slow-call rate in percent, like [`Snapshot::failure_rate`].
    pub fn slow_rate(&self) -> f32 {
        if self.calls == 0 {
            0.0
        } else {
            self.slow as f32 * 100.0 / self.calls as f32
        }
    }
}

/// A count-based window: the outcomes of the last `size` calls, in a ring.
#[derive(Debug, Clone)]
pub struct CountWindow {
    ring: Vec<Outcome>,
    size: usize,
    /// Index the next outcome is written to.
    head: usize,
    total: Snapshot,
}

impl CountWindow {
    pub fn new(size: u32) -> Self {
        let size = size.max(1) as usize;
        Self {
            ring: Vec::with_capacity(size),
            size,
            head: 0,
            total: Snapshot::default(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.size
    }

    pub fn record(&mut self, o: Outcome) -> Snapshot {
        if self.ring.len() < self.size {
            self.ring.push(o);
        } else {
            let old = std::mem::replace(&mut self.ring[self.head], o);
            let mut evicted = Snapshot::default();
            evicted.add(old);
            self.total.remove(&evicted);
        }
        self.head += 1;
        if self.head == self.size {
            self.head = 0;
        }
        self.total.add(o);
        self.total
    }

    pub fn snapshot(&self) -> Snapshot {
        self.total
    }

    /// The outcomes in the window, oldest first (for drawing the window as a strip).
    pub fn outcomes(&self) -> impl Iterator<Item = Outcome> + '_ {
        let split = if self.ring.len() < self.size {
            0
        } else {
            self.head
        };
        self.ring[split..]
            .iter()
            .chain(&self.ring[..split])
            .copied()
    }
}

/// A time-based window: one bucket per second of virtual time over the last `seconds`
/// seconds (the current second and the `seconds - 1` before it), as resilience4j's
/// `SlidingTimeWindowMetrics` buckets calls by epoch second.
#[derive(Debug, Clone)]
pub struct TimeWindow {
    buckets: Vec<(u64, Snapshot)>,
    /// Index of the bucket for the latest second seen.
    head: usize,
    total: Snapshot,
}

impl TimeWindow {
    pub fn new(seconds: u32) -> Self {
        let n = seconds.max(1) as usize;
        Self {
            buckets: (0..n as u64).map(|s| (s, Snapshot::default())).collect(),
            head: 0,
            total: Snapshot::default(),
        }
    }

    /// Moves the window's end to the second containing `now`, evicting buckets that fell
    /// out of it.
    fn advance(&mut self, now: SimTime) {
        let second = now.0 / 1_000_000;
        let latest = self.buckets[self.head].0;
        if second <= latest {
            return;
        }
        let n = self.buckets.len() as u64;
        let mut to_move = (second - latest).min(n);
        while to_move > 0 {
            to_move -= 1;
            self.head = (self.head + 1) % self.buckets.len();
            let bucket = &mut self.buckets[self.head];
            self.total.remove(&bucket.1);
            *bucket = (second - to_move, Snapshot::default());
        }
    }

    pub fn record(&mut self, now: SimTime, o: Outcome) -> Snapshot {
        self.advance(now);
        self.buckets[self.head].1.add(o);
        self.total.add(o);
        self.total
    }

    pub fn snapshot(&mut self, now: SimTime) -> Snapshot {
        self.advance(now);
        self.total
    }

    pub fn seconds(&self) -> usize {
        self.buckets.len()
    }

    /// Per-second totals, oldest first, with the second each covers.
    pub fn buckets(&self) -> impl Iterator<Item = (u64, Snapshot)> + '_ {
        let start = (self.head + 1) % self.buckets.len();
        self.buckets[start..]
            .iter()
            .chain(&self.buckets[..start])
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Outcome = Outcome {
        failed: true,
        slow: false,
    };
    const S: Outcome = Outcome {
        failed: false,
        slow: false,
    };

    #[test]
    fn count_window_evicts_the_oldest_outcome() {
        let mut w = CountWindow::new(3);
        for o in [F, S, S] {
            w.record(o);
        }
        assert_eq!(w.snapshot().failed, 1);
        let snap = w.record(S);
        assert_eq!((snap.calls, snap.failed), (3, 0));
        assert_eq!(w.outcomes().collect::<Vec<_>>(), [S, S, S]);
    }

    #[test]
    fn time_window_forgets_seconds_older_than_its_size() {
        let mut w = TimeWindow::new(2);
        w.record(SimTime::from_ms(100.0), F);
        w.record(SimTime::from_ms(1_500.0), S);
        assert_eq!(w.snapshot(SimTime::from_ms(1_999.0)).calls, 2);
        // At 2.0 s the window covers seconds 1 and 2: the failure at 0.1 s is gone.
        assert_eq!(w.snapshot(SimTime::from_ms(2_000.0)).failed, 0);
        assert_eq!(w.snapshot(SimTime::from_ms(2_000.0)).calls, 1);
        // A long gap empties it entirely.
        assert_eq!(w.snapshot(SimTime::from_secs(60.0)).calls, 0);
    }

    #[test]
    fn rates_use_float_percent_like_resilience4j() {
        let snap = Snapshot {
            calls: 6,
            failed: 3,
            slow: 2,
        };
        assert_eq!(snap.failure_rate(), 50.0);
        assert!((snap.slow_rate() - 33.333_332).abs() < 1e-4);
    }
}
