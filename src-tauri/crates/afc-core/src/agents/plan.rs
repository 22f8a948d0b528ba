//! Many agents written to one environment's API: imported from files, promoted from another
//! environment, or published from the table. First a plan against what the API holds now (new,
//! replaced with the fields that change, unchanged, invalid with the reason, only in the
//! target); then the chosen items saved one at a time, each its own guarded and audited write,
//! so a failure part way leaves every agent whole and re-running finishes the rest.
//!
//! Every save is one request against the API's 60-a-minute limit, which answers a bare 500 when
//! exceeded: a bulk write that needs more than is left says so before starting, or, when asked
//! to pace itself, waits for the window before each request that would not fit.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::files::{ExportReport, FileFormat, read_all, write_all};
use super::reconcile::from_row;
use super::registry::{checked, list};
use super::{ApiAgent, NewAgent, table};
use crate::api::BudgetView;
use crate::console::Console;
use crate::guard::Confirmation;
use crate::jobs::{JobEventSource, JobProgress};
use crate::progress::{Cancel, Progress};
use crate::{AppError, ErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    New,
    Replace,
    Unchanged,
    Invalid,
    /// In the target only (promotion): left alone.
    OnlyInTarget,
}

/// One agent of a plan.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct PlanItem {
    pub id: String,
    /// Where it came from: a file (`support-bot.json`, `agents.json #3`) or an environment.
    pub origin: String,
    pub action: PlanAction,
    /// For a replacement: the fields whose values change.
    pub changes: Vec<String>,
    /// Why an invalid item cannot be written.
    pub reason: Option<String>,
    /// What would be written (new and replaced items).
    pub agent: Option<NewAgent>,
    /// What the target holds now (replaced, unchanged and target-only items).
    pub current: Option<NewAgent>,
}

/// Agents to write to `target`'s API, compared with what it holds now.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentPlan {
    pub target: String,
    /// "support-agents/", "staging".
    pub source: String,
    pub items: Vec<PlanItem>,
    /// The target API's rate limit after reading its list: what the writes draw on.
    pub budget: BudgetView,
}

impl AgentPlan {
    /// The agents the plan would write (new and replaced).
    pub fn writes(&self) -> Vec<NewAgent> {
        self.items
            .iter()
            .filter(|i| matches!(i.action, PlanAction::New | PlanAction::Replace))
            .filter_map(|i| i.agent.clone())
            .collect()
    }

    pub fn count(&self, action: PlanAction) -> usize {
        self.items.iter().filter(|i| i.action == action).count()
    }
}

/// The fields of `current` that `wanted` changes.
pub fn changes(current: &NewAgent, wanted: &NewAgent) -> Vec<String> {
    [
        ("name", current.name != wanted.name),
        ("instructions", current.instructions != wanted.instructions),
        ("model", current.model != wanted.model),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(f, _)| f.to_owned())
    .collect()
}

