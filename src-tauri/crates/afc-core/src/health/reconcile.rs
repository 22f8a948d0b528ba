//! One verdict per dependency from what the API says about itself and what the console sees.

use super::{Dependency, Health};
use crate::probe::{CheckLine, ProbeResult, ProbeStatus};

fn api_view(api: &ProbeResult) -> Dependency {
    let status = match api.status {
        // Alive but /health itself failed (a 500, bad JSON): nothing else reports for it.
        ProbeStatus::Degraded if api.checks.is_empty() => Health::Degraded,
        ProbeStatus::Ok | ProbeStatus::Degraded => Health::Healthy,
        ProbeStatus::Failed => Health::Down,
        ProbeStatus::Skipped => Health::Unknown,
    };
    Dependency {
        name: "api".into(),
        status,
        latency_ms: api.latency_ms,
        reason: (status != Health::Healthy).then(|| api.summary.clone()),
        sources: vec![format!("API /live: {}", api.summary)],
    }
}

fn check_says(c: &CheckLine) -> String {
    let source = c.source.as_deref().unwrap_or("API /health");
    match &c.reason {
        Some(r) => format!("{source}: {} ({r})", c.status),
        None => format!("{source}: {}", c.status),
    }
}

/// The cache check's status when the API started while Redis was down: it never reconnects.
const CACHE_NOT_STARTED: &str = "unavailable";

fn console_says(p: &ProbeResult) -> String {
    format!(
        "console's own check: {}",
        match p.status {
            ProbeStatus::Ok => "healthy".to_owned(),
            _ => p.summary.clone(),
        }
    )
}

/// `what` is `database` or `cache`; `own` the console's probe of the same thing.
fn dependency(
    what: &str,
    check: Option<&CheckLine>,
    own: Option<&ProbeResult>,
) -> Option<Dependency> {
    let own = own.filter(|p| p.status != ProbeStatus::Skipped);
    if check.is_none() && own.is_none() {
        return None;
    }
    let own_ok = own.map(|p| p.status == ProbeStatus::Ok);
    // `unavailable` does not degrade the API's own verdict, but the API is without its cache.
    let without_cache = what == "cache" && check.is_some_and(|c| c.status == CACHE_NOT_STARTED);
    let api_ok = check.map(|c| c.healthy && !without_cache);
    let mut sources: Vec<String> = check.map(check_says).into_iter().collect();
    sources.extend(own.map(console_says));
    let api_reason = check
        .and_then(|c| c.reason.clone())
        .unwrap_or_else(|| check.map(|c| c.status.clone()).unwrap_or_default());
    let own_reason = own.map(|p| p.summary.clone()).unwrap_or_default();
    let (status, reason) = match (api_ok, own_ok) {
        _ if without_cache => (
            if own_ok == Some(false) {
                Health::Down
            } else {
                Health::Degraded
            },
            Some(format!(
                "The API is running without its cache until it is restarted: it reports \"{api_reason}\" (Redis was down when it started, and it does not reconnect); the console's own Redis check: {}",
                own.map_or_else(
                    || "not configured".to_owned(),
                    |p| if own_ok == Some(true) {
                        "healthy".to_owned()
                    } else {
                        p.summary.clone()
                    }
                )
            )),
        ),
        (Some(true) | None, Some(true)) | (Some(true), None) => (Health::Healthy, None),
        (Some(false), Some(true)) => (
            Health::Degraded,
            Some(format!(
                "The API reports its {what} unhealthy: {api_reason}; the console's own {what} check: healthy — the API's health check is what is failing"
            )),
        ),
        (Some(false), Some(false)) => (
            Health::Down,
            Some(format!(
                "Both the API and the console find the {what} down: {api_reason}; {own_reason}"
            )),
        ),
        (Some(false), None) => (
            Health::Down,
            Some(format!(
                "The API reports its {what} unhealthy: {api_reason}"
            )),
        ),
        (Some(true), Some(false)) => (
            Health::Degraded,
            Some(format!(
                "The API reaches its {what}, but the console cannot from this machine: {own_reason}"
            )),
        ),
        (None, Some(false)) => (
            Health::Down,
            Some(format!(
                "The console's own {what} check failed: {own_reason}"
            )),
        ),
        (None, None) => (Health::Unknown, None),
    };
    Some(Dependency {
        name: what.to_owned(),
        status,
        latency_ms: own
            .and_then(|p| p.latency_ms)
            .or_else(|| check.and_then(|c| c.latency_ms)),
        reason,
        sources,
    })
}

/// The API, its database, its cache and any other check the API reports, each reconciled.
pub fn reconcile(
    api: Option<&ProbeResult>,
    database: Option<&ProbeResult>,
    redis: Option<&ProbeResult>,
) -> Vec<Dependency> {
    let checks: &[CheckLine] = api.map_or(&[], |a| a.checks.as_slice());
    let check = |name: &str| checks.iter().find(|c| c.name == name);
    let mut deps: Vec<Dependency> = api
        .filter(|a| a.status != ProbeStatus::Skipped)
        .map(api_view)
        .into_iter()
        .collect();
    deps.extend(dependency("database", check("database"), database));
    deps.extend(dependency("cache", check("cache"), redis));
    for c in checks
        .iter()
        .filter(|c| c.name != "database" && c.name != "cache")
    {
        deps.push(Dependency {
            name: c.name.clone(),
            status: if c.healthy {
                Health::Healthy
            } else {
                Health::Degraded
            },
            latency_ms: c.latency_ms,
            reason: c.reason.clone().filter(|_| !c.healthy),
            sources: vec![check_says(c)],
        });
    }
    deps
}
