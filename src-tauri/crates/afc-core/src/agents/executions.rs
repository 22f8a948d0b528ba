//! Executions: the API's (kept in the API process's memory, so usually none, and behind the
//! login of platform-core) and the `executions` table's, read newest first a page at a time.
//! The table is paged by keyset (created_at, id), so the thousandth page costs what the first
//! does and rows written meanwhile do not shift the pages.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use ts_rs::TS;

use crate::api::Call;
use crate::console::Console;
use crate::db::{Database, query_error};
use crate::{AppError, ErrorCode, Result};

/// The collection route, with its slash (without it the API answers 307).
const EXECUTIONS: &str = "/api/v1/executions/";

/// The most rows one page holds.
pub const PAGE_MAX: u32 = 500;

/// One execution, from the API or the table (the API's `type`/`entity_id` are the table's
/// `execution_type`/`resource_id`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub id: String,
    pub kind: String,
    /// The agent's (or workflow's) id.
    pub entity_id: String,
    pub status: String,
    pub created_at: Option<String>,
    pub completed_at: Option<String>,
    pub error: Option<String>,
    /// Seconds (the table's `execution_time`).
    pub execution_time: Option<f64>,
    pub tenant_id: Option<String>,
    pub created_by: Option<String>,
    /// JSON texts as stored: the table's `input_data`/`output_data`, the API's `metadata`.
    pub input: Option<String>,
    pub output: Option<String>,
    #[ts(optional, type = "unknown")]
    pub metadata: Option<Value>,
}

/// An execution as the API answers it.
#[derive(Deserialize)]
struct ApiExecution {
    id: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    status: String,
    created_at: Option<String>,
    completed_at: Option<String>,
    error: Option<String>,
    metadata: Option<Value>,
}

impl From<ApiExecution> for Execution {
    fn from(e: ApiExecution) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            entity_id: e.entity_id,
            status: e.status,
            created_at: e.created_at,
            completed_at: e.completed_at,
            error: e.error,
            metadata: e.metadata,
            ..Self::default()
        }
    }
}

/// Where the next page starts: after the row with this (created_at, id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionCursor {
    /// As the database prints it; None for a row without one (those come last).
    pub created_at: Option<String>,
    pub id: String,
}

/// Which executions: all, or of one status and/or one agent; a page after `after`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionFilter {
    pub status: Option<String>,
    pub agent: Option<String>,
    pub after: Option<ExecutionCursor>,
    /// Rows per page (default 100, at most [`PAGE_MAX`]).
    pub limit: Option<u32>,
}

impl ExecutionFilter {
    fn limit(&self) -> u32 {
        self.limit.unwrap_or(100).clamp(1, PAGE_MAX)
    }
}

/// A page of the table's executions.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionsPage {
    pub rows: Vec<Execution>,
    /// Set when there may be more: pass it as the next filter's `after`.
    pub next: Option<ExecutionCursor>,
}

/// Both sides' executions. The API's come only with the first page (it has no paging); a side
/// that could not be read says why.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionsView {
    pub api: Vec<Execution>,
    pub table: ExecutionsPage,
    pub has_api: bool,
    pub has_database: bool,
    pub api_error: Option<AppError>,
    pub database_error: Option<AppError>,
}

/// Newest first; a row without `created_at` sorts last, so the keyset compares a stand-in.
const PAGE: &str = "SELECT id::text, execution_type::text, resource_id::text, status::text, \
     created_at::text, completed_at::text, error, execution_time, tenant_id::text, \
     created_by::text, input_data::text, output_data::text \
     FROM public.executions \
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR resource_id = $2) \
     AND ($4::text IS NULL OR (coalesce(created_at, '-infinity'), id) \
          < (coalesce($3::text::timestamp, '-infinity'), $4::text)) \
     ORDER BY coalesce(created_at, '-infinity') DESC, id DESC LIMIT $5";

