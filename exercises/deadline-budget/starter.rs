//! Deadlines that travel down the call chain. The task is in the pane beside the editor.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// A point in time after which an answer is no longer useful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Deadline {
    at: Instant,
}

impl Deadline {
    /// The deadline `budget` after `now`.
    pub fn after(now: Instant, budget: Duration) -> Deadline {
        todo!("now + budget")
    }

    /// The moment itself.
    pub fn instant(&self) -> Instant {
        self.at
    }

    /// Time left at `now`; zero once the deadline has passed.
    pub fn remaining_at(&self, now: Instant) -> Duration {
        todo!("saturating: never panic, never negative")
    }

    /// `true` when no time remains at `now` (the deadline itself counts as expired).
    pub fn is_expired_at(&self, now: Instant) -> bool {
        todo!("nothing remaining")
    }

    /// The deadline for a callee: `reserve` earlier than ours, and no later than
    /// `now + cap` if a cap is given. `None` if the callee would get no time.
    pub fn for_sub_call(
        &self,
        now: Instant,
        reserve: Duration,
        cap: Option<Duration>,
    ) -> Option<Deadline> {
        todo!("subtract the reserve, apply the cap, refuse an empty budget")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineError {
    /// The deadline had passed before the work could start; it was not started.
    Expired,
    /// The work did not answer in time. It may still be running.
    TimedOut,
    /// The work panicked.
    Panicked,
}

/// Runs `work` on its own thread and waits for its answer until `deadline`.
pub fn run_with_deadline<T, F>(deadline: Deadline, work: F) -> Result<T, DeadlineError>
where
    T: Send + 'static,
    F: FnOnce(Deadline) -> T + Send + 'static,
{
    todo!("refuse if expired; spawn; recv_timeout for the remaining time; map the three outcomes")
}

/// A task for `fan_out`: it receives its own (child) deadline.
pub type Task<T> = Box<dyn FnOnce(Deadline) -> T + Send>;

/// Runs every task at once, each with the child deadline, and returns their results
/// in the order of `tasks`.
pub fn fan_out<T: Send + 'static>(
    deadline: Deadline,
    reserve: Duration,
    tasks: Vec<Task<T>>,
) -> Vec<Result<T, DeadlineError>> {
    todo!("child deadline once; start all tasks; then wait for each answer in order")
}

#[cfg(test)]
mod examples {
    use super::*;

    #[test]
    fn a_callee_gets_less_than_its_caller() {
        let t0 = Instant::now();
        let request = Deadline::after(t0, Duration::from_millis(2_000));
        let now = t0 + Duration::from_millis(500);
        assert_eq!(request.remaining_at(now), Duration::from_millis(1_500));
        let pricing = request
            .for_sub_call(now, Duration::from_millis(100), None)
            .unwrap();
        assert_eq!(pricing.remaining_at(now), Duration::from_millis(1_400));
        let db = pricing
            .for_sub_call(
                now,
                Duration::from_millis(50),
                Some(Duration::from_millis(300)),
            )
            .unwrap();
        assert_eq!(
            db.remaining_at(now),
            Duration::from_millis(300),
            "the cap is smaller"
        );
    }

    #[test]
    fn quick_work_returns_its_value() {
        let deadline = Deadline::after(Instant::now(), Duration::from_secs(5));
        let result = run_with_deadline(deadline, |_| 6 * 7);
        assert_eq!(result, Ok(42));
    }
}
