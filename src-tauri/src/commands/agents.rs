//! The Agents section: both sides of an environment's agents, saves and deletes under the write
//! policy, and runs as jobs.

use afc_core::AppError;
use afc_core::agents::{
    AgentPlan, AgentsOverviewRow, AgentsView, ApiAgent, Direction, ExecutionFilter, ExecutionsView,
    ExportReport, FileFormat, ImportFrom, NewAgent, ReconcilePreview, RunRecord, RunRequest,
    RunResult, TableChoices, TableOwner,
};
use afc_core::guard::Confirmation;
use afc_core::jobs::JobSpec;
use tauri::{AppHandle, State};

use crate::dialogs::{self, Choice};
use crate::state::AppState;

/// Every agent of `env`: the API's registry and the agents table, joined by id.
#[tauri::command]
pub async fn list_agents(state: State<'_, AppState>, env: String) -> Result<AgentsView, AppError> {
    state.console.agents(&env).await
}

/// The agent `id` in the API's registry now (to show what saving would replace).
#[tauri::command]
pub async fn api_agent(
    state: State<'_, AppState>,
    env: String,
    id: String,
) -> Result<Option<ApiAgent>, AppError> {
    state.console.api_agent(&env, &id).await
}

/// Creates an agent in the API's registry, or replaces the one with its id.
#[tauri::command]
pub async fn save_agent(
    state: State<'_, AppState>,
    env: String,
    agent: NewAgent,
    confirmation: Confirmation,
) -> Result<(), AppError> {
    state.console.save_agent(&env, &agent, &confirmation).await
}

/// Deletes an agent from the API's registry.
#[tauri::command]
pub async fn delete_agent(
    state: State<'_, AppState>,
    env: String,
    id: String,
    confirmation: Confirmation,
) -> Result<(), AppError> {
    state.console.delete_agent(&env, &id, &confirmation).await
}

/// Runs an agent as a job (its result: a RunResult, or none when cancelled). Cancelling stops waiting; the platform may
/// still finish the run.
#[tauri::command]
pub async fn run_agent(
    state: State<'_, AppState>,
    env: String,
    id: String,
    request: RunRequest,
) -> Result<u64, AppError> {
    let console = state.console.clone();
    let title = format!("Run {id} on {env}");
    let job_env = env.clone();
    let spec = JobSpec {
        kind: "agent.run",
        environment: Some(&job_env),
        title: &title,
        cancellable: true,
    };
    Ok(state.jobs.spawn(spec, move |job| async move {
        job.log(format!("Sent to {id}; waiting for the platform"));
        let result: RunResult = tokio::select! {
            r = console.run_agent(&env, &id, &request) => r?,
            () = job.cancel().cancelled() => {
                job.log("Stopped waiting: the platform may still finish the run");
                return Ok(None);
            }
        };
        job.log(format!(
            "{} in {:.2} s",
            result.status, result.execution_time
        ));
        Ok(Some(result))
    }))
}

/// The table's tenants and users, to choose a copied agent's tenant and creator.
#[tauri::command]
pub async fn agent_table_choices(
    state: State<'_, AppState>,
    env: String,
) -> Result<TableChoices, AppError> {
    state.console.table_choices(&env).await
}

/// Exactly what writing agents `ids` to the other side (`towards` it) would write.
#[tauri::command]
pub async fn reconcile_preview(
    state: State<'_, AppState>,
    env: String,
    ids: Vec<String>,
    towards: Direction,
    owner: TableOwner,
) -> Result<ReconcilePreview, AppError> {
    state
        .console
        .reconcile_preview(&env, &ids, towards, &owner)
        .await
}

/// Writes agents `ids` to the other side: into the table (in one transaction), or one agent
/// into the API's registry.
#[tauri::command]
pub async fn reconcile_agents(
    state: State<'_, AppState>,
    env: String,
    ids: Vec<String>,
    towards: Direction,
    owner: TableOwner,
    confirmation: Confirmation,
) -> Result<(), AppError> {
    state
        .console
        .reconcile_agents(&env, &ids, towards, &owner, &confirmation)
        .await
}

