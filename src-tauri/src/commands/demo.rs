//! The Demo section: the demo data (seed, reset), the script (shipped, or a file chosen in a
//! native dialog), the pre-demo checklist, presenting with an audience window, and a rehearsal
//! as a job. Every change is pushed to both windows as DEMO_UPDATED.

use afc_core::AppError;
use afc_core::audit::AuditAction;
use afc_core::demo::{
    self, AudienceView, Checklist, DemoReport, DemoRows, DemoView, SeedOutcome, SeedPreview,
    StepStatus, data,
};
use afc_core::guard::{Confirmation, Decision};
use afc_core::jobs::JobSpec;
use tauri::{AppHandle, Emitter, State};

use crate::dialogs::{self, Choice};
use crate::events::DEMO_UPDATED;
use crate::state::AppState;
use crate::window;

/// The demo rows of `env`'s database, per table.
#[tauri::command]
pub async fn demo_data(state: State<'_, AppState>, env: String) -> Result<DemoRows, AppError> {
    data::count(&state.console.demo_target(&env).await?.db).await
}

/// What seeding `env` would write, and anything in the way.
#[tauri::command]
pub async fn demo_seed_preview(
    state: State<'_, AppState>,
    env: String,
) -> Result<SeedPreview, AppError> {
    data::seed_preview(&state.console.demo_target(&env).await?.db).await
}

/// What the write policy asks before seeding or resetting `env`'s demo data (production is
/// refused whatever its safety level).
#[tauri::command]
pub async fn demo_decision(
    state: State<'_, AppState>,
    env: String,
    action: AuditAction,
) -> Result<Decision, AppError> {
    Ok(state.console.demo_target(&env).await?.decision(action))
}

#[tauri::command]
pub async fn seed_demo(
    state: State<'_, AppState>,
    env: String,
    answer: Confirmation,
) -> Result<SeedOutcome, AppError> {
    let target = state.console.demo_target(&env).await?;
    state.console.demo_seed(&target, &answer).await
}

#[tauri::command]
pub async fn reset_demo(
    state: State<'_, AppState>,
    env: String,
    answer: Confirmation,
) -> Result<DemoRows, AppError> {
    let target = state.console.demo_target(&env).await?;
    state.console.demo_reset(&target, &answer).await
}

/// The presenter's view of `env`'s demo (its script read again: a file edited meanwhile is
/// reloaded).
#[tauri::command]
pub async fn demo_view(state: State<'_, AppState>, env: String) -> Result<DemoView, AppError> {
    state.shows.view(&state.console, &env).await
}

