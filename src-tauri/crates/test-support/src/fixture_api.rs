//! A stand-in for the platform API: a real HTTP/1.1 server on 127.0.0.1 that serves the
//! responses recorded from the real API (`tests/fixtures/platform-api/`), with the headers the
//! real API sends, and that a test can switch per path to a failure: another recorded body, a
//! 500, a rate-limited 500, a response slower than the client's timeout.
//!
//! Written on std alone (a thread per connection, `Connection: close`) rather than on an HTTP
//! framework: it needs no routing or async, and it must also be able to misbehave on purpose.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the recorded responses are, relative to the repository root.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/platform-api")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (to exceed a client's timeout).
    pub delay: Duration,
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
        }
    }

    /// The platform's answer once its rate limit is used up: a generic 500, not a 429.
    pub fn rate_limited() -> Self {
        let mut r = Self::json(500, "error-500.json");
        r.headers
            .push(("X-RateLimit-Remaining-Minute".into(), "0".into()));
        r
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// The recorded responses, by path, as the healthy API served them.
fn recorded() -> HashMap<String, Reply> {
    let mut routes = HashMap::new();
    let mut add = |path: &str, reply: Reply| {
        routes.insert(path.to_owned(), reply);
    };
    add("/", Reply::json(200, "root.json"));
    add("/live", Reply::json(200, "live.json"));
    add("/ready", Reply::json(200, "ready.json"));
    add("/health", Reply::json(200, "health-healthy.json"));
    add(
        "/metrics",
        Reply::raw(
            200,
            "text/plain; version=1.0.0; charset=utf-8",
            fixture("metrics.txt"),
        ),
    );
    add("/openapi.json", Reply::json(200, "openapi.json"));
    add("/api/v1/agents/", Reply::json(200, "agents-list.json"));
    add(
        "/api/v1/health/circuit-breakers",
        Reply::json(200, "circuit-breakers.json"),
    );
    add(
        "/api/v1/telemetry/metrics",
        Reply::json(401, "error-401.json"),
    );
    routes
}

pub struct FixtureApi {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    requests: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl FixtureApi {
    /// Starts serving the recorded responses on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let server = Self {
            port,
            routes: Arc::new(Mutex::new(recorded())),
            requests: Arc::new(AtomicU64::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (routes, requests, stop) = (
            server.routes.clone(),
            server.requests.clone(),
            server.stop.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (routes, requests) = (routes.clone(), requests.clone());
                std::thread::spawn(move || serve(stream, &routes, &requests));
            }
        });
        server
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answers `path` with `reply` from now on.
    pub fn set(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_owned(), reply);
    }

    /// How many requests have been answered.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FixtureApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
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

fn serve(stream: TcpStream, routes: &Mutex<HashMap<String, Reply>>, requests: &AtomicU64) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; content_length];
    let _ = reader.read_exact(&mut body);
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or(path);
    let reply = routes
        .lock()
        .unwrap()
        .get(path)
        .cloned()
        .unwrap_or_else(|| Reply::raw(404, "application/json", r#"{"detail":"Not Found"}"#));
    let n = requests.fetch_add(1, Ordering::SeqCst) + 1;
    std::thread::sleep(reply.delay);
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\nX-Request-ID: fixture-{n}\r\nX-Process-Time: 0.001\r\nX-RateLimit-Limit-Minute: 60\r\nX-RateLimit-Limit-Hour: 1000\r\nX-RateLimit-Remaining-Hour: 900\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if !reply
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("X-RateLimit-Remaining-Minute"))
    {
        head.push_str("X-RateLimit-Remaining-Minute: 59\r\n");
    }
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&reply.body));
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
