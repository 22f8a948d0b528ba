//! The API's agent registry: list, save (create or replace: the API overwrites an existing id
//! silently, so the console asks first), delete and run, each through the environment's
//! client (its rate-limit budget, retries and error mapping), and the console's operations on
//! both sides.

use std::time::Duration;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;

use super::{AgentsView, ApiAgent, reconcile, table};
use crate::api::{Call, PlatformClient};
use crate::audit::{AuditAction, Event};
use crate::console::Console;
use crate::guard::Confirmation;
use crate::{AppError, ErrorCode, Result};

/// The collection route: with its slash (without it the API answers 307).
const AGENTS: &str = "/api/v1/agents/";

/// How long a run may take: the API waits for the model.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Everything but unreserved characters is escaped in an id used as a path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn agent_path(id: &str) -> String {
    format!("{AGENTS}{}", utf8_percent_encode(id, SEGMENT))
}

/// What `POST /api/v1/agents/` takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewAgent {
    pub id: String,
    pub name: String,
    pub instructions: String,
    pub model: String,
}

/// What a run sends: the field is `input_text` (the platform's demo guide sends `input`, which
/// the API refuses with a 422).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct RunRequest {
    pub input_text: String,
    pub session_id: Option<String>,
    #[ts(optional, type = "unknown")]
    pub context: Option<Value>,
}

/// What a run answered. The API answers 200 even when the run failed: `status` says.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct RunResult {
    #[serde(default)]
    pub output: String,
    pub status: String,
    #[serde(default)]
    pub execution_time: f64,
    pub error: Option<String>,
    /// Set by the console: the API's request id, and why a failure happened when it is the
    /// platform's missing LLM key (a "successful" request whose run could not start).
    pub request_id: Option<String>,
    pub explanation: Option<String>,
}

impl RunResult {
    pub fn failed(&self) -> bool {
        self.status != "completed"
    }
}

/// The sentence for a run that failed because the API has no LLM key.
fn explain(error: Option<&str>) -> Option<String> {
    let e = error?;
    (e.contains("API key required") || e.contains("OPENAI_API_KEY") || e.contains("ANTHROPIC_API_KEY"))
        .then(|| {
            "The API has no LLM key, so no agent can run: set OPENAI_API_KEY or ANTHROPIC_API_KEY in the environment's Secrets and restart the API".to_owned()
        })
}

pub async fn list(client: &PlatformClient) -> Result<Vec<ApiAgent>> {
    client.get_json(Call::get(AGENTS)).await
}

pub async fn get(client: &PlatformClient, id: &str) -> Result<Option<ApiAgent>> {
    let response = client.send(Call::get(&agent_path(id))).await?;
    if response.status == 404 {
        return Ok(None);
    }
    response.ok()?.json().map(Some)
}

impl Console {
    /// Every agent of `env_name`: the API's and the table's, each half read on its own (a side
    /// that fails says why; the other still shows).
    pub async fn agents(&self, env_name: &str) -> Result<AgentsView> {
        let env = self.environment(env_name)?;
        let has_api = env.api_url.is_some();
        let has_database = env.database.is_some();
        let api_half = async {
            if !has_api {
                return Ok(Vec::new());
            }
            list(&*self.api(&env).await?).await
        };
        let table_half = async {
            if !has_database {
                return Ok(Vec::new());
            }
            table::read(&*self.database(env_name).await?).await
        };
        let (api, rows) = tokio::join!(api_half, table_half);
        let (api, api_error) = split(api);
        let (rows, database_error) = split(rows);
        Ok(AgentsView {
            environment: env.name.clone(),
            rows: reconcile(&api, &rows),
            has_api,
            has_database,
            api_error,
            database_error,
        })
    }

    /// The agent `id` in the API's registry now, if there is one.
    pub async fn api_agent(&self, env_name: &str, id: &str) -> Result<Option<ApiAgent>> {
        let env = self.environment(env_name)?;
        get(&*self.api(&env).await?, id).await
    }

    /// Creates `agent` in the API's registry, or replaces the one with its id (the API does so
    /// without a word: callers show the difference and ask first). Guarded and audited.
    pub async fn save_agent(
        &self,
        env_name: &str,
        agent: &NewAgent,
        answer: &Confirmation,
    ) -> Result<()> {
        let agent = checked(agent)?;
        let body = json!({
            "id": agent.id, "name": agent.name,
            "instructions": agent.instructions, "model": agent.model,
        });
        let call = Call::post(AGENTS, &body);
        self.registry_write(env_name, AuditAction::AgentSave, &agent.id, answer, call)
            .await
    }

