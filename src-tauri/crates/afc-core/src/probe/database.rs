//! The database probe: connects as the console would, then reports the server version, whether
//! TLS is really in use (from `pg_stat_ssl`, not from what was asked for) and round-trip latency.

use std::time::Instant;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, Row};

use super::{ProbeResult, ProbeStatus, ProbeTarget, millis, timed};
use crate::environments::connection::tls_warning;
use crate::environments::{ConnectionMode, DbConnection, TlsPolicy};
use crate::secrets::SecretString;
use crate::{AppError, ErrorCode, Result};

pub fn connect_options(db: &DbConnection, password: Option<&SecretString>) -> PgConnectOptions {
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
        .application_name("agent-factory-console")
        .disable_statement_logging();
    if let Some(p) = password {
        options = options.password(p.expose());
    }
    if let Some(ca) = &db.ca_cert {
        options = options.ssl_root_cert(ca);
    }
    options
}

/// Turns a connection error into a code and a message that say what to fix.
pub fn connect_error(db: &DbConnection, e: &sqlx::Error) -> AppError {
    let target = format!("{}:{}/{}", db.host, db.port, db.database);
    let tls_failed = |text: &str| {
        AppError::new(
            ErrorCode::Unreachable,
            format!(
                "TLS with PostgreSQL at {target} failed (policy: {})",
                db.tls.as_sslmode()
            ),
        )
        .with_details(text.to_owned())
    };
    match e {
        // rustls reports certificate problems as I/O errors.
        sqlx::Error::Io(io) if io.to_string().contains("certificate") => {
            tls_failed(&io.to_string())
        }
        sqlx::Error::Io(io) => AppError::new(
            ErrorCode::Unreachable,
            format!("Could not connect to PostgreSQL at {target}"),
        )
        .with_details(io.to_string()),
        sqlx::Error::Tls(tls) => AppError::new(
            ErrorCode::Unreachable,
            format!(
                "TLS with PostgreSQL at {target} failed (policy: {})",
                db.tls.as_sslmode()
            ),
        )
        .with_details(tls.to_string()),
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
        other => AppError::new(
            ErrorCode::Unreachable,
            format!("Could not connect to PostgreSQL at {target}"),
        )
        .with_details(other.to_string()),
    }
}

/// How loaded the server is: connections against the limit, this database's size, the share of
/// reads served from shared buffers, and the oldest transaction another session holds open.
const LOAD: &str = "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL), \
     current_setting('max_connections')::bigint, pg_size_pretty(pg_database_size(current_database())), \
     (SELECT (100.0 * sum(blks_hit) / nullif(sum(blks_hit) + sum(blks_read), 0))::float8 \
      FROM pg_stat_database WHERE datname = current_database()), \
     (SELECT extract(epoch FROM max(now() - xact_start))::float8 FROM pg_stat_activity \
      WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid())";

pub async fn probe_database(db: &DbConnection, password: Option<&SecretString>) -> ProbeResult {
    match probe(db, password).await {
        Ok(r) => r,
        Err(e) => ProbeResult::failed(ProbeTarget::Database, e),
    }
}

async fn probe(db: &DbConnection, password: Option<&SecretString>) -> Result<ProbeResult> {
    let options = connect_options(db, password);
    let mut conn = timed("PostgreSQL", async {
        options.connect().await.map_err(|e| connect_error(db, &e))
    })
    .await?;
    let query_error = |e: sqlx::Error| {
        AppError::new(
            ErrorCode::Unreachable,
            "A query on the new connection failed",
        )
        .with_details(e.to_string())
    };
    let facts = timed("PostgreSQL", async {
        let started = Instant::now();
        sqlx::query("SELECT 1")
            .execute(&mut conn)
            .await
            .map_err(query_error)?;
        let latency = millis(started);
        let version: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&mut conn)
            .await
            .map_err(query_error)?;
        let ssl = sqlx::query(
            "SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        )
        .fetch_optional(&mut conn)
        .await
        .map_err(query_error)?;
        let tls = match ssl {
            Some(row) if row.try_get::<bool, _>("ssl").unwrap_or(false) => format!(
                "yes ({}, {})",
                row.try_get::<Option<String>, _>("version")
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                row.try_get::<Option<String>, _>("cipher")
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            ),
            _ => "no".to_owned(),
        };
        let load = sqlx::query(LOAD)
            .fetch_one(&mut conn)
            .await
            .map_err(query_error)?;
        let load = vec![
            (
                "connections in use",
                format!("{} of {}", load.get::<i64, _>(0), load.get::<i64, _>(1)),
            ),
            ("database size", load.get::<String, _>(2)),
            (
                "cache hit ratio",
                load.get::<Option<f64>, _>(3)
                    .map_or("no reads yet".to_owned(), |h| format!("{h:.1}%")),
            ),
            (
                "longest open transaction",
                load.get::<Option<f64>, _>(4)
                    .map_or("none".to_owned(), |s| format!("{s:.1} s")),
            ),
        ];
        Ok::<_, AppError>((latency, version, tls, load))
    })
    .await?;
    let _ = conn.close().await;
    let (latency, version, tls, load) = facts;
    let mode = ConnectionMode::detect(&db.host, db.port);
    let mut result = ProbeResult::new(
        ProbeTarget::Database,
        ProbeStatus::Ok,
        format!("PostgreSQL {version} answered in {latency} ms"),
    );
    result.latency_ms = Some(latency);
    result.fact("server version", version);
    result.fact("TLS in use", tls);
    result.fact("TLS policy", db.tls.as_sslmode());
    result.fact("connection mode", mode.label());
    result.fact("round trip (SELECT 1)", format!("{latency} ms"));
    for (label, value) in load {
        result.fact(label, value);
    }
    if let Some(warning) = tls_warning(db) {
        result.status = ProbeStatus::Degraded;
        result.summary = format!("Connected, but: {warning}");
    }
    Ok(result)
}
