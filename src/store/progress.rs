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
    pub drills: crate::drill::DrillProgress,
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

/// The zoom range the app offers; a value outside it is clamped on load.
pub const ZOOM_RANGE: (f32, f32) = (0.5, 3.0);
/// Window sizes (points) accepted on load; others are dropped for the default.
pub const WINDOW_RANGE: (f32, f32) = (200.0, 16384.0);
/// The longest remembered screen, lesson or section name.
const NAME_LIMIT: usize = 200;

impl Settings {
    /// Brings loaded values into range, so a hand-edited or damaged file (`zoom: NaN`,
    /// a window 1e30 wide) cannot crash the window system at start. Returns a sentence
    /// per change, for the log.
    pub fn sanitize(&mut self) -> Vec<String> {
        let mut fixed = Vec::new();
        let (lo, hi) = ZOOM_RANGE;
        if !self.zoom.is_finite() {
            fixed.push(format!("zoom {} is not a number; reset to 1", self.zoom));
            self.zoom = 1.0;
        } else if !(lo..=hi).contains(&self.zoom) {
            let clamped = self.zoom.clamp(lo, hi);
            fixed.push(format!("zoom {} clamped to {clamped}", self.zoom));
            self.zoom = clamped;
        }
        let (lo, hi) = WINDOW_RANGE;
        if let Some(size) = self.window_size
            && !size.iter().all(|v| v.is_finite() && (lo..=hi).contains(v))
        {
            fixed.push(format!(
                "window size {size:?} out of range; the default is used"
            ));
            self.window_size = None;
        }
        for name in [&mut self.last_screen]
            .into_iter()
            .chain(self.last_lesson.as_mut())
            .chain(self.last_section.as_mut())
        {
            if name.len() > NAME_LIMIT {
                fixed.push(format!(
                    "a remembered name of {} bytes was dropped",
                    name.len()
                ));
                name.clear();
            }
        }
        fixed
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
