//! Bringing the two sides together, one agent at a time: copy an API agent into the `agents`
//! table (a new row with the tenant and creator the operator chooses, or the existing row's
//! fields taken from the API), or publish a table row to the API's registry. Each shows exactly
//! what it will write first; the table write runs with bind parameters, the preview shows the
//! same statement with its values quoted.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use super::registry::get;
use super::{NewAgent, TableAgent, table};
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
    pub id: String,
    pub direction: Direction,
    /// "the agents table of local", "the API's registry of local".
    pub target: String,
    /// The SQL statement (values quoted) or the JSON body.
    pub text: String,
    /// Whether it replaces what is there (an existing row or agent).
    pub replaces: bool,
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

fn from_row(row: &TableAgent) -> NewAgent {
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

    async fn table_write(
        &self,
        env_name: &str,
        id: &str,
        owner: &TableOwner,
    ) -> Result<TableWrite> {
        let env = self.environment(env_name)?;
        let agent = get(&*self.api(&env).await?, id).await?.ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("Agent {id} is not in the API's registry of {env_name}"),
            )
        })?;
        let agent = NewAgent::from(&agent);
        let existing = table::find(&*self.database(env_name).await?, id).await?;
        Ok(if existing.is_some() {
            TableWrite::Update(agent)
        } else {
            TableWrite::Insert(agent, owner.clone())
        })
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

    /// What reconciling agent `id` in `direction` would write. Reads only.
    pub async fn reconcile_preview(
        &self,
        env_name: &str,
        id: &str,
        direction: Direction,
        owner: &TableOwner,
    ) -> Result<ReconcilePreview> {
        let (target, text, replaces) = match direction {
            Direction::ToTable => {
                let write = self.table_write(env_name, id, owner).await?;
                let replaces = matches!(write, TableWrite::Update(_));
                (
                    format!("the agents table of {env_name}"),
                    write.preview()?,
                    replaces,
                )
            }
            Direction::ToApi => {
                let agent = from_row(&self.table_row(env_name, id).await?);
                let replaces = self.api_agent(env_name, id).await?.is_some();
                let body = serde_json::to_string_pretty(&agent).unwrap_or_default();
                (
                    format!("the API's registry of {env_name}"),
                    format!("POST /api/v1/agents/\n{body}"),
                    replaces,
                )
            }
        };
        Ok(ReconcilePreview {
            id: id.to_owned(),
            direction,
            target,
            text,
            replaces,
        })
    }

    /// Writes agent `id` to the other side, as [`reconcile_preview`](Self::reconcile_preview)
    /// showed. Under the write policy and audited.
    pub async fn reconcile_agent(
        &self,
        env_name: &str,
        id: &str,
        direction: Direction,
        owner: &TableOwner,
        answer: &Confirmation,
    ) -> Result<()> {
        match direction {
            Direction::ToApi => {
                let agent = from_row(&self.table_row(env_name, id).await?);
                self.save_agent(env_name, &agent, answer).await
            }
            Direction::ToTable => {
                let write = self.table_write(env_name, id, owner).await?;
                let db = self.database(env_name).await?;
                let event = Event::new(AuditAction::AgentToTable, Some(env_name)).target(id);
                self.guarded_on(env_name, event, Some(id), answer, async |permit| {
                    let mut session = db.write(&permit, "agent to table").await?;
                    write.run(&mut session).await?;
                    session.close().await
                })
                .await
            }
        }
    }
}
