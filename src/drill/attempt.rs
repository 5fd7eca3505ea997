//! One playthrough of a drill, step by step: paged, investigate, diagnose, mitigate,
//! post-mortem, cards. It keeps the incident's clock: looking is free, but every action,
//! wrong diagnosis and roll-out costs virtual time, as in a real incident; the score is
//! that time and the wrong steps on the way.

use serde::{Deserialize, Serialize};

use super::choices::Choices;
use super::play::{Outcome, describe, play};
use super::spec::Drill;

/// Where the learner is in the flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// The alert has fired; the model is paused at that moment.
    #[default]
    Paged,
    Investigate,
    Diagnose,
    Mitigate,
    PostMortem,
    Cards,
    Done,
}

impl Stage {
    /// The six steps a playthrough goes through (Done is the end, not a step).
    pub const STEPS: [Stage; 6] = [
        Stage::Paged,
        Stage::Investigate,
        Stage::Diagnose,
        Stage::Mitigate,
        Stage::PostMortem,
        Stage::Cards,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Paged => "Paged",
            Stage::Investigate => "Investigate",
            Stage::Diagnose => "Diagnose",
            Stage::Mitigate => "Mitigate",
            Stage::PostMortem => "Post-mortem",
            Stage::Cards => "Cards",
            Stage::Done => "Done",
        }
    }
}

/// Something that happened during the attempt, for the post-mortem's timeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogEntry {
    /// Virtual seconds after the alert.
    pub after_alert_s: f64,
    pub text: String,
}

/// How a drill went: whether the SLO held, how long mitigation took, wrong steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Score {
    pub slo_met: bool,
    /// Virtual minutes from the alert until the mitigation that held was rolled out.
    pub minutes_to_mitigate: f64,
    pub wrong_steps: u32,
}

impl Score {
    /// Held beats missed; then fewer wrong steps; then less time.
    pub fn better_than(&self, other: &Score) -> bool {
        (self.slo_met, std::cmp::Reverse(self.wrong_steps))
            .cmp(&(other.slo_met, std::cmp::Reverse(other.wrong_steps)))
            .then_with(|| {
                other
                    .minutes_to_mitigate
                    .total_cmp(&self.minutes_to_mitigate)
            })
            .is_gt()
    }
}

/// What a diagnosis got right, with the explanations to show.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisResult {
    pub cause_right: bool,
    pub evidence_right: bool,
    /// The `why` of the chosen cause and of every evidence item chosen or missed.
    pub explanations: Vec<String>,
}

impl DiagnosisResult {
    pub fn right(&self) -> bool {
        self.cause_right && self.evidence_right
    }
}

/// One playthrough, saved in progress so it survives closing the app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attempt {
    /// Which playthrough of the drill this is, from 1; 0 in an attempt saved before
    /// playthroughs were numbered, which was the first.
    pub number: u32,
    pub seed: u64,
    pub stage: Stage,
    /// Virtual seconds spent since the alert.
    pub spent_s: f64,
    pub wrong_steps: u32,
    pub log: Vec<LogEntry>,
    /// Ids of the investigation actions taken.
    pub actions_taken: Vec<String>,
    /// Roll-outs tried.
    pub tries: u32,
    /// The last choices rolled out, so the form shows them again.
    pub choices: Choices,
    /// The form as the learner left it, when it differs from `choices`: kept across a
    /// restart, so ticked mitigations and tuned values are not lost before a roll-out.
    pub draft: Option<Choices>,
    /// Set once a roll-out held the SLO.
    pub score: Option<Score>,
}

impl Attempt {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// What the mitigation form shows: the learner's draft, else the last roll-out.
    pub fn form_choices(&self) -> &Choices {
        self.draft.as_ref().unwrap_or(&self.choices)
    }

    /// Keeps `form` as the draft, unless it is what the form shows already.
    pub fn keep_draft(&mut self, form: Choices) {
        if *self.form_choices() != form {
            self.draft = Some(form);
        }
    }

    fn note(&mut self, text: String) {
        self.log.push(LogEntry {
            after_alert_s: self.spent_s,
            text,
        });
    }

    /// From the page to the dashboards.
    pub fn acknowledge(&mut self) {
        if self.stage == Stage::Paged {
            self.stage = Stage::Investigate;
            self.note("alert acknowledged".into());
        }
    }

