//! The platform's behaviour behind the recorded responses: its rate limiter (60 a minute and
//! 1000 an hour per client address, a bare 500 past either), its headers, its agent registry,
//! its login with HS256 tokens, its API keys, and its trailing-slash redirects.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::http::{Request, Response};
use super::jwt::{self, Verdict};
use super::{Reply, fixture};

/// Routes that end in `/`: the platform answers 307 to the slashed path without it.
const COLLECTIONS: [&str; 2] = ["/api/v1/agents/", "/api/v1/executions/"];

pub struct User {
    pub id: String,
    pub email: String,
    pub password: String,
    pub tenant_id: String,
    pub active: bool,
}

/// A sliding-window limiter like the platform's in-memory one: only requests that got through
/// count.
pub struct Limiter {
    pub per_minute: usize,
    pub per_hour: usize,
    minute: VecDeque<Instant>,
    hour: VecDeque<Instant>,
}

impl Limiter {
    pub fn new(per_minute: usize, per_hour: usize) -> Self {
        Self {
            per_minute,
            per_hour,
            minute: VecDeque::new(),
            hour: VecDeque::new(),
        }
    }

    fn forget_before(queue: &mut VecDeque<Instant>, window: Duration, now: Instant) {
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            queue.pop_front();
        }
    }

    /// Counts the request if it may pass; returns the remaining (minute, hour) after it.
    fn admit(&mut self, now: Instant) -> Option<(usize, usize)> {
        Self::forget_before(&mut self.minute, Duration::from_secs(60), now);
        Self::forget_before(&mut self.hour, Duration::from_secs(3600), now);
        if self.minute.len() >= self.per_minute || self.hour.len() >= self.per_hour {
            return None;
        }
        self.minute.push_back(now);
        self.hour.push_back(now);
        Some((
            self.per_minute - self.minute.len(),
            self.per_hour - self.hour.len(),
        ))
    }

    pub fn clear(&mut self) {
        self.minute.clear();
        self.hour.clear();
    }
}

