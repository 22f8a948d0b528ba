//! Performing a demo step: its action against the environment's API and database, then its
//! check, timed and with the API requests it made counted. What the audience sees is a
//! [`Visible`]: a headline, facts, a table, a slide or a link — never a secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::Row;
use ts_rs::TS;

use super::script::{Action, Check, Step};
use crate::agents::{NewAgent, RunRequest};
use crate::api::{Call, PlatformClient};
use crate::audit::{AuditAction, Event};
use crate::db::{Database, query_error};
use crate::environments::Environment;
use crate::guard::Confirmation;
use crate::keyring::SecretString;
use crate::metrics::{Scrape, parse, report};
use crate::probe::{ProbeStatus, probe_api};
use crate::{AppError, Console, ErrorCode, Result};

/// Rows of a query the audience sees at most.
const SHOWN_ROWS: usize = 50;
/// How long a run may take before the API client gives up (the step's budget may be shorter).
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// What a step captured for the steps after it (saved with the progress; the sign-up's password
/// lives in the keyring and its token in memory only).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct Captured {
    pub agent_id: Option<String>,
    pub workflow_id: Option<String>,
    pub user_id: Option<String>,
    pub tenant_id: Option<String>,
    pub email: Option<String>,
    /// `/metrics` when the demo started, and when (seconds since the epoch).
    #[ts(skip)]
    pub metrics_baseline: Option<(String, f64)>,
    #[serde(skip)]
    #[ts(skip)]
    pub token: Option<SecretString>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Visible {
    pub headline: String,
    pub facts: Vec<VisibleFact>,
    #[ts(optional)]
    pub table: Option<VisibleTable>,
    /// A slide, or text to show as it is (an agent's answer).
    #[ts(optional)]
    pub markdown: Option<String>,
    /// A page opened in the browser.
    #[ts(optional)]
    pub url: Option<String>,
    /// A bar chart: (label, value), largest first (requests per endpoint since the demo began).
    #[serde(default)]
    pub bars: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct VisibleFact {
    pub label: String,
    pub value: String,
    /// `good`, `bad` or `neutral`: shown with an icon and a word, not only a colour.
    pub tone: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct VisibleTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Passed,
    Failed,
    /// The step showed the platform's clear error on purpose (a run without an LLM key).
    ErrorPath,
    Skipped,
}

/// One performance of a step.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    pub step_id: String,
    pub status: StepStatus,
    /// What the check found.
    pub check: String,
    pub visible: Visible,
    pub requests: u32,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// Why it failed (with the API's request id when there was one).
    #[ts(optional)]
    pub error: Option<String>,
}

/// Where a demo runs and with what permission. The presenter answered the write policy once,
/// when the demo started.
pub struct Stage<'a> {
    pub console: &'a Console,
    pub env: Environment,
    pub client: Arc<PlatformClient>,
    pub db: Option<Arc<Database>>,
    pub answer: Confirmation,
    /// Short id of this run, put in place of `{run}`.
    pub run_id: String,
}

fn fact(label: &str, value: impl Into<String>, tone: &str) -> VisibleFact {
    VisibleFact {
        label: label.to_owned(),
        value: value.into(),
        tone: tone.to_owned(),
    }
}

/// An action's outcome before its check is judged: what to show, and whether the check holds.
struct Done {
    visible: Visible,
    proved: std::result::Result<String, String>,
    error_path: bool,
}

impl Done {
    fn shown(visible: Visible, proved: std::result::Result<String, String>) -> Self {
        Self {
            visible,
            proved,
            error_path: false,
        }
    }
}

