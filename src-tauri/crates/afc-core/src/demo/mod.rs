//! The platform's demo, run by the console: the demo data (seed, count, reset), the script as
//! data ([`script`]), the pre-demo checklist, performing steps on stage with saved progress
//! ([`session`]), and an unattended rehearsal. The demo refuses production-kind environments;
//! every write it makes goes through the write policy with the presenter's answer.

pub mod data;
mod run;
pub mod script;
mod session;
mod show;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

pub use data::{DemoRows, SeedOutcome, SeedPreview};
pub use run::{Captured, Stage, StepResult, StepStatus, Visible, random_hex};
pub use script::{Action, Check, Script};
pub use session::{DemoProgress, DemoReport, LogLine, ReportStep, clock, status_word};
pub use show::{AudienceStep, AudienceView, DemoView, Shows};

use crate::audit::{AuditAction, Event};
use crate::db::Database;
use crate::environments::EnvKind;
use crate::guard::{self, Confirmation, Decision};
use crate::migrate::MigrationSet;
use crate::probe::{ProbeStatus, probe_api};
use crate::{AppError, Console, ErrorCode, Result};

/// A database the demo data is written to: an environment's (with its kind) or one by URL.
pub struct DemoTarget {
    pub db: Arc<Database>,
    pub production: bool,
}

impl DemoTarget {
    /// A database given by URL: no environment, so open and not production.
    pub fn from_url(url: &str) -> Result<Self> {
        Ok(Self {
            db: Arc::new(Database::from_url(url)?),
            production: false,
        })
    }

    /// What the operator must do before `action` (seed or reset) here.
    pub fn decision(&self, action: AuditAction) -> Decision {
        if self.production {
            return Decision::Refused {
                reason: refusal(self.db.name()),
            };
        }
        guard::decide(action, &guard::what(action, None), &self.db.scope())
    }
}

fn refusal(name: &str) -> String {
    format!("\"{name}\" is a production environment: the demo never runs on production")
}

impl Console {
    pub async fn demo_target(&self, env_name: &str) -> Result<DemoTarget> {
        let env = self.environment(env_name)?;
        Ok(DemoTarget {
            db: self.database(env_name).await?,
            production: env.kind == EnvKind::Production,
        })
    }

    /// Seeds the demo data (a no-op that says so when the demo tenant exists), under the write
    /// policy and audited.
    pub async fn demo_seed(&self, t: &DemoTarget, answer: &Confirmation) -> Result<SeedOutcome> {
        self.demo_write(t, AuditAction::DemoSeed, answer, async |conn| {
            data::seed(conn, &t.db.label).await
        })
        .await
    }

    /// Removes the demo data and every row that references the demo tenant, under the write
    /// policy and audited.
    pub async fn demo_reset(&self, t: &DemoTarget, answer: &Confirmation) -> Result<DemoRows> {
        self.demo_write(t, AuditAction::DemoReset, answer, async |conn| {
            data::reset(conn, &t.db.label).await
        })
        .await
    }

    async fn demo_write<T>(
        &self,
        t: &DemoTarget,
        action: AuditAction,
        answer: &Confirmation,
        change: impl AsyncFnOnce(&mut sqlx::PgConnection) -> Result<T>,
    ) -> Result<T> {
        let event = Event::new(action, t.db.environment.as_deref()).target(&t.db.label);
        if t.production {
            let refused = AppError::new(ErrorCode::UnsafeInProduction, refusal(t.db.name()));
            return self.audit.around(event, Err(refused));
        }
        let what = guard::what(action, None);
        guard::guarded(
            &self.audit,
            event,
            &what,
            &t.db.scope(),
            answer,
            async |permit| {
                let mut session = t.db.write(&permit, "demo data").await?;
                change(&mut session).await
            },
            |_| None,
        )
        .await
    }

