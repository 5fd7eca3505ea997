//! The first draft of a drill's post-mortem, from the run: the timeline from the model's
//! event log and the learner's own steps, the impact in numbers. The learner writes the
//! whys and the action items; the drill's model answer unlocks after that, as for the
//! lesson's incident.

use super::attempt::Attempt;
use super::play::{Outcome, trim_number};
use super::run::EventKind;
use super::slo;
use super::spec::Drill;
use crate::content::postmortem::{PostMortem, TimelineEntry};

/// The `incident` key of the post-mortem of one playthrough of a drill, in the
/// learner's post-mortems: `drill:<id>` for the first (as keys were before playthroughs
/// were numbered), `drill:<id>/<n>` for the n-th, so playing again starts a new write-up
/// and keeps the old one.
pub fn incident_key(drill: &Drill, attempt: &Attempt) -> String {
    match attempt.number {
        0 | 1 => format!("drill:{}", drill.id()),
        n => format!("drill:{}/{n}", drill.id()),
    }
}

/// The drill an `incident` key is of, if it is a drill's.
pub fn drill_of_incident(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("drill:")?;
    Some(rest.split_once('/').map_or(rest, |(id, _)| id))
}

/// A virtual time as the incident clock shows it: "t = 70 s", "t = 12 min".
pub fn clock(t_s: f64) -> String {
    let t = t_s.max(0.0);
    if t < 600.0 {
        format!("t = {}\u{a0}s", trim_number((t * 10.0).round() / 10.0))
    } else {
        format!("t = {:.0}\u{a0}min", t / 60.0)
    }
}

/// A post-mortem of `attempt`, where `baseline` is the incident without mitigation on
/// the attempt's seed (what really happened until the fix was in).
pub fn prefill(drill: &Drill, attempt: &Attempt, baseline: &Outcome) -> PostMortem {
    let spec = &drill.spec;
    let alert_s = baseline.alert_s.unwrap_or(spec.slo.from_s);
    let fixed_s = alert_s + attempt.spent_s;
    let mut timeline: Vec<(f64, String)> = baseline
        .run
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Fault | EventKind::State | EventKind::Alert
            ) && e.t_s <= fixed_s
        })
        .map(|e| (e.t_s, format!("{}: {}", e.source, e.text)))
        .collect();
    timeline.extend(
        attempt
            .log
            .iter()
            .map(|l| (alert_s + l.after_alert_s, format!("on call: {}", l.text))),
    );
    timeline.sort_by(|a, b| a.0.total_cmp(&b.0));

    // The impact: the SLO's figures over the part of the window before the fix landed.
    let mut until_fixed = spec.slo.clone();
    until_fixed.to_s = fixed_s.min(spec.slo.to_s).max(spec.slo.from_s);
    let hit = slo::judge(&until_fixed, &baseline.run.requests);
    let f = &hit.figures;
    let bad = f.total - f.good;
    let causes: Vec<String> = f.bad.iter().map(|(l, n)| format!("{n} {l}")).collect();
    // The model runs for the SLO's window; a fix that came after it changed nothing of it.
    let stretch = if fixed_s < spec.slo.to_s {
        format!(
            "From {} to {} (the mitigation in place)",
            clock(spec.slo.from_s),
            clock(until_fixed.to_s)
        )
    } else {
        format!(
            "Over the whole SLO window, {} to {} (the mitigation came in at {})",
            clock(spec.slo.from_s),
            clock(spec.slo.to_s),
            clock(fixed_s)
        )
    };
    let impact = format!(
        "{stretch}, {bad} of {} requests ({:.1}\u{a0}%) missed the SLO \"{}\"{}.",
        f.total,
        100.0 - f.good_pct,
        spec.slo.text,
        if causes.is_empty() {
            String::new()
        } else {
            format!(": {}", causes.join(", "))
        }
    );

    PostMortem {
        incident: Some(incident_key(drill, attempt)),
        title: match attempt.number {
            0 | 1 => spec.title.clone(),
            n => format!("{} (playthrough {n})", spec.title),
        },
        summary: format!(
            "Paged at {} by \"{}\"; mitigated {:.0}\u{a0}min later.",
            clock(alert_s),
            spec.alert.text,
            attempt.spent_s / 60.0
        ),
        timeline: timeline
            .into_iter()
            .map(|(t, event)| TimelineEntry {
                time: clock(t),
                event,
            })
            .collect(),
        impact,
        ..PostMortem::default()
    }
}

#[cfg(test)]
mod tests {
    use super::drill_of_incident;

    #[test]
    fn every_playthrough_key_names_its_drill() {
        assert_eq!(drill_of_incident("drill:retry-storm"), Some("retry-storm"));
        assert_eq!(
            drill_of_incident("drill:retry-storm/3"),
            Some("retry-storm")
        );
        assert_eq!(drill_of_incident("checkout-outage"), None);
    }
}
