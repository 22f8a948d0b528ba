//! A demo on stage in the window: the presenter's script and progress (saved after every change,
//! so a crash or restart resumes at the same step with what the steps captured), the answer they
//! gave the write policy when it started, the timer, and the black screen. The audience sees an
//! [`AudienceView`]: the current step's visible result and nothing else.

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use ts_rs::TS;

use super::run::{StepStatus, Visible, random_hex};
use super::script::{self, Script};
use super::session::DemoProgress;
use crate::guard::Confirmation;
use crate::settings::ThemePreference;
use crate::{AppError, Console, ErrorCode, Result};

/// What the presenter window shows.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoView {
    pub environment: String,
    /// The script chosen (a shipped name or a file's path).
    pub source: String,
    #[ts(optional)]
    pub script: Option<Script>,
    /// Why the script could not be read (its path, line and what is wrong).
    #[ts(optional)]
    pub script_error: Option<String>,
    #[ts(optional)]
    pub progress: Option<DemoProgress>,
    /// The demo is on stage in this run of the app (false for progress saved before a restart:
    /// resuming asks the write policy again).
    pub live: bool,
    pub black: bool,
}

/// What the audience window shows: the current step's title and visible result, in large type.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AudienceView {
    pub environment: String,
    pub title: String,
    #[ts(optional)]
    pub step: Option<AudienceStep>,
    pub black: bool,
    /// The demo went past its last step.
    pub finished: bool,
    /// The operator's theme, which the audience window follows.
    pub theme: ThemePreference,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AudienceStep {
    pub index: usize,
    pub total: usize,
    pub title: String,
    /// What the audience should see, until the step has been performed.
    pub expect: String,
    /// The step's result once performed; a failed step shows nothing of its error unless the
    /// presenter chose to show the error path.
    #[ts(optional)]
    pub visible: Option<Visible>,
}

struct Live {
    answer: Confirmation,
    /// When the timer last started counting (saved progress keeps what it counted before).
    since: Instant,
}

/// The demos of this run of the app, by environment.
#[derive(Default)]
pub struct Shows {
    inner: tokio::sync::Mutex<HashMap<String, Show>>,
    /// The audience's view, readable while a step is being performed.
    audience: std::sync::Mutex<AudienceView>,
}

#[derive(Default)]
struct Show {
    source: Option<String>,
    progress: Option<DemoProgress>,
    live: Option<Live>,
    black: bool,
}

fn not_started(env: &str) -> AppError {
    AppError::new(
        ErrorCode::Conflict,
        format!("No demo is on stage for {env}: start or resume it first"),
    )
}

impl Shows {
    async fn with<T>(
        &self,
        console: &Console,
        env: &str,
        change: impl AsyncFnOnce(&mut Show) -> Result<T>,
    ) -> Result<(T, DemoView)> {
        let mut shows = self.inner.lock().await;
        let show = shows.entry(env.to_owned()).or_default();
        if show.progress.is_none() {
            show.progress = DemoProgress::load(&console.paths.data_dir, env)?;
        }
        let out = change(show).await?;
        if let (Some(p), Some(live)) = (show.progress.as_mut(), show.live.as_mut()) {
            let now = Instant::now();
            p.elapsed_ms += u64::try_from((now - live.since).as_millis()).unwrap_or(0);
            live.since = now;
            p.save(&console.paths.data_dir)?;
        }
        let view = view(env, show);
        let theme = console.settings.get().preferences.theme;
        *self
            .audience
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = audience(&view, theme);
        Ok((out, view))
    }

    /// `change`, then the presenter's view.
    async fn changed(
        &self,
        console: &Console,
        env: &str,
        change: impl AsyncFnOnce(&mut Show) -> Result<()>,
    ) -> Result<DemoView> {
        Ok(self.with(console, env, change).await?.1)
    }

    /// The demo of `env` as the presenter sees it (saved progress read from disk).
    pub async fn view(&self, console: &Console, env: &str) -> Result<DemoView> {
        self.changed(console, env, async |_| Ok(())).await
    }

