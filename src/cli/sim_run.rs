//! `workbook sim list` and `workbook sim <id> [--preset NAME] [--seed S] [--until SECONDS]
//! [--csv]`: any model run headless from a preset (see `sim::headless`).

use std::io::Write;

use anyhow::{Context, Result};

use super::EXIT_OK;
use super::sim::RunArgs;
use crate::sim::{catalog, headless};

/// Models with a command of their own and no page yet: id, title, their options.
const HEADLESS_ONLY: [(&str, &str, &str); 2] = [
    (
        "retries",
        "Retry strategies against a failing service (Brooker 2022)",
        "--failure-rates P,... --strategies S,... [--clients N] [--runs R]",
    ),
    (
        "collapse",
        "Congestive collapse, a metastable failure",
        "[--backoff none|jitter] [--load spike|ramp] [--state]",
    ),
];

/// One line per simulation: id, title, then its presets (or its options).
pub fn list() -> Result<u8> {
    let mut out = std::io::stdout().lock();
    for sim in &catalog::SIMULATIONS {
        writeln!(out, "{:<16} {}", sim.id, sim.title)?;
        for p in sim.presets {
            writeln!(out, "{:<16}   --preset {:<22} {}", "", p.name, p.label)?;
        }
    }
    for (id, title, options) in HEADLESS_ONLY {
        writeln!(out, "{id:<16} {title} (headless only)")?;
        writeln!(out, "{:<16}   {options}", "")?;
    }
    Ok(EXIT_OK)
}

/// Runs the preset and prints its counters, or with `--csv` every series and counter.
pub fn preset_run(id: &str, args: &RunArgs) -> Result<u8> {
    let report = headless::run(id, args.preset.as_deref(), args.seed, args.until)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.csv {
        report
            .write_csv(&mut out)
            .context("writing the CSV to stdout")?;
    } else {
        for (name, value) in &report.counters {
            writeln!(out, "{name} = {value}")?;
        }
        writeln!(
            out,
            "({} series recorded; add --csv for every point)",
            report.series.len()
        )?;
        out.flush()?;
    }
    Ok(EXIT_OK)
}
