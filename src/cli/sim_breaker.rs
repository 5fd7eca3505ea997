//! `workbook sim breaker --scenario FILE [--trace]`: replay a scripted breaker scenario.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::sim::breaker::{ScenarioError, ScriptedScenario, TraceLine, run_scenario};

/// Prints the trace as CSV (`--trace`), or a one-paragraph summary. Exit code 0.
pub fn run(scenario: &Path, trace: bool) -> Result<u8> {
    let text = std::fs::read_to_string(scenario)
        .with_context(|| format!("cannot read scenario {}", scenario.display()))?;
    let parsed = ScriptedScenario::parse(&text).map_err(|e| {
        // A syntax error already starts with `line:column`.
        let sep = if matches!(e, ScenarioError::Syntax { .. }) {
            ":"
        } else {
            ": "
        };
        anyhow::anyhow!(
            "{}{sep}{e}\nSee the README section \"Breaker scenario files\" for the format.",
            scenario.display()
        )
    })?;
    let lines =
        run_scenario(&parsed).map_err(|e| anyhow::anyhow!("{}: {e}", scenario.display()))?;
    let mut out = std::io::stdout().lock();
    if trace {
        writeln!(out, "{}", TraceLine::CSV_HEADER)?;
        for line in &lines {
            writeln!(out, "{line}")?;
        }
    } else {
        let (mut calls, mut permitted, mut transitions) = (0, 0, 0);
        let mut last_state = None;
        for line in &lines {
            match line {
                TraceLine::Call {
                    permitted: p,
                    state_after,
                    ..
                } => {
                    calls += 1;
                    permitted += u32::from(*p);
                    last_state = Some(*state_after);
                }
                TraceLine::Transition(_) => transitions += 1,
            }
        }
        let state = last_state.map_or("CLOSED", |s| s.name());
        writeln!(
            out,
            "{calls} calls: {permitted} permitted, {} rejected; {transitions} state changes; final state {state}. Add --trace for the call-by-call CSV.",
            calls - permitted
        )?;
    }
    Ok(0)
}
