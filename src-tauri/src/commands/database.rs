//! The Database section: the schema browser, the table browser with staged edits and exports,
//! the SQL console's tabs, activity and the advisor. Thin: afc-core's `dbadmin` does the work.

use std::time::Duration;

use afc_core::AppError;
use afc_core::dbadmin::TableRef;
use afc_core::dbadmin::activity::{self, Activity, Signal};
use afc_core::dbadmin::advisor::{self, Advice};
use afc_core::dbadmin::browse::{self, Page, PageRequest};
use afc_core::dbadmin::catalog::{self, Completion, ObjectNames, TableDetail};
use afc_core::dbadmin::edits::{self, EditOutcome, EditPlan, StagedEdits};
use afc_core::dbadmin::export::{self, Export, ExportFormat, ExportProgress};
use afc_core::dbadmin::sql::{
    self, Classified, Explained, HistoryEntry, Snippet, SqlOutcome, SqlTab, StatementSpan,
};
use afc_core::guard::{Confirmation, Decision};
use afc_core::jobs::JobSpec;
use tauri::{AppHandle, State};

use crate::dialogs::{self, Choice};
use crate::state::AppState;

#[tauri::command]
pub async fn db_names(state: State<'_, AppState>, env: String) -> Result<ObjectNames, AppError> {
    catalog::names(&*state.console.database(&env).await?).await
}

#[tauri::command]
pub async fn db_describe(
    state: State<'_, AppState>,
    env: String,
    table: TableRef,
) -> Result<TableDetail, AppError> {
    catalog::describe(&*state.console.database(&env).await?, &table).await
}

#[tauri::command]
pub async fn db_function_ddl(
    state: State<'_, AppState>,
    env: String,
    routine: TableRef,
    signature: String,
) -> Result<String, AppError> {
    catalog::function_ddl(&*state.console.database(&env).await?, &routine, &signature).await
}

/// Every table's columns, for the SQL editor's completion.
#[tauri::command]
pub async fn db_completion(
    state: State<'_, AppState>,
    env: String,
) -> Result<Completion, AppError> {
    catalog::completion(&*state.console.database(&env).await?).await
}

#[tauri::command]
pub async fn db_page(
    state: State<'_, AppState>,
    env: String,
    request: PageRequest,
) -> Result<Page, AppError> {
    browse::page(&*state.console.database(&env).await?, &request).await
}

/// A whole value (the grid shows the first characters of long ones).
#[tauri::command]
pub async fn db_cell(
    state: State<'_, AppState>,
    env: String,
    table: TableRef,
    key: Vec<Option<String>>,
    column: String,
) -> Result<Option<String>, AppError> {
    browse::cell(&*state.console.database(&env).await?, &table, &key, &column).await
}

#[tauri::command]
pub async fn db_edit_plan(
    state: State<'_, AppState>,
    env: String,
    edits: StagedEdits,
) -> Result<EditPlan, AppError> {
    edits::plan(&*state.console.database(&env).await?, &edits).await
}

#[tauri::command]
pub async fn db_apply_edits(
    state: State<'_, AppState>,
    env: String,
    edits: StagedEdits,
    confirmation: Confirmation,
) -> Result<EditOutcome, AppError> {
    let db = state.console.database(&env).await?;
    state.console.apply_edits(&db, &edits, &confirmation).await
}

/// Exports the rows `request` selects to a file the operator chooses, as a job; its id, or
/// None when they cancelled the dialog.
#[tauri::command]
pub async fn db_export(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    request: PageRequest,
    format: ExportFormat,
    estimate: u64,
) -> Result<Option<u64>, AppError> {
    let title = format!("Export {}", request.table);
    let choice = Choice {
        title: &title,
        filter: (format.extension(), &[format.extension()]),
    };
    let file_name = format!("{}.{}", request.table.name, format.extension());
    let Some(path) = dialogs::save(&app, choice, &file_name).await? else {
        return Ok(None);
    };
    let db = state.console.database(&env).await?;
    let spec = JobSpec {
        kind: "db.export",
        environment: Some(&env),
        title: &title,
        cancellable: true,
    };
    Ok(Some(state.jobs.spawn(spec, move |job| async move {
        let export = Export {
            db: &db,
            req: &request,
            format,
            path: &path,
            estimate,
        };
        let rows = export
            .run(&job.progress::<ExportProgress>(), job.cancel())
            .await?;
        job.log(format!("{rows} rows written to {}", path.display()));
        Ok(rows)
    })))
}

/// Opens (or reopens) SQL tab `tab` on `env`: writable on open environments; read-only on the
/// others unless `unlock` (the operator's answer) lets a protected one write.
#[tauri::command]
pub async fn sql_open(
    state: State<'_, AppState>,
    env: String,
    tab: String,
    unlock: Option<Confirmation>,
    timeout_seconds: u32,
) -> Result<SqlTab, AppError> {
    let db = state.console.database(&env).await?;
    let write = unlock.or_else(|| sql::writes_by_default(&db).then(Confirmation::yes));
    let session = state.console.sql_session(
        db.clone(),
        write.as_ref(),
        statement_timeout(timeout_seconds),
    )?;
    let info = SqlTab {
        read_only: session.read_only(),
        unlock: sql::unlock_decision(&db),
    };
    state.sql_tabs.open(&tab, db, session);
    Ok(info)
}

/// Changes SQL tab `tab`'s statement timeout from its next statement, keeping its session (and
/// any transaction the operator has open in it).
#[tauri::command]
pub async fn sql_set_timeout(
    state: State<'_, AppState>,
    tab: String,
    timeout_seconds: u32,
) -> Result<(), AppError> {
    state
        .sql_tabs
        .set_timeout(&tab, statement_timeout(timeout_seconds))
        .await
}

