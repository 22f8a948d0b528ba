//! The first run's "Try it on this machine": the local sandbox brought up as a job.

use afc_core::AppError;
use afc_core::jobs::JobSpec;
use afc_core::sandbox::{SandboxStep, SandboxTarget};
use tauri::State;

use crate::state::AppState;

/// Brings the local sandbox up on this machine's PostgreSQL and Redis as a job (its result: a
/// SandboxStatus); each step is an event of the job.
#[tauri::command]
pub async fn start_sandbox(state: State<'_, AppState>) -> Result<u64, AppError> {
    let console = state.console.clone();
    let spec = JobSpec {
        kind: "sandbox.up",
        environment: None,
        title: "Set up the local sandbox",
        cancellable: false,
    };
    Ok(state.jobs.spawn(spec, move |job| async move {
        let progress = job.progress();
        let status = console
            .sandbox_up(&SandboxTarget::from_env(), |line| {
                progress.emit(SandboxStep(line.to_owned()));
            })
            .await?;
        Ok(Some(status))
    }))
}
