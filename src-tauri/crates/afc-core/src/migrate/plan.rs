//! The dry run: the exact SQL of every pending migration, statement by statement, its lint, and
//! what on the server would get in the way (the lock holder, sessions that would block DDL).

use serde::Serialize;
use ts_rs::TS;

use super::lint::{LintFinding, lint};
use super::lock::{self, Session};
use super::source::{Migration, MigrationSet, statements_on};
use super::status::{MigrationRow, MigrationState, PROBLEMS, rows};
use crate::db::Database;
use crate::environments::ConnectionMode;
use crate::schema::Shape;
use crate::schema::introspect::{self, LiveSchema};
use crate::{AppError, ErrorCode, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedStatement {
    /// 1-based within the migration.
    pub index: u32,
    /// 1-based line of the file where it starts.
    pub line: u32,
    pub sql: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct PlannedMigration {
    pub version: u32,
    pub name: String,
    pub file: String,
    pub transactional: bool,
    /// Why it will not run here (e.g. no Supabase auth schema); its statements are still shown.
    pub skipped: Option<String>,
    pub statements: Vec<PlannedStatement>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub target: String,
    pub environment: Option<String>,
    pub mode: ConnectionMode,
    pub shape: Shape,
    /// Why apply would refuse, if it would.
    pub refusal: Option<String>,
    pub migrations: Vec<PlannedMigration>,
    pub lint: Vec<LintFinding>,
    pub lock_holder: Option<Session>,
    pub blockers: Vec<Session>,
}

/// Splits and lints `pending` (with each one's skip reason) as they would run on a database in
/// the state `live`. Pure: the benchmark's subject.
pub fn build(
    pending: &[(&Migration, Option<String>)],
    live: &LiveSchema,
) -> (Vec<PlannedMigration>, Vec<LintFinding>) {
    // Only those that will run replace the foreign policies.
    let runs: Vec<&Migration> = pending
        .iter()
        .filter(|(_, skip)| skip.is_none())
        .map(|(m, _)| *m)
        .collect();
    let mut on_live = statements_on(&runs, live).into_iter();
    let split: Vec<_> = pending
        .iter()
        .map(|(m, skip)| match skip {
            None => (*m, on_live.next().unwrap_or_default()),
            Some(_) => (*m, m.statements()),
        })
        .collect();
    let runnable: Vec<_> = split
        .iter()
        .zip(pending)
        .filter(|(_, (_, skip))| skip.is_none())
        .map(|(s, _)| s.clone())
        .collect();
    let findings = lint(&runnable);
    let planned = split
        .into_iter()
        .zip(pending)
        .map(|((m, statements), (_, skipped))| PlannedMigration {
            version: m.version,
            name: m.name.clone(),
            file: m.file.clone(),
            transactional: m.transactional,
            skipped: skipped.clone(),
            statements: statements
                .into_iter()
                .enumerate()
                .map(|(i, s)| PlannedStatement {
                    index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    line: s.line,
                    sql: s.sql,
                })
                .collect(),
        })
        .collect();
    (planned, findings)
}

/// Why an apply must not start on a database in this state, if it must not.
pub(crate) fn refusal(shape: &Shape, rows: &[MigrationRow]) -> Option<String> {
    let problems: Vec<String> = rows
        .iter()
        .filter(|r| PROBLEMS.contains(&r.state))
        .map(|r| {
            let what = match r.state {
                MigrationState::Modified => "was modified after it was applied (its checksum differs)",
                MigrationState::Missing => "was applied but is no longer shipped",
                _ => "started and did not finish (dirty); check the database, then delete its row from afc_schema_migrations",
            };
            format!("{} {what}", r.file)
        })
        .collect();
    if !problems.is_empty() {
        return Some(problems.join("; "));
    }
    match shape {
        Shape::Empty | Shape::ConsoleManaged => None,
        other => Some(format!(
            "This database is {}: adopt it first (afctl migrate adopt), so the migrations do not collide with what it already has",
            other.describe()
        )),
    }
}

pub(crate) fn refusal_error(reason: String) -> AppError {
    AppError::new(ErrorCode::MigrationDrift, reason)
}

pub async fn plan(target: &Database, set: &MigrationSet) -> Result<Plan> {
    target.refuse_transaction_pooler()?;
    let mut conn = target.read().await?;
    let live = introspect::read(&mut conn).await?;
    let shape = Shape::detect(&live);
    let rows = rows(&mut conn, set).await?;
    let mut pending = Vec::new();
    for r in &rows {
        let skip = match r.state {
            MigrationState::Pending => None,
            MigrationState::NotApplicable => r.note.clone(),
            _ => continue,
        };
        if let Some(m) = set.get(r.version) {
            pending.push((m, skip));
        }
    }
    let (migrations, lint) = build(&pending, &live);
    Ok(Plan {
        target: target.label.clone(),
        environment: target.environment.clone(),
        mode: target.mode,
        refusal: refusal(&shape, &rows),
        shape,
        migrations,
        lint,
        lock_holder: lock::holder(&mut conn).await?,
        blockers: lock::blockers(&mut conn).await?,
    })
}