/// Compares `wanted` (origin, agent or why not) with `current`; with `keep_target`, agents only
/// in the target are listed too.
fn compare(
    wanted: Vec<(String, std::result::Result<NewAgent, String>)>,
    current: &[ApiAgent],
    keep_target: bool,
    target_name: &str,
) -> Vec<PlanItem> {
    let now: HashMap<&str, NewAgent> = current
        .iter()
        .map(|a| (a.id.as_str(), NewAgent::from(a)))
        .collect();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut items: Vec<PlanItem> = wanted
        .into_iter()
        .map(|(origin, agent)| {
            let id = agent.as_ref().map(|a| a.id.clone()).unwrap_or_default();
            let agent = agent.and_then(|a| checked(&a).map_err(|e| e.message));
            let agent = agent.and_then(|a| match seen.get(&a.id) {
                Some(first) => Err(format!(
                    "agent {} is also in {first}; only the first is used",
                    a.id
                )),
                None => {
                    seen.insert(a.id.clone(), origin.clone());
                    Ok(a)
                }
            });
            match agent {
                Err(reason) => PlanItem {
                    id,
                    origin,
                    action: PlanAction::Invalid,
                    changes: Vec::new(),
                    reason: Some(reason),
                    agent: None,
                    current: None,
                },
                Ok(agent) => {
                    let current = now.get(agent.id.as_str()).cloned();
                    let changes = current
                        .as_ref()
                        .map(|c| changes(c, &agent))
                        .unwrap_or_default();
                    let action = match &current {
                        None => PlanAction::New,
                        Some(_) if changes.is_empty() => PlanAction::Unchanged,
                        Some(_) => PlanAction::Replace,
                    };
                    PlanItem {
                        id: agent.id.clone(),
                        origin,
                        action,
                        changes,
                        reason: None,
                        agent: Some(agent),
                        current,
                    }
                }
            }
        })
        .collect();
    if keep_target {
        let mut only: Vec<&ApiAgent> = current
            .iter()
            .filter(|a| !seen.contains_key(&a.id))
            .collect();
        only.sort_by(|a, b| a.id.cmp(&b.id));
        items.extend(only.into_iter().map(|a| PlanItem {
            id: a.id.clone(),
            origin: target_name.to_owned(),
            action: PlanAction::OnlyInTarget,
            changes: Vec::new(),
            reason: None,
            agent: None,
            current: Some(NewAgent::from(a)),
        }));
    }
    items
}

/// What a bulk write did: the agents written, the one that failed (and why), and those not
/// started. Nothing is half-written: each agent is one request.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct BulkReport {
    pub done: Vec<String>,
    pub failed: Option<String>,
    pub error: Option<AppError>,
    pub not_started: Vec<String>,
    pub cancelled: bool,
    /// Seconds spent waiting for the rate limit's window (paced runs).
    pub waited_seconds: u64,
}

impl BulkReport {
    pub fn complete(&self) -> bool {
        self.failed.is_none() && self.not_started.is_empty() && !self.cancelled
    }
}

/// A bulk write's progress.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkEvent {
    Saved {
        id: String,
        done: usize,
        total: usize,
    },
    /// Paced: waiting for the rate limit's window before the next request.
    Waiting { seconds: u64 },
}

impl JobEventSource for BulkEvent {
    /// One line of the log, as afctl prints it and the window's job log shows it.
    fn line(&self) -> String {
        match self {
            Self::Saved { id, done, total } => format!("[{done}/{total}] saved {id}"),
            Self::Waiting { seconds } => {
                format!("Waiting {seconds} s for the API's rate-limit window")
            }
        }
    }

    fn progress(&self) -> Option<JobProgress> {
        match self {
            Self::Saved { done, total, .. } => Some(JobProgress {
                done: u32::try_from(*done).unwrap_or(u32::MAX),
                total: u32::try_from(*total).unwrap_or(u32::MAX),
            }),
            Self::Waiting { .. } => None,
        }
    }
}

impl Console {
    /// Writes every agent's file to `folder`: all of `env_name`'s API agents, or those in `ids`.
    pub async fn export_agents(
        &self,
        env_name: &str,
        folder: &Path,
        format: FileFormat,
        ids: Option<&[String]>,
    ) -> Result<ExportReport> {
        let env = self.environment(env_name)?;
        let mut agents = list(&*self.api(&env).await?).await?;
        if let Some(ids) = ids {
            agents.retain(|a| ids.contains(&a.id));
        }
        agents.sort_by(|a, b| a.id.cmp(&b.id));
        let folder = folder.to_owned();
        tokio::task::spawn_blocking(move || write_all(&folder, &agents, format))
            .await
            .map_err(|e| AppError::internal("The export stopped").with_details(e.to_string()))?
    }

