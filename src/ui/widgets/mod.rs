//! Drawing pieces shared by several screens.

pub mod sim_controls;
