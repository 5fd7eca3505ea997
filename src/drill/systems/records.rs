//! For the systems whose model keeps what happened (a ledger, a list of buyers) rather
//! than sampled series: per-second dashboard series drawn from those records, and the
//! run shown when the model refuses its settings.

use crate::drill::run::{Event, EventKind, Run};
use crate::sim::engine::percentile;
use crate::sim::headless::Points;
use crate::sim::requests::{Fate, Request};

/// A run the model would not play (settings it refuses): one failed request says why,
/// so the verdict is a miss with the reason rather than an empty pass.
pub fn refused_run(service: &str, error: &str) -> Run {
    Run {
        requests: vec![Request {
            at_ms: 0.0,
            latency_ms: 0.0,
            fate: Fate::Failed("the model refused these settings"),
        }],
        events: vec![Event {
            t_s: 0.0,
            kind: EventKind::Log,
            source: service.to_owned(),
            text: format!("ERROR the model refused these settings: {error}"),
        }],
        ..Run::default()
    }
}

/// Values dropped into one-second buckets over a run.
#[derive(Debug, Clone, Default)]
pub struct Buckets {
    seconds: Vec<Vec<f32>>,
}

impl Buckets {
    /// Buckets for `0..duration_s`; values at or after the end are left out.
    pub fn new(duration_s: f64) -> Self {
        Self {
            seconds: vec![Vec::new(); duration_s.ceil().max(0.0) as usize],
        }
    }

    /// Records `value` at `t_s` seconds.
    pub fn add(&mut self, t_s: f64, value: f64) {
        if t_s >= 0.0
            && let Some(bucket) = self.seconds.get_mut(t_s.floor() as usize)
        {
            bucket.push(value as f32);
        }
    }

    /// How many values each second held, as a rate per second at the end of the second.
    pub fn counts(&self) -> Points {
        self.points(|b| Some(b.len() as f64))
    }

    /// The p99 of each second's values; a gap where a second held none.
    pub fn p99(&self) -> Points {
        self.points(|b| {
            let mut values = b.clone();
            (!values.is_empty()).then(|| f64::from(percentile(&mut values, 0.99)))
        })
    }

    fn points(&self, f: impl Fn(&Vec<f32>) -> Option<f64>) -> Points {
        self.seconds
            .iter()
            .enumerate()
            .map(|(s, b)| (s as f64 + 1.0, f(b)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_land_in_their_second_and_empty_seconds_are_gaps() {
        let mut b = Buckets::new(3.0);
        b.add(0.2, 10.0);
        b.add(0.9, 30.0);
        b.add(2.5, 5.0);
        b.add(3.0, 99.0);
        b.add(-1.0, 99.0);
        assert_eq!(
            b.counts(),
            vec![(1.0, Some(2.0)), (2.0, Some(0.0)), (3.0, Some(1.0))]
        );
        assert_eq!(
            b.p99(),
            vec![(1.0, Some(30.0)), (2.0, None), (3.0, Some(5.0))]
        );
    }
}
