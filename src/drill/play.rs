//! Playing a drill: the incident on a seed, with chosen mitigations, judged against the
//! SLO. The learner's replay, `workbook drill run` and the tests all come through here.

use serde::Serialize;

use super::choices::{Choices, Resolved};
use super::run::{Event, EventKind, Run};
use super::slo::{self, Verdict};
use super::spec::Drill;

/// One played run and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub drill: String,
    pub seed: u64,
    pub applied: Vec<Resolved>,
    /// When the alert fires in this run (`None`: it never does).
    pub alert_s: Option<f64>,
    pub verdict: Verdict,
    #[serde(flatten)]
    pub run: Run,
}

/// Runs `drill` on `seed` with `choices` in place; an error when a choice does not fit
/// the drill's offers.
pub fn play(drill: &Drill, choices: &Choices, seed: u64) -> Result<Outcome, String> {
    let applied = choices.resolve(drill)?;
    let spec = &drill.spec;
    let mut run = spec.system.system().run(&applied, seed, spec.duration_s);
    let verdict = slo::judge(&spec.slo, &run.requests);
    let alert_s = slo::alert_at(&spec.slo, &spec.alert, &run.requests);
    if let Some(t) = alert_s {
        run.events.push(Event {
            t_s: t,
            kind: EventKind::Alert,
            source: "pager".into(),
            text: spec.alert.text.clone(),
        });
    }
    for a in &applied {
        run.events.push(Event {
            t_s: 0.0,
            kind: EventKind::Mitigation,
            source: "you".into(),
            text: format!("in place from the start: {}", describe(drill, a)),
        });
    }
    run.sort_events();
    Ok(Outcome {
        drill: spec.id.clone(),
        seed,
        applied,
        alert_s,
        verdict,
        run,
    })
}

/// The mitigation in the offer's words with its parameters: "A circuit breaker (open at
/// failure rate 50 %, ...)", or the label alone when it takes none.
pub fn describe(drill: &Drill, applied: &Resolved) -> String {
    let label = drill
        .offer(&applied.id)
        .map_or(applied.id.as_str(), |o| o.label.as_str());
    let params = params_text(drill, applied);
    if params.is_empty() {
        label.to_owned()
    } else {
        format!("{label} {params}")
    }
}

/// "(threshold 50 %, wait 5 s)", in the offer's words and units.
fn params_text(drill: &Drill, applied: &Resolved) -> String {
    let Some(offer) = drill.offer(&applied.id) else {
        return String::new();
    };
    let parts: Vec<String> = offer
        .params
        .iter()
        .map(|p| {
            let v = applied.get(&p.name);
            let unit = if p.unit.is_empty() {
                String::new()
            } else {
                format!("\u{a0}{}", p.unit)
            };
            format!("{} {}{unit}", p.label, trim_number(v))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("({})", parts.join(", "))
    }
}

/// 5 as "5", 0.25 as "0.25": parameters are written as people write them.
pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}
