//! [`PlatformClient`]: every call the console makes to an Agent Factory API goes through one of
//! these, so credentials, the rate-limit budget, retries, redirects and error codes are handled
//! once. One per environment (kept by [`super::ApiClients`]); its HTTP connections are reused.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode, redirect};
use serde::de::DeserializeOwned;
use url::Url;

use super::auth::{Credentials, TokenCache};
use super::budget::{RateBudget, RateHeaders};
use crate::{AppError, ErrorCode, Result};

/// How long connecting, and then a whole request, may take unless a call says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Retries of an idempotent read, after 250 ms and then 500 ms.
const RETRIES: u32 = 2;

/// Redirects followed within one origin (the platform's own trailing-slash 307s).
const MAX_REDIRECTS: usize = 5;

/// uvicorn closes idle connections after 5 s; a pooled connection older than that would be
/// reused just as the server drops it.
const POOL_IDLE: Duration = Duration::from_secs(4);

/// One call: method, path (from the API's root, with any query), body and how to treat it.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub method: Method,
    pub path: &'a str,
    pub body: Option<&'a serde_json::Value>,
    /// Send the environment's credentials.
    pub authed: bool,
    /// Retry 502/503/504 (idempotent reads only; a probe's 503 is an answer, not a failure).
    pub retry_unavailable: bool,
    pub timeout: Duration,
    /// Extra request headers (a smoke check's `Origin`, a flow's own). May hold secrets: never
    /// logged.
    pub headers: &'a [(String, String)],
    /// Answer a redirect (other than the platform's own trailing-slash one) as it is, instead of
    /// refusing it: a smoke check of `/` judges the 307 itself.
    pub keep_redirects: bool,
}

impl<'a> Call<'a> {
    pub fn get(path: &'a str) -> Self {
        Self {
            method: Method::GET,
            path,
            body: None,
            authed: false,
            retry_unavailable: true,
            timeout: DEFAULT_TIMEOUT,
            headers: &[],
            keep_redirects: false,
        }
    }

    /// A probe (`/health`, `/ready`): a 503 is the answer, so it is never retried.
    pub fn probe(path: &'a str) -> Self {
        Self {
            retry_unavailable: false,
            ..Self::get(path)
        }
    }

    pub fn post(path: &'a str, body: &'a serde_json::Value) -> Self {
        Self {
            method: Method::POST,
            body: Some(body),
            ..Self::get(path)
        }
    }

    pub fn delete(path: &'a str) -> Self {
        Self {
            method: Method::DELETE,
            ..Self::get(path)
        }
    }

    pub fn authed(mut self) -> Self {
        self.authed = true;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn headers(mut self, headers: &'a [(String, String)]) -> Self {
        self.headers = headers;
        self
    }

    pub fn keep_redirects(mut self) -> Self {
        self.keep_redirects = true;
        self
    }

    /// Any method (a flow's step).
    pub fn method(mut self, method: Method, body: Option<&'a serde_json::Value>) -> Self {
        self.method = method;
        self.body = body;
        self
    }

    fn idempotent(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD)
    }
}

