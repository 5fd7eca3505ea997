//! Reference solution for "Deadlines that travel down the call chain".

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
        Deadline { at: now + budget }
    }

    /// The moment itself.
    pub fn instant(&self) -> Instant {
        self.at
    }

    /// Time left at `now`; zero once the deadline has passed.
    pub fn remaining_at(&self, now: Instant) -> Duration {
        self.at.saturating_duration_since(now)
    }

    /// `true` when no time remains at `now` (the deadline itself counts as expired).
    pub fn is_expired_at(&self, now: Instant) -> bool {
        self.remaining_at(now).is_zero()
    }

    /// The deadline for a callee: `reserve` earlier than ours, and no later than
    /// `now + cap` if a cap is given. `None` if the callee would get no time.
    pub fn for_sub_call(
        &self,
        now: Instant,
        reserve: Duration,
        cap: Option<Duration>,
    ) -> Option<Deadline> {
        let mut at = self.at.checked_sub(reserve)?;
        if let Some(capped) = cap.and_then(|cap| now.checked_add(cap)) {
            at = at.min(capped);
        }
        (at > now).then_some(Deadline { at })
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
    if deadline.is_expired_at(Instant::now()) {
        return Err(DeadlineError::Expired);
    }
    wait_for(&start(deadline, work), deadline)
}

/// Starts `work` on a new thread; its answer will arrive on the returned receiver.
/// A panic drops the sender unsent, which the receiver sees as a disconnect.
fn start<T, F>(deadline: Deadline, work: F) -> mpsc::Receiver<T>
where
    T: Send + 'static,
    F: FnOnce(Deadline) -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        // The receiver may be gone (we timed out): the late answer is simply dropped.
        let _ = tx.send(work(deadline));
    });
    rx
}

/// Waits for an answer until `deadline`, never longer. The worker is not joined.
fn wait_for<T>(rx: &mpsc::Receiver<T>, deadline: Deadline) -> Result<T, DeadlineError> {
    match rx.recv_timeout(deadline.remaining_at(Instant::now())) {
        Ok(value) => Ok(value),
        Err(RecvTimeoutError::Timeout) => Err(DeadlineError::TimedOut),
        Err(RecvTimeoutError::Disconnected) => Err(DeadlineError::Panicked),
    }
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
    let Some(child) = deadline.for_sub_call(Instant::now(), reserve, None) else {
        return tasks.iter().map(|_| Err(DeadlineError::Expired)).collect();
    };
    // Start everything first, so the tasks overlap; only then wait.
    let receivers: Vec<_> = tasks.into_iter().map(|task| start(child, task)).collect();
    receivers.iter().map(|rx| wait_for(rx, child)).collect()
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
