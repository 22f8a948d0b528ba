//! Bringing the two sides together: copy API agents into the `agents` table (a new row with the
//! tenant and creator the operator chooses, or the existing row's fields taken from the API; a
//! selection in one transaction), or publish a table row to the API's registry. Each shows exactly
//! what it will write first; the table write runs with bind parameters, the preview shows the
//! same statement with its values quoted.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use super::registry::list;
use super::{ApiAgent, NewAgent, TableAgent, table};
use crate::audit::{AuditAction, Event};
use crate::console::Console;
use crate::db::{literal, query_error};
use crate::guard::Confirmation;
use crate::{AppError, ErrorCode, Result};

/// Which side is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The API's agent into the database's table.
    ToTable,
    /// The table's row into the API's registry.
    ToApi,
}

/// For a new table row: its tenant and creator (ids from the table's tenants and users).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct TableOwner {
    pub tenant_id: Option<String>,
    pub created_by: Option<String>,
}

/// Exactly what a reconciliation will write, and where.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconcilePreview {
    pub ids: Vec<String>,
    pub direction: Direction,
    /// "the agents table of local", "the API's registry of local".
    pub target: String,
    /// The SQL statements (values quoted; run in one transaction) or the JSON body.
    pub text: String,
    /// The ids whose row or agent it replaces.
    pub replaces: Vec<String>,
}

/// The table's tenants and users, to choose a new row's tenant and creator from.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableChoices {
    /// (id, name)
    pub tenants: Vec<(String, String)>,
    /// (id, email, tenant id)
    pub users: Vec<(String, String, Option<String>)>,
}

/// The table write for `agent`: an UPDATE of the row it has (tenant and creator kept), or an
/// INSERT with `owner`.
enum TableWrite {
    Update(NewAgent),
    Insert(NewAgent, TableOwner),
}

const UPDATE: &str = "UPDATE public.agents SET name = $2, instructions = $3, model = $4, \
     updated_at = (now() AT TIME ZONE 'utc') WHERE id = $1";
const INSERT: &str = "INSERT INTO public.agents (id, name, instructions, model, tenant_id, created_by) \
     VALUES ($1, $2, $3, $4, $5, $6)";

impl TableWrite {
    fn preview(&self) -> Result<String> {
        let q = |v: Option<&str>| v.map_or(Ok("NULL".to_owned()), literal);
        Ok(match self {
            Self::Update(a) => format!(
                "UPDATE public.agents SET name = {}, instructions = {}, model = {}, updated_at = (now() AT TIME ZONE 'utc') WHERE id = {}",
                literal(&a.name)?,
                literal(&a.instructions)?,
                literal(&a.model)?,
                literal(&a.id)?
            ),
            Self::Insert(a, o) => format!(
                "INSERT INTO public.agents (id, name, instructions, model, tenant_id, created_by) VALUES ({}, {}, {}, {}, {}, {})",
                literal(&a.id)?,
                literal(&a.name)?,
                literal(&a.instructions)?,
                literal(&a.model)?,
                q(o.tenant_id.as_deref())?,
                q(o.created_by.as_deref())?
            ),
        })
    }

    async fn run(&self, conn: &mut sqlx::PgConnection) -> Result<()> {
        let (sql, a) = match self {
            Self::Update(a) => (UPDATE, a),
            Self::Insert(a, _) => (INSERT, a),
        };
        let mut query = sqlx::query(sql)
            .bind(&a.id)
            .bind(&a.name)
            .bind(&a.instructions)
            .bind(&a.model);
        if let Self::Insert(_, o) = self {
            query = query.bind(&o.tenant_id).bind(&o.created_by);
        }
        query
            .execute(conn)
            .await
            .map_err(|e| query_error("writing the agents table", &e))?;
        Ok(())
    }
}

pub(super) fn from_row(row: &TableAgent) -> NewAgent {
    NewAgent {
        id: row.id.clone(),
        name: row.name.clone(),
        instructions: row.instructions.clone().unwrap_or_default(),
        model: row
            .model
            .clone()
            .unwrap_or_else(|| super::DEFAULT_MODEL.to_owned()),
    }
}

