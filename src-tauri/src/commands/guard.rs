//! The write policy's question for the window: what must the operator do before a change?

use afc_core::AppError;
use afc_core::audit::AuditAction;
use afc_core::guard::Decision;
use tauri::State;

use crate::state::AppState;

/// What the operator must do before `action` on environment `env` (`subject`: what it is done
/// to, such as a variable's name): the window shows this as its confirmation.
#[tauri::command]
pub async fn write_decision(
    state: State<'_, AppState>,
    env: String,
    action: AuditAction,
    subject: Option<String>,
) -> Result<Decision, AppError> {
    state.console.decision(&env, action, subject.as_deref())
}
