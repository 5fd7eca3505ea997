//! The exhaustive checker: every schedule of a race, counted, and any one of them on demand.
//!
//! A schedule is a path through a tree whose nodes are model states and whose branches are
//! the actors able to move. Counting leaves naively visits every path (millions for four
//! buyers); but many paths reach the *same* state, and the number of ways to finish from a
//! state does not depend on how it was reached. So the checker memoises a [`Tally`] per
//! state: counting is then linear in the number of distinct states, and the k-th schedule
//! can be rebuilt by walking down the tree, skipping whole subtrees by their counts.

use std::collections::HashMap;

use super::{Race, RaceConfig, RaceError, State, Strategy, plural};

/// How many complete schedules end each way. A schedule can count in several columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Tally {
    pub total: u64,
    /// Oversold, lost tickets, or stuck (see the definitions in [`super`]).
    pub wrong: u64,
    pub oversold: u64,
    pub lost: u64,
    pub stuck: u64,
    /// Correct, but some buyer left empty-handed while a ticket stayed unsold.
    pub turned_away: u64,
    /// The most orders any schedule creates.
    pub max_orders: u32,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.total += other.total;
        self.wrong += other.wrong;
        self.oversold += other.oversold;
        self.lost += other.lost;
        self.stuck += other.stuck;
        self.turned_away += other.turned_away;
        self.max_orders = self.max_orders.max(other.max_orders);
    }
}

/// Every schedule of one configuration, counted.
#[derive(Debug, Clone)]
pub struct Checker {
    config: RaceConfig,
    root: State,
    memo: HashMap<State, Tally>,
}

impl Checker {
    pub fn run(config: RaceConfig) -> Result<Self, RaceError> {
        let race = Race::new(config)?;
        let mut checker = Self {
            root: race.state.clone(),
            config: race.config,
            memo: HashMap::new(),
        };
        let root = checker.root.clone();
        checker.count(&root);
        Ok(checker)
    }

    pub fn config(&self) -> &RaceConfig {
        &self.config
    }

    /// Distinct model states explored (how much work the memo saved).
    pub fn states(&self) -> usize {
        self.memo.len()
    }

    pub fn tally(&self) -> Tally {
        self.memo.get(&self.root).copied().unwrap_or_default()
    }

    fn count(&mut self, state: &State) -> Tally {
        if let Some(t) = self.memo.get(state) {
            return *t;
        }
        let mut tally = Tally::default();
        let enabled: Vec<usize> = state.enabled(&self.config).collect();
        if enabled.is_empty() {
            let out = state.outcome(&self.config);
            tally = Tally {
                total: 1,
                wrong: u64::from(out.wrong()),
                oversold: u64::from(out.oversold),
                lost: u64::from(out.lost_tickets > 0),
                stuck: u64::from(out.stuck),
                turned_away: u64::from(!out.wrong() && out.turned_away > 0),
                max_orders: out.orders,
            };
        } else {
            for actor in enabled {
                let mut next = state.clone();
                next.apply(&self.config, actor);
                let child = self.count(&next);
                tally.add(&child);
            }
        }
        self.memo.insert(state.clone(), tally);
        tally
    }

    /// The `k`-th schedule (0-based) in lexicographic order of actor indices.
    pub fn schedule(&self, k: u64) -> Option<Vec<usize>> {
        self.unrank(k, |t| t.total)
    }

    /// The `k`-th schedule among the wrong ones only.
    pub fn wrong_schedule(&self, k: u64) -> Option<Vec<usize>> {
        self.unrank(k, |t| t.wrong)
    }

    fn unrank(&self, mut k: u64, weight: impl Fn(&Tally) -> u64) -> Option<Vec<usize>> {
        let mut state = self.root.clone();
        if k >= weight(self.memo.get(&state)?) {
            return None;
        }
        let mut schedule = Vec::new();
        loop {
            let enabled: Vec<usize> = state.enabled(&self.config).collect();
            if enabled.is_empty() {
                return Some(schedule);
            }
            let mut moved = false;
            for actor in enabled {
                let mut next = state.clone();
                next.apply(&self.config, actor);
                let w = weight(self.memo.get(&next)?);
                if k < w {
                    schedule.push(actor);
                    state = next;
                    moved = true;
                    break;
                }
                k -= w;
            }
            if !moved {
                return None;
            }
        }
    }

    /// The headline, e.g. "naive check-then-act: 60 of 66 interleavings sell 2 tickets for 1".
    pub fn summary(&self) -> String {
        let t = self.tally();
        let name = self.config.strategy.label();
        let stock = self.config.stock;
        if t.wrong == 0 {
            let mut text = format!(
                "{name}: 0 of {} interleavings go wrong (never oversells)",
                t.total
            );
            if t.turned_away > 0 {
                text.push_str(&format!(
                    "; {} turn a buyer away while a ticket is left",
                    t.turned_away
                ));
            }
            return text;
        }
        let mut what = Vec::new();
        if t.oversold > 0 {
            what.push(format!(
                "{} oversell (up to {} tickets sold for {stock})",
                t.oversold, t.max_orders
            ));
        }
        if t.lost > 0 {
            what.push(format!("{} lose tickets", t.lost));
        }
        if t.stuck > 0 {
            what.push(format!("{} get stuck", t.stuck));
        }
        format!(
            "{name}: {} of {} interleaving{} go wrong: {}",
            t.wrong,
            t.total,
            plural(t.total),
            what.join(", ")
        )
    }
}

/// The exhaustive report for one buyer count and stock: one checker per strategy.
pub fn report(buyers: usize, stock: u32) -> Result<Vec<Checker>, RaceError> {
    Strategy::ALL
        .iter()
        .map(|&s| Checker::run(RaceConfig::with(s, buyers, stock)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unranking_walks_every_schedule_in_order() {
        let checker = Checker::run(RaceConfig::default()).unwrap();
        let total = checker.tally().total;
        let all: Vec<Vec<usize>> = (0..total).filter_map(|k| checker.schedule(k)).collect();
        assert_eq!(all.len() as u64, total);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
        assert_eq!(checker.schedule(total), None);
    }
}
