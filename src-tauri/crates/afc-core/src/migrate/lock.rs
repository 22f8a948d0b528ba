//! The migration lock (a session-level advisory lock, so only one console applies at a time) and
//! the sessions that hold it or would block DDL.

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::{PgConnection, Row};
use ts_rs::TS;

use crate::db::query_error;
use crate::progress::Cancel;
use crate::{AppError, ErrorCode, Result};

/// The advisory lock key: "AFCM" in ASCII. Below 2^32, so pg_locks shows it as classid 0, objid KEY.
const KEY: i64 = 0x4146_434D;

/// Another database session, as pg_stat_activity shows it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub pid: i32,
    pub application: String,
    pub user: String,
    pub client: Option<String>,
    pub state: String,
    /// How long its current transaction has been open, in seconds.
    pub transaction_secs: Option<f64>,
    /// The start of its current or last query.
    pub query: String,
    /// For blockers: the tables it holds locks on.
    pub tables: Vec<String>,
}

impl Session {
    pub fn describe(&self) -> String {
        let app = if self.application.is_empty() {
            "no application name".to_owned()
        } else {
            self.application.clone()
        };
        let client = self.client.as_deref().unwrap_or("local socket");
        format!(
            "process {} ({app}, user {}, from {client}, {})",
            self.pid, self.user, self.state
        )
    }
}

const SESSION_COLUMNS: &str = "a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), \
     a.client_addr::text, coalesce(a.state, ''), \
     extract(epoch FROM now() - a.xact_start)::float8, left(coalesce(a.query, ''), 200)";

fn session(r: &sqlx::postgres::PgRow, tables: Vec<String>) -> Session {
    Session {
        pid: r.get(0),
        application: r.get(1),
        user: r.get(2),
        client: r.get(3),
        state: r.get(4),
        transaction_secs: r.get(5),
        query: r.get(6),
        tables,
    }
}

/// Who holds the migration lock on this database, if anyone else does.
pub async fn holder(conn: &mut PgConnection) -> Result<Option<Session>> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid::bigint = $1 \
         AND l.objsubid = 1 AND l.pid <> pg_backend_pid() \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(KEY)
        .fetch_optional(conn)
        .await
        .map_err(|e| query_error("looking up the migration lock", &e))?;
    Ok(row.map(|r| session(&r, Vec::new())))
}

/// Other sessions holding locks on tables of the `public` schema: DDL on those tables would wait
/// for them (and, with `lock_timeout`, fail).
pub async fn blockers(conn: &mut PgConnection) -> Result<Vec<Session>> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS}, array_agg(DISTINCT c.relname::text ORDER BY c.relname::text) \
         FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' \
         JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.granted AND l.pid <> pg_backend_pid() AND c.relkind IN ('r', 'p') \
         GROUP BY a.pid, a.application_name, a.usename, a.client_addr, a.state, a.xact_start, a.query \
         ORDER BY a.xact_start"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .fetch_all(conn)
        .await
        .map_err(|e| query_error("looking for sessions that would block DDL", &e))?;
    Ok(rows.iter().map(|r| session(r, r.get(7))).collect())
}

/// Takes the lock, waiting up to `wait` for another holder to finish. `on_wait` is told who holds
/// it once, when waiting starts. False when `cancel` was asked while waiting (nothing held).
pub async fn acquire(
    conn: &mut PgConnection,
    wait: Duration,
    cancel: &Cancel,
    on_wait: impl FnOnce(&Session),
) -> Result<bool> {
    let started = Instant::now();
    let mut on_wait = Some(on_wait);
    loop {
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(KEY)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| query_error("taking the migration lock", &e))?;
        if got {
            return Ok(true);
        }
        if cancel.is_cancelled() {
            return Ok(false);
        }
        let current = holder(conn).await?;
        if started.elapsed() >= wait {
            let who = current.map_or_else(
                || "another session (it has just let go; try again)".to_owned(),
                |s| s.describe(),
            );
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("Another migration is running on this database: the lock is held by {who}"),
            ));
        }
        if let (Some(s), Some(f)) = (&current, on_wait.take()) {
            f(s);
        }
        // Polling the lock (rather than blocking in pg_advisory_lock) keeps the wait bounded
        // and cancellable without a server-side statement_timeout.
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
            () = cancel.cancelled() => {}
        }
    }
}

pub async fn release(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(KEY)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| query_error("releasing the migration lock", &e))
}
