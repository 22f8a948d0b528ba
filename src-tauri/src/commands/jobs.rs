//! Jobs: what is running or ran (migrations, imports, the health watchers), each one's log from
//! its start whenever the window asks, and cancel.

use afc_core::AppError;
use afc_core::jobs::{JobInfo, JobUpdate};
use tauri::State;
use tauri::ipc::Channel;

use crate::state::AppState;

/// Every job of this run, newest first.
#[tauri::command]
pub async fn list_jobs(state: State<'_, AppState>) -> Result<Vec<JobInfo>, AppError> {
    Ok(state.jobs.list())
}

/// A job's log: what happened before (replayed at once), then each new event until it ends.
#[tauri::command]
pub async fn job_events(
    state: State<'_, AppState>,
    id: u64,
    events: Channel<JobUpdate>,
) -> Result<JobInfo, AppError> {
    let subscription = state.jobs.subscribe(id)?;
    for event in subscription.replay {
        // A closed window drops the channel; the job carries on.
        let _ = events.send(JobUpdate::Event(event));
    }
    if let Some(mut updates) = subscription.updates {
        tauri::async_runtime::spawn(async move {
            while let Some(update) = updates.recv().await {
                let finished = matches!(update, JobUpdate::Finished(_));
                if events.send(update).is_err() || finished {
                    break;
                }
            }
        });
    }
    Ok(subscription.info)
}

/// Asks a running job to stop at its next safe point.
#[tauri::command]
pub async fn cancel_job(state: State<'_, AppState>, id: u64) -> Result<bool, AppError> {
    state.jobs.cancel(id)
}
