//! The mitigations a learner chose, in the form they are saved in progress and in which
//! each drill's model answer ships (`<id>.solution.ron`), so `workbook drill run --apply`
//! takes either.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::spec::Drill;

/// The chosen mitigations; empty: the system as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choices {
    pub apply: Vec<Applied>,
}

/// One mitigation with the parameters set; a parameter left out takes the offer's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applied {
    pub id: String,
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
}

/// A mitigation checked against its offer, every parameter present and in range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolved {
    pub id: String,
    pub params: BTreeMap<String, f64>,
}

impl Resolved {
    /// A parameter's value. Resolving guarantees every parameter the offer declares, and
    /// loading guarantees the offer declares every one the model reads.
    pub fn get(&self, name: &str) -> f64 {
        self.params.get(name).copied().unwrap_or(f64::NAN)
    }
}

impl Choices {
    pub fn parse(text: &str) -> Result<Self, ron::error::SpannedError> {
        ron::from_str(text)
    }

    /// Checks every choice against the drill's offers: a known mitigation, chosen once,
    /// known parameters within their ranges; fills in the defaults.
    pub fn resolve(&self, drill: &Drill) -> Result<Vec<Resolved>, String> {
        let mut resolved: Vec<Resolved> = Vec::new();
        for applied in &self.apply {
            let Some(offer) = drill.offer(&applied.id) else {
                let ids: Vec<&str> = drill
                    .spec
                    .mitigations
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect();
                return Err(format!(
                    "drill `{}` offers no mitigation `{}`; it offers: {}",
                    drill.id(),
                    applied.id,
                    ids.join(", ")
                ));
            };
            if resolved.iter().any(|r| r.id == applied.id) {
                return Err(format!("mitigation `{}` is chosen twice", applied.id));
            }
            for name in applied.params.keys() {
                if !offer.params.iter().any(|p| &p.name == name) {
                    let names: Vec<&str> = offer.params.iter().map(|p| p.name.as_str()).collect();
                    return Err(format!(
                        "mitigation `{}` has no parameter `{name}`; its parameters: {}",
                        applied.id,
                        names.join(", ")
                    ));
                }
            }
            let mut params = BTreeMap::new();
            for p in &offer.params {
                let value = applied.params.get(&p.name).copied().unwrap_or(p.default);
                if !(value.is_finite() && (p.min..=p.max).contains(&value)) {
                    return Err(format!(
                        "`{}.{}` = {value} is outside {} to {}",
                        applied.id, p.name, p.min, p.max
                    ));
                }
                params.insert(p.name.clone(), value);
            }
            resolved.push(Resolved {
                id: applied.id.clone(),
                params,
            });
        }
        Ok(resolved)
    }
}