    /// What the audience sees now (never waits for a step being performed).
    pub fn audience(&self) -> AudienceView {
        self.audience
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Chooses the script `source` (a shipped name, or a file the operator chose in a dialog)
    /// for the next start; refused while a demo is in progress.
    pub async fn choose(&self, console: &Console, env: &str, source: &str) -> Result<DemoView> {
        let source = source.to_owned();
        self.changed(console, env, async |show| {
            if show.progress.as_ref().is_some_and(|p| !p.finished) {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "A demo is in progress: finish or start over before choosing another script",
                ));
            }
            script::load(&source)?;
            show.source = Some(source);
            Ok(())
        })
        .await
    }

    /// Starts the chosen script from its first step, with the presenter's answer to the write
    /// policy (the demo creates and deletes things). Reads `/metrics` for the metrics step.
    pub async fn start(
        &self,
        console: &Console,
        env: &str,
        answer: Confirmation,
    ) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            let source = show.source.clone().unwrap_or_else(|| "quick".to_owned());
            let script = script::load(&source)?;
            let stage = console.demo_stage(env, answer.clone()).await?;
            let mut progress = DemoProgress::new(env, &source, random_hex(3));
            progress.note(None, format!("started {} on {env}", script.title));
            if script.shows_metrics() {
                stage.baseline(&mut progress.captured).await;
            }
            show.progress = Some(progress);
            show.live = Some(Live {
                answer,
                since: Instant::now(),
            });
            show.black = false;
            Ok(())
        })
        .await
    }

    /// Takes up saved progress (after a crash or restart) with the presenter's answer.
    pub async fn resume(
        &self,
        console: &Console,
        env: &str,
        answer: Confirmation,
    ) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            console.demo_stage(env, answer.clone()).await?;
            let p = show.progress.as_mut().ok_or_else(|| not_started(env))?;
            p.note(None, format!("resumed at step {}", p.current + 1));
            show.live = Some(Live {
                answer,
                since: Instant::now(),
            });
            Ok(())
        })
        .await
    }

    /// Performs the current step (again, when it was performed before: a retry).
    pub async fn perform(&self, console: &Console, env: &str) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            perform_current(console, env, show).await
        })
        .await
    }

    /// What the presenter's "next" does (a clicker's Page Down): performs the current step when
    /// it has not been, else moves on. Presses are taken one after the other, so a double press
    /// performs the step and moves on, never skips one.
    pub async fn next(&self, console: &Console, env: &str) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            let p = show.progress.as_mut().ok_or_else(|| not_started(env))?;
            let script = script::load(&p.script)?;
            match script.steps.get(p.current) {
                Some(step) if p.result(&step.id).is_none() => {
                    perform_current(console, env, show).await
                }
                Some(_) => {
                    move_to(p, p.current + 1, script.steps.len());
                    Ok(())
                }
                None => Ok(()),
            }
        })
        .await
    }

    /// Moves to step `index` (back, or the end: the step count).
    pub async fn go(&self, console: &Console, env: &str, index: usize) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            let p = show.progress.as_mut().ok_or_else(|| not_started(env))?;
            let total = script::load(&p.script)?.steps.len();
            move_to(p, index, total);
            Ok(())
        })
        .await
    }

    /// Marks the current step skipped, or as showing its error path (the audience then sees the
    /// platform's error), and moves on.
    pub async fn mark(&self, console: &Console, env: &str, status: StepStatus) -> Result<DemoView> {
        if !matches!(status, StepStatus::Skipped | StepStatus::ErrorPath) {
            return Err(AppError::invalid_input(
                "A step is marked skipped or as showing its error path",
            ));
        }
        self.changed(console, env, async |show| {
            let p = show.progress.as_mut().ok_or_else(|| not_started(env))?;
            let script = script::load(&p.script)?;
            let step = script
                .steps
                .get(p.current)
                .ok_or_else(|| not_started(env))?;
            let mut result = p
                .result(&step.id)
                .cloned()
                .unwrap_or_else(|| super::StepResult {
                    step_id: step.id.clone(),
                    status,
                    check: String::new(),
                    visible: Visible::default(),
                    requests: 0,
                    duration_ms: 0,
                    error: None,
                });
            result.status = status;
            result.check = match status {
                StepStatus::Skipped => "skipped by the presenter".to_owned(),
                _ => format!(
                    "the error path shown: {}",
                    result.error.clone().unwrap_or_default()
                ),
            };
            if status == StepStatus::ErrorPath {
                let error = result.error.clone().unwrap_or_default();
                result.visible.headline = format!("{} — the platform says: {error}", step.title);
            }
            p.record(result);
            move_to(p, p.current + 1, script.steps.len());
            Ok(())
        })
        .await
    }

    pub async fn black(&self, console: &Console, env: &str, on: bool) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            show.black = on;
            Ok(())
        })
        .await
    }

    /// Removes what the demo created on stage (after the demo, or after a resume), with the
    /// presenter's answer to the write policy; returns what was removed.
    pub async fn clean_up(
        &self,
        console: &Console,
        env: &str,
        answer: Confirmation,
    ) -> Result<(Vec<String>, DemoView)> {
        self.with(console, env, async |show| {
            let p = show.progress.as_mut().ok_or_else(|| not_started(env))?;
            let stage = console.demo_stage(env, answer).await?;
            let removed = stage.remove_created(&mut p.captured).await?;
            p.note(
                None,
                format!(
                    "cleaned up: {}",
                    if removed.is_empty() {
                        "nothing left".to_owned()
                    } else {
                        removed.join(", ")
                    }
                ),
            );
            p.save(&console.paths.data_dir)?;
            Ok(removed)
        })
        .await
    }

    /// Forgets the demo's progress (starting over); what it created stays until cleaned up.
    pub async fn forget(&self, console: &Console, env: &str) -> Result<DemoView> {
        self.changed(console, env, async |show| {
            show.progress = None;
            show.live = None;
            show.black = false;
            DemoProgress::forget(&console.paths.data_dir, env)
        })
        .await
    }
}

