//! Card decks: `lessons/<pack>/cards.ron` loaded and validated (every problem located by
//! file, line and column), the learner's own cards and edits laid over them, and cloze
//! cards expanded into one reviewable card per number.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::cloze;
use crate::content::problem::line_col;
use crate::content::{ContentSource, Library, Problem};

/// `cards.ron` as written by an author.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeckFile {
    cards: Vec<CardSource>,
}

/// What kind of question a card asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardKind {
    /// Question on the front, answer on the back.
    Basic,
    /// `{{c1::...}}` gaps in the front; one card per number.
    Cloze,
    /// A situation from a simulation (shown as text) and the question what happens next.
    Predict { scenario: String },
}

/// One card as written, by an author or by the learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSource {
    pub id: String,
    pub kind: CardKind,
    pub tags: Vec<String>,
    pub front: String,
    #[serde(default)]
    pub back: String,
}

/// The learner's rewrite of a card's text; the id and scheduling stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardEdit {
    pub front: String,
    pub back: String,
}

/// A reviewable card: a basic or predict card, or one number of a cloze card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The scheduling key: the source id, or `<id>::c<n>` for a cloze number.
    pub id: String,
    pub source_id: String,
    /// The pack the card came from; `None` for the learner's own cards.
    pub pack: Option<String>,
    pub kind: CardKind,
    pub tags: Vec<String>,
    /// Markdown shown before the answer.
    pub question: String,
    /// Markdown shown after.
    pub answer: String,
}

/// A card from a pack: its `cards.ron`, or one of its drills.
#[derive(Debug, Clone, PartialEq)]
pub struct PackCard {
    pub pack: String,
    pub source: CardSource,
    /// The drill that adds the card (`None`: the pack's `cards.ron`). Such a card joins
    /// the learner's deck only once they have passed the drill: it sums up a lesson the
    /// drill teaches, and would spoil the drill if reviewed before.
    pub drill: Option<String>,
}

/// Every pack's cards that passed validation, and the problems found.
#[derive(Debug, Clone, Default)]
pub struct Deck {
    pub cards: Vec<PackCard>,
    pub problems: Vec<Problem>,
}

/// Loads `cards.ron` from every lesson folder that has one. A card with a problem is left
/// out; the rest of its deck still loads.
pub fn load_decks(source: &ContentSource, library: &Library) -> Deck {
    let mut deck = Deck::default();
    let mut seen = HashSet::new();
    for folder in source.folders("lessons") {
        let path = format!("lessons/{folder}/cards.ron");
        let text = match source.read_text(&path) {
            Ok(text) => text,
            Err(crate::content::source::ReadError::Missing) => continue,
            Err(e) => {
                deck.problems
                    .push(Problem::whole_file(&path, format!("cards.ron: {e}")));
                continue;
            }
        };
        let file: DeckFile = match ron::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                deck.problems.push(Problem::from_ron(&path, &text, &e));
                continue;
            }
        };
        let sections: Option<Vec<&str>> = library
            .pack(&folder)
            .map(|p| p.sections.iter().map(|s| s.id.as_str()).collect());
        // How often each id appeared earlier in this file: a duplicate is reported at its
        // own occurrence, not at the first card with that id.
        let mut earlier: std::collections::HashMap<String, usize> = Default::default();
        for card in file.cards {
            let occurrence = *earlier
                .entry(card.id.clone())
                .and_modify(|n| *n += 1)
                .or_insert(0);
            let mut problems = check_card(&card, sections.as_deref());
            if !seen.insert(card.id.clone()) {
                problems.push(Issue::at_id(format!("duplicate card id `{}`", card.id)));
            }
            if problems.is_empty() {
                deck.cards.push(PackCard {
                    pack: folder.clone(),
                    source: card,
                    drill: None,
                });
            } else {
                deck.problems.extend(
                    problems
                        .into_iter()
                        .map(|p| p.locate(&path, &text, &card.id, occurrence)),
                );
            }
        }
    }
    deck
}

