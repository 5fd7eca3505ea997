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
    let rows = backoff::sweep(clients, &Algorithm::ALL, runs, seed)
        .context("running the backoff sweep")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_csv(&mut out, &rows).context("writing the CSV to stdout")?;
    Ok(EXIT_OK)
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
