//! The database's `agents` table (which the API never reads), with each agent's runs from the
//! `executions` table.

use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;

use crate::Result;
use crate::db::{Database, query_error};

/// A row of the `agents` table.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct TableAgent {
    pub id: String,
    pub name: String,
    pub instructions: Option<String>,
    pub model: Option<String>,
    pub tenant_id: Option<String>,
    pub created_by: Option<String>,
    /// As the database prints them (naive UTC).
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Rows of `executions` for it, by status (`completed: 3`).
    pub executions: Vec<(String, u32)>,
}

/// Every row (`$1` NULL) or those with the ids in `$1`, in the byte order `read` searches by.
const AGENTS: &str = "SELECT a.id::text, a.name::text, a.instructions::text, a.model::text, \
     a.tenant_id::text, a.created_by::text, a.created_at::text, a.updated_at::text \
     FROM public.agents a WHERE $1::text[] IS NULL OR a.id = ANY($1) ORDER BY a.id COLLATE \"C\"";

const RUNS: &str = "SELECT resource_id::text, status::text, count(*) FROM public.executions \
     WHERE execution_type = 'agent' AND ($1::text[] IS NULL OR resource_id = ANY($1)) \
     GROUP BY 1, 2 ORDER BY 1, 2";

/// Every row of the table, in one read-only snapshot.
pub async fn read(db: &Database) -> Result<Vec<TableAgent>> {
    select(db, None).await
}

/// The row with `id`, if there is one (with its runs), without reading the others.
pub async fn find(db: &Database, id: &str) -> Result<Option<TableAgent>> {
    Ok(find_all(db, &[id.to_owned()]).await?.pop())
}

/// The rows with these ids (with their runs), without reading the others.
pub async fn find_all(db: &Database, ids: &[String]) -> Result<Vec<TableAgent>> {
    select(db, Some(ids)).await
}

async fn select(db: &Database, id: Option<&[String]>) -> Result<Vec<TableAgent>> {
    let mut conn = db.read().await?;
    let err = |e: sqlx::Error| query_error("reading the agents table", &e);
    let mut agents: Vec<TableAgent> = sqlx::query(AGENTS)
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
        .into_iter()
        .map(|r| TableAgent {
            id: r.get(0),
            name: r.get(1),
            instructions: r.get(2),
            model: r.get(3),
            tenant_id: r.get(4),
            created_by: r.get(5),
            created_at: r.get(6),
            updated_at: r.get(7),
            executions: Vec::new(),
        })
        .collect();
    let runs = sqlx::query(RUNS)
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("reading the executions table", &e))?;
    for r in runs {
        let id: String = r.get(0);
        if let Ok(i) = agents.binary_search_by(|a| a.id.as_str().cmp(&id)) {
            let count: i64 = r.get(2);
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            agents[i].executions.push((r.get(1), count));
        }
    }
    Ok(agents)
}
