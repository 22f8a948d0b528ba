//! Staged edits of a table: cell changes, new rows and deleted rows, written only on Apply, in
//! one transaction. Each UPDATE and DELETE names its row by primary key and is guarded by the
//! values the operator saw (`t.col::text IS NOT DISTINCT FROM` the old text), so a row someone
//! changed meanwhile makes the whole apply fail instead of being overwritten.
//!
//! The operator reads the statements with the values written out ([`EditPlan::statements`],
//! secret columns hidden); what runs binds the values as parameters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Map;
use ts_rs::TS;

use super::browse::{Query, column, json_value, row_condition};
use super::catalog::{self, ColumnInfo};
use super::{TableRef, is_secret_column};
use crate::audit::AuditAction;
use crate::db::{Database, ident, literal, query_error};
use crate::guard::{self, Confirmation, Decision};
use crate::{AppError, Console, ErrorCode, Result};

/// One staged change. Values are text as the grid shows them (None is NULL); `old` holds the
/// values the operator saw of the columns that guard the row.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(
    tag = "change",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    Update {
        key: Vec<Option<String>>,
        old: BTreeMap<String, Option<String>>,
        new: BTreeMap<String, Option<String>>,
    },
    /// Columns left out take their default.
    Insert {
        values: BTreeMap<String, Option<String>>,
    },
    Delete {
        key: Vec<Option<String>>,
        old: BTreeMap<String, Option<String>>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StagedEdits {
    pub table: TableRef,
    pub changes: Vec<Change>,
}

impl StagedEdits {
    fn action(&self) -> AuditAction {
        if self
            .changes
            .iter()
            .any(|c| matches!(c, Change::Delete { .. }))
        {
            AuditAction::RowsDelete
        } else {
            AuditAction::RowsEdit
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EditPlan {
    /// The statements in the order they run, in one transaction, values written out.
    pub statements: Vec<String>,
    pub decision: Decision,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EditOutcome {
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub inserted: u64,
    #[ts(type = "number")]
    pub deleted: u64,
}

/// A statement to run (bound) and to show (values written out).
struct Planned {
    query: Query,
    shown: String,
    /// UPDATE and DELETE must touch exactly one row.
    guarded: bool,
}

/// A value as the operator reads it in the plan.
fn shown(column: &str, value: Option<&str>) -> Result<String> {
    Ok(match value {
        None => "NULL".to_owned(),
        Some(_) if is_secret_column(column) => "'‹hidden›'".to_owned(),
        Some(v) => literal(v)?,
    })
}

fn plan_statements(
    t: &TableRef,
    columns: &[ColumnInfo],
    primary_key: &[String],
    edits: &StagedEdits,
) -> Result<Vec<Planned>> {
    let table = t.sql();
    if primary_key.is_empty() {
        return Err(AppError::invalid_input(format!(
            "{t} has no primary key: its rows cannot be named, so they are not edited here (use the SQL console)"
        )));
    }
    let key_shown = |key: &[Option<String>]| -> Result<String> {
        let parts = primary_key
            .iter()
            .zip(key)
            .map(|(k, v)| Ok(format!("{} = {}", ident(k), shown(k, v.as_deref())?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(parts.join(" AND "))
    };
    // Guards: each old value must still be what the operator saw.
    let guards = |q: &mut Query,
                  shown_parts: &mut Vec<String>,
                  old: &BTreeMap<String, Option<String>>|
     -> Result<Vec<String>> {
        old.iter()
            .map(|(name, v)| {
                let col = ident(&column(columns, name, t)?.name);
                Ok(match v {
                    Some(text) => {
                        shown_parts.push(format!("{col}::text = {}", shown(name, Some(text))?));
                        let p = q.bind(text.clone());
                        format!("t.{col}::text IS NOT DISTINCT FROM {p}::text")
                    }
                    None => {
                        shown_parts.push(format!("{col} IS NULL"));
                        format!("t.{col} IS NULL")
                    }
                })
            })
            .collect()
    };
    edits
        .changes
        .iter()
        .map(|change| {
            let mut q = Query::default();
            Ok(match change {
                Change::Update { key, old, new } => {
                    if new.is_empty() {
                        return Err(AppError::invalid_input("A staged update changes no column"));
                    }
                    let mut values = Map::new();
                    for (name, v) in new {
                        values.insert(
                            name.clone(),
                            json_value(column(columns, name, t)?, v.as_deref())?,
                        );
                    }
                    let record = q.record(&table, values);
                    let sets: Vec<String> = new
                        .keys()
                        .map(|n| format!("{} = {}", ident(n), record.field(n)))
                        .collect();
                    let shown_sets = new
                        .iter()
                        .map(|(n, v)| Ok(format!("{} = {}", ident(n), shown(n, v.as_deref())?)))
                        .collect::<Result<Vec<_>>>()?;
                    let row = row_condition(&mut q, &table, columns, primary_key, key)?;
                    let mut shown_guards = Vec::new();
                    let mut conditions = vec![row];
                    conditions.extend(guards(&mut q, &mut shown_guards, old)?);
                    q.sql = format!(
                        "UPDATE {table} AS t SET {} WHERE {}",
                        sets.join(", "),
                        conditions.join(" AND ")
                    );
                    let mut where_shown = vec![key_shown(key)?];
                    where_shown.extend(shown_guards);
                    Planned {
                        shown: format!(
                            "UPDATE {table} SET {} WHERE {};",
                            shown_sets.join(", "),
                            where_shown.join(" AND ")
                        ),
                        query: q,
                        guarded: true,
                    }
                }
                Change::Insert { values } => {
                    let mut json = Map::new();
                    for (name, v) in values {
                        json.insert(
                            name.clone(),
                            json_value(column(columns, name, t)?, v.as_deref())?,
                        );
                    }
                    let names: Vec<String> = values.keys().map(|n| ident(n)).collect();
                    let shown_values = values
                        .iter()
                        .map(|(n, v)| shown(n, v.as_deref()))
                        .collect::<Result<Vec<_>>>()?;
                    let record = q.record(&table, json);
                    let fields: Vec<String> = values.keys().map(|n| record.field(n)).collect();
                    if values.is_empty() {
                        q.sql = format!("INSERT INTO {table} DEFAULT VALUES");
                    } else {
                        q.sql = format!(
                            "INSERT INTO {table} ({}) VALUES ({})",
                            names.join(", "),
                            fields.join(", ")
                        );
                    }
                    Planned {
                        shown: if values.is_empty() {
                            format!("INSERT INTO {table} DEFAULT VALUES;")
                        } else {
                            format!(
                                "INSERT INTO {table} ({}) VALUES ({});",
                                names.join(", "),
                                shown_values.join(", ")
                            )
                        },
                        query: q,
                        guarded: false,
                    }
                }
                Change::Delete { key, old } => {
                    let row = row_condition(&mut q, &table, columns, primary_key, key)?;
                    let mut shown_guards = Vec::new();
                    let mut conditions = vec![row];
                    conditions.extend(guards(&mut q, &mut shown_guards, old)?);
                    q.sql = format!(
                        "DELETE FROM {table} AS t WHERE {}",
                        conditions.join(" AND ")
                    );
                    let mut where_shown = vec![key_shown(key)?];
                    where_shown.extend(shown_guards);
                    Planned {
                        shown: format!("DELETE FROM {table} WHERE {};", where_shown.join(" AND ")),
                        query: q,
                        guarded: true,
                    }
                }
            })
        })
        .collect()
}

/// The statements Apply would run, and what the write policy asks first.
pub async fn plan(db: &Database, edits: &StagedEdits) -> Result<EditPlan> {
    let mut s = db.read().await?;
    let (_, columns, primary_key) = catalog::shape(&mut s, &edits.table).await?;
    let planned = plan_statements(&edits.table, &columns, &primary_key, edits)?;
    let action = edits.action();
    let subject = edits.table.to_string();
    Ok(EditPlan {
        statements: planned.into_iter().map(|p| p.shown).collect(),
        decision: guard::decide(action, &guard::what(action, Some(&subject)), &db.scope()),
    })
}

impl Console {
    /// Applies staged edits in one transaction, under the write policy and audited with the
    /// statements (secret values hidden). A guarded row that changed or went away fails the
    /// whole apply (Conflict) and nothing is written.
    pub async fn apply_edits(
        &self,
        db: &Database,
        edits: &StagedEdits,
        answer: &Confirmation,
    ) -> Result<EditOutcome> {
        let subject = edits.table.to_string();
        self.guarded_db(
            db,
            edits.action(),
            &subject,
            answer,
            async |permit| {
                let mut w = db.write(&permit, "edit rows").await?;
                let (_, columns, primary_key) = catalog::shape(&mut w, &edits.table).await?;
                let planned = plan_statements(&edits.table, &columns, &primary_key, edits)?;
                let mut tx = sqlx::Connection::begin(&mut *w)
                    .await
                    .map_err(|e| query_error("starting the transaction", &e))?;
                let mut outcome = EditOutcome {
                    updated: 0,
                    inserted: 0,
                    deleted: 0,
                };
                for (p, change) in planned.iter().zip(&edits.changes) {
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(p.query.sql.as_str()));
                    for b in &p.query.binds {
                        query = query.bind(b.as_str());
                    }
                    let done = query
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| query_error(&format!("writing {}", edits.table), &e))?;
                    if p.guarded && done.rows_affected() != 1 {
                        return Err(AppError::new(
                            ErrorCode::Conflict,
                            format!(
                                "A row of {} changed or was removed since it was read: nothing was written. Read it again and stage the change anew.",
                                edits.table
                            ),
                        )
                        .with_details(p.shown.clone()));
                    }
                    match change {
                        Change::Update { .. } => outcome.updated += 1,
                        Change::Insert { .. } => outcome.inserted += 1,
                        Change::Delete { .. } => outcome.deleted += 1,
                    }
                }
                tx.commit()
                    .await
                    .map_err(|e| query_error("committing the changes", &e))?;
                Ok((outcome, planned.into_iter().map(|p| p.shown).collect::<Vec<_>>().join("\n")))
            },
            |(_, statements)| Some(statements.clone()),
        )
        .await
        .map(|(outcome, _)| outcome)
    }
}