/// A page of the `executions` table.
pub async fn table_page(db: &Database, filter: &ExecutionFilter) -> Result<ExecutionsPage> {
    let limit = filter.limit();
    let mut conn = db.read().await?;
    let rows: Vec<Execution> = sqlx::query(PAGE)
        .bind(&filter.status)
        .bind(&filter.agent)
        .bind(filter.after.as_ref().and_then(|c| c.created_at.clone()))
        .bind(filter.after.as_ref().map(|c| c.id.clone()))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("reading the executions table", &e))?
        .into_iter()
        .map(|r| Execution {
            id: r.get(0),
            kind: r.get(1),
            entity_id: r.get(2),
            status: r.get(3),
            created_at: r.get(4),
            completed_at: r.get(5),
            error: r.get(6),
            execution_time: r.get(7),
            tenant_id: r.get(8),
            created_by: r.get(9),
            input: r.get(10),
            output: r.get(11),
            metadata: None,
        })
        .collect();
    let full = u32::try_from(rows.len()).unwrap_or(u32::MAX) >= limit;
    let next = rows.last().filter(|_| full).map(|r| ExecutionCursor {
        created_at: r.created_at.clone(),
        id: r.id.clone(),
    });
    Ok(ExecutionsPage { rows, next })
}

/// The query string of `GET /api/v1/executions/`, its values escaped.
fn api_query(filter: &ExecutionFilter) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(agent) = &filter.agent {
        query.append_pair("entity_id", agent);
    }
    if let Some(status) = &filter.status {
        query.append_pair("status", status);
    }
    query.append_pair("limit", &filter.limit().to_string());
    query.finish()
}

impl Console {
    /// The executions of `env_name` matching `filter`: the table's page and, for the first page,
    /// the API's (which need a login: an API key alone is refused with 401).
    pub async fn executions(
        &self,
        env_name: &str,
        filter: &ExecutionFilter,
    ) -> Result<ExecutionsView> {
        let env = self.environment(env_name)?;
        let has_api = env.api_url.is_some();
        let has_database = env.database.is_some();
        let api_half = async {
            if !has_api || filter.after.is_some() {
                return Ok(Vec::new());
            }
            let path = format!("{EXECUTIONS}?{}", api_query(filter));
            let client = self.api(&env).await?;
            client
                .get_json::<Vec<ApiExecution>>(Call::get(&path).authed())
                .await
                .map(|list| list.into_iter().map(Execution::from).collect())
                .map_err(|e| match e.code {
                    ErrorCode::Unauthorized => AppError::new(
                        ErrorCode::Unauthorized,
                        "The API's executions need a login: set the environment's login (email and password) in its connection settings",
                    )
                    .with_details(e.message),
                    _ => e,
                })
        };
        let table_half = async {
            if !has_database {
                return Ok(ExecutionsPage::default());
            }
            table_page(&*self.database(env_name).await?, filter).await
        };
        let (api, table) = tokio::join!(api_half, table_half);
        let (api, api_error) = super::registry::split(api);
        let (table, database_error) = super::registry::split(table);
        Ok(ExecutionsView {
            api,
            table,
            has_api,
            has_database,
            api_error,
            database_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_query_escapes_its_values_and_bounds_the_limit() {
        let filter = ExecutionFilter {
            status: Some("failed".into()),
            agent: Some("a b&c".into()),
            after: None,
            limit: Some(10_000),
        };
        assert_eq!(
            api_query(&filter),
            "entity_id=a+b%26c&status=failed&limit=500"
        );
    }

    #[test]
    fn the_apis_field_names_are_read() {
        let e: ApiExecution = serde_json::from_str(
            r#"{"id":"e1","type":"agent","entity_id":"bot","status":"completed","created_at":"2026-11-30T10:00:00","completed_at":null,"error":null,"metadata":{"k":1}}"#,
        )
        .unwrap();
        assert_eq!((e.kind.as_str(), e.entity_id.as_str()), ("agent", "bot"));
        let e = Execution::from(e);
        assert_eq!(e.metadata, Some(serde_json::json!({"k": 1})));
    }
}
