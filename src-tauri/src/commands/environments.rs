//! Environment profiles and "Test connection".

use afc_core::AppError;
use afc_core::environments::connection::{PastedDatabaseUrl, PastedRedisUrl};
use afc_core::environments::presets::{Preset, presets};
use afc_core::environments::{ConnectionSecrets, Environment, EnvironmentList};
use afc_core::guard::Confirmation;
use afc_core::probe::{ConnectionTest, ProbeTarget};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn list_environments(state: State<'_, AppState>) -> Result<EnvironmentList, AppError> {
    state.console.environments()
}

#[tauri::command]
pub async fn environment_presets() -> Result<Vec<Preset>, AppError> {
    Ok(presets())
}

#[tauri::command]
pub async fn create_environment(
    state: State<'_, AppState>,
    environment: Environment,
    secrets: ConnectionSecrets,
) -> Result<Environment, AppError> {
    state.console.create_environment(environment, secrets).await
}

#[tauri::command]
pub async fn update_environment(
    state: State<'_, AppState>,
    original: String,
    environment: Environment,
    secrets: ConnectionSecrets,
    confirmation: Confirmation,
) -> Result<Environment, AppError> {
    state
        .console
        .update_environment(&original, environment, secrets, &confirmation)
        .await
}

#[tauri::command]
pub async fn duplicate_environment(
    state: State<'_, AppState>,
    source: String,
    name: String,
) -> Result<Environment, AppError> {
    state.console.duplicate_environment(&source, &name).await
}

#[tauri::command]
pub async fn delete_environment(
    state: State<'_, AppState>,
    name: String,
    confirmation: Confirmation,
) -> Result<(), AppError> {
    state.console.delete_environment(&name, &confirmation).await
}

#[tauri::command]
pub async fn set_current_environment(
    state: State<'_, AppState>,
    name: String,
) -> Result<(), AppError> {
    state.console.set_current_environment(&name)
}

#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    name: String,
    target: Option<ProbeTarget>,
) -> Result<ConnectionTest, AppError> {
    state.console.test_connection(&name, target).await
}

/// "Test connection" inside the editor, before saving.
#[tauri::command]
pub async fn test_draft_connection(
    state: State<'_, AppState>,
    original: Option<String>,
    environment: Environment,
    secrets: ConnectionSecrets,
) -> Result<ConnectionTest, AppError> {
    state
        .console
        .test_draft(original.as_deref(), &environment, &secrets)
        .await
}

#[tauri::command]
pub async fn split_database_url(url: String) -> Result<PastedDatabaseUrl, AppError> {
    PastedDatabaseUrl::parse(&url)
}

#[tauri::command]
pub async fn split_redis_url(url: String) -> Result<PastedRedisUrl, AppError> {
    PastedRedisUrl::parse(&url)
}
