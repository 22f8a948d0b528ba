//! The built-in checks (the spec's table, plus Redis): what each asks and how it judges the
//! answer. The API checks go through the environment's client (its rate-limit budget, its TLS
//! settings, its 500 handling); the database and Redis checks connect directly, as the console's
//! connection test does.

use std::collections::HashMap;

use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use super::flow_run::{self, Sources};
use super::{CheckResult, CheckStatus, Chosen, Exchange, SmokeOptions, error_result};
use crate::api::{ApiResponse, Call, PlatformClient};
use crate::audit::{AuditAction, Event, Outcome};
use crate::console::Console;
use crate::db::Database;
use crate::environments::{Environment, REDIS_PASSWORD, RedisConnection, has_connection_secret};
use crate::guard::SafetyLevel;
use crate::keyring::SecretString;
use crate::migrate::{MigrationSet, MigrationState};
use crate::probe::{ProbeStatus, check_line, failing, probe_database, probe_redis};
use crate::{AppError, Result};

/// What a check needs to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Api,
    Database,
    Redis,
    /// Judged from the other checks' answers, no request of its own.
    Derived,
}

/// One built-in check.
#[derive(Debug)]
pub struct Builtin {
    pub id: &'static str,
    pub name: &'static str,
    pub critical: bool,
    /// API requests it makes.
    pub requests: u32,
    pub needs: Needs,
}

const fn check(
    id: &'static str,
    name: &'static str,
    critical: bool,
    requests: u32,
    needs: Needs,
) -> Builtin {
    Builtin {
        id,
        name,
        critical,
        requests,
        needs,
    }
}

/// The suite, in the order results are listed. The database check is critical, but skipped
/// (not failed) where no database is configured.
pub const BUILTIN: [Builtin; 12] = [
    check("liveness", "Liveness (GET /live)", true, 1, Needs::Api),
    check("health", "Health (GET /health)", true, 1, Needs::Api),
    check("readiness", "Readiness (GET /ready)", true, 1, Needs::Api),
    check("root", "Root (GET /)", false, 1, Needs::Api),
    check(
        "api-docs",
        "API docs (/docs, /redoc, /openapi.json)",
        false,
        3,
        Needs::Api,
    ),
    check(
        "agents",
        "Agents endpoint (GET /api/v1/agents/)",
        true,
        1,
        Needs::Api,
    ),
    check("metrics", "Metrics (GET /metrics)", true, 1, Needs::Api),
    check(
        "cors",
        "CORS (a request with an Origin)",
        false,
        1,
        Needs::Api,
    ),
    check(
        "response-time",
        "Response time of /health",
        false,
        0,
        Needs::Derived,
    ),
    check(
        "rate-limit-headroom",
        "Rate-limit headroom",
        false,
        0,
        Needs::Derived,
    ),
    check("database", "Database (direct)", true, 0, Needs::Database),
    check("redis", "Redis (direct PING)", false, 0, Needs::Redis),
];

/// How long one request may take: longer than the slowest answer seen from a healthy API (its
/// `/health` takes about 4.4 s while Redis is down).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The origin the CORS check sends.
pub const CORS_ORIGIN: &str = "https://smoke-check.agent-factory.invalid";

/// Response bodies kept per exchange.
const BODY_KEPT: usize = 4096;

/// Everything the checks of one run share: the environment's connections (each set up once,
/// a failed set-up failing only the checks that need it) and what the checks saw.
pub struct Context {
    pub client: Option<std::sync::Arc<PlatformClient>>,
    api_error: Option<AppError>,
    db: Option<Result<std::sync::Arc<Database>>>,
    redis: Option<(RedisConnection, Result<Option<SecretString>>)>,
    options: SmokeOptions,
    requests: AtomicU32,
    rate_limited: AtomicBool,
    /// `/health`'s latency, for the response-time check.
    health_ms: Mutex<Option<f64>>,
    env_name: String,
    safety: SafetyLevel,
    /// What flows' templates read.
    sources: Sources,
}

