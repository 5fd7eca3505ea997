//! Loading incident drills: `lessons/<pack>/drills/<id>.ron` with its model mitigation
//! `<id>.solution.ron` beside it. Every problem is reported by file, line and column;
//! a drill with a problem is left out and the others still load.
//!
//! [`Check::WithModel`] (`workbook validate`, the tests) also plays each drill on
//! [`drill::CHECKED_SEEDS`]: without mitigation it must miss its SLO and raise its
//! alert, and with the model mitigation it must hold it, on every one of them.

use std::collections::BTreeSet;

use super::problem::locate;
use super::{ContentSource, Library, Problem};
use crate::drill::spec::Answer;
use crate::drill::{self, Choices, Drill, DrillSpec};

/// How thoroughly drills are checked on loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Form, references and ranges: what the app needs, instantly.
    Form,
    /// Also play them (see the module doc).
    WithModel,
}

/// Every drill that loaded, in teaching order (see [`load_drills`]), and the problems found.
#[derive(Debug, Clone, Default)]
pub struct Drills {
    pub drills: Vec<Drill>,
    pub problems: Vec<Problem>,
}

impl Drills {
    pub fn get(&self, id: &str) -> Option<&Drill> {
        self.drills.iter().find(|d| d.id() == id)
    }

    /// The drills of one lesson section.
    pub fn for_section<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a Drill> + 'a {
        self.drills
            .iter()
            .filter(move |d| d.spec.section == section)
    }
}

const SOLUTION: &str = ".solution.ron";

pub fn load_drills(source: &ContentSource, library: &Library, check: Check) -> Drills {
    let mut all = Drills::default();
    for pack in &library.packs {
        let dir = format!("lessons/{}/drills", pack.id);
        for name in source.files(&dir) {
            let Some(id) = name
                .strip_suffix(".ron")
                .filter(|_| !name.ends_with(SOLUTION))
            else {
                continue;
            };
            match load_one(source, library, &pack.id, &dir, id, check) {
                Ok(d) if all.get(d.id()).is_some() => all.problems.push(Problem::whole_file(
                    &d.path,
                    format!("drill id `{}` is used by another pack", d.id()),
                )),
                Ok(d) => all.drills.push(d),
                Err(p) => all.problems.extend(p),
            }
        }
    }
    // Teaching order: by pack, then by the position of the drill's section in it.
    let order = |d: &Drill| {
        let pack = library.packs.iter().position(|p| p.id == d.pack);
        let section = pack.and_then(|i| {
            library.packs[i]
                .sections
                .iter()
                .position(|s| s.id == d.spec.section)
        });
        (pack, section)
    };
    all.drills.sort_by_key(order);
    all
}

