//! The lesson-pack model and its loader.

use serde::Deserialize;

use super::problem::{Problem, locate};
use super::source::{ContentSource, ReadError, join_inside};
use super::{SIMULATION_IDS, figures};

/// `lesson.ron` as written by an author.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    id: String,
    title: String,
    summary: String,
    sections: Vec<SectionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    id: String,
    title: String,
    file: String,
    #[serde(default)]
    simulations: Vec<String>,
    #[serde(default)]
    exercises: Vec<String>,
    #[serde(default)]
    card_tags: Vec<String>,
}

/// A loaded, validated lesson pack.
#[derive(Debug, Clone)]
pub struct LessonPack {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub sections: Vec<Section>,
}

impl LessonPack {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// One section: its Markdown split into prose and app-drawn figures, and its links.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// Path relative to the content root, for messages.
    pub path: String,
    pub blocks: Vec<Block>,
    pub simulations: Vec<String>,
    pub exercises: Vec<String>,
    pub card_tags: Vec<String>,
}

impl Section {
    /// The section's prose without figures, for word counts and search.
    pub fn prose(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Markdown(text) => Some(text.as_str()),
            Block::Figure(_) => None,
        })
    }
}

/// One piece of a section as the reader lays it out and the search points into it: a
/// figure, or the Markdown from one heading to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Markdown(&'a str),
    Figure(&'a str),
}

impl Section {
    /// The section's parts in reading order: each Markdown block split before every
    /// heading (outside code fences), so a search hit can be scrolled to its subsection.
    pub fn parts(&self) -> Vec<Part<'_>> {
        let mut parts = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Markdown(text) => {
                    parts.extend(split_at_headings(text).into_iter().map(Part::Markdown))
                }
                Block::Figure(name) => parts.push(Part::Figure(name)),
            }
        }
        parts
    }
}

/// Splits Markdown before each ATX heading that is not inside a fenced code block. Empty
/// pieces are dropped. Linear in the text.
fn split_at_headings(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if is_heading(line) && offset > start {
            pieces.push(&text[start..offset]);
            start = offset;
        }
        offset += line.len();
    }
    pieces.push(&text[start..]);
    pieces.retain(|p| !p.trim().is_empty());
    pieces
}

/// An ATX heading line: up to three spaces, one to six `#`, then a space or the end.
fn is_heading(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    indent <= 3
        && (1..=6).contains(&hashes)
        && rest[hashes..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

/// A piece of a section, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// CommonMark text; image links already point at `bytes://<content path>`.
    Markdown(String),
    /// A figure drawn by the app (one of [`figures::KNOWN`]).
    Figure(String),
}

/// Every pack that loaded, and every problem found on the way.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub packs: Vec<LessonPack>,
    pub problems: Vec<Problem>,
}

impl Library {
    pub fn pack(&self, id: &str) -> Option<&LessonPack> {
        self.packs.iter().find(|p| p.id == id)
    }
}

/// Loads every pack under `lessons/`. A pack with any problem is left out (its problems
/// are reported); the other packs still load.
pub fn load_library(source: &ContentSource) -> Library {
    let mut library = Library::default();
    for folder in source.folders("lessons") {
        match load_pack(source, &folder) {
            Ok(pack) => library.packs.push(pack),
            Err(problems) => library.problems.extend(problems),
        }
    }
    library
}