impl Stage<'_> {
    pub fn fill(&self, text: &str) -> String {
        text.replace("{run}", &self.run_id)
    }

    /// Takes `/metrics` for the metrics step to compare with (one request).
    pub async fn baseline(&self, captured: &mut Captured) {
        if let Ok(text) = crate::metrics::fetch(&self.client).await {
            captured.metrics_baseline = Some((text, now()));
        }
    }

    /// Performs `step`: its action, then its check. A failure is a result (with the recovery
    /// tip shown beside it), never an error, so the presenter can retry, skip or go on.
    pub async fn perform(&self, step: &Step, captured: &mut Captured) -> StepResult {
        let started = Instant::now();
        let sent = self.client.requests_sent();
        // The step's slot is its budget: on stage nobody waits longer for an answer.
        let budget = Duration::from_secs(u64::from(step.target_seconds));
        let done = tokio::time::timeout(budget, self.act(&step.action, step.check(), captured))
            .await
            .unwrap_or_else(|_| {
                Err(AppError::new(
                    ErrorCode::Timeout,
                    format!(
                        "{} took longer than its {} s budget (the platform may still finish it)",
                        step.title, step.target_seconds
                    ),
                ))
            });
        let requests = u32::try_from(self.client.requests_sent() - sent).unwrap_or(u32::MAX);
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (status, check, error) = match done {
            Ok(Done {
                visible,
                error_path,
                proved,
            }) => {
                let (status, check, error) = match proved {
                    Ok(why) if error_path => (StepStatus::ErrorPath, why, None),
                    Ok(why) => (StepStatus::Passed, why, None),
                    Err(why) => (StepStatus::Failed, why.clone(), Some(why)),
                };
                return StepResult {
                    step_id: step.id.clone(),
                    status,
                    check,
                    visible,
                    requests,
                    duration_ms,
                    error,
                };
            }
            Err(e) => (
                StepStatus::Failed,
                "the action failed".to_owned(),
                Some(describe(&e)),
            ),
        };
        StepResult {
            step_id: step.id.clone(),
            status,
            check,
            visible: Visible {
                headline: format!("{} could not be shown", step.title),
                ..Visible::default()
            },
            requests,
            duration_ms,
            error,
        }
    }

    async fn act(&self, action: &Action, check: Check, captured: &mut Captured) -> Result<Done> {
        let done = match action {
            Action::ShowHealth => self.health(check).await,
            Action::OpenUrl { url } => self.open_url(url, check).await,
            Action::CreateAgent {
                id,
                name,
                instructions,
                model,
            } => {
                let agent = NewAgent {
                    id: self.fill(id),
                    name: self.fill(name),
                    instructions: self.fill(instructions),
                    model: model.clone().unwrap_or_else(|| "gpt-4o".to_owned()),
                };
                self.create_agent(agent, captured).await
            }
            Action::RunAgent { input, agent } => {
                let id = agent.as_deref().map(|a| self.fill(a));
                let id = id.or_else(|| captured.agent_id.clone()).ok_or_else(|| {
                    AppError::invalid_input("No agent to run: the create-agent step has not run")
                })?;
                self.run_agent(&id, &self.fill(input)).await
            }
            Action::ShowMetricsDelta => self.metrics(captured).await,
            Action::SignUp { email } => self.sign_up(&self.fill(email), captured).await,
            Action::CreateWorkflow { id, name } => {
                self.create_workflow(&self.fill(id), &self.fill(name), captured)
                    .await
            }
            Action::ListBlueprints => self.blueprints().await,
            Action::ShowObservability => self.observability(captured).await,
            Action::CleanUp => self.clean_up(captured).await,
            Action::Sql { query } => self.sql(query).await,
            Action::Slide { markdown } => Ok(Done::shown(
                Visible {
                    markdown: Some(markdown.clone()),
                    ..Visible::default()
                },
                Ok("a slide".to_owned()),
            )),
        }?;
        Ok(match check {
            Check::None => Done {
                proved: Ok("nothing to check".to_owned()),
                ..done
            },
            _ => done,
        })
    }

    async fn health(&self, check: Check) -> Result<Done> {
        let probe = probe_api(&self.client).await;
        if let Some(e) = probe.error.clone().filter(|_| probe.checks.is_empty()) {
            return Err(e);
        }
        let facts = probe
            .checks
            .iter()
            .map(|c| {
                let latency = c
                    .latency_ms
                    .map(|ms| format!(" · {ms:.0} ms"))
                    .unwrap_or_default();
                let reason = c
                    .reason
                    .as_deref()
                    .map(|r| format!(" — {r}"))
                    .unwrap_or_default();
                fact(
                    &c.name,
                    format!("{}{latency}{reason}", c.status),
                    if c.healthy { "good" } else { "bad" },
                )
            })
            .collect();
        let proved = match (check, probe.status) {
            (Check::Healthy, ProbeStatus::Ok) | (Check::HealthAnswers, _) => {
                Ok(format!("the API answered: {}", probe.summary))
            }
            _ => Err(format!("the API is not healthy: {}", probe.summary)),
        };
        Ok(Done::shown(
            Visible {
                headline: probe.summary.clone(),
                facts,
                ..Visible::default()
            },
            proved,
        ))
    }

    async fn open_url(&self, url: &str, check: Check) -> Result<Done> {
        let on_api = url.starts_with('/');
        let full = if on_api {
            self.client.url(url)
        } else {
            url.to_owned()
        };
        let proved = if on_api && check == Check::UrlAnswers {
            let r = self.client.send(Call::get(url)).await?;
            if r.status == 200 {
                Ok(format!("{url} answered 200"))
            } else {
                Err(format!("{url} answered {}", r.status))
            }
        } else {
            Ok("opened (a page off the API is not checked)".to_owned())
        };
        Ok(Done::shown(
            Visible {
                headline: format!("Opened {full}"),
                url: Some(full),
                ..Visible::default()
            },
            proved,
        ))
    }

    async fn create_agent(&self, agent: NewAgent, captured: &mut Captured) -> Result<Done> {
        self.console
            .save_agent(&self.env.name, &agent, &self.answer)
            .await?;
        captured.agent_id = Some(agent.id.clone());
        let list = crate::agents::api_list(&self.client).await?;
        let listed = list.iter().any(|a| a.id == agent.id);
        let mut rows: Vec<Vec<String>> = list
            .iter()
            .map(|a| vec![a.id.clone(), a.name.clone(), a.model.clone()])
            .collect();
        rows.sort_by_key(|r| r[0] != agent.id);
        rows.truncate(10);
        Ok(Done::shown(
            Visible {
                headline: format!("Agent \"{}\" created", agent.name),
                facts: vec![
                    fact("id", &agent.id, "neutral"),
                    fact("model", &agent.model, "neutral"),
                    fact("agents in the registry", list.len().to_string(), "neutral"),
                ],
                table: Some(VisibleTable {
                    columns: vec!["id".into(), "name".into(), "model".into()],
                    rows,
                }),
                ..Visible::default()
            },
            if listed {
                Ok(format!("{} is in the API's list", agent.id))
            } else {
                Err(format!("{} is not in the API's list", agent.id))
            },
        ))
    }

    async fn run_agent(&self, id: &str, input: &str) -> Result<Done> {
        let request = RunRequest {
            input_text: input.to_owned(),
            ..RunRequest::default()
        };
        let run = self
            .console
            .run_agent_within(&self.env.name, id, &request, RUN_TIMEOUT)
            .await?;
        let completed = run.status == "completed";
        let mut facts = vec![
            fact(
                "status",
                &run.status,
                if completed { "good" } else { "bad" },
            ),
            fact("time", format!("{:.2} s", run.execution_time), "neutral"),
        ];
        if let Some(e) = &run.error {
            facts.push(fact("error", e, "bad"));
        }
        let why = run
            .explanation
            .clone()
            .or_else(|| run.error.clone())
            .unwrap_or_default();
        Ok(Done {
            visible: Visible {
                headline: if completed {
                    format!("{id} answered")
                } else {
                    format!("{id} could not run: {why}")
                },
                facts,
                markdown: (!run.output.is_empty()).then(|| run.output.clone()),
                ..Visible::default()
            },
            proved: if completed {
                Ok(format!("completed in {:.2} s", run.execution_time))
            } else {
                Ok(format!("the run's clear error: {why}"))
            },
            error_path: !completed,
        })
    }

    async fn metrics(&self, captured: &Captured) -> Result<Done> {
        let text = crate::metrics::fetch(&self.client).await?;
        let current = Scrape {
            exposition: parse(&text).map_err(|e| {
                AppError::new(
                    ErrorCode::InvalidInput,
                    format!("/metrics is not readable: {e}"),
                )
            })?,
            at: now(),
        };
        let before = match &captured.metrics_baseline {
            Some((text, at)) => parse(text).ok().map(|exposition| Scrape {
                exposition,
                at: *at,
            }),
            None => None,
        };
        let r = report(before.as_ref(), &current, 5, 20);
        let ms = |s: Option<f64>| s.map_or("—".to_owned(), |s| format!("{:.0} ms", s * 1000.0));
        let since = if before.is_some() {
            "since the demo began"
        } else {
            "since the API started"
        };
        let ratio = r
            .error_ratio
            .map_or("—".to_owned(), |e| format!("{:.1} %", e * 100.0));
        Ok(Done::shown(
            Visible {
                headline: format!("{:.0} requests {since}", r.requests),
                facts: vec![
                    fact(
                        "request rate",
                        r.request_rate
                            .map_or("—".to_owned(), |x| format!("{x:.2}/s")),
                        "neutral",
                    ),
                    fact("p50 latency", ms(r.latency.p50), "neutral"),
                    fact("p95 latency", ms(r.latency.p95), "neutral"),
                    fact(
                        "error ratio (probes left out)",
                        ratio,
                        if r.errors > 0.0 { "bad" } else { "good" },
                    ),
                ],
                bars: r
                    .endpoints
                    .iter()
                    .map(|e| (e.endpoint.clone(), e.requests))
                    .collect(),
                table: Some(VisibleTable {
                    columns: vec!["endpoint".into(), "requests".into(), "p95".into()],
                    rows: r
                        .endpoints
                        .iter()
                        .map(|e| {
                            vec![
                                e.endpoint.clone(),
                                format!("{:.0}", e.requests),
                                ms(e.latency.p95),
                            ]
                        })
                        .collect(),
                }),
                ..Visible::default()
            },
            if r.requests > 0.0 {
                Ok(format!("{:.0} requests counted {since}", r.requests))
            } else {
                Err("no requests were counted: is /metrics this API's?".to_owned())
            },
        ))
    }

    fn database(&self) -> Result<&Database> {
        self.db.as_deref().ok_or_else(|| {
            AppError::invalid_input(format!(
                "Environment \"{}\" has no database connection: the rows cannot be shown",
                self.env.name
            ))
        })
    }

    /// Runs `change` under the write policy with the presenter's answer, audited as a demo step.
    async fn step_write<T>(
        &self,
        what: &str,
        change: impl AsyncFnOnce() -> Result<T>,
    ) -> Result<T> {
        let event = Event::new(AuditAction::DemoStep, Some(&self.env.name)).target(what);
        self.console
            .guarded_on(
                &self.env.name,
                event,
                Some(what),
                &self.answer,
                async |_| change().await,
            )
            .await
    }

    async fn sign_up(&self, email: &str, captured: &mut Captured) -> Result<Done> {
        let password = SecretString::new(format!("Demo-{}", random_hex(16)));
        let body = json!({"email": email, "password": password.expose()});
        let what = format!("sign up {email}");
        let answer: Value = self
            .step_write(&what, async || {
                self.client
                    .call(Call::post("/api/v1/auth/signup", &body))
                    .await?
                    .json()
            })
            .await?;
        let text = |k: &str| answer[k].as_str().map(str::to_owned);
        captured.user_id = text("user_id");
        captured.tenant_id = text("tenant_id");
        captured.email = Some(email.to_owned());
        captured.token = text("access_token").map(SecretString::new);
        // Kept for logging in again after a restart (the clean-up needs a token).
        let _ = self
            .console
            .keyring
            .set(&password_account(&self.env.name), &password)
            .await;
        let (Some(user), Some(tenant)) = (&captured.user_id, &captured.tenant_id) else {
            return Err(AppError::internal(
                "The sign-up answered without user_id and tenant_id",
            ));
        };
        let rows = signed_up_rows(self.database()?, user, tenant).await?;
        let found = rows.iter().filter(|r| r[0] != "seeded").count();
        Ok(Done::shown(
            Visible {
                headline: format!("{email} signed up"),
                facts: vec![
                    fact("user", user, "neutral"),
                    fact("tenant", tenant, "neutral"),
                ],
                table: Some(VisibleTable {
                    columns: vec![
                        "row".into(),
                        "table".into(),
                        "id".into(),
                        "name or e-mail".into(),
                    ],
                    rows,
                }),
                ..Visible::default()
            },
            if found == 2 {
                Ok("the tenant and user rows are in the database".to_owned())
            } else {
                Err(format!(
                    "{found} of the 2 rows the sign-up should write are in the database"
                ))
            },
        ))
    }

    /// A bearer token of the signed-up user: the one in memory, or a new login after a restart.
    async fn token(&self, captured: &mut Captured) -> Result<SecretString> {
        if let Some(t) = &captured.token {
            return Ok(t.clone());
        }
        let missing = || {
            AppError::new(
                ErrorCode::Unauthorized,
                "No signed-up user to act as: run the sign-up step first",
            )
        };
        let email = captured.email.clone().ok_or_else(missing)?;
        let password = self
            .console
            .keyring
            .get(&password_account(&self.env.name))
            .await?
            .ok_or_else(missing)?;
        let body = json!({"email": email, "password": password.expose()});
        let answer: Value = self
            .client
            .call(Call::post("/api/v1/auth/login", &body))
            .await?
            .json()?;
        let token = answer["access_token"]
            .as_str()
            .map(SecretString::new)
            .ok_or_else(missing)?;
        captured.token = Some(token.clone());
        Ok(token)
    }

    async fn create_workflow(&self, id: &str, name: &str, captured: &mut Captured) -> Result<Done> {
        let agent = captured.agent_id.clone().ok_or_else(|| {
            AppError::invalid_input("No agent for the workflow: the create-agent step has not run")
        })?;
        let token = self.token(captured).await?;
        let bearer = [(
            "authorization".to_owned(),
            format!("Bearer {}", token.expose()),
        )];
        let body = json!({
            "id": id, "name": name,
            "steps": [
                {"id": "ask", "agent_id": agent, "input_mapping": {"input_text": "$.input"}},
                {"id": "follow-up", "agent_id": agent, "input_mapping": {"input_text": "$.steps.ask.output"}}
            ]
        });
        self.step_write(&format!("create workflow {id}"), async || {
            self.client
                .call(Call::post("/api/v1/workflows/", &body).headers(&bearer))
                .await
        })
        .await?;
        captured.workflow_id = Some(id.to_owned());
        let path = format!("/api/v1/workflows/{}/status", urlencode(id));
        let status = self.client.send(Call::get(&path).headers(&bearer)).await?;
        let proved = if status.status == 200 {
            Ok(format!("its status answers: {}", status.text()))
        } else {
            Err(describe(&status.error()))
        };
        Ok(Done::shown(
            Visible {
                headline: format!("Workflow \"{name}\" created"),
                facts: vec![
                    fact("id", id, "neutral"),
                    fact("steps", format!("ask → follow-up, both {agent}"), "neutral"),
                    fact(
                        "status",
                        status.text(),
                        if status.status == 200 { "good" } else { "bad" },
                    ),
                ],
                ..Visible::default()
            },
            proved,
        ))
    }

    async fn blueprints(&self) -> Result<Done> {
        let api = self.client.send(Call::get("/api/v1/blueprints/")).await?;
        let listed = api
            .json::<Vec<Value>>()
            .map(|l| l.len().to_string())
            .unwrap_or_else(|_| format!("HTTP {}", api.status));
        let mut conn = self.database()?.read().await?;
        let rows: Vec<Vec<String>> = sqlx::query(
            "SELECT id::text, name::text, version::text, pricing_model::text, is_public::text \
             FROM public.blueprints WHERE name = 'Demo Blueprint' ORDER BY id LIMIT 10",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("reading the blueprints table", &e))?
        .iter()
        .map(|r| {
            (0..5)
                .map(|i| r.get::<Option<String>, _>(i).unwrap_or_default())
                .collect()
        })
        .collect();
        let proved = match (api.status, rows.is_empty()) {
            (200, false) => {
                Ok("the marketplace answers and the demo blueprint's row is there".into())
            }
            (200, true) => Err("the demo blueprint's row is missing: seed the demo data".into()),
            (s, _) => Err(format!("the marketplace answered HTTP {s}")),
        };
        Ok(Done::shown(
            Visible {
                headline: "The marketplace".to_owned(),
                facts: vec![fact("blueprints listed by the API", listed, "neutral")],
                table: Some(VisibleTable {
                    columns: ["id", "name", "version", "pricing", "public"]
                        .map(String::from)
                        .to_vec(),
                    rows,
                }),
                ..Visible::default()
            },
            proved,
        ))
    }

    async fn observability(&self, captured: &mut Captured) -> Result<Done> {
        let summary: Value = self
            .client
            .get_json(Call::get("/api/v1/metrics/summary?days=30"))
            .await?;
        let mut facts: Vec<VisibleFact> = [
            "dau",
            "wau",
            "mau",
            "total_tenants",
            "total_users",
            "total_agent_runs",
            "total_workflow_runs",
            "growth_rate",
        ]
        .iter()
        .filter_map(|k| {
            summary
                .get(*k)
                .map(|v| fact(&k.replace('_', " "), v.to_string(), "neutral"))
        })
        .collect();
        let executions = match self.token(captured).await {
            Ok(token) => {
                let bearer = [(
                    "authorization".to_owned(),
                    format!("Bearer {}", token.expose()),
                )];
                let list: Vec<Value> = self
                    .client
                    .get_json(Call::get("/api/v1/executions/?limit=10").headers(&bearer))
                    .await?;
                list.len().to_string()
            }
            Err(_) => "sign up first to list them".to_owned(),
        };
        facts.push(fact(
            "executions in the API's memory",
            executions,
            "neutral",
        ));
        Ok(Done::shown(
            Visible {
                headline: "Observability: the last 30 days".to_owned(),
                facts,
                ..Visible::default()
            },
            Ok("the metrics summary answered".to_owned()),
        ))
    }

    async fn clean_up(&self, captured: &mut Captured) -> Result<Done> {
        let created = captured.clone();
        let removed = self.remove_created(captured).await?;
        let remaining = self.still_there(&created).await?;
        Ok(Done::shown(
            Visible {
                headline: if removed.is_empty() {
                    "Nothing to clean up".to_owned()
                } else {
                    format!("Removed {} thing(s) created on stage", removed.len())
                },
                facts: removed.iter().map(|r| fact("removed", r, "good")).collect(),
                ..Visible::default()
            },
            if remaining.is_empty() {
                Ok("what the demo created is gone".to_owned())
            } else {
                Err(format!("still there: {}", remaining.join(", ")))
            },
        ))
    }

    /// Deletes what the demo created on stage (the agent, the workflow, the signed-up tenant's
    /// rows), forgetting each as it goes; what is already gone counts as removed.
    pub async fn remove_created(&self, captured: &mut Captured) -> Result<Vec<String>> {
        let mut removed = Vec::new();
        if let Some(id) = captured.workflow_id.clone() {
            let token = self.token(captured).await?;
            let bearer = [(
                "authorization".to_owned(),
                format!("Bearer {}", token.expose()),
            )];
            let path = format!("/api/v1/workflows/{}", urlencode(&id));
            self.step_write(&format!("delete workflow {id}"), async || {
                let r = self
                    .client
                    .send(Call::delete(&path).headers(&bearer))
                    .await?;
                if r.is_success() || r.status == 404 {
                    Ok(())
                } else {
                    Err(r.error())
                }
            })
            .await?;
            captured.workflow_id = None;
            removed.push(format!("workflow {id}"));
        }
        if let Some(id) = captured.agent_id.clone() {
            match self
                .console
                .delete_agent(&self.env.name, &id, &self.answer)
                .await
            {
                Ok(()) => {}
                Err(e) if e.message.contains("not found") || e.message.contains("404") => {}
                Err(e) => return Err(e),
            }
            captured.agent_id = None;
            removed.push(format!("agent {id}"));
        }
        if let (Some(tenant), Some(db)) = (captured.tenant_id.clone(), &self.db) {
            let rows = self
                .step_write(&format!("remove tenant {tenant}'s rows"), async || {
                    let permit = crate::guard::authorize(
                        AuditAction::DemoStep,
                        "remove the signed-up tenant's rows",
                        &db.scope(),
                        &self.answer,
                    )?;
                    let mut session = db.write(&permit, "demo clean-up").await?;
                    super::data::remove_tenant(&mut session, &db.label, &tenant).await
                })
                .await?;
            captured.tenant_id = None;
            captured.user_id = None;
            removed.push(format!("tenant {tenant} and {} row(s) of it", rows.total));
        }
        let _ = self
            .console
            .keyring
            .delete(&password_account(&self.env.name))
            .await;
        captured.token = None;
        captured.email = None;
        Ok(removed)
    }

    /// What of `created` the API still has (asked again after the clean-up).
    async fn still_there(&self, created: &Captured) -> Result<Vec<String>> {
        let mut left = Vec::new();
        if let Some(id) = &created.agent_id
            && crate::agents::api_get(&self.client, id).await?.is_some()
        {
            left.push(format!("agent {id}"));
        }
        if let (Some(id), Some(token)) = (&created.workflow_id, &created.token) {
            let bearer = [(
                "authorization".to_owned(),
                format!("Bearer {}", token.expose()),
            )];
            let path = format!("/api/v1/workflows/{}/status", urlencode(id));
            if self
                .client
                .send(Call::get(&path).headers(&bearer))
                .await?
                .status
                != 404
            {
                left.push(format!("workflow {id}"));
            }
        }
        Ok(left)
    }

    async fn sql(&self, query: &str) -> Result<Done> {
        let table = read_query(self.database()?, query).await?;
        let n = table.rows.len();
        Ok(Done::shown(
            Visible {
                headline: format!("{n} row(s)"),
                table: Some(table),
                ..Visible::default()
            },
            if n > 0 {
                Ok(format!("{n} row(s)"))
            } else {
                Err("the query returned no rows".to_owned())
            },
        ))
    }
}

