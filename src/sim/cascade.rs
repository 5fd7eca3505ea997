//! Cascading timeouts: browser -> load balancer -> app (thread pool) -> database.
//!
//! A dashboard page has four independent parts, each one database query: orders (falls
//! back to a cached copy), revenue (falls back to an estimate), activity (falls back to an
//! empty list) and analytics (a heavy report; falls back to empty). The app takes a
//! thread per page from a bounded pool (with a bounded queue in front), runs the four
//! queries concurrently and holds the thread until all have answered or fallen back. The
//! database has a fixed number of connections and a FIFO queue for them.
//!
//! Every layer may have its own timeout: the browser (the user gives up), the load
//! balancer (504), the app (request timeout, frees the thread), each part (falls back),
//! and the database (statement timeout, cancels the query). The analytics part may run in
//! its own small pool (a bulkhead): when that pool is full the part falls back at once.
//! A slow-query fault makes the analytics query take many seconds, and a surge fault (the
//! users of the slow page pressing reload) multiplies the page rate for a while.
//!
//! Without deadline propagation a layer only knows its own timeout, so an inner layer with
//! a longer budget keeps working for a caller that has gone: the model records that as
//! wasted work. With propagation every call carries the caller's deadline and each layer
//! stops at `min(own timeout, deadline)`: queued work whose deadline passed is dropped and
//! running queries are cancelled, so no layer works past the deadline.
//!
//! Observability: every page leaves a trace (a span per layer), every notable event a
//! log record with context fields, and the run keeps counters, latency histograms and
//! per-layer time series, so a learner can find the slow layer as an engineer would.
//! With `record_requests` it also keeps each page's fate as the browser saw it (the
//! incident drills measure their SLO over it).

use std::collections::VecDeque;

use super::engine::{EventQueue, Latency, Series, SimRng, SimTime};
use super::requests::{Fate, Request, RequestLog};

/// Why a page failed, as the browser's request log labels it.
pub const USER_GAVE_UP: &str = "the user gave up waiting";
pub const BALANCER_504: &str = "504: the load balancer timed out";
pub const APP_503: &str = "503: no app thread or queue place";
pub const APP_TIMEOUT: &str = "500: the app's request timeout fired";
pub const NO_LIVE_DATA: &str = "every part of the page was a stand-in";

/// A part of the dashboard page; each is one database query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
pub enum Part {
    Orders,
    Revenue,
    Activity,
    Analytics,
}

impl Part {
    pub const ALL: [Part; 4] = [Self::Orders, Self::Revenue, Self::Activity, Self::Analytics];

    pub fn label(self) -> &'static str {
        match self {
            Self::Orders => "orders",
            Self::Revenue => "revenue",
            Self::Activity => "activity",
            Self::Analytics => "analytics",
        }
    }

    /// What the page shows when this part cannot answer in time.
    pub fn fallback(self) -> Fallback {
        match self {
            Self::Orders => Fallback::Cache,
            Self::Revenue => Fallback::Estimate,
            Self::Activity | Self::Analytics => Fallback::Empty,
        }
    }

    /// The query's normal service time.
    fn latency(self) -> Latency {
        let median = match self {
            Self::Orders => 30.0,
            Self::Revenue => 40.0,
            Self::Activity => 20.0,
            Self::Analytics => 150.0,
        };
        Latency::LogNormal { median, sigma: 0.4 }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A part's stand-in answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fallback {
    Cache,
    Estimate,
    Empty,
}

impl Fallback {
    pub fn label(self) -> &'static str {
        match self {
            Self::Cache => "cached copy",
            Self::Estimate => "estimate",
            Self::Empty => "empty",
        }
    }
}

/// Where a span ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Browser,
    Balancer,
    App,
    Part(Part),
    Db(Part),
}

impl Layer {
    pub fn label(self) -> String {
        match self {
            Self::Browser => "browser".into(),
            Self::Balancer => "load balancer".into(),
            Self::App => "app".into(),
            Self::Part(p) => format!("part {}", p.label()),
            Self::Db(p) => format!("db {}", p.label()),
        }
    }

    /// Index of the tier this layer belongs to (parts count as app work).
    pub fn tier(self) -> usize {
        match self {
            Self::Browser => 0,
            Self::Balancer => 1,
            Self::App | Self::Part(_) => 2,
            Self::Db(_) => 3,
        }
    }
}

/// How a span ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Still running.
    Open,
    Ok,
    /// Answered, but with some parts replaced by fallbacks.
    Degraded,
    /// The layer's own timeout (or the propagated deadline) fired.
    TimedOut,
    /// Refused at once: queue or bulkhead full.
    Rejected,
    /// Cancelled by a statement timeout or a deadline.
    Cancelled,
    /// Dropped from a queue because its deadline had passed.
    Expired,
    /// A part answered with its fallback.
    FellBack(Fallback),
    /// The caller failed (an error from below).
    Failed,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "running",
            Self::Ok => "ok",
            Self::Degraded => "degraded",
            Self::TimedOut => "timed out",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::FellBack(_) => "fallback",
            Self::Failed => "failed",
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, Self::Ok | Self::Degraded | Self::FellBack(_))
    }
}

/// One layer's work for one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub layer: Layer,
    pub start: SimTime,
    pub end: Option<SimTime>,
    pub outcome: Outcome,
    /// When the caller stopped waiting, if it did so before this span ended. Work after
    /// that moment is wasted.
    pub caller_left: Option<SimTime>,
    /// Time spent waiting in a queue before the work started (app thread, db connection).
    pub queued_ms: f64,
}

impl Span {
    fn open(layer: Layer, start: SimTime) -> Self {
        Self {
            layer,
            start,
            end: None,
            outcome: Outcome::Open,
            caller_left: None,
            queued_ms: 0.0,
        }
    }

    /// Duration so far (to `now` while open), ms.
    pub fn duration_ms(&self, now: SimTime) -> f64 {
        self.end.unwrap_or(now).as_ms() - self.start.as_ms()
    }

