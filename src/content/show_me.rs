//! Where a predict flashcard's "Show me" opens its scenario, as content:
//! `lessons/<pack>/scenarios/show-me.ron` maps a scenario name to a simulation, one of
//! its presets and the moment on the page's clock (seconds; minutes for the checkout;
//! the sweep's step for the retry strategies). The page opens there paused, so the
//! learner who just predicted sees the model at the moment the card asks about.
//!
//! A scenario with no entry keeps the plain "Open the simulation": a scripted scenario
//! (the breaker's) has no preset that is the same run, and a "Show me" that showed
//! another run would mislead.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::problem::locate;
use super::{ContentSource, Library, Problem};
use crate::sim::catalog;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShowMeFile {
    scenarios: BTreeMap<String, ShowMe>,
}

/// A simulation at a moment: what "Show me" opens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowMe {
    /// A simulation id of `sim::catalog`.
    pub sim: String,
    /// One of its presets.
    pub preset: String,
    /// The moment, on the page's clock.
    pub at: f64,
}

/// Every pack's entries by scenario name, and the problems found.
#[derive(Debug, Clone, Default)]
pub struct ShowMeIndex {
    pub by_scenario: BTreeMap<String, ShowMe>,
    pub problems: Vec<Problem>,
}

impl ShowMeIndex {
    pub fn get(&self, scenario: &str) -> Option<&ShowMe> {
        self.by_scenario.get(scenario)
    }
}

/// Latest moment an entry may name, on any page's clock (a day of the checkout's
/// minutes is far beyond every run).
const MAX_AT: f64 = 1440.0;

/// Loads the entries of every pack; an entry with a problem is left out, the others
/// still load.
pub fn load(source: &ContentSource, library: &Library) -> ShowMeIndex {
    let mut index = ShowMeIndex::default();
    for pack in &library.packs {
        let path = format!("lessons/{}/scenarios/show-me.ron", pack.id);
        let Some(text) = source.read_to_string(&path) else {
            continue;
        };
        let file: ShowMeFile = match ron::from_str(&text) {
            Ok(file) => file,
            Err(e) => {
                index.problems.push(Problem::from_ron(&path, &text, &e));
                continue;
            }
        };
        for (scenario, entry) in file.scenarios {
            let at = |needle: &str, message: String| {
                let (line, column) = locate(&text, needle);
                Problem::new(&path, line, column, message)
            };
            let key = format!("\"{scenario}\"");
            let scenario_file = format!("lessons/{}/scenarios/{scenario}.ron", pack.id);
            let problem = match catalog::find(&entry.sim) {
                None => Some(format!(
                    "`{scenario}`: no simulation `{}`; the ids: {}",
                    entry.sim,
                    crate::content::SIMULATION_IDS.join(", ")
                )),
                Some(sim) if sim.preset(&entry.preset).is_none() => Some(format!(
                    "`{scenario}`: `{}` has no preset `{}`; its presets: {}",
                    sim.id,
                    entry.preset,
                    sim.preset_names()
                )),
                Some(_) if !(0.0..=MAX_AT).contains(&entry.at) => Some(format!(
                    "`{scenario}`: the moment must be between 0 and {MAX_AT}, got {}",
                    entry.at
                )),
                Some(_) if source.read_to_string(&scenario_file).is_none() => {
                    Some(format!("`{scenario}` has no scenario file {scenario_file}"))
                }
                Some(_) => None,
            };
            match problem {
                Some(message) => index.problems.push(at(&key, message)),
                None => {
                    index.by_scenario.insert(scenario, entry);
                }
            }
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pack_maps_its_scenarios_to_presets_without_problems() {
        let source = ContentSource::Embedded;
        let library = crate::content::load_library(&source);
        let index = load(&source, &library);
        assert!(index.problems.is_empty(), "{:#?}", index.problems);
        let collapse = index.get("collapse-spike-no-backoff").expect("an entry");
        assert_eq!((collapse.sim.as_str(), collapse.at), ("collapse", 60.0));
        assert!(
            index.get("breaker-below-minimum").is_none(),
            "scripted: no preset"
        );
    }
}
