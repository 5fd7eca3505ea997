//! What the learner has done with the simulations, saved in progress: which ones they
//! opened, and which guided "predict, then play" steps they finished. Mastery reads it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimProgress {
    /// Ids of the simulations the learner has opened at least once.
    pub opened: BTreeSet<String>,
    /// Guided steps finished, keyed `"<simulation>/<step>"`.
    pub steps_done: BTreeSet<String>,
}

impl SimProgress {
    pub fn step_key(sim: &str, step: &str) -> String {
        format!("{sim}/{step}")
    }

    /// Records that `sim` was opened; returns whether this is the first time (so the
    /// caller knows a save is worth it).
    pub fn mark_opened(&mut self, sim: &str) -> bool {
        self.opened.insert(sim.to_owned())
    }

    pub fn mark_step_done(&mut self, sim: &str, step: &str) -> bool {
        self.steps_done.insert(Self::step_key(sim, step))
    }

    /// How many guided steps of `sim` are done.
    pub fn steps_done_for(&self, sim: &str) -> usize {
        let prefix = format!("{sim}/");
        self.steps_done
            .iter()
            .filter(|k| k.starts_with(&prefix))
            .count()
    }
}