    /// The stage a demo runs on: refused for production; the API is required, the database
    /// optional (the steps that show rows say when it is missing).
    pub async fn demo_stage(&self, env_name: &str, answer: Confirmation) -> Result<Stage<'_>> {
        let env = self.environment(env_name)?;
        if env.kind == EnvKind::Production {
            return Err(AppError::new(
                ErrorCode::UnsafeInProduction,
                refusal(env_name),
            ));
        }
        let client = self.api(&env).await?;
        let db = match env.database {
            Some(_) => Some(self.database(env_name).await?),
            None => None,
        };
        Ok(Stage {
            console: self,
            env,
            client,
            db,
            answer,
            run_id: random_hex(3),
        })
    }

    /// The pre-demo checklist for `script` on `env_name`, each item checked live.
    pub async fn demo_checklist(&self, env_name: &str, script: &Script) -> Result<Checklist> {
        let env = self.environment(env_name)?;
        let mut items = Vec::with_capacity(6);
        items.push(if env.kind == EnvKind::Production {
            Item::fail("production", "Not production", refusal(env_name), None)
        } else {
            Item::pass(
                "production",
                "Not production",
                format!("{env_name} is a {} environment", env.kind.as_str()),
            )
        });
        let client = match self.api(&env).await {
            Ok(c) => Some(c),
            Err(e) => {
                items.push(Item::fail(
                    "api",
                    "The API answers",
                    run::describe(&e),
                    None,
                ));
                None
            }
        };
        let mut llm_configured = None;
        if let Some(client) = &client {
            let probe = probe_api(client).await;
            llm_configured = probe
                .checks
                .iter()
                .find(|c| c.name.contains("llm"))
                .map(|c| c.status == "configured");
            let title = "The API answers /live and /health";
            items.push(match probe.status {
                ProbeStatus::Ok => Item::pass("api", title, probe.summary.clone()),
                ProbeStatus::Degraded => Item::warn(
                    "api",
                    title,
                    format!(
                        "{} — go on only if the audience may see this",
                        probe.summary
                    ),
                    None,
                ),
                _ => Item::fail("api", title, probe.summary.clone(), None),
            });
        }
        items.push(self.database_item(env_name, env.database.is_some()).await);
        items.push(self.seeded_item(env_name, env.database.is_some()).await);
        items.push(match (script.runs_an_agent(), llm_configured) {
            (false, _) => Item::pass("llm", "An LLM key for the agent run", "The script runs no agent".to_owned()),
            (true, Some(true)) => Item::pass("llm", "An LLM key for the agent run", "The API has an LLM provider configured".to_owned()),
            (true, _) => Item::warn(
                "llm",
                "An LLM key for the agent run",
                "The API has no LLM key: the run step will show the error path (the platform's clear error)".to_owned(),
                Some(Fix::OpenSecrets),
            ),
        });
        let requests = script.requests();
        items.push(match &client {
            Some(c) => headroom(c.budget().view(), script),
            None => Item::fail(
                "rate-limit",
                "Rate-limit headroom",
                "The API is not reachable".to_owned(),
                None,
            ),
        });
        Ok(Checklist {
            environment: env_name.to_owned(),
            script: script.name.clone(),
            requests,
            ready: items.iter().all(|i| i.status != ItemStatus::Fail),
            items,
        })
    }

    async fn database_item(&self, env_name: &str, has_database: bool) -> Item {
        let title = "The database is reachable, migrated and valid";
        if !has_database {
            return Item::warn(
                "database",
                title,
                "No database connection: the steps that show rows will fail".to_owned(),
                None,
            );
        }
        let set = MigrationSet::embedded();
        let checked = async {
            let db = self.database(env_name).await?;
            let status = crate::migrate::status(&db, &set).await?;
            let valid = crate::migrate::validate(&db, &set).await?;
            Ok::<_, AppError>((status, valid))
        }
        .await;
        match checked {
            Ok((s, _)) if s.pending > 0 || s.problems > 0 => Item::fail(
                "database",
                title,
                format!(
                    "{} migration(s) pending, {} problem(s)",
                    s.pending, s.problems
                ),
                Some(Fix::ApplyMigrations),
            ),
            Ok((_, v)) if !v.is_clean() => Item::fail(
                "database",
                title,
                format!("Schema validation: {} error(s)", v.errors),
                Some(Fix::ApplyMigrations),
            ),
            Ok(_) => Item::pass(
                "database",
                title,
                "Reachable, up to date and valid".to_owned(),
            ),
            Err(e) => Item::fail("database", title, run::describe(&e), None),
        }
    }

    async fn seeded_item(&self, env_name: &str, has_database: bool) -> Item {
        let title = "The demo data is seeded";
        if !has_database {
            return Item::warn("seeded", title, "No database connection".to_owned(), None);
        }
        let counted = async { data::count(&*self.database(env_name).await?).await }.await;
        match counted {
            Ok(rows) if rows.seeded() => {
                Item::pass("seeded", title, format!("{} demo rows", rows.total))
            }
            Ok(_) => Item::fail(
                "seeded",
                title,
                "No demo-org tenant".to_owned(),
                Some(Fix::Seed),
            ),
            Err(e) => Item::fail("seeded", title, run::describe(&e), None),
        }
    }

    /// Runs the whole script unattended: every step and its check, then removes what the demo
    /// created. Time is simulated: each step counts its target (or its action's time when
    /// longer), so the report says whether the demo fits without anyone waiting for it.
    pub async fn demo_rehearse(
        &self,
        env_name: &str,
        script: &Script,
        answer: Confirmation,
        on_step: impl Fn(RehearsalStep),
    ) -> Result<DemoReport> {
        let stage = self.demo_stage(env_name, answer).await?;
        let mut progress = DemoProgress::new(env_name, &script.origin, stage.run_id.clone());
        progress.note(None, format!("rehearsal of {} on {env_name}", script.name));
        let sent = stage.client.requests_sent();
        if script.shows_metrics() {
            stage.baseline(&mut progress.captured).await;
        }
        for (i, step) in script.steps.iter().enumerate() {
            progress.current = i;
            let result = stage.perform(step, &mut progress.captured).await;
            let spent = Duration::from_millis(result.duration_ms)
                .max(Duration::from_secs(u64::from(step.target_seconds)));
            progress.elapsed_ms += u64::try_from(spent.as_millis()).unwrap_or(u64::MAX);
            on_step(RehearsalStep {
                index: i,
                total: script.steps.len(),
                title: step.title.clone(),
                result: result.clone(),
            });
            progress.record(result);
        }
        progress.current = script.steps.len();
        progress.finished = true;
        let mut left_over = progress.captured.clone();
        match stage.remove_created(&mut left_over).await {
            Ok(removed) if !removed.is_empty() => {
                progress.note(
                    None,
                    format!("removed after the rehearsal: {}", removed.join(", ")),
                );
            }
            Ok(_) => {}
            Err(e) => progress.note(
                None,
                format!(
                    "could not remove what the rehearsal created: {}",
                    run::describe(&e)
                ),
            ),
        }
        let mut report = progress.report(script);
        // Every request, the metrics baseline and the clean-up after the last step included.
        report.requests = u32::try_from(stage.client.requests_sent() - sent).unwrap_or(u32::MAX);
        Ok(report)
    }
}