/// A response that arrived (any status), with what the platform says about the request.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub url: String,
    pub request_id: Option<String>,
    /// `X-Process-Time`: the API's own time for the request, in seconds.
    pub process_time: Option<f64>,
    pub latency_ms: f64,
    pub rate: RateHeaders,
    pub content_type: String,
    /// Every response header (names lower-case), in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ApiResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as `T`; a body of another shape is `invalid_input` naming the URL.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            AppError::invalid_input(format!(
                "{} did not answer with the expected JSON",
                self.url
            ))
            .with_details(self.with_request_id(e.to_string()))
        })
    }

    /// This response, or the error its status stands for.
    pub fn ok(self) -> Result<Self> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(self.error())
        }
    }

    fn with_request_id(&self, text: String) -> String {
        match &self.request_id {
            Some(id) => format!("{text} (request id {id})"),
            None => text,
        }
    }

    /// The platform's `detail` (a string), or its 500 body's message.
    fn detail(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("detail")
            .and_then(|d| d.as_str())
            .or_else(|| v.get("message").and_then(|m| m.as_str()))
            .map(str::to_owned)
    }

    /// FastAPI's 422 body as one line per field: `body.input_text: Field required`.
    pub fn field_errors(&self) -> Vec<String> {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&self.body) else {
            return Vec::new();
        };
        v.get("detail")
            .and_then(|d| d.as_array())
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let loc: Vec<String> = e["loc"]
                            .as_array()
                            .map(|l| {
                                l.iter()
                                    .map(|p| match p {
                                        serde_json::Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        format!(
                            "{}: {}",
                            loc.join("."),
                            e["msg"].as_str().unwrap_or("invalid")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The stable code and an operator's sentence for a status that is not success.
    pub fn error(&self) -> AppError {
        let status = self.status;
        let said = self.detail().map(|d| format!(": {d}")).unwrap_or_default();
        let (code, message) = match status {
            401 | 403 => (
                ErrorCode::Unauthorized,
                format!("{} refused the request (HTTP {status}){said}", self.url),
            ),
            404 => (
                ErrorCode::NotFound,
                format!("{} was not found (HTTP 404){said}", self.url),
            ),
            422 => (
                ErrorCode::InvalidInput,
                format!("{} refused the request's fields (HTTP 422)", self.url),
            ),
            400 | 405 | 409 => (
                ErrorCode::InvalidInput,
                format!("{} refused the request (HTTP {status}){said}", self.url),
            ),
            429 => (
                ErrorCode::RateLimited,
                format!(
                    "{} refused the request: the API's rate limit is used up",
                    self.url
                ),
            ),
            500 => (
                ErrorCode::ServerError,
                format!(
                    "{} failed with an unhandled error in the API (HTTP 500)",
                    self.url
                ),
            ),
            _ => (
                ErrorCode::ServerError,
                format!("{} answered HTTP {status}{said}", self.url),
            ),
        };
        let mut details = format!("HTTP {status}");
        let fields = self.field_errors();
        if !fields.is_empty() {
            details = format!("{details}\n{}", fields.join("\n"));
        }
        AppError::new(code, message).with_details(self.with_request_id(details))
    }
}

pub struct PlatformClient {
    base: Url,
    /// Replaced after a 500: the platform resets that connection on its next request.
    http: Mutex<reqwest::Client>,
    credentials: Credentials,
    token: TokenCache,
    budget: Arc<RateBudget>,
    /// Private CAs trusted besides the public roots.
    ca: Vec<reqwest::Certificate>,
    /// Requests sent (retries included), for a demo's request count.
    sent: std::sync::atomic::AtomicU64,
}

fn origin(u: &Url) -> (String, Option<String>, Option<u16>) {
    (
        u.scheme().to_owned(),
        u.host_str().map(str::to_owned),
        u.port_or_known_default(),
    )
}

fn build_http(ca: &[reqwest::Certificate]) -> Result<reqwest::Client> {
    ca.iter()
        .fold(reqwest::Client::builder(), |b, c| {
            b.add_root_certificate(c.clone())
        })
        .connect_timeout(DEFAULT_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE)
        .user_agent(concat!("agent-factory-console/", env!("CARGO_PKG_VERSION")))
        // Only within one origin: a redirect elsewhere would take the credentials with it
        // (reqwest strips Authorization across hosts, but not X-API-Key).
        .redirect(redirect::Policy::custom(|attempt| {
            let same = attempt
                .previous()
                .last()
                .is_some_and(|prev| origin(prev) == origin(attempt.url()));
            if same && attempt.previous().len() <= MAX_REDIRECTS {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
        .map_err(|e| {
            AppError::internal("Could not create the HTTP client").with_details(e.to_string())
        })
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

/// A transport failure as a code an operator can act on.
fn transport_error(url: &str, e: &reqwest::Error, timeout: Duration) -> AppError {
    if e.is_timeout() {
        AppError::new(
            ErrorCode::Timeout,
            format!(
                "{url} did not answer within {} seconds",
                timeout.as_secs_f64()
            ),
        )
    } else if e.is_connect() && source_chain(e).contains("certificate") {
        // rustls says why (unknown issuer, wrong name, expired) deep in the chain.
        AppError::new(
            ErrorCode::Unreachable,
            format!("TLS with {url} failed: its certificate is not trusted"),
        )
        .with_details(format!(
            "{}. An API behind a private CA needs that CA: the environment's API CA certificate (afctl env set NAME --api-ca-cert FILE).",
            source_chain(e)
        ))
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

/// A transport failure worth retrying for an idempotent read: no connection, or one the
/// server dropped (the platform resets a connection after a 500).
fn retryable(e: &reqwest::Error) -> bool {
    !e.is_timeout() && (e.is_connect() || e.is_request())
}

impl PlatformClient {
    /// A client for the API at `base_url`. Plain `http://` is refused for a host that is not
    /// this machine unless `allow_http` (the environment's explicit, visible choice).
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        budget: Arc<RateBudget>,
        allow_http: bool,
    ) -> Result<Self> {
        let base = check_api_url(base_url, allow_http)?;
        Ok(Self {
            base,
            http: Mutex::new(build_http(&[])?),
            credentials,
            token: TokenCache::default(),
            budget,
            ca: Vec::new(),
            sent: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Trusts the private CA(s) in `pem_file` besides the public roots (an API behind one).
    pub fn with_ca_cert(mut self, pem_file: Option<&str>) -> Result<Self> {
        let Some(path) = pem_file.map(str::trim).filter(|p| !p.is_empty()) else {
            return Ok(self);
        };
        let pem = std::fs::read(path)
            .map_err(|e| AppError::io("read the API's CA certificate", Path::new(path), &e))?;
        let not_pem = |e: reqwest::Error| {
            AppError::invalid_input(format!("{path} is not a PEM certificate"))
                .with_details(e.to_string())
        };
        // reqwest reads the PEM when the client is built; a file with no certificate in it
        // would add nothing, silently.
        let ca = reqwest::Certificate::from_pem_bundle(&pem).map_err(not_pem)?;
        if ca.is_empty() {
            return Err(AppError::invalid_input(format!(
                "{path} holds no PEM certificate"
            )));
        }
        let http = build_http(&ca).map_err(|e| {
            AppError::invalid_input(format!("{path} is not a PEM certificate"))
                .with_details(e.details.unwrap_or(e.message))
        })?;
        self.http = Mutex::new(http);
        self.ca = ca;
        Ok(self)
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// Requests this client has sent so far (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn budget(&self) -> &RateBudget {
        &self.budget
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The full URL of `path` (which starts with `/` and may carry a query); a base URL with a
    /// path (an API behind a prefix) keeps it.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_str().trim_end_matches('/'))
    }

    fn http(&self) -> reqwest::Client {
        self.http
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Drops every pooled connection (after a 500, which the platform follows with a reset).
    fn renew_connections(&self) {
        if let Ok(fresh) = build_http(&self.ca) {
            *self
                .http
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        }
    }

    /// Sends `call` and returns the response whatever its status; errors are transport
    /// failures, a refused redirect, missing credentials, and the (probable) rate limit.
    pub async fn send(&self, call: Call<'_>) -> Result<ApiResponse> {
        let response = self.send_once(&call).await?;
        if response.status == 401 && call.authed && self.credentials.is_login() {
            // The token may have expired or been revoked: log in again, once.
            self.token.forget().await;
            return self.send_once(&call).await;
        }
        Ok(response)
    }

    /// Like [`send`](Self::send), turning a status that is not success into its error.
    pub async fn call(&self, call: Call<'_>) -> Result<ApiResponse> {
        self.send(call).await?.ok()
    }

    /// GET `path` and parse its JSON (any status but success is an error).
    pub async fn get_json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        self.call(call).await?.json()
    }

    async fn send_once(&self, call: &Call<'_>) -> Result<ApiResponse> {
        let mut attempt = 0;
        loop {
            let url = self.url(call.path);
            self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let result = self.exchange(call, &url).await;
            let retry = match &result {
                Err(Retry::Transport(e)) => call.idempotent() && retryable(e),
                Ok(r) => {
                    call.idempotent() && call.retry_unavailable && matches!(r.status, 502..=504)
                }
                Err(Retry::Fatal(_)) => false,
            };
            if retry && attempt < RETRIES {
                attempt += 1;
                tracing::debug!(url = %url, attempt, "retrying an idempotent read");
                tokio::time::sleep(Duration::from_millis(250 << (attempt - 1))).await;
                continue;
            }
            return match result {
                Ok(r) => Ok(r),
                Err(Retry::Transport(e)) => Err(transport_error(&url, &e, call.timeout)),
                Err(Retry::Fatal(e)) => Err(e),
            };
        }
    }

    /// One request and its response, with the platform's trailing-slash redirect handled when
    /// it points at another origin (a proxy in front of the API makes it `http://`).
    async fn exchange(
        &self,
        call: &Call<'_>,
        url: &str,
    ) -> std::result::Result<ApiResponse, Retry> {
        let response = self.request(call, url).await?;
        if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
            return Ok(response.response);
        }
        if call.keep_redirects {
            return Ok(response.response);
        }
        let location = response.location.clone().unwrap_or_default();
        let ours = Url::parse(url).ok();
        let theirs = Url::parse(&location).ok();
        let slashed = match (&ours, &theirs) {
            (Some(o), Some(t)) => t.path() == format!("{}/", o.path()) && t.query() == o.query(),
            _ => false,
        };
        if slashed {
            let mut again = ours.expect("parsed above");
            again.set_path(&format!("{}/", again.path()));
            tracing::info!(
                from = url,
                "the API redirected to the slashed path; following it on the API's own origin"
            );
            return self.request(call, again.as_str()).await.map(|r| r.response);
        }
        Err(Retry::Fatal(
            AppError::new(
                ErrorCode::InvalidInput,
                format!("{url} redirected to another origin, which the console does not follow"),
            )
            .with_details(format!(
                "HTTP {} to {location}. Credentials are never sent to another origin; if the API moved, change the environment's API URL.",
                response.status
            )),
        ))
    }

    async fn request(&self, call: &Call<'_>, url: &str) -> std::result::Result<Redirected, Retry> {
        let mut builder = self
            .http()
            .request(call.method.clone(), url)
            .timeout(call.timeout);
        if let Some(body) = call.body {
            builder = builder.json(body);
        }
        for (name, value) in call.headers {
            builder = builder.header(name, value);
        }
        if call.authed {
            builder = self.authorize(builder).await.map_err(Retry::Fatal)?;
        }
        self.budget.before_send(url).map_err(Retry::Fatal)?;
        let started = Instant::now();
        let response = builder.send().await.map_err(Retry::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let final_url = response.url().to_string();
        let body = response.bytes().await.map_err(Retry::Transport)?.to_vec();
        let latency_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let rate = RateHeaders::read(&headers);
        self.budget.observe(rate);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            self.renew_connections();
            if rate.is_empty() {
                let path = Url::parse(&final_url)
                    .map(|u| u.path().to_owned())
                    .unwrap_or_default();
                if let Some(evidence) = self.budget.judge_500(&path) {
                    return Err(Retry::Fatal(
                        AppError::new(
                            ErrorCode::RateLimited,
                            format!("{final_url} answered 500: rate-limited (probably)"),
                        )
                        .with_details(format!(
                            "{evidence}. The platform's limiter answers a bare 500 with no rate-limit headers; the console pauses its calls for a minute."
                        )),
                    ));
                }
            }
        }
        Ok(Redirected {
            location: header("location"),
            response: ApiResponse {
                status: status.as_u16(),
                url: final_url,
                request_id: header("x-request-id"),
                process_time: header("x-process-time").and_then(|t| t.parse().ok()),
                latency_ms,
                rate,
                content_type: header("content-type").unwrap_or_default(),
                headers: headers
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body,
            },
        })
    }

    async fn authorize(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder> {
        match &self.credentials {
            Credentials::None => Err(AppError::new(
                ErrorCode::Unauthorized,
                "This environment has no API credentials: set an API key or a login",
            )),
            Credentials::Unavailable(e) => Err(e.clone()),
            Credentials::ApiKey(key) => Ok(builder.header("X-API-Key", key.expose())),
            Credentials::Login { .. } => {
                let token = self.token().await?;
                Ok(builder.bearer_auth(token.expose()))
            }
        }
    }

    /// The login token, logging in when there is none or it is about to expire.
    pub async fn token(&self) -> Result<crate::keyring::SecretString> {
        self.token.get_or_login(|| self.login()).await
    }

    /// `POST /api/v1/auth/login` with the stored email and password.
    async fn login(&self) -> Result<(crate::keyring::SecretString, Option<i64>)> {
        let Credentials::Login { email, password } = &self.credentials else {
            return Err(AppError::internal("login without a login configured"));
        };
        let body = serde_json::json!({ "email": email, "password": password.expose() });
        let call = Call::post("/api/v1/auth/login", &body);
        // Boxed: a login happens inside a call that needed a token.
        let response = Box::pin(self.send_once(&call)).await?;
        if !response.is_success() {
            let mut e = response.error();
            if e.code == ErrorCode::Unauthorized {
                e.message = format!(
                    "The API refused the login for {email}: {}",
                    response
                        .detail()
                        .unwrap_or_else(|| format!("HTTP {}", response.status))
                );
            }
            return Err(e);
        }
        #[derive(serde::Deserialize)]
        struct Login {
            access_token: String,
        }
        let login: Login = response.json()?;
        let expires = super::auth::jwt_expiry(&login.access_token);
        Ok((
            crate::keyring::SecretString::new(login.access_token),
            expires,
        ))
    }
}

/// A response plus where it redirected to, if it did.
struct Redirected {
    location: Option<String>,
    response: ApiResponse,
}

impl std::ops::Deref for Redirected {
    type Target = ApiResponse;
    fn deref(&self) -> &ApiResponse {
        &self.response
    }
}

/// Why an exchange did not produce a response: a transport error (perhaps worth retrying) or
/// one that retrying cannot change.
enum Retry {
    Transport(reqwest::Error),
    Fatal(AppError),
}

/// An API base URL: http(s), a host, no credentials in it, and plain http only for this
/// machine unless the environment allows it.
pub fn check_api_url(url: &str, allow_http: bool) -> Result<Url> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        AppError::invalid_input(format!("The API URL \"{url}\" is not a valid URL ({e})"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(AppError::invalid_input(format!(
            "The API URL \"{url}\" must be an http:// or https:// address"
        )));
    }
    if parsed.password().is_some() || !parsed.username().is_empty() {
        return Err(AppError::invalid_input(
            "The API URL must not carry credentials: set an API key or login instead",
        ));
    }
    let host = parsed.host_str().unwrap_or_default();
    if parsed.scheme() == "http" && !allow_http && !crate::net::is_local(host) {
        return Err(AppError::invalid_input(format!(
            "The API URL \"{url}\" uses plain http:// for a host that is not this machine"
        ))
        .with_details(
            "Credentials and data would cross the network unencrypted. Use https://, or allow plain HTTP for this environment explicitly (the editor's \"Allow plain http://\" box, or afctl env set NAME --allow-insecure-http); it is then shown with a warning.",
        ));
    }
    Ok(parsed)
}