    /// Deletes agent `id` from the API's registry. Guarded (destructive) and audited.
    pub async fn delete_agent(
        &self,
        env_name: &str,
        id: &str,
        answer: &Confirmation,
    ) -> Result<()> {
        let path = agent_path(id);
        self.registry_write(
            env_name,
            AuditAction::AgentDelete,
            id,
            answer,
            Call::delete(&path),
        )
        .await
    }

    /// One change to the API's registry, under the write policy and audited.
    async fn registry_write(
        &self,
        env_name: &str,
        action: AuditAction,
        id: &str,
        answer: &Confirmation,
        call: Call<'_>,
    ) -> Result<()> {
        let env = self.environment(env_name)?;
        let event = Event::new(action, Some(env_name)).target(id);
        self.guarded_on(env_name, event, Some(id), answer, async |_| {
            self.api(&env).await?.call(call).await.map(drop)
        })
        .await
    }

    /// Runs agent `id` with `request`. A run that failed on the platform is a result (its
    /// status says so), not an error; audited either way.
    pub async fn run_agent(
        &self,
        env_name: &str,
        id: &str,
        request: &RunRequest,
    ) -> Result<RunResult> {
        self.run_agent_within(env_name, id, request, RUN_TIMEOUT)
            .await
    }

    /// [`run_agent`](Self::run_agent), waiting at most `timeout` for the platform's answer. A run
    /// that takes longer is reported as such: the platform may still finish it.
    pub async fn run_agent_within(
        &self,
        env_name: &str,
        id: &str,
        request: &RunRequest,
        timeout: Duration,
    ) -> Result<RunResult> {
        if request.input_text.is_empty() {
            return Err(AppError::invalid_input("Give the agent some input text"));
        }
        let env = self.environment(env_name)?;
        let event = Event::new(AuditAction::AgentRun, Some(env_name)).target(id);
        let result = async {
            let body = serde_json::to_value(request).map_err(|e| {
                AppError::internal("Could not encode the run").with_details(e.to_string())
            })?;
            let path = format!("{}/run", agent_path(id));
            let response = self
                .api(&env)
                .await?
                .call(Call::post(&path, &body).timeout(timeout))
                .await
                .map_err(|e| match e.code {
                    ErrorCode::Timeout => AppError::new(
                        ErrorCode::Timeout,
                        format!(
                            "Agent {id} did not answer within {} s: the console stopped waiting, and the platform may still finish the run",
                            timeout.as_secs()
                        ),
                    )
                    .with_details(e.message),
                    _ => e,
                })?;
            let mut result: RunResult = response.json()?;
            result.explanation = explain(result.error.as_deref());
            result.request_id = response.request_id.clone();
            // The run happened: a history that cannot be written is logged, not the run failed.
            if let Err(e) = self.record_run(env_name, id, request, &result) {
                tracing::warn!(error = %e.message, "the agent run history could not be written");
            }
            Ok(result)
        }
        .await;
        self.audit.around(event, result)
    }
}

pub(super) fn split<T: Default>(r: Result<T>) -> (T, Option<AppError>) {
    match r {
        Ok(v) => (v, None),
        Err(e) => (T::default(), Some(e)),
    }
}

/// The fields the API requires, present; the model defaulted as the API would.
pub(super) fn checked(agent: &NewAgent) -> Result<NewAgent> {
    for (field, value) in [
        ("id", &agent.id),
        ("name", &agent.name),
        ("instructions", &agent.instructions),
    ] {
        if value.trim().is_empty() {
            return Err(
                AppError::invalid_input(format!("The agent's {field} is empty"))
                    .with_details(format!("body.{field}: Field required")),
            );
        }
    }
    if agent.id.contains('/') {
        return Err(AppError::invalid_input(format!(
            "The agent id \"{}\" contains a /: the API decodes the path before routing, so it could never read, run or delete that agent",
            agent.id
        )));
    }
    let mut agent = agent.clone();
    if agent.model.trim().is_empty() {
        agent.model = super::DEFAULT_MODEL.to_owned();
    }
    Ok(agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_escaped_as_one_path_segment() {
        assert_eq!(agent_path("support-bot"), "/api/v1/agents/support-bot");
        assert_eq!(
            agent_path("a/b c?d#é"),
            "/api/v1/agents/a%2Fb%20c%3Fd%23%C3%A9"
        );
    }

    #[test]
    fn a_missing_llm_key_is_explained() {
        let e = "Agent execution failed: OpenAI API key required. Set OPENAI_API_KEY environment variable.";
        assert!(explain(Some(e)).unwrap().contains("no LLM key"));
        assert!(explain(Some("timeout")).is_none());
    }
}
