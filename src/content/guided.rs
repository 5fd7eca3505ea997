//! Guided "predict, then play" steps of the simulations, as content:
//! `lessons/<pack>/scenarios/steps/<simulation id>.ron`, 2 to 4 steps per simulation.
//!
//! A step asks a question about one moment of a preset's run and offers choices, each
//! with a condition on a counter of the headless run (`workbook sim <id> --preset P
//! --until T` prints the names). The app plays the preset to the moment, pauses, and
//! says which choice held, so the verdict comes from the model, never from a hand-written
//! answer. Loading checks every step the way `workbook validate` reports problems: by
//! file, line and column, including that exactly one choice holds at the moment.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::problem::{line_col, locate};
use super::{ContentSource, Library, Problem};
use crate::sim::{catalog, headless};

/// Steps per simulation an author writes.
const STEPS: std::ops::RangeInclusive<usize> = 2..=4;
/// Choices per step.
const CHOICES: std::ops::RangeInclusive<usize> = 2..=4;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepsFile {
    steps: Vec<StepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: String,
    preset: String,
    question: String,
    /// The moment, on the page's clock: seconds (minutes for `checkout-outage`, moves
    /// for `race`).
    at: f64,
    choices: Vec<Choice>,
    why: String,
}

/// One answer to a step's question, and when it is the true one: `counter` of the
/// headless run at the step's moment lies in `min..=max` (either bound may be left out).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: String,
    pub counter: String,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

impl Choice {
    /// Whether the choice is true of `report`; `None` when it has no such counter.
    pub fn holds(&self, report: &headless::Report) -> Option<bool> {
        let v = report.counter(&self.counter)?;
        Some(self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m))
    }
}

/// A step, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct GuidedStep {
    pub id: String,
    /// A preset name of the simulation (`sim::catalog`).
    pub preset: String,
    pub question: String,
    /// The moment, on the page's clock (see [`StepFile`]).
    pub at: f64,
    pub choices: Vec<Choice>,
    /// Why the true choice is true, shown with the verdict.
    pub why: String,
}

impl GuidedStep {
    /// The moment as the headless run's `--until`.
    pub fn until(&self, sim: &str) -> f64 {
        until(sim, self.at)
    }

    /// The index of the choice that holds in the run with `seed`, by running the preset
    /// to the moment headless (the same run the page shows).
    pub fn verdict(&self, sim: &str, seed: u64) -> Option<usize> {
        let report = headless::run(sim, Some(&self.preset), seed, Some(self.until(sim))).ok()?;
        self.choices
            .iter()
            .position(|c| c.holds(&report) == Some(true))
    }
}

/// A moment on a page's clock as the headless run's `--until`: seconds (the checkout's
/// clock reads minutes), or moves for the race.
fn until(sim: &str, at: f64) -> f64 {
    if sim == "checkout-outage" {
        at * 60.0
    } else {
        at
    }
}

/// Every simulation's steps, and the problems found.
#[derive(Debug, Clone, Default)]
pub struct GuidedSteps {
    pub by_sim: BTreeMap<String, Vec<GuidedStep>>,
    pub problems: Vec<Problem>,
}

impl GuidedSteps {
    pub fn for_sim(&self, sim: &str) -> &[GuidedStep] {
        self.by_sim.get(sim).map_or(&[], Vec::as_slice)
    }
}

/// How thoroughly steps are checked on loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Form, ids and presets: what the app needs to show them, instantly.
    Form,
    /// Also run each step's preset to its moment and check its counters and that
    /// exactly one choice holds (`workbook validate`, the tests).
    WithModel,
}

/// Loads the steps of every pack in `library`. A file with a problem contributes no
/// steps; the others still load.
pub fn load_steps(source: &ContentSource, library: &Library, check: Check) -> GuidedSteps {
    let mut all = GuidedSteps::default();
    for pack in &library.packs {
        for sim in &catalog::SIMULATIONS {
            let path = format!("lessons/{}/scenarios/steps/{}.ron", pack.id, sim.id);
            let Some(text) = source.read_to_string(&path) else {
                continue;
            };
            match load_file(&path, &text, sim, check) {
                Ok(steps) => {
                    all.by_sim
                        .entry(sim.id.to_owned())
                        .or_default()
                        .extend(steps);
                }
                Err(problems) => all.problems.extend(problems),
            }
        }
    }
    all
}

