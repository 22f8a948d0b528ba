//! The API's probes: `/live`, `/health` with each check's reason, and the credentials if any.

use std::time::Instant;

use reqwest::{Response, StatusCode};
use serde::Deserialize;

use super::{CheckLine, PROBE_TIMEOUT, ProbeResult, ProbeStatus, ProbeTarget, millis, timed};
use crate::environments::ApiAuth;
use crate::environments::connection::check_api_url;
use crate::secrets::SecretString;
use crate::{AppError, ErrorCode, Result};

#[derive(Deserialize)]
struct Health {
    status: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    checks: serde_json::Map<String, serde_json::Value>,
}

pub(crate) fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(PROBE_TIMEOUT)
        .connect_timeout(PROBE_TIMEOUT)
        .user_agent(concat!("agent-factory-console/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            AppError::internal("Could not create the HTTP client").with_details(e.to_string())
        })
}

/// Maps a transport error to a code an operator can act on.
pub(crate) fn transport_error(url: &str, e: &reqwest::Error) -> AppError {
    if e.is_timeout() {
        AppError::new(
            ErrorCode::Timeout,
            format!(
                "{url} did not answer within {} seconds",
                PROBE_TIMEOUT.as_secs()
            ),
        )
    } else if e.is_connect() {
        AppError::new(
            ErrorCode::Unreachable,
            format!("Could not connect to {url}"),
        )
        .with_details(source_chain(e))
    } else {
        AppError::new(
            ErrorCode::Unreachable,
            format!("The request to {url} failed"),
        )
        .with_details(source_chain(e))
    }
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// The platform answers a rate-limited request with a 500 (not a 429): the headers tell.
pub(crate) fn status_error(url: &str, response: &Response) -> AppError {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let request_id = header("x-request-id")
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default();
    let remaining = header("x-ratelimit-remaining-minute").and_then(|v| v.parse::<i64>().ok());
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error() && remaining.is_some_and(|r| r <= 0))
    {
        return AppError::new(ErrorCode::RateLimited, format!("{url} refused the request: the API's rate limit is used up"))
            .with_details(format!("HTTP {status}; X-RateLimit-Remaining-Minute: 0{request_id}. The limit is per client address and resets within a minute."));
    }
    let code = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ErrorCode::Unauthorized,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        _ => ErrorCode::Unreachable,
    };
    AppError::new(code, format!("{url} answered HTTP {status}"))
        .with_details(format!("HTTP {status}{request_id}"))
}

pub async fn probe_api(base: &str, auth: &ApiAuth, secret: Option<&SecretString>) -> ProbeResult {
    match probe(base, auth, secret).await {
        Ok(r) => r,
        Err(e) => ProbeResult::failed(ProbeTarget::Api, e),
    }
}

