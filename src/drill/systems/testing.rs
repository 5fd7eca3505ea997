//! What every drill system's tests check: on every checked seed, the system as it is
//! misses its SLO and raises its alert, the model mitigation holds it (what
//! `Check::WithModel` checks, here for one drill only, so a test does not replay them all),
//! and each plausible wrong mitigation misses it for the reason the drill teaches. Played
//! from the embedded content, as an installed `workbook` would.

use crate::content::drill::{Check, load_drills};
use crate::content::{self, ContentSource};
use crate::drill::{self, Applied, CHECKED_SEEDS, Choices, Drill, Metric, Outcome};

/// Drill `id` from the embedded content, checked for form only; a problem in its files
/// fails the test.
pub fn load(id: &str) -> Drill {
    let source = ContentSource::Embedded;
    let library = content::load_library(&source);
    let drills = load_drills(&source, &library, Check::Form);
    let problems: Vec<String> = drills
        .problems
        .iter()
        .filter(|p| p.to_string().contains(id))
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    drills
        .get(id)
        .cloned()
        .unwrap_or_else(|| panic!("drill {id} loads"))
}

/// `choices` played on every checked seed.
pub fn play_seeds(d: &Drill, choices: &Choices) -> Vec<Outcome> {
    CHECKED_SEEDS
        .iter()
        .map(|&seed| drill::play(d, choices, seed).expect("the choices fit the drill"))
        .collect()
}

/// The good share of each outcome, in percent.
pub fn good(outcomes: &[Outcome]) -> Vec<f64> {
    outcomes
        .iter()
        .map(|o| o.verdict.figures.good_pct)
        .collect()
}

/// A dashboard metric's highest value.
pub fn peak(m: &Metric) -> f64 {
    m.points.iter().filter_map(|p| p.1).fold(f64::MIN, f64::max)
}

/// One mitigation with its parameters (the others at their defaults).
pub fn one(id: &str, params: &[(&str, f64)]) -> Choices {
    Choices {
        apply: vec![Applied {
            id: id.into(),
            params: params.iter().map(|(k, v)| ((*k).into(), *v)).collect(),
        }],
    }
}

/// Plays drill `id` on every checked seed with no mitigation, its model mitigation and
/// each of `wrong`, which must miss the SLO with its given label as the biggest cause.
/// Prints the good share of every case and seed (`cargo test -- --nocapture`), the table
/// the README reports.
pub fn assert_drill_cases(id: &str, wrong: &[(Choices, &str)]) {
    let d = &load(id);
    for seed in CHECKED_SEEDS {
        let none = drill::play(d, &Choices::default(), seed).unwrap();
        let model = drill::play(d, &d.solution, seed).unwrap();
        let mut row = format!(
            "{id} seed {seed}: none {:.2} %, model {:.2} %",
            none.verdict.figures.good_pct, model.verdict.figures.good_pct
        );
        assert!(!none.verdict.met, "seed {seed}: {}", none.verdict.reason);
        assert!(none.alert_s.is_some(), "seed {seed}: no alert");
        assert!(model.verdict.met, "seed {seed}: {}", model.verdict.reason);
        for (choices, label) in wrong {
            let o = drill::play(d, choices, seed).unwrap();
            let what = &choices.apply[0].id;
            row.push_str(&format!(", {what} {:.2} %", o.verdict.figures.good_pct));
            assert!(!o.verdict.met, "seed {seed}, {what}: {}", o.verdict.reason);
            let top = o.verdict.figures.bad.first().map(|(l, _)| l.as_str());
            assert_eq!(
                top,
                Some(*label),
                "seed {seed}, {what}: {}",
                o.verdict.reason
            );
        }
        println!("{row}");
    }
}
