//! `workbook sim`: run simulations headless and print CSV.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Replay a scripted circuit-breaker scenario (RON) call by call.
    Breaker {
        #[arg(long, value_name = "FILE")]
        scenario: PathBuf,
        /// Print a CSV line per call and per state change.
        #[arg(long)]
        trace: bool,
    },
    /// Sweep the backoff contention model over client counts and algorithms.
    Backoff {
        /// Comma-separated client counts, e.g. 10,20,30.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190"
        )]
        clients: Vec<u32>,
        /// Runs per point; results are means.
        #[arg(long, default_value_t = 100)]
        runs: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Brooker's retry strategies against a failing service: success and load per
    /// failure rate and strategy, as CSV.
    Retries(super::sim_retries::RetriesArgs),
    /// Congestive collapse (a metastable failure): offered load, goodput, retries and
    /// concurrency per second, as CSV.
    Collapse(super::sim_collapse::CollapseArgs),
}

pub fn run(cmd: SimCommand) -> Result<u8> {
    match cmd {
        SimCommand::Breaker { scenario, trace } => super::sim_breaker::run(&scenario, trace),
        SimCommand::Backoff {
            clients,
            runs,
            seed,
        } => super::sim_backoff::run(&clients, runs, seed),
        SimCommand::Retries(args) => super::sim_retries::run(&args),
        SimCommand::Collapse(args) => super::sim_collapse::run(&args),
    }
}
