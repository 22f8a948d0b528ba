//! A stand-in for the platform API, as rude as the real one: a real HTTP/1.1 server on 127.0.0.1
//! that serves the responses recorded from the real API (`tests/fixtures/platform-api/`) with
//! the headers it sends, and behaves as `spec/platform-api.md` says the platform does:
//!
//! - a rate limiter of 60 requests a minute and 1000 an hour whose refusal is a **bare 500**
//!   (no `X-RateLimit-*`, no request id), the same bytes as any unhandled error;
//! - persistent connections that are reset on the next request after any 500;
//! - 307 to the slashed path for collection routes asked for without their trailing slash;
//! - login and signup issuing HS256 tokens (30 minutes), a malformed token answered with a bare
//!   500 and an expired or forged one with 401; `af_` keys honoured on telemetry routes only;
//! - an agent registry that silently overwrites an existing id, and runs that need `input_text`.
//!
//! A test can script a path to answer otherwise (another recorded body, a 500, a redirect, a
//! reply slower than the client's timeout), and read every request the server received.
//!
//! Written on std alone (a thread per connection) rather than on an HTTP framework: it must be
//! able to misbehave at the byte level (bare responses, connection resets), which frameworks
//! exist to prevent.

mod http;
mod jwt;
mod platform;
mod tls;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::Response;
use platform::{Limiter, Platform};

pub use platform::sha256_hex;

/// Where the recorded responses are, relative to the repository root.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/platform-api")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A scripted answer for one path.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (to exceed a client's timeout).
    pub delay: Duration,
    /// How many requests to the path the platform still answers itself before this reply.
    pub pass: usize,
}

impl Reply {
    pub fn json(status: u16, fixture_name: &str) -> Self {
        Self::raw(status, "application/json", fixture(fixture_name))
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
            pass: 0,
        }
    }

    /// Any 500: the platform's unhandled error, exactly as its rate limiter also answers (no
    /// rate-limit headers, no request id; the connection is reset on its next request).
    pub fn error_500() -> Self {
        Self::json(500, "error-500.json")
    }

    /// A redirect to `location` (another origin, to test where credentials go).
    pub fn redirect(status: u16, location: &str) -> Self {
        let mut r = Self::raw(status, "text/plain", Vec::new());
        r.headers.push(("location".into(), location.to_owned()));
        r
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Only after the platform has answered the path's next `n` requests itself (a failure
    /// part way through a bulk write).
    pub fn after(mut self, n: usize) -> Self {
        self.pass = n;
        self
    }

    fn to_response(&self) -> Response {
        let mut headers = vec![("content-type".to_owned(), self.content_type.clone())];
        headers.extend(self.headers.iter().cloned());
        Response {
            status: self.status,
            headers,
            body: self.body.clone(),
            delay: self.delay,
        }
    }
}

/// One request as the server received it (method, path, headers with lower-cased names, body).
pub use http::Request as Recorded;

pub struct FixtureApi {
    port: u16,
    platform: Arc<Mutex<Platform>>,
    stop: Arc<AtomicBool>,
    /// With `start_tls`: the test CA's certificate, written where a client can be told to
    /// trust it.
    ca_file: Option<PathBuf>,
}

/// How the platform is set up before it starts.
pub struct Builder {
    latency: Duration,
    per_minute: usize,
    per_hour: usize,
    token_lifetime: Duration,
    tls: bool,
    llm_key: bool,
    database: Option<String>,
}

impl Builder {
    /// Signs up into the scratch database `name` too (a tenant and a user row), as the platform
    /// writes its own database.
    pub fn database(mut self, name: &str) -> Self {
        self.database = Some(name.to_owned());
        self
    }

    /// Every answer `latency` later, as from a server across a network.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// An API started with an LLM key: runs complete (echoing their input) instead of answering
    /// `status: "error"`.
    pub fn llm_key(mut self) -> Self {
        self.llm_key = true;
        self
    }

    /// A limit other than the platform's 60 a minute (and 1000 an hour), for a test that must
    /// send more (or reach the limit sooner) than the real one allows. Say why where it is used.
    pub fn rate_limit(mut self, per_minute: usize, per_hour: usize) -> Self {
        self.per_minute = per_minute;
        self.per_hour = per_hour;
        self
    }

