use afc_core::app_info::AppInfo;
use afc_core::diagnostics::DiagnosticsSummary;
use tauri::State;

use crate::dialogs::{self, Choice};
use crate::state::AppState;

/// Version, build, platform and file locations for the About dialog.
#[tauri::command]
pub async fn get_app_info(state: State<'_, AppState>) -> Result<AppInfo, afc_core::AppError> {
    Ok(info(&state))
}

/// The UI painted its first section: the start-up time is logged (and written where
/// AFC_STARTUP_REPORT says, for the start-up benchmark).
#[tauri::command]
pub fn ui_ready() {
    crate::startup::mark_ready();
}

/// Writes the diagnostics bundle (versions, recent logs, settings without secrets, the audit log,
/// the health history, the last job logs) to a zip the operator chooses. None when cancelled.
#[tauri::command]
pub async fn save_diagnostics(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<DiagnosticsSummary>, afc_core::AppError> {
    let name = format!(
        "agent-factory-console-diagnostics-{}.zip",
        chrono::Utc::now().format("%Y%m%d-%H%M%S")
    );
    let choice = Choice {
        title: "Save diagnostics",
        filter: ("Zip archives", &["zip"]),
    };
    let Some(path) = dialogs::save(&app, choice, &name).await? else {
        return Ok(None);
    };
    let versions = info(&state);
    let jobs = state.jobs.recent_logs(20);
    state
        .console
        .write_diagnostics(&path, &versions, &jobs)
        .map(Some)
}

/// Opens a new issue on the project's tracker in the system browser, with the versions filled in.
#[tauri::command]
pub async fn report_problem(state: State<'_, AppState>) -> Result<(), afc_core::AppError> {
    crate::desktop::open_url(&info(&state).issue_url())
}

fn info(state: &AppState) -> AppInfo {
    AppInfo::collect(
        env!("CARGO_PKG_VERSION"),
        &state.console.paths,
        tauri::webview_version().ok(),
    )
}
