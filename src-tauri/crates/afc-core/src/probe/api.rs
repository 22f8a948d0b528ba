//! The API's probes: `/live`, `/ready`, `/health` with each check's reason, and the credentials
//! if any, through the environment's [`PlatformClient`].

use reqwest::StatusCode;
use serde::Deserialize;

use super::{CheckLine, ProbeResult, ProbeStatus, ProbeTarget};
use crate::api::{ApiResponse, Call, Credentials, PlatformClient};
use crate::{AppError, ErrorCode, Result};

#[derive(Deserialize)]
struct Health {
    status: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    checks: serde_json::Map<String, serde_json::Value>,
}

/// The fact that tells the health poll how much of the rate limit is left.
pub const RATE_LIMIT_FACT: &str = "rate limit left this minute";

pub async fn probe_api(client: &PlatformClient) -> ProbeResult {
    match probe(client).await {
        Ok(r) => r,
        Err(e) if e.code == ErrorCode::RateLimited => rate_limited(client, e),
        Err(e) => ProbeResult::failed(ProbeTarget::Api, e),
    }
}

/// The platform's limiter answers with a bare 500: reported as what it (probably) is, never as
/// the API being down.
fn rate_limited(client: &PlatformClient, e: AppError) -> ProbeResult {
    let mut r = ProbeResult::new(
        ProbeTarget::Api,
        ProbeStatus::Degraded,
        format!(
            "rate-limited (probably): {}",
            e.details.clone().unwrap_or_else(|| e.message.clone())
        ),
    );
    r.fact("rate limit", client.budget().view().summary);
    r.error = Some(e);
    r
}

async fn probe(client: &PlatformClient) -> Result<ProbeResult> {
    let live = client.send(Call::probe("/live")).await?;
    if !live.is_success() {
        return Err(live.error());
    }
    let mut result = ProbeResult::new(
        ProbeTarget::Api,
        ProbeStatus::Ok,
        "The API is alive and healthy",
    );
    result.latency_ms = Some(live.latency_ms);
    result.fact(
        "/live",
        format!("HTTP {} in {} ms", live.status, live.latency_ms),
    );

    // /ready answers 503 whenever /health's database check fails, so it is reported, not judged.
    result.fact(
        "/ready",
        match client.send(Call::probe("/ready")).await {
            Ok(r) if r.is_success() => format!("HTTP {} ready in {} ms", r.status, r.latency_ms),
            Ok(r) => format!(
                "HTTP {} not ready in {} ms (it follows /health)",
                r.status, r.latency_ms
            ),
            Err(e) => e.message,
        },
    );

    let health = client.send(Call::probe("/health")).await?;
    let status = StatusCode::from_u16(health.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status != StatusCode::OK && status != StatusCode::SERVICE_UNAVAILABLE {
        let e = health.error();
        result.status = ProbeStatus::Degraded;
        result.summary = format!("The API is alive, but /health failed: {}", e.message);
        result.error = Some(e);
        budget_facts(client, &mut result, &health);
        return Ok(result);
    }
    let body: Health = health.json()?;
    result.fact(
        "/health",
        format!(
            "HTTP {} \"{}\" in {} ms",
            status.as_u16(),
            body.status,
            health.latency_ms
        ),
    );
    if let Some(v) = &body.version {
        result.fact("API version", v);
    }
    for (name, check) in &body.checks {
        result.checks.push(check_line(name, check));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE || body.status != "healthy" {
        let failing = failing(&result.checks);
        result.status = ProbeStatus::Degraded;
        result.summary = format!(
            "The API is alive but reports itself {} ({})",
            body.status,
            failing.join("; ")
        );
    }
    if let Some(line) = check_credentials(client).await {
        // Credentials the console cannot read are a problem on this machine, not the API's:
        // the check says so, and the API is not marked down or degraded for it.
        if !line.healthy && line.status != CREDENTIALS_UNAVAILABLE {
            result.status = ProbeStatus::Degraded;
            result.summary = format!(
                "The API is reachable, but its credentials failed: {}",
                line.reason.clone().unwrap_or_default()
            );
        }
        result.checks.push(line);
    }
    budget_facts(client, &mut result, &health);
    Ok(result)
}

/// What is left of the rate limit, as the API last said and as the budget counts it since.
fn budget_facts(client: &PlatformClient, result: &mut ProbeResult, last: &ApiResponse) {
    let view = client.budget().view();
    if let Some(left) = view.remaining_minute {
        result.fact(RATE_LIMIT_FACT, left.to_string());
    }
    result.fact("rate limit", view.summary);
    if let Some(id) = &last.request_id {
        result.fact("last request id", id);
    }
}

/// One check of `/health`'s `checks`: `unavailable` and LLM `not_configured` do not count as
/// unhealthy, exactly as the platform counts them.
/// The checks a `/health` body reports, a line each, as the health view shows them. The body is
/// outside input: the fuzzing harness drives this too.
pub fn health_check_lines(body: &[u8]) -> std::result::Result<Vec<CheckLine>, serde_json::Error> {
    let health: Health = serde_json::from_slice(body)?;
    Ok(health
        .checks
        .iter()
        .map(|(n, c)| check_line(n, c))
        .collect())
}

pub(crate) fn check_line(name: &str, check: &serde_json::Value) -> CheckLine {
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
        source: None,
    }
}

/// Each unhealthy check as `name: why`.
pub(crate) fn failing(lines: &[CheckLine]) -> Vec<String> {
    lines
        .iter()
        .filter(|c| !c.healthy)
        .map(|c| {
            format!(
                "{}: {}",
                c.name,
                c.reason.clone().unwrap_or_else(|| c.status.clone())
            )
        })
        .collect()
}

/// The credentials check's status when the console could not read them (no keyring).
pub const CREDENTIALS_UNAVAILABLE: &str = "unavailable";

/// The environment's credentials, tried where the platform honours them: a key on a telemetry
/// route, a login by logging in.
async fn check_credentials(client: &PlatformClient) -> Option<CheckLine> {
    let line = |source: &str, healthy: bool, status: &str, reason: Option<String>| CheckLine {
        name: "credentials".into(),
        status: status.into(),
        healthy,
        latency_ms: None,
        reason,
        source: Some(source.to_owned()),
    };
    let (route, outcome) = match client.credentials() {
        Credentials::None => return None,
        Credentials::Unavailable(e) => {
            let reason = format!(
                "the console could not read them here ({}); the API itself was not asked",
                e.message
            );
            return Some(line(
                "the console's keyring",
                false,
                CREDENTIALS_UNAVAILABLE,
                Some(reason),
            ));
        }
        Credentials::ApiKey(_) => {
            let route = "/api/v1/telemetry/metrics";
            (
                route,
                client.call(Call::get(route).authed()).await.map(drop),
            )
        }
        Credentials::Login { .. } => ("/api/v1/auth/login", client.token().await.map(drop)),
    };
    let source = format!("API {route}");
    Some(match outcome {
        Ok(()) => line(&source, true, "accepted", None),
        Err(e) if e.code == ErrorCode::Unauthorized => {
            line(&source, false, "rejected", Some(e.message))
        }
        Err(e) => line(&source, false, "error", Some(e.message)),
    })
}
