//! `workbook drill list` and `workbook drill run <id> [--apply FILE] [--seed S] [--json]`:
//! the incident drills headless. `run` plays the incident with the mitigations in FILE
//! (the format of `<id>.solution.ron` and of the choices the app saves; none without it)
//! and prints the SLO verdict, its figures and the timeline. Exit 0 when the run
//! completed, whatever the SLO; 2 on bad input.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use super::{EXIT_OK, GlobalArgs};
use crate::content::{self, drill::Check};
use crate::drill::{self, Choices, EventKind, Outcome};
use crate::sim::headless::MAX_SEED;

#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// Every drill: id, section, title and SLO.
    List,
    /// Play a drill's incident and print whether the SLO held.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The drill's id (`workbook drill list`).
    pub id: String,
    /// Mitigations to put in place, as RON: `(apply: [(id: "breaker", params: {...})])`.
    #[arg(long, value_name = "FILE")]
    pub apply: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object: drill, seed, slo_met, the SLO figures, the timeline.
    #[arg(long)]
    pub json: bool,
}

pub fn run(global: &GlobalArgs, command: DrillCommand) -> Result<u8> {
    let source = global.content_source()?;
    let library = content::load_library(&source);
    let drills = content::drill::load_drills(&source, &library, Check::Form);
    for p in &drills.problems {
        eprintln!("{p}");
    }
    match command {
        DrillCommand::List => {
            for d in &drills.drills {
                println!(
                    "{:<24} {:<22} {} (SLO: {})",
                    d.id(),
                    d.spec.section,
                    d.spec.title,
                    d.spec.slo.text
                );
            }
        }
        DrillCommand::Run(args) => {
            let Some(d) = drills.get(&args.id) else {
                let ids: Vec<&str> = drills.drills.iter().map(|d| d.id()).collect();
                bail!("no drill `{}`; the drills: {}", args.id, ids.join(", "));
            };
            if args.seed > MAX_SEED {
                bail!("--seed must be at most {MAX_SEED}");
            }
            let choices = match &args.apply {
                None => Choices::default(),
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    Choices::parse(&text).map_err(|e| {
                        anyhow::anyhow!(
                            "{}:{}:{}: {}",
                            path.display(),
                            e.span.start.line,
                            e.span.start.col,
                            e.code
                        )
                    })?
                }
            };
            let outcome = drill::play(d, &choices, args.seed).map_err(anyhow::Error::msg)?;
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json(&outcome)).context("cannot write JSON")?
                );
            } else {
                print!("{}", text(d, &outcome));
            }
        }
    }
    Ok(EXIT_OK)
}

/// The JSON the README documents: the outcome with `slo_met` at the top level.
fn json(o: &Outcome) -> serde_json::Value {
    serde_json::json!({
        "drill": o.drill,
        "seed": o.seed,
        "slo_met": o.verdict.met,
        "reason": o.verdict.reason,
        "slo": o.verdict.figures,
        "alert_s": o.alert_s,
        "applied": o.applied,
        "timeline": o.run.events.iter().filter(|e| e.kind != EventKind::Log).collect::<Vec<_>>(),
    })
}

fn text(d: &drill::Drill, o: &Outcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} (seed {})", d.spec.title, o.seed);
    let _ = writeln!(out, "SLO: {}", d.spec.slo.text);
    let _ = writeln!(out, "{}", o.verdict.reason);
    let f = &o.verdict.figures;
    let _ = writeln!(
        out,
        "requests {}, good {} ({:.2} %), fallbacks {}, too slow {}",
        f.total, f.good, f.good_pct, f.fallbacks, f.slow
    );
    for (label, n) in &f.bad {
        let _ = writeln!(out, "  bad: {n} {label}");
    }
    match o.alert_s {
        Some(t) => {
            let _ = writeln!(out, "alert at t = {t:.1} s: {}", d.spec.alert.text);
        }
        None => {
            let _ = writeln!(out, "no alert");
        }
    }
    let _ = writeln!(out, "timeline:");
    for e in o.run.events.iter().filter(|e| e.kind != EventKind::Log) {
        let _ = writeln!(out, "  t = {:>7.1} s  {:<18} {}", e.t_s, e.source, e.text);
    }
    out
}