fn load_one(
    source: &ContentSource,
    library: &Library,
    pack: &str,
    dir: &str,
    id: &str,
    check: Check,
) -> Result<Drill, Vec<Problem>> {
    let path = format!("{dir}/{id}.ron");
    let text = source
        .read_text(&path)
        .map_err(|e| vec![Problem::whole_file(&path, format!("{e}"))])?;
    let spec: DrillSpec = ron::from_str(&units_kept_with_numbers(&text))
        .map_err(|e| vec![Problem::from_ron(&path, &text, &e)])?;
    let at = |needle: &str, message: String| {
        let (line, column) = locate(&text, needle);
        Problem::new(&path, line, column, message)
    };
    let mut problems = check_form(&spec, id, library, pack, &at);

    let solution_path = format!("{dir}/{id}{SOLUTION}");
    let solution = match source.read_text(&solution_path) {
        Ok(t) => match Choices::parse(&t) {
            Ok(c) => Some(c),
            Err(e) => {
                problems.push(Problem::from_ron(&solution_path, &t, &e));
                None
            }
        },
        Err(e) => {
            problems.push(Problem::whole_file(
                &solution_path,
                format!("every drill ships its model mitigation here: {e}"),
            ));
            None
        }
    };
    let (Some(solution), true) = (solution, problems.is_empty()) else {
        return Err(problems);
    };
    let drill = Drill {
        pack: pack.to_owned(),
        path: path.clone(),
        spec,
        solution,
    };
    if let Err(e) = drill.solution.resolve(&drill) {
        return Err(vec![Problem::whole_file(&solution_path, e)]);
    }
    if check == Check::WithModel {
        let problems = check_with_model(&drill, &at);
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    Ok(drill)
}

fn check_form(
    spec: &DrillSpec,
    id: &str,
    library: &Library,
    pack: &str,
    at: &dyn Fn(&str, String) -> Problem,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if spec.id != id {
        problems.push(at(
            &format!("\"{}\"", spec.id),
            format!("the id `{}` must be the file's name, `{id}`", spec.id),
        ));
    }
    if library
        .pack(pack)
        .and_then(|p| p.section(&spec.section))
        .is_none()
    {
        problems.push(at(
            &format!("\"{}\"", spec.section),
            format!("no section `{}` in pack `{pack}`", spec.section),
        ));
    }
    let system = spec.system.system();
    for message in system.check(spec.duration_s) {
        problems.push(at("system", message));
    }
    let slo = &spec.slo;
    if !(spec.duration_s > 0.0 && spec.duration_s <= 3_600.0) {
        problems.push(at("duration_s", "duration_s must be in (0, 3600] s".into()));
    }
    if !(0.0 <= slo.from_s && slo.from_s < slo.to_s && slo.to_s <= spec.duration_s) {
        problems.push(at(
            "from_s",
            "the SLO window must satisfy 0 ≤ from_s < to_s ≤ duration_s".into(),
        ));
    }
    if !(slo.objective_pct > 0.0 && slo.objective_pct <= 100.0) {
        problems.push(at(
            "objective_pct",
            "objective_pct must be in (0, 100]".into(),
        ));
    }
    if slo.within_s.is_some_and(|s| s <= 0.0) {
        problems.push(at("within_s", "within_s must be positive".into()));
    }
    if spec.alert.every_s <= 0.0 {
        problems.push(at("every_s", "every_s must be positive".into()));
    }
    let d = &spec.diagnosis;
    if d.causes.iter().filter(|c| c.correct).count() != 1 || d.causes.len() < 2 {
        problems.push(at(
            "causes",
            "the diagnosis needs at least two causes, exactly one of them correct".into(),
        ));
    }
    if !d.evidence.iter().any(|e| e.correct) || d.evidence.iter().all(|e| e.correct) {
        problems.push(at(
            "evidence",
            "the evidence needs at least one correct and one wrong item".into(),
        ));
    }
    for (what, answers) in [("cause", &d.causes), ("evidence", &d.evidence)] {
        if let Some(long) = gives_itself_away(answers) {
            let start: String = long.text.chars().take(40).collect();
            problems.push(at(
                &format!("\"{start}"),
                format!(
                    "this correct {what} is much longer than every wrong one, which gives it \
                     away: keep the options alike in length and detail (at most {}× the \
                     longest wrong one), and put the detail in `why`",
                    LONGEST_RIGHT_OVER_WRONG
                ),
            ));
        }
    }
    let mut ids = BTreeSet::new();
    for a in &spec.actions {
        if !ids.insert(a.id.as_str()) {
            problems.push(at(
                &format!("\"{}\"", a.id),
                format!("action id `{}` is used twice", a.id),
            ));
        }
        if a.cost_s < 0.0 {
            problems.push(at(
                &format!("\"{}\"", a.id),
                "cost_s must not be negative".into(),
            ));
        }
    }
    if spec.mitigations.len() < 2 {
        problems.push(at(
            "mitigations",
            "offer at least two mitigations, one of them wrong".into(),
        ));
    }
    let mut offered = BTreeSet::new();
    for offer in &spec.mitigations {
        let here = format!("\"{}\"", offer.id);
        if !offered.insert(offer.id.as_str()) {
            problems.push(at(
                &here,
                format!("mitigation `{}` is offered twice", offer.id),
            ));
        }
        let Some(known) = system.known().iter().find(|k| k.id == offer.id) else {
            let ids: Vec<&str> = system.known().iter().map(|k| k.id).collect();
            problems.push(at(
                &here,
                format!(
                    "this system cannot apply `{}`; it knows: {}",
                    offer.id,
                    ids.join(", ")
                ),
            ));
            continue;
        };
        let declared: BTreeSet<&str> = offer.params.iter().map(|p| p.name.as_str()).collect();
        let needed: BTreeSet<&str> = known.params.iter().copied().collect();
        if declared != needed {
            problems.push(at(
                &here,
                format!(
                    "`{}` takes exactly the parameters {}",
                    offer.id,
                    known.params.join(", ")
                ),
            ));
        }
        for p in &offer.params {
            if !(p.min <= p.default && p.default <= p.max && p.step > 0.0) {
                problems.push(at(
                    &format!("\"{}\"", p.name),
                    format!("`{}` needs min ≤ default ≤ max and a positive step", p.name),
                ));
            }
        }
    }
    let mut card_ids = BTreeSet::new();
    for card in &spec.cards {
        if !card_ids.insert(card.id.as_str()) {
            problems.push(at(
                &format!("\"{}\"", card.id),
                format!("card id `{}` is used twice", card.id),
            ));
        }
    }
    problems
}

/// The units a drill's text writes after a number.
const UNITS: [&str; 6] = ["ms", "s", "min", "h", "%", "×"];

/// `text` with a no-break space between a number and its unit ("0.5 s", "99 %"), so
/// a wrapped line never leaves the unit alone at the start of the next. Writers type
/// an ordinary space; one space becomes one character, so positions do not move.
fn units_kept_with_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = None;
    for (i, c) in text.char_indices() {
        let after = &text[i + c.len_utf8()..];
        let unit_follows = UNITS.iter().any(|u| {
            after
                .strip_prefix(u)
                .is_some_and(|rest| rest.chars().next().is_none_or(|n| !n.is_alphanumeric()))
        });
        if c == ' ' && previous.is_some_and(|p: char| p.is_ascii_digit()) && unit_follows {
            out.push('\u{a0}');
        } else {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// How much longer than the longest wrong option a correct one may be. A learner who
/// cannot tell the cause picks the longest, most detailed option; past this ratio that
/// guess is right.
const LONGEST_RIGHT_OVER_WRONG: f64 = 1.4;

/// The first correct answer that is longer than `LONGEST_RIGHT_OVER_WRONG` times every
/// wrong one, in characters.
fn gives_itself_away(answers: &[Answer]) -> Option<&Answer> {
    let chars = |a: &Answer| a.text.chars().count() as f64;
    let longest_wrong = answers
        .iter()
        .filter(|a| !a.correct)
        .map(chars)
        .fold(0.0, f64::max);
    answers
        .iter()
        .find(|a| a.correct && chars(a) > LONGEST_RIGHT_OVER_WRONG * longest_wrong)
}

/// Plays the drill on every checked seed: no mitigation misses, the model one holds.
fn check_with_model(d: &Drill, at: &dyn Fn(&str, String) -> Problem) -> Vec<Problem> {
    let mut problems = Vec::new();
    for seed in drill::CHECKED_SEEDS {
        match drill::play(d, &Choices::default(), seed) {
            Ok(o) if o.verdict.met => problems.push(at(
                "slo",
                format!(
                    "seed {seed}: without mitigation the SLO holds ({}): no incident",
                    o.verdict.reason
                ),
            )),
            Ok(o) if o.alert_s.is_none() => {
                problems.push(at("alert", format!("seed {seed}: the alert never fires")));
            }
            Ok(_) => {}
            Err(e) => problems.push(at("system", e)),
        }
        match drill::play(d, &d.solution, seed) {
            Ok(o) if !o.verdict.met => problems.push(Problem::whole_file(
                d.path.replace(".ron", SOLUTION),
                format!(
                    "seed {seed}: the model mitigation misses the SLO: {}",
                    o.verdict.reason
                ),
            )),
            Ok(_) => {}
            Err(e) => problems.push(at("mitigations", e)),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::units_kept_with_numbers;

    #[test]
    fn a_unit_stays_with_its_number() {
        assert_eq!(
            units_kept_with_numbers("waits 0.5 s, 99 % of 2 ms; 3 seconds; 10 min"),
            "waits 0.5\u{a0}s, 99\u{a0}% of 2\u{a0}ms; 3 seconds; 10\u{a0}min"
        );
    }
}
