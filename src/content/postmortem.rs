//! The post-mortem workbook: incidents the learner writes up (summary, timeline, impact,
//! five whys, root cause, process gap, action items with owners), kept with progress,
//! checked for the usual weaknesses, exported as Markdown, and compared with a model
//! answer for the lesson's own incident.
//!
//! The model answer is revealed only once the learner has committed to an analysis of
//! their own (see [`PostMortem::missing_before_compare`]): reading the answer first turns
//! an exercise in thinking into an exercise in copying.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The incident of the lesson's first section, the one with a model answer.
pub const LESSON_INCIDENT: &str = "payment-service-crash";

/// How many "why?" steps the form offers.
pub const WHYS: usize = 5;

/// All post-mortems the learner has written. Filled in by the post-mortem workbook page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PostMortems {
    pub items: Vec<PostMortem>,
}

impl PostMortems {
    /// The learner's write-up of the lesson's incident, created empty on first use.
    pub fn lesson_incident(&mut self) -> &mut PostMortem {
        let index = match self
            .items
            .iter()
            .position(|p| p.incident.as_deref() == Some(LESSON_INCIDENT))
        {
            Some(index) => index,
            None => {
                self.items.insert(0, PostMortem::for_lesson_incident());
                0
            }
        };
        &mut self.items[index]
    }

    /// Adds a blank post-mortem for an incident of the learner's own; returns its index.
    pub fn add_own(&mut self) -> usize {
        let n = self.items.iter().filter(|p| p.incident.is_none()).count() + 1;
        self.items.push(PostMortem {
            title: format!("My incident {n}"),
            ..PostMortem::default()
        });
        self.items.len() - 1
    }
}

/// One timestamped fact of the timeline.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct TimelineEntry {
    pub time: String,
    pub event: String,
}

/// A change that will be made, by whom, by when.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ActionItem {
    pub action: String,
    pub owner: String,
    pub due: String,
}

/// One incident write-up.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct PostMortem {
    /// `Some(LESSON_INCIDENT)` for the lesson's incident; `None` for the learner's own.
    pub incident: Option<String>,
    pub title: String,
    pub summary: String,
    pub timeline: Vec<TimelineEntry>,
    pub impact: String,
    pub whys: [String; WHYS],
    pub root_cause: String,
    pub process_gap: String,
    pub action_items: Vec<ActionItem>,
}

/// A weakness the self-check found, worded as advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub field: &'static str,
    pub advice: String,
}

/// Words that usually mean a sentence is about a person, not the process.
const BLAME_MARKERS: &[&str] = &[
    "should have",
    "forgot",
    "careless",
    "negligen",
    "fault",
    "blame",
    "failed to",
    "didn't",
    "did not",
    "human error",
    "mistake by",
];

fn filled(text: &str) -> bool {
    !text.trim().is_empty()
}

impl PostMortem {
    /// A blank write-up of the lesson's incident, with its title set.
    pub fn for_lesson_incident() -> Self {
        PostMortem {
            incident: Some(LESSON_INCIDENT.to_owned()),
            title: "Payment service restarting (out of memory)".to_owned(),
            ..PostMortem::default()
        }
    }

    /// True when nothing has been written yet (the title alone does not count).
    pub fn is_blank(&self) -> bool {
        *self
            == PostMortem {
                incident: self.incident.clone(),
                title: self.title.clone(),
                ..PostMortem::default()
            }
    }

    /// What still has to be written before the model answer may be shown; empty when
    /// the learner has an analysis of their own: a root cause, a process gap and at
    /// least three whys.
    pub fn missing_before_compare(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.whys.iter().filter(|w| filled(w)).count() < 3 {
            missing.push("at least three whys");
        }
        if !filled(&self.root_cause) {
            missing.push("the root cause");
        }
        if !filled(&self.process_gap) {
            missing.push("the process gap");
        }
        missing
    }

