//! The database a migration command works on: an environment's connection (password from the
//! keyring) or a `postgresql://` URL, with the environment's safety level.

use std::time::Duration;

use sqlx::{ConnectOptions, PgConnection};

use crate::console::Console;
use crate::environments::connection::parse_database_url;
use crate::environments::{ConnectionMode, DB_PASSWORD, DbConnection, SafetyLevel};
use crate::probe::{PROBE_TIMEOUT, connect_error, connect_options};
use crate::secrets::SecretString;
use crate::{AppError, ErrorCode, Result};

/// `application_name` of every migration connection: how other sessions (and the lock-holder
/// report) recognise the console.
pub const APPLICATION_NAME: &str = "agent-factory-console migrate";

#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port/database`, for messages (never a password).
    pub label: String,
    pub environment: Option<String>,
    pub safety: SafetyLevel,
    pub mode: ConnectionMode,
    db: DbConnection,
    password: Option<SecretString>,
}

impl Target {
    /// A database given as a URL (`--database-url`, `DATABASE_URL`): no environment, so it is
    /// treated as open; a production database should be reached through a protected environment.
    pub fn from_url(url: &str) -> Result<Self> {
        let (db, password) = parse_database_url(url)?;
        Ok(Self::new(db, password, None, SafetyLevel::Open))
    }

    fn new(
        db: DbConnection,
        password: Option<SecretString>,
        environment: Option<String>,
        safety: SafetyLevel,
    ) -> Self {
        Self {
            label: format!("{}:{}/{}", db.host, db.port, db.database),
            mode: ConnectionMode::detect(&db.host, db.port),
            environment,
            safety,
            db,
            password,
        }
    }

    /// Why this target can take no lock (the transaction pooler), if it cannot.
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

    /// One connection (never a pool: the advisory lock belongs to a session).
    pub(crate) async fn connect(&self) -> Result<PgConnection> {
        let options =
            connect_options(&self.db, self.password.as_ref()).application_name(APPLICATION_NAME);
        match tokio::time::timeout(PROBE_TIMEOUT, options.connect()).await {
            Ok(Ok(conn)) => Ok(conn),
            Ok(Err(e)) => Err(connect_error(&self.db, &e)),
            Err(_) => Err(AppError::new(
                ErrorCode::Timeout,
                format!(
                    "PostgreSQL at {} did not answer within {} seconds",
                    self.label,
                    PROBE_TIMEOUT.as_secs()
                ),
            )),
        }
    }
}

impl Target {
    /// A connection inside a read-only transaction with a single snapshot, so a report built from
    /// many queries describes the database at one moment, even while a migration commits.
    pub(crate) async fn connect_snapshot(&self) -> Result<PgConnection> {
        let mut conn = self.connect().await?;
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut conn)
            .await
            .map_err(|e| query_error("starting a read-only snapshot", &e))?;
        Ok(conn)
    }
}

/// A failed query on an open connection: the server's message, or that the connection was lost.
pub(crate) fn query_error(what: &str, e: &sqlx::Error) -> AppError {
    match e {
        sqlx::Error::Database(d) => AppError::new(
            ErrorCode::Internal,
            format!("{what} failed: {}", d.message()),
        )
        .with_details(format!("SQLSTATE {}", d.code().unwrap_or_default())),
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => AppError::new(
            ErrorCode::Unreachable,
            format!("The connection to PostgreSQL was lost during {what}"),
        )
        .with_details(e.to_string()),
        other => AppError::internal(format!("{what} failed")).with_details(other.to_string()),
    }
}

pub(crate) fn timeout_setting(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

impl Console {
    /// The database of a saved environment, with its password from the keyring.
    pub async fn migration_target(&self, env_name: &str) -> Result<Target> {
        let env = self.environment(env_name)?;
        let Some(db) = env.database.clone() else {
            return Err(AppError::invalid_input(format!(
                "Environment \"{env_name}\" has no database connection"
            )));
        };
        let password = if db.has_password {
            self.connection_secret(&env.name, DB_PASSWORD).await?
        } else {
            None
        };
        Ok(Target::new(db, password, Some(env.name), env.safety))
    }
}
