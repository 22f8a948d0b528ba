//! IPC commands, one module per feature. Every type crossing IPC lives in afc-core and derives
//! `ts_rs::TS`, so the UI's types are generated (ui/src/backend/bindings/).

pub mod app_info;
pub mod environments;
pub mod health;
pub mod migrations;
pub mod preferences;
pub mod secrets;
