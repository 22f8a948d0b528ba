//! Long work that outlives the screen that started it: a job has an id, a kind, an environment,
//! a start time, progress events in a bounded buffer, a cancel that wakes whoever waits on it,
//! and an outcome. [`Jobs`] holds them; a subscriber gets what happened before it arrived
//! (replay) and then each new event, so a window that reloads or a section opened later shows
//! the whole log. A job that panics is reported failed, never lost.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::mpsc;
use ts_rs::TS;

use crate::progress::{Cancel, Progress};
use crate::{AppError, ErrorCode, Result};

/// Events kept per job; older ones are dropped (and counted) so a chatty job cannot grow
/// without bound.
pub const EVENT_CAPACITY: usize = 2000;

/// Finished jobs kept for their logs.
pub const KEEP_FINISHED: usize = 50;

pub type JobId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct JobProgress {
    pub done: u32,
    pub total: u32,
}

/// One line of a job's log, with its progress and the feature's own event (for the section
/// that knows its shape).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct JobEvent {
    /// Numbers the events of one job from 1, so a subscriber can tell a repeat.
    #[ts(type = "number")]
    pub seq: u64,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub message: String,
    pub progress: Option<JobProgress>,
    #[ts(optional, type = "unknown")]
    pub detail: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum JobOutcome {
    Succeeded {
        #[ts(type = "unknown")]
        result: serde_json::Value,
    },
    Failed {
        error: AppError,
    },
    /// Stopped at a safe point; what was done by then, if the work reports it.
    Cancelled {
        #[ts(optional, type = "unknown")]
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<serde_json::Value>,
    },
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct JobInfo {
    #[ts(type = "number")]
    pub id: JobId,
    /// `migration.apply`, `secrets.import`, `health.watch`, …
    pub kind: String,
    pub environment: Option<String>,
    pub title: String,
    #[ts(type = "string")]
    pub started_at: DateTime<Utc>,
    #[ts(optional, type = "string")]
    pub finished_at: Option<DateTime<Utc>>,
    pub state: JobState,
    pub progress: Option<JobProgress>,
    pub last_message: String,
    /// Events dropped from the front of the log to keep it bounded.
    #[ts(type = "number")]
    pub dropped_events: u64,
    pub cancellable: bool,
    /// Runs for the program's life (a health watcher), rather than to an end.
    pub background: bool,
    pub outcome: Option<JobOutcome>,
}

/// What a job is, for the list and the log: its kind (`migration.apply`), its environment, its
/// title, and whether it can be stopped once started.
#[derive(Debug, Clone, Copy)]
pub struct JobSpec<'a> {
    pub kind: &'a str,
    pub environment: Option<&'a str>,
    pub title: &'a str,
    pub cancellable: bool,
}

/// What a subscriber receives: each event of the log, then the job's end.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum JobUpdate {
    Event(JobEvent),
    Finished(JobInfo),
}

/// A feature's progress event, as a job's log line.
pub trait JobEventSource: Serialize {
    fn line(&self) -> String;
    fn progress(&self) -> Option<JobProgress> {
        None
    }
}

struct Entry {
    info: JobInfo,
    events: VecDeque<JobEvent>,
    next_seq: u64,
    subscribers: Vec<mpsc::UnboundedSender<JobUpdate>>,
    cancel: Cancel,
}

#[derive(Default)]
struct Registry {
    next_id: JobId,
    jobs: Vec<Entry>,
}

impl Registry {
    fn entry(&self, id: JobId) -> Result<&Entry> {
        self.jobs
            .iter()
            .find(|e| e.info.id == id)
            .ok_or_else(|| not_found(id))
    }

    fn entry_mut(&mut self, id: JobId) -> Result<&mut Entry> {
        self.jobs
            .iter_mut()
            .find(|e| e.info.id == id)
            .ok_or_else(|| not_found(id))
    }
}

type OnChange = Arc<dyn Fn(&JobInfo) + Send + Sync>;

/// Every job of this program, running and recently finished.
#[derive(Default)]
pub struct Jobs {
    registry: Mutex<Registry>,
    /// Told whenever a job starts or finishes (the window's jobs indicator).
    on_change: Mutex<Option<OnChange>>,
}

/// What [`Jobs::subscribe`] returns: the log so far, then the updates.
pub struct Subscription {
    pub info: JobInfo,
    pub replay: Vec<JobEvent>,
    /// None when the job had already finished (the replay is everything).
    pub updates: Option<mpsc::UnboundedReceiver<JobUpdate>>,
}

fn not_found(id: JobId) -> AppError {
    AppError::new(ErrorCode::NotFound, format!("There is no job {id}"))
}