/// A problem with one card, before it is placed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Text to point at, searched from the card's id onwards; `None` points at the id.
    pub near: Option<String>,
    pub message: String,
}

impl Issue {
    fn at_id(message: String) -> Self {
        Self {
            near: None,
            message,
        }
    }

    fn near(near: &str, message: String) -> Self {
        Self {
            near: Some(near.to_owned()),
            message,
        }
    }

    /// Places the issue at the `occurrence`-th (0-based) card with this id in `text`.
    fn locate(self, path: &str, text: &str, id: &str, occurrence: usize) -> Problem {
        let id_needle = format!("\"{id}\"");
        let start = text
            .match_indices(&id_needle)
            .nth(occurrence)
            .map_or(0, |(at, _)| at);
        let (line, column) = match self.near.and_then(|n| text[start..].find(&n)) {
            Some(at) => line_col(text, start + at),
            None => line_col(text, start),
        };
        Problem::new(path, line, column, self.message)
    }
}

/// Every rule a card must follow. `sections` are the pack's section ids when the pack
/// itself loaded (tags must name one of them).
pub fn check_card(card: &CardSource, sections: Option<&[&str]>) -> Vec<Issue> {
    let mut issues = Vec::new();
    if !is_slug(&card.id) {
        issues.push(Issue::at_id(format!(
            "card id `{}` must be lowercase letters, digits and `-`",
            card.id
        )));
    }
    if card.tags.is_empty() {
        issues.push(Issue::near(
            "tags",
            "a card needs at least one tag (its section id)".to_owned(),
        ));
    }
    if let Some(sections) = sections {
        for tag in card.tags.iter().filter(|t| !sections.contains(&t.as_str())) {
            issues.push(Issue::near(
                &format!("\"{tag}\""),
                format!(
                    "tag `{tag}` is not a section of this pack; use one of: {}",
                    sections.join(", ")
                ),
            ));
        }
    }
    if card.front.trim().is_empty() {
        issues.push(Issue::near("front", "empty front".to_owned()));
    }
    let has_gaps = card.front.contains("{{");
    match &card.kind {
        CardKind::Cloze => match cloze::parse(&card.front) {
            Ok(segments) if cloze::numbers(&segments).is_empty() => issues.push(Issue::near(
                "front",
                "a Cloze card needs at least one gap like {{c1::answer}}".to_owned(),
            )),
            Ok(_) => {}
            Err(e) => {
                let snippet: String = card.front[e.offset..].chars().take(6).collect();
                issues.push(Issue::near(&snippet, e.message));
            }
        },
        CardKind::Basic | CardKind::Predict { .. } if has_gaps => issues.push(Issue::near(
            "{{",
            "cloze gaps in a card that is not `kind: Cloze`".to_owned(),
        )),
        CardKind::Basic | CardKind::Predict { .. } if card.back.trim().is_empty() => {
            issues.push(Issue::near(
                "back",
                "empty back: write the answer".to_owned(),
            ));
        }
        _ => {}
    }
    if let CardKind::Predict { scenario } = &card.kind {
        if !is_slug(scenario) {
            issues.push(Issue::near(
                "scenario",
                format!("scenario `{scenario}` must be lowercase letters, digits and `-`"),
            ));
        }
    }
    issues
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Deck {
    /// Adds the cards of drill `drill` (of `pack`, written in `path`), each tagged with
    /// `tag` besides its own tags so the deck can tell where it came from. A card that
    /// breaks a rule or whose id the deck already has is reported and left out.
    pub fn add_drill_cards(
        &mut self,
        pack: &str,
        drill: &str,
        tag: &str,
        path: &str,
        cards: &[CardSource],
    ) {
        for card in cards {
            let mut problems: Vec<String> = check_card(card, None)
                .into_iter()
                .map(|i| i.message)
                .collect();
            if self.source(&card.id).is_some() {
                problems.push(format!("duplicate card id `{}`", card.id));
            }
            if !problems.is_empty() {
                self.problems.extend(
                    problems
                        .into_iter()
                        .map(|m| Problem::whole_file(path, format!("card `{}`: {m}", card.id))),
                );
                continue;
            }
            let mut source = card.clone();
            if !source.tags.iter().any(|t| t == tag) {
                source.tags.push(tag.to_owned());
            }
            self.cards.push(PackCard {
                pack: pack.to_owned(),
                source,
                drill: Some(drill.to_owned()),
            });
        }
    }

    /// The reviewable cards: pack cards with the learner's edits applied (a drill's only
    /// once `passed` says the learner passed it), then the learner's own cards, every
    /// cloze expanded. Own cards that break a rule are skipped (the editor refuses them,
    /// so this only guards against hand-edited progress).
    pub fn reviewable(
        &self,
        edits: &BTreeMap<String, CardEdit>,
        own: &[CardSource],
        passed: impl Fn(&str) -> bool,
    ) -> Vec<Card> {
        self.learners_cards(edits, own, passed)
            .into_iter()
            .flat_map(|(pack, s)| expand(pack, &s))
            .collect()
    }

    /// The learner's deck as written (clozes not expanded), with the pack each card came
    /// from (`None` for their own): pack cards with their edits applied (those of drills
    /// not `passed` left out), then their own cards, leaving out own cards that break a
    /// rule.
    pub fn learners_cards(
        &self,
        edits: &BTreeMap<String, CardEdit>,
        own: &[CardSource],
        passed: impl Fn(&str) -> bool,
    ) -> Vec<(Option<&str>, CardSource)> {
        let unlocked = self
            .cards
            .iter()
            .filter(|c| c.drill.as_deref().is_none_or(&passed));
        let pack_cards = unlocked.map(|c| {
            let mut source = c.source.clone();
            if let Some(edit) = edits.get(&source.id) {
                source.front.clone_from(&edit.front);
                source.back.clone_from(&edit.back);
            }
            (Some(c.pack.as_str()), source)
        });
        let own_cards = own.iter().map(|c| (None, c.clone()));
        pack_cards
            .chain(own_cards)
            .filter(|(_, s)| check_card(s, None).is_empty())
            .collect()
    }

    /// Whether any card carries `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.cards
            .iter()
            .any(|c| c.source.tags.iter().any(|t| t == tag))
    }

    /// The card written with this id.
    pub fn source(&self, id: &str) -> Option<&PackCard> {
        self.cards.iter().find(|c| c.source.id == id)
    }
}

