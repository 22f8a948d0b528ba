//! Live activity: the server's sessions (pg_stat_activity) with who blocks whom, the locks on
//! tables, and cancelling or terminating a backend under the write policy.

use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;

use crate::audit::AuditAction;
use crate::db::{Database, query_error};
use crate::guard::{self, Confirmation, Decision};
use crate::{Console, Result};

/// A transaction open this long is highlighted.
pub const LONG_TRANSACTION_SECONDS: f64 = 300.0;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub pid: i32,
    #[ts(optional)]
    pub user: Option<String>,
    #[ts(optional)]
    pub database: Option<String>,
    pub application: String,
    #[ts(optional)]
    pub client: Option<String>,
    /// `active`, `idle`, `idle in transaction`, … (None for background workers).
    #[ts(optional)]
    pub state: Option<String>,
    #[ts(optional)]
    pub wait_event: Option<String>,
    pub query: String,
    /// Seconds since the transaction began / the query started.
    #[ts(optional)]
    pub transaction_seconds: Option<f64>,
    #[ts(optional)]
    pub query_seconds: Option<f64>,
    /// Processes this one waits for.
    pub blocked_by: Vec<i32>,
    pub backend_type: String,
    /// Idle in transaction, or a transaction open longer than [`LONG_TRANSACTION_SECONDS`].
    pub flagged: bool,
    /// The console's own session that reads this.
    pub own: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LockInfo {
    pub pid: i32,
    pub table: String,
    pub mode: String,
    pub granted: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub sessions: Vec<SessionInfo>,
    pub locks: Vec<LockInfo>,
}

pub async fn activity(db: &Database) -> Result<Activity> {
    let mut s = db.read().await?;
    let what = "reading the server's activity";
    let sessions = sqlx::query(
        "SELECT pid, usename::text, datname::text, application_name, client_addr::text, state, \
                wait_event_type || ': ' || wait_event, COALESCE(query, ''), \
                EXTRACT(EPOCH FROM clock_timestamp() - xact_start)::float8, \
                CASE WHEN state = 'active' THEN EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8 END, \
                pg_blocking_pids(pid), COALESCE(backend_type, ''), pid = pg_backend_pid() \
         FROM pg_stat_activity ORDER BY xact_start NULLS LAST, pid",
    )
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| {
        let state: Option<String> = r.get(5);
        let transaction_seconds: Option<f64> = r.get(8);
        SessionInfo {
            pid: r.get(0),
            user: r.get(1),
            database: r.get(2),
            application: r.get(3),
            client: r.get(4),
            flagged: state.as_deref().is_some_and(|s| s.starts_with("idle in transaction"))
                || transaction_seconds.is_some_and(|t| t > LONG_TRANSACTION_SECONDS),
            state,
            wait_event: r.get(6),
            query: r.get(7),
            transaction_seconds,
            query_seconds: r.get(9),
            blocked_by: r.get(10),
            backend_type: r.get(11),
            own: r.get(12),
        }
    })
    .collect();
    let locks = sqlx::query(
        "SELECT l.pid, n.nspname || '.' || c.relname, l.mode, l.granted \
         FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND l.pid <> pg_backend_pid() \
         ORDER BY l.granted, l.pid",
    )
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| LockInfo {
        pid: r.get(0),
        table: r.get(1),
        mode: r.get(2),
        granted: r.get(3),
    })
    .collect();
    Ok(Activity { sessions, locks })
}

/// Cancel a backend's running statement, or end its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Cancel,
    Terminate,
}

impl Signal {
    fn action(self) -> AuditAction {
        match self {
            Self::Cancel => AuditAction::BackendCancel,
            Self::Terminate => AuditAction::BackendTerminate,
        }
    }

    pub fn decision(self, db: &Database, pid: i32) -> Decision {
        let action = self.action();
        guard::decide(
            action,
            &guard::what(action, Some(&pid.to_string())),
            &db.scope(),
        )
    }
}

impl Console {
    /// Sends `signal` to server process `pid` under the write policy; audited. False when no
    /// such process was signalled (it had ended).
    pub async fn signal_backend(
        &self,
        db: &Database,
        pid: i32,
        signal: Signal,
        answer: &Confirmation,
    ) -> Result<bool> {
        let subject = pid.to_string();
        self.guarded_db(
            db,
            signal.action(),
            &subject,
            answer,
            async |permit| {
                let mut w = db.write(&permit, "signal").await?;
                let sql = match signal {
                    Signal::Cancel => "SELECT pg_cancel_backend($1)",
                    Signal::Terminate => "SELECT pg_terminate_backend($1)",
                };
                sqlx::query_scalar(sql)
                    .bind(pid)
                    .fetch_one(&mut *w)
                    .await
                    .map_err(|e| query_error("signalling the server process", &e))
            },
            |_| None,
        )
        .await
    }
}
