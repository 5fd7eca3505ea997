//! The post-mortem workbook: incidents the learner writes up (summary, timeline, five
//! whys, root cause, process gap, action items), kept with progress.

use serde::{Deserialize, Serialize};

/// All post-mortems the learner has written. Filled in by the post-mortem workbook page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PostMortems {}
