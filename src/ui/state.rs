//! State the screens share, and the navigation requests they make: the app owns one
//! `Shared` and hands it to each screen, so screens depend only on this module and the
//! core, never on `app`.

use crate::content::{ContentSource, Library};
use crate::store::{Quarantined, Store};

/// The screens of the left navigation, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Lesson,
    PostMortem,
    Flashcards,
    Simulations,
    Exercises,
    Progress,
}

impl Screen {
    pub const ALL: [Screen; 6] = [
        Self::Lesson,
        Self::PostMortem,
        Self::Flashcards,
        Self::Simulations,
        Self::Exercises,
        Self::Progress,
    ];

    /// The label in the navigation, also its accessible name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Lesson => "Lesson",
            Self::PostMortem => "Post-mortem",
            Self::Flashcards => "Flashcards",
            Self::Simulations => "Simulations",
            Self::Exercises => "Exercises",
            Self::Progress => "Progress",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            Self::Lesson => "📖",
            Self::PostMortem => "📝",
            Self::Flashcards => "🃏",
            Self::Simulations => "📈",
            Self::Exercises => "✏",
            Self::Progress => "🏁",
        }
    }

    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// A request from one screen to show another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    Screen(Screen),
    Simulation(String),
    Exercise(String),
    Cards(String),
}

/// State every screen may read and change.
pub struct Shared {
    pub content: ContentSource,
    pub library: Library,
    pub store: Store,
    /// Runs background work (exercise checks) off the UI thread.
    pub runtime: tokio::runtime::Handle,
    /// Set by a screen to navigate; handled at the end of the frame.
    pub nav: Option<Nav>,
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
}
