//! Health and metrics: one background task per environment polls it (afc-core decides how often
//! and keeps the history); the window reads the views.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use afc_core::charts::{Chart, ChartTheme, render_svg, sparkline_svg};
use afc_core::health::Health;
use afc_core::health::monitor::Incident;
use afc_core::health::settings::HealthSettings;
use afc_core::health::watch::{EnvHealthView, WatchState, poll};
use afc_core::{AppError, Console, ErrorCode};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::Notify;

use crate::state::AppState;

struct Watched {
    state: Arc<Mutex<WatchState>>,
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

/// The environments being watched. How they are watched (interval, notifications, memory) is
/// in the settings file, read at every poll.
#[derive(Default)]
pub struct Monitors {
    watched: Mutex<HashMap<String, Watched>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here is left half-updated by a panic: use the data as it is.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Monitors {
    /// Starts a task for each environment not yet watched; stops those of deleted environments.
    fn sync(&self, app: &AppHandle, console: &Console, names: &[String]) {
        let mut watched = lock(&self.watched);
        watched.retain(|name, w| {
            let keep = names.contains(name);
            if !keep {
                w.task.abort();
            }
            keep
        });
        for name in names {
            watched.entry(name.clone()).or_insert_with(|| {
                // Kept across restarts in the data folder, one file per environment.
                let file: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let history = console
                    .paths
                    .data_dir
                    .join("health")
                    .join(format!("{file}.jsonl"));
                let state = Arc::new(Mutex::new(
                    WatchState::open(history).with_budget(console.health_settings().budget_bytes()),
                ));
                let wake = Arc::new(Notify::new());
                let task = tauri::async_runtime::spawn(watch(
                    app.clone(),
                    name.clone(),
                    state.clone(),
                    wake.clone(),
                ));
                Watched { state, wake, task }
            });
        }
    }
}

async fn watch(app: AppHandle, env: String, state: Arc<Mutex<WatchState>>, wake: Arc<Notify>) {
    loop {
        let app_state = app.state::<AppState>();
        let settings = app_state.console.health_settings();
        let policy = settings.policy();
        let delay = match poll(&app_state.console, &env).await {
            Ok(p) => {
                let mut watch = lock(&state);
                let delay = watch.record(p, &policy);
                if settings.notifications {
                    notify(&app, &env, &watch.latest_changes());
                }
                delay
            }
            // The environment was deleted: the next sync stops this task anyway.
            Err(e) if e.code == ErrorCode::NotFound => return,
            Err(e) => {
                tracing::warn!(environment = %env, error = %e.message, "health poll failed");
                policy.max
            }
        };
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = wake.notified() => {}
        }
    }
}

/// A desktop notification per dependency that changed state. A desktop without a notification
/// service is not an error worth more than a log line.
fn notify(app: &AppHandle, env: &str, changes: &[Incident]) {
    for c in changes {
        let body = match (&c.reason, c.to) {
            (_, Health::Healthy) => format!("{} recovered", c.dependency),
            (Some(reason), _) => reason.clone(),
            (None, to) => format!("{} is {to:?}", c.dependency).to_lowercase(),
        };
        let title = format!("{env}: {} {:?} → {:?}", c.dependency, c.from, c.to).to_lowercase();
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::info!(error = %e, "no desktop notification shown");
        }
    }
}