    /// Work done after the caller left, ms (time still queued does not count).
    pub fn wasted_ms(&self, now: SimTime) -> f64 {
        match self.caller_left {
            Some(left) => {
                let working_from = (self.start.as_ms() + self.queued_ms).max(left.as_ms());
                (self.end.unwrap_or(now).as_ms() - working_from).max(0.0)
            }
            None => 0.0,
        }
    }
}

/// Everything one page did.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub page: u32,
    pub spans: Vec<Span>,
}

/// One log record with its context fields.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    pub at: SimTime,
    pub page: u32,
    pub layer: Layer,
    pub duration_ms: f64,
    pub reason: &'static str,
    /// True for warnings and errors, false for information.
    pub problem: bool,
}

/// The slow-query fault.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlowQuery {
    pub part: Part,
    pub from_s: f64,
    pub until_s: f64,
    pub ms: f64,
}

/// The surge fault: users who see a slow page press reload, so pages arrive `factor`
/// times as fast between `from_s` and `until_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surge {
    pub from_s: f64,
    pub until_s: f64,
    pub factor: f64,
}

/// Settings; `None` timeouts mean "wait forever".
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeConfig {
    pub pages_per_sec: f64,
    pub browser_timeout_ms: f64,
    pub balancer_timeout_ms: Option<f64>,
    pub app_timeout_ms: Option<f64>,
    pub part_timeout_ms: Option<f64>,
    pub db_timeout_ms: Option<f64>,
    pub app_threads: u32,
    pub app_queue: usize,
    pub db_connections: u32,
    /// Size of the analytics bulkhead, if analytics runs in its own pool.
    pub analytics_pool: Option<u32>,
    pub deadline_propagation: bool,
    pub slow_query: Option<SlowQuery>,
    pub surge: Option<Surge>,
    pub bucket_s: f64,
    /// Keep every page's fate in [`CascadeSim::requests`] (the drills' SLO).
    pub record_requests: bool,
}

/// The four teaching presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    NoTimeouts,
    InvertedBudgets,
    CorrectBudgets,
    DeadlinePropagation,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Self::NoTimeouts,
        Self::InvertedBudgets,
        Self::CorrectBudgets,
        Self::DeadlinePropagation,
    ];

    /// The preset's id in `catalog` (its label and explanation live there).
    pub fn name(self) -> &'static str {
        match self {
            Self::NoTimeouts => "no-timeouts",
            Self::InvertedBudgets => "inverted-budgets",
            Self::CorrectBudgets => "correct-budgets",
            Self::DeadlinePropagation => "deadline-propagation",
        }
    }

    pub fn config(self) -> CascadeConfig {
        let base = CascadeConfig {
            pages_per_sec: 20.0,
            browser_timeout_ms: 30_000.0,
            balancer_timeout_ms: None,
            app_timeout_ms: None,
            part_timeout_ms: None,
            db_timeout_ms: None,
            app_threads: 12,
            // Like a web framework's accept queue: long enough for pages to wait in it
            // longer than the balancer does.
            app_queue: 256,
            db_connections: 12,
            analytics_pool: None,
            deadline_propagation: false,
            slow_query: Some(SlowQuery {
                part: Part::Analytics,
                from_s: 10.0,
                until_s: 40.0,
                ms: 20_000.0,
            }),
            surge: Some(Surge {
                from_s: 25.0,
                until_s: 35.0,
                factor: 4.0,
            }),
            bucket_s: 0.5,
            record_requests: false,
        };
        match self {
            Self::NoTimeouts => base,
            Self::InvertedBudgets => CascadeConfig {
                balancer_timeout_ms: Some(6_000.0),
                app_timeout_ms: Some(5_000.0),
                db_timeout_ms: Some(10_000.0),
                ..base
            },
            Self::CorrectBudgets => CascadeConfig {
                browser_timeout_ms: 10_000.0,
                balancer_timeout_ms: Some(3_000.0),
                app_timeout_ms: Some(2_000.0),
                part_timeout_ms: Some(1_000.0),
                db_timeout_ms: Some(800.0),
                analytics_pool: Some(8),
                ..base
            },
            Self::DeadlinePropagation => CascadeConfig {
                deadline_propagation: true,
                ..Self::CorrectBudgets.config()
            },
        }
    }
}

