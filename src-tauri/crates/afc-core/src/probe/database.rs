//! The database probe: connects as the console would, then reports the server version, whether
//! TLS is really in use (from `pg_stat_ssl`, not from what was asked for) and round-trip latency.

use std::time::Instant;

use sqlx::{Connection, Row};

use super::{ProbeResult, ProbeStatus, ProbeTarget, millis, timed};
use crate::db::{Database, tls_warning};
use crate::{AppError, ErrorCode, Result};

/// How loaded the server is: connections against the limit, this database's size, the share of
/// reads served from shared buffers, and the oldest transaction another session holds open.
const LOAD: &str = "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL), \
     current_setting('max_connections')::bigint, pg_size_pretty(pg_database_size(current_database())), \
     (SELECT (100.0 * sum(blks_hit) / nullif(sum(blks_hit) + sum(blks_read), 0))::float8 \
      FROM pg_stat_database WHERE datname = current_database()), \
     (SELECT extract(epoch FROM max(now() - xact_start))::float8 FROM pg_stat_activity \
      WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid())";

pub async fn probe_database(db: &Database) -> ProbeResult {
    match probe(db).await {
        Ok(r) => r,
        Err(e) => ProbeResult::failed(ProbeTarget::Database, e),
    }
}

async fn probe(database: &Database) -> Result<ProbeResult> {
    let db = database.connection();
    // A connection of its own: connecting is part of what is measured and reported.
    let mut conn = database.connect("probe").await?;
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
    let mode = database.mode;
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
