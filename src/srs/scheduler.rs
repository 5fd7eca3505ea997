//! The scheduler: FSRS-6 memory states from the `fsrs` crate, wrapped in the card life
//! cycle of the reference scheduler py-fsrs 6.x (states, learning and relearning steps,
//! interval rounding, fuzz and the maximum interval), with py-fsrs's defaults.
//!
//! The crate only knows memory states (stability, difficulty) and ideal intervals; which
//! step a card is on, when it graduates and when it is due are decided here. py-fsrs is
//! the reference because it is what the FSRS authors publish as the standard scheduler,
//! and `tests/suite/srs_replay.rs` checks this module against it on recorded sequences.

use chrono::{DateTime, Duration, Utc};
use fsrs::{FSRS, MemoryState};
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::SrsError;
use super::time;

/// The four answer buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Self::Again, Self::Hard, Self::Good, Self::Easy];

    /// 1 to 4, as in Anki, py-fsrs and the replay CSV.
    pub fn number(self) -> u8 {
        match self {
            Self::Again => 1,
            Self::Hard => 2,
            Self::Good => 3,
            Self::Easy => 4,
        }
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.number() == n)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Again => "Again",
            Self::Hard => "Hard",
            Self::Good => "Good",
            Self::Easy => "Easy",
        }
    }
}

/// Where a card is in its life: never seen, being learned in short steps, on day
/// intervals, or relearning after a lapse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum State {
    #[default]
    New,
    Learning,
    Review,
    Relearning,
}

impl State {
    pub const ALL: [State; 4] = [Self::New, Self::Learning, Self::Review, Self::Relearning];

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Learning => "Learning",
            Self::Review => "Review",
            Self::Relearning => "Relearning",
        }
    }
}

/// FSRS memory: how long the memory lasts (stability, days until recall falls to 90 %)
/// and how hard the card is (difficulty, 1 to 10). Kept as the crate's `f32` so a state
/// read back from disk continues exactly where it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub stability: f32,
    pub difficulty: f32,
}

impl From<MemoryState> for Memory {
    fn from(m: MemoryState) -> Self {
        Self {
            stability: m.stability,
            difficulty: m.difficulty,
        }
    }
}

impl From<Memory> for MemoryState {
    fn from(m: Memory) -> Self {
        Self {
            stability: m.stability,
            difficulty: m.difficulty,
        }
    }
}

/// Everything the scheduler knows about one card.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardSchedule {
    pub state: State,
    /// Index into the learning or relearning steps; 0 in the other states.
    pub step: usize,
    /// `None` until the first answer.
    pub memory: Option<Memory>,
    #[serde(with = "time::opt")]
    pub due: Option<DateTime<Utc>>,
    #[serde(with = "time::opt")]
    pub last_review: Option<DateTime<Utc>>,
    /// Answers so far; also seeds the fuzz so a previewed interval is the one given.
    pub reps: u32,
    /// Times the card fell from Review back to Relearning.
    pub lapses: u32,
}

/// Interval fuzz bands of py-fsrs: an interval of `d` days may move by
/// `1 + sum(factor * overlap of [start, end) with [0, d])` days either way.
const FUZZ_BANDS: [(f64, f64, f64); 3] = [
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.10),
    (20.0, f64::INFINITY, 0.05),
];

/// py-fsrs never schedules a review card further out than this.
pub const MAX_INTERVAL_DAYS: i64 = 36_500;

/// The scheduler with py-fsrs's defaults (steps 1 min and 10 min, relearning 10 min).
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    desired_retention: f64,
    learning_steps: Vec<Duration>,
    relearning_steps: Vec<Duration>,
    fuzz: bool,
    /// Forgetting curve shape, from parameter 20, in double precision for intervals.
    decay: f64,
}