/// A setting that makes no sense.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CascadeError {
    #[error("page rate must be positive, got {0} per second")]
    Rate(f64),
    #[error("the {0} needs at least one thread or connection")]
    Pool(&'static str),
    #[error("the {layer} timeout must be a positive number of ms, got {ms}")]
    Timeout { layer: &'static str, ms: f64 },
    #[error("a surge must multiply the page rate by a positive factor, got {0}")]
    Surge(f64),
    #[error("the bucket width must be positive, got {0} s")]
    Bucket(f64),
}

impl CascadeConfig {
    fn validate(&self) -> Result<(), CascadeError> {
        if !(self.pages_per_sec.is_finite() && self.pages_per_sec > 0.0) {
            return Err(CascadeError::Rate(self.pages_per_sec));
        }
        if self.app_threads == 0 {
            return Err(CascadeError::Pool("app"));
        }
        if self.db_connections == 0 {
            return Err(CascadeError::Pool("database"));
        }
        if self.analytics_pool == Some(0) {
            return Err(CascadeError::Pool("analytics pool"));
        }
        for (layer, ms) in [
            ("browser", Some(self.browser_timeout_ms)),
            ("load balancer", self.balancer_timeout_ms),
            ("app", self.app_timeout_ms),
            ("part", self.part_timeout_ms),
            ("database", self.db_timeout_ms),
        ] {
            if let Some(ms) = ms
                && !(ms.is_finite() && ms > 0.0)
            {
                return Err(CascadeError::Timeout { layer, ms });
            }
        }
        if let Some(surge) = self.surge
            && !(surge.factor.is_finite() && surge.factor > 0.0)
        {
            return Err(CascadeError::Surge(surge.factor));
        }
        if !(self.bucket_s.is_finite() && self.bucket_s > 0.0) {
            return Err(CascadeError::Bucket(self.bucket_s));
        }
        Ok(())
    }
}

/// Whether `at` falls in a fault's window `[from_s, until_s)`.
fn within(at: SimTime, from_s: f64, until_s: f64) -> bool {
    (from_s..until_s).contains(&at.as_secs())
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival,
    BrowserTimeout(u32),
    BalancerTimeout(u32),
    AppTimeout(u32),
    PartTimeout(u32, Part),
    QueryEnd(u32),
}

/// Indices of a page's spans in its trace.
const BROWSER: usize = 0;
const BALANCER: usize = 1;
const APP: usize = 2;
fn part_span(part: Part) -> usize {
    3 + part.index()
}
fn db_span(part: Part) -> usize {
    7 + part.index()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AppState {
    Queued,
    Running,
    Done,
}

#[derive(Debug, Clone)]
struct Page {
    /// The deadline each layer works to (with propagation: the tightest of its own and
    /// its callers'); `None` for no limit.
    balancer_deadline: Option<SimTime>,
    app_deadline: Option<SimTime>,
    app: AppState,
    /// Parts not yet answered.
    pending: [bool; 4],
    /// Each part's query, once submitted.
    queries: [Option<u32>; 4],
    fallbacks: u32,
    /// The page's spans, indexed by the consts above (missing ones never started).
    spans: Vec<Option<Span>>,
}

#[derive(Debug, Clone, Copy)]
struct Query {
    page: u32,
    part: Part,
    submitted: SimTime,
    deadline: Option<SimTime>,
    /// Holds an analytics bulkhead slot until it ends.
    holds_slot: bool,
    /// Its end was set by a statement timeout or deadline, not by finishing the work.
    cut_short: bool,
}

/// Counters since the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Counters {
    pub pages: u64,
    pub pages_ok: u64,
    pub pages_degraded: u64,
    pub pages_failed: u64,
    pub balancer_504: u64,
    pub app_rejected: u64,
    pub app_timeouts: u64,
    pub fallbacks: u64,
    pub bulkhead_rejected: u64,
    pub db_queries: u64,
    pub db_cancelled: u64,
    pub db_expired: u64,
    /// Milliseconds of db connection time spent after the caller left.
    pub db_wasted_ms: f64,
    /// Milliseconds of app thread time spent after the balancer gave up.
    pub app_wasted_ms: f64,
}

/// Upper bounds of the latency histogram buckets, ms (the last bucket is open).
pub const HISTOGRAM_BOUNDS_MS: [f64; 10] = [
    25.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0, 5_000.0, 10_000.0, 30_000.0,
];

/// Per-tier time series (x in seconds).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TierSeries {
    /// Share (0-100 %) of the spans that ended in the bucket and succeeded.
    pub success_pct: Series,
    /// Mean duration of the spans that ended in the bucket, ms.
    pub latency_ms: Series,
}

/// Everything recorded over time.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CascadeSeries {
    pub app_busy: Series,
    pub app_queue: Series,
    pub db_busy: Series,
    pub db_queue: Series,
    /// Connections busy for a caller that has left.
    pub db_wasted: Series,
    /// App threads building a page the balancer has given up on.
    pub app_wasted: Series,
    pub analytics_busy: Series,
    /// Browser, balancer, app, db.
    pub tiers: [TierSeries; 4],
}

#[derive(Debug, Clone, Copy, Default)]
struct TierBucket {
    ended: u32,
    ok: u32,
    duration_sum_ms: f64,
}

/// How many log records are kept (oldest dropped first).
pub const LOG_CAPACITY: usize = 4000;

/// The cascading-timeouts model; see the module docs.
#[derive(Debug, Clone)]
pub struct CascadeSim {
    config: CascadeConfig,
    rng: SimRng,
    queue: EventQueue<Event>,
    pages: Vec<Page>,
    queries: Vec<Query>,
    app_busy: u32,
    app_waiting: VecDeque<u32>,
    db_running: Vec<u32>,
    db_waiting: VecDeque<u32>,
    analytics_busy: u32,
    counters: Counters,
    histograms: [[u64; HISTOGRAM_BOUNDS_MS.len() + 1]; 4],
    log: VecDeque<LogRecord>,
    tier_bucket: [TierBucket; 4],
    bucket_end: SimTime,
    series: CascadeSeries,
    requests: RequestLog,
}

impl CascadeSim {
    pub fn new(config: CascadeConfig, seed: u64) -> Result<Self, CascadeError> {
        config.validate()?;
        let mut queue = EventQueue::new();
        queue.schedule(SimTime::ZERO, Event::Arrival);
        let s = || Series::new(2048);
        let tier = || TierSeries {
            success_pct: s(),
            latency_ms: s(),
        };
        Ok(Self {
            rng: SimRng::new(seed),
            queue,
            pages: Vec::new(),
            queries: Vec::new(),
            app_busy: 0,
            app_waiting: VecDeque::new(),
            db_running: Vec::new(),
            db_waiting: VecDeque::new(),
            analytics_busy: 0,
            counters: Counters::default(),
            histograms: [[0; HISTOGRAM_BOUNDS_MS.len() + 1]; 4],
            log: VecDeque::new(),
            tier_bucket: [TierBucket::default(); 4],
            bucket_end: SimTime::from_secs(config.bucket_s),
            series: CascadeSeries {
                app_busy: s(),
                app_queue: s(),
                db_busy: s(),
                db_queue: s(),
                db_wasted: s(),
                app_wasted: s(),
                analytics_busy: s(),
                tiers: [tier(), tier(), tier(), tier()],
            },
            requests: RequestLog::new(config.record_requests),
            config,
        })
    }

    pub fn config(&self) -> &CascadeConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn series(&self) -> &CascadeSeries {
        &self.series
    }