    /// Tokens that expire sooner than the platform's 30 minutes.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    pub fn start(self) -> FixtureApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let agents = serde_json::from_slice(&fixture("agents-list.json")).expect("agents fixture");
        let mut secret = vec![0u8; 32];
        getrandom_fill(&mut secret);
        let platform = Arc::new(Mutex::new(Platform {
            overrides: Default::default(),
            latency: self.latency,
            agents,
            executions: Vec::new(),
            users: Vec::new(),
            key_hashes: Default::default(),
            secret,
            token_lifetime: self.token_lifetime,
            llm_key: self.llm_key,
            database: self.database,
            workflows: Vec::new(),
            not_before: 0,
            limiter: Limiter::new(self.per_minute, self.per_hour),
            log: Vec::new(),
            answered: 0,
            served: Default::default(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let tls = self.tls.then(tls::make);
        let ca_file = tls.as_ref().map(|t| {
            let path = std::env::temp_dir().join(format!("afc-fixture-ca-{port}.pem"));
            std::fs::write(&path, &t.ca_pem).expect("write the test CA");
            path
        });
        let config = tls.map(|t| t.config);
        let (shared, stopping) = (platform.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(tcp) = stream else { continue };
                let platform = shared.clone();
                let config = config.clone();
                std::thread::spawn(move || {
                    let Ok(socket) = tcp.try_clone() else { return };
                    let handle = |request: &http::Request| lock(&platform).handle(request);
                    match config {
                        Some(config) => {
                            let Ok(session) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            let stream = rustls::StreamOwned::new(session, socket);
                            http::serve(stream, &tcp, handle);
                        }
                        None => http::serve(socket, &tcp, handle),
                    }
                });
            }
        });
        FixtureApi {
            port,
            platform,
            stop,
            ca_file,
        }
    }
}

/// Random bytes without another dependency: the OS's urandom.
fn getrandom_fill(buf: &mut [u8]) {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .expect("/dev/urandom");
}

fn lock(platform: &Mutex<Platform>) -> MutexGuard<'_, Platform> {
    platform.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FixtureApi {
    /// The platform as it runs by default: healthy, 60 requests a minute, 30-minute tokens.
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// The platform over HTTPS, with a certificate for `localhost` and `127.0.0.1` signed by a
    /// test CA made for this server ([`FixtureApi::ca_file`]).
    pub fn start_tls() -> Self {
        Builder {
            tls: true,
            ..Self::builder()
        }
        .start()
    }

    pub fn builder() -> Builder {
        Builder {
            latency: Duration::ZERO,
            per_minute: 60,
            per_hour: 1000,
            token_lifetime: Duration::from_secs(30 * 60),
            tls: false,
            llm_key: false,
            database: None,
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.ca_file.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The test CA's certificate (PEM file) of a server started with `Builder::tls`.
    pub fn ca_file(&self) -> &Path {
        self.ca_file
            .as_deref()
            .expect("a server started with Builder::tls")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Answers `path` (any method) with `reply` from now on.
    pub fn set(&self, path: &str, reply: Reply) {
        lock(&self.platform)
            .overrides
            .insert(path.to_owned(), reply);
    }

    /// Lets the platform answer `path` itself again.
    pub fn unset(&self, path: &str) {
        lock(&self.platform).overrides.remove(path);
    }

    /// How many requests have been answered (refused ones included).
    pub fn requests(&self) -> u64 {
        lock(&self.platform).answered
    }

    /// Every request received so far, oldest first.
    pub fn received(&self) -> Vec<Recorded> {
        lock(&self.platform).log.clone()
    }

    /// The requests received for `path`.
    pub fn received_at(&self, path: &str) -> Vec<Recorded> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// A user who can log in; returns their tenant id.
    pub fn add_user(&self, email: &str, password: &str) -> String {
        lock(&self.platform).add_user(email, password)
    }

    /// An `af_` key the telemetry routes accept (stored hashed, as the platform stores it).
    pub fn add_api_key(&self, key: &str) {
        lock(&self.platform).key_hashes.insert(sha256_hex(key));
    }

    /// Every token issued so far is refused from now on (401), as if it had expired.
    pub fn expire_tokens(&self) {
        lock(&self.platform).not_before = chrono::Utc::now().timestamp() + 1;
    }

    /// Forgets the requests the rate limiter has counted (as if the window had passed).
    pub fn reset_rate_limit(&self) {
        lock(&self.platform).limiter.clear();
    }

    /// An execution the API process keeps in memory (`{id, type, entity_id, status, …}`).
    pub fn add_execution(&self, execution: serde_json::Value) {
        lock(&self.platform).executions.push(execution);
    }

    /// Agents added to the registry as they are (`{id, name, instructions, model, …}`).
    pub fn add_agents(&self, agents: impl IntoIterator<Item = serde_json::Value>) {
        lock(&self.platform).agents.extend(agents);
    }

    /// The workflows the API holds now (created through it).
    pub fn workflows(&self) -> Vec<serde_json::Value> {
        lock(&self.platform).workflows.clone()
    }

    /// The agents the API's registry holds now.
    pub fn agents(&self) -> Vec<serde_json::Value> {
        lock(&self.platform).agents.clone()
    }
}

impl Drop for FixtureApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(ca) = &self.ca_file {
            let _ = std::fs::remove_file(ca);
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
