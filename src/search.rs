//! Search across the workbook: lesson text, flashcards, exercises, simulations and
//! incident drills, ranked.
//!
//! Matching is `nucleo-matcher` (the matcher of the Helix editor): titles match fuzzily, so
//! "brkr" finds "Circuit breakers", while body text must contain every word of the query
//! (case-insensitive substrings), because fuzzy matching across a whole paragraph finds
//! scattered letters everywhere. A title match outranks a body match.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::content::Library;
use crate::content::drill::Drills;
use crate::content::lesson::Part;
use crate::runner::exercise::Catalog;
use crate::srs::Card;

/// Where a result leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A lesson section, at one of its parts (`Section::parts`).
    Section {
        pack: String,
        section: String,
        part: usize,
    },
    /// A flashcard: review the cards of its first tag.
    Card {
        id: String,
        tag: Option<String>,
    },
    Exercise {
        id: String,
    },
    Simulation {
        id: String,
    },
    Drill {
        id: String,
    },
}

/// What kind of thing a result is, for its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lesson,
    Card,
    Exercise,
    Simulation,
    Drill,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Lesson => "Lesson",
            Self::Card => "Card",
            Self::Exercise => "Exercise",
            Self::Simulation => "Simulation",
            Self::Drill => "Drill",
        }
    }
}

/// One searchable thing.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub target: Target,
    pub title: String,
    /// Plain text searched after the title (Markdown markers removed).
    pub body: String,
}

/// A ranked result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Index::entries`].
    pub entry: usize,
    pub score: u32,
    /// A short piece of the body around the match, or its start.
    pub snippet: String,
}

/// Everything searchable, built once per content load.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
}

/// Bodies are searched in full but shown as this many characters around the match.
const SNIPPET_CHARS: usize = 110;
/// A title match counts this many times a body match of the same quality.
const TITLE_WEIGHT: u32 = 4;

impl Index {
    /// Indexes every section part, card, exercise (its task statement and the starter's
    /// doc comments, read from `content`), simulation and drill (its briefing and SLO).
    pub fn build(
        content: &crate::content::ContentSource,
        library: &Library,
        catalog: &Catalog,
        cards: &[Card],
        drills: &Drills,
    ) -> Self {
        let mut entries = Vec::new();
        for pack in &library.packs {
            for (number, section) in pack.sections.iter().enumerate() {
                for (part, piece) in section.parts().into_iter().enumerate() {
                    let Part::Markdown(text) = piece else {
                        continue;
                    };
                    let heading = text
                        .lines()
                        .next()
                        .filter(|l| l.starts_with('#'))
                        .map(|l| l.trim_start_matches('#').trim());
                    let title = match heading {
                        Some(h) => format!("{}. {} › {h}", number + 1, section.title),
                        None => format!("{}. {}", number + 1, section.title),
                    };
                    entries.push(Entry {
                        kind: Kind::Lesson,
                        target: Target::Section {
                            pack: pack.id.clone(),
                            section: section.id.clone(),
                            part,
                        },
                        title,
                        body: plain(text),
                    });
                }
            }
        }
        for card in cards {
            entries.push(Entry {
                kind: Kind::Card,
                target: Target::Card {
                    id: card.id.clone(),
                    tag: card.tags.first().cloned(),
                },
                title: one_line(&plain(&card.question)),
                body: plain(&card.answer),
            });
        }
        for exercise in &catalog.exercises {
            entries.push(Entry {
                kind: Kind::Exercise,
                target: Target::Exercise {
                    id: exercise.id.clone(),
                },
                title: exercise.title.clone(),
                body: plain(&format!(
                    "{}\n{}",
                    crate::content::task::load(content, &exercise.id).unwrap_or_default(),
                    doc_comments(&exercise.starter)
                )),
            });
        }
        for id in crate::content::SIMULATION_IDS {
            entries.push(Entry {
                kind: Kind::Simulation,
                target: Target::Simulation { id: id.to_string() },
                title: crate::sim::title(id).to_owned(),
                body: String::new(),
            });
        }
        for drill in &drills.drills {
            let spec = &drill.spec;
            entries.push(Entry {
                kind: Kind::Drill,
                target: Target::Drill {
                    id: drill.id().to_owned(),
                },
                title: spec.title.clone(),
                body: format!(
                    "{} SLO: {} {}",
                    spec.briefing, spec.slo.text, spec.alert.text
                ),
            });
        }
        Self { entries }
    }

    /// The best `limit` results for `query`, best first; nothing for a blank query.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        if query.trim().is_empty() {
            return Vec::new();
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        let fuzzy = Pattern::new(
            query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let exact = Pattern::new(
            query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Substring,
        );
        let mut buf = Vec::new();
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| {
                let exact_title = entry.title.eq_ignore_ascii_case(query.trim());
                let title = fuzzy
                    .score(Utf32Str::new(&entry.title, &mut buf), &mut matcher)
                    .map(|s| s * TITLE_WEIGHT * if exact_title { 2 } else { 1 });
                let body = exact.score(Utf32Str::new(&entry.body, &mut buf), &mut matcher);
                let score = title.into_iter().chain(body).max()?;
                Some(Hit {
                    entry: i,
                    score,
                    snippet: snippet(&entry.body, query),
                })
            })
            .collect();
        // Best first; at equal scores the shorter title is the closer match, then the
        // workbook's order (lesson, cards, exercises, simulations).
        let title_len = |h: &Hit| self.entries[h.entry].title.len();
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(title_len(a).cmp(&title_len(b)))
                .then(a.entry.cmp(&b.entry))
        });
        hits.truncate(limit);
        hits
    }
}

