//! Health and metrics: one background task per environment polls it (afc-core decides how often
//! and keeps the history); the window reads the views.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use afc_core::AppError;
use afc_core::charts::{Chart, ChartTheme, render_svg, sparkline_svg};
use afc_core::health::settings::HealthSettings;
use afc_core::health::watch::{EnvHealthView, WatchState};
use tauri::{AppHandle, State};

use crate::dialogs::{self, Choice};
use crate::state::AppState;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here is left half-updated by a panic: use the data as it is.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every environment's latest health, metrics and history (the watchers keep them; the window
/// reads again when told `health-updated`).
#[tauri::command]
pub async fn health_overview(state: State<'_, AppState>) -> Result<Vec<EnvHealthView>, AppError> {
    state.watchers()?.views(chrono::Utc::now())
}

/// Polls an environment now instead of at its next turn.
#[tauri::command]
pub async fn health_check_now(state: State<'_, AppState>, env: String) -> Result<(), AppError> {
    state.watchers()?.check_now(&env)
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
    state.watchers()?.save_settings(settings)
}

/// One environment's watch state.
fn watched_state(state: &AppState, env: &str) -> Result<Arc<Mutex<WatchState>>, AppError> {
    state.watchers()?.state(env)
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

/// Writes an environment's history (up to a day) as CSV to a file the operator chooses; the path
/// written, or None if they cancelled.
#[tauri::command]
pub async fn export_health_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    env: String,
) -> Result<Option<String>, AppError> {
    let watched = watched_state(&state, &env)?;
    let csv = lock(&watched).csv();
    let choice = Choice {
        title: "Export the health history",
        filter: ("CSV", &["csv"]),
    };
    dialogs::save_as(&app, choice, &format!("{env}-health.csv"), csv).await
}

/// Writes a chart the window rendered to PNG (from the SVG above, at presentation size) to a
/// file the operator chooses; the path written, or None if they cancelled.
#[tauri::command]
pub async fn save_chart_png(
    app: AppHandle,
    name: String,
    png: Vec<u8>,
) -> Result<Option<String>, AppError> {
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(AppError::invalid_input("The chart image is not a PNG"));
    }
    let choice = Choice {
        title: "Save the chart as PNG",
        filter: ("PNG image", &["png"]),
    };
    dialogs::save_as(&app, choice, &name, png).await
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