    /// The self-check: weaknesses a reviewer would point out.
    pub fn check(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut advise =
            |field: &'static str, advice: String| findings.push(Finding { field, advice });
        if !filled(&self.summary) {
            advise(
                "Summary",
                "Write two or three sentences a newcomer would understand.".to_owned(),
            );
        }
        if self.timeline.iter().filter(|e| filled(&e.event)).count() < 2 {
            advise(
                "Timeline",
                "List at least the start, the detection and the recovery, with times.".to_owned(),
            );
        }
        for (i, entry) in self.timeline.iter().enumerate() {
            if filled(&entry.event) && !filled(&entry.time) {
                advise("Timeline", format!("Entry {} has no time.", i + 1));
            }
        }
        if !filled(&self.impact) {
            advise(
                "Impact",
                "Say who was affected, how much and for how long, in numbers.".to_owned(),
            );
        } else if !self.impact.chars().any(|c| c.is_ascii_digit()) {
            advise(
                "Impact",
                "Give numbers: failed requests, minutes, customers, money.".to_owned(),
            );
        }
        if let Some(gap) = self.whys.iter().position(|w| !filled(w))
            && self.whys[gap..].iter().any(|w| filled(w))
        {
            advise(
                "Five whys",
                format!(
                    "Why {} is empty but a later one is filled: the chain has a hole.",
                    gap + 1
                ),
            );
        }
        if filled(&self.root_cause)
            && filled(&self.process_gap)
            && self.root_cause.trim() == self.process_gap.trim()
        {
            advise("Process gap", "The process gap repeats the root cause; name the process that let the bug through.".to_owned());
        }
        let actions: Vec<&ActionItem> = self
            .action_items
            .iter()
            .filter(|a| filled(&a.action))
            .collect();
        if actions.is_empty() {
            advise(
                "Action items",
                "Add at least one concrete change, with an owner.".to_owned(),
            );
        }
        for (i, item) in actions.iter().enumerate() {
            if !filled(&item.owner) {
                advise(
                    "Action items",
                    format!("Action {} has no owner: without one it is a wish.", i + 1),
                );
            }
            if !filled(&item.due) {
                advise("Action items", format!("Action {} has no due date.", i + 1));
            }
        }
        for (field, text) in self.prose_fields() {
            let lower = text.to_lowercase();
            if let Some(marker) = BLAME_MARKERS.iter().find(|m| lower.contains(*m)) {
                advise(
                    field,
                    format!(
                        "\"{marker}\" reads as blame. Describe what the process lacked, not what a person did."
                    ),
                );
            }
        }
        findings
    }

    /// The free-text fields with their names, for checks that read all prose.
    fn prose_fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("Summary", self.summary.clone()),
            ("Impact", self.impact.clone()),
            ("Root cause", self.root_cause.clone()),
            ("Process gap", self.process_gap.clone()),
        ];
        fields.push(("Five whys", self.whys.join("\n")));
        let actions: Vec<&str> = self
            .action_items
            .iter()
            .map(|a| a.action.as_str())
            .collect();
        fields.push(("Action items", actions.join("\n")));
        fields
    }

    /// The write-up as a Markdown document, with empty parts marked as such.
    pub fn to_markdown(&self) -> String {
        let or_blank = |text: &str| {
            if filled(text) {
                text.trim().to_owned()
            } else {
                "_(not written yet)_".to_owned()
            }
        };
        let mut md = String::new();
        let title = if filled(&self.title) {
            self.title.trim()
        } else {
            "Untitled incident"
        };
        let _ = writeln!(md, "# Post-mortem: {title}\n");
        let _ = writeln!(md, "## Summary\n\n{}\n", or_blank(&self.summary));
        let _ = writeln!(md, "## Timeline\n");
        let entries: Vec<&TimelineEntry> = self
            .timeline
            .iter()
            .filter(|e| filled(&e.time) || filled(&e.event))
            .collect();
        if entries.is_empty() {
            let _ = writeln!(md, "_(not written yet)_\n");
        } else {
            let _ = writeln!(md, "| Time | Event |\n|------|-------|");
            for e in entries {
                let _ = writeln!(md, "| {} | {} |", table_cell(&e.time), table_cell(&e.event));
            }
            md.push('\n');
        }
        let _ = writeln!(md, "## Impact\n\n{}\n", or_blank(&self.impact));
        let _ = writeln!(md, "## Five whys\n");
        for (i, why) in self.whys.iter().enumerate() {
            let _ = writeln!(md, "{}. {}", i + 1, or_blank(why));
        }
        let _ = writeln!(md, "\n## Root cause\n\n{}\n", or_blank(&self.root_cause));
        let _ = writeln!(md, "## Process gap\n\n{}\n", or_blank(&self.process_gap));
        let _ = writeln!(md, "## Action items\n");
        let actions: Vec<&ActionItem> = self
            .action_items
            .iter()
            .filter(|a| filled(&a.action))
            .collect();
        if actions.is_empty() {
            let _ = writeln!(md, "_(not written yet)_");
        } else {
            let _ = writeln!(md, "| Action | Owner | Due |\n|--------|-------|-----|");
            for a in actions {
                let owner = if filled(&a.owner) {
                    table_cell(&a.owner)
                } else {
                    "**no owner**".to_owned()
                };
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    table_cell(&a.action),
                    owner,
                    table_cell(&a.due)
                );
            }
        }
        md
    }

    /// A file name for the export, from the title.
    pub fn file_name(&self) -> String {
        let slug: String = self
            .title
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let slug = slug
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if slug.is_empty() {
            "post-mortem.md".to_owned()
        } else {
            format!("post-mortem-{slug}.md")
        }
    }
}

