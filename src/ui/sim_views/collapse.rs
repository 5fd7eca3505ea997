//! Congestive collapse, a metastable failure: one load, run twice on the same seed, with
//! retries at once and with jittered backoff. The model runs whole when its settings or
//! seed change (80 s of virtual time, a few thousand requests) and the page reveals it
//! second by second, so seeking is instant and Play shows exactly what stepping the
//! model would.

use egui::RichText;

use crate::sim::catalog::{self, SimInfo};
use crate::sim::collapse::{self, Backoff, CollapseConfig, Load, Second, State, classify};
use crate::sim::presets;
use crate::ui::sim_page::{Marker, Settings, SimBody};
use crate::ui::theme::{self, Semantic};
use crate::ui::widgets::sim_plot::{
    Band, Threshold, TimeAxis, TimeChart, Trace, qty, state_ribbon, stretches,
};

const INFO: &SimInfo = &catalog::SIMULATIONS[9];

/// The colour of each run, as on the retry-storm page: red retries at once, green backs
/// off.
fn run_semantic(backoff: Backoff) -> Semantic {
    match backoff {
        Backoff::None => Semantic::Failing,
        Backoff::Jitter => Semantic::Healthy,
    }
}

fn run_label(backoff: Backoff) -> &'static str {
    match backoff {
        Backoff::None => "no backoff",
        Backoff::Jitter => "backoff + jitter",
    }
}

fn state_semantic(state: State) -> Semantic {
    match state {
        State::Stable => Semantic::Healthy,
        State::Vulnerable => Semantic::Waiting,
        State::Metastable => Semantic::Failing,
    }
}

/// One run of the pair: its config and every second of it.
#[derive(Debug)]
struct Run {
    config: CollapseConfig,
    seconds: Vec<Second>,
}

#[derive(Debug)]
pub struct CollapseView {
    /// The offered load of the preset (the page has no other setting).
    settings: Settings<Load>,
    /// The pair for `key`: no backoff, then jitter.
    runs: Vec<Run>,
    key: Option<(Load, u64)>,
    error: Option<String>,
    now_ms: f64,
}

impl Default for CollapseView {
    fn default() -> Self {
        let mut view = Self {
            settings: Settings::new(INFO, |name| presets::collapse(name).unwrap_or(Load::Spike)),
            runs: Vec::new(),
            key: None,
            error: None,
            now_ms: 0.0,
        };
        view.rebuild(1);
        view
    }
}

impl SimBody for CollapseView {
    const INFO: &'static SimInfo = INFO;
    const STEP_MS: f64 = 1000.0;
    const DEFAULT_SPEED: f64 = 4.0;

    fn now_ms(&self) -> f64 {
        self.now_ms
    }

    fn end_ms(&self) -> f64 {
        f64::from(CollapseConfig::brooker(self.load(), Backoff::None).duration_s) * 1000.0
    }

    fn advance_to(&mut self, ms: f64) {
        self.now_ms = ms.clamp(self.now_ms, self.end_ms());
    }

    fn rebuild(&mut self, seed: u64) {
        self.now_ms = 0.0;
        let key = (self.load(), seed);
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let runs: Result<Vec<Run>, _> = Backoff::ALL
            .into_iter()
            .map(|backoff| {
                let config = CollapseConfig::brooker(key.0, backoff);
                collapse::run(&config, seed).map(|seconds| Run { config, seconds })
            })
            .collect();
        (self.runs, self.error) = match runs {
            Ok(runs) => (runs, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
    }

    fn markers(&self) -> Vec<Marker> {
        let mut markers = match self.load() {
            Load::Spike => vec![
                Marker {
                    at_ms: collapse::SPIKE_START_S * 1000.0,
                    label: "the spike to 80 requests/s starts".into(),
                    colour: Semantic::Waiting,
                },
                Marker {
                    at_ms: (collapse::SPIKE_START_S + collapse::SPIKE_LEN_S) * 1000.0,
                    label: "the demand is back at 40/s".into(),
                    colour: Semantic::Healthy,
                },
            ],
            Load::Ramp => Vec::new(),
        };
        for run in &self.runs {
            let first = run
                .seconds
                .iter()
                .take_while(|s| self.complete(s))
                .find(|s| classify(s, &run.config) == State::Metastable);
            if let Some(s) = first {
                markers.push(Marker {
                    at_ms: f64::from(s.t) * 1000.0,
                    label: format!("{}: metastable", run_label(run.config.backoff)),
                    colour: Semantic::Failing,
                });
            }
        }
        markers
    }

    fn set_preset(&mut self, index: usize) {
        self.settings.select(index);
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, axis: &TimeAxis) -> bool {
        if let Some(e) = &self.error {
            ui.colored_label(
                Semantic::Failing.in_ui(ui),
                format!("The model refused: {e}"),
            );
            return false;
        }
        self.status_ui(ui);
        ui.add_space(theme::SPACE_S);
        self.plots_ui(ui, axis);
        false
    }
}

impl CollapseView {
    fn load(&self) -> Load {
        self.settings.current
    }

    /// Whether second `s` is over at the moment shown.
    fn complete(&self, s: &Second) -> bool {
        f64::from(s.t + 1) * 1000.0 <= self.now_ms
    }

    fn shown<'a>(&self, run: &'a Run) -> &'a [Second] {
        let n = run.seconds.iter().take_while(|s| self.complete(s)).count();
        &run.seconds[..n]
    }