impl Context {
    /// `secrets`: the variables the chosen flows send, read from the keyring now (each read
    /// recorded in the audit log).
    pub async fn new(
        console: &Console,
        env: &Environment,
        options: &SmokeOptions,
        secrets: &[String],
    ) -> Self {
        let sources = sources(console, env, options, secrets).await;
        let has_api = env.api_url.as_deref().is_some_and(|u| !u.trim().is_empty());
        let (client, api_error) = if has_api {
            match console.api(env).await {
                Ok(c) => (Some(c), None),
                Err(e) => (None, Some(e)),
            }
        } else {
            (None, None)
        };
        let db = match env.database {
            Some(_) => Some(console.database(&env.name).await),
            None => None,
        };
        let redis = match &env.redis {
            Some(r) => {
                let password = if has_connection_secret(env, REDIS_PASSWORD) {
                    console.connection_secret(&env.name, REDIS_PASSWORD).await
                } else {
                    Ok(None)
                };
                Some((r.clone(), password))
            }
            None => None,
        };
        Self {
            client,
            api_error,
            db,
            redis,
            options: options.clone(),
            requests: AtomicU32::new(0),
            rate_limited: AtomicBool::new(false),
            health_ms: Mutex::new(None),
            env_name: env.name.clone(),
            safety: env.safety,
            sources,
        }
    }

    /// The API requests a chosen check will send (for the count stated up front).
    pub fn requests_for(&self, check: &Chosen) -> u32 {
        match check {
            Chosen::Builtin(b) if self.can_reach(b) => b.requests,
            Chosen::Flow(f) => match (&f.flow, &self.client) {
                (Ok(flow), Some(_)) if self.may_run(flow) => flow_run::requests(flow),
                _ => 0,
            },
            Chosen::Builtin(_) => 0,
        }
    }

    /// A flow that changes things runs only where writes need no confirmation.
    fn may_run(&self, flow: &super::flow::Flow) -> bool {
        !flow_run::writes(flow) || self.safety == SafetyLevel::Open
    }

    /// Whether the check's API requests will be sent (for the count stated up front).
    pub fn can_reach(&self, check: &Builtin) -> bool {
        check.needs == Needs::Api && self.client.is_some()
    }

    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn rate_limited(&self) -> bool {
        self.rate_limited.load(Ordering::Relaxed)
    }

    pub async fn run(&self, chosen: &Chosen) -> CheckResult {
        let check = match chosen {
            Chosen::Builtin(b) => *b,
            Chosen::Flow(f) => return self.flow(chosen, f).await,
        };
        match check.needs {
            Needs::Api => match &self.client {
                Some(client) => self.api_check(client, check).await,
                None => match &self.api_error {
                    Some(e) => CheckResult::new(check, CheckStatus::Fail, e.message.clone()),
                    None => CheckResult::new(check, CheckStatus::Skip, "no API URL is configured"),
                },
            },
            Needs::Database => self.database(check).await,
            Needs::Redis => self.redis(check).await,
            // Judged in `derive`, once the others have answered.
            Needs::Derived => CheckResult::new(check, CheckStatus::Skip, "not judged yet"),
        }
    }

    async fn flow(&self, chosen: &Chosen, loaded: &super::flow::Loaded) -> CheckResult {
        let head = chosen.head();
        let flow = match &loaded.flow {
            Ok(flow) => flow,
            Err(why) => return CheckResult::of(head, CheckStatus::Fail, why.clone()),
        };
        let Some(client) = &self.client else {
            let why = self
                .api_error
                .as_ref()
                .map_or("no API URL is configured".to_owned(), |e| e.message.clone());
            return CheckResult::of(head, CheckStatus::Skip, why);
        };
        if !self.may_run(flow) {
            let why = format!(
                "it changes things, and writes to {} need confirmation ({:?}); flows that write run where the safety level is open",
                self.env_name, self.safety
            );
            return CheckResult::of(head, CheckStatus::Skip, why);
        }
        let mut result = CheckResult::of(head, CheckStatus::Pass, "");
        flow_run::run(self, client, flow, &self.sources, &mut result).await;
        result
    }