/// Every environment's latest health, metrics and history (starting their watchers if needed).
#[tauri::command]
pub async fn health_overview(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Vec<EnvHealthView>, AppError> {
    let names: Vec<String> = state
        .console
        .environments()?
        .environments
        .into_iter()
        .map(|e| e.name)
        .collect();
    state.monitors.sync(&app, &state.console, &names);
    let now = chrono::Utc::now();
    let watched = lock(&state.monitors.watched);
    Ok(names
        .iter()
        .filter_map(|n| watched.get(n).map(|w| lock(&w.state).view(n, now)))
        .collect())
}

/// Polls an environment now instead of at its next turn.
#[tauri::command]
pub async fn health_check_now(state: State<'_, AppState>, env: String) -> Result<(), AppError> {
    match lock(&state.monitors.watched).get(&env) {
        Some(w) => {
            w.wake.notify_one();
            Ok(())
        }
        None => Err(AppError::new(
            ErrorCode::NotFound,
            format!("\"{env}\" is not being watched"),
        )),
    }
}

/// How health is watched: the polling interval, notifications, memory per environment.
#[tauri::command]
pub async fn health_settings(state: State<'_, AppState>) -> Result<HealthSettings, AppError> {
    Ok(state.console.health_settings())
}

/// Saves how health is watched and applies it at once: every watch takes the new budget, and
/// a new interval counts from now (each watch polls again).
#[tauri::command]
pub async fn save_health_settings(
    state: State<'_, AppState>,
    settings: HealthSettings,
) -> Result<HealthSettings, AppError> {
    let before = state.console.health_settings();
    let saved = state.console.save_health_settings(settings)?;
    for w in lock(&state.monitors.watched).values() {
        lock(&w.state).set_budget(saved.budget_bytes());
        if saved.interval_seconds != before.interval_seconds {
            w.wake.notify_one();
        }
    }
    Ok(saved)
}

/// One environment's watch state, if it is being watched.
fn watched_state(state: &AppState, env: &str) -> Result<Arc<Mutex<WatchState>>, AppError> {
    lock(&state.monitors.watched)
        .get(env)
        .map(|w| w.state.clone())
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("\"{env}\" is not being watched"),
            )
        })
}

/// A chart of the last `minutes` of an environment's history, as SVG of `width`×`height`.
#[tauri::command]
pub async fn health_chart(
    state: State<'_, AppState>,
    env: String,
    chart: Chart,
    minutes: u32,
    theme: ChartTheme,
    width: u32,
    height: u32,
) -> Result<String, AppError> {
    let now = chrono::Utc::now();
    let from = now - chrono::Duration::minutes(i64::from(minutes.clamp(1, 24 * 60)));
    let watched = watched_state(&state, &env)?;
    let points = lock(&watched).points_since(from);
    render_svg(
        chart,
        &points,
        from,
        now,
        (width.clamp(200, 3840), height.clamp(120, 2160)),
        theme,
    )
}

/// Writes an environment's history (up to a day) as CSV to `path`.
#[tauri::command]
pub async fn export_health_csv(
    state: State<'_, AppState>,
    env: String,
    path: PathBuf,
) -> Result<(), AppError> {
    let watched = watched_state(&state, &env)?;
    let csv = lock(&watched).csv();
    std::fs::write(&path, csv).map_err(|e| AppError::io("write", &path, &e))
}

/// Writes a chart the window rendered to PNG (from the SVG above, at presentation size).
#[tauri::command]
pub async fn save_chart_png(path: PathBuf, png: Vec<u8>) -> Result<(), AppError> {
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(AppError::invalid_input("The chart image is not a PNG"));
    }
    std::fs::write(&path, png).map_err(|e| AppError::io("write", &path, &e))
}

/// A sparkline (SVG) of the request rate of each endpoint the last poll ranked busiest.
#[tauri::command]
pub async fn health_sparklines(
    state: State<'_, AppState>,
    env: String,
    minutes: u32,
    theme: ChartTheme,
) -> Result<Vec<(String, String)>, AppError> {
    let now = chrono::Utc::now();
    let from = now - chrono::Duration::minutes(i64::from(minutes.clamp(1, 24 * 60)));
    let watched = watched_state(&state, &env)?;
    let points = lock(&watched).points_since(from);
    let endpoints: Vec<String> = points
        .last()
        .map(|p| p.endpoints.iter().map(|(e, _)| e.clone()).collect())
        .unwrap_or_default();
    endpoints
        .into_iter()
        .map(|e| sparkline_svg(&e, &points, from, now, theme).map(|svg| (e, svg)))
        .collect()
}