/// Loads and validates one pack, collecting all of its problems rather than the first.
pub fn load_pack(source: &ContentSource, folder: &str) -> Result<LessonPack, Vec<Problem>> {
    let base = format!("lessons/{folder}");
    let meta_path = format!("{base}/lesson.ron");
    let text = match source.read_text(&meta_path) {
        Ok(text) => text,
        Err(ReadError::Missing) => {
            return Err(vec![Problem::whole_file(
                &meta_path,
                "missing lesson.ron (every folder in lessons/ is a pack)",
            )]);
        }
        Err(e) => {
            return Err(vec![Problem::whole_file(
                &meta_path,
                format!("lesson.ron: {e}"),
            )]);
        }
    };
    let meta: PackFile =
        ron::from_str(&text).map_err(|e| vec![Problem::from_ron(&meta_path, &text, &e)])?;

    let mut problems = Vec::new();
    let at = |needle: &str, message: String| {
        let (line, column) = locate(&text, needle);
        Problem::new(&meta_path, line, column, message)
    };
    if meta.id != folder {
        problems.push(at(
            &format!("\"{}\"", meta.id),
            format!(
                "pack id `{}` must match its folder name `{folder}`",
                meta.id
            ),
        ));
    }
    if meta.sections.is_empty() {
        problems.push(at(
            "sections",
            "a pack needs at least one section".to_owned(),
        ));
    }

    let mut sections = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for s in meta.sections {
        if !seen_ids.insert(s.id.clone()) {
            problems.push(at(
                &format!("\"{}\"", s.id),
                format!("section id `{}` is used twice", s.id),
            ));
        }
        for sim in &s.simulations {
            if !SIMULATION_IDS.contains(&sim.as_str()) {
                problems.push(at(
                    &format!("\"{sim}\""),
                    format!(
                        "unknown simulation `{sim}`; known: {}",
                        SIMULATION_IDS.join(", ")
                    ),
                ));
            }
        }
        for exercise in &s.exercises {
            if !source.exists(&format!("exercises/{exercise}/exercise.ron")) {
                problems.push(at(
                    &format!("\"{exercise}\""),
                    format!("unknown exercise `{exercise}`: no exercises/{exercise}/exercise.ron"),
                ));
            }
        }
        let path = match join_inside(&base, &s.file) {
            Ok(path) => path,
            Err(message) => {
                problems.push(at(&format!("\"{}\"", s.file), message));
                continue;
            }
        };
        let markdown = match source.read_text(&path) {
            Ok(markdown) => markdown,
            Err(e) => {
                let message = match e {
                    ReadError::Missing => format!("section file `{path}` is missing"),
                    e => format!("section file `{path}`: {e}"),
                };
                problems.push(at(&format!("\"{}\"", s.file), message));
                continue;
            }
        };
        let blocks = parse_blocks(source, &base, &path, &markdown, &mut problems);
        sections.push(Section {
            id: s.id,
            title: s.title,
            path,
            blocks,
            simulations: s.simulations,
            exercises: s.exercises,
            card_tags: s.card_tags,
        });
    }

    if problems.is_empty() {
        Ok(LessonPack {
            id: meta.id,
            title: meta.title,
            summary: meta.summary,
            sections,
        })
    } else {
        Err(problems)
    }
}

/// Splits Markdown into prose and figures (```` ```figure ```` blocks), checking figure
/// names and image paths and rewriting image links to `bytes://` URIs the reader serves.
fn parse_blocks(
    source: &ContentSource,
    base: &str,
    path: &str,
    markdown: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut prose = String::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        if line.trim_end() != "```figure" {
            prose.push_str(line);
            prose.push('\n');
            continue;
        }
        let mut name = None;
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner.trim_end() == "```" {
                closed = true;
                break;
            }
            if !inner.trim().is_empty() && name.is_none() {
                name = Some(inner.trim().to_owned());
            }
        }
        let line_no = index + 1;
        match (closed, name) {
            (false, _) => problems.push(Problem::new(
                path,
                line_no,
                1,
                "figure block is never closed with ```",
            )),
            (true, None) => problems.push(Problem::new(
                path,
                line_no,
                1,
                "figure block names no figure",
            )),
            (true, Some(name)) if !figures::KNOWN.contains(&name.as_str()) => {
                problems.push(Problem::new(
                    path,
                    line_no + 1,
                    1,
                    format!(
                        "unknown figure `{name}`; known: {}",
                        figures::KNOWN.join(", ")
                    ),
                ))
            }
            (true, Some(name)) => {
                if !prose.trim().is_empty() {
                    blocks.push(Block::Markdown(rewrite_images(
                        source, base, path, markdown, &prose, problems,
                    )));
                }
                prose.clear();
                blocks.push(Block::Figure(name));
            }
        }
    }
    if !prose.trim().is_empty() {
        blocks.push(Block::Markdown(rewrite_images(
            source, base, path, markdown, &prose, problems,
        )));
    }
    blocks
}