    /// Each run's state and last second, then its mean goodput before, during and after
    /// the trouble, as far as the run has got.
    fn status_ui(&self, ui: &mut egui::Ui) {
        let capacity = self.runs.first().map_or(0.0, |r| r.config.capacity_per_s());
        ui.label(format!(
            "The server answers in time at most about {} (first tries and retries).",
            qty(format!("{capacity:.0}"), "attempts/s")
        ));
        ui.columns(2, |cols| {
            for (ui, run) in cols.iter_mut().zip(&self.runs) {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    self.run_totals_ui(ui, run);
                });
            }
        });
    }

    fn run_totals_ui(&self, ui: &mut egui::Ui, run: &Run) {
        let backoff = run.config.backoff;
        let title = match backoff {
            Backoff::None => "No backoff: retry at once",
            Backoff::Jitter => "Backoff with jitter (up to 20 s, then 40 s)",
        };
        ui.label(
            RichText::new(title)
                .strong()
                .color(run_semantic(backoff).in_ui(ui)),
        );
        let shown = self.shown(run);
        let Some(last) = shown.last() else {
            ui.weak("Press Play or Step: the first second ends at t = 1 s.");
            return;
        };
        let state = classify(last, &run.config);
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(state.id())
                    .strong()
                    .color(state_semantic(state).in_ui(ui)),
            );
            ui.label(format!(
                "· second {}: {} new, {} retries, {} answered in time · {} in flight",
                last.t, last.offered, last.retries, last.goodput, last.concurrency
            ));
        });
        let end = last.t + 1;
        let means: Vec<String> = self
            .windows()
            .into_iter()
            .filter(|&(_, _, to)| end >= to)
            .map(|(name, from, to)| {
                format!(
                    "{name} {}",
                    qty(
                        format!("{:.1}", collapse::mean_goodput(shown, from, to)),
                        "/s"
                    )
                )
            })
            .collect();
        if !means.is_empty() {
            ui.weak(format!("goodput {}", means.join(" · ")));
        }
    }

    /// The stretches whose mean goodput the totals give once the run has passed them.
    fn windows(&self) -> [(&'static str, u32, u32); 3] {
        match self.load() {
            Load::Spike => [
                ("before (10–20 s)", 10, 20),
                ("spike (20–25 s)", 20, 25),
                ("after (40–80 s)", 40, 80),
            ],
            Load::Ramp => [
                ("before (5–15 s)", 5, 15),
                ("peak (15–35 s)", 15, 35),
                ("after (50–75 s)", 50, 75),
            ],
        }
    }

    fn plots_ui(&self, ui: &mut egui::Ui, axis: &TimeAxis) {
        let Some(first) = self.runs.first() else {
            return;
        };
        let rows: Vec<(&str, Vec<_>)> = self
            .runs
            .iter()
            .map(|run| {
                let name = match run.config.backoff {
                    Backoff::None => "none",
                    Backoff::Jitter => "jitter",
                };
                let states = self.shown(run).iter().map(|s| {
                    let state = classify(s, &run.config);
                    (state.id(), state_semantic(state))
                });
                (name, stretches(states))
            })
            .collect();
        state_ribbon(
            ui,
            "collapse-states",
            "State of each run (none: retry at once; jitter: back off)",
            &[
                (
                    "stable: keeps up even if every request retries",
                    Semantic::Healthy,
                ),
                (
                    "vulnerable: healthy, but retries could tip it",
                    Semantic::Waiting,
                ),
                (
                    "metastable: failing with the demand back in reach",
                    Semantic::Failing,
                ),
            ],
            &rows,
            axis,
        );
        let series = |run: &Run, value: fn(&Second) -> u32| -> Vec<[f64; 2]> {
            self.shown(run)
                .iter()
                .map(|s| [f64::from(s.t) + 0.5, f64::from(value(s))])
                .collect()
        };
        let data: Vec<_> = self
            .runs
            .iter()
            .map(|run| {
                (
                    run.config.backoff,
                    series(run, |s| s.goodput),
                    series(run, |s| s.retries),
                    series(run, |s| s.concurrency),
                )
            })
            .collect();
        let trouble = self.trouble_band(&first.config);
        let capacity = first.config.capacity_per_s();
        // The demand is the load's rate, the same for both runs; each run's sampled
        // count of new requests is in its totals above.
        let shown_s = (self.now_ms / 1000.0).floor();
        let demand: Vec<[f64; 2]> = (0..first.config.duration_s)
            .map(|t| f64::from(t) + 0.5)
            .take_while(|&t| t < shown_s)
            .map(|t| [t, self.load().rate(t)])
            .collect();
        let mut chart = TimeChart::new(
            "collapse-goodput",
            "Goodput (answers in time) against the demand",
            "per second",
        )
        .band(trouble.clone())
        .trace(Trace::new("demand: new requests/s", &demand, Semantic::Neutral).dashed());
        for (backoff, goodput, _, _) in &data {
            chart = chart.trace(Trace::new(
                goodput_name(*backoff),
                goodput,
                run_semantic(*backoff),
            ));
        }
        chart
            .threshold(Threshold {
                name: "capacity".into(),
                value: capacity,
                colour: Semantic::Neutral,
                label: format!("capacity ≈ {}", qty(format!("{capacity:.0}"), "attempts/s")),
            })
            .show(ui, axis);
        let mut chart = TimeChart::new(
            "collapse-retries",
            "Retries decided per second (timeouts with attempts left)",
            "retries/s",
        )
        .band(trouble.clone());
        for (backoff, _, retries, _) in &data {
            chart = chart.trace(Trace::new(
                run_label(*backoff),
                retries,
                run_semantic(*backoff),
            ));
        }
        chart.show(ui, axis);
        // A request is answered within the timeout only while the server holds fewer
        // than this many: the same rule the states are judged by.
        let c = &first.config;
        let limit = (c.timeout_s - 2.0 * c.net_delay_s - c.base_s) / c.slope_s - 1.0;
        let mut chart = TimeChart::new(
            "collapse-concurrency",
            "Requests in flight at the server",
            "in flight",
        )
        .band(trouble);
        for (backoff, _, _, concurrency) in &data {
            chart = chart.trace(Trace::new(
                run_label(*backoff),
                concurrency,
                run_semantic(*backoff),
            ));
        }
        chart
            .threshold(Threshold {
                name: "answers time out above".into(),
                value: limit,
                colour: Semantic::Neutral,
                label: format!("answers time out above {limit:.0}"),
            })
            .show(ui, axis);
    }

    /// The trigger, shaded on every plot: the spike, or the stretch of the ramp where the
    /// demand alone is above the capacity.
    fn trouble_band(&self, config: &CollapseConfig) -> Band {
        match self.load() {
            Load::Spike => Band {
                from: collapse::SPIKE_START_S,
                to: collapse::SPIKE_START_S + collapse::SPIKE_LEN_S,
                label: "spike: 80 requests/s".into(),
                colour: Semantic::Waiting,
            },
            Load::Ramp => {
                let capacity = config.capacity_per_s();
                let over: Vec<f64> = (0..config.duration_s)
                    .map(f64::from)
                    .filter(|&t| Load::Ramp.rate(t + 0.5) > capacity)
                    .collect();
                Band {
                    from: over.first().copied().unwrap_or(0.0),
                    to: over.last().map_or(0.0, |t| t + 1.0),
                    label: "demand above capacity".into(),
                    colour: Semantic::Waiting,
                }
            }
        }
    }
}