/// The shipped scripts' names.
#[tauri::command]
pub fn demo_scripts() -> Vec<String> {
    demo::script::shipped_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Chooses a shipped script by name (files come from `open_demo_script`).
#[tauri::command]
pub async fn choose_demo_script(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    name: String,
) -> Result<DemoView, AppError> {
    if !demo::script::is_shipped(&name) {
        return Err(AppError::invalid_input(format!(
            "\"{name}\" is not a shipped script: open a file instead"
        )));
    }
    let view = state.shows.choose(&state.console, &env, &name).await?;
    Ok(pushed(&app, &state, view))
}

/// Chooses a script file the operator picks in a native dialog. None when cancelled.
#[tauri::command]
pub async fn open_demo_script(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
) -> Result<Option<DemoView>, AppError> {
    let choice = Choice {
        title: "Open a demo script",
        filter: ("Demo scripts", &["yaml", "yml"]),
    };
    let Some(path) = dialogs::open(&app, choice).await? else {
        return Ok(None);
    };
    let source = path.display().to_string();
    let view = state.shows.choose(&state.console, &env, &source).await?;
    Ok(Some(pushed(&app, &state, view)))
}

/// Writes the chosen script to a file the operator picks (their own copy to edit), and chooses
/// that copy. None when cancelled.
#[tauri::command]
pub async fn copy_demo_script(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
) -> Result<Option<DemoView>, AppError> {
    let current = state.shows.view(&state.console, &env).await?;
    let text = demo::script::text(&current.source)?;
    let choice = Choice {
        title: "Save a copy of the demo script",
        filter: ("Demo scripts", &["yaml"]),
    };
    let name = format!(
        "{}-copy.yaml",
        current.script.map_or("demo".to_owned(), |s| s.name)
    );
    let Some(path) = dialogs::save(&app, choice, &name).await? else {
        return Ok(None);
    };
    std::fs::write(&path, text).map_err(|e| AppError::io("write", &path, &e))?;
    let view = state
        .shows
        .choose(&state.console, &env, &path.display().to_string())
        .await?;
    Ok(Some(pushed(&app, &state, view)))
}

/// The pre-demo checklist for the chosen script.
#[tauri::command]
pub async fn demo_checklist(
    state: State<'_, AppState>,
    env: String,
) -> Result<Checklist, AppError> {
    let view = state.shows.view(&state.console, &env).await?;
    let script = demo::script::load(&view.source)?;
    state.console.demo_checklist(&env, &script).await
}

/// What the write policy asks before a demo starts: it creates things and deletes them again.
#[tauri::command]
pub async fn demo_start_decision(
    state: State<'_, AppState>,
    env: String,
) -> Result<Decision, AppError> {
    state.console.decision(
        &env,
        AuditAction::AgentDelete,
        Some("what the demo creates"),
    )
}

#[tauri::command]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    answer: Confirmation,
) -> Result<DemoView, AppError> {
    let view = state.shows.start(&state.console, &env, answer).await?;
    Ok(pushed(&app, &state, view))
}

#[tauri::command]
pub async fn resume_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    answer: Confirmation,
) -> Result<DemoView, AppError> {
    let view = state.shows.resume(&state.console, &env, answer).await?;
    Ok(pushed(&app, &state, view))
}

/// Performs the current step (a retry when it was performed before). A page the step opens is
/// opened in the system browser.
#[tauri::command]
pub async fn perform_demo_step(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
) -> Result<DemoView, AppError> {
    let view = state.shows.perform(&state.console, &env).await?;
    Ok(pushed(&app, &state, opened(view)))
}

/// The presenter's keys, from either window (the audience window's go to the demo it shows):
/// `next` performs the step or moves on, `back` goes back, `black` blacks the audience out.
#[tauri::command]
pub async fn demo_key(
    app: AppHandle,
    state: State<'_, AppState>,
    env: Option<String>,
    key: String,
) -> Result<DemoView, AppError> {
    let env = env.unwrap_or_else(|| state.shows.audience().environment);
    let shows = &state.shows;
    let view = match key.as_str() {
        "next" => opened(shows.next(&state.console, &env).await?),
        "perform" => opened(shows.perform(&state.console, &env).await?),
        "back" => {
            let at = shows.view(&state.console, &env).await?;
            let current = at.progress.map_or(0, |p| p.current);
            shows
                .go(&state.console, &env, current.saturating_sub(1))
                .await?
        }
        "black" => {
            let on = !shows.view(&state.console, &env).await?.black;
            shows.black(&state.console, &env, on).await?
        }
        other => {
            return Err(AppError::invalid_input(format!(
                "\"{other}\" is not a presenter's key"
            )));
        }
    };
    Ok(pushed(&app, &state, view))
}

/// Opens the page the step on screen opened, if it opened one just now.
fn opened(view: DemoView) -> DemoView {
    let url = view.progress.as_ref().and_then(|p| {
        let step = view.script.as_ref()?.steps.get(p.current)?;
        let result = p.results.last().filter(|r| r.step_id == step.id)?;
        result.visible.url.clone()
    });
    if let Some(url) = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        && let Err(e) = crate::desktop::open_url(&url)
    {
        tracing::warn!(error = %e.message, "could not open the demo's page in the browser");
    }
    view
}