    /// Latency histogram of finished spans per tier (browser, balancer, app, db); bucket
    /// `i` counts durations up to `HISTOGRAM_BOUNDS_MS[i]`, the last one the rest.
    pub fn histograms(&self) -> &[[u64; HISTOGRAM_BOUNDS_MS.len() + 1]; 4] {
        &self.histograms
    }

    pub fn log(&self) -> &VecDeque<LogRecord> {
        &self.log
    }

    /// Every finished page's fate in the browser, in the order they finished, when
    /// `record_requests` is set: a full page is `Ok`, a degraded one a `Fallback`, and
    /// one with every part replaced by its stand-in has failed ([`NO_LIVE_DATA`]).
    pub fn requests(&self) -> &[Request] {
        self.requests.requests()
    }

    pub fn app_busy(&self) -> u32 {
        self.app_busy
    }

    pub fn app_queue(&self) -> usize {
        self.app_waiting.len()
    }

    pub fn db_busy(&self) -> usize {
        self.db_running.len()
    }

    pub fn db_queue(&self) -> usize {
        self.db_waiting.len()
    }

    pub fn analytics_busy(&self) -> u32 {
        self.analytics_busy
    }

    /// Whether the slow-query fault is active now.
    pub fn fault_active(&self) -> bool {
        self.fault_at(self.now()).is_some()
    }

    fn fault_at(&self, at: SimTime) -> Option<SlowQuery> {
        self.config
            .slow_query
            .filter(|f| within(at, f.from_s, f.until_s))
    }

    /// Whether the surge is on now.
    pub fn surge_active(&self) -> bool {
        self.surge_at(self.now()).is_some()
    }

    fn surge_at(&self, at: SimTime) -> Option<Surge> {
        self.config
            .surge
            .filter(|f| within(at, f.from_s, f.until_s))
    }

    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// The trace of one page, spans in layer order.
    pub fn trace(&self, page: u32) -> Option<Trace> {
        let p = self.pages.get(page as usize)?;
        Some(Trace {
            page,
            spans: p.spans.iter().flatten().cloned().collect(),
        })
    }

    /// The most recent page that has finished in the browser, if any.
    pub fn last_finished_page(&self) -> Option<u32> {
        (0..self.pages.len() as u32).rev().find(|&id| {
            self.pages[id as usize].spans[BROWSER]
                .as_ref()
                .is_some_and(|s| s.end.is_some())
        })
    }

    /// Advances virtual time to `until`.
    pub fn step_until(&mut self, until: SimTime) {
        loop {
            let next = self.queue.peek_time().filter(|&t| t <= until);
            let horizon = next.unwrap_or(until);
            while self.bucket_end <= horizon {
                self.close_bucket();
            }
            if next.is_none() {
                break;
            }
            if let Some((at, event)) = self.queue.pop() {
                self.handle(at, event);
            }
        }
        self.queue.pop_until(until);
    }

    fn close_bucket(&mut self) {
        let t = self.bucket_end.as_secs();
        let wasted = self
            .db_running
            .iter()
            .filter(|&&q| {
                let query = &self.queries[q as usize];
                self.span(query.page, db_span(query.part))
                    .is_some_and(|s| s.caller_left.is_some())
            })
            .count();
        let app_wasted = (0..self.pages.len() as u32)
            .filter(|&page| {
                self.pages[page as usize].app == AppState::Running
                    && self
                        .span(page, APP)
                        .is_some_and(|s| s.caller_left.is_some())
            })
            .count();
        let s = &mut self.series;
        s.app_busy.push(t, self.app_busy as f64);
        s.app_queue.push(t, self.app_waiting.len() as f64);
        s.db_busy.push(t, self.db_running.len() as f64);
        s.db_queue.push(t, self.db_waiting.len() as f64);
        s.db_wasted.push(t, wasted as f64);
        s.app_wasted.push(t, app_wasted as f64);
        s.analytics_busy.push(t, self.analytics_busy as f64);
        for (tier, b) in self.tier_bucket.iter_mut().enumerate() {
            if b.ended > 0 {
                let series = &mut s.tiers[tier];
                series
                    .success_pct
                    .push(t, 100.0 * b.ok as f64 / b.ended as f64);
                series
                    .latency_ms
                    .push(t, b.duration_sum_ms / b.ended as f64);
            } else {
                let series = &mut s.tiers[tier];
                series.success_pct.push_gap(t);
                series.latency_ms.push_gap(t);
            }
            *b = TierBucket::default();
        }
        self.bucket_end = SimTime::from_secs(t + self.config.bucket_s);
    }

    fn span(&self, page: u32, index: usize) -> Option<&Span> {
        self.pages[page as usize].spans[index].as_ref()
    }

    fn open_span(&mut self, page: u32, index: usize, layer: Layer) {
        let now = self.now();
        self.pages[page as usize].spans[index] = Some(Span::open(layer, now));
    }

    /// Ends a span (if open) and records its metrics; returns its duration.
    fn close_span(&mut self, page: u32, index: usize, outcome: Outcome) -> Option<f64> {
        let now = self.now();
        let span = self.pages[page as usize].spans[index].as_mut()?;
        if span.end.is_some() {
            return None;
        }
        span.end = Some(now);
        span.outcome = outcome;
        let duration = span.duration_ms(now);
        let tier = span.layer.tier();
        if !matches!(span.layer, Layer::Part(_)) {
            let bucket = HISTOGRAM_BOUNDS_MS
                .iter()
                .position(|&b| duration <= b)
                .unwrap_or(HISTOGRAM_BOUNDS_MS.len());
            self.histograms[tier][bucket] += 1;
            let b = &mut self.tier_bucket[tier];
            b.ended += 1;
            b.duration_sum_ms += duration;
            if outcome.is_success() {
                b.ok += 1;
            }
        }
        Some(duration)
    }

