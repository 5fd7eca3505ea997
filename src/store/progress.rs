//! Everything the learner has done, as one serialisable value. Each feature owns its part
//! (defined in its own core module); every struct is `#[serde(default)]` so files written
//! before a field existed still load.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub settings: Settings,
    pub lessons: LessonProgress,
    pub cards: crate::srs::SrsProgress,
    pub exercises: crate::runner::ExerciseProgress,
    pub postmortems: crate::content::postmortem::PostMortems,
    pub sims: crate::sim::SimProgress,
    pub activity: crate::progress::Activity,
}

/// Light, dark, or whatever the system uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: ThemeChoice,
    /// Screen shown at start: the name of the screen last visited.
    pub last_screen: String,
    pub zoom: f32,
    /// Inner window size in points, restored at start.
    pub window_size: Option<[f32; 2]>,
    pub last_lesson: Option<String>,
    pub last_section: Option<String>,
    /// The learner closed Home's "how this workbook works".
    pub intro_dismissed: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            last_screen: "Home".to_owned(),
            zoom: 1.0,
            window_size: None,
            last_lesson: None,
            last_section: None,
            intro_dismissed: false,
        }
    }
}

/// Which sections were read, keyed `"<pack>/<section>"`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    pub read: BTreeSet<String>,
}

impl LessonProgress {
    pub fn key(pack: &str, section: &str) -> String {
        format!("{pack}/{section}")
    }

    pub fn is_read(&self, pack: &str, section: &str) -> bool {
        self.read.contains(&Self::key(pack, section))
    }

    pub fn set_read(&mut self, pack: &str, section: &str, read: bool) {
        let key = Self::key(pack, section);
        if read {
            self.read.insert(key);
        } else {
            self.read.remove(&key);
        }
    }
}
