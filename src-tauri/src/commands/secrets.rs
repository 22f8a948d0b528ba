//! The Secrets section: variables, reveal and copy, `.env` import and export, the drift board,
//! the keyring's status, and the audit log.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use afc_core::audit::{AuditAction, AuditLogView};
use afc_core::guard::Confirmation;
use afc_core::jobs::JobSpec;
use afc_core::secrets::drift::DriftBoard;
use afc_core::secrets::validate::Finding;
use afc_core::secrets::{
    ExportSummary, ImportSource, ImportSummary, KeyringStatus, PreviewedImport, SecretString,
    VariableChange, VariablesView, read_env_file,
};
use afc_core::{AppError, ErrorCode};
use tauri::{AppHandle, State};

use crate::dialogs::{self, Choice};
use crate::state::AppState;

/// What the .env dialogs offer.
const ENV_FILES: (&str, &[&str]) = (".env files", &["env"]);

/// How long a revealed secret stays on the clipboard before the console clears it.
const CLIPBOARD_CLEAR_AFTER: Duration = Duration::from_secs(30);

#[tauri::command]
pub async fn keyring_status(state: State<'_, AppState>) -> Result<KeyringStatus, AppError> {
    Ok(state.console.keyring_status().await)
}

#[tauri::command]
pub async fn list_variables(
    state: State<'_, AppState>,
    environment: String,
) -> Result<VariablesView, AppError> {
    state.console.variables(&environment).await
}

#[tauri::command]
pub async fn set_variable(
    state: State<'_, AppState>,
    environment: String,
    name: String,
    value: SecretString,
    secret: Option<bool>,
    confirmation: Confirmation,
) -> Result<Vec<Finding>, AppError> {
    state
        .console
        .set_variable(&environment, &name, value, secret, &confirmation)
        .await
}

/// Removes a variable, or moves a custom secret out of the keyring into the settings file (the
/// decision for `variable.make-plain` says the value will be on disk).
#[tauri::command]
pub async fn change_variable(
    state: State<'_, AppState>,
    environment: String,
    name: String,
    change: VariableChange,
    confirmation: Confirmation,
) -> Result<(), AppError> {
    state
        .console
        .change_variable(&environment, &name, change, &confirmation)
        .await
}

/// The one way a secret value reaches the window: the operator clicked "Reveal".
#[tauri::command]
pub async fn reveal_variable(
    state: State<'_, AppState>,
    environment: String,
    name: String,
) -> Result<String, AppError> {
    let value = state
        .console
        .reveal_variable(&environment, &name, AuditAction::SecretReveal)
        .await?;
    Ok(value.expose().to_owned())
}

/// Puts a value on the clipboard without it passing through the window, and clears the clipboard
/// again after 30 seconds if it still holds that value.
#[tauri::command]
pub async fn copy_variable(
    app: AppHandle,
    state: State<'_, AppState>,
    environment: String,
    name: String,
) -> Result<u64, AppError> {
    let value = state
        .console
        .reveal_variable(&environment, &name, AuditAction::SecretCopy)
        .await?;
    crate::clipboard::put(&app, value.clone()).await?;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLIPBOARD_CLEAR_AFTER).await;
        crate::clipboard::clear_if_holds(&app, value);
    });
    Ok(CLIPBOARD_CLEAR_AFTER.as_secs())
}

/// A preview waiting for the operator's go-ahead. The text stays here, so what is imported is
/// exactly what was previewed, and secret values never travel back to the window.
struct PendingImport {
    environment: String,
    text: String,
    source: String,
}

#[derive(Default)]
pub struct PendingImports {
    next: AtomicU64,
    pending: Mutex<HashMap<u64, PendingImport>>,
}

#[tauri::command]
pub async fn preview_import(
    app: AppHandle,
    state: State<'_, AppState>,
    environment: String,
    source: ImportSource,
) -> Result<Option<PreviewedImport>, AppError> {
    let (text, label) = match source {
        ImportSource::File => {
            let choice = Choice {
                title: "Import a .env file",
                filter: ENV_FILES,
            };
            let Some(path) = dialogs::open(&app, choice).await? else {
                return Ok(None);
            };
            (read_env_file(&path)?, path.display().to_string())
        }
        ImportSource::Text { text } => (text, "pasted text".to_owned()),
    };
    let preview = state.console.import_preview(&environment, &text).await?;
    let id = state.imports.next.fetch_add(1, Ordering::SeqCst) + 1;
    let mut pending = state
        .imports
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    // Only the latest preview can be applied.
    pending.clear();
    pending.insert(
        id,
        PendingImport {
            environment,
            text,
            source: label.clone(),
        },
    );
    Ok(Some(PreviewedImport {
        id,
        preview,
        source: label,
    }))
}

/// Imports exactly what the preview `id` showed, as a job whose result is the summary.
#[tauri::command]
pub async fn apply_import(
    state: State<'_, AppState>,
    id: u64,
    confirmation: Confirmation,
) -> Result<u64, AppError> {
    let pending = state
        .imports
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::Conflict,
                "This preview is no longer current: preview the file again",
            )
        })?;
    let console = state.console.clone();
    let title = format!("Import {} into {}", pending.source, pending.environment);
    let environment = pending.environment.clone();
    let spec = JobSpec {
        kind: "secrets.import",
        environment: Some(&environment),
        title: &title,
        cancellable: false,
    };
    Ok(state.jobs.spawn(spec, move |job| async move {
            job.log(format!("Importing {}", pending.source));
            let summary: ImportSummary = console
                .import(&pending.environment, &pending.text, &pending.source, &confirmation)
                .await?;
            job.log(format!(
                "{} new, {} changed, {} unchanged ({} secrets in the keyring), {} invalid lines skipped",
                summary.added, summary.changed, summary.unchanged, summary.secrets, summary.skipped
            ));
            Ok(summary)
    }))
}

/// Exports every variable, secrets included, to a file the operator chooses (None: cancelled).
#[tauri::command]
pub async fn export_variables(
    app: AppHandle,
    state: State<'_, AppState>,
    environment: String,
) -> Result<Option<ExportSummary>, AppError> {
    let choice = Choice {
        title: "Export to a .env file",
        filter: ENV_FILES,
    };
    let Some(path) = dialogs::save(&app, choice, &format!("{environment}.env")).await? else {
        return Ok(None);
    };
    state.console.export(&environment, &path).await.map(Some)
}

#[tauri::command]
pub async fn drift_board(state: State<'_, AppState>) -> Result<DriftBoard, AppError> {
    state.console.drift(&[]).await
}

#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>) -> Result<AuditLogView, AppError> {
    state.console.audit.read()
}
