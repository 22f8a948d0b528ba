use afc_core::AppError;
use afc_core::settings::Preferences;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn get_preferences(state: State<'_, AppState>) -> Result<Preferences, AppError> {
    Ok(state.console.settings.get().preferences)
}

/// Saves the operator's preferences and applies the log level at once.
#[tauri::command]
pub async fn save_preferences(
    state: State<'_, AppState>,
    preferences: Preferences,
) -> Result<Preferences, AppError> {
    let level = preferences.log_level;
    let saved = state
        .console
        .settings
        .update(|s| s.preferences = preferences)?;
    state.logging.set_level(level)?;
    tracing::info!(theme = ?saved.preferences.theme, level = level.as_str(), "preferences saved");
    Ok(saved.preferences)
}

/// Start-up problems for the UI to show once (a malformed settings file, an invalid AFC_LOG).
#[tauri::command]
pub async fn get_startup_notices(state: State<'_, AppState>) -> Result<Vec<AppError>, AppError> {
    Ok(state.notices.clone())
}
