//! A drill's cards in the deck: the ones it ships (which join the learner's deck once
//! the drill is passed, see `srs::Deck::add_drill_cards`), and the learner's own action
//! items turned into cards of their own if they choose.

use super::spec::Drill;
use crate::content::drill::{Check, Drills, load_drills};
use crate::content::postmortem::ActionItem;
use crate::content::{ContentSource, Library};
use crate::srs::{CardKind, CardSource, Deck};

/// Every pack's flashcards with every drill's (checked for form only: the app and the
/// CLI need them at once; `workbook validate` plays them), and the drills.
pub fn load_deck(source: &ContentSource, library: &Library) -> (Deck, Drills) {
    let mut deck = crate::srs::load_decks(source, library);
    let drills = load_drills(source, library, Check::Form);
    add_to_deck(&mut deck, &drills);
    (deck, drills)
}

/// Adds every drill's cards to `deck`, tagged with their drill.
pub fn add_to_deck(deck: &mut Deck, drills: &Drills) {
    for d in &drills.drills {
        deck.add_drill_cards(&d.pack, d.id(), &d.card_tag(), &d.path, &d.spec.cards);
    }
}

/// The id of the own card made from action item `index` of the drill's post-mortem:
/// stable, so adding it again replaces it rather than making a twin.
pub fn action_item_card_id(drill: &Drill, index: usize) -> String {
    format!("my-{}-action-{}", drill.id(), index + 1)
}

/// Action item `index` as an own card: what was decided after the drill, and why it was
/// worth doing, tagged with the drill's section and the drill. `None` for an item with
/// no action written.
pub fn action_item_card(drill: &Drill, index: usize, item: &ActionItem) -> Option<CardSource> {
    let action = item.action.trim();
    if action.is_empty() {
        return None;
    }
    let owner = match item.owner.trim() {
        "" => String::new(),
        owner => format!(" (owner: {owner})"),
    };
    Some(CardSource {
        id: action_item_card_id(drill, index),
        kind: CardKind::Basic,
        tags: vec![drill.spec.section.clone(), drill.card_tag()],
        front: format!(
            "After the drill \"{}\", which change did you decide on{owner}?",
            drill.spec.title
        ),
        back: action.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load_library;
    use crate::srs::deck::check_card;

    fn drills() -> Drills {
        let source = ContentSource::Embedded;
        let library = load_library(&source);
        load_drills(&source, &library, Check::Form)
    }

    #[test]
    fn a_drills_cards_are_in_the_deck_tagged_with_it() {
        let drills = drills();
        let mut deck = Deck::default();
        add_to_deck(&mut deck, &drills);
        assert!(deck.problems.is_empty(), "{:?}", deck.problems);
        let hang = deck
            .cards
            .iter()
            .filter(|c| c.drill.as_deref() == Some("dependency-hang"))
            .count();
        assert_eq!(hang, 3);
        assert!(deck.has_tag("drill:dependency-hang"));
    }

    #[test]
    fn an_action_item_becomes_a_valid_card_of_the_drills_section() {
        let drills = drills();
        let d = drills.get("dependency-hang").expect("the example drill");
        let item = ActionItem {
            action: "Count slow calls in the breaker".into(),
            owner: "checkout team".into(),
            due: "Friday".into(),
        };
        let card = action_item_card(d, 1, &item).expect("a card");
        assert_eq!(card.id, "my-dependency-hang-action-2");
        assert_eq!(card.tags, ["circuit-breaker", "drill:dependency-hang"]);
        assert!(
            card.front.contains("(owner: checkout team)"),
            "{}",
            card.front
        );
        assert_eq!(card.back, "Count slow calls in the breaker");
        assert!(check_card(&card, None).is_empty());
        assert_eq!(action_item_card(d, 0, &ActionItem::default()), None);
    }
}