    /// What importing `path` (a file or a folder of agent files) into `env_name` would do.
    /// Reads the files and the API's list (one request).
    pub async fn import_plan(&self, env_name: &str, path: &Path) -> Result<AgentPlan> {
        let owned = path.to_owned();
        let read = tokio::task::spawn_blocking(move || read_all(&owned))
            .await
            .map_err(|e| {
                AppError::internal("Reading the files stopped").with_details(e.to_string())
            })??;
        let wanted = read
            .into_iter()
            .map(|r| (r.origin, r.agent.map(|a| NewAgent::from(&a))))
            .collect();
        let env = self.environment(env_name)?;
        let client = self.api(&env).await?;
        let current = list(&client).await?;
        Ok(AgentPlan {
            target: env_name.to_owned(),
            source: path.display().to_string(),
            items: compare(wanted, &current, false, env_name),
            budget: client.budget().view(),
        })
    }

    /// `from`'s API agents compared with `to`'s: what promoting them would write (two requests).
    pub async fn promotion_plan(&self, from: &str, to: &str) -> Result<AgentPlan> {
        if from == to {
            return Err(AppError::invalid_input(
                "Promote between two different environments",
            ));
        }
        let (source, target) = (self.environment(from)?, self.environment(to)?);
        let client = self.api(&target).await?;
        let (wanted, current) = tokio::join!(
            async { list(&*self.api(&source).await?).await },
            list(&client)
        );
        let mut wanted = wanted?;
        wanted.sort_by(|a, b| a.id.cmp(&b.id));
        let wanted = wanted
            .iter()
            .map(|a| (from.to_owned(), Ok(NewAgent::from(a))))
            .collect();
        Ok(AgentPlan {
            target: to.to_owned(),
            source: from.to_owned(),
            items: compare(wanted, &current?, true, to),
            budget: client.budget().view(),
        })
    }

    /// What publishing the table's rows `ids` to `env_name`'s API would do (one request for the
    /// API's list, one query).
    pub async fn publish_plan(&self, env_name: &str, ids: &[String]) -> Result<AgentPlan> {
        let rows = table::find_all(&*self.database(env_name).await?, ids).await?;
        if let Some(missing) = ids.iter().find(|id| !rows.iter().any(|r| &r.id == *id)) {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("Agent {missing} is not in the agents table of {env_name}"),
            ));
        }
        let env = self.environment(env_name)?;
        let client = self.api(&env).await?;
        let current = list(&client).await?;
        let source = "the agents table";
        let wanted = rows
            .iter()
            .map(|r| (source.to_owned(), Ok(from_row(r))))
            .collect();
        Ok(AgentPlan {
            target: env_name.to_owned(),
            source: source.to_owned(),
            items: compare(wanted, &current, false, env_name),
            budget: client.budget().view(),
        })
    }

    /// Saves `agents` to `env_name`'s API one at a time, each under the write policy (the same
    /// answer for all) and audited. Stops at the first failure. Unless `pace`, refuses to start
    /// when the rate limit has too little left this minute; with it, waits for the window.
    pub async fn save_agents(
        &self,
        env_name: &str,
        agents: &[NewAgent],
        answer: &Confirmation,
        pace: bool,
        progress: &Progress<BulkEvent>,
        cancel: &Cancel,
    ) -> Result<BulkReport> {
        let env = self.environment(env_name)?;
        let client = self.api(&env).await?;
        let budget = client.budget();
        let total = agents.len();
        let n = u32::try_from(total).unwrap_or(u32::MAX);
        if !pace {
            budget
                .check_room(&format!("Saving {total} agents"), n)
                .map_err(|e| {
                    let details = e.details.clone().unwrap_or_default();
                    e.with_details(format!(
                        "{details} Or let the console pace itself: it waits for the window before each request that would not fit."
                    ))
                })?;
        }
        let mut report = BulkReport::default();
        for (i, agent) in agents.iter().enumerate() {
            if cancel.is_cancelled() {
                report.cancelled = true;
            }
            while !report.cancelled && pace {
                let Some(wait) = budget.room_in(1) else { break };
                progress.emit(BulkEvent::Waiting {
                    seconds: wait.as_secs().max(1),
                });
                tokio::select! {
                    () = tokio::time::sleep(wait) => report.waited_seconds += wait.as_secs(),
                    () = cancel.cancelled() => report.cancelled = true,
                }
            }
            if report.cancelled {
                report.not_started = agents[i..].iter().map(|a| a.id.clone()).collect();
                break;
            }
            if let Err(e) = self.save_agent(env_name, agent, answer).await {
                report.failed = Some(agent.id.clone());
                report.error = Some(e);
                report.not_started = agents[i + 1..].iter().map(|a| a.id.clone()).collect();
                break;
            }
            report.done.push(agent.id.clone());
            progress.emit(BulkEvent::Saved {
                id: agent.id.clone(),
                done: i + 1,
                total,
            });
        }
        Ok(report)
    }
}