fn load_file(
    path: &str,
    text: &str,
    sim: &catalog::SimInfo,
    check: Check,
) -> Result<Vec<GuidedStep>, Vec<Problem>> {
    let file: StepsFile =
        ron::from_str(text).map_err(|e| vec![Problem::from_ron(path, text, &e)])?;
    let mut problems = Vec::new();
    let at = |needle: &str, message: String| {
        let (line, column) = locate(text, needle);
        Problem::new(path, line, column, message)
    };
    // A problem inside a step: the first `needle` after the step's id, so a counter
    // named in several steps is reported in the step that is wrong.
    let in_step = |id: &str, needle: &str, message: String| {
        let from = text.find(&format!("\"{id}\"")).unwrap_or(0);
        let (line, column) = match text[from..].find(needle) {
            Some(i) => line_col(text, from + i),
            None => locate(text, needle),
        };
        Problem::new(path, line, column, message)
    };
    if !STEPS.contains(&file.steps.len()) {
        problems.push(at(
            "steps",
            format!(
                "{} step(s); a simulation has {} to {}",
                file.steps.len(),
                STEPS.start(),
                STEPS.end()
            ),
        ));
    }
    let mut ids = std::collections::BTreeSet::new();
    for step in &file.steps {
        let here = format!("\"{}\"", step.id);
        if !ids.insert(step.id.as_str()) {
            problems.push(at(&here, format!("step id `{}` is used twice", step.id)));
        }
        if sim.preset(&step.preset).is_none() {
            problems.push(in_step(
                &step.id,
                &format!("\"{}\"", step.preset),
                format!(
                    "`{}` has no preset `{}`; its presets: {}",
                    sim.id,
                    step.preset,
                    sim.preset_names()
                ),
            ));
            continue;
        }
        if !CHOICES.contains(&step.choices.len()) {
            problems.push(at(
                &here,
                format!(
                    "step `{}` has {} choice(s); a step has {} to {}",
                    step.id,
                    step.choices.len(),
                    CHOICES.start(),
                    CHOICES.end()
                ),
            ));
        }
        if check == Check::Form {
            continue;
        }
        let report =
            match headless::run(sim.id, Some(&step.preset), 1, Some(until(sim.id, step.at))) {
                Ok(report) => report,
                Err(e) => {
                    problems.push(at(
                        &here,
                        format!("step `{}`: at {}: {e}", step.id, step.at),
                    ));
                    continue;
                }
            };
        let mut holding = Vec::new();
        for (i, choice) in step.choices.iter().enumerate() {
            match choice.holds(&report) {
                Some(true) => holding.push(i + 1),
                Some(false) => {}
                None => problems.push(in_step(
                    &step.id,
                    &format!("\"{}\"", choice.counter),
                    format!(
                        "`{}` has no counter `{}`; `workbook sim {} --preset {}` lists them",
                        sim.id, choice.counter, sim.id, step.preset
                    ),
                )),
            }
        }
        if holding.len() != 1 {
            problems.push(at(
                &here,
                format!(
                    "step `{}`: with seed 1, exactly one choice must hold at {}; these do: {:?}",
                    step.id, step.at, holding
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(file
            .steps
            .into_iter()
            .map(|s| GuidedStep {
                id: s.id,
                preset: s.preset,
                question: s.question,
                at: s.at,
                choices: s.choices,
                why: s.why,
            })
            .collect())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pack_has_checked_steps_for_every_simulation() {
        let source = ContentSource::Embedded;
        let library = crate::content::load_library(&source);
        let steps = load_steps(&source, &library, Check::WithModel);
        assert!(steps.problems.is_empty(), "{:#?}", steps.problems);
        for sim in &catalog::SIMULATIONS {
            let n = steps.for_sim(sim.id).len();
            assert!(STEPS.contains(&n), "{}: {n} steps", sim.id);
        }
    }

    #[test]
    fn a_wrong_step_is_reported_where_it_is_written() {
        let sim = catalog::find("breaker").unwrap();
        let text = r#"(steps: [
            (id: "a", preset: "gateway-hangs", question: "?", at: 5.0, why: "",
             choices: [(text: "x", counter: "with.nope", min: Some(0.0))]),
            (id: "a", preset: "nope", question: "?", at: 5.0, why: "", choices: []),
        ])"#;
        let problems = load_file("steps/breaker.ron", text, sim, Check::WithModel).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("steps/breaker.ron:3:")
                    && m.contains("has no counter `with.nope`")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("used twice")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("no preset `nope`")),
            "{messages:#?}"
        );
    }
}
