//! PostgreSQL, one way: [`Database`] is an environment's database (or one given by URL) with
//! its safety level; reads go through a [`ReadSession`] (a read-only snapshot on a small pool),
//! writes through a [`WriteSession`], which only a [`WritePermit`] from the write policy
//! ([`crate::guard`]) can open. A read-only environment can never obtain one, and its sessions
//! are read-only on the server as well.
//!
//! Nothing outside this module opens a PostgreSQL connection.

mod connect;
mod connection;
mod quote;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};

pub use connect::{APPLICATION_NAME, CONNECT_TIMEOUT, connect_error, label, query_error};
pub use connection::{ConnectionMode, DbConnection, TlsPolicy, parse_database_url, tls_warning};
pub use quote::{ident, idents, literal, public};

use crate::guard::{SafetyLevel, Scope, WritePermit};
use crate::keyring::SecretString;
use crate::{AppError, ErrorCode, Result};

/// Connections a database's pool keeps for reads (the console reads little, but often).
const POOL_SIZE: u32 = 2;
const POOL_IDLE: Duration = Duration::from_secs(60);
/// How long a read waits for the pool before connecting on its own: the pool retries a refused
/// connection until its deadline and then reports only that it timed out, while a connection of
/// our own says why (refused, TLS, password).
const POOL_WAIT: Duration = Duration::from_secs(2);

/// Defaults of every write session; a caller may set longer ones (a migration's DDL).
pub const WRITE_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);
pub const WRITE_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Database {
    /// `host:port/database`, for messages (never a password).
    pub label: String,
    pub environment: Option<String>,
    pub safety: SafetyLevel,
    pub mode: ConnectionMode,
    conn: DbConnection,
    password: Option<SecretString>,
    pool: OnceLock<PgPool>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("label", &self.label)
            .field("environment", &self.environment)
            .field("safety", &self.safety)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// A database given as a URL (`--database-url`, `DATABASE_URL`): no environment, so it is
    /// treated as open; a production database should be reached through a protected environment.
    pub fn from_url(url: &str) -> Result<Self> {
        let (db, password) = parse_database_url(url)?;
        Ok(Self::new(db, password, None, SafetyLevel::Open))
    }

    pub fn new(
        conn: DbConnection,
        password: Option<SecretString>,
        environment: Option<String>,
        safety: SafetyLevel,
    ) -> Self {
        Self {
            label: label(&conn),
            mode: ConnectionMode::detect(&conn.host, conn.port),
            environment,
            safety,
            conn,
            password,
            pool: OnceLock::new(),
        }
    }

    /// The environment's name, or the label for a database given by URL: what the operator types
    /// to confirm and what the audit log names.
    pub fn name(&self) -> &str {
        self.environment.as_deref().unwrap_or(&self.label)
    }

    /// What the write policy judges: the environment (or the URL's label) and its safety level.
    pub fn scope(&self) -> Scope {
        Scope::new(self.name(), self.safety, self.environment.is_some())
    }

    pub fn connection(&self) -> &DbConnection {
        &self.conn
    }

    fn options(&self, purpose: Option<&str>) -> PgConnectOptions {
        let options = connect::connect_options(
            &self.conn,
            self.password.as_ref(),
            self.safety == SafetyLevel::ReadOnly,
        );
        match purpose {
            Some(p) => options.application_name(&format!("{APPLICATION_NAME} {p}")),
            None => options,
        }
    }

    /// Why this database can take no lock or session state (the transaction pooler), if it cannot.
    pub fn pooler_refusal(&self) -> Option<String> {
        (self.mode == ConnectionMode::SupabaseTransactionPooler).then(|| {
            format!(
                "{} is the Supabase transaction pooler (port 6543): it hands each transaction to a \
                 different server connection, so the migration lock and session settings would not \
                 hold. Use the direct connection (port 5432) or the session pooler.",
                self.label
            )
        })
    }

    pub fn refuse_transaction_pooler(&self) -> Result<()> {
        match self.pooler_refusal() {
            Some(reason) => Err(AppError::new(ErrorCode::UnsafeInProduction, reason)),
            None => Ok(()),
        }
    }

    /// A new connection of its own (not pooled), for a probe that measures connecting, or for
    /// reads that need a session to themselves. Read-only on the server for read-only
    /// environments.
    pub async fn connect(&self, purpose: &str) -> Result<PgConnection> {
        connect::connect(&self.conn, &self.options(Some(purpose))).await
    }

    fn pool(&self) -> &PgPool {
        self.pool.get_or_init(|| {
            PgPoolOptions::new()
                .max_connections(POOL_SIZE)
                .min_connections(0)
                .idle_timeout(POOL_IDLE)
                .acquire_timeout(POOL_WAIT)
                .connect_lazy_with(self.options(None))
        })
    }

    /// A read-only snapshot (REPEATABLE READ): every query in it sees the database at one
    /// moment, even while a migration commits; it ends (rolls back) when dropped. From the pool,
    /// or on a connection of its own when the pool cannot give one in time (which then reports
    /// exactly why it cannot connect).
    pub async fn read(&self) -> Result<ReadSession> {
        match self.pool().begin_with(SNAPSHOT).await {
            Ok(tx) => Ok(ReadSession::Pooled(tx)),
            Err(sqlx::Error::PoolTimedOut) => {
                let mut conn = self.connect("read").await?;
                sqlx::raw_sql(SNAPSHOT)
                    .execute(&mut conn)
                    .await
                    .map_err(|e| query_error("starting a read-only snapshot", &e))?;
                Ok(ReadSession::Own(conn))
            }
            Err(e) => Err(connect_error(&self.conn, &e)),
        }
    }

    /// A session that may change this database: only with a permit the write policy gave for
    /// it. One pinned connection (never pooled: locks and settings belong to a session) with
    /// `statement_timeout` and `lock_timeout` set.
    pub async fn write(&self, permit: &WritePermit, purpose: &str) -> Result<WriteSession> {
        if permit.target() != self.name() {
            return Err(AppError::internal(format!(
                "A write permit for \"{}\" was used on \"{}\"",
                permit.target(),
                self.name()
            )));
        }
        let mut conn = self.connect(purpose).await?;
        set_timeouts(&mut conn, WRITE_STATEMENT_TIMEOUT, WRITE_LOCK_TIMEOUT).await?;
        Ok(WriteSession {
            conn,
            label: self.label.clone(),
        })
    }
}