fn move_to(p: &mut DemoProgress, index: usize, total: usize) {
    p.current = index.min(total);
    p.finished = p.current == total;
}

/// Performs the step on screen with the presenter's answer, and keeps its result.
async fn perform_current(console: &Console, env: &str, show: &mut Show) -> Result<()> {
    let live = show.live.as_ref().ok_or_else(|| not_started(env))?;
    let p = show.progress.as_mut().ok_or_else(|| not_started(env))?;
    let script = script::load(&p.script)?;
    let step = script.steps.get(p.current).ok_or_else(|| {
        AppError::invalid_input("The demo is at its end: there is no step to perform")
    })?;
    if p.result(&step.id).is_some() {
        p.note(Some(&step.id), "retry");
    }
    let mut stage = console.demo_stage(env, live.answer.clone()).await?;
    stage.run_id = p.run_id.clone();
    let result = stage.perform(step, &mut p.captured).await;
    p.record(result);
    Ok(())
}

fn view(env: &str, show: &Show) -> DemoView {
    let source = show
        .progress
        .as_ref()
        .map(|p| p.script.clone())
        .or_else(|| show.source.clone())
        .unwrap_or_else(|| "quick".to_owned());
    let (script, script_error) = match script::load(&source) {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e.message)),
    };
    DemoView {
        environment: env.to_owned(),
        source,
        script,
        script_error,
        progress: show.progress.clone(),
        live: show.live.is_some(),
        black: show.black,
    }
}

fn audience(view: &DemoView, theme: ThemePreference) -> AudienceView {
    let title = view
        .script
        .as_ref()
        .map(|s| s.title.clone())
        .unwrap_or_default();
    let step = match (&view.script, &view.progress) {
        (Some(script), Some(p)) => script.steps.get(p.current).map(|s| AudienceStep {
            index: p.current,
            total: script.steps.len(),
            title: s.title.clone(),
            expect: s.audience.clone(),
            visible: p
                .result(&s.id)
                .filter(|r| r.status != StepStatus::Failed)
                .map(|r| r.visible.clone()),
        }),
        _ => None,
    };
    AudienceView {
        environment: view.environment.clone(),
        title,
        step,
        black: view.black,
        finished: view.progress.as_ref().is_some_and(|p| p.finished),
        theme,
    }
}