/// The keyring account of the sign-up's password for `env`.
fn password_account(env: &str) -> String {
    format!("demo/{env}/sign-up-password")
}

/// The signed-up tenant and user rows (the password hash never shown), and the seeded demo
/// tenant for comparison.
async fn signed_up_rows(db: &Database, user: &str, tenant: &str) -> Result<Vec<Vec<String>>> {
    let mut conn = db.read().await?;
    let rows = sqlx::query(
        "SELECT 'new', 'tenants', id::text, name::text FROM public.tenants WHERE id = $2 \
         UNION ALL SELECT 'new', 'users', id::text, email::text FROM public.users WHERE id = $1 \
         UNION ALL SELECT 'seeded', 'tenants', id::text, name::text FROM public.tenants WHERE slug = $3",
    )
    .bind(user)
    .bind(tenant)
    .bind(super::data::DEMO_SLUG)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error("reading the signed-up rows", &e))?;
    Ok(rows
        .iter()
        .map(|r| {
            (0..4)
                .map(|i| r.get::<Option<String>, _>(i).unwrap_or_default())
                .collect()
        })
        .collect())
}

/// A query's rows as text (any column type reads the same way), in a read-only snapshot: at
/// most [`SHOWN_ROWS`].
pub async fn read_query(db: &Database, query: &str) -> Result<VisibleTable> {
    let trimmed = query.trim().trim_end_matches(';');
    let mut conn = db.read().await?;
    let err = |e: sqlx::Error| {
        AppError::new(
            ErrorCode::InvalidInput,
            format!("The query failed: {}", db_message(&e)),
        )
    };
    // The operator's own statement inside a READ ONLY snapshot: it can read, never write (a
    // data-modifying statement in the WITH is refused by the server). Each
    // row comes back as its column names and values (json keeps the columns' order).
    let wrapped = format!(
        "WITH q AS ({trimmed}) \
         SELECT json_build_array((SELECT json_agg(key) FROM json_each(row_to_json(q))), \
                array_to_json(ARRAY(SELECT value #>> '{{}}' FROM json_each(row_to_json(q)))))::text \
         FROM q LIMIT {SHOWN_ROWS}"
    );
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    for text in sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(wrapped))
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
    {
        let (names, values): (Vec<String>, Vec<Option<String>>) =
            serde_json::from_str(&text).unwrap_or_default();
        columns = names;
        rows.push(
            values
                .into_iter()
                .map(|v| v.unwrap_or_else(|| "NULL".to_owned()))
                .collect(),
        );
    }
    Ok(VisibleTable { columns, rows })
}

fn db_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => d.message().to_owned(),
        other => other.to_string(),
    }
}

/// An error as one line, with the API's request id when it gave one.
pub fn describe(e: &AppError) -> String {
    match &e.details {
        Some(d) if !e.message.contains(d.as_str()) => format!("{} ({d})", e.message),
        _ => e.message.clone(),
    }
}

fn urlencode(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// `n` random bytes as hex (a run id, a throwaway password).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).unwrap_or_default();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
