//! `workbook sim collapse`: runs the congestive-collapse model and prints CSV
//! `t,offered,goodput,retries,concurrency` (with `--state`, a last column `state`), one
//! line per second.

use std::io::Write;

use anyhow::{Context, Result};

use super::EXIT_OK;
use crate::sim::collapse::{self, Backoff, CollapseConfig, Load, Second, classify};

/// The parsed arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct CollapseArgs {
    /// Wait before a retry: none, or jitter (uniform up to 20 s, then up to 40 s).
    #[arg(long, default_value = "none")]
    pub backoff: String,
    /// Offered load: spike (40/s, 80/s for 5 s at t = 20 s) or ramp (up to 80/s and back).
    #[arg(long, default_value = "spike")]
    pub load: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Add a column naming each second stable, vulnerable or metastable (the rule is in
    /// the README).
    #[arg(long)]
    pub state: bool,
}

/// Checks the arguments, runs the model and writes the CSV to stdout.
pub fn run(args: &CollapseArgs) -> Result<u8> {
    let backoff = Backoff::from_id(&args.backoff)
        .with_context(|| format!("--backoff: unknown `{}`; known: none, jitter", args.backoff))?;
    let load = Load::from_id(&args.load)
        .with_context(|| format!("--load: unknown `{}`; known: spike, ramp", args.load))?;
    let config = CollapseConfig::brooker(load, backoff);
    let seconds = collapse::run(&config, args.seed).context("running the collapse model")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_csv(&mut out, &seconds, args.state.then_some(&config))
        .context("writing the CSV to stdout")?;
    Ok(EXIT_OK)
}

/// The CSV text: a header, then one line per second; with `states`, each second's state
/// under that config as a last column.
pub fn write_csv(
    out: &mut impl Write,
    seconds: &[Second],
    states: Option<&CollapseConfig>,
) -> std::io::Result<()> {
    let state_header = if states.is_some() { ",state" } else { "" };
    writeln!(out, "t,offered,goodput,retries,concurrency{state_header}")?;
    for s in seconds {
        write!(
            out,
            "{},{},{},{},{}",
            s.t, s.offered, s.goodput, s.retries, s.concurrency
        )?;
        match states {
            Some(config) => writeln!(out, ",{}", classify(s, config).id())?,
            None => writeln!(out)?,
        }
    }
    out.flush()
}