async fn probe(base: &str, auth: &ApiAuth, secret: Option<&SecretString>) -> Result<ProbeResult> {
    let base = check_api_url(base)?;
    let client = client()?;
    let url = |path: &str| base.join(path).map(|u| u.to_string()).unwrap_or_default();

    let live_url = url("/live");
    let started = Instant::now();
    let live = timed("The API", async {
        client
            .get(&live_url)
            .send()
            .await
            .map_err(|e| transport_error(&live_url, &e))
    })
    .await?;
    let latency = millis(started);
    if !live.status().is_success() {
        return Err(status_error(&live_url, &live));
    }
    let mut result = ProbeResult::new(
        ProbeTarget::Api,
        ProbeStatus::Ok,
        "The API is alive and healthy",
    );
    result.latency_ms = Some(latency);
    result.fact(
        "/live",
        format!("HTTP {} in {latency} ms", live.status().as_u16()),
    );
    if let Some(remaining) = live
        .headers()
        .get("x-ratelimit-remaining-minute")
        .and_then(|v| v.to_str().ok())
    {
        result.fact("rate limit left this minute", remaining);
    }

    // /ready answers 503 whenever /health's database check fails, so it is reported, not judged.
    let ready_url = url("/ready");
    let started = Instant::now();
    let ready = timed("The API's /ready", async {
        client
            .get(&ready_url)
            .send()
            .await
            .map_err(|e| transport_error(&ready_url, &e))
    })
    .await;
    let ready_ms = millis(started);
    result.fact(
        "/ready",
        match ready {
            Ok(r) if r.status().is_success() => {
                format!("HTTP {} ready in {ready_ms} ms", r.status().as_u16())
            }
            Ok(r) => format!(
                "HTTP {} not ready in {ready_ms} ms (it follows /health)",
                r.status().as_u16()
            ),
            Err(e) => e.message,
        },
    );

    let health_url = url("/health");
    let started = Instant::now();
    let health = timed("The API's /health", async {
        client
            .get(&health_url)
            .send()
            .await
            .map_err(|e| transport_error(&health_url, &e))
    })
    .await?;
    let health_ms = millis(started);
    let status = health.status();
    if status != StatusCode::OK && status != StatusCode::SERVICE_UNAVAILABLE {
        let e = status_error(&health_url, &health);
        result.status = ProbeStatus::Degraded;
        result.summary = format!("The API is alive, but /health failed: {}", e.message);
        result.error = Some(e);
        return Ok(result);
    }
    let body: Health = health.json().await.map_err(|e| {
        AppError::invalid_input(format!(
            "{health_url} did not answer with the expected JSON"
        ))
        .with_details(e.to_string())
    })?;
    result.fact(
        "/health",
        format!(
            "HTTP {} \"{}\" in {health_ms} ms",
            status.as_u16(),
            body.status
        ),
    );
    if let Some(v) = &body.version {
        result.fact("API version", v);
    }
    for (name, check) in &body.checks {
        result.checks.push(check_line(name, check));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE || body.status != "healthy" {
        let failing: Vec<String> = result
            .checks
            .iter()
            .filter(|c| !c.healthy)
            .map(|c| {
                format!(
                    "{}: {}",
                    c.name,
                    c.reason.clone().unwrap_or_else(|| c.status.clone())
                )
            })
            .collect();
        result.status = ProbeStatus::Degraded;
        result.summary = format!(
            "The API is alive but reports itself {} ({})",
            body.status,
            failing.join("; ")
        );
    }
    if let Some(line) = check_credentials(&client, &url, auth, secret).await {
        if !line.healthy {
            result.status = ProbeStatus::Degraded;
            result.summary = format!(
                "The API is reachable, but its credentials failed: {}",
                line.reason.clone().unwrap_or_default()
            );
        }
        result.checks.push(line);
    }
    Ok(result)
}

/// One check of `/health`'s `checks`: `unavailable` and LLM `not_configured` do not count as
/// unhealthy, exactly as the platform counts them.
fn check_line(name: &str, check: &serde_json::Value) -> CheckLine {
    let status = check
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or("unknown")
        .to_owned();
    let healthy = matches!(
        status.as_str(),
        "healthy" | "configured" | "not_configured" | "unavailable"
    );
    let reason = ["error", "message"]
        .iter()
        .find_map(|k| check.get(*k).and_then(|v| v.as_str()))
        .map(str::to_owned);
    CheckLine {
        name: name.to_owned(),
        status,
        healthy,
        latency_ms: check
            .get("response_time_ms")
            .and_then(serde_json::Value::as_f64),
        reason,
    }
}

async fn check_credentials(
    client: &reqwest::Client,
    url: &impl Fn(&str) -> String,
    auth: &ApiAuth,
    secret: Option<&SecretString>,
) -> Option<CheckLine> {
    let line = |healthy: bool, status: &str, reason: Option<String>| CheckLine {
        name: "credentials".into(),
        status: status.into(),
        healthy,
        latency_ms: None,
        reason,
    };
    let missing = || {
        line(
            false,
            "missing",
            Some("The credential is not in the keyring: set it in the environment".into()),
        )
    };
    let outcome = match auth {
        ApiAuth::None => return None,
        ApiAuth::ApiKey { .. } => {
            let Some(key) = secret else {
                return Some(missing());
            };
            let target = url("/api/v1/telemetry/metrics");
            client
                .get(&target)
                .header("X-API-Key", key.expose())
                .send()
                .await
                .map_err(|e| transport_error(&target, &e))
        }
        ApiAuth::Login { email, .. } => {
            let Some(password) = secret else {
                return Some(missing());
            };
            let target = url("/api/v1/auth/login");
            let body = serde_json::json!({ "email": email, "password": password.expose() });
            client
                .post(&target)
                .json(&body)
                .send()
                .await
                .map_err(|e| transport_error(&target, &e))
        }
    };
    Some(match outcome {
        Ok(r) if r.status().is_success() => line(true, "accepted", None),
        Ok(r) => {
            let e = status_error(r.url().as_str(), &r);
            line(false, "rejected", Some(e.message))
        }
        Err(e) => line(false, "error", Some(e.message)),
    })
}
