//! Drills in progress: the current attempt of each drill and the best score kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::CHECKED_SEEDS;
use super::attempt::{Attempt, Score};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrillProgress {
    pub drills: BTreeMap<String, DrillRecord>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrillRecord {
    /// The playthrough under way, if any.
    pub current: Option<Attempt>,
    /// The best finished playthrough.
    pub best: Option<Score>,
    /// Playthroughs that held the SLO.
    pub passes: u32,
    /// Playthroughs started (0 in progress saved before they were counted).
    pub started: u32,
}

impl DrillRecord {
    /// The attempt under way, or a new one. A new attempt plays the next of the seeds
    /// every drill is checked on (so its verdicts are known to hold), one after the
    /// other: playing again shows the same incident with different traffic.
    /// Each playthrough is numbered, so that each has a post-mortem of its own.
    pub fn resume_or_start(&mut self) -> &mut Attempt {
        let passes = self.passes;
        let started = &mut self.started;
        self.current.get_or_insert_with(|| {
            // Progress from before the count knows only the passes.
            *started = (*started).max(passes) + 1;
            Attempt {
                number: *started,
                ..Attempt::new(CHECKED_SEEDS[passes as usize % CHECKED_SEEDS.len()])
            }
        })
    }

    /// The attempt under way, unless it is finished.
    pub fn in_progress(&self) -> Option<&Attempt> {
        self.current
            .as_ref()
            .filter(|a| a.stage != super::Stage::Done)
    }
}

impl DrillProgress {
    pub fn record(&self, id: &str) -> Option<&DrillRecord> {
        self.drills.get(id)
    }

    pub fn record_mut(&mut self, id: &str) -> &mut DrillRecord {
        self.drills.entry(id.to_owned()).or_default()
    }

    /// Whether the drill was ever played to a held SLO: its cards join the deck and it
    /// counts as passed in the mastery map.
    pub fn passed(&self, id: &str) -> bool {
        self.record(id).is_some_and(|r| r.passes > 0)
    }

    /// Keeps `score` if it beats the best so far.
    pub fn record_pass(&mut self, id: &str, score: Score) {
        let r = self.record_mut(id);
        r.passes += 1;
        if r.best.is_none_or(|b| score.better_than(&b)) {
            r.best = Some(score);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_score_is_kept() {
        let mut p = DrillProgress::default();
        let slow = Score {
            slo_met: true,
            minutes_to_mitigate: 30.0,
            wrong_steps: 0,
        };
        let fast_but_wrong = Score {
            minutes_to_mitigate: 10.0,
            wrong_steps: 2,
            ..slow
        };
        p.record_pass("d", slow);
        p.record_pass("d", fast_but_wrong);
        assert_eq!(p.record("d").and_then(|r| r.best), Some(slow));
        let faster = Score {
            minutes_to_mitigate: 12.0,
            ..slow
        };
        p.record_pass("d", faster);
        assert_eq!(p.record("d").and_then(|r| r.best), Some(faster));
        assert_eq!(p.record("d").map(|r| r.passes), Some(3));
        assert!(p.passed("d") && !p.passed("other"));
    }

    #[test]
    fn a_new_attempt_takes_the_next_checked_seed() {
        let mut r = DrillRecord::default();
        assert_eq!(r.resume_or_start().seed, CHECKED_SEEDS[0]);
        r.resume_or_start().acknowledge();
        assert_eq!(r.resume_or_start().stage, super::super::Stage::Investigate);
        assert!(r.in_progress().is_some());
        assert_eq!(r.resume_or_start().number, 1);
        r.current = None;
        r.passes = 1;
        assert_eq!(r.resume_or_start().seed, CHECKED_SEEDS[1]);
        assert_eq!(r.resume_or_start().number, 2, "the next playthrough");
        r.passes = CHECKED_SEEDS.len() as u32;
        r.current = None;
        assert_eq!(r.resume_or_start().seed, CHECKED_SEEDS[0]);
    }
}