    /// Marks that the caller of a span stopped waiting now.
    fn caller_leaves(&mut self, page: u32, index: usize) {
        let now = self.now();
        if let Some(span) = self.pages[page as usize].spans[index].as_mut()
            && span.end.is_none()
            && span.caller_left.is_none()
        {
            span.caller_left = Some(now);
        }
    }

    fn warn(&mut self, page: u32, layer: Layer, duration_ms: f64, reason: &'static str) {
        self.push_log(page, layer, duration_ms, reason, true);
    }

    fn push_log(
        &mut self,
        page: u32,
        layer: Layer,
        duration_ms: f64,
        reason: &'static str,
        problem: bool,
    ) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(LogRecord {
            at: self.now(),
            page,
            layer,
            duration_ms,
            reason,
            problem,
        });
    }

    /// `min(own timeout from now, caller's deadline if propagated)`.
    fn deadline(&self, own_ms: Option<f64>, caller: Option<SimTime>) -> Option<SimTime> {
        let own = own_ms.map(|ms| self.now().plus_ms(ms));
        let caller = caller.filter(|_| self.config.deadline_propagation);
        match (own, caller) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn handle(&mut self, at: SimTime, event: Event) {
        match event {
            Event::Arrival => self.arrival(at),
            Event::BrowserTimeout(page) => {
                if let Some(d) = self.close_span(page, BROWSER, Outcome::TimedOut) {
                    self.record_page(page, d, Fate::Failed(USER_GAVE_UP));
                    self.counters.pages_failed += 1;
                    self.warn(page, Layer::Browser, d, "user gave up waiting");
                    self.caller_leaves(page, BALANCER);
                }
            }
            Event::BalancerTimeout(page) => {
                if let Some(d) = self.close_span(page, BALANCER, Outcome::TimedOut) {
                    self.counters.balancer_504 += 1;
                    self.warn(page, Layer::Balancer, d, "504: upstream timed out");
                    self.caller_leaves(page, APP);
                    self.browser_gets(page, false, false, BALANCER_504);
                    if self.pages[page as usize].app == AppState::Queued
                        && self.config.deadline_propagation
                    {
                        self.drop_from_app_queue(page);
                    }
                }
            }
            Event::AppTimeout(page) => {
                if self.pages[page as usize].app == AppState::Running {
                    self.counters.app_timeouts += 1;
                    if let Some(d) = self.close_span(page, APP, Outcome::TimedOut) {
                        self.warn(page, Layer::App, d, "request timeout: gave up on the parts");
                    }
                    for part in Part::ALL {
                        if self.pages[page as usize].pending[part.index()] {
                            self.pages[page as usize].pending[part.index()] = false;
                            self.close_span(page, part_span(part), Outcome::TimedOut);
                            self.part_leaves(page, part);
                        }
                    }
                    self.finish_app(page, false, APP_TIMEOUT);
                }
            }
            Event::PartTimeout(page, part) => {
                if self.pages[page as usize].pending[part.index()] {
                    self.part_leaves(page, part);
                    self.part_answers(page, part, false, "part timed out: fallback used");
                }
            }
            Event::QueryEnd(q) => self.query_end(q),
        }
    }

    fn arrival(&mut self, at: SimTime) {
        // The rate at this arrival sets the gap to the next; at 20+ pages a second a gap
        // is far shorter than a surge, so the edges are not worth modelling exactly.
        let rate = self.config.pages_per_sec * self.surge_at(at).map_or(1.0, |s| s.factor);
        let gap = self.rng.exponential(1000.0 / rate);
        self.queue.schedule_in(gap, Event::Arrival);
        let page = self.pages.len() as u32;
        self.counters.pages += 1;
        let browser_deadline = at.plus_ms(self.config.browser_timeout_ms);
        self.pages.push(Page {
            balancer_deadline: None,
            app_deadline: None,
            app: AppState::Queued,
            pending: [false; 4],
            queries: [None; 4],
            fallbacks: 0,
            spans: vec![None; 11],
        });
        self.open_span(page, BROWSER, Layer::Browser);
        self.queue
            .schedule(browser_deadline, Event::BrowserTimeout(page));
        // The balancer takes the request at once.
        self.open_span(page, BALANCER, Layer::Balancer);
        let lb_deadline = self.deadline(self.config.balancer_timeout_ms, Some(browser_deadline));
        self.pages[page as usize].balancer_deadline = lb_deadline;
        if let Some(d) = lb_deadline {
            self.queue.schedule(d, Event::BalancerTimeout(page));
        }
        // The app: a thread now, a place in the queue, or a 503.
        self.open_span(page, APP, Layer::App);
        if self.app_busy < self.config.app_threads {
            self.start_page(page);
        } else if self.app_waiting.len() < self.config.app_queue {
            self.app_waiting.push_back(page);
        } else {
            self.counters.app_rejected += 1;
            self.close_span(page, APP, Outcome::Rejected);
            self.warn(page, Layer::App, 0.0, "503: thread pool and queue full");
            self.pages[page as usize].app = AppState::Done;
            self.balancer_gets(page, false, false, APP_503);
        }
    }

    /// A thread takes the page: start the four parts.
    fn start_page(&mut self, page: u32) {
        let now = self.now();
        self.app_busy += 1;
        let lb_deadline = self.pages[page as usize].balancer_deadline;
        let app_deadline = self.deadline(self.config.app_timeout_ms, lb_deadline);
        let p = &mut self.pages[page as usize];
        p.app = AppState::Running;
        p.app_deadline = app_deadline;
        if let Some(span) = p.spans[APP].as_mut() {
            span.queued_ms = now.as_ms() - span.start.as_ms();
        }
        if let Some(d) = app_deadline {
            self.queue.schedule(d, Event::AppTimeout(page));
        }
        for part in Part::ALL {
            self.pages[page as usize].pending[part.index()] = true;
            self.open_span(page, part_span(part), Layer::Part(part));
            if part == Part::Analytics
                && let Some(pool) = self.config.analytics_pool
            {
                if self.analytics_busy >= pool {
                    self.counters.bulkhead_rejected += 1;
                    self.part_answers(page, part, false, "analytics pool full: fallback used");
                    continue;
                }
                self.analytics_busy += 1;
            }
            let part_deadline = self.deadline(self.config.part_timeout_ms, app_deadline);
            if let Some(d) = part_deadline {
                self.queue.schedule(d, Event::PartTimeout(page, part));
            }
            let holds_slot = part == Part::Analytics && self.config.analytics_pool.is_some();
            self.submit_query(page, part, part_deadline, holds_slot);
        }
    }

    fn submit_query(&mut self, page: u32, part: Part, deadline: Option<SimTime>, holds: bool) {
        let q = self.queries.len() as u32;
        self.queries.push(Query {
            page,
            part,
            submitted: self.now(),
            deadline: deadline.filter(|_| self.config.deadline_propagation),
            holds_slot: holds,
            cut_short: false,
        });
        self.pages[page as usize].queries[part.index()] = Some(q);
        self.counters.db_queries += 1;
        self.open_span(page, db_span(part), Layer::Db(part));
        if (self.db_running.len() as u32) < self.config.db_connections {
            self.run_query(q);
        } else {
            self.db_waiting.push_back(q);
        }
    }

    /// A connection runs query `q`: it ends when done, at the statement timeout, or at
    /// the propagated deadline, whichever is first.
    fn run_query(&mut self, q: u32) {
        let now = self.now();
        let (page, part, submitted, deadline) = {
            let query = &self.queries[q as usize];
            (query.page, query.part, query.submitted, query.deadline)
        };
        if let Some(span) = self.pages[page as usize].spans[db_span(part)].as_mut() {
            span.queued_ms = now.as_ms() - submitted.as_ms();
        }
        let work = match self.fault_at(now) {
            Some(f) if f.part == part => f.ms,
            _ => part.latency().sample(&mut self.rng),
        };
        let done = now.plus_ms(work);
        let mut end = done;
        if let Some(t) = self.config.db_timeout_ms {
            end = end.min(now.plus_ms(t));
        }
        if let Some(d) = deadline {
            end = end.min(d);
        }
        self.queries[q as usize].cut_short = end < done;
        self.db_running.push(q);
        self.queue.schedule(end, Event::QueryEnd(q));
    }

    fn query_end(&mut self, q: u32) {
        let now = self.now();
        let query = self.queries[q as usize];
        let (page, part) = (query.page, query.part);
        self.db_running.retain(|&r| r != q);
        let wasted = self
            .span(page, db_span(part))
            .map_or(0.0, |s| s.wasted_ms(now));
        let finished = !query.cut_short;
        let outcome = if finished {
            Outcome::Ok
        } else {
            Outcome::Cancelled
        };
        if let Some(d) = self.close_span(page, db_span(part), outcome) {
            if !finished {
                self.counters.db_cancelled += 1;
                self.warn(
                    page,
                    Layer::Db(part),
                    d,
                    "query cancelled: timeout or deadline",
                );
            }
            if wasted > 0.0 {
                self.counters.db_wasted_ms += wasted;
                self.warn(
                    page,
                    Layer::Db(part),
                    d,
                    "query ran on after its caller left",
                );
            }
        }
        if query.holds_slot {
            self.analytics_busy -= 1;
        }
        if self.pages[page as usize].pending[part.index()] {
            let reason = if finished {
                "part answered"
            } else {
                "query failed: fallback used"
            };
            self.part_answers(page, part, finished, reason);
        }
        self.next_query();
    }

    /// Closes a query that never ran (its deadline passed while it waited).
    fn expire_query(&mut self, q: u32) {
        let query = self.queries[q as usize];
        let (page, part) = (query.page, query.part);
        self.counters.db_expired += 1;
        let now = self.now();
        if let Some(span) = self.pages[page as usize].spans[db_span(part)].as_mut() {
            span.queued_ms = span.duration_ms(now);
        }
        if let Some(d) = self.close_span(page, db_span(part), Outcome::Expired) {
            self.warn(
                page,
                Layer::Db(part),
                d,
                "deadline passed while queued: not run",
            );
        }
        if query.holds_slot {
            self.analytics_busy -= 1;
        }
    }

    /// A part stops waiting for its query. With propagation the database learns of it
    /// (the deadline travels with the query), so a query still queued is dropped now.
    fn part_leaves(&mut self, page: u32, part: Part) {
        self.caller_leaves(page, db_span(part));
        if !self.config.deadline_propagation {
            return;
        }
        if let Some(q) = self.pages[page as usize].queries[part.index()]
            && let Some(pos) = self.db_waiting.iter().position(|&w| w == q)
        {
            self.db_waiting.remove(pos);
            self.expire_query(q);
        }
    }

    /// Gives a free connection to the next waiting query, dropping expired ones.
    fn next_query(&mut self) {
        while (self.db_running.len() as u32) < self.config.db_connections {
            let Some(q) = self.db_waiting.pop_front() else {
                return;
            };
            if self.queries[q as usize]
                .deadline
                .is_some_and(|d| d <= self.now())
            {
                self.expire_query(q);
                continue;
            }
            self.run_query(q);
        }
    }

    /// A part has its answer (`ok`) or its fallback.
    fn part_answers(&mut self, page: u32, part: Part, ok: bool, reason: &'static str) {
        let p = &mut self.pages[page as usize];
        p.pending[part.index()] = false;
        let outcome = if ok {
            Outcome::Ok
        } else {
            p.fallbacks += 1;
            Outcome::FellBack(part.fallback())
        };
        if let Some(d) = self.close_span(page, part_span(part), outcome)
            && !ok
        {
            self.counters.fallbacks += 1;
            self.warn(page, Layer::Part(part), d, reason);
        }
        let p = &self.pages[page as usize];
        if p.app == AppState::Running && !p.pending.iter().any(|&w| w) {
            let degraded = p.fallbacks > 0;
            let outcome = if degraded {
                Outcome::Degraded
            } else {
                Outcome::Ok
            };
            let app_span_left = self.span(page, APP).and_then(|s| s.caller_left);
            if let Some(d) = self.close_span(page, APP, outcome)
                && let Some(left) = app_span_left
            {
                let wasted = self.now().as_ms() - left.as_ms();
                self.counters.app_wasted_ms += wasted;
                self.warn(page, Layer::App, d, "page built after the balancer gave up");
            }
            self.finish_app(page, true, "");
        }
    }

    /// The app is done with a page (answered, or gave up for the reason `why`): free the
    /// thread, reply.
    fn finish_app(&mut self, page: u32, ok: bool, why: &'static str) {
        let degraded = self.pages[page as usize].fallbacks > 0;
        self.pages[page as usize].app = AppState::Done;
        self.app_busy -= 1;
        self.balancer_gets(page, ok, degraded, why);
        // The freed thread takes the next queued page.
        while self.app_busy < self.config.app_threads {
            let Some(next) = self.app_waiting.pop_front() else {
                break;
            };
            let expired = self.config.deadline_propagation
                && self.pages[next as usize]
                    .balancer_deadline
                    .is_some_and(|d| d <= self.now());
            if expired {
                self.expire_in_app_queue(next);
                continue;
            }
            self.start_page(next);
        }
    }

    fn drop_from_app_queue(&mut self, page: u32) {
        self.app_waiting.retain(|&p| p != page);
        self.expire_in_app_queue(page);
    }

    fn expire_in_app_queue(&mut self, page: u32) {
        self.pages[page as usize].app = AppState::Done;
        if let Some(d) = self.close_span(page, APP, Outcome::Expired) {
            self.warn(page, Layer::App, d, "deadline passed while queued: not run");
        }
    }

    /// The balancer's reply; `why` says what failed when not `ok`.
    fn balancer_gets(&mut self, page: u32, ok: bool, degraded: bool, why: &'static str) {
        let outcome = match (ok, degraded) {
            (true, false) => Outcome::Ok,
            (true, true) => Outcome::Degraded,
            (false, _) => Outcome::Failed,
        };
        if self.close_span(page, BALANCER, outcome).is_some() {
            self.browser_gets(page, ok, degraded, why);
        }
    }

    fn browser_gets(&mut self, page: u32, ok: bool, degraded: bool, why: &'static str) {
        let outcome = match (ok, degraded) {
            (true, false) => Outcome::Ok,
            (true, true) => Outcome::Degraded,
            (false, _) => Outcome::Failed,
        };
        if let Some(d) = self.close_span(page, BROWSER, outcome) {
            let fate = match outcome {
                Outcome::Ok => Fate::Ok,
                // Every part a stand-in: the page came back, with nothing live on it.
                Outcome::Degraded
                    if self.pages[page as usize].fallbacks as usize == Part::ALL.len() =>
                {
                    Fate::Failed(NO_LIVE_DATA)
                }
                Outcome::Degraded => Fate::Fallback,
                _ if why == APP_503 => Fate::Refused(why),
                _ => Fate::Failed(why),
            };
            self.record_page(page, d, fate);
            match outcome {
                Outcome::Ok => self.counters.pages_ok += 1,
                Outcome::Degraded => self.counters.pages_degraded += 1,
                _ => {
                    self.counters.pages_failed += 1;
                    self.warn(page, Layer::Browser, d, "error page shown");
                }
            }
            if outcome != Outcome::Failed && d > 3_000.0 {
                self.push_log(page, Layer::Browser, d, "page shown, slowly", false);
            }
        }
    }

    /// Logs what the browser got for `page`, after `duration_ms`.
    fn record_page(&mut self, page: u32, duration_ms: f64, fate: Fate) {
        let at_ms = self.pages[page as usize].spans[BROWSER]
            .as_ref()
            .map_or(0.0, |s| s.start.as_ms());
        self.requests.push(at_ms, duration_ms, fate);
    }

    /// Every page's trace so far, for tests and analysis.
    pub fn traces(&self) -> impl Iterator<Item = Trace> + '_ {
        (0..self.pages.len() as u32).filter_map(|p| self.trace(p))
    }

    /// The deadlines a page's layers worked to: (balancer, app).
    pub fn deadlines(&self, page: u32) -> Option<(Option<SimTime>, Option<SimTime>)> {
        self.pages
            .get(page as usize)
            .map(|p| (p.balancer_deadline, p.app_deadline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(preset: Preset, secs: f64) -> CascadeSim {
        let mut sim = CascadeSim::new(preset.config(), 5).unwrap();
        sim.step_until(SimTime::from_secs(secs));
        sim
    }

    #[test]
    fn before_the_fault_every_preset_serves_full_pages() {
        for preset in Preset::ALL {
            let sim = run(preset, 9.0);
            let c = sim.counters();
            assert!(c.pages > 100);
            assert_eq!(c.pages_failed, 0, "{preset:?}");
            assert!(
                c.pages_ok as f64 > 0.95 * c.pages as f64 - 5.0,
                "{preset:?}: {c:?}"
            );
        }
    }

    #[test]
    fn without_timeouts_a_slow_query_is_a_total_outage() {
        let sim = run(Preset::NoTimeouts, 40.0);
        let s = sim.series();
        // Every thread is held by a page waiting on a 20 s query.
        assert!(s.app_busy.mean_between(15.0, 40.0) >= 11.9);
        assert!(s.app_queue.mean_between(15.0, 40.0) > 50.0);
        // Browser success, among pages that ended, collapses.
        assert!(s.tiers[0].success_pct.mean_between(20.0, 40.0) < 10.0);
    }

    #[test]
    fn with_inverted_budgets_the_db_works_on_after_the_app_gave_up() {
        let sim = run(Preset::InvertedBudgets, 30.0);
        let wasted: Vec<Span> = sim
            .traces()
            .flat_map(|t| t.spans)
            .filter(|s| matches!(s.layer, Layer::Db(_)) && s.caller_left.is_some())
            .collect();
        assert!(!wasted.is_empty());
        // The db ran up to its own 10 s limit, 5 s after the app's 5 s timeout.
        let longest = wasted
            .iter()
            .map(|s| s.wasted_ms(sim.now()))
            .fold(0.0, f64::max);
        assert!(longest > 4_000.0, "{longest}");
        assert!(sim.counters().db_wasted_ms > 0.0);
        assert!(sim.series().db_wasted.mean_between(15.0, 30.0) > 1.0);
    }

    #[test]
    fn correct_budgets_degrade_the_page_instead_of_failing_it() {
        // Up to the reload surge at 25 s: the slow query alone.
        let sim = run(Preset::CorrectBudgets, 24.0);
        let c = sim.counters();
        assert!(c.pages_degraded > 100, "{c:?}");
        assert!((c.pages_failed as f64) < 0.02 * c.pages as f64, "{c:?}");
        assert!(
            c.bulkhead_rejected > 0,
            "the analytics pool fills and sheds"
        );
        assert!(sim.series().app_busy.mean_between(15.0, 24.0) < 11.5);
    }

    #[test]
    fn in_the_surge_propagation_drops_dead_pages_and_fails_fewer() {
        for seed in [1, 2, 3] {
            let run = |preset: Preset| {
                let mut sim = CascadeSim::new(preset.config(), seed).unwrap();
                sim.step_until(SimTime::from_secs(60.0));
                sim
            };
            let fixed = run(Preset::CorrectBudgets);
            let propagated = run(Preset::DeadlinePropagation);
            let (f, p) = (fixed.counters(), propagated.counters());
            // Without propagation pages that waited past the balancer's deadline are
            // still built: minutes of thread time for nobody.
            assert!(f.app_wasted_ms > 100_000.0, "{f:?}");
            assert!(fixed.series().app_wasted.mean_between(27.0, 40.0) > 1.0);
            // With it they are dropped, and far fewer pages fail.
            assert_eq!(p.app_wasted_ms, 0.0);
            assert!(
                (p.pages_failed as f64) < 0.7 * f.pages_failed as f64,
                "{} against {}",
                p.pages_failed,
                f.pages_failed
            );
        }
    }

    #[test]
    fn with_propagation_no_layer_works_past_its_deadline() {
        let sim = run(Preset::DeadlinePropagation, 40.0);
        let mut checked = 0;
        for trace in sim.traces() {
            let (lb, app) = sim.deadlines(trace.page).unwrap();
            for span in &trace.spans {
                let Some(end) = span.end else { continue };
                let limit = match span.layer {
                    Layer::App | Layer::Part(_) | Layer::Db(_) => lb,
                    _ => None,
                };
                if let Some(limit) = limit {
                    assert!(end <= limit, "{:?} ended after the deadline", span.layer);
                }
                if let (Layer::Db(_) | Layer::Part(_), Some(app)) = (span.layer, app) {
                    assert!(end <= app);
                    checked += 1;
                }
                assert_eq!(span.wasted_ms(sim.now()), 0.0, "{:?}", span.layer);
            }
        }
        assert!(checked > 1000);
        assert_eq!(sim.counters().db_wasted_ms, 0.0);
    }

    #[test]
    fn the_log_carries_context_and_the_histograms_count_spans() {
        let sim = run(Preset::InvertedBudgets, 30.0);
        let record = sim
            .log()
            .iter()
            .find(|r| r.reason.contains("after its caller left"))
            .expect("a wasted-work record");
        assert!(matches!(record.layer, Layer::Db(Part::Analytics)));
        assert!(record.duration_ms > 5_000.0);
        let db_total: u64 = sim.histograms()[3].iter().sum();
        assert!(db_total > 500);
    }

    #[test]
    fn each_finished_page_is_recorded_once_as_the_browser_saw_it() {
        assert!(run(Preset::InvertedBudgets, 30.0).requests().is_empty());
        let mut config = Preset::InvertedBudgets.config();
        config.record_requests = true;
        let mut sim = CascadeSim::new(config, 5).unwrap();
        sim.step_until(SimTime::from_secs(30.0));
        let c = *sim.counters();
        let count = |f: fn(&Fate) -> bool| sim.requests().iter().filter(|r| f(&r.fate)).count();
        assert_eq!(count(|f| *f == Fate::Ok) as u64, c.pages_ok);
        assert_eq!(
            count(|f| matches!(f, Fate::Fallback | Fate::Failed(NO_LIVE_DATA))) as u64,
            c.pages_degraded
        );
        assert_eq!(
            count(|f| matches!(f, Fate::Failed(l) if *l != NO_LIVE_DATA)
                || matches!(f, Fate::Refused(_))) as u64,
            c.pages_failed
        );
        assert!(
            sim.requests()
                .iter()
                .any(|r| r.fate == Fate::Failed(BALANCER_504) && r.latency_ms == 6_000.0)
        );
    }

    #[test]
    fn same_seed_same_run() {
        let a = run(Preset::CorrectBudgets, 15.0);
        let b = run(Preset::CorrectBudgets, 15.0);
        assert_eq!(a.counters(), b.counters());
    }

    #[test]
    fn bad_settings_are_refused() {
        let mut c = Preset::CorrectBudgets.config();
        c.app_threads = 0;
        assert_eq!(CascadeSim::new(c, 1).err(), Some(CascadeError::Pool("app")));
        let mut c = Preset::CorrectBudgets.config();
        c.db_timeout_ms = Some(-1.0);
        assert!(CascadeSim::new(c, 1).is_err());
        let mut c = Preset::CorrectBudgets.config();
        c.surge = c.surge.map(|s| Surge { factor: 0.0, ..s });
        assert_eq!(CascadeSim::new(c, 1).err(), Some(CascadeError::Surge(0.0)));
    }
}