pub struct Platform {
    pub overrides: HashMap<String, Reply>,
    /// Added to every answer (a network further away than 127.0.0.1).
    pub latency: Duration,
    pub agents: Vec<Value>,
    /// The API process's in-memory executions (empty unless a test adds some).
    pub executions: Vec<Value>,
    pub users: Vec<User>,
    /// SHA-256 hex digests of the accepted `af_` keys, as the platform stores them.
    pub key_hashes: HashSet<String>,
    pub secret: Vec<u8>,
    pub token_lifetime: Duration,
    /// Started with an LLM key: runs complete.
    pub llm_key: bool,
    /// The scratch database sign-ups are written to, if any.
    pub database: Option<String>,
    /// Workflows created through the API (its memory), by id.
    pub workflows: Vec<Value>,
    /// Tokens issued before this (seconds since the epoch) are refused.
    pub not_before: i64,
    pub limiter: Limiter,
    pub log: Vec<Request>,
    pub answered: u64,
    /// `http_requests_total` grown by what this server answered (method, path, status): its
    /// counters move as the platform's do. A 500 is not counted, as the platform does not.
    pub served: std::collections::BTreeMap<(String, String, u16), u64>,
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn json_response(status: u16, body: &Value) -> Response {
    Response {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
        delay: Duration::ZERO,
    }
}

fn detail(status: u16, text: &str) -> Response {
    json_response(status, &json!({ "detail": text }))
}

/// FastAPI's validation error for missing body fields.
fn missing(fields: &[&str], input: &Value) -> Response {
    let errors: Vec<Value> = fields
        .iter()
        .map(|f| json!({"type": "missing", "loc": ["body", f], "msg": "Field required", "input": input}))
        .collect();
    json_response(422, &json!({ "detail": errors }))
}

/// The platform's answer to anything unhandled, the rate limiter included: byte for byte the
/// same, with none of the headers its middleware adds to responses that get through.
pub fn bare_500() -> Response {
    Response {
        status: 500,
        headers: vec![
            ("date".into(), http_date()),
            ("server".into(), "uvicorn".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: fixture("error-500.json"),
        delay: Duration::ZERO,
    }
}

fn http_date() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

impl Platform {
    /// Answers `request`, after the network latency the test asked for.
    pub fn handle(&mut self, request: &Request) -> Response {
        let mut response = self.answer(request);
        response.delay += self.latency;
        response
    }

    fn answer(&mut self, request: &Request) -> Response {
        let started = Instant::now();
        self.answered += 1;
        self.log.push(request.clone());
        let Some((left_minute, left_hour)) = self.limiter.admit(started) else {
            return bare_500();
        };
        let scripted = match self.overrides.get_mut(&request.path) {
            Some(reply) if reply.pass > 0 => {
                reply.pass -= 1;
                None
            }
            Some(reply) => Some(reply.to_response()),
            None => None,
        };
        let mut response = scripted.unwrap_or_else(|| self.route(request));
        if response.status != 500 {
            let key = (
                request.method.clone(),
                request.path.clone(),
                response.status,
            );
            *self.served.entry(key).or_default() += 1;
        }
        if response.status == 500 {
            let delay = response.delay;
            return Response {
                delay,
                ..bare_500()
            };
        }
        let n = self.answered;
        let mut headers = vec![
            ("date".to_owned(), http_date()),
            ("server".to_owned(), "uvicorn".to_owned()),
        ];
        headers.append(&mut response.headers);
        for (k, v) in [
            (
                "x-ratelimit-limit-minute",
                self.limiter.per_minute.to_string(),
            ),
            ("x-ratelimit-remaining-minute", left_minute.to_string()),
            ("x-ratelimit-limit-hour", self.limiter.per_hour.to_string()),
            ("x-ratelimit-remaining-hour", left_hour.to_string()),
            ("x-request-id", format!("00000000-0000-4000-8000-{n:012x}")),
            (
                "x-process-time",
                format!("{:.4}", started.elapsed().as_secs_f64()),
            ),
            ("x-content-type-options", "nosniff".into()),
            ("x-frame-options", "DENY".into()),
            (
                "strict-transport-security",
                "max-age=31536000; includeSubDomains".into(),
            ),
            ("content-security-policy", "default-src 'self'".into()),
            ("referrer-policy", "strict-origin-when-cross-origin".into()),
            (
                "permissions-policy",
                "geolocation=(), microphone=(), camera=()".into(),
            ),
        ] {
            headers.push((k.to_owned(), v));
        }
        if let Some(origin) = request.header("origin") {
            headers.push(("access-control-allow-origin".into(), origin.to_owned()));
            headers.push(("access-control-allow-credentials".into(), "true".into()));
            headers.push(("vary".into(), "Origin".into()));
        }
        response.headers = headers;
        response
    }

    fn route(&mut self, r: &Request) -> Response {
        let recorded = |status, name: &str| Reply::json(status, name).to_response();
        if let Some(slashed) = COLLECTIONS
            .iter()
            .find(|c| c.trim_end_matches('/') == r.path)
        {
            let host = r.header("host").unwrap_or("127.0.0.1").to_owned();
            let mut location = format!("http://{host}{slashed}");
            if !r.query.is_empty() {
                location = format!("{location}?{}", r.query);
            }
            return Response {
                status: 307,
                headers: vec![("location".into(), location)],
                body: Vec::new(),
                delay: Duration::ZERO,
            };
        }
        let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
        match (r.method.as_str(), segments.as_slice()) {
            ("GET", [""]) => recorded(200, "root.json"),
            ("GET", ["live"]) => recorded(200, "live.json"),
            ("GET", ["ready"]) => recorded(200, "ready.json"),
            ("GET", ["health"]) => self.health(),
            ("GET", ["metrics"]) => Reply::raw(
                200,
                "text/plain; version=1.0.0; charset=utf-8",
                self.metrics_text(),
            )
            .to_response(),
            ("GET", ["openapi.json"]) => recorded(200, "openapi.json"),
            ("GET", ["docs" | "redoc"]) => Reply::raw(
                200,
                "text/html; charset=utf-8",
                "<!DOCTYPE html><title>Agent Factory Platform API</title>",
            )
            .to_response(),
            ("GET", ["api", "v1", "health", "circuit-breakers"]) => {
                recorded(200, "circuit-breakers.json")
            }
            ("GET", ["api", "v1", "agents", ""]) => {
                json_response(200, &Value::Array(self.agents.clone()))
            }
            ("POST", ["api", "v1", "agents", ""]) => self.create_agent(r),
            ("GET", ["api", "v1", "agents", id]) => match self.agent(id) {
                Some(a) => json_response(200, a),
                None => detail(404, "Agent not found"),
            },
            ("DELETE", ["api", "v1", "agents", id]) => {
                let before = self.agents.len();
                self.agents.retain(|a| a["id"] != *id);
                if self.agents.len() < before {
                    json_response(200, &json!({"status": "deleted"}))
                } else {
                    detail(404, "Agent not found")
                }
            }
            ("POST", ["api", "v1", "agents", id, "run"]) => self.run_agent(id, r),
            ("POST", ["api", "v1", "auth", "signup"]) => self.signup(r),
            ("POST", ["api", "v1", "auth", "login"]) => self.login(r),
            ("GET", ["api", "v1", "auth", "me"]) => match self.bearer_user(r) {
                Ok(u) => json_response(
                    200,
                    &json!({"id": u.id, "email": u.email, "tenant_id": u.tenant_id, "plan": "free"}),
                ),
                Err(e) => e,
            },
            ("GET", ["api", "v1", "executions", ""]) => match self.bearer_user(r) {
                Ok(_) => json_response(200, &self.list_executions(&r.query)),
                Err(e) => e,
            },
            ("GET", ["api", "v1", "executions", id]) => match self.bearer_user(r) {
                Ok(_) => match self.executions.iter().find(|e| e["id"] == *id) {
                    Some(e) => json_response(200, e),
                    None => detail(404, "Execution not found"),
                },
                Err(e) => e,
            },
            ("GET", ["api", "v1", "telemetry", ..] | ["api", "v1", "research", ..]) => {
                match self.key_or_bearer(r) {
                    Ok(tenant) => json_response(200, &telemetry(&tenant)),
                    Err(e) => e,
                }
            }
            ("POST", ["api", "v1", "workflows", ""]) => match self.bearer_user(r) {
                Ok(_) => self.create_workflow(r),
                Err(e) => e,
            },
            ("GET", ["api", "v1", "workflows", id, "status"]) => match self.bearer_user(r) {
                Ok(_) => match self.workflows.iter().any(|w| w["id"] == *id) {
                    true => json_response(
                        200,
                        &json!({"workflow_id": id, "status": "idle", "executions": 0}),
                    ),
                    false => detail(404, "Workflow not found"),
                },
                Err(e) => e,
            },
            ("DELETE", ["api", "v1", "workflows", id]) => match self.bearer_user(r) {
                Ok(_) => {
                    let before = self.workflows.len();
                    self.workflows.retain(|w| w["id"] != *id);
                    if self.workflows.len() < before {
                        json_response(200, &json!({"status": "deleted"}))
                    } else {
                        detail(404, "Workflow not found")
                    }
                }
                Err(e) => e,
            },
            ("GET", ["api", "v1", "blueprints", ""]) => json_response(200, &json!([])),
            ("GET", ["api", "v1", "metrics", "summary"]) => json_response(
                200,
                &json!({"dau": 1, "wau": 1, "mau": self.users.len(), "total_tenants": self.users.len(),
                        "total_users": self.users.len(), "total_agent_runs": 0, "total_workflow_runs": 0,
                        "growth_rate": 0.0, "period_start": "2026-10-31T00:00:00", "period_end": "2026-11-30T00:00:00"}),
            ),
            (_, path) if self.is_route(path) => detail(405, "Method Not Allowed"),
            _ => detail(404, "Not Found"),
        }
    }

    /// The recorded exposition with `http_requests_total` grown by what this server answered:
    /// a recorded series gains its count, a new one is added after the family's last sample.
    fn metrics_text(&self) -> String {
        let recorded = String::from_utf8(fixture("metrics.txt")).expect("metrics fixture is text");
        let series = |(method, path, status): &(String, String, u16)| {
            format!(
                "http_requests_total{{endpoint=\"{path}\",method=\"{method}\",status_code=\"{status}\"}}"
            )
        };
        let mut added: Vec<(String, u64)> =
            self.served.iter().map(|(k, n)| (series(k), *n)).collect();
        let mut out = Vec::new();
        let lines: Vec<&str> = recorded.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let grown = line.rsplit_once(' ').and_then(|(name, value)| {
                let at = added.iter().position(|(s, _)| s == name)?;
                let (_, n) = added.remove(at);
                Some(format!(
                    "{name} {:.1}",
                    value.parse::<f64>().ok()? + n as f64
                ))
            });
            out.push(grown.unwrap_or_else(|| (*line).to_owned()));
            let last_of_family = line.starts_with("http_requests_total{")
                && !lines
                    .get(i + 1)
                    .is_some_and(|l| l.starts_with("http_requests_total{"));
            if last_of_family {
                out.extend(added.drain(..).map(|(s, n)| format!("{s} {n}.0")));
            }
        }
        out.join("\n") + "\n"
    }

    /// The recorded healthy answer; started with an LLM key, its providers say so.
    fn health(&self) -> Response {
        let mut body: Value =
            serde_json::from_slice(&fixture("health-healthy.json")).expect("health fixture");
        if self.llm_key {
            body["checks"]["llm_providers"] =
                json!({"status": "configured", "providers": ["openai"]});
        }
        json_response(200, &body)
    }

    fn is_route(&self, path: &[&str]) -> bool {
        matches!(
            path,
            [""] | ["live" | "ready" | "health" | "metrics"]
                | ["api", "v1", "agents", ..]
                | ["api", "v1", "auth", ..]
                | ["api", "v1", "workflows", ..]
        )
    }

    /// `?entity_id&status&limit=100`, oldest first as the platform's dict keeps them.
    fn list_executions(&self, query: &str) -> Value {
        let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let limit = params
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(100);
        let matching = self.executions.iter().filter(|e| {
            ["entity_id", "status"]
                .iter()
                .all(|k| params.get(*k).is_none_or(|v| e[*k] == v.as_str()))
        });
        Value::Array(matching.take(limit).cloned().collect())
    }

    fn agent(&self, id: &str) -> Option<&Value> {
        self.agents.iter().find(|a| a["id"] == id)
    }

    fn create_agent(&mut self, r: &Request) -> Response {
        let body = r.json().unwrap_or(Value::Null);
        let absent: Vec<&str> = ["id", "name", "instructions"]
            .into_iter()
            .filter(|f| !body[*f].is_string())
            .collect();
        if !absent.is_empty() {
            return missing(&absent, &body);
        }
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        let agent = json!({
            "id": id,
            "name": body["name"],
            "instructions": body["instructions"],
            "model": body.get("model").cloned().unwrap_or(json!("gpt-4o")),
            "tools": [], "knowledge_packs": [],
            "config": {"temperature": 0.7, "max_tokens": 2000},
            "metadata": {}
        });
        // An existing id is silently overwritten, as the platform does.
        match self.agents.iter_mut().find(|a| a["id"] == id.as_str()) {
            Some(existing) => *existing = agent,
            None => self.agents.push(agent),
        }
        json_response(200, &json!({"id": id, "status": "created"}))
    }

    /// `{id, name, steps}` (the platform's WorkflowCreate); kept in memory like its agents.
    fn create_workflow(&mut self, r: &Request) -> Response {
        let body = r.json().unwrap_or(Value::Null);
        let mut absent: Vec<&str> = ["id", "name"]
            .into_iter()
            .filter(|f| !body[*f].is_string())
            .collect();
        if !body["steps"].is_array() {
            absent.push("steps");
        }
        if !absent.is_empty() {
            return missing(&absent, &body);
        }
        let id = body["id"].clone();
        self.workflows.retain(|w| w["id"] != id);
        self.workflows.push(body);
        json_response(200, &json!({"id": id, "status": "created"}))
    }

    fn run_agent(&self, id: &str, r: &Request) -> Response {
        if self.agent(id).is_none() {
            return detail(404, "Agent not found");
        }
        let body = r.json().unwrap_or(Value::Null);
        if !body["input_text"].is_string() {
            return missing(&["input_text"], &body);
        }
        if self.llm_key {
            let output = format!("Echo: {}", body["input_text"].as_str().unwrap_or_default());
            return json_response(
                200,
                &json!({"output": output, "status": "completed", "execution_time": 0.42, "error": null}),
            );
        }
        Reply::json(200, "agents-run-no-llm.json").to_response()
    }

    fn token_for(&self, u: &User) -> Value {
        let now = now_secs();
        let lifetime = i64::try_from(self.token_lifetime.as_secs()).unwrap_or(i64::MAX);
        let token = jwt::encode(
            &self.secret,
            &json!({"sub": u.id, "email": u.email, "tenant_id": u.tenant_id, "iat": now, "exp": now + lifetime}),
        );
        json!({"access_token": token, "token_type": "bearer", "user_id": u.id, "email": u.email, "tenant_id": u.tenant_id})
    }

    fn credentials(r: &Request) -> Result<(String, String), Response> {
        let body = r.json().unwrap_or(Value::Null);
        let absent: Vec<&str> = ["email", "password"]
            .into_iter()
            .filter(|f| !body[*f].is_string())
            .collect();
        if !absent.is_empty() {
            return Err(missing(&absent, &body));
        }
        Ok((
            body["email"].as_str().unwrap_or_default().to_owned(),
            body["password"].as_str().unwrap_or_default().to_owned(),
        ))
    }

    fn signup(&mut self, r: &Request) -> Response {
        let (email, password) = match Self::credentials(r) {
            Ok(c) => c,
            Err(e) => return e,
        };
        if password.chars().count() < 8 {
            return json_response(
                422,
                &json!({"detail": [{"type": "string_too_short", "loc": ["body", "password"], "msg": "String should have at least 8 characters", "input": password, "ctx": {"min_length": 8}}]}),
            );
        }
        if self.users.iter().any(|u| u.email == email) {
            return detail(400, "Email already registered");
        }
        self.add_user(&email, &password);
        let user = self.users.last().expect("just added");
        if let Some(db) = &self.database {
            let sql = format!(
                "INSERT INTO public.tenants (id, name, slug) VALUES ('{t}', '{e}', '{t}'); \
                 INSERT INTO public.users (id, email, hashed_password, tenant_id) VALUES ('{u}', '{e}', 'x', '{t}')",
                t = user.tenant_id,
                u = user.id,
                e = email.replace('\'', "''"),
            );
            if let Err(e) = crate::postgres::try_sql_on(db, &sql) {
                return json_response(500, &json!({"error": "InternalServerError", "message": e}));
            }
        }
        json_response(200, &self.token_for(user))
    }

    pub fn add_user(&mut self, email: &str, password: &str) -> String {
        let n = self.users.len() + 1;
        let tenant_id = format!("tenant-{n}");
        self.users.push(User {
            id: format!("user-{n}"),
            email: email.to_owned(),
            password: password.to_owned(),
            tenant_id: tenant_id.clone(),
            active: true,
        });
        tenant_id
    }

    fn login(&self, r: &Request) -> Response {
        let (email, password) = match Self::credentials(r) {
            Ok(c) => c,
            Err(e) => return e,
        };
        match self
            .users
            .iter()
            .find(|u| u.email == email && u.password == password)
        {
            Some(u) if !u.active => detail(403, "User account is inactive"),
            Some(u) => json_response(200, &self.token_for(u)),
            None => detail(401, "Invalid email or password"),
        }
    }

    fn bearer(r: &Request) -> Option<&str> {
        r.header("authorization").and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
    }

    fn bearer_user(&self, r: &Request) -> Result<&User, Response> {
        let Some(token) = Self::bearer(r) else {
            return Err(detail(401, "Not authenticated"));
        };
        match jwt::verify(&self.secret, token, now_secs(), self.not_before) {
            Verdict::Malformed => Err(bare_500()),
            Verdict::Refused => Err(detail(401, "Could not validate credentials")),
            Verdict::Valid(claims) => self
                .users
                .iter()
                .find(|u| claims["sub"] == u.id.as_str())
                .ok_or_else(|| detail(401, "Could not validate credentials")),
        }
    }

    /// `/api/v1/telemetry/*` and `/api/v1/research*` take an `af_` key (as `X-API-Key` or a
    /// bearer) or a login token; answers the caller's tenant.
    fn key_or_bearer(&self, r: &Request) -> Result<String, Response> {
        let key = r
            .header("x-api-key")
            .or_else(|| Self::bearer(r).filter(|b| b.starts_with("af_")));
        if let Some(key) = key {
            return if key.starts_with("af_") && self.key_hashes.contains(&sha256_hex(key)) {
                Ok("tenant-of-key".to_owned())
            } else {
                Err(detail(401, "Invalid API key"))
            };
        }
        self.bearer_user(r).map(|u| u.tenant_id.clone())
    }
}

fn telemetry(tenant: &str) -> Value {
    json!({
        "tenant_id": tenant, "period_start": "2026-10-31T00:00:00", "period_end": "2026-11-30T00:00:00",
        "total_users": 1, "total_agent_runs": 0, "total_workflow_runs": 0, "total_blueprint_installs": 0,
        "total_errors": 0, "total_tokens_used": 0, "total_cost_estimate": 0.0, "active_agents": 0,
        "active_workflows": 0, "agent_runs_by_agent": {}, "workflow_runs_by_workflow": {}, "error_rate": 0.0
    })
}
