//! The Smoke checks section: the built-in suite run as a job, the environment's kept runs, each
//! compared with the ones before it, and a run exported for CI or a deploy ticket.

use afc_core::AppError;
use afc_core::jobs::JobSpec;
use afc_core::smoke::{
    CheckInfo, ReportFormat, SmokeOptions, SmokeReport, SmokeRun, SmokeSchedule, available_checks,
    render,
};
use tauri::{AppHandle, State};

use crate::dialogs::{self, Choice};
use crate::state::AppState;

/// The built-in checks and the shipped flows, to choose from.
#[tauri::command]
pub fn smoke_checks() -> Vec<CheckInfo> {
    available_checks()
}

/// Runs the suite against `env` as a job (its result: a SmokeReport); each check's end is an
/// event of the job.
#[tauri::command]
pub async fn run_smoke(
    state: State<'_, AppState>,
    env: String,
    options: SmokeOptions,
) -> Result<u64, AppError> {
    let console = state.console.clone();
    let title = format!("Smoke checks of {env}");
    let job_env = env.clone();
    let spec = JobSpec {
        kind: "smoke.run",
        environment: Some(&job_env),
        title: &title,
        cancellable: true,
    };
    Ok(state.jobs.spawn(spec, move |job| async move {
        let report = console
            .smoke_run(&env, &options, &job.progress(), job.cancel())
            .await?;
        Ok(Some(report))
    }))
}

/// `env`'s kept runs, newest first.
#[tauri::command]
pub fn smoke_history(
    state: State<'_, AppState>,
    env: String,
    limit: u32,
) -> Result<Vec<SmokeRun>, AppError> {
    state
        .console
        .smoke_history(&env, usize::try_from(limit).unwrap_or(usize::MAX))
}

/// A kept run (`latest` for the newest) compared with the runs before it.
#[tauri::command]
pub fn smoke_report(
    state: State<'_, AppState>,
    env: String,
    id: String,
) -> Result<SmokeReport, AppError> {
    state.console.smoke_report(&env, &id)
}

/// Writes a kept run to a file the operator chooses. The path written, or None when cancelled.
#[tauri::command]
pub async fn export_smoke_run(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    id: String,
    format: ReportFormat,
) -> Result<Option<String>, AppError> {
    let report = state.console.smoke_report(&env, &id)?;
    let text = render(&report, format)?;
    let stamp = report.run.started_at.format("%Y%m%d-%H%M%S");
    let file_name = format!("smoke-{env}-{stamp}.{}", format.extension());
    let title = format!("Export the smoke run of {env}");
    let choice = Choice {
        title: &title,
        filter: (format.label(), &[format.extension()]),
    };
    dialogs::save_as(&app, choice, &file_name, text).await
}

/// Which environments run their suite on a schedule, and how often.
#[tauri::command]
pub fn smoke_schedule(state: State<'_, AppState>) -> SmokeSchedule {
    state.console.smoke_schedule()
}

/// Runs `env`'s suite every `minutes` while the console is open (None: never on its own).
#[tauri::command]
pub fn set_smoke_schedule(
    state: State<'_, AppState>,
    env: String,
    minutes: Option<u32>,
) -> Result<SmokeSchedule, AppError> {
    state.console.set_smoke_schedule(&env, minutes)
}
