//! The Redis probe: connects (with TLS for `rediss`), authenticates, and times a PING.

use std::time::Instant;

use super::{ProbeResult, ProbeStatus, ProbeTarget, millis, timed};
use crate::environments::RedisConnection;
use crate::keyring::SecretString;
use crate::{AppError, ErrorCode, Result};

/// The connection URL, built here so the password is percent-encoded correctly. It holds the
/// password: it is passed straight to the client and never logged or shown.
fn url(r: &RedisConnection, password: Option<&SecretString>) -> Result<SecretString> {
    let scheme = if r.tls { "rediss" } else { "redis" };
    let mut url =
        url::Url::parse(&format!("{scheme}://{}:{}/{}", r.host, r.port, r.db)).map_err(|e| {
            AppError::invalid_input(format!("The Redis host \"{}\" is not valid", r.host))
                .with_details(e.to_string())
        })?;
    if let Some(user) = &r.username {
        let _ = url.set_username(user);
    }
    if let Some(p) = password {
        let _ = url.set_password(Some(p.expose()));
    }
    Ok(SecretString::new(url.to_string()))
}

fn redis_error(r: &RedisConnection, e: &::redis::RedisError) -> AppError {
    let target = format!("{}:{}", r.host, r.port);
    let text = e.to_string();
    if e.kind() == ::redis::ErrorKind::AuthenticationFailed
        || text.contains("NOAUTH")
        || text.contains("WRONGPASS")
    {
        AppError::new(
            ErrorCode::Unauthorized,
            format!("Redis at {target} refused the credentials"),
        )
        .with_details(text)
    } else {
        AppError::new(
            ErrorCode::Unreachable,
            format!("Could not reach Redis at {target}"),
        )
        .with_details(text)
    }
}

pub async fn probe_redis(r: &RedisConnection, password: Option<&SecretString>) -> ProbeResult {
    match probe(r, password).await {
        Ok(result) => result,
        Err(e) => ProbeResult::failed(ProbeTarget::Redis, e),
    }
}

async fn probe(r: &RedisConnection, password: Option<&SecretString>) -> Result<ProbeResult> {
    let url = url(r, password)?;
    let client = ::redis::Client::open(url.expose()).map_err(|e| redis_error(r, &e))?;
    let (latency, version, load) = timed("Redis", async {
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| redis_error(r, &e))?;
        let started = Instant::now();
        let pong: String = ::redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| redis_error(r, &e))?;
        let latency = millis(started);
        if pong != "PONG" {
            return Err(AppError::new(
                ErrorCode::Unreachable,
                format!("Redis answered PING with \"{pong}\""),
            ));
        }
        let info: String = ::redis::cmd("INFO")
            .query_async(&mut conn)
            .await
            .map_err(|e| redis_error(r, &e))?;
        let version = info
            .lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .unwrap_or("unknown")
            .trim()
            .to_owned();
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(|v| v.trim().to_owned())
        };
        let load = [
            ("used memory", field("used_memory_human")),
            ("connected clients", field("connected_clients")),
            ("operations per second", field("instantaneous_ops_per_sec")),
        ];
        Ok((latency, version, load))
    })
    .await?;
    let mut result = ProbeResult::new(
        ProbeTarget::Redis,
        ProbeStatus::Ok,
        format!("Redis {version} answered PING in {latency} ms"),
    );
    result.latency_ms = Some(latency);
    result.fact("server version", version);
    result.fact("PING latency", format!("{latency} ms"));
    result.fact("TLS", if r.tls { "yes (rediss)" } else { "no" });
    for (label, value) in load {
        result.fact(label, value.unwrap_or_else(|| "not reported".to_owned()));
    }
    Ok(result)
}
