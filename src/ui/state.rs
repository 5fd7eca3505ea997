//! State the screens share, and the navigation requests they make: the app owns one
//! `Shared` and hands it to each screen, so screens depend only on this module and the
//! core, never on `app`.

use std::sync::Arc;

use crate::ui::clock;

use crate::content::drill::Drills;
use crate::content::{ContentSource, Library};
use crate::progress::summary::{self, Overview};
use crate::progress::{ActivityKind, Inputs};
use crate::runner::exercise::Catalog;
use crate::srs::{Card, Deck};
use crate::store::{Quarantined, Store};

/// The screens of the left navigation, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Lesson,
    PostMortem,
    Flashcards,
    Simulations,
    Exercises,
    Drills,
    Progress,
    About,
}

impl Screen {
    pub const ALL: [Screen; 9] = [
        Self::Home,
        Self::Lesson,
        Self::PostMortem,
        Self::Flashcards,
        Self::Simulations,
        Self::Exercises,
        Self::Drills,
        Self::Progress,
        Self::About,
    ];

    /// The label in the navigation, also its accessible name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Home => "Home",
            Self::Lesson => "Lesson",
            Self::PostMortem => "Post-mortem",
            Self::Flashcards => "Flashcards",
            Self::Simulations => "Simulations",
            Self::Exercises => "Exercises",
            Self::Drills => "Drills",
            Self::Progress => "Progress",
            Self::About => "About",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            Self::Home => "🏠",
            Self::Lesson => "📖",
            Self::PostMortem => "📝",
            Self::Flashcards => "🃏",
            Self::Simulations => "📈",
            Self::Exercises => "✏",
            Self::Drills => "🚨",
            Self::Progress => "🏁",
            Self::About => "ℹ",
        }
    }

    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// A lesson section, by pack and section id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRef {
    pub pack: String,
    pub section: String,
}

/// A request from one screen to show another.
#[derive(Debug, Clone, PartialEq)]
pub enum Nav {
    Screen(Screen),
    /// A lesson section, scrolled to the part (a chunk index, see
    /// `content::lesson::chunks`) when one is given.
    Section(SectionRef, Option<usize>),
    Simulation(String),
    /// A simulation at a preset and a moment on its clock, paused ("Show me").
    SimulationAt {
        id: String,
        preset: String,
        at: f64,
    },
    Exercise(String),
    /// An incident drill's page, by drill id.
    Drill(String),
    /// A post-mortem, by its `incident` key (a drill's: `drill::prefill::incident_key`).
    PostMortem(String),
    Cards(String),
    /// Open the search palette over the current screen.
    Search,
}

/// State every screen may read and change.
pub struct Shared {
    pub content: ContentSource,
    pub library: Library,
    /// Every pack's flashcards as written (the learner's edits are applied on top).
    pub deck: Deck,
    /// Every exercise.
    pub catalog: Catalog,
    /// Every incident drill (their cards are in `deck`, unlocked by a pass).
    pub drills: Arc<Drills>,
    pub store: Store,
    /// Runs background work (exercise checks) off the UI thread.
    pub runtime: tokio::runtime::Handle,
    /// Set by a screen to navigate; handled at the end of the frame.
    pub nav: Option<Nav>,
    /// The section a lesson link was followed from, for the "back to section" chip; set
    /// with the link's `nav`, cleared when the learner goes elsewhere.
    pub back_to: Option<SectionRef>,
    /// The last failed save, shown in a banner until the next save succeeds.
    pub save_error: Option<String>,
    /// An unreadable progress file that was moved aside, shown in a banner until
    /// dismissed: found at start, or written by another process while the app ran.
    pub quarantined: Option<Quarantined>,
}

impl Shared {
    /// Saves progress now. A failure is logged and shown in a banner; the in-memory
    /// progress is kept, and the next save tries again.
    pub fn save(&mut self) {
        match self.store.save() {
            Ok(quarantined) => {
                self.save_error = None;
                if quarantined.is_some() {
                    self.quarantined = quarantined;
                }
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "saving progress failed");
                self.save_error = Some(format!("{e:#}"));
            }
        }
    }

    /// Counts a piece of study for today's streak and the activity calendar (saved with
    /// the next save).
    pub fn record(&mut self, kind: ActivityKind) {
        let progress = &mut self.store.progress;
        let hour = progress.cards.settings.day_start_hour;
        progress.activity.record(kind, clock::now(), hour);
    }

    /// The reviewable cards: pack cards with the learner's edits (a drill's once it is
    /// passed), and their own.
    pub fn cards(&self) -> Vec<Card> {
        let progress = &self.store.progress;
        let p = &progress.cards;
        self.deck
            .reviewable(&p.edits, &p.own_cards, |d| progress.drills.passed(d))
    }

    /// Where the learner stands, now: mastery, today, totals and the next step.
    pub fn overview(&self) -> Overview {
        let cards = self.cards();
        summary::overview(&Inputs {
            library: &self.library,
            catalog: &self.catalog,
            cards: &cards,
            drills: &self.drills,
            progress: &self.store.progress,
            now: clock::now(),
        })
    }

    /// The section a card tag belongs to, as its numbered title; the tag itself for a tag
    /// no section names (the learner's own).
    pub fn tag_title(&self, tag: &str) -> String {
        self.library
            .packs
            .iter()
            .flat_map(|p| p.sections.iter().enumerate())
            .find(|(_, s)| s.card_tags.iter().any(|t| t == tag))
            .map_or_else(
                || tag.to_owned(),
                |(i, s)| format!("{}. {}", i + 1, s.title),
            )
    }

    /// The title of a section, with its number: "3. Circuit breakers".
    pub fn section_title(&self, at: &SectionRef) -> Option<String> {
        let pack = self.library.pack(&at.pack)?;
        let index = pack.sections.iter().position(|s| s.id == at.section)?;
        Some(format!("{}. {}", index + 1, pack.sections[index].title))
    }
}
