//! What a drill file holds, as written (see `content::drill` for loading and checks).

use serde::Deserialize;

use super::choices::Choices;
use super::systems::SystemSpec;
use crate::content::postmortem::PostMortem;
use crate::srs::CardSource;

/// One drill file, parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillSpec {
    /// The file's name without `.ron`.
    pub id: String,
    pub title: String,
    /// The lesson section whose pattern the drill practises: the section links to it
    /// and the drill counts toward that section's mastery.
    pub section: String,
    /// Who the learner is and what the system does, before the pager goes off.
    pub briefing: String,
    /// The model, its configuration and the incident script.
    pub system: SystemSpec,
    /// Virtual seconds the incident is played for.
    pub duration_s: f64,
    pub slo: Slo,
    pub alert: Alert,
    /// Things the learner can do while investigating; each costs virtual time.
    #[serde(default)]
    pub actions: Vec<Action>,
    pub diagnosis: Diagnosis,
    pub mitigations: Vec<Offer>,
    /// Virtual seconds one mitigation attempt takes to roll out.
    pub deploy_s: f64,
    /// The model answer, shown once the learner has written their own.
    pub postmortem: PostMortem,
    /// Cards that join the deck once the drill is passed (tagged with the drill).
    #[serde(default)]
    pub cards: Vec<CardSource>,
}

/// The objective the system must meet over the incident window, measured over every
/// request that arrives in it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// As the learner reads it: "≥ 99 % of checkouts answered within 2 s".
    pub text: String,
    /// Share of good requests needed, in percent.
    pub objective_pct: f64,
    /// A good request is answered (a real or a fallback answer) within this many seconds;
    /// `None`: answered correctly at all.
    #[serde(default)]
    pub within_s: Option<f64>,
    /// The window, in virtual seconds from the start.
    pub from_s: f64,
    pub to_s: f64,
}

/// The page the learner gets: it fires at the end of the first stretch of `every_s`
/// seconds inside the SLO window whose requests miss the objective.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    pub text: String,
    pub every_s: f64,
}

/// Something to do while investigating: it costs virtual time and tells what it found.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    pub label: String,
    pub cost_s: f64,
    pub finding: String,
}

/// The cause, and the evidence that shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    pub question: String,
    /// Exactly one is correct.
    pub causes: Vec<Answer>,
    pub evidence_question: String,
    /// At least one is correct; the learner must pick every correct one and no other.
    pub evidence: Vec<Answer>,
    /// Virtual seconds a wrong diagnosis costs (chasing the wrong lead).
    pub penalty_s: f64,
}

impl Diagnosis {
    /// The order the options of one list (`"causes"` or `"evidence"`) are shown in:
    /// shuffled, because authors tend to write the right answer first, but fixed for a
    /// drill, so the page looks the same after a restart and in every test.
    pub fn shown_order(drill_id: &str, list: &str, len: usize) -> Vec<usize> {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        // FNV-1a: a hash that is the same on every machine and in every build.
        let seed = format!("{drill_id}/{list}")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        let mut order: Vec<usize> = (0..len).collect();
        order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(seed));
        order
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub text: String,
    pub correct: bool,
    /// Why it is or is not right, shown after answering.
    pub why: String,
}

/// A mitigation on offer: `id` names a mitigation the system's model knows
/// ([`super::systems::Known`]), with its parameters' ranges and defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub id: String,
    pub label: String,
    /// What it does, in a sentence or two (not whether it helps).
    pub explain: String,
    #[serde(default)]
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    pub label: String,
    /// Shown after the value ("%", "s", "threads").
    #[serde(default)]
    pub unit: String,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub default: f64,
}

/// A loaded, checked drill with its model mitigation.
#[derive(Debug, Clone)]
pub struct Drill {
    /// The pack it belongs to.
    pub pack: String,
    /// Its file, relative to the content root, for messages.
    pub path: String,
    pub spec: DrillSpec,
    /// `<id>.solution.ron`: the choices that hold the SLO.
    pub solution: Choices,
}

impl Drill {
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The tag the drill's cards carry, so the deck can tell where they came from.
    pub fn card_tag(&self) -> String {
        format!("drill:{}", self.spec.id)
    }

    pub fn offer(&self, id: &str) -> Option<&Offer> {
        self.spec.mitigations.iter().find(|o| o.id == id)
    }
}
