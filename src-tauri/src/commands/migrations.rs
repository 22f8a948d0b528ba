//! Migrations: status, plan, apply and adopt (progress streamed over a channel), validation and
//! its export, and the overview of every environment.

use std::path::PathBuf;
use std::sync::Mutex;

use afc_core::migrate::{
    self, ApplyEvent, ApplyOptions, ApplyReport, MigrationSet, OverviewRow, Plan, StatusReport,
};
use afc_core::progress::{Cancel, Progress};
use afc_core::schema::{self, AdoptionPlan, ValidationReport};
use afc_core::{AppError, Console};
use tauri::State;
use tauri::ipc::Channel;

use crate::state::AppState;

/// The cancel handle of the apply or revert that is running, if one is.
#[derive(Default)]
pub struct RunningApply(Mutex<Option<Cancel>>);

impl RunningApply {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Cancel>> {
        // A panic while holding this lock cannot leave the Option half-written.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a run; it is unregistered when the guard is dropped, however the run ends.
    fn start(&self) -> RunGuard<'_> {
        let cancel = Cancel::default();
        *self.slot() = Some(cancel.clone());
        RunGuard {
            running: self,
            cancel,
        }
    }
}

struct RunGuard<'a> {
    running: &'a RunningApply,
    cancel: Cancel,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.running.slot().take();
    }
}

fn progress(channel: Channel<ApplyEvent>) -> Progress<ApplyEvent> {
    Progress::new(move |event| {
        // A closed window drops the channel; the apply itself carries on and is audited.
        let _ = channel.send(event);
    })
}

async fn target(console: &Console, env: &str) -> Result<migrate::Target, AppError> {
    console.migration_target(env).await
}

#[tauri::command]
pub async fn migration_status(
    state: State<'_, AppState>,
    env: String,
) -> Result<StatusReport, AppError> {
    migrate::status(
        &target(&state.console, &env).await?,
        &MigrationSet::embedded(),
    )
    .await
}

#[tauri::command]
pub async fn migration_plan(state: State<'_, AppState>, env: String) -> Result<Plan, AppError> {
    migrate::plan(
        &target(&state.console, &env).await?,
        &MigrationSet::embedded(),
    )
    .await
}

#[tauri::command]
pub async fn apply_migrations(
    state: State<'_, AppState>,
    env: String,
    confirm: Option<String>,
    events: Channel<ApplyEvent>,
) -> Result<ApplyReport, AppError> {
    let t = target(&state.console, &env).await?;
    let run = state.running.start();
    state
        .console
        .apply_migrations(
            &t,
            &MigrationSet::embedded(),
            confirm.as_deref(),
            &ApplyOptions::default(),
            &progress(events),
            &run.cancel,
        )
        .await
}

/// Reverts the applied migrations newer than `to`, with progress; cancellable like an apply.
#[tauri::command]
pub async fn revert_migrations(
    state: State<'_, AppState>,
    env: String,
    to: u32,
    confirm: Option<String>,
    events: Channel<ApplyEvent>,
) -> Result<ApplyReport, AppError> {
    let t = target(&state.console, &env).await?;
    let run = state.running.start();
    state
        .console
        .revert_migrations(
            &t,
            &MigrationSet::embedded(),
            to,
            confirm.as_deref(),
            &ApplyOptions::default(),
            &progress(events),
            &run.cancel,
        )
        .await
}

/// Stops the running apply before its next migration.
#[tauri::command]
pub async fn cancel_migrations(state: State<'_, AppState>) -> Result<bool, AppError> {
    Ok(state.running.slot().as_ref().map(Cancel::cancel).is_some())
}

#[tauri::command]
pub async fn validate_schema(
    state: State<'_, AppState>,
    env: String,
) -> Result<ValidationReport, AppError> {
    schema::validate(
        &target(&state.console, &env).await?,
        &MigrationSet::embedded(),
    )
    .await
}

/// Validates again and writes the report as `json` or `markdown` to `path`.
#[tauri::command]
pub async fn export_validation(
    state: State<'_, AppState>,
    env: String,
    path: PathBuf,
    format: String,
) -> Result<(), AppError> {
    let report = validate_schema(state, env).await?;
    let text = match format.as_str() {
        "markdown" => report.to_markdown(),
        "json" => serde_json::to_string_pretty(&report).map_err(|e| {
            AppError::internal("Could not format the report").with_details(e.to_string())
        })?,
        other => {
            return Err(AppError::invalid_input(format!(
                "Unknown report format \"{other}\""
            )));
        }
    };
    std::fs::write(&path, text).map_err(|e| AppError::io("write", &path, &e))
}

#[tauri::command]
pub async fn adoption_plan(
    state: State<'_, AppState>,
    env: String,
) -> Result<AdoptionPlan, AppError> {
    schema::adoption_plan(
        &target(&state.console, &env).await?,
        &MigrationSet::embedded(),
    )
    .await
}

#[tauri::command]
pub async fn adopt_database(
    state: State<'_, AppState>,
    env: String,
    confirm: Option<String>,
    events: Channel<ApplyEvent>,
) -> Result<ApplyReport, AppError> {
    let t = target(&state.console, &env).await?;
    state
        .console
        .adopt_database(
            &t,
            &MigrationSet::embedded(),
            confirm.as_deref(),
            &ApplyOptions::default(),
            &progress(events),
        )
        .await
}

#[tauri::command]
pub async fn migration_overview(state: State<'_, AppState>) -> Result<Vec<OverviewRow>, AppError> {
    state
        .console
        .migration_overview(&MigrationSet::embedded())
        .await
}