    /// Judges the derived checks from what the others saw.
    pub fn derive(&self, results: &mut [CheckResult]) {
        let health = *self
            .health_ms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let headroom = self
            .client
            .as_ref()
            .map(|c| c.budget().view())
            .and_then(|v| v.remaining_minute);
        for r in results.iter_mut() {
            let verdict = match r.id.as_str() {
                "response-time" => Some(match health {
                    None => (
                        CheckStatus::Skip,
                        "/health did not answer in this run (see the health check)".to_owned(),
                    ),
                    Some(ms) if ms > f64::from(self.options.slow_ms) => (
                        CheckStatus::Fail,
                        format!(
                            "/health took {ms:.0} ms, over the {} ms threshold",
                            self.options.slow_ms
                        ),
                    ),
                    Some(ms) => (
                        CheckStatus::Pass,
                        format!(
                            "/health answered in {ms:.0} ms (threshold {} ms)",
                            self.options.slow_ms
                        ),
                    ),
                }),
                "rate-limit-headroom" => Some(match headroom {
                    _ if self.requests() == 0 => (
                        CheckStatus::Skip,
                        "no API request was made in this run".to_owned(),
                    ),
                    None => (
                        CheckStatus::Skip,
                        "no answer carried X-RateLimit-Remaining-Minute".to_owned(),
                    ),
                    Some(left) if left < self.options.min_headroom => (
                        CheckStatus::Fail,
                        format!(
                            "{left} requests left this minute, under the {} wanted",
                            self.options.min_headroom
                        ),
                    ),
                    Some(left) => (
                        CheckStatus::Pass,
                        format!("{left} requests left this minute"),
                    ),
                }),
                _ => None,
            };
            if let Some((status, reason)) = verdict {
                r.status = status;
                r.latency_ms = (r.id == "response-time").then_some(health).flatten();
                r.reason = Some(reason);
            }
        }
    }

    /// One request, recorded as an exchange whatever happened.
    pub(super) async fn send(
        &self,
        client: &PlatformClient,
        call: Call<'_>,
    ) -> (Exchange, Result<ApiResponse>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut exchange = Exchange {
            method: call.method.to_string(),
            url: client.url(call.path),
            request_headers: call.headers.to_vec(),
            request_body: call.body.map(ToString::to_string),
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            latency_ms: None,
        };
        let result = client.send(call.timeout(REQUEST_TIMEOUT)).await;
        match &result {
            Ok(r) => {
                exchange.status = Some(r.status);
                exchange.response_headers = r.headers.clone();
                exchange.response_body = Some(excerpt(&r.body));
                exchange.latency_ms = Some(r.latency_ms);
            }
            Err(e) if e.code == crate::ErrorCode::RateLimited => {
                self.rate_limited.store(true, Ordering::Relaxed);
            }
            Err(_) => {}
        }
        (exchange, result)
    }

