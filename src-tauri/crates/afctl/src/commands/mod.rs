pub mod env;
pub mod health;
pub mod info;
pub mod metrics;
pub mod migrate;
pub mod secrets;

use afc_core::paths::AppPaths;
use afc_core::settings::SettingsStore;
use afc_core::{AppError, Console, ErrorCode};

use crate::cli::{Cli, EnvArg};

/// The console as afctl sees it: the shared settings (a malformed file is an error, never moved
/// aside), the keyring namespace and the audit log.
pub fn console(cli: &Cli) -> Result<Console, AppError> {
    let paths = AppPaths::resolve(cli.config_dir.as_deref())?;
    let settings = SettingsStore::load(paths.settings_file())?;
    Ok(Console::new(paths, settings, "afctl"))
}

/// `--env NAME`, or the current environment.
pub fn env_name(console: &Console, arg: &EnvArg) -> Result<String, AppError> {
    if let Some(name) = &arg.env {
        return Ok(name.clone());
    }
    console.environments()?.current.ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidInput,
            "No environment given and none is current: pass --env NAME",
        )
    })
}

/// Runs an async operation on a small runtime (afctl does one thing, then exits).
pub fn block_on<T>(fut: impl Future<Output = T>) -> Result<T, AppError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            AppError::internal("Could not start the async runtime").with_details(e.to_string())
        })?;
    Ok(runtime.block_on(fut))
}

/// A serde enum's wire name (`read-only`, `production`), for human output.
pub fn wire_name(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}
