//! Incident drills end to end without a screen: `workbook drill` prints what it promises
//! and refuses bad input with exit 2; broken drill files are reported by file, line and
//! column; one playthrough of `dependency-hang` goes from page to post-mortem draft.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use resilience_workbook::content::drill::{Check, load_drills};
use resilience_workbook::content::{ContentSource, load_library};
use resilience_workbook::drill::{self, Attempt, Choices, Stage};

const DRILLS: &str = "lessons/scars-to-architecture/drills";

fn workbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(args)
        .output()
        .expect("the workbook binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn solution_path() -> String {
    format!(
        "{}/{DRILLS}/dependency-hang.solution.ron",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn drill_list_names_every_drill_with_its_slo() {
    let out = workbook(&["drill", "list"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dependency-hang"), "{text}");
    assert!(text.contains("SLO: ≥ 97\u{a0}%"), "{text}");
}

#[test]
fn drill_run_reports_the_miss_without_mitigation_and_the_hold_with_the_solution() {
    let out = workbook(&["drill", "run", "dependency-hang", "--seed", "2", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a completed run exits 0 whatever the SLO"
    );
    let v = json(&out);
    assert_eq!(v["drill"], "dependency-hang");
    assert_eq!(v["seed"], 2);
    assert_eq!(v["slo_met"], false);
    assert!(v["slo"]["good_pct"].as_f64().unwrap() < 90.0, "{v}");
    let timeline = v["timeline"].as_array().unwrap();
    assert!(timeline.iter().any(|e| e["kind"] == "Fault"), "{v}");
    assert!(timeline.iter().any(|e| e["kind"] == "Alert"), "{v}");

    let path = solution_path();
    let out = workbook(&[
        "drill",
        "run",
        "dependency-hang",
        "--apply",
        &path,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["slo_met"], true, "{v}");
    assert!(
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "State" && e["text"].as_str().unwrap().contains("OPEN")),
        "the breaker's state changes are in the timeline: {v}"
    );
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_2() {
    let out = workbook(&["drill", "run", "no-such-drill"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dependency-hang"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    // `drill run dependency-hang --apply` on a file holding `choices`.
    let apply = |choices: &str| {
        fs::write(&bad, choices).unwrap();
        workbook(&[
            "drill",
            "run",
            "dependency-hang",
            "--apply",
            bad.to_str().unwrap(),
        ])
    };
    let out = apply("(apply: [(id: \"breaker\", params: {\"wait_open_s\": 5.0,, })])");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ron:1:"), "file:line:column: {err}");

    let out = apply("(apply: [(id: \"breaker\", params: {\"wait_open_s\": 500.0})])");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside 1 to 120"));

    let out = workbook(&["drill", "run", "dependency-hang", "--seed", "99999999999"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A copy of the built-in content in a temporary folder, to break one drill file in it.
fn content_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for top in ["lessons", "exercises"] {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(top),
            &dir.path().join(top),
        );
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_broken_drill_is_reported_by_file_line_and_column_and_the_others_still_load() {
    let dir = content_copy();
    let drills_dir = dir.path().join(DRILLS);
    let path = drills_dir.join("dependency-hang.ron");
    let text = fs::read_to_string(&path).unwrap();
    let source = ContentSource::Disk(dir.path().to_owned());
    let library = load_library(&source);
    assert!(library.problems.is_empty(), "{:?}", library.problems);
    let before = load_drills(&source, &library, Check::Form).drills.len();
    assert!(before >= 1);

    // An unknown mitigation: reported at its id.
    fs::write(&path, text.replace("(id: \"threads\"", "(id: \"prayer\"")).unwrap();
    let loaded = load_drills(&source, &library, Check::Form);
    assert_eq!(
        loaded.drills.len(),
        before - 1,
        "only the broken drill is left out"
    );
    let p = &loaded.problems[0];
    assert!(p.message.contains("cannot apply `prayer`"), "{p}");
    let line = text
        .lines()
        .position(|l| l.contains("(id: \"threads\""))
        .unwrap()
        + 1;
    assert_eq!(p.line, line, "{p}");

    // A right cause far longer than the wrong ones gives itself away: reported at it.
    let right = "(text: \"The payment gateway hangs";
    fs::write(
        &path,
        text.replace(
            right,
            &format!("{right}, in every detail that a learner could want,"),
        ),
    )
    .unwrap();
    let loaded = load_drills(&source, &library, Check::Form);
    let p = &loaded.problems[0];
    assert!(p.message.contains("gives it away"), "{p}");
    let line = text.lines().position(|l| l.contains(right)).unwrap() + 1;
    assert_eq!(p.line, line, "{p}");

    // A solution that does not hold: caught when the drill is played.
    fs::write(&path, &text).unwrap();
    fs::write(
        drills_dir.join("dependency-hang.solution.ron"),
        "(apply: [(id: \"threads\")])",
    )
    .unwrap();
    assert!(
        load_drills(&source, &library, Check::Form)
            .problems
            .is_empty()
    );
    let played = load_drills(&source, &library, Check::WithModel);
    assert!(
        played
            .problems
            .iter()
            .any(|p| p.message.contains("the model mitigation misses the SLO")),
        "{:?}",
        played.problems
    );

    // No solution at all.
    fs::remove_file(drills_dir.join("dependency-hang.solution.ron")).unwrap();
    let loaded = load_drills(&source, &library, Check::Form);
    assert!(
        loaded.problems[0]
            .file
            .ends_with("dependency-hang.solution.ron")
    );
}

#[test]
fn one_playthrough_from_the_page_to_the_post_mortem_draft() {
    let source = ContentSource::Embedded;
    let library = load_library(&source);
    let drills = load_drills(&source, &library, Check::Form);
    let d = drills.get("dependency-hang").expect("the drill loads");
    let baseline = drill::play(d, &Choices::default(), 3).unwrap();
    let alert_s = baseline.alert_s.expect("the alert fires");

    let mut a = Attempt::new(3);
    a.acknowledge();
    assert_eq!(a.stage, Stage::Investigate);
    a.take_action(d, "restart").unwrap();
    a.take_action(d, "restart").unwrap();
    assert_eq!(a.spent_s, 180.0, "an action costs its time once");
    a.start_diagnosis();

    let wrong = a.diagnose(d, 1, &[0]);
    assert!(!wrong.right() && a.stage == Stage::Diagnose);
    assert_eq!((a.wrong_steps, a.spent_s), (1, 780.0));
    let right = a.diagnose(d, 0, &[0, 1]);
    assert!(right.right(), "{right:?}");
    assert_eq!(a.stage, Stage::Mitigate);

    let threads = Choices::parse("(apply: [(id: \"threads\")])").unwrap();
    let miss = a.mitigate(d, &threads).unwrap();
    assert!(!miss.verdict.met && a.stage == Stage::Mitigate);
    let hold = a.mitigate(d, &d.solution).unwrap();
    assert!(hold.verdict.met, "{}", hold.verdict.reason);
    assert_eq!(a.stage, Stage::PostMortem);
    let score = a.score.expect("scored");
    assert_eq!(score.wrong_steps, 2);
    assert_eq!(
        score.minutes_to_mitigate,
        (180.0 + 600.0 + 2.0 * 300.0) / 60.0
    );

    let pm = drill::prefill::prefill(d, &a, &baseline);
    assert_eq!(pm.incident.as_deref(), Some("drill:dependency-hang"));
    let events: Vec<&str> = pm.timeline.iter().map(|e| e.event.as_str()).collect();
    assert!(
        events[0].contains("calls start taking seconds"),
        "{events:?}"
    );
    assert!(events.iter().any(|e| e.contains("pager")), "{events:?}");
    assert!(
        events.iter().any(|e| e.contains("chased a wrong lead")),
        "{events:?}"
    );
    assert!(
        events.last().unwrap().contains("the SLO holds"),
        "{events:?}"
    );
    assert!(pm.impact.contains("missed the SLO"), "{}", pm.impact);
    assert!(
        pm.whys.iter().all(String::is_empty),
        "the whys are the learner's to write"
    );
    assert!(alert_s < 80.0);
}