/// Sets a session's timeouts. The values are formatted from durations, never operator text.
pub async fn set_timeouts(
    conn: &mut PgConnection,
    statement: Duration,
    lock: Duration,
) -> Result<()> {
    let sql = format!(
        "SET statement_timeout = '{}ms'; SET lock_timeout = '{}ms'",
        statement.as_millis(),
        lock.as_millis()
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str()))
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| query_error("setting the session's timeouts", &e))
}

const SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Reads inside one read-only snapshot. Dereferences to the connection.
pub enum ReadSession {
    /// Rolled back and returned to the pool when dropped.
    Pooled(Transaction<'static, Postgres>),
    /// Closed (and so rolled back) when dropped.
    Own(PgConnection),
}

impl std::ops::Deref for ReadSession {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        match self {
            Self::Pooled(tx) => tx,
            Self::Own(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for ReadSession {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Self::Pooled(tx) => tx,
            Self::Own(conn) => conn,
        }
    }
}

/// A connection that may write, opened with a [`WritePermit`]. Dereferences to the connection.
pub struct WriteSession {
    conn: PgConnection,
    pub label: String,
}

impl WriteSession {
    /// Ends the session politely (dropping it also ends it, which releases its locks).
    pub async fn close(self) -> Result<()> {
        self.conn
            .close()
            .await
            .map_err(|e| query_error("closing the connection", &e))
    }
}

impl std::ops::Deref for WriteSession {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for WriteSession {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

/// Databases by environment, kept while their connection settings are unchanged, so their pools
/// outlive one call.
#[derive(Default)]
pub struct Databases(Mutex<std::collections::HashMap<String, (u64, Arc<Database>)>>);

impl Databases {
    pub fn get_or_insert(
        &self,
        environment: &str,
        fingerprint: u64,
        build: impl FnOnce() -> Database,
    ) -> Arc<Database> {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((f, db)) = map.get(environment)
            && *f == fingerprint
        {
            return db.clone();
        }
        let db = Arc::new(build());
        map.insert(environment.to_owned(), (fingerprint, db.clone()));
        db
    }
}
