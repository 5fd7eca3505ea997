//! `workbook sim backoff`: sweeps Brooker's contention model and prints CSV
//! `clients,algorithm,mean_calls,mean_time_ms`, one line per client count and algorithm.

use std::io::Write;

use anyhow::{Context, Result};

use super::EXIT_OK;
use crate::sim::backoff::{self, Algorithm, SweepRow};

/// Runs the sweep and writes the CSV to stdout.
pub fn run(clients: &[u32], runs: u32, seed: u64) -> Result<u8> {
    if clients.is_empty() {
        anyhow::bail!("--clients: give at least one client count, e.g. --clients 10,20,30");
    }
    if let Some(bad) = clients.iter().find(|&&c| c == 0) {
        anyhow::bail!("--clients: {bad} is not a client count; every count must be at least 1");
    }
    if runs == 0 {
        anyhow::bail!("--runs: need at least one run per point to take a mean");
    }
    check_budget(clients, runs)?;
    let rows = backoff::sweep(clients, &Algorithm::ALL, runs, seed)
        .context("running the backoff sweep")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_csv(&mut out, &rows).context("writing the CSV to stdout")?;
    Ok(EXIT_OK)
}

/// The most clients one point may have.
pub const MAX_CLIENTS: u32 = 10_000;
/// The most runs per point.
pub const MAX_RUNS: u32 = 100_000;
/// The work a sweep may take: a run costs about clients² steps (every client's attempts
/// contend with every other's), so the sum of clients² over points, times runs, is
/// bounded: the default sweep is 24.7 M, this is about a minute of a debug build.
pub const MAX_WORK: u64 = 250_000_000;

/// Refuses a sweep that would run for minutes with no output.
fn check_budget(clients: &[u32], runs: u32) -> Result<()> {
    if let Some(big) = clients.iter().find(|&&c| c > MAX_CLIENTS) {
        anyhow::bail!("--clients: {big} is more than the limit of {MAX_CLIENTS} clients per point");
    }
    if runs > MAX_RUNS {
        anyhow::bail!("--runs: {runs} is more than the limit of {MAX_RUNS}");
    }
    let work = clients
        .iter()
        .map(|&c| u64::from(c) * u64::from(c))
        .fold(0u64, u64::saturating_add)
        .saturating_mul(u64::from(runs))
        .saturating_mul(backoff::Algorithm::ALL.len() as u64);
    if work > MAX_WORK * backoff::Algorithm::ALL.len() as u64 {
        anyhow::bail!(
            "--clients/--runs: this sweep is too large to finish in reasonable time \
             (sum of clients squared times runs is {}, the limit is {MAX_WORK}); use fewer or \
             smaller client counts, or fewer runs",
            work / backoff::Algorithm::ALL.len() as u64
        );
    }
    Ok(())
}

/// The CSV text: a header, then one line per row; means with two decimals.
pub fn write_csv(out: &mut impl Write, rows: &[SweepRow]) -> std::io::Result<()> {
    writeln!(out, "clients,algorithm,mean_calls,mean_time_ms")?;
    for row in rows {
        writeln!(
            out,
            "{},{},{:.2},{:.2}",
            row.clients,
            row.algorithm.id(),
            row.mean_calls,
            row.mean_time_ms
        )?;
    }
    out.flush()
}
