//! Two runs of one model on one seed, with and without the pattern: the breaker and
//! bulkhead pages show what the pattern buys by serving the same arrivals twice.
//!
//! What the learner does by hand (a fault, a forced breaker state) is applied to the
//! runs at once and remembered with its time, so a seek, which re-runs both from the
//! seed, replays it at the same moment.

use crate::sim::engine::SimTime;

/// A model a page runs in pairs.
pub trait PairedModel: Sized {
    type Config;
    /// Something done by hand at a moment, replayed on every re-run.
    type Injection: Copy;
    /// The run with the pattern and the run without it, for `config` on `seed`, with
    /// `injected` added to the config's schedule at their times.
    fn pair(
        config: &Self::Config,
        injected: &[Injected<Self::Injection>],
        seed: u64,
    ) -> (Self, Self);
    fn now(&self) -> SimTime;
    fn advance_to(&mut self, until: SimTime);
    /// Applies `injection` now; `with_pattern` tells the two runs apart (forcing the
    /// breaker's state only means something to the run that has one).
    fn inject(&mut self, injection: Self::Injection, with_pattern: bool);
}

/// An injection and the virtual ms it was made at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Injected<I> {
    pub at_ms: f64,
    pub what: I,
}

/// The two runs and what was injected into them since the last reset.
#[derive(Debug)]
pub struct PairedRuns<M: PairedModel> {
    /// The run with the pattern.
    pub with: M,
    /// The same arrivals without it.
    pub without: M,
    injected: Vec<Injected<M::Injection>>,
}

impl<M: PairedModel> PairedRuns<M> {
    /// Both runs at t = 0, nothing injected.
    pub fn new(config: &M::Config, seed: u64) -> Self {
        let (with, without) = M::pair(config, &[], seed);
        Self {
            with,
            without,
            injected: Vec::new(),
        }
    }

    pub fn now_ms(&self) -> f64 {
        self.with.now().as_ms()
    }

    pub fn advance_to(&mut self, ms: f64) {
        let until = SimTime::from_ms(ms);
        self.with.advance_to(until);
        self.without.advance_to(until);
    }

    /// Back to t = 0 on `seed`, forgetting what was injected.
    pub fn rebuild(&mut self, config: &M::Config, seed: u64) {
        *self = Self::new(config, seed);
    }

    /// To `ms` by re-running both from `seed`, with the injections replayed.
    pub fn seek(&mut self, config: &M::Config, seed: u64, ms: f64) {
        (self.with, self.without) = M::pair(config, &self.injected, seed);
        self.advance_to(ms);
    }

    /// Applies `what` to both runs now, and remembers it for re-runs.
    pub fn inject(&mut self, what: M::Injection) {
        self.injected.push(Injected {
            at_ms: self.now_ms(),
            what,
        });
        self.with.inject(what, true);
        self.without.inject(what, false);
    }

    /// What was injected since the last reset, oldest first.
    pub fn injected(&self) -> &[Injected<M::Injection>] {
        &self.injected
    }
}