    /// Takes investigation action `id` (once): returns what it found.
    pub fn take_action<'d>(&mut self, drill: &'d Drill, id: &str) -> Option<&'d str> {
        let action = drill.spec.actions.iter().find(|a| a.id == id)?;
        if !self.actions_taken.iter().any(|a| a == id) {
            self.actions_taken.push(id.to_owned());
            self.spent_s += action.cost_s;
            self.note(format!("{}: {}", action.label, action.finding));
        }
        Some(&action.finding)
    }

    /// Done looking: on to the diagnosis.
    pub fn start_diagnosis(&mut self) {
        if self.stage < Stage::Diagnose {
            self.stage = Stage::Diagnose;
        }
    }

    /// Judges a diagnosis: `cause` and `evidence` index the drill's answers. A wrong one
    /// costs the drill's penalty and a wrong step; a right one opens the mitigations.
    pub fn diagnose(&mut self, drill: &Drill, cause: usize, evidence: &[usize]) -> DiagnosisResult {
        let d = &drill.spec.diagnosis;
        let cause_right = d.causes.get(cause).is_some_and(|c| c.correct);
        let evidence_right = d
            .evidence
            .iter()
            .enumerate()
            .all(|(i, e)| evidence.contains(&i) == e.correct);
        let about =
            |a: &super::spec::Answer| format!("“{}”: {}", a.text.trim_end_matches('.'), a.why);
        let explanations = if cause_right && evidence_right {
            // Right: why the cause and each piece of evidence hold.
            let right = d.evidence.iter().filter(|e| e.correct);
            d.causes
                .get(cause)
                .into_iter()
                .chain(right)
                .map(about)
                .collect()
        } else {
            // Wrong: why each wrong pick is wrong, and how much evidence was missed, but
            // not which, so that looking again is still worth it.
            let wrong_cause = d.causes.get(cause).filter(|c| !c.correct);
            let wrong_evidence = d
                .evidence
                .iter()
                .enumerate()
                .filter(|(i, e)| evidence.contains(i) && !e.correct)
                .map(|(_, e)| e);
            let mut v: Vec<String> = wrong_cause
                .into_iter()
                .chain(wrong_evidence)
                .map(about)
                .collect();
            let missed = d
                .evidence
                .iter()
                .enumerate()
                .filter(|(i, e)| e.correct && !evidence.contains(i))
                .count();
            match missed {
                0 => {}
                1 => v.push("One more piece of evidence shows it: look again.".to_owned()),
                n => v.push(format!("{n} more pieces of evidence show it: look again.")),
            }
            v
        };
        let result = DiagnosisResult {
            cause_right,
            evidence_right,
            explanations,
        };
        let cause_text = d.causes.get(cause).map_or("?", |c| c.text.as_str());
        if result.right() {
            self.note(format!("diagnosed: {cause_text}"));
            self.stage = Stage::Mitigate;
        } else {
            self.wrong_steps += 1;
            self.spent_s += d.penalty_s;
            self.note(format!("chased a wrong lead: {cause_text}"));
        }
        result
    }

    /// Rolls out `choices`: the incident replays on the same seed with them in place.
    /// Costs the drill's roll-out time; a miss is a wrong step, a hold moves on.
    pub fn mitigate(&mut self, drill: &Drill, choices: &Choices) -> Result<Outcome, String> {
        let outcome = play(drill, choices, self.seed)?;
        self.tries += 1;
        self.spent_s += drill.spec.deploy_s;
        self.choices = choices.clone();
        self.draft = None;
        let what: Vec<String> = outcome.applied.iter().map(|a| describe(drill, a)).collect();
        let what = if what.is_empty() {
            "nothing".to_owned()
        } else {
            what.join("; ")
        };
        if outcome.verdict.met {
            self.note(format!("rolled out {what}: the SLO holds"));
            self.score = Some(Score {
                slo_met: true,
                minutes_to_mitigate: self.spent_s / 60.0,
                wrong_steps: self.wrong_steps,
            });
            self.stage = Stage::PostMortem;
        } else {
            self.wrong_steps += 1;
            self.note(format!("rolled out {what}: it did not help"));
        }
        Ok(outcome)
    }

    /// The post-mortem is written: on to the cards.
    pub fn finish_postmortem(&mut self) {
        if self.stage == Stage::PostMortem {
            self.stage = Stage::Cards;
        }
    }

    pub fn finish(&mut self) {
        if self.stage == Stage::Cards {
            self.stage = Stage::Done;
        }
    }
}
