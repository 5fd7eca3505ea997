//! The integration tests, in one binary: each of them links the whole app and egui, so one
//! binary instead of one per file saves minutes of linking and gigabytes of disk.
//! `cargo test --test suite <module>::` runs one file's tests.

mod common;
mod hour;

mod card_scenarios;
mod cards_export;
mod content_validation;
mod drill_flow;
mod drills;
mod exercise_screen;
mod fuzz_parsers;
mod home_progress;
mod lesson_code_blocks;
mod postmortem_page;
mod runner_checks;
mod runner_cli;
mod runner_integrity;
mod runner_screen;
mod show_me;
mod sim_backoff_sweep;
mod sim_backoff_view;
mod sim_breaker;
mod sim_breaker_bulkhead;
mod sim_breaker_views;
mod sim_checkout;
mod sim_checkout_view;
mod sim_idempotency;
mod sim_idempotency_view;
mod sim_page;
mod sim_race;
mod sim_race_view;
mod sim_retries_collapse_cli;
mod sim_retries_collapse_view;
mod snapshots;
mod srs_replay;
mod srs_review_session;
mod store_writers;
mod ui_navigation;