/// Markdown as plain searchable text: emphasis, code and link markers dropped, lines
/// joined. Code blocks stay (their text is worth finding).
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start_matches(['#', '>', ' ']);
        if line.starts_with("```") {
            continue;
        }
        for c in line.chars() {
            if !matches!(c, '*' | '`' | '_' | '[' | ']') {
                out.push(c);
            }
        }
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `//!` and `///` comments of a starter file: the task, in words.
fn doc_comments(source: &str) -> String {
    source
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            l.strip_prefix("//!").or_else(|| l.strip_prefix("///"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// About [`SNIPPET_CHARS`] characters of `body` around the first word of `query` found,
/// cut at word boundaries; the start of the body when no word is found.
fn snippet(body: &str, query: &str) -> String {
    let lower = body.to_lowercase();
    // Lower-casing can change byte lengths; only use a position that is valid in `body`.
    let at = query
        .split_whitespace()
        .filter_map(|w| lower.find(&w.to_lowercase()))
        .min()
        .filter(|&i| body.is_char_boundary(i))
        .unwrap_or(0);
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let centre = chars.iter().position(|(i, _)| *i >= at).unwrap_or(0);
    let start = centre.saturating_sub(SNIPPET_CHARS / 3);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut piece: String = chars[start..end].iter().map(|(_, c)| c).collect();
    if start > 0 {
        if let Some(space) = piece.find(' ') {
            piece = piece[space + 1..].to_owned();
        }
        piece.insert(0, '…');
    }
    if end < chars.len() {
        if let Some(space) = piece.rfind(' ') {
            piece.truncate(space);
        }
        piece.push('…');
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ContentSource;

    fn index() -> Index {
        let content = ContentSource::Embedded;
        let library = crate::content::load_library(&content);
        let catalog = crate::runner::exercise::load_catalog(&content, Some(&library));
        let (deck, drills) = crate::drill::cards::load_deck(&content, &library);
        let cards = deck.reviewable(&Default::default(), &[], |_| false);
        Index::build(&content, &library, &catalog, &cards, &drills)
    }

    #[test]
    fn every_kind_is_indexed() {
        let index = index();
        for kind in [
            Kind::Lesson,
            Kind::Card,
            Kind::Exercise,
            Kind::Simulation,
            Kind::Drill,
        ] {
            assert!(index.entries.iter().any(|e| e.kind == kind), "{kind:?}");
        }
    }

    #[test]
    fn a_drill_is_found_by_its_title_and_its_briefing() {
        let index = index();
        for query in ["checkout stops answering", "queue the payment for later"] {
            let hits = index.search(query, 5);
            assert!(
                hits.iter().any(|h| index.entries[h.entry].target
                    == Target::Drill {
                        id: "dependency-hang".into()
                    }),
                "{query}"
            );
        }
    }

    #[test]
    fn a_title_match_ranks_first_and_a_fuzzy_title_still_matches() {
        let index = index();
        let hits = index.search("jitter", 10);
        assert!(!hits.is_empty());
        let best = &index.entries[hits[0].entry];
        assert!(
            best.title.to_lowercase().contains("jitter"),
            "{}",
            best.title
        );
        let exact = index.search("A validated Amount", 3);
        assert_eq!(
            index.entries[exact[0].entry].kind,
            Kind::Exercise,
            "{exact:?}"
        );
        let fuzzy = index.search("brkr", 5);
        assert!(
            fuzzy
                .iter()
                .any(|h| index.entries[h.entry].title.contains("breaker")),
            "{fuzzy:?}"
        );
    }

    fn entry(title: &str, body: &str) -> Entry {
        Entry {
            kind: Kind::Lesson,
            target: Target::Exercise { id: title.into() },
            title: title.into(),
            body: body.into(),
        }
    }

    #[test]
    fn body_text_needs_every_word_and_the_snippet_shows_it() {
        let index = Index {
            entries: vec![
                entry(
                    "Alpha",
                    "the breaker lets one trial call through when half-open",
                ),
                entry("Beta", "a trial run of the new deploy"),
                entry("Gamma", "nothing to see"),
            ],
        };
        let hits = index.search("half-open trial", 10);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].entry, 0);
        assert!(hits[0].snippet.contains("half-open"), "{}", hits[0].snippet);
        assert!(index.search("   ", 10).is_empty());
        assert!(index.search("zzqqxxj", 10).is_empty());
    }

    #[test]
    fn snippets_cut_at_words_around_the_match() {
        let body = "one two three four five six seven eight nine ten ".repeat(20) + "needle here";
        let s = snippet(&body, "needle");
        assert!(s.contains("needle"), "{s}");
        assert!(s.starts_with('…'));
        assert!(s.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(snippet("short body", "absent"), "short body");
    }
}