/// Keeps a table row intact: no line breaks or unescaped pipes inside a cell.
fn table_cell(text: &str) -> String {
    text.trim().replace('|', "\\|").replace('\n', " ")
}

/// Why an export did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("choose a file to export to")]
    NoPath,
    #[error("the folder {0} does not exist; create it or choose another")]
    NoFolder(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes the Markdown export to `path`, refusing to guess when the folder is missing.
pub fn export_markdown(post_mortem: &PostMortem, path: &Path) -> Result<(), ExportError> {
    if path.as_os_str().is_empty() {
        return Err(ExportError::NoPath);
    }
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty())
        && !folder.is_dir()
    {
        return Err(ExportError::NoFolder(folder.display().to_string()));
    }
    std::fs::write(path, post_mortem.to_markdown()).map_err(|source| ExportError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// The model answer for the lesson's incident: the payment service that restarted every
/// twelve minutes (lesson section 1).
pub fn model_answer() -> PostMortem {
    let entry = |time: &str, event: &str| TimelineEntry {
        time: time.to_owned(),
        event: event.to_owned(),
    };
    let action = |action: &str, owner: &str, due: &str| ActionItem {
        action: action.to_owned(),
        owner: owner.to_owned(),
        due: due.to_owned(),
    };
    PostMortem {
        incident: Some(LESSON_INCIDENT.to_owned()),
        title: "Payment service restarting (out of memory)".to_owned(),
        summary: "For 52 minutes on Friday evening the payment service was killed for running out of \
                  memory about every twelve minutes and restarted. Each restart dropped the payments in \
                  flight, so about one checkout in six failed. Rolling back the release ended it."
            .to_owned(),
        timeline: vec![
            entry("17:50", "Release 4.12 of the payment service deployed."),
            entry("18:05", "First out-of-memory kill; the orchestrator restarts the service."),
            entry("18:09", "Alert: payment error rate above 5%. On-call engineer paged."),
            entry("18:25", "Memory graph shows steady growth after each restart; leak suspected."),
            entry("18:41", "Decision: roll back rather than patch forward."),
            entry(
                "18:53",
                "Deploy lock released by an unrelated release; the rollback starts (twelve minutes waiting for it).",
            ),
            entry("18:57", "Rollback to 4.11 complete; memory flat from then on."),
        ],
        impact: "About 1 in 6 checkouts failed for 52 minutes (roughly 900 failed payments); no payment \
                 was charged twice and no data was lost; 140 support tickets."
            .to_owned(),
        whys: [
            "Why did the service crash? It ran out of memory and the operating system killed it.".to_owned(),
            "Why did it run out of memory? The transaction handler leaked the objects of transactions \
             that hit an error."
                .to_owned(),
            "Why were they leaked? An error on the clean-up path (closing the processor session) \
             returned early and skipped the release."
                .to_owned(),
            "Why did that reach production? No test covered an error during clean-up; the tests only \
             exercised successful clean-ups."
                .to_owned(),
            "Why was there no such test? The review checklist never asks how a change handles \
             resources on error paths."
                .to_owned(),
        ],
        root_cause: "The review process lacks any check of how a change handles resources \
                     on error paths, so code that skipped a release on an early return could be \
                     written, reviewed and shipped. (The code bug it let through: in-flight \
                     transactions were never released when closing the processor session failed.)"
            .to_owned(),
        process_gap: "The review checklist does not ask about resources on error paths, and the test \
                      suite has no tests that make clean-up fail."
            .to_owned(),
        action_items: vec![
            action(
                "Release in-flight transactions with a guard whose Drop removes the entry, on every path.",
                "Payments team",
                "next sprint",
            ),
            action("Add a test where closing the processor session fails.", "Payments team", "next sprint"),
            action(
                "Add \"what happens to each resource on each error path?\" to the review checklist.",
                "Engineering lead",
                "in two weeks",
            ),
            action("Alert on memory growth per instance, before the kill.", "SRE on-call owner", "in a month"),
            action(
                "Let a rollback take the deploy lock from a release in progress.",
                "Platform team",
                "in a month",
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written() -> PostMortem {
        let mut pm = PostMortem::for_lesson_incident();
        pm.whys[0] = "out of memory".into();
        pm.whys[1] = "leak".into();
        pm.whys[2] = "early return".into();
        pm.root_cause = "no checklist item".into();
        pm.process_gap = "checklist lacks resource handling".into();
        pm
    }

    #[test]
    fn model_answer_stays_hidden_until_the_learner_has_an_analysis() {
        let blank = PostMortem::for_lesson_incident();
        assert!(blank.is_blank());
        assert_eq!(
            blank.missing_before_compare(),
            ["at least three whys", "the root cause", "the process gap"]
        );
        assert!(written().missing_before_compare().is_empty());
        assert!(!written().is_blank());
    }

    #[test]
    fn the_lesson_incident_is_created_once_and_kept_first() {
        let mut all = PostMortems::default();
        all.add_own();
        all.lesson_incident().summary = "kept".into();
        all.lesson_incident();
        assert_eq!(all.items.len(), 2);
        assert_eq!(all.items[0].summary, "kept");
        assert_eq!(all.items[0].incident.as_deref(), Some(LESSON_INCIDENT));
    }

    #[test]
    fn check_flags_ownerless_actions_blame_and_holes_in_the_chain() {
        let mut pm = written();
        pm.whys[1].clear();
        pm.action_items.push(ActionItem {
            action: "fix it".into(),
            ..Default::default()
        });
        pm.process_gap = "Dana forgot to test the error path".into();
        let advice: Vec<String> = pm
            .check()
            .into_iter()
            .map(|f| format!("{}: {}", f.field, f.advice))
            .collect();
        assert!(
            advice
                .iter()
                .any(|a| a.starts_with("Action items: Action 1 has no owner")),
            "{advice:?}"
        );
        assert!(
            advice
                .iter()
                .any(|a| a.starts_with("Five whys: Why 2 is empty")),
            "{advice:?}"
        );
        assert!(
            advice
                .iter()
                .any(|a| a.starts_with("Process gap: \"forgot\" reads as blame")),
            "{advice:?}"
        );
    }

    #[test]
    fn the_model_answer_passes_its_own_check() {
        assert_eq!(model_answer().check(), Vec::new());
        assert!(model_answer().missing_before_compare().is_empty());
    }

    #[test]
    fn markdown_has_every_part_and_survives_pipes_in_cells() {
        let mut pm = written();
        pm.timeline.push(TimelineEntry {
            time: "18:05".into(),
            event: "restart | again".into(),
        });
        pm.action_items.push(ActionItem {
            action: "add test".into(),
            owner: String::new(),
            due: "Friday".into(),
        });
        let md = pm.to_markdown();
        for heading in [
            "# Post-mortem: Payment service",
            "## Summary",
            "## Timeline",
            "## Impact",
            "## Five whys",
            "## Root cause",
            "## Process gap",
            "## Action items",
        ] {
            assert!(md.contains(heading), "missing {heading} in\n{md}");
        }
        assert!(md.contains("| 18:05 | restart \\| again |"));
        assert!(md.contains("| add test | **no owner** | Friday |"));
        assert!(md.contains("4. _(not written yet)_"));
    }

    #[test]
    fn export_writes_the_file_and_explains_a_missing_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(model_answer().file_name());
        export_markdown(&model_answer(), &path).expect("export");
        let text = std::fs::read_to_string(&path).expect("read back");
        assert!(text.starts_with("# Post-mortem: Payment service restarting"));
        let err =
            export_markdown(&model_answer(), &dir.path().join("nope/x.md")).expect_err("no folder");
        assert!(err.to_string().contains("does not exist"));
        assert!(matches!(
            export_markdown(&model_answer(), Path::new("")),
            Err(ExportError::NoPath)
        ));
    }

    #[test]
    fn file_names_are_slugs_of_the_title() {
        assert_eq!(
            model_answer().file_name(),
            "post-mortem-payment-service-restarting-out-of-memory.md"
        );
        assert_eq!(PostMortem::default().file_name(), "post-mortem.md");
    }

    #[test]
    fn old_progress_without_post_mortems_still_loads() {
        let all: PostMortems = ron::from_str("()").expect("empty struct");
        assert!(all.items.is_empty());
        let pm: PostMortem = ron::from_str("(title: \"x\")").expect("partial");
        assert_eq!(pm.title, "x");
    }
}
