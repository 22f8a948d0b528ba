//! Every run of an agent, kept on this machine per environment (`agent-runs/<env>.jsonl` in the
//! data folder, owner-only): what was sent, what came back, when, and the request id, so runs
//! can be searched, sent again and compared.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{RunRequest, RunResult};
use crate::console::Console;
use crate::{Result, jsonl};

/// One run as it was sent and answered.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub agent: String,
    pub input: String,
    pub session_id: Option<String>,
    #[ts(type = "unknown")]
    pub context: Option<Value>,
    pub status: String,
    pub output: String,
    pub error: Option<String>,
    pub execution_time: f64,
    pub request_id: Option<String>,
}

const WHAT: &str = "the agent run history";

impl Console {
    fn run_history_file(&self, env_name: &str) -> PathBuf {
        jsonl::per_environment(&self.paths.data_dir.join("agent-runs"), env_name)
    }

    pub(super) fn record_run(
        &self,
        env_name: &str,
        agent: &str,
        request: &RunRequest,
        result: &RunResult,
    ) -> Result<()> {
        let record = RunRecord {
            at: Utc::now(),
            agent: agent.to_owned(),
            input: request.input_text.clone(),
            session_id: request.session_id.clone(),
            context: request.context.clone(),
            status: result.status.clone(),
            output: result.output.clone(),
            error: result.error.clone(),
            execution_time: result.execution_time,
            request_id: result.request_id.clone(),
        };
        jsonl::append(&self.run_history_file(env_name), &record, WHAT)
    }

    /// The runs of `env_name` (of one agent, if given) whose input, output or error contains
    /// `search` (any case), newest first.
    pub fn run_history(
        &self,
        env_name: &str,
        agent: Option<&str>,
        search: Option<&str>,
    ) -> Result<Vec<RunRecord>> {
        let (mut runs, _) = jsonl::read::<RunRecord>(&self.run_history_file(env_name), WHAT)?;
        let needle = search.map(str::to_lowercase).filter(|s| !s.is_empty());
        runs.retain(|r| {
            agent.is_none_or(|a| r.agent == a)
                && needle.as_ref().is_none_or(|n| {
                    [Some(&r.input), Some(&r.output), r.error.as_ref()]
                        .into_iter()
                        .flatten()
                        .any(|t| t.to_lowercase().contains(n))
                })
        });
        runs.reverse();
        Ok(runs)
    }
}
