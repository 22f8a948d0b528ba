//! The console's migration history: one row per migration applied (or recorded as a baseline by
//! adoption), with its checksum, so a shipped file changed after it ran is noticed.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};

use super::source::Migration;
use crate::Result;
use crate::db::query_error;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS public.afc_schema_migrations (
    version integer PRIMARY KEY,
    name varchar NOT NULL,
    checksum varchar NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration_ms bigint NOT NULL DEFAULT 0,
    success boolean NOT NULL,
    kind varchar NOT NULL DEFAULT 'migration'
)";

#[derive(Debug, Clone)]
pub struct Applied {
    pub version: u32,
    pub name: String,
    pub checksum: String,
    pub applied_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// False while a migration that runs outside a transaction is in progress, or after it failed.
    pub success: bool,
    /// `migration`, or `baseline` for one recorded by adoption.
    pub kind: String,
}

pub async fn exists(conn: &mut PgConnection) -> Result<bool> {
    sqlx::query_scalar::<_, bool>("SELECT to_regclass('public.afc_schema_migrations') IS NOT NULL")
        .fetch_one(conn)
        .await
        .map_err(|e| query_error("reading the migration history", &e))
}

pub async fn read(conn: &mut PgConnection) -> Result<Vec<Applied>> {
    if !exists(conn).await? {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT version, name, checksum, applied_at, duration_ms, success, kind \
         FROM public.afc_schema_migrations ORDER BY version",
    )
    .fetch_all(conn)
    .await
    .map_err(|e| query_error("reading the migration history", &e))?;
    Ok(rows
        .iter()
        .map(|r| Applied {
            version: u32::try_from(r.get::<i32, _>(0)).unwrap_or(0),
            name: r.get(1),
            checksum: r.get(2),
            applied_at: r.get(3),
            duration_ms: r.get(4),
            success: r.get(5),
            kind: r.get(6),
        })
        .collect())
}

pub async fn ensure(conn: &mut PgConnection) -> Result<()> {
    sqlx::raw_sql(CREATE)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| query_error("creating the migration history table", &e))
}

/// Inserts (or, for a dirty row being retried, replaces) the history row of `m`.
pub async fn record(
    conn: &mut PgConnection,
    m: &Migration,
    duration_ms: i64,
    success: bool,
    kind: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO public.afc_schema_migrations (version, name, checksum, duration_ms, success, kind) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now(), \
         duration_ms = EXCLUDED.duration_ms, success = EXCLUDED.success, kind = EXCLUDED.kind",
    )
    .bind(i32::try_from(m.version).unwrap_or(i32::MAX))
    .bind(&m.name)
    .bind(&m.checksum)
    .bind(duration_ms)
    .bind(success)
    .bind(kind)
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(|e| query_error("recording the migration in the history", &e))
}

/// Forgets a migration (after its down file ran).
pub async fn remove(conn: &mut PgConnection, version: u32) -> Result<()> {
    sqlx::query("DELETE FROM public.afc_schema_migrations WHERE version = $1")
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| query_error("removing the migration from the history", &e))
}
