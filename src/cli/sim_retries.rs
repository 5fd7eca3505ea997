//! `workbook sim retries`: sweeps Brooker's retry-strategy model (2022) over failure rates
//! and strategies and prints CSV `failure_rate,strategy,success_pct,load_pct`, the means
//! over `--runs` runs.

use std::io::Write;

use anyhow::{Context, Result};

use super::EXIT_OK;
use crate::sim::retry_strategies::{self, MAX_CLIENTS, RetryConfig, Strategy, SweepRow};

/// Most runs per point: a full sweep of 1,000 runs takes minutes, more is a typo.
pub const MAX_RUNS: u32 = 1000;

/// The parsed arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct RetriesArgs {
    /// Comma-separated failure probabilities, each between 0 and 1.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0.01,0.05,0.1,0.2,0.5,0.75"
    )]
    pub failure_rates: Vec<f64>,
    /// Comma-separated strategies: none, retries3, token_bucket, breaker, aws_standard,
    /// grpc_throttling, finagle_budget.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "none,retries3,token_bucket,breaker"
    )]
    pub strategies: Vec<String>,
    /// Clients sharing the post's 1,000 calls/s (its client-count panel: 10, 100, 1000).
    #[arg(long, default_value_t = 100)]
    pub clients: u32,
    /// Runs per point; results are means.
    #[arg(long, default_value_t = 10)]
    pub runs: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Checks the arguments, runs the sweep and writes the CSV to stdout.
pub fn run(args: &RetriesArgs) -> Result<u8> {
    let strategies = parse_strategies(&args.strategies)?;
    if args.failure_rates.is_empty() {
        anyhow::bail!("--failure-rates: give at least one rate, e.g. --failure-rates 0.01,0.1");
    }
    if let Some(bad) = args
        .failure_rates
        .iter()
        .find(|p| !(0.0..=1.0).contains(*p))
    {
        anyhow::bail!("--failure-rates: {bad} is not a probability; every rate must be in [0, 1]");
    }
    if args.clients == 0 || args.clients > MAX_CLIENTS {
        anyhow::bail!(
            "--clients: {} is out of range 1..={MAX_CLIENTS}",
            args.clients
        );
    }
    if args.runs == 0 || args.runs > MAX_RUNS {
        anyhow::bail!("--runs: {} is out of range 1..={MAX_RUNS}", args.runs);
    }
    let clients = args.clients;
    let rows = retry_strategies::sweep(
        &args.failure_rates,
        &strategies,
        args.runs,
        args.seed,
        |p, s| RetryConfig::spread(clients, p, s),
    )
    .context("running the retry-strategy sweep")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_csv(&mut out, &rows).context("writing the CSV to stdout")?;
    Ok(EXIT_OK)
}

fn parse_strategies(ids: &[String]) -> Result<Vec<Strategy>> {
    if ids.is_empty() {
        anyhow::bail!("--strategies: give at least one strategy, e.g. --strategies none,breaker");
    }
    ids.iter()
        .map(|id| {
            Strategy::from_id(id).with_context(|| {
                let known: Vec<&str> = Strategy::ALL.iter().map(|s| s.id()).collect();
                format!(
                    "--strategies: unknown strategy `{id}`; known: {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// The CSV text: a header, then one line per row.
pub fn write_csv(out: &mut impl Write, rows: &[SweepRow]) -> std::io::Result<()> {
    writeln!(out, "failure_rate,strategy,success_pct,load_pct")?;
    for row in rows {
        writeln!(
            out,
            "{},{},{:.2},{:.2}",
            row.failure_rate,
            row.strategy.id(),
            row.success_pct,
            row.load_pct
        )?;
    }
    out.flush()
}
