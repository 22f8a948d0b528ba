//! Connecting to an environment's PostgreSQL: the TLS policy and CA file, the application name,
//! the connection mode, a timeout, and errors that say what to fix.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, PgConnection};

use super::connection::{DbConnection, TlsPolicy};
use crate::keyring::SecretString;
use crate::{AppError, ErrorCode, Result};

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// `application_name` of the console's sessions; a purpose is appended (`… migrate`), so other
/// sessions (and the lock-holder report) recognise the console.
pub const APPLICATION_NAME: &str = "agent-factory-console";

/// The options for `db` with `password`. A read-only environment's sessions start every
/// transaction read-only on the server (`default_transaction_read_only`), so even raw SQL that
/// reaches such a session cannot write.
pub fn connect_options(
    db: &DbConnection,
    password: Option<&SecretString>,
    read_only: bool,
) -> PgConnectOptions {
    let ssl = match db.tls {
        TlsPolicy::Disable => PgSslMode::Disable,
        TlsPolicy::Prefer => PgSslMode::Prefer,
        TlsPolicy::Require => PgSslMode::Require,
        TlsPolicy::VerifyCa => PgSslMode::VerifyCa,
        TlsPolicy::VerifyFull => PgSslMode::VerifyFull,
    };
    let mut options = PgConnectOptions::new_without_pgpass()
        .host(&db.host)
        .port(db.port)
        .database(&db.database)
        .username(&db.user)
        .ssl_mode(ssl)
        .application_name(APPLICATION_NAME)
        .disable_statement_logging();
    if read_only {
        options = options.options([("default_transaction_read_only", "on")]);
    }
    if let Some(p) = password {
        options = options.password(p.expose());
    }
    if let Some(ca) = &db.ca_cert {
        options = options.ssl_root_cert(ca);
    }
    options
}

/// `host:port/database`, for messages (never a password).
pub fn label(db: &DbConnection) -> String {
    format!("{}:{}/{}", db.host, db.port, db.database)
}

/// One new connection within [`CONNECT_TIMEOUT`].
pub async fn connect(db: &DbConnection, options: &PgConnectOptions) -> Result<PgConnection> {
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(connect_error(db, &e)),
        Err(_) => Err(AppError::new(
            ErrorCode::Timeout,
            format!(
                "PostgreSQL at {} did not answer within {} seconds",
                label(db),
                CONNECT_TIMEOUT.as_secs()
            ),
        )),
    }
}

/// Turns a connection error into a code and a message that say what to fix.
pub fn connect_error(db: &DbConnection, e: &sqlx::Error) -> AppError {
    let target = label(db);
    let tls_failed = |text: String| {
        AppError::new(
            ErrorCode::Unreachable,
            format!(
                "TLS with PostgreSQL at {target} failed (policy: {})",
                db.tls.as_sslmode()
            ),
        )
        .with_details(text)
    };
    match e {
        // rustls reports certificate problems as I/O errors.
        sqlx::Error::Io(io) if io.to_string().contains("certificate") => tls_failed(io.to_string()),
        sqlx::Error::Tls(tls) => tls_failed(tls.to_string()),
        sqlx::Error::Io(io) => AppError::new(
            ErrorCode::Unreachable,
            format!("Could not connect to PostgreSQL at {target}"),
        )
        .with_details(io.to_string()),
        sqlx::Error::Database(d) => {
            let code = match d.code().as_deref() {
                Some("28P01" | "28000") => ErrorCode::Unauthorized,
                Some("3D000") => ErrorCode::NotFound,
                _ => ErrorCode::Unreachable,
            };
            AppError::new(
                code,
                format!(
                    "PostgreSQL at {target} refused the connection: {}",
                    d.message()
                ),
            )
            .with_details(format!("SQLSTATE {}", d.code().unwrap_or_default()))
        }
        sqlx::Error::PoolTimedOut => AppError::new(
            ErrorCode::Timeout,
            format!(
                "PostgreSQL at {target} did not answer within {} seconds",
                CONNECT_TIMEOUT.as_secs()
            ),
        ),
        other => AppError::new(
            ErrorCode::Unreachable,
            format!("Could not connect to PostgreSQL at {target}"),
        )
        .with_details(other.to_string()),
    }
}

/// A failed query on an open connection: the server's message (with its SQLSTATE and the
/// position in the statement when it gave one), or that the connection was lost.
pub fn query_error(what: &str, e: &sqlx::Error) -> AppError {
    match e {
        // Class 57P: the server ended the session (terminated, shut down).
        sqlx::Error::Database(d) if d.code().is_some_and(|c| c.starts_with("57P")) => {
            AppError::new(
                ErrorCode::Unreachable,
                format!("The connection to PostgreSQL was lost during {what}"),
            )
            .with_details(d.message().to_owned())
        }
        sqlx::Error::Database(d) => {
            let code = match d.code().as_deref() {
                // read_only_sql_transaction, insufficient_privilege
                Some("25006" | "42501") => ErrorCode::UnsafeInProduction,
                _ => ErrorCode::Internal,
            };
            let position = d
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .and_then(|p| p.position())
                .map(|p| match p {
                    sqlx::postgres::PgErrorPosition::Original(n) => format!(", at character {n}"),
                    sqlx::postgres::PgErrorPosition::Internal { position, .. } => {
                        format!(", at character {position} of an internal query")
                    }
                })
                .unwrap_or_default();
            AppError::new(code, format!("{what} failed: {}", d.message())).with_details(format!(
                "SQLSTATE {}{position}",
                d.code().unwrap_or_default()
            ))
        }
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::PoolClosed => AppError::new(
            ErrorCode::Unreachable,
            format!("The connection to PostgreSQL was lost during {what}"),
        )
        .with_details(e.to_string()),
        sqlx::Error::PoolTimedOut => AppError::new(
            ErrorCode::Timeout,
            format!("No connection to PostgreSQL was free for {what}"),
        ),
        other => AppError::internal(format!("{what} failed")).with_details(other.to_string()),
    }
}