    async fn api_check(&self, client: &PlatformClient, check: &Builtin) -> CheckResult {
        let mut result = CheckResult::new(check, CheckStatus::Pass, "");
        result.reason = None;
        let paths: &[&str] = match check.id {
            "liveness" => &["/live"],
            "health" => &["/health"],
            "readiness" => &["/ready"],
            "root" => &["/"],
            "api-docs" => &["/docs", "/redoc", "/openapi.json"],
            "agents" => &["/api/v1/agents/"],
            "metrics" => &["/metrics"],
            "cors" => &["/live"],
            other => unreachable!("{other} is not an API check"),
        };
        let origin = [("Origin".to_owned(), CORS_ORIGIN.to_owned())];
        // A check's requests go at once (the docs' three), answered in order.
        let mut sent = FuturesOrdered::new();
        for path in paths {
            let mut call = Call::probe(path);
            if check.id == "root" {
                call = call.keep_redirects();
            }
            if check.id == "cors" {
                call = call.headers(&origin);
            }
            sent.push_back(self.send(client, call));
        }
        let mut responses = Vec::new();
        let mut failure = None;
        while let Some((exchange, response)) = sent.next().await {
            result.exchanges.push(exchange);
            match response {
                Ok(r) => responses.push(r),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        if let Some(e) = failure {
            let failed = error_result(check, &e);
            return CheckResult {
                exchanges: result.exchanges,
                ..failed
            };
        }
        let last = responses.last().expect("one response a path");
        result.http_status = Some(last.status);
        result.latency_ms = responses.iter().map(|r| r.latency_ms).reduce(f64::max);
        result.request_id.clone_from(&last.request_id);
        let verdict = match check.id {
            "health" => {
                *self
                    .health_ms
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(last.latency_ms);
                judge_health(last)
            }
            "liveness" | "readiness" => expect(last, &[200]).map(|()| None),
            "root" => {
                expect(last, &[200, 301, 307, 404]).map(|()| Some(format!("HTTP {}", last.status)))
            }
            "api-docs" => judge_docs(&responses),
            "agents" => judge_agents(last),
            "metrics" => judge_metrics(last),
            "cors" => match last.header("access-control-allow-origin") {
                Some(v) => Ok(Some(format!("access-control-allow-origin: {v}"))),
                None => Err(format!(
                    "HTTP {} without access-control-allow-origin for Origin {CORS_ORIGIN}",
                    last.status
                )),
            },
            _ => Ok(None),
        };
        match verdict {
            Ok(found) => result.reason = found,
            Err(why) => {
                result.status = CheckStatus::Fail;
                result.reason = Some(why);
            }
        }
        result
    }

    async fn database(&self, check: &Builtin) -> CheckResult {
        let db = match &self.db {
            None => return CheckResult::new(check, CheckStatus::Skip, "no database is configured"),
            Some(Err(e)) => return CheckResult::new(check, CheckStatus::Fail, e.message.clone()),
            Some(Ok(db)) => db,
        };
        let probe = probe_database(db).await;
        let mut result = CheckResult::new(check, CheckStatus::Pass, probe.summary.clone());
        result.latency_ms = probe.latency_ms;
        if probe.status == ProbeStatus::Failed {
            result.status = CheckStatus::Fail;
            return result;
        }
        let set = MigrationSet::embedded();
        let (status, validation) = tokio::join!(
            crate::migrate::status(db, &set),
            crate::migrate::validate(db, &set)
        );
        let mut found = vec![probe.summary];
        match status {
            Ok(s) => {
                let applied = s
                    .migrations
                    .iter()
                    .filter(|m| {
                        matches!(m.state, MigrationState::Applied | MigrationState::Baselined)
                    })
                    .count();
                found.push(format!(
                    "migrations: {applied} applied, {} pending",
                    s.pending
                ));
                if s.problems > 0 {
                    result.status = CheckStatus::Fail;
                    found.push(format!("{} modified, missing or dirty", s.problems));
                }
            }
            Err(e) => {
                result.status = CheckStatus::Fail;
                found.push(format!("migration state unreadable: {}", e.message));
            }
        }
        match validation {
            Ok(v) if v.errors > 0 => {
                result.status = CheckStatus::Fail;
                found.push(format!(
                    "schema: {} errors, {} warnings",
                    v.errors, v.warnings
                ));
            }
            Ok(v) => found.push(format!("schema: no errors, {} warnings", v.warnings)),
            Err(e) => {
                result.status = CheckStatus::Fail;
                found.push(format!("schema validation failed: {}", e.message));
            }
        }
        result.reason = Some(found.join("; "));
        result
    }

    async fn redis(&self, check: &Builtin) -> CheckResult {
        let (conn, password) = match &self.redis {
            None => return CheckResult::new(check, CheckStatus::Skip, "no Redis is configured"),
            Some((_, Err(e))) => {
                return CheckResult::new(check, CheckStatus::Fail, e.message.clone());
            }
            Some((conn, Ok(password))) => (conn, password),
        };
        let probe = probe_redis(conn, password.as_ref()).await;
        let status = if probe.status == ProbeStatus::Failed {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        let mut result = CheckResult::new(check, status, probe.summary);
        result.latency_ms = probe.latency_ms;
        result
    }
}

/// `Ok(what was found)` or `Err(why it fails)`.
type Verdict = std::result::Result<Option<String>, String>;

fn expect(r: &ApiResponse, statuses: &[u16]) -> std::result::Result<(), String> {
    if statuses.contains(&r.status) {
        Ok(())
    } else {
        let wanted: Vec<String> = statuses.iter().map(u16::to_string).collect();
        Err(format!(
            "HTTP {} (wanted {}){}",
            r.status,
            wanted.join(" or "),
            body_hint(r)
        ))
    }
}

/// A short quote of the body, for a reason.
fn body_hint(r: &ApiResponse) -> String {
    let text = r.text();
    let line = text.lines().next().unwrap_or_default().trim();
    if line.is_empty() {
        return String::new();
    }
    let short: String = line.chars().take(120).collect();
    format!(": {short}")
}

/// 200 with `status: healthy`; a 503 names each failing dependency and why.
fn judge_health(r: &ApiResponse) -> Verdict {
    if r.status != 200 && r.status != 503 {
        return Err(format!("HTTP {}{}", r.status, body_hint(r)));
    }
    let body: serde_json::Value = r
        .json()
        .map_err(|e| format!("HTTP {} but {}", r.status, e.message))?;
    let status = body
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or("unknown");
    let lines: Vec<_> = body
        .get("checks")
        .and_then(|c| c.as_object())
        .into_iter()
        .flatten()
        .map(|(name, check)| check_line(name, check))
        .collect();
    let failing = failing(&lines);
    if r.status == 200 && status == "healthy" {
        let deps: Vec<String> = lines
            .iter()
            .map(|c| format!("{} {}", c.name, c.status))
            .collect();
        return Ok(Some(format!("healthy ({})", deps.join(", "))));
    }
    Err(format!(
        "HTTP {} {status}: {}",
        r.status,
        if failing.is_empty() {
            "no dependency named".to_owned()
        } else {
            failing.join("; ")
        }
    ))
}

/// 200 with a JSON list, or 401/403 where the route wants credentials.
fn judge_agents(r: &ApiResponse) -> Verdict {
    expect(r, &[200, 401, 403])?;
    if r.status != 200 {
        return Ok(Some(format!(
            "HTTP {}: the route answers, asking for credentials",
            r.status
        )));
    }
    let list: Vec<serde_json::Value> = r
        .json()
        .map_err(|e| format!("HTTP 200 but {}", e.message))?;
    Ok(Some(format!("{} agents listed", list.len())))
}

fn judge_docs(responses: &[ApiResponse]) -> Verdict {
    let failing: Vec<String> = responses
        .iter()
        .filter(|r| r.status != 200)
        .map(|r| format!("{} answered HTTP {}", path_of(&r.url), r.status))
        .collect();
    if !failing.is_empty() {
        return Err(failing.join("; "));
    }
    let spec = responses.last().expect("three responses");
    let doc: serde_json::Value = spec
        .json()
        .map_err(|e| format!("/openapi.json: {}", e.message))?;
    let paths = doc
        .get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, serde_json::Map::len);
    Ok(Some(format!(
        "all three answer; the OpenAPI document has {paths} paths"
    )))
}

fn judge_metrics(r: &ApiResponse) -> Verdict {
    expect(r, &[200])?;
    let text = r.text();
    let exposition =
        crate::metrics::parse(&text).map_err(|e| format!("not Prometheus text: {e}"))?;
    if !exposition
        .families
        .iter()
        .any(|f| f.name == "http_requests_total")
    {
        return Err(format!(
            "parses ({} families) but has no http_requests_total",
            exposition.families.len()
        ));
    }
    Ok(Some(format!(
        "{} families, {} samples, http_requests_total present",
        exposition.families.len(),
        exposition.sample_count()
    )))
}

fn path_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| url.to_owned(), |u| u.path().to_owned())
}

