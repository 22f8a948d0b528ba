//! What the backend pushes to the window instead of the window polling: a job started or
//! finished, an environment's health was polled, the environments changed (here or by afctl,
//! seen by watching the settings file). The names are mirrored in ui/src/backend/events.ts.

use std::sync::Arc;
use std::time::Duration;

use afc_core::health::Health;
use afc_core::health::monitor::Incident;
use afc_core::health::settings::HealthSettings;
use afc_core::health::watch::WatchState;
use afc_core::health::watchers::Watchers;
use notify::{RecursiveMode, Watcher};
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

pub const JOBS_CHANGED: &str = "jobs-changed";
pub const HEALTH_UPDATED: &str = "health-updated";
pub const ENVIRONMENTS_CHANGED: &str = "environments-changed";
pub const SMOKE_UPDATED: &str = "smoke-updated";
/// The demo on stage changed (payload: what the audience sees now).
pub const DEMO_UPDATED: &str = "demo-updated";

/// How often the smoke schedule is looked at (the shortest interval is a minute).
const SMOKE_TICK: Duration = Duration::from_secs(20);

/// A burst of file events (write, rename) becomes one change.
const SETTLE: Duration = Duration::from_millis(200);

/// Starts what runs for the app's life: the jobs indicator's feed, the health watchers, and the
/// watch on the settings file.
pub fn start(app: &AppHandle) -> Result<(), Box<dyn std::error::Error>> {
    let state = app.state::<AppState>();
    let emitter = app.clone();
    state.jobs.on_change(move |info| {
        let _ = emitter.emit(JOBS_CHANGED, info.id);
    });
    let notifier = app.clone();
    let watchers = Watchers::new(
        state.console.clone(),
        state.jobs.clone(),
        Arc::new(
            move |env: &str, watch: &WatchState, settings: &HealthSettings| {
                if settings.notifications {
                    notify(env, &watch.latest_changes());
                }
                let _ = notifier.emit(HEALTH_UPDATED, env);
            },
        ),
    );
    // Inside the app's runtime: the watchers spawn their tasks there.
    tauri::async_runtime::block_on(async { watchers.sync() })?;
    let _ = state.watchers.set(watchers);
    watch_settings(app)?;
    run_smoke_schedule(app);
    Ok(())
}

/// Runs the scheduled smoke suites that are due, every tick, for the app's life; tells the
/// window after each run, and the desktop when a critical check started failing or was fixed
/// (when health notifications are on: one setting for both).
fn run_smoke_schedule(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(SMOKE_TICK);
        loop {
            tick.tick().await;
            let state = app.state::<AppState>();
            for (env, report) in state.console.run_due_smoke(&state.jobs).await {
                let _ = app.emit(SMOKE_UPDATED, &env);
                if state.console.health_settings().notifications
                    && let Some((title, body)) = afc_core::smoke::notice(&env, &report)
                {
                    crate::desktop::notify(title, body);
                }
            }
        }
    });
}

/// Re-reads the settings when the file changes (the window's own saves, or afctl's), tells the
/// window, and watches any environment added.
fn watch_settings(app: &AppHandle) -> notify::Result<()> {
    let state = app.state::<AppState>();
    let file = state.console.settings.path().to_path_buf();
    let dir = state.console.paths.config_dir.clone();
    std::fs::create_dir_all(&dir)?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| e.paths.iter().any(|p| p == &file)) {
            let _ = tx.send(());
        }
    })?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Kept alive by this task, which lives as long as the app.
        let _watcher = watcher;
        while rx.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            let state = app.state::<AppState>();
            if let Err(e) = state.console.settings.reload() {
                tracing::warn!(error = %e.message, "the changed settings file could not be read");
                continue;
            }
            if let Ok(w) = state.watchers()
                && let Err(e) = w.sync()
            {
                tracing::warn!(error = %e.message, "could not update the health watchers");
            }
            let _ = app.emit(ENVIRONMENTS_CHANGED, ());
        }
    });
    Ok(())
}

/// A desktop notification per dependency that changed state. A desktop without a notification
/// service is not an error worth more than a log line.
fn notify(env: &str, changes: &[Incident]) {
    for c in changes {
        let body = match (&c.reason, c.to) {
            (_, Health::Healthy) => format!("{} recovered", c.dependency),
            (Some(reason), _) => reason.clone(),
            (None, to) => format!("{} is {to:?}", c.dependency).to_lowercase(),
        };
        let title = format!("{env}: {} {:?} → {:?}", c.dependency, c.from, c.to).to_lowercase();
        crate::desktop::notify(title, body);
    }
}
