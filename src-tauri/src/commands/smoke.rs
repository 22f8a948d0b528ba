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

/// The built-in checks, the shipped flows and `env`'s own flow folders', to choose from.
#[tauri::command]
pub fn smoke_checks(state: State<'_, AppState>, env: String) -> Vec<CheckInfo> {
    available_checks(&state.console.smoke_suites(&env))
}

/// The folders of flows `env` runs besides the shipped ones.
#[tauri::command]
pub fn smoke_suites(state: State<'_, AppState>, env: String) -> Vec<String> {
    shown(state.console.smoke_suites(&env))
}

/// Adds a folder of flows the operator chooses in a native dialog. None when cancelled.
#[tauri::command]
pub async fn add_smoke_suite(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
) -> Result<Option<Vec<String>>, AppError> {
    let title = format!("Add a folder of smoke flows to {env}");
    let Some(chosen) = dialogs::open_folder(&app, &title).await? else {
        return Ok(None);
    };
    state
        .console
        .add_smoke_suite(&env, &chosen)
        .map(|l| Some(shown(l)))
}

/// Stops running the flows of `suite`, one of `env`'s folders (the list's own entry, not a new
/// path).
#[tauri::command]
pub fn remove_smoke_suite(
    state: State<'_, AppState>,
    env: String,
    suite: String,
) -> Result<Vec<String>, AppError> {
    state.console.remove_smoke_suite(&env, &suite).map(shown)
}

fn shown(list: Vec<std::path::PathBuf>) -> Vec<String> {
    list.iter().map(|p| p.display().to_string()).collect()
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
    // The window never names files: the flow folders are the ones chosen in a native dialog.
    let mut options = options;
    options.suites = console.smoke_suites(&env);
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
