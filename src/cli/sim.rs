//! `workbook sim`: run simulations headless and print CSV.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

/// How a preset run is chosen and printed; the same for every simulation.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A preset by name (`workbook sim list` names them); the first when left out.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Same seed and preset: the same run, and the same numbers as on the screen.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Virtual seconds to run (moves for `race`); the run's natural end when left out.
    #[arg(long, value_name = "SECONDS")]
    pub until: Option<f64>,
    /// Print every recorded series and counter as CSV instead of the counters.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// List every simulation: its id, title and presets.
    List,
    /// The circuit breaker: a preset run with and without it, or a scripted scenario.
    Breaker {
        /// Replay a scripted scenario (RON) call by call instead of a preset.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["preset", "until", "csv"])]
        scenario: Option<PathBuf>,
        /// With --scenario: print a CSV line per call and per state change.
        #[arg(long, requires = "scenario")]
        trace: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Backoff: sweep the contention model over client counts and algorithms, or run
    /// one preset's live run with --preset.
    Backoff {
        /// Comma-separated client counts, e.g. 10,20,30.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190",
            conflicts_with = "preset"
        )]
        clients: Vec<u32>,
        /// Runs per point; results are means.
        #[arg(long, default_value_t = 100, conflicts_with = "preset")]
        runs: u32,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Bulkheads: one shared pool against partitioned pools.
    Bulkhead(RunArgs),
    /// The last ticket: buyers racing for one row, and every interleaving checked.
    Race(RunArgs),
    /// Idempotency keys: payments over a lossy network.
    Idempotency(RunArgs),
    /// Checkout during a payment-gateway outage (times in the CSV in minutes).
    CheckoutOutage(RunArgs),
    /// Retry storms: plain retries against a retry budget.
    RetryStorm(RunArgs),
    /// Cascading timeouts through browser, balancer, app and database.
    Cascade(RunArgs),
    /// Brooker's retry strategies against a failing service: success and load per
    /// failure rate and strategy, as CSV.
    Retries(super::sim_retries::RetriesArgs),
    /// Congestive collapse (a metastable failure): offered load, goodput, retries and
    /// concurrency per second, as CSV.
    Collapse(super::sim_collapse::CollapseArgs),
}

pub fn run(cmd: SimCommand) -> Result<u8> {
    use super::sim_run::{list, preset_run};
    match cmd {
        SimCommand::List => list(),
        SimCommand::Breaker {
            scenario: Some(scenario),
            trace,
            ..
        } => super::sim_breaker::run(&scenario, trace),
        SimCommand::Breaker { run, .. } => preset_run("breaker", &run),
        SimCommand::Backoff { run, .. } if run.preset.is_some() => preset_run("backoff", &run),
        SimCommand::Backoff { clients, runs, run } => {
            super::sim_backoff::run(&clients, runs, run.seed)
        }
        SimCommand::Bulkhead(run) => preset_run("bulkhead", &run),
        SimCommand::Race(run) => preset_run("race", &run),
        SimCommand::Idempotency(run) => preset_run("idempotency", &run),
        SimCommand::CheckoutOutage(run) => preset_run("checkout-outage", &run),
        SimCommand::RetryStorm(run) => preset_run("retry-storm", &run),
        SimCommand::Cascade(run) => preset_run("cascade", &run),
        SimCommand::Retries(args) => super::sim_retries::run(&args),
        SimCommand::Collapse(args) => super::sim_collapse::run(&args),
    }
}
