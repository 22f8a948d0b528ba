//! The watchers: one background task per environment that polls it, records the history and
//! tells whoever listens (the window's events, desktop notifications) after each poll. Started
//! deliberately ([`Watchers::sync`] at start-up and when the environment list changes), never as
//! a side effect of a read; each one is a job, so its log is in the jobs list.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::settings::HealthSettings;
use super::watch::{EnvHealthView, WatchState, poll};
use crate::console::Console;
use crate::jobs::{JobHandle, JobOutcome, JobSpec, Jobs};
use crate::{AppError, ErrorCode, Result};

/// Told after every poll of an environment, with its watch (to notify, or to push the view).
pub type OnPoll = Arc<dyn Fn(&str, &WatchState, &HealthSettings) + Send + Sync>;

struct Watched {
    state: Arc<Mutex<WatchState>>,
    wake: Arc<Notify>,
    job: JobHandle,
    task: JoinHandle<()>,
}

pub struct Watchers {
    console: Arc<Console>,
    jobs: Arc<Jobs>,
    on_poll: OnPoll,
    watched: Mutex<HashMap<String, Watched>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here is left half-updated by a panic: use the data as it is.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The history file of an environment, in the data folder (one per environment, kept across
/// restarts); the name is reduced to safe characters.
fn history_file(console: &Console, env: &str) -> std::path::PathBuf {
    let file: String = env
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    console
        .paths
        .data_dir
        .join("health")
        .join(format!("{file}.jsonl"))
}

fn not_watched(env: &str) -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        format!("\"{env}\" is not being watched"),
    )
}

impl Watchers {
    pub fn new(console: Arc<Console>, jobs: Arc<Jobs>, on_poll: OnPoll) -> Arc<Self> {
        Arc::new(Self {
            console,
            jobs,
            on_poll,
            watched: Mutex::new(HashMap::new()),
        })
    }

    /// The saved environments' names, in the settings' order.
    fn names(&self) -> Result<Vec<String>> {
        Ok(self
            .console
            .environments()?
            .environments
            .into_iter()
            .map(|e| e.name)
            .collect())
    }

    /// Watches every saved environment: starts those not watched yet, stops those deleted.
    pub fn sync(self: &Arc<Self>) -> Result<()> {
        let names = self.names()?;
        let mut watched = lock(&self.watched);
        watched.retain(|name, w| {
            let keep = names.contains(name);
            if !keep {
                w.task.abort();
                w.job.log("The environment was removed: no longer watched");
                w.job.finish(JobOutcome::Cancelled { result: None });
            }
            keep
        });
        let budget = self.console.health_settings().budget_bytes();
        for name in names {
            if watched.contains_key(&name) {
                continue;
            }
            let state = Arc::new(Mutex::new(
                WatchState::open(history_file(&self.console, &name)).with_budget(budget),
            ));
            let wake = Arc::new(Notify::new());
            let job = self.jobs.start_background(JobSpec {
                kind: "health.watch",
                environment: Some(&name),
                title: &format!("Watching {name}'s health"),
                cancellable: false,
            });
            let task = tokio::spawn(self.clone().watch(
                name.clone(),
                state.clone(),
                wake.clone(),
                job.clone(),
            ));
            watched.insert(
                name,
                Watched {
                    state,
                    wake,
                    job,
                    task,
                },
            );
        }
        Ok(())
    }

    async fn watch(
        self: Arc<Self>,
        env: String,
        state: Arc<Mutex<WatchState>>,
        wake: Arc<Notify>,
        job: JobHandle,
    ) {
        loop {
            let settings = self.console.health_settings();
            let policy = settings.policy();
            let delay = match poll(&self.console, &env).await {
                Ok(p) => {
                    let overall = p.health.overall;
                    let mut watch = lock(&state);
                    let delay = watch.record(p, &policy);
                    job.log(format!("{overall:?}; next check in {} s", delay.as_secs()));
                    (self.on_poll)(&env, &watch, &settings);
                    delay
                }
                // The environment was deleted: the next sync stops this task anyway.
                Err(e) if e.code == ErrorCode::NotFound => return,
                Err(e) => {
                    tracing::warn!(environment = %env, error = %e.message, "health poll failed");
                    job.log(format!("The poll failed: {}", e.message));
                    policy.max
                }
            };
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = wake.notified() => {}
            }
        }
    }

    /// Every watched environment's latest health, metrics and history, in the settings' order.
    pub fn views(&self, now: DateTime<Utc>) -> Result<Vec<EnvHealthView>> {
        let names = self.names()?;
        let watched = lock(&self.watched);
        Ok(names
            .iter()
            .filter_map(|n| watched.get(n).map(|w| lock(&w.state).view(n, now)))
            .collect())
    }

    /// Polls an environment now instead of at its next turn.
    pub fn check_now(&self, env: &str) -> Result<()> {
        let watched = lock(&self.watched);
        let w = watched.get(env).ok_or_else(|| not_watched(env))?;
        w.wake.notify_one();
        Ok(())
    }

    /// One environment's watch state.
    pub fn state(&self, env: &str) -> Result<Arc<Mutex<WatchState>>> {
        lock(&self.watched)
            .get(env)
            .map(|w| w.state.clone())
            .ok_or_else(|| not_watched(env))
    }

    /// Saves how health is watched and applies it at once: every watch takes the new budget,
    /// and a new interval counts from now (each watch polls again).
    pub fn save_settings(&self, settings: HealthSettings) -> Result<HealthSettings> {
        let before = self.console.health_settings();
        let saved = self.console.save_health_settings(settings)?;
        for w in lock(&self.watched).values() {
            lock(&w.state).set_budget(saved.budget_bytes());
            if saved.interval_seconds != before.interval_seconds {
                w.wake.notify_one();
            }
        }
        Ok(saved)
    }
}