/// The first `BODY_KEPT` bytes of a body, cut at a character boundary.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_KEPT {
        return text.into_owned();
    }
    let mut end = BODY_KEPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], body.len())
}

/// What flows' templates read: the environment's API URL, name and plain variables, and the
/// secrets they name (each read from the keyring recorded in the audit log; one that is not set
/// is left out, and a step needing it is skipped).
async fn sources(
    console: &Console,
    env: &Environment,
    options: &SmokeOptions,
    secrets: &[String],
) -> Sources {
    let mut values: HashMap<String, String> = env
        .variables
        .iter()
        .filter(|(_, v)| !v.secret)
        .filter_map(|(k, v)| v.value.clone().map(|v| (k.clone(), v)))
        .collect();
    values.insert("API_URL".into(), env.api_url.clone().unwrap_or_default());
    values.insert("ENVIRONMENT".into(), env.name.clone());
    let mut read = options.secrets.clone();
    let stored: Vec<String> = secrets
        .iter()
        .filter(|n| !read.contains_key(*n))
        .cloned()
        .collect();
    let mut unreadable = HashMap::new();
    for (name, value) in stored.iter().zip(console.values_of(env, &stored).await) {
        match value {
            Ok(Some(value)) => {
                let event = Event::new(AuditAction::SecretUse, Some(&env.name)).target(name);
                let _ = console
                    .audit
                    .record(event.detail("sent by a smoke flow"), Outcome::Ok);
                read.insert(name.clone(), value);
            }
            Ok(None) => {}
            Err(e) => {
                unreadable.insert(name.clone(), e.message);
            }
        }
    }
    let mut nonce = [0u8; 6];
    let _ = getrandom::fill(&mut nonce);
    Sources {
        env: values,
        secrets: read,
        unreadable,
        run_id: chrono::Utc::now().format("%Y%m%d%H%M%S%3f").to_string(),
        nonce: nonce.iter().map(|b| format!("{b:02x}")).collect(),
    }
}
