//! Lesson-pack loading and validation against packs written to a temporary folder.

use std::fs;
use std::path::Path;

use resilience_workbook::content::{ContentSource, load_library};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn pack_ron(id: &str, file: &str, extra: &str) -> String {
    format!(
        r#"(
  id: "{id}",
  title: "T",
  summary: "S",
  sections: [
    (id: "one", title: "One", file: "{file}"{extra}),
  ],
)
"#
    )
}

fn good_pack(root: &Path, id: &str) {
    write(
        root,
        &format!("lessons/{id}/lesson.ron"),
        &pack_ron(id, "01.md", ""),
    );
    write(root, &format!("lessons/{id}/01.md"), "## Hello\n\nText.\n");
}

#[test]
fn a_good_pack_loads_into_the_model() {
    let dir = tempfile::tempdir().unwrap();
    good_pack(dir.path(), "good");
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    assert_eq!(lib.packs[0].sections[0].title, "One");
}

#[test]
fn malformed_ron_is_reported_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lessons/bad/lesson.ron",
        "(\n  id: \"bad\",\n  title: 42,\n)",
    );
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    let p = &lib.problems[0];
    assert_eq!(p.file, Path::new("lessons/bad/lesson.ron"));
    assert_eq!((p.line, p.column), (3, 10), "{p}");
}

#[test]
fn one_broken_pack_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lessons/a-broken/lesson.ron", "(id: ");
    good_pack(dir.path(), "b-good");
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert_eq!(lib.packs.len(), 1);
    assert_eq!(lib.packs[0].id, "b-good");
    assert_eq!(lib.problems.len(), 1);
}

#[test]
fn a_missing_section_file_points_at_its_name_in_lesson_ron() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lessons/p/lesson.ron",
        &pack_ron("p", "nope.md", ""),
    );
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    let p = &lib.problems[0];
    assert!(p.message.contains("missing"), "{p}");
    assert_eq!(p.line, 6, "{p}");
}

#[test]
fn a_section_symlinked_out_of_its_pack_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.md", "do not read");
    write(
        dir.path(),
        "lessons/p/lesson.ron",
        &pack_ron("p", "01.md", ""),
    );
    std::os::unix::fs::symlink(
        dir.path().join("secret.md"),
        dir.path().join("lessons/p/01.md"),
    )
    .unwrap();
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert!(lib.packs.is_empty());
    assert!(
        lib.problems[0].message.contains("outside its folder"),
        "{}",
        lib.problems[0]
    );
}

#[test]
fn a_section_that_is_not_utf8_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lessons/p/lesson.ron",
        &pack_ron("p", "01.md", ""),
    );
    fs::write(dir.path().join("lessons/p/01.md"), b"## Hi\n\xc3\x28\n").unwrap();
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    let message = &lib.problems[0].message;
    assert!(
        message.contains("not UTF-8") && !message.contains("missing"),
        "{message}"
    );
}

/// A 400 KB line of `![` (13 s before the scan was made linear) loads as prose.
#[test]
fn a_long_line_of_image_openers_loads() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lessons/p/lesson.ron",
        &pack_ron("p", "01.md", ""),
    );
    let line = format!("{}](x\n", " ![".repeat(130_000));
    write(dir.path(), "lessons/p/01.md", &format!("## Hi\n\n{line}"));
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert_eq!(lib.packs.len(), 1, "{:?}", lib.problems);
}

#[test]
fn paths_that_escape_the_pack_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.md", "do not read");
    write(
        dir.path(),
        "lessons/p/lesson.ron",
        &pack_ron("p", "../../secret.md", ""),
    );
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert!(lib.packs.is_empty());
    assert!(
        lib.problems[0].message.contains("leaves the pack"),
        "{}",
        lib.problems[0]
    );
}

#[test]
fn links_to_unknown_simulations_and_exercises_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let extra = r#", simulations: ["warp-drive"], exercises: ["no-such-exercise"]"#;
    write(
        dir.path(),
        "lessons/p/lesson.ron",
        &pack_ron("p", "01.md", extra),
    );
    write(dir.path(), "lessons/p/01.md", "text\n");
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    let text: Vec<String> = lib.problems.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(text[0].contains("unknown simulation `warp-drive`"));
    assert!(text[1].contains("unknown exercise `no-such-exercise`"));
}

#[test]
fn unknown_figures_and_missing_images_point_into_the_markdown() {
    let dir = tempfile::tempdir().unwrap();
    good_pack(dir.path(), "p");
    write(
        dir.path(),
        "lessons/p/01.md",
        "Intro\n\n```figure\nno-such-figure\n```\n\n![a chart](img/chart.png)\n",
    );
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    let text: Vec<String> = lib.problems.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("lessons/p/01.md:4:1: unknown figure")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("lessons/p/01.md:7:") && t.contains("is missing")),
        "{text:?}"
    );
}

#[test]
fn the_pack_id_must_match_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lessons/folder/lesson.ron",
        &pack_ron("other", "01.md", ""),
    );
    write(dir.path(), "lessons/folder/01.md", "x\n");
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert!(lib.problems[0].message.contains("must match its folder"));
}

#[test]
fn the_built_in_content_is_valid() {
    let lib = load_library(&ContentSource::Embedded);
    assert!(lib.problems.is_empty(), "{:#?}", lib.problems);
}

#[test]
fn macros_and_code_blocks_are_not_mistaken_for_images() {
    let dir = tempfile::tempdir().unwrap();
    good_pack(dir.path(), "p");
    let text = "Use `vec![1](x)` freely.\n\n```rust\nlet v = vec![0](\"a\");\n```\n\nSee [docs](nope.md).\n";
    write(dir.path(), "lessons/p/01.md", text);
    let lib = load_library(&ContentSource::Disk(dir.path().to_owned()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
}
