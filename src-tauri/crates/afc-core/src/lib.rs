//! Everything Agent Factory Console knows, with no Tauri dependency.
//!
//! Each module is one feature and exposes plain functions and types; the desktop shell
//! (`src-tauri`) and the CLI (`afctl`) are thin adapters over it. See `docs/architecture.md`.

pub mod agents;
pub mod api;
pub mod app_info;
mod atomic;
pub mod audit;
pub mod charts;
mod console;
pub mod db;
pub mod dbadmin;
pub mod demo;
pub mod diagnostics;
pub mod environments;
pub mod error;
pub mod guard;
pub mod health;
pub mod jobs;
pub mod jsonl;
pub mod keyring;
pub mod logging;
pub mod metrics;
pub mod migrate;
pub mod net;
pub mod paths;
pub mod probe;
pub mod progress;
pub mod sandbox;
pub mod schema;
pub mod secrets;
pub mod settings;
pub mod smoke;
pub mod window_geometry;

pub use console::Console;
pub use error::{AppError, ErrorCode, Result};