pub use script::Step;

/// A rehearsed step, as it finishes (a job's event in the window, a line in afctl).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RehearsalStep {
    pub index: usize,
    pub total: usize,
    pub title: String,
    pub result: StepResult,
}

impl crate::jobs::JobEventSource for RehearsalStep {
    fn line(&self) -> String {
        let r = &self.result;
        format!(
            "{}: {} — {} ({} ms, {} request(s))",
            self.title,
            status_word(r.status),
            r.error.as_deref().unwrap_or(&r.check),
            r.duration_ms,
            r.requests
        )
    }

    fn progress(&self) -> Option<crate::jobs::JobProgress> {
        Some(crate::jobs::JobProgress {
            done: u32::try_from(self.index + 1).unwrap_or(u32::MAX),
            total: u32::try_from(self.total).unwrap_or(u32::MAX),
        })
    }
}

fn headroom(view: crate::api::BudgetView, script: &Script) -> Item {
    let title = "Rate-limit headroom";
    let needed = script.requests();
    let burst = script
        .steps
        .iter()
        .map(|s| s.action.requests())
        .max()
        .unwrap_or(0)
        + 5;
    match (
        view.remaining_minute,
        view.remaining_hour,
        view.paused_until,
    ) {
        (_, _, Some(until)) => Item::fail(
            "rate-limit",
            title,
            format!("The API is rate-limited until {}", until.format("%H:%M:%S")),
            Some(Fix::WaitForHeadroom),
        ),
        (Some(minute), Some(hour), None) if hour >= needed && minute >= burst => Item::pass(
            "rate-limit",
            title,
            format!(
                "The script makes about {needed} requests; {hour} left this hour, {minute} this minute"
            ),
        ),
        (Some(minute), Some(hour), None) => Item::fail(
            "rate-limit",
            title,
            format!(
                "The script makes about {needed} requests ({burst} at once); only {hour} left this hour, {minute} this minute"
            ),
            Some(Fix::WaitForHeadroom),
        ),
        _ => Item::warn(
            "rate-limit",
            title,
            format!(
                "The script makes about {needed} requests; the API has not said how many are left"
            ),
            None,
        ),
    }
}

/// The pre-demo checklist (demo-and-smoke.md's six items).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Checklist {
    pub environment: String,
    pub script: String,
    /// API requests the script makes when all goes well.
    pub requests: u32,
    /// No item failed.
    pub ready: bool,
    pub items: Vec<Item>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: String,
    pub title: String,
    pub status: ItemStatus,
    pub detail: String,
    #[ts(optional)]
    pub fix: Option<Fix>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Pass,
    Warn,
    Fail,
}

/// What the console can do about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    ApplyMigrations,
    Seed,
    OpenSecrets,
    WaitForHeadroom,
}

impl Item {
    fn new(id: &str, title: &str, status: ItemStatus, detail: String, fix: Option<Fix>) -> Self {
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            status,
            detail,
            fix,
        }
    }

    fn pass(id: &str, title: &str, detail: String) -> Self {
        Self::new(id, title, ItemStatus::Pass, detail, None)
    }

    fn warn(id: &str, title: &str, detail: String, fix: Option<Fix>) -> Self {
        Self::new(id, title, ItemStatus::Warn, detail, fix)
    }

    fn fail(id: &str, title: &str, detail: String, fix: Option<Fix>) -> Self {
        Self::new(id, title, ItemStatus::Fail, detail, fix)
    }
}