/// Between a second and a day.
fn statement_timeout(seconds: u32) -> Duration {
    Duration::from_secs(u64::from(seconds.clamp(1, 86_400)))
}

#[tauri::command]
pub fn sql_close(state: State<'_, AppState>, tab: String) {
    state.sql_tabs.close(&tab);
}

/// The statements of an editor's text and where each starts.
#[tauri::command]
pub fn sql_statements(text: String) -> Vec<StatementSpan> {
    sql::statements(&text)
}

#[tauri::command]
pub fn sql_classify(statement: String) -> Classified {
    sql::classify(&statement)
}

/// Runs one statement in tab `tab` (recorded in `env`'s history); `destroy` says the operator
/// agreed to a statement that destroys data.
#[tauri::command]
pub async fn sql_run(
    state: State<'_, AppState>,
    env: String,
    tab: String,
    statement: String,
    destroy: bool,
) -> Result<SqlOutcome, AppError> {
    let session = state.sql_tabs.session(&tab)?;
    let outcome = session.lock().await.run(&statement, destroy).await?;
    if let Err(e) = sql::record_history(
        &state.console.paths.data_dir,
        &env,
        &HistoryEntry::of(&outcome),
    ) {
        tracing::warn!("could not record the SQL history: {e}");
    }
    Ok(outcome)
}

#[tauri::command]
pub async fn sql_fetch_more(
    state: State<'_, AppState>,
    tab: String,
    rows: u32,
) -> Result<SqlOutcome, AppError> {
    let session = state.sql_tabs.session(&tab)?;
    let mut session = session.lock().await;
    session.fetch_more(rows).await
}

/// Cancels the statement tab `tab` runs; false when it runs none.
#[tauri::command]
pub async fn sql_cancel(state: State<'_, AppState>, tab: String) -> Result<bool, AppError> {
    state.sql_tabs.cancel(&tab).await
}

#[tauri::command]
pub async fn sql_explain(
    state: State<'_, AppState>,
    tab: String,
    statement: String,
    analyze: bool,
) -> Result<Explained, AppError> {
    let session = state.sql_tabs.session(&tab)?;
    let explained = session.lock().await.explain(&statement, analyze).await?;
    Ok(Explained::from(explained))
}

#[tauri::command]
pub fn sql_history(state: State<'_, AppState>, env: String) -> Result<Vec<HistoryEntry>, AppError> {
    sql::history(&state.console.paths.data_dir, &env, 200)
}

#[tauri::command]
pub fn sql_snippets(state: State<'_, AppState>) -> Result<Vec<Snippet>, AppError> {
    sql::snippets(&state.console.paths.data_dir)
}

#[tauri::command]
pub fn save_sql_snippet(
    state: State<'_, AppState>,
    name: String,
    sql: String,
) -> Result<(), AppError> {
    sql::save_snippet(&state.console.paths.data_dir, &name, &sql)
}

#[tauri::command]
pub fn delete_sql_snippet(state: State<'_, AppState>, name: String) -> Result<(), AppError> {
    sql::delete_snippet(&state.console.paths.data_dir, &name)
}

/// Writes a result the window holds to a file the operator chooses; the path, or None.
#[tauri::command]
pub async fn sql_export_result(
    app: AppHandle,
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
    format: ExportFormat,
) -> Result<Option<String>, AppError> {
    let contents = match format {
        ExportFormat::Csv => {
            let mut buf = Vec::new();
            let mut w = export::CsvWriter::new(&mut buf, &columns)?;
            for r in &rows {
                w.row(r)?;
            }
            w.finish()?;
            buf
        }
        ExportFormat::Json => {
            let all: Vec<serde_json::Value> =
                rows.iter().map(|r| export::json_row(&columns, r)).collect();
            serde_json::to_vec_pretty(&all).map_err(|e| {
                AppError::internal("Could not write the JSON").with_details(e.to_string())
            })?
        }
    };
    let choice = Choice {
        title: "Export the result",
        filter: (format.extension(), &[format.extension()]),
    };
    dialogs::save_as(
        &app,
        choice,
        &format!("result.{}", format.extension()),
        contents,
    )
    .await
}

#[tauri::command]
pub async fn db_activity(state: State<'_, AppState>, env: String) -> Result<Activity, AppError> {
    activity::activity(&*state.console.database(&env).await?).await
}

#[tauri::command]
pub async fn db_advise(state: State<'_, AppState>, env: String) -> Result<Advice, AppError> {
    advisor::advise(&*state.console.database(&env).await?).await
}

fn signal(terminate: bool) -> Signal {
    if terminate {
        Signal::Terminate
    } else {
        Signal::Cancel
    }
}

#[tauri::command]
pub async fn db_signal_decision(
    state: State<'_, AppState>,
    env: String,
    pid: i32,
    terminate: bool,
) -> Result<Decision, AppError> {
    Ok(signal(terminate).decision(&*state.console.database(&env).await?, pid))
}

/// Cancels (or terminates) server process `pid` with the operator's answer; false when it had
/// ended.
#[tauri::command]
pub async fn db_signal(
    state: State<'_, AppState>,
    env: String,
    pid: i32,
    terminate: bool,
    confirmation: Confirmation,
) -> Result<bool, AppError> {
    let db = state.console.database(&env).await?;
    state
        .console
        .signal_backend(&db, pid, signal(terminate), &confirmation)
        .await
}