/// Each plan action and how many, for a one-line summary ("3 new, 1 replaced").
pub fn summary(plan: &AgentPlan) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &plan.items {
        let word = match item.action {
            PlanAction::New => "new",
            PlanAction::Replace => "replaced",
            PlanAction::Unchanged => "unchanged",
            PlanAction::Invalid => "invalid",
            PlanAction::OnlyInTarget => "only in the target",
        };
        *counts.entry(word).or_default() += 1;
    }
    if counts.is_empty() {
        return "no agents".to_owned();
    }
    counts
        .iter()
        .map(|(w, n)| format!("{n} {w}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(id: &str, name: &str) -> ApiAgent {
        ApiAgent {
            id: id.into(),
            name: name.into(),
            instructions: "Hi".into(),
            model: "gpt-4o".into(),
            tools: Vec::new(),
            knowledge_packs: Vec::new(),
            config: serde_json::Value::Null,
            metadata: serde_json::Value::Null,
        }
    }

    #[test]
    fn each_wanted_agent_is_new_replaced_unchanged_or_invalid() {
        let wanted = vec![
            ("a.json".to_owned(), Ok(NewAgent::from(&api("a", "A")))),
            ("b.json".to_owned(), Ok(NewAgent::from(&api("b", "B2")))),
            ("c.json".to_owned(), Ok(NewAgent::from(&api("c", "C")))),
            (
                "bad.json".to_owned(),
                Err("line 2, column 5: expected value".to_owned()),
            ),
            (
                "d.json".to_owned(),
                Ok(NewAgent::from(&api("a/b", "slash"))),
            ),
            (
                "e.json".to_owned(),
                Ok(NewAgent::from(&api("a", "A again"))),
            ),
        ];
        let items = compare(
            wanted,
            &[api("b", "B"), api("c", "C"), api("z", "Z")],
            true,
            "prod",
        );
        let got: Vec<(&str, PlanAction, String)> = items
            .iter()
            .map(|i| (i.id.as_str(), i.action, i.changes.join(",")))
            .collect();
        assert_eq!(
            got,
            [
                ("a", PlanAction::New, String::new()),
                ("b", PlanAction::Replace, "name".to_owned()),
                ("c", PlanAction::Unchanged, String::new()),
                ("", PlanAction::Invalid, String::new()),
                ("a/b", PlanAction::Invalid, String::new()),
                ("a", PlanAction::Invalid, String::new()),
                ("z", PlanAction::OnlyInTarget, String::new()),
            ]
        );
        assert!(items[4].reason.as_deref().unwrap().contains("contains a /"));
        assert!(
            items[5]
                .reason
                .as_deref()
                .unwrap()
                .contains("also in a.json")
        );
        let plan = AgentPlan {
            target: "prod".into(),
            source: "x".into(),
            items,
            budget: crate::api::RateBudget::default().view(),
        };
        assert_eq!(plan.writes().len(), 2);
        assert_eq!(
            summary(&plan),
            "3 invalid, 1 new, 1 only in the target, 1 replaced, 1 unchanged"
        );
    }
}
