//! Agents: the API's file registry and the database's `agents` table, side by side. The API
//! never reads the table and the table never sees the API's agents, so each agent is shown with
//! where it lives, and a pair present in both with the fields that differ.

mod executions;
pub mod files;
mod history;
mod overview;
mod plan;
mod reconcile;
mod registry;
mod table;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::AppError;

pub use executions::{Execution, ExecutionCursor, ExecutionFilter, ExecutionsPage, ExecutionsView};
pub use files::{ExportReport, FileFormat, ImportFrom};
pub use history::RunRecord;
pub use overview::AgentsOverviewRow;
pub use plan::{
    AgentPlan, BulkEvent, BulkReport, PlanAction, PlanItem, changes as plan_changes,
    summary as plan_summary,
};
pub use reconcile::{
    Direction, ReconcilePreview, TableChoices, TableOwner, subject as reconcile_subject,
};
pub use registry::{NewAgent, RunRequest, RunResult, get as api_get, list as api_list};
pub use table::TableAgent;

/// The platform's default model (`POST /api/v1/agents/` without one).
pub const DEFAULT_MODEL: &str = "gpt-4o";

/// An agent as the API's registry holds it (the API's own field names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ApiAgent {
    pub id: String,
    pub name: String,
    pub instructions: String,
    #[serde(default = "default_model")]
    pub model: String,
    #[serde(default)]
    #[ts(type = "unknown[]")]
    pub tools: Vec<Value>,
    #[serde(default)]
    #[ts(type = "unknown[]")]
    pub knowledge_packs: Vec<Value>,
    #[serde(default)]
    #[ts(type = "unknown")]
    pub config: Value,
    #[serde(default)]
    #[ts(type = "unknown")]
    pub metadata: Value,
}

/// The fields the API's create route takes: what saving an agent writes.
impl From<&ApiAgent> for NewAgent {
    fn from(a: &ApiAgent) -> Self {
        Self {
            id: a.id.clone(),
            name: a.name.clone(),
            instructions: a.instructions.clone(),
            model: a.model.clone(),
        }
    }
}

fn default_model() -> String {
    DEFAULT_MODEL.to_owned()
}

/// Where an agent lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AgentSource {
    Api,
    Database,
    Both,
}

/// One agent of the environment, from either side or both.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct AgentRow {
    pub id: String,
    pub name: String,
    pub model: Option<String>,
    pub source: AgentSource,
    pub api: Option<ApiAgent>,
    pub table: Option<TableAgent>,
    /// For an agent in both: the fields whose values differ (`name`, `instructions`, `model`).
    pub differences: Vec<String>,
}

/// Every agent of an environment. A side that could not be read says why; the other still shows.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct AgentsView {
    pub environment: String,
    pub rows: Vec<AgentRow>,
    /// The environment has an API URL / a database.
    pub has_api: bool,
    pub has_database: bool,
    pub api_error: Option<AppError>,
    pub database_error: Option<AppError>,
}

/// Joins the two sides by id (sorted by id).
pub fn reconcile(api: &[ApiAgent], table: &[TableAgent]) -> Vec<AgentRow> {
    let mut by_id: std::collections::BTreeMap<&str, (Option<&ApiAgent>, Option<&TableAgent>)> =
        std::collections::BTreeMap::new();
    for a in api {
        by_id.entry(&a.id).or_default().0 = Some(a);
    }
    for t in table {
        by_id.entry(&t.id).or_default().1 = Some(t);
    }
    by_id
        .into_iter()
        .map(|(id, (a, t))| {
            let source = match (a, t) {
                (Some(_), Some(_)) => AgentSource::Both,
                (Some(_), None) => AgentSource::Api,
                _ => AgentSource::Database,
            };
            // Compared as a write would make them equal: a row without a model has the
            // platform's default, one without instructions has none.
            let differences = match (a, t) {
                (Some(a), Some(t)) => plan::changes(&NewAgent::from(a), &reconcile::from_row(t)),
                _ => Vec::new(),
            };
            AgentRow {
                id: id.to_owned(),
                name: a
                    .map(|a| a.name.clone())
                    .or_else(|| t.map(|t| t.name.clone()))
                    .unwrap_or_default(),
                model: a
                    .map(|a| a.model.clone())
                    .or_else(|| t.and_then(|t| t.model.clone())),
                source,
                api: a.cloned(),
                table: t.cloned(),
                differences,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(id: &str, name: &str, model: &str) -> ApiAgent {
        ApiAgent {
            id: id.into(),
            name: name.into(),
            instructions: "Be kind".into(),
            model: model.into(),
            tools: Vec::new(),
            knowledge_packs: Vec::new(),
            config: Value::Null,
            metadata: Value::Null,
        }
    }

    fn row(id: &str, name: &str, model: Option<&str>) -> TableAgent {
        TableAgent {
            id: id.into(),
            name: name.into(),
            instructions: Some("Be kind".into()),
            model: model.map(Into::into),
            ..TableAgent::default()
        }
    }

    #[test]
    fn joins_both_sides_by_id_and_names_the_fields_that_differ() {
        let rows = reconcile(
            &[api("a", "A", "gpt-4o"), api("b", "B", "gpt-4o")],
            &[row("b", "B2", Some("gpt-4o")), row("c", "C", None)],
        );
        let summary: Vec<(&str, AgentSource, Vec<String>)> = rows
            .iter()
            .map(|r| (r.id.as_str(), r.source, r.differences.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("a", AgentSource::Api, vec![]),
                ("b", AgentSource::Both, vec!["name".to_owned()]),
                ("c", AgentSource::Database, vec![]),
            ]
        );
    }
}