impl Console {
    /// The table's tenants and users (at most 1,000 of each), for a new row's owner.
    pub async fn table_choices(&self, env_name: &str) -> Result<TableChoices> {
        let db = self.database(env_name).await?;
        let mut conn = db.read().await?;
        let err = |e: sqlx::Error| query_error("reading tenants and users", &e);
        let tenants = sqlx::query(
            "SELECT id::text, name::text FROM public.tenants ORDER BY name, id LIMIT 1000",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
        let users = sqlx::query("SELECT id::text, email::text, tenant_id::text FROM public.users ORDER BY email, id LIMIT 1000")
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        Ok(TableChoices { tenants, users })
    }

    /// The table writes for the API's agents `ids` (one request for the API's list, one query
    /// for the rows they have).
    async fn table_writes(
        &self,
        env_name: &str,
        ids: &[String],
        owner: &TableOwner,
    ) -> Result<Vec<TableWrite>> {
        let env = self.environment(env_name)?;
        let mut api: HashMap<String, ApiAgent> = list(&*self.api(&env).await?)
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let existing: HashSet<String> = table::find_all(&*self.database(env_name).await?, ids)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        ids.iter()
            .map(|id| {
                let agent = api.remove(id).ok_or_else(|| {
                    AppError::new(
                        ErrorCode::NotFound,
                        format!("Agent {id} is not in the API's registry of {env_name}"),
                    )
                })?;
                let agent = NewAgent::from(&agent);
                Ok(if existing.contains(id) {
                    TableWrite::Update(agent)
                } else {
                    TableWrite::Insert(agent, owner.clone())
                })
            })
            .collect()
    }

    async fn table_row(&self, env_name: &str, id: &str) -> Result<TableAgent> {
        table::find(&*self.database(env_name).await?, id)
            .await?
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("Agent {id} is not in the agents table of {env_name}"),
                )
            })
    }

    /// What reconciling agents `ids` in `direction` would write. Reads only. Towards the API,
    /// one agent: several are published with a plan, which keeps to the rate limit.
    pub async fn reconcile_preview(
        &self,
        env_name: &str,
        ids: &[String],
        direction: Direction,
        owner: &TableOwner,
    ) -> Result<ReconcilePreview> {
        let (target, text, replaces) = match direction {
            Direction::ToTable => {
                let writes = self.table_writes(env_name, ids, owner).await?;
                let replaces = writes
                    .iter()
                    .filter_map(|w| match w {
                        TableWrite::Update(a) => Some(a.id.clone()),
                        TableWrite::Insert(..) => None,
                    })
                    .collect();
                let text = writes
                    .iter()
                    .map(|w| w.preview().map(|sql| format!("{sql};")))
                    .collect::<Result<Vec<_>>>()?
                    .join("\n");
                (format!("the agents table of {env_name}"), text, replaces)
            }
            Direction::ToApi => {
                let id = one(ids)?;
                let agent = from_row(&self.table_row(env_name, id).await?);
                let replaces = self.api_agent(env_name, id).await?.map(|a| a.id);
                let body = serde_json::to_string_pretty(&agent).unwrap_or_default();
                (
                    format!("the API's registry of {env_name}"),
                    format!("POST /api/v1/agents/\n{body}"),
                    replaces.into_iter().collect(),
                )
            }
        };
        Ok(ReconcilePreview {
            ids: ids.to_vec(),
            direction,
            target,
            text,
            replaces,
        })
    }

    /// Writes agents `ids` to the other side, as [`reconcile_preview`](Self::reconcile_preview)
    /// showed: into the table in one transaction (all or none), or one agent to the API. Under
    /// the write policy and audited.
    pub async fn reconcile_agents(
        &self,
        env_name: &str,
        ids: &[String],
        direction: Direction,
        owner: &TableOwner,
        answer: &Confirmation,
    ) -> Result<()> {
        match direction {
            Direction::ToApi => {
                let agent = from_row(&self.table_row(env_name, one(ids)?).await?);
                self.save_agent(env_name, &agent, answer).await
            }
            Direction::ToTable => {
                let writes = self.table_writes(env_name, ids, owner).await?;
                let db = self.database(env_name).await?;
                let subject = subject(ids);
                let event = Event::new(AuditAction::AgentToTable, Some(env_name)).target(&subject);
                self.guarded_on(env_name, event, Some(&subject), answer, async |permit| {
                    let mut session = db.write(&permit, "agents to table").await?;
                    let mut tx = sqlx::Connection::begin(&mut *session)
                        .await
                        .map_err(|e| query_error("starting a transaction", &e))?;
                    for write in &writes {
                        write.run(&mut tx).await?;
                    }
                    tx.commit()
                        .await
                        .map_err(|e| query_error("committing the agents table", &e))?;
                    session.close().await
                })
                .await
            }
        }
    }
}

/// What the guard and the audit log name: the agent, or how many.
pub fn subject(ids: &[String]) -> String {
    match ids {
        [id] => id.clone(),
        _ => format!("{} agents", ids.len()),
    }
}

/// The one id of a write to the API.
fn one(ids: &[String]) -> Result<&str> {
    match ids {
        [id] => Ok(id),
        _ => Err(AppError::invalid_input(
            "Publish one table row at a time here; several are published with a plan, which keeps to the API's rate limit",
        )),
    }
}
