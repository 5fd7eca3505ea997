//! Drawing pieces shared by several screens.

pub mod breaker_diagram;
pub mod calendar;
pub mod card_grid;
pub mod choice;
pub mod counter_grid;
pub mod mastery_map;
pub mod setting_rows;
pub mod sim_controls;
pub mod sim_plot;
pub mod slot_grid;