fn goodput_name(backoff: Backoff) -> &'static str {
    match backoff {
        Backoff::None => "goodput, no backoff",
        Backoff::Jitter => "goodput, backoff + jitter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::sim_collapse::write_csv;
    use crate::ui::sim_page::play_in_frames;

    /// The page shows the seconds `workbook sim collapse --load L --backoff B --seed S`
    /// prints, for both presets and both runs.
    #[test]
    fn the_page_and_the_cli_give_the_same_numbers() {
        for (preset, load) in [(0, Load::Spike), (1, Load::Ramp)] {
            let mut view = CollapseView::default();
            view.set_preset(preset);
            play_in_frames(&mut view, 4, 80_000.0);
            for run in &view.runs {
                let cli =
                    collapse::run(&CollapseConfig::brooker(load, run.config.backoff), 4).unwrap();
                let (mut page_csv, mut cli_csv) = (Vec::new(), Vec::new());
                write_csv(&mut page_csv, view.shown(run), None).unwrap();
                write_csv(&mut cli_csv, &cli, None).unwrap();
                assert_eq!(page_csv, cli_csv, "{load:?} {:?}", run.config.backoff);
            }
        }
    }

    #[test]
    fn a_second_shows_once_it_is_over() {
        let mut view = CollapseView::default();
        view.advance_to(2_500.0);
        assert_eq!(view.shown(&view.runs[0]).len(), 2);
        view.seek(1, 500.0);
        assert!(view.shown(&view.runs[0]).is_empty());
    }
}
