//! IPC commands, one module per feature. Each `#[tauri::command]` here is the one declaration
//! of that command: build.rs registers and grants it, and `npm run bindings` writes its
//! TypeScript function (the command-surface crate). Every type crossing IPC lives in afc-core
//! and derives `ts_rs::TS`, so the UI's types are generated (ui/src/backend/bindings/).

pub mod agents;
pub mod app_info;
pub mod database;
pub mod demo;
pub mod environments;
pub mod guard;
pub mod health;
pub mod jobs;
pub mod migrations;
pub mod preferences;
pub mod sandbox;
pub mod secrets;
pub mod smoke;