impl Jobs {
    fn lock(&self) -> MutexGuard<'_, Registry> {
        // Each change below completes under the lock; a panic cannot leave one half-made.
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Calls `f` with a job's summary whenever one starts or finishes.
    pub fn on_change(&self, f: impl Fn(&JobInfo) + Send + Sync + 'static) {
        *self
            .on_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(f));
    }

    fn changed(&self, info: &JobInfo) {
        let f = self
            .on_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(f) = f {
            f(info);
        }
    }

    /// Registers a running job and returns its handle.
    pub fn start(self: &Arc<Self>, spec: JobSpec<'_>) -> JobHandle {
        self.register(spec, false)
    }

    /// Registers work that runs for the program's life (it is stopped by the program, not the
    /// operator).
    pub fn start_background(self: &Arc<Self>, spec: JobSpec<'_>) -> JobHandle {
        self.register(spec, true)
    }

    fn register(self: &Arc<Self>, spec: JobSpec<'_>, background: bool) -> JobHandle {
        let JobSpec {
            kind,
            environment,
            title,
            cancellable,
        } = spec;
        let cancel = Cancel::default();
        let info = {
            let mut r = self.lock();
            r.next_id += 1;
            let info = JobInfo {
                id: r.next_id,
                kind: kind.to_owned(),
                environment: environment.map(str::to_owned),
                title: title.to_owned(),
                started_at: Utc::now(),
                finished_at: None,
                state: JobState::Running,
                progress: None,
                last_message: String::new(),
                dropped_events: 0,
                cancellable,
                background,
                outcome: None,
            };
            r.jobs.push(Entry {
                info: info.clone(),
                events: VecDeque::new(),
                next_seq: 1,
                subscribers: Vec::new(),
                cancel: cancel.clone(),
            });
            info
        };
        tracing::info!(
            job = info.id,
            kind,
            environment = environment.unwrap_or("-"),
            "job started"
        );
        self.changed(&info);
        JobHandle {
            jobs: self.clone(),
            id: info.id,
            cancel,
        }
    }

    /// Runs `work` as a job on the async runtime and returns its id at once. Its `Ok` value is
    /// the job's result; an error, a cancel or a panic is its outcome too.
    pub fn spawn<T, F, Fut>(self: &Arc<Self>, spec: JobSpec<'_>, work: F) -> JobId
    where
        T: Serialize + Send + 'static,
        F: FnOnce(JobHandle) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        let handle = self.start(spec);
        let id = handle.id;
        let finisher = handle.clone();
        let task = tokio::spawn(work(handle));
        tokio::spawn(async move {
            let outcome = match task.await {
                Ok(Ok(value)) if finisher.cancel.is_cancelled() => JobOutcome::Cancelled {
                    result: serde_json::to_value(value).ok(),
                },
                Ok(Ok(value)) => JobOutcome::Succeeded {
                    result: serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
                },
                Ok(Err(error)) => JobOutcome::Failed { error },
                Err(e) => {
                    let why = if e.is_panic() {
                        panic_text(e.into_panic())
                    } else {
                        "it was stopped".to_owned()
                    };
                    tracing::error!(job = id, reason = %why, "job ended unexpectedly");
                    JobOutcome::Failed {
                        error: AppError::internal(
                            "The job stopped unexpectedly (a bug in the console)",
                        )
                        .with_details(why),
                    }
                }
            };
            finisher.finish(outcome);
        });
        id
    }

    /// Every job, newest first.
    pub fn list(&self) -> Vec<JobInfo> {
        self.lock()
            .jobs
            .iter()
            .rev()
            .map(|e| e.info.clone())
            .collect()
    }

    /// The newest `n` jobs' logs, for the diagnostics bundle.
    pub fn recent_logs(&self, n: usize) -> Vec<crate::diagnostics::JobLog> {
        self.lock()
            .jobs
            .iter()
            .rev()
            .take(n)
            .map(|e| crate::diagnostics::JobLog {
                title: e.info.title.clone(),
                state: format!("{:?}", e.info.state),
                lines: e.events.iter().map(|ev| ev.message.clone()).collect(),
            })
            .collect()
    }

    pub fn info(&self, id: JobId) -> Result<JobInfo> {
        self.lock().entry(id).map(|e| e.info.clone())
    }

    /// The job's log so far and, while it runs, its updates from now on: nothing is missed or
    /// repeated between the two, because both are taken under one lock.
    pub fn subscribe(&self, id: JobId) -> Result<Subscription> {
        let mut r = self.lock();
        let entry = r.entry_mut(id)?;
        let replay = entry.events.iter().cloned().collect();
        let updates = (entry.info.state == JobState::Running).then(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            entry.subscribers.push(tx);
            rx
        });
        Ok(Subscription {
            info: entry.info.clone(),
            replay,
            updates,
        })
    }

    /// Asks a running job to stop at its next safe point. False if it already finished.
    pub fn cancel(&self, id: JobId) -> Result<bool> {
        let r = self.lock();
        let entry = r.entry(id)?;
        if entry.info.state != JobState::Running {
            return Ok(false);
        }
        if !entry.info.cancellable {
            return Err(AppError::invalid_input(format!(
                "\"{}\" cannot be cancelled once it has started",
                entry.info.title
            )));
        }
        entry.cancel.cancel();
        tracing::info!(job = id, "job cancel requested");
        Ok(true)
    }

    fn push(
        &self,
        id: JobId,
        message: String,
        progress: Option<JobProgress>,
        detail: Option<serde_json::Value>,
    ) {
        let mut r = self.lock();
        let Ok(entry) = r.entry_mut(id) else {
            return;
        };
        let event = JobEvent {
            seq: entry.next_seq,
            at: Utc::now(),
            message,
            progress,
            detail,
        };
        entry.next_seq += 1;
        if entry.events.len() == EVENT_CAPACITY {
            entry.events.pop_front();
            entry.info.dropped_events += 1;
        }
        entry.info.last_message.clone_from(&event.message);
        if event.progress.is_some() {
            entry.info.progress = event.progress;
        }
        entry
            .subscribers
            .retain(|s| s.send(JobUpdate::Event(event.clone())).is_ok());
        entry.events.push_back(event);
    }

    fn finish(&self, id: JobId, outcome: JobOutcome) {
        let info = {
            let mut r = self.lock();
            let Ok(entry) = r.entry_mut(id) else {
                return;
            };
            if entry.info.state != JobState::Running {
                return;
            }
            entry.info.state = match &outcome {
                JobOutcome::Succeeded { .. } => JobState::Succeeded,
                JobOutcome::Failed { .. } => JobState::Failed,
                JobOutcome::Cancelled { .. } => JobState::Cancelled,
            };
            if let JobOutcome::Failed { error } = &outcome {
                entry.info.last_message.clone_from(&error.message);
            }
            entry.info.finished_at = Some(Utc::now());
            entry.info.outcome = Some(outcome);
            let info = entry.info.clone();
            for s in entry.subscribers.drain(..) {
                let _ = s.send(JobUpdate::Finished(info.clone()));
            }
            // Keep the newest finished jobs; running ones are never dropped.
            let finished = r
                .jobs
                .iter()
                .filter(|e| e.info.state != JobState::Running)
                .count();
            let mut excess = finished.saturating_sub(KEEP_FINISHED);
            r.jobs.retain(|e| {
                if excess > 0 && e.info.state != JobState::Running {
                    excess -= 1;
                    false
                } else {
                    true
                }
            });
            info
        };
        tracing::info!(job = id, state = ?info.state, "job finished");
        self.changed(&info);
    }
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// What a job's work holds: where to report, and whether to stop.
#[derive(Clone)]
pub struct JobHandle {
    jobs: Arc<Jobs>,
    pub id: JobId,
    cancel: Cancel,
}

