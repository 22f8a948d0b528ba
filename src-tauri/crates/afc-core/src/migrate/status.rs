//! Where a database stands against the shipped migrations.

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;

use super::history::{self, Applied};
use super::lock::{self, Session};
use super::source::{Migration, MigrationSet, Requirement};
use crate::Result;
use crate::db::{Database, query_error};
use crate::environments::ConnectionMode;
use crate::schema::{Shape, introspect};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MigrationState {
    Applied,
    /// Recorded by adoption: the database already had what it builds.
    Baselined,
    Pending,
    /// Applied, but the shipped file's checksum now differs.
    Modified,
    /// Applied, but no longer shipped.
    Missing,
    /// Started outside a transaction and did not finish.
    Dirty,
    /// Its requirements (e.g. Supabase's auth schema) are absent here.
    NotApplicable,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct MigrationRow {
    pub version: u32,
    pub name: String,
    pub file: String,
    pub state: MigrationState,
    pub applied_at: Option<String>,
    pub duration_ms: Option<i64>,
    /// The shipped file's checksum (empty for a missing one).
    pub checksum: String,
    pub applied_checksum: Option<String>,
    pub reversible: bool,
    /// Why it is irreversible, or why it does not apply.
    pub note: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub target: String,
    pub environment: Option<String>,
    pub mode: ConnectionMode,
    pub shape: Shape,
    pub server_version: String,
    pub migrations: Vec<MigrationRow>,
    pub pending: u32,
    /// Modified, missing and dirty migrations: apply refuses while there are any.
    pub problems: u32,
    pub lock_holder: Option<Session>,
}

/// Why `m` does not apply to this database, if it does not.
pub(crate) async fn unmet_requirement(
    conn: &mut PgConnection,
    m: &Migration,
) -> Result<Option<String>> {
    for r in &m.requires {
        let (sql, what) = match r {
            Requirement::Function(f) => (
                "SELECT to_regprocedure($1) IS NOT NULL",
                format!("function {f}"),
            ),
            Requirement::Role(role) => (
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                format!("role {role}"),
            ),
        };
        let name = match r {
            Requirement::Function(n) | Requirement::Role(n) => n,
        };
        let present: bool = sqlx::query_scalar(sql)
            .bind(name)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| query_error("checking a migration's requirements", &e))?;
        if !present {
            return Ok(Some(format!(
                "skipped: this database has no {what} (not Supabase)"
            )));
        }
    }
    Ok(None)
}

pub(crate) async fn rows(conn: &mut PgConnection, set: &MigrationSet) -> Result<Vec<MigrationRow>> {
    let applied = history::read(conn).await?;
    let mut out = Vec::new();
    for m in set.iter() {
        let done = applied.iter().find(|a| a.version == m.version);
        // Asked once: the missing requirement is both the state and the note.
        let unmet = match done {
            None => unmet_requirement(conn, m).await?,
            Some(_) => None,
        };
        let state = match (done, &unmet) {
            (Some(a), _) if !a.success => MigrationState::Dirty,
            (Some(a), _) if a.checksum != m.checksum => MigrationState::Modified,
            (Some(a), _) if a.kind == "baseline" => MigrationState::Baselined,
            (Some(_), _) => MigrationState::Applied,
            (None, Some(_)) => MigrationState::NotApplicable,
            (None, None) => MigrationState::Pending,
        };
        let note = unmet.or_else(|| {
            m.irreversible
                .as_ref()
                .map(|r| format!("irreversible: {r}"))
        });
        out.push(row(
            m.version,
            &m.name,
            &m.file,
            state,
            done,
            m.checksum.clone(),
            m.down.is_some(),
            note,
        ));
    }
    for a in applied.iter().filter(|a| set.get(a.version).is_none()) {
        let file = format!("{:04}_{}.up.sql", a.version, a.name);
        out.push(row(
            a.version,
            &a.name,
            &file,
            MigrationState::Missing,
            Some(a),
            String::new(),
            false,
            None,
        ));
    }
    out.sort_by_key(|r| r.version);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn row(
    version: u32,
    name: &str,
    file: &str,
    state: MigrationState,
    applied: Option<&Applied>,
    checksum: String,
    reversible: bool,
    note: Option<String>,
) -> MigrationRow {
    MigrationRow {
        version,
        name: name.to_owned(),
        file: file.to_owned(),
        state,
        applied_at: applied.map(|a| a.applied_at.to_rfc3339()),
        duration_ms: applied.map(|a| a.duration_ms),
        checksum,
        applied_checksum: applied.map(|a| a.checksum.clone()),
        reversible,
        note,
    }
}

pub(crate) fn count(rows: &[MigrationRow], states: &[MigrationState]) -> u32 {
    u32::try_from(rows.iter().filter(|r| states.contains(&r.state)).count()).unwrap_or(u32::MAX)
}

pub(crate) const PROBLEMS: &[MigrationState] = &[
    MigrationState::Modified,
    MigrationState::Missing,
    MigrationState::Dirty,
];

pub(crate) async fn server_version(conn: &mut PgConnection) -> Result<String> {
    sqlx::query_scalar("SHOW server_version")
        .fetch_one(conn)
        .await
        .map_err(|e| query_error("reading the server version", &e))
}

/// The status of every shipped (and every applied) migration, the database's shape, and who
/// holds the migration lock. Reads only.
pub async fn status(target: &Database, set: &MigrationSet) -> Result<StatusReport> {
    let mut conn = target.read().await?;
    let live = introspect::read(&mut conn).await?;
    let migrations = rows(&mut conn, set).await?;
    Ok(StatusReport {
        target: target.label.clone(),
        environment: target.environment.clone(),
        mode: target.mode,
        shape: Shape::detect(&live),
        server_version: server_version(&mut conn).await?,
        pending: count(&migrations, &[MigrationState::Pending]),
        problems: count(&migrations, PROBLEMS),
        lock_holder: lock::holder(&mut conn).await?,
        migrations,
    })
}
