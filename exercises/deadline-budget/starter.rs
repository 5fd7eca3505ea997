//! # Deadlines that travel down the call chain
//!
//! A request arrives with 2 seconds to live: after that the user, or the load balancer,
//! has given up. Our handler calls a pricing service, which queries a database. The
//! classic mistake is to give each layer its own fixed timeout: the handler waits 2 s
//! for pricing, pricing waits 5 s for the database, the database statement timeout is
//! 10 s. When the database is slow, the handler gives up at 2 s, but pricing keeps
//! waiting, and the database keeps working for a caller that has left. Meanwhile the
//! client retries, and the dead work piles up: that is how a slow query becomes an
//! outage.
//!
//! The fix is to pass the *deadline* itself down the chain (gRPC does this on every
//! call): each layer knows the time left and gives its callee a bit less, keeping a
//! small *reserve* for itself to handle the answer or fall back. Inner layers then
//! always give up first, and nobody works past the point where the answer is useless.
//!
//! Part 1, pure arithmetic (time is passed in, so the tests are exact):
//! - `Deadline::after(now, budget)`; `remaining_at(now)` (zero once passed, never a
//!   panic); `is_expired_at(now)` (true when nothing remains).
//! - `for_sub_call(now, reserve, cap)`: the deadline to give a callee: ours minus
//!   `reserve`, and, when `cap` is given, no later than `now + cap` (a callee may
//!   deserve less than everything we have, like a 300 ms statement timeout). `None`
//!   when the callee would have no time at all: then do not call it.
//!   No panics, even for absurd durations: `Instant + Duration` panics on overflow,
//!   so use `checked_sub` / `checked_add` (a cap too large to add is no cap at all).
//!
//! Part 2, threads and channels (Rust has no way to kill a thread, so the honest
//! version of "run this with a timeout" is: run it on another thread, wait for its
//! answer on a channel for at most the remaining time, and stop *waiting* when the time
//! is up). The work receives the deadline so that it can stop itself and pass a
//! smaller budget to its own calls. One thread per call is fine for this exercise, but
//! in a server it is unbounded: work that ignores its deadline keeps its thread after
//! the caller has gone. Production code caps those threads with a bulkhead (a fixed
//! pool or a semaphore, section 5).
//! - `run_with_deadline(deadline, work)`: `Expired` without starting anything if the
//!   deadline has already passed; the value if it arrives in time; `TimedOut` if not
//!   (return at once: do not wait for the thread); `Panicked` if the work panicked.
//! - `fan_out(deadline, reserve, tasks)`: run independent sub-requests *concurrently*,
//!   each with the child deadline `for_sub_call(now, reserve, None)`, and collect one
//!   result per task, in order. The whole fan-out takes about one timeout, not the sum
//!   of them. If no time is left for the children, every result is `Expired` and no
//!   task is started.

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
