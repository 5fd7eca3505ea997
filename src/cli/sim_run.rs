//! `workbook sim list` and `workbook sim <id> [--preset NAME] [--seed S] [--until SECONDS]
//! [--csv]`: any model run headless from a preset (see `sim::headless`).

use std::io::Write;

use anyhow::{Context, Result};

use super::EXIT_OK;
use super::sim::RunArgs;
use crate::sim::{catalog, headless, presets};

/// Simulations with a command of their own, which take options instead of `--preset`.
const OWN_COMMAND: [(&str, &str); 2] = [
    (
        "retries",
        "[--failure-rates P,...] [--strategies S,...] [--clients N] [--runs R]",
    ),
    (
        "collapse",
        "[--backoff none|jitter] [--load spike|ramp] [--state]",
    ),
];

/// The options of a simulation's own command that give the run of one of its page's
/// presets.
fn preset_as_options(sim: &str, preset: &str) -> Option<String> {
    match sim {
        "retries" => presets::retries(preset).map(|strategies| {
            let ids: Vec<&str> = strategies.iter().map(|s| s.id()).collect();
            format!("--strategies {}", ids.join(","))
        }),
        "collapse" => presets::collapse(preset).map(|load| format!("--load {}", load.id())),
        _ => None,
    }
}

/// One line per simulation: id, title, then its presets (or its options, and the
/// options each preset stands for).
pub fn list() -> Result<u8> {
    let mut out = std::io::stdout().lock();
    for sim in &catalog::SIMULATIONS {
        writeln!(out, "{:<16} {}", sim.id, sim.title)?;
        let own = OWN_COMMAND.iter().find(|(id, _)| *id == sim.id);
        if let Some((_, options)) = own {
            writeln!(out, "{:<16}   {options}", "")?;
        }
        for p in sim.presets {
            match own.and_then(|_| preset_as_options(sim.id, p.name)) {
                Some(options) => writeln!(out, "{:<16}   {:<31} {}", "", options, p.label)?,
                None => writeln!(out, "{:<16}   --preset {:<22} {}", "", p.name, p.label)?,
            }
        }
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
