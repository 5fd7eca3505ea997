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

/// The `incident` key of a drill's post-mortem in the learner's post-mortems.
pub fn incident_key(drill: &Drill) -> String {
    format!("drill:{}", drill.id())
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
    let impact = format!(
        "From {} to {} (the mitigation in place), {bad} of {} requests ({:.1}\u{a0}%) missed the SLO \"{}\"{}.",
        clock(spec.slo.from_s),
        clock(until_fixed.to_s),
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
        incident: Some(incident_key(drill)),
        title: spec.title.clone(),
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