/// One source card as reviewable cards.
pub fn expand(pack: Option<&str>, source: &CardSource) -> Vec<Card> {
    let card = |id: String, question: String, answer: String| Card {
        id,
        source_id: source.id.clone(),
        pack: pack.map(str::to_owned),
        kind: source.kind.clone(),
        tags: source.tags.clone(),
        question,
        answer,
    };
    match source.kind {
        CardKind::Basic | CardKind::Predict { .. } => {
            vec![card(
                source.id.clone(),
                source.front.clone(),
                source.back.clone(),
            )]
        }
        CardKind::Cloze => {
            let Ok(segments) = cloze::parse(&source.front) else {
                return Vec::new();
            };
            cloze::numbers(&segments)
                .into_iter()
                .map(|n| {
                    let mut answer = cloze::answer(&segments, n);
                    if !source.back.trim().is_empty() {
                        answer = format!("{answer}\n\n{}", source.back);
                    }
                    card(
                        format!("{}::c{n}", source.id),
                        cloze::question(&segments, n),
                        answer,
                    )
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, front: &str, back: &str) -> CardSource {
        CardSource {
            id: id.to_owned(),
            kind: CardKind::Basic,
            tags: vec!["timeouts".to_owned()],
            front: front.to_owned(),
            back: back.to_owned(),
        }
    }

    #[test]
    fn the_built_in_deck_validates_and_expands() {
        let source = ContentSource::Embedded;
        let library = crate::content::load_library(&source);
        let deck = load_decks(&source, &library);
        assert!(deck.problems.is_empty(), "{:?}", deck.problems);
        assert!(deck.cards.len() >= 90);
        let cards = deck.reviewable(&BTreeMap::new(), &[], |_| false);
        assert!(cards.len() > deck.cards.len());
        assert!(cards.iter().any(|c| c.id.ends_with("::c2")));
        assert!(deck.has_tag("circuit-breaker"));
    }

    #[test]
    fn problems_point_at_the_card() {
        let text = "(cards: [\n  (id: \"ok\", kind: Basic, tags: [\"t\"], front: \"q\", back: \"a\"),\n  (id: \"bad\", kind: Cloze, tags: [\"t\"], front: \"no gaps {{c1::x\"),\n])";
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lessons/p")).unwrap();
        std::fs::write(dir.path().join("lessons/p/cards.ron"), text).unwrap();
        let deck = load_decks(
            &ContentSource::Disk(dir.path().to_owned()),
            &Library::default(),
        );
        assert_eq!(deck.cards.len(), 1);
        let p = deck.problems[0].to_string();
        assert!(p.starts_with("lessons/p/cards.ron:3:"), "{p}");
        assert!(p.contains("never closed"), "{p}");
    }

    #[test]
    fn a_duplicate_id_is_reported_at_its_own_line() {
        let card = "(id: \"twin\", kind: Basic, tags: [\"t\"], front: \"q\", back: \"a\")";
        let text = format!("(cards: [\n  {card},\n  {card},\n])");
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lessons/p")).unwrap();
        std::fs::write(dir.path().join("lessons/p/cards.ron"), text).unwrap();
        let deck = load_decks(
            &ContentSource::Disk(dir.path().to_owned()),
            &Library::default(),
        );
        assert_eq!(deck.cards.len(), 1);
        let p = deck.problems[0].to_string();
        assert!(p.starts_with("lessons/p/cards.ron:3:"), "{p}");
        assert!(p.contains("duplicate card id"), "{p}");
    }

    #[test]
    fn rules_catch_common_slips() {
        assert!(check_card(&basic("ok-card", "q", "a"), None).is_empty());
        assert!(!check_card(&basic("Bad Id", "q", "a"), None).is_empty());
        assert!(!check_card(&basic("x", "q {{c1::a}}", "a"), None).is_empty());
        assert!(!check_card(&basic("x", "q", " "), None).is_empty());
        assert!(!check_card(&basic("x", "q", "a"), Some(&["retries"])).is_empty());
    }

    #[test]
    fn edits_and_own_cards_are_reviewable() {
        let deck = Deck {
            cards: vec![PackCard {
                pack: "p".to_owned(),
                source: basic("a", "old", "old answer"),
                drill: None,
            }],
            problems: vec![],
        };
        let mut edits = BTreeMap::new();
        edits.insert(
            "a".to_owned(),
            CardEdit {
                front: "new".to_owned(),
                back: "new answer".to_owned(),
            },
        );
        let own = vec![basic("mine", "my q", "my a")];
        let cards = deck.reviewable(&edits, &own, |_| false);
        assert_eq!(cards[0].question, "new");
        assert_eq!(cards[1].pack, None);
    }

    #[test]
    fn a_drills_cards_join_once_it_is_passed_tagged_with_it() {
        let mut deck = Deck::default();
        let cards = [
            basic("d1", "q", "a"),
            basic("d1", "again", "a"),
            basic("Bad", "q", "a"),
        ];
        deck.add_drill_cards(
            "p",
            "hang",
            "drill:hang",
            "lessons/p/drills/hang.ron",
            &cards,
        );
        assert_eq!(deck.cards.len(), 1);
        assert_eq!(deck.problems.len(), 2, "the twin and the bad id");
        assert!(deck.reviewable(&BTreeMap::new(), &[], |_| false).is_empty());
        let cards = deck.reviewable(&BTreeMap::new(), &[], |d| d == "hang");
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].tags, ["timeouts", "drill:hang"]);
        assert_eq!(cards[0].pack.as_deref(), Some("p"));
    }
}