/// What publishing the table's rows `ids` to the API would do, as a plan to tick and write.
#[tauri::command]
pub async fn publish_plan(
    state: State<'_, AppState>,
    env: String,
    ids: Vec<String>,
) -> Result<AgentPlan, AppError> {
    state.console.publish_plan(&env, &ids).await
}

/// The environment's agent runs kept on this machine (of one agent, if given) whose text
/// contains `search`, newest first.
#[tauri::command]
pub async fn agent_run_history(
    state: State<'_, AppState>,
    env: String,
    agent: Option<String>,
    search: Option<String>,
) -> Result<Vec<RunRecord>, AppError> {
    state
        .console
        .run_history(&env, agent.as_deref(), search.as_deref())
}

/// A page of `env`'s executions matching `filter`: the table's, and the API's with the first.
#[tauri::command]
pub async fn list_executions(
    state: State<'_, AppState>,
    env: String,
    filter: ExecutionFilter,
) -> Result<ExecutionsView, AppError> {
    state.console.executions(&env, &filter).await
}

/// Writes `env`'s API agents (all, or `ids`) to a folder the operator chooses, one file each.
/// None when the dialog was cancelled.
#[tauri::command]
pub async fn export_agents(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    format: FileFormat,
    ids: Option<Vec<String>>,
) -> Result<Option<ExportReport>, AppError> {
    let title = format!("Export the agents of {env} to a folder");
    let Some(folder) = dialogs::open_folder(&app, &title).await? else {
        return Ok(None);
    };
    let report = state
        .console
        .export_agents(&env, &folder, format, ids.as_deref())
        .await?;
    Ok(Some(report))
}

/// What importing agent files the operator chooses into `env` would do. None when cancelled.
#[tauri::command]
pub async fn import_agents_plan(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    from: ImportFrom,
) -> Result<Option<AgentPlan>, AppError> {
    let title = format!("Import agents into {env}");
    let chosen = match from {
        ImportFrom::Folder => dialogs::open_folder(&app, &title).await?,
        ImportFrom::File => {
            let choice = Choice {
                title: &title,
                filter: ("Agent files", &["json", "yaml", "yml"]),
            };
            dialogs::open(&app, choice).await?
        }
    };
    match chosen {
        Some(path) => state.console.import_plan(&env, &path).await.map(Some),
        None => Ok(None),
    }
}

/// The API agents of `from` compared with those of `to`: what promoting them would write.
#[tauri::command]
pub async fn promotion_plan(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<AgentPlan, AppError> {
    state.console.promotion_plan(&from, &to).await
}

/// Saves `agents` to `env`'s API one at a time, as a job (its result: a BulkReport). `pace`
/// waits for the rate limit's window instead of refusing to start.
#[tauri::command]
pub async fn save_agents(
    state: State<'_, AppState>,
    env: String,
    agents: Vec<NewAgent>,
    confirmation: Confirmation,
    pace: bool,
) -> Result<u64, AppError> {
    let console = state.console.clone();
    let title = format!("Save {} agents to {env}", agents.len());
    let job_env = env.clone();
    let spec = JobSpec {
        kind: "agents.save",
        environment: Some(&job_env),
        title: &title,
        cancellable: true,
    };
    Ok(state.jobs.spawn(spec, move |job| async move {
        let report = console
            .save_agents(
                &env,
                &agents,
                &confirmation,
                pace,
                &job.progress(),
                job.cancel(),
            )
            .await?;
        Ok(Some(report))
    }))
}

/// Every environment's API agents compared with the others' (the drift board's agents table).
#[tauri::command]
pub async fn agents_overview(
    state: State<'_, AppState>,
) -> Result<Vec<AgentsOverviewRow>, AppError> {
    state.console.agents_overview().await
}
