//! Migrations: status, plan, validation and its export, the overview of every environment; and
//! apply, revert and adopt, which run as jobs (their logs outlive the section that started them).

use std::sync::Arc;
use std::time::Duration;

use afc_core::guard::Confirmation;
use afc_core::jobs::{JobHandle, JobId, JobSpec};
use afc_core::migrate::{
    self, AdoptionPlan, ApplyOptions, ApplyReport, Backfills, MigrationRun, MigrationSet,
    MigrationWrite, OverviewRow, Plan, StatusReport,
};
use afc_core::schema::ValidationReport;
use afc_core::{AppError, Console};
use tauri::{AppHandle, State};

use crate::dialogs::{self, Choice};
use crate::state::AppState;

#[tauri::command]
pub async fn migration_status(
    state: State<'_, AppState>,
    env: String,
) -> Result<StatusReport, AppError> {
    let db = state.console.database(&env).await?;
    migrate::status(&db, &MigrationSet::embedded()).await
}

#[tauri::command]
pub async fn migration_plan(state: State<'_, AppState>, env: String) -> Result<Plan, AppError> {
    let db = state.console.database(&env).await?;
    migrate::plan(&db, &MigrationSet::embedded()).await
}

/// How long a write started in the window waits for another applier's lock.
const LOCK_WAIT: Duration = Duration::from_secs(600);

async fn run(
    console: Arc<Console>,
    env: String,
    write: MigrationWrite,
    answer: Confirmation,
    job: JobHandle,
) -> afc_core::Result<ApplyReport> {
    let db = console.database(&env).await?;
    let set = MigrationSet::embedded();
    // In the window an apply or a revert is a job the operator can cancel, so it waits for
    // another applier's lock (saying whose) rather than giving up at once. Adoption cannot be
    // cancelled, so it does not wait.
    let options = ApplyOptions {
        lock_wait: if write.cancellable() {
            LOCK_WAIT
        } else {
            Duration::ZERO
        },
        ..ApplyOptions::default()
    };
    let progress = job.progress();
    let run = MigrationRun {
        options: &options,
        ..MigrationRun::new(&db, &set, &progress, job.cancel())
    };
    console.write_migrations(write, &run, &answer).await
}

fn start(state: &AppState, env: String, write: MigrationWrite, answer: Confirmation) -> JobId {
    let (kind, title) = match &write {
        MigrationWrite::Apply => ("migration.apply", format!("Apply migrations to {env}")),
        MigrationWrite::Revert(to) => (
            "migration.revert",
            format!("Revert {env}'s migrations after {to:04}"),
        ),
        MigrationWrite::Adopt(_) => ("migration.adopt", format!("Adopt {env}'s database")),
    };
    let console = state.console.clone();
    let spec = JobSpec {
        kind,
        environment: Some(&env),
        title: &title,
        cancellable: write.cancellable(),
    };
    let job_env = env.clone();
    state
        .jobs
        .spawn(spec, move |job| run(console, job_env, write, answer, job))
}

/// Applies the pending migrations as a job (its log: `job_events`); returns the job's id.
#[tauri::command]
pub async fn apply_migrations(
    state: State<'_, AppState>,
    env: String,
    confirmation: Confirmation,
) -> Result<u64, AppError> {
    Ok(start(&state, env, MigrationWrite::Apply, confirmation))
}

/// Reverts the applied migrations newer than `to`, as a job; cancellable like an apply.
#[tauri::command]
pub async fn revert_migrations(
    state: State<'_, AppState>,
    env: String,
    to: u32,
    confirmation: Confirmation,
) -> Result<u64, AppError> {
    Ok(start(&state, env, MigrationWrite::Revert(to), confirmation))
}

/// The back-fills the operator accepted in the window: (`table.column`, value) pairs.
fn accepted(backfills: Vec<(String, String)>) -> Backfills {
    Backfills {
        accept_proposed: false,
        values: backfills.into_iter().collect(),
    }
}

/// Adopts a database built the old ways, as a job, filling NULLs with the accepted values.
#[tauri::command]
pub async fn adopt_database(
    state: State<'_, AppState>,
    env: String,
    backfills: Vec<(String, String)>,
    confirmation: Confirmation,
) -> Result<u64, AppError> {
    let write = MigrationWrite::Adopt(accepted(backfills));
    Ok(start(&state, env, write, confirmation))
}

#[tauri::command]
pub async fn validate_schema(
    state: State<'_, AppState>,
    env: String,
) -> Result<ValidationReport, AppError> {
    let db = state.console.database(&env).await?;
    migrate::validate(&db, &MigrationSet::embedded()).await
}

/// Validates again and writes the report as `json` or `markdown` to a file the operator
/// chooses; the path written, or None if they cancelled.
#[tauri::command]
pub async fn export_validation(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    format: String,
) -> Result<Option<String>, AppError> {
    let report = validate_schema(state, env.clone()).await?;
    let (text, extension) = match format.as_str() {
        "markdown" => (report.to_markdown(), "md"),
        "json" => (
            serde_json::to_string_pretty(&report).map_err(|e| {
                AppError::internal("Could not format the report").with_details(e.to_string())
            })?,
            "json",
        ),
        other => {
            return Err(AppError::invalid_input(format!(
                "Unknown report format \"{other}\""
            )));
        }
    };
    let choice = Choice {
        title: "Export the validation report",
        filter: (extension, &[extension]),
    };
    let name = format!("{env}-validation.{extension}");
    dialogs::save_as(&app, choice, &name, text).await
}

#[tauri::command]
pub async fn adoption_plan(
    state: State<'_, AppState>,
    env: String,
    backfills: Vec<(String, String)>,
) -> Result<AdoptionPlan, AppError> {
    let db = state.console.database(&env).await?;
    migrate::adoption_plan(&db, &MigrationSet::embedded(), &accepted(backfills)).await
}

#[tauri::command]
pub async fn migration_overview(state: State<'_, AppState>) -> Result<Vec<OverviewRow>, AppError> {
    state
        .console
        .migration_overview(&MigrationSet::embedded())
        .await
}