#[tauri::command]
pub async fn demo_go(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    index: u32,
) -> Result<DemoView, AppError> {
    let index = usize::try_from(index).unwrap_or(usize::MAX);
    let view = state.shows.go(&state.console, &env, index).await?;
    Ok(pushed(&app, &state, view))
}

/// Marks the current step `skipped` or `error_path` (the audience then sees the platform's
/// error) and moves on.
#[tauri::command]
pub async fn mark_demo_step(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    status: StepStatus,
) -> Result<DemoView, AppError> {
    let view = state.shows.mark(&state.console, &env, status).await?;
    Ok(pushed(&app, &state, view))
}

/// Removes what the demo created on stage; what was removed.
#[tauri::command]
pub async fn clean_up_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    answer: Confirmation,
) -> Result<Vec<String>, AppError> {
    let (removed, view) = state.shows.clean_up(&state.console, &env, answer).await?;
    pushed(&app, &state, view);
    Ok(removed)
}

/// Forgets the demo's progress, to start over.
#[tauri::command]
pub async fn forget_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
) -> Result<DemoView, AppError> {
    let view = state.shows.forget(&state.console, &env).await?;
    Ok(pushed(&app, &state, view))
}

/// The report of the demo so far, written as Markdown or JSON to a file the operator chooses.
#[tauri::command]
pub async fn export_demo_report(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    markdown: bool,
) -> Result<Option<String>, AppError> {
    let view = state.shows.view(&state.console, &env).await?;
    let (Some(script), Some(progress)) = (view.script, view.progress) else {
        return Err(AppError::invalid_input("No demo to report on yet"));
    };
    let report = progress.report(&script);
    let (text, extension, label) = if markdown {
        (report.to_markdown(), "md", "Markdown")
    } else {
        let json = serde_json::to_string_pretty(&report).map_err(|e| {
            AppError::internal("Could not encode the report").with_details(e.to_string())
        })?;
        (json, "json", "JSON")
    };
    let choice = Choice {
        title: "Export the demo report",
        filter: (label, &[extension]),
    };
    let name = format!("demo-{env}-{}.{extension}", progress.run_id);
    dialogs::save_as(&app, choice, &name, text).await
}

/// Rehearses the chosen script unattended as a job (its result: a DemoReport).
#[tauri::command]
pub async fn rehearse_demo(
    state: State<'_, AppState>,
    env: String,
    answer: Confirmation,
) -> Result<u64, AppError> {
    let view = state.shows.view(&state.console, &env).await?;
    let script = demo::script::load(&view.source)?;
    let console = state.console.clone();
    let title = format!("Rehearse {} on {env}", script.title);
    let job_env = env.clone();
    let spec = JobSpec {
        kind: "demo.rehearse",
        environment: Some(&job_env),
        title: &title,
        cancellable: false,
    };
    Ok(state.jobs.spawn(spec, move |job| async move {
        let progress = job.progress();
        let report: DemoReport = console
            .demo_rehearse(&env, &script, answer, |step| progress.emit(step))
            .await?;
        Ok(Some(report))
    }))
}

/// The monitors the audience window can go to: their names and sizes.
#[tauri::command]
pub fn demo_monitors(app: AppHandle) -> Result<Vec<String>, AppError> {
    window::monitor_names(&app)
}

/// Opens (or brings back) the audience window for `env`'s demo, on monitor `monitor` when it
/// exists (else the presenter's own), full screen when asked.
#[tauri::command]
pub async fn open_audience(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
    monitor: Option<u32>,
    fullscreen: bool,
) -> Result<String, AppError> {
    let view = state.shows.view(&state.console, &env).await?;
    pushed(&app, &state, view);
    window::open_audience(&app, monitor, fullscreen)
}

/// What the audience window shows now.
#[tauri::command]
pub fn demo_audience(state: State<'_, AppState>) -> AudienceView {
    state.shows.audience()
}

/// Tells both windows what changed.
fn pushed(app: &AppHandle, state: &AppState, view: DemoView) -> DemoView {
    let _ = app.emit(DEMO_UPDATED, state.shows.audience());
    view
}