/// Rewrites `![alt](relative.png)` to `![alt](bytes://lessons/<pack>/relative.png)`,
/// reporting images that are missing or outside the pack. Web links are left alone, and
/// so is code: fenced blocks are skipped, and `![` right after a word character (as in
/// `vec![1](..)`) is not an image.
fn rewrite_images(
    source: &ContentSource,
    base: &str,
    path: &str,
    whole_file: &str,
    prose: &str,
    problems: &mut Vec<Problem>,
) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut in_fence = false;
    for line in prose.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if in_fence {
            out.push_str(line);
        } else {
            rewrite_line(source, base, path, whole_file, line, &mut out, problems);
        }
    }
    out
}

/// Rewrites the image links of one line of prose (an image link never spans lines).
/// Linear in the line: the next `](` and `)` are remembered, not searched again from
/// every `![` (a line full of `![` once took seconds).
fn rewrite_line(
    source: &ContentSource,
    base: &str,
    path: &str,
    whole_file: &str,
    line: &str,
    out: &mut String,
    problems: &mut Vec<Problem>,
) {
    let mut next_close = NextMatch::new(line, "](");
    let mut next_paren = NextMatch::new(line, ")");
    // Everything before `done` is in `out`.
    let mut done = 0;
    while let Some(found) = line[done..].find("![") {
        let start = done + found;
        let after_word = line[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let link = next_close
            .from(start)
            .map(|i| i + 2)
            .and_then(|close| next_paren.from(close).map(|end| (close, end)));
        let Some((close, end)) = link.filter(|_| !after_word) else {
            out.push_str(&line[done..start + 2]);
            done = start + 2;
            continue;
        };
        let target = line[close..end].trim();
        out.push_str(&line[done..close]);
        if target.contains("://") {
            out.push_str(target);
        } else {
            let place = || {
                let (line, column) = locate(whole_file, &format!("]({target}"));
                (line, column + 2)
            };
            match join_inside(base, target) {
                Ok(full) if source.exists(&full) => out.push_str(&format!("bytes://{full}")),
                Ok(full) => {
                    let (line, column) = place();
                    let message = format!("image `{full}` is missing");
                    problems.push(Problem::new(path, line, column, message));
                    out.push_str(target);
                }
                Err(message) => {
                    let (line, column) = place();
                    problems.push(Problem::new(path, line, column, message));
                    out.push_str(target);
                }
            }
        }
        done = end;
    }
    out.push_str(&line[done..]);
}

/// The first place of `pattern` at or after a position that only moves forward, each
/// stretch of the text searched once.
struct NextMatch<'a> {
    text: &'a str,
    pattern: &'static str,
    /// The last answer: `Some(None)` means there is none after where it was searched.
    last: Option<Option<usize>>,
}

impl<'a> NextMatch<'a> {
    fn new(text: &'a str, pattern: &'static str) -> Self {
        Self {
            text,
            pattern,
            last: None,
        }
    }

    fn from(&mut self, at: usize) -> Option<usize> {
        match self.last {
            Some(None) => None,
            Some(Some(found)) if found >= at => Some(found),
            _ => {
                let found = self
                    .text
                    .get(at..)
                    .and_then(|rest| rest.find(self.pattern))
                    .map(|i| at + i);
                self.last = Some(found);
                found
            }
        }
    }
}

/// The `bytes://` URIs of every image a section shows, so the reader can hand their bytes
/// to egui before drawing.
pub fn image_uris(section: &Section) -> Vec<String> {
    let mut uris = Vec::new();
    for text in section.prose() {
        let mut rest = text;
        while let Some(at) = rest.find("](bytes://") {
            let from = at + 2;
            let end = rest[from..].find(')').map_or(rest.len(), |i| from + i);
            uris.push(rest[from..end].to_owned());
            rest = &rest[end..];
        }
    }
    uris
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_splits_before_headings_but_not_inside_code() {
        let text = "Intro.\n\n## One\nText\n```rust\n# hidden line\n#[derive(Debug)]\n```\n#tag\n### Two\nMore\n";
        let pieces = split_at_headings(text);
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        assert!(pieces[0].starts_with("Intro."));
        assert!(pieces[1].starts_with("## One") && pieces[1].contains("#tag"));
        assert!(pieces[2].starts_with("### Two"));
        assert_eq!(pieces.concat(), text);
    }
}