impl JobHandle {
    pub fn log(&self, message: impl Into<String>) {
        self.jobs.push(self.id, message.into(), None, None);
    }

    pub fn emit<E: JobEventSource>(&self, event: &E) {
        self.jobs.push(
            self.id,
            event.line(),
            event.progress(),
            serde_json::to_value(event).ok(),
        );
    }

    /// A progress sink that turns a feature's events into this job's log.
    pub fn progress<E: JobEventSource + Send + 'static>(&self) -> Progress<E> {
        let handle = self.clone();
        Progress::new(move |event: E| handle.emit(&event))
    }

    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Ends the job (for work not started with [`Jobs::spawn`], such as a watcher stopped by
    /// the program).
    pub fn finish(&self, outcome: JobOutcome) {
        self.jobs.finish(self.id, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(title: &str, cancellable: bool) -> JobSpec<'_> {
        JobSpec {
            kind: "test",
            environment: Some("dev"),
            title,
            cancellable,
        }
    }

    #[derive(Serialize)]
    struct Step(u32);

    impl JobEventSource for Step {
        fn line(&self) -> String {
            format!("step {}", self.0)
        }
        fn progress(&self) -> Option<JobProgress> {
            Some(JobProgress {
                done: self.0,
                total: 3,
            })
        }
    }

    async fn finished(jobs: &Jobs, id: JobId) -> JobInfo {
        let mut sub = jobs.subscribe(id).unwrap();
        if let Some(updates) = sub.updates.as_mut() {
            while let Some(u) = updates.recv().await {
                if let JobUpdate::Finished(info) = u {
                    return info;
                }
            }
        }
        jobs.info(id).unwrap()
    }

    #[tokio::test]
    async fn a_late_subscriber_gets_the_whole_log_then_the_rest() {
        let jobs = Arc::new(Jobs::default());
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let id = jobs.spawn(spec("three steps", false), |job| async move {
            job.emit(&Step(1));
            job.emit(&Step(2));
            wait.await.ok();
            job.emit(&Step(3));
            Ok(42)
        });
        // Subscribe once the first two steps are in.
        let mut sub = loop {
            let sub = jobs.subscribe(id).unwrap();
            if sub.replay.len() == 2 {
                break sub;
            }
            tokio::task::yield_now().await;
        };
        go.send(()).unwrap();
        let replayed: Vec<String> = sub.replay.iter().map(|e| e.message.clone()).collect();
        assert_eq!(replayed, ["step 1", "step 2"]);
        let updates = sub.updates.as_mut().unwrap();
        match updates.recv().await.unwrap() {
            JobUpdate::Event(e) => assert_eq!((e.seq, e.message.as_str()), (3, "step 3")),
            other => panic!("{other:?}"),
        }
        match updates.recv().await.unwrap() {
            JobUpdate::Finished(info) => {
                assert_eq!(info.state, JobState::Succeeded);
                assert_eq!(info.progress, Some(JobProgress { done: 3, total: 3 }));
                assert!(
                    matches!(info.outcome, Some(JobOutcome::Succeeded { ref result }) if result == 42)
                );
            }
            other => panic!("{other:?}"),
        }
        // After it finished: the replay is everything, with no update stream.
        let after = jobs.subscribe(id).unwrap();
        assert_eq!(after.replay.len(), 3);
        assert!(after.updates.is_none());
    }

    #[tokio::test]
    async fn cancel_wakes_the_work_and_is_the_outcome() {
        let jobs = Arc::new(Jobs::default());
        let id = jobs.spawn(spec("waits", true), |job| async move {
            job.cancel().cancelled().await;
            Ok(())
        });
        assert!(jobs.cancel(id).unwrap());
        let info = finished(&jobs, id).await;
        assert_eq!(info.state, JobState::Cancelled);
        assert!(
            !jobs.cancel(id).unwrap(),
            "a finished job cannot be cancelled again"
        );
        let uncancellable = jobs.spawn(spec("adopt", false), |_| async { Ok(()) });
        let e = jobs.cancel(uncancellable);
        assert!(e.is_err() || !e.unwrap());
    }

    #[tokio::test]
    async fn a_job_that_panics_is_reported_failed() {
        let jobs = Arc::new(Jobs::default());
        let id = jobs.spawn(spec("buggy", false), |_| async {
            if true {
                panic!("index out of range");
            }
            Ok(())
        });
        let info = finished(&jobs, id).await;
        assert_eq!(info.state, JobState::Failed);
        match info.outcome {
            Some(JobOutcome::Failed { error }) => {
                assert_eq!(error.code, ErrorCode::Internal);
                assert_eq!(error.details.as_deref(), Some("index out of range"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn the_log_is_bounded_and_counts_what_it_dropped() {
        let jobs = Arc::new(Jobs::default());
        let job = jobs.start(spec("chatty", false));
        for i in 0..EVENT_CAPACITY + 5 {
            job.log(format!("line {i}"));
        }
        let sub = jobs.subscribe(job.id).unwrap();
        assert_eq!(sub.replay.len(), EVENT_CAPACITY);
        assert_eq!(sub.replay[0].message, "line 5");
        assert_eq!(sub.info.dropped_events, 5);
        job.finish(JobOutcome::Cancelled { result: None });
        assert_eq!(jobs.info(job.id).unwrap().state, JobState::Cancelled);
    }

    #[tokio::test]
    async fn only_the_newest_finished_jobs_are_kept() {
        let jobs = Arc::new(Jobs::default());
        let running = jobs.start(spec("still running", false));
        for _ in 0..KEEP_FINISHED + 3 {
            jobs.start(spec("done", false))
                .finish(JobOutcome::Cancelled { result: None });
        }
        let list = jobs.list();
        assert_eq!(list.len(), KEEP_FINISHED + 1);
        assert!(list.iter().any(|j| j.id == running.id));
    }
}