impl Scheduler {
    /// Retention outside 0.70 to 0.97 is refused: lower makes reviews pointless, higher
    /// makes the workload explode.
    pub fn new(desired_retention: f64, fuzz: bool) -> Result<Self, SrsError> {
        if !(0.70..=0.97).contains(&desired_retention) {
            return Err(SrsError::Retention(desired_retention));
        }
        let fsrs =
            FSRS::new(&fsrs::DEFAULT_PARAMETERS).map_err(|e| SrsError::Fsrs(e.to_string()))?;
        Ok(Self {
            fsrs,
            desired_retention,
            learning_steps: vec![Duration::minutes(1), Duration::minutes(10)],
            relearning_steps: vec![Duration::minutes(10)],
            fuzz,
            decay: -shortest_f64(fsrs::DEFAULT_PARAMETERS[20]),
        })
    }

    pub fn desired_retention(&self) -> f64 {
        self.desired_retention
    }

    /// The card after answering `rating` at `now`.
    pub fn review(
        &self,
        card_id: &str,
        card: &CardSchedule,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> Result<CardSchedule, SrsError> {
        let memory = self.next_memory(card, rating, now)?;
        let (state, step, interval) = self.next_step(card, rating, &memory);
        let interval = if state == State::Review && self.fuzz {
            fuzzed(interval, fuzz_draw(card_id, card.reps))
        } else {
            interval
        };
        let lapsed = card.state == State::Review && state == State::Relearning;
        Ok(CardSchedule {
            state,
            step,
            memory: Some(memory),
            due: Some(now + interval),
            last_review: Some(now),
            reps: card.reps + 1,
            lapses: card.lapses + u32::from(lapsed),
        })
    }

    /// How long until the card is due again for each answer, for the answer buttons.
    pub fn preview(
        &self,
        card_id: &str,
        card: &CardSchedule,
        now: DateTime<Utc>,
    ) -> Result<[Duration; 4], SrsError> {
        let mut out = [Duration::zero(); 4];
        for (slot, rating) in out.iter_mut().zip(Rating::ALL) {
            let next = self.review(card_id, card, rating, now)?;
            *slot = next.due.map_or(Duration::zero(), |due| due - now);
        }
        Ok(out)
    }

    /// New memory from the crate. Reviews less than a whole day apart use the crate's
    /// same-day formula (py-fsrs does the same: it counts elapsed time in whole days).
    fn next_memory(
        &self,
        card: &CardSchedule,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> Result<Memory, SrsError> {
        let days = card
            .last_review
            .map_or(0, |last| whole_days(now - last).max(0));
        let days = u32::try_from(days).unwrap_or(u32::MAX);
        let previous = card.memory.map(MemoryState::from);
        let next = self
            .fsrs
            .next_states(previous, self.desired_retention as f32, days)
            .map_err(|e| SrsError::Fsrs(e.to_string()))?;
        let item = match rating {
            Rating::Again => next.again,
            Rating::Hard => next.hard,
            Rating::Good => next.good,
            Rating::Easy => next.easy,
        };
        Ok(item.memory.into())
    }

    /// The state machine of py-fsrs: which state and step follow, and the interval.
    fn next_step(
        &self,
        card: &CardSchedule,
        rating: Rating,
        memory: &Memory,
    ) -> (State, usize, Duration) {
        let graduate = || (State::Review, 0, self.review_interval(memory.stability));
        match card.state {
            State::New | State::Learning => {
                let step = if card.state == State::New {
                    0
                } else {
                    card.step
                };
                match self.stepped(&self.learning_steps, step, rating) {
                    Some((step, wait)) => (State::Learning, step, wait),
                    None => graduate(),
                }
            }
            State::Relearning => match self.stepped(&self.relearning_steps, card.step, rating) {
                Some((step, wait)) => (State::Relearning, step, wait),
                None => graduate(),
            },
            State::Review => match (rating, self.relearning_steps.first()) {
                (Rating::Again, Some(first)) => (State::Relearning, 0, *first),
                _ => graduate(),
            },
        }
    }

    /// One move through a list of short steps: `Some((step, wait))` to stay in it, `None`
    /// to graduate to Review. Again restarts; Hard repeats the step (on the first step it
    /// waits halfway to the second, or 1.5 times the only step); Good advances and
    /// graduates after the last; Easy graduates at once.
    fn stepped(
        &self,
        steps: &[Duration],
        step: usize,
        rating: Rating,
    ) -> Option<(usize, Duration)> {
        let first = *steps.first()?;
        if step >= steps.len() && rating != Rating::Again {
            return None;
        }
        match rating {
            Rating::Again => Some((0, first)),
            Rating::Hard if step == 0 => Some((
                0,
                match steps.get(1) {
                    Some(second) => (first + *second) / 2,
                    None => first + first / 2,
                },
            )),
            Rating::Hard => Some((step, steps[step])),
            Rating::Good => steps.get(step + 1).map(|next| (step + 1, *next)),
            Rating::Easy => None,
        }
    }

    /// Whole days until recall is expected to fall to the desired retention: at least
    /// one, at most [`MAX_INTERVAL_DAYS`], ties rounded to even as Python's `round` does.
    fn review_interval(&self, stability: f32) -> Duration {
        let factor = 0.9f64.powf(1.0 / self.decay) - 1.0;
        let ideal =
            f64::from(stability) / factor * (self.desired_retention.powf(1.0 / self.decay) - 1.0);
        Duration::days((ideal.round_ties_even() as i64).clamp(1, MAX_INTERVAL_DAYS))
    }
}

/// The probability of recalling the card at `now`, from its stored FSRS memory state on
/// the FSRS-6 forgetting curve (the crate's own formula, with the decay of the default
/// parameters the scheduler uses). `None` for a card never answered.
pub fn retrievability(card: &CardSchedule, now: DateTime<Utc>) -> Option<f64> {
    let memory = card.memory?;
    let last = card.last_review?;
    let days = ((now - last).num_seconds().max(0) as f64 / 86_400.0) as f32;
    let r = fsrs::current_retrievability(memory.into(), days, fsrs::DEFAULT_PARAMETERS[20]);
    r.is_finite().then_some(f64::from(r.clamp(0.0, 1.0)))
}

/// Whole days in a span, rounded down like Python's `timedelta.days`.
fn whole_days(span: Duration) -> i64 {
    span.num_seconds().div_euclid(86_400)
}

/// Moves a review interval of at least 2.5 days to a whole number of days near it, so
/// cards learned together spread out instead of coming back in a lump. `draw` is a
/// uniform number in [0, 1). Like py-fsrs, the draw spans `high - low + 1` days from
/// `low` before rounding, so a draw very close to 1 lands one day past `high`; kept for
/// parity with the reference.
pub fn fuzzed(interval: Duration, draw: f64) -> Duration {
    let days = interval.num_days();
    if (days as f64) < 2.5 {
        return interval;
    }
    let (low, high) = fuzz_range(days);
    let picked = (draw * (high - low + 1) as f64 + low as f64).round_ties_even() as i64;
    Duration::days(picked.min(MAX_INTERVAL_DAYS))
}

/// The smallest and largest fuzzed interval for an interval of `days` days.
pub fn fuzz_range(days: i64) -> (i64, i64) {
    let d = days as f64;
    let delta = 1.0
        + FUZZ_BANDS
            .iter()
            .map(|(start, end, factor)| factor * (d.min(*end) - start).max(0.0))
            .sum::<f64>();
    let high = ((d + delta).round_ties_even() as i64).min(MAX_INTERVAL_DAYS);
    let low = ((d - delta).round_ties_even() as i64).max(2).min(high);
    (low, high)
}

/// The fuzz draw for a card's `reps`-th answer: fixed per card and answer, so the
/// interval shown on a button is exactly the one the answer gives.
fn fuzz_draw(card_id: &str, reps: u32) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in card_id.bytes().chain(reps.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    rand_pcg::Pcg64::seed_from_u64(hash).random::<f64>()
}

/// The decimal an `f32` was written as (0.1542, not 0.15420000255), as py-fsrs uses it.
fn shortest_f64(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn answer(card: &CardSchedule, rating: Rating, now: &str) -> CardSchedule {
        Scheduler::new(0.9, false)
            .unwrap()
            .review("c", card, rating, at(now))
            .unwrap()
    }

    #[test]
    fn new_card_steps_follow_py_fsrs() {
        let new = CardSchedule::default();
        let t0 = "2026-01-01T10:00:00Z";
        let again = answer(&new, Rating::Again, t0);
        assert_eq!(
            (again.state, again.due),
            (State::Learning, Some(at("2026-01-01T10:01:00Z")))
        );
        let hard = answer(&new, Rating::Hard, t0);
        assert_eq!(hard.due, Some(at("2026-01-01T10:05:30Z")));
        let good = answer(&new, Rating::Good, t0);
        assert_eq!((good.state, good.step), (State::Learning, 1));
        assert_eq!(good.due, Some(at("2026-01-01T10:10:00Z")));
        let easy = answer(&new, Rating::Easy, t0);
        assert_eq!(easy.state, State::Review);
        assert_eq!(easy.due, Some(at("2026-01-09T10:00:00Z")));
    }

    #[test]
    fn good_on_last_step_graduates_and_again_in_review_relearns() {
        let card = answer(
            &CardSchedule::default(),
            Rating::Good,
            "2026-01-01T10:00:00Z",
        );
        let card = answer(&card, Rating::Good, "2026-01-01T10:10:00Z");
        assert_eq!(card.state, State::Review);
        let lapsed = answer(&card, Rating::Again, "2026-01-05T10:00:00Z");
        assert_eq!((lapsed.state, lapsed.lapses), (State::Relearning, 1));
        assert_eq!(lapsed.due, Some(at("2026-01-05T10:10:00Z")));
        let hard = answer(&lapsed, Rating::Hard, "2026-01-05T10:10:00Z");
        assert_eq!(hard.due, Some(at("2026-01-05T10:25:00Z")));
    }

    #[test]
    fn fuzz_ranges_match_the_reference_bands() {
        assert_eq!(fuzz_range(3), (2, 4));
        assert_eq!(fuzz_range(10), (8, 12));
        assert_eq!(fuzz_range(100), (93, 107));
        assert_eq!(fuzzed(Duration::days(2), 0.99), Duration::days(2));
        for draw in [0.0, 0.3, 0.9] {
            let d = fuzzed(Duration::days(100), draw).num_days();
            assert!((93..=107).contains(&d), "{d}");
        }
        assert_eq!(fuzzed(Duration::days(100), 0.999).num_days(), 108);
    }

    #[test]
    fn preview_equals_the_answer_even_with_fuzz() {
        let s = Scheduler::new(0.9, true).unwrap();
        let mut card = CardSchedule::default();
        let mut now = at("2026-01-01T10:00:00Z");
        for _ in 0..6 {
            let shown = s.preview("id", &card, now).unwrap();
            let next = s.review("id", &card, Rating::Good, now).unwrap();
            assert_eq!(next.due, Some(now + shown[2]));
            now = next.due.unwrap();
            card = next;
        }
    }

    #[test]
    fn retrievability_is_ninety_percent_after_one_stability() {
        let card = answer(
            &CardSchedule::default(),
            Rating::Good,
            "2026-01-01T00:00:00Z",
        );
        let stability = card.memory.map(|m| m.stability).unwrap_or_default();
        assert!(stability > 1.0, "{stability}");
        let later = at("2026-01-01T00:00:00Z")
            + Duration::seconds((f64::from(stability) * 86_400.0) as i64);
        let r = retrievability(&card, later).unwrap_or_default();
        assert!((r - 0.9).abs() < 0.005, "{r}");
        assert_eq!(retrievability(&card, at("2026-01-01T00:00:00Z")), Some(1.0));
        assert_eq!(retrievability(&CardSchedule::default(), later), None);
    }

    #[test]
    fn retention_outside_the_range_is_refused() {
        assert!(Scheduler::new(0.5, false).is_err());
        assert!(Scheduler::new(0.98, false).is_err());
    }
}
