use afc_core::app_info::AppInfo;
use tauri::State;

use crate::state::AppState;

/// Version, build, platform and file locations for the About dialog.
#[tauri::command]
pub async fn get_app_info(state: State<'_, AppState>) -> Result<AppInfo, afc_core::AppError> {
    let webview = tauri::webview_version().ok();
    Ok(AppInfo::collect(
        env!("CARGO_PKG_VERSION"),
        &state.console.paths,
        webview,
    ))
}
