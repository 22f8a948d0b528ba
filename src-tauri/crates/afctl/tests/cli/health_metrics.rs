//! `afctl health` and `afctl metrics` against a real HTTP server on 127.0.0.1 serving the
//! platform's recorded responses (switched per test to each degraded body, a 500, the
//! rate-limited 500, a reply slower than the timeout, a malformed exposition, a closed port),
//! the machine's PostgreSQL and Redis.

use std::path::Path;
use std::process::Output;

use std::time::Duration;
use test_support::afctl::{add_local_environment, json, text};

use test_support::assert_contains;
use test_support::fixture_api::{FixtureApi, Reply, closed_port, fixture};

fn afctl(config: &Path, args: &[&str]) -> Output {
    test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        config,
        args,
        "",
        &[],
    )
}

fn dependency<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

/// An environment on the fixture API with the machine's PostgreSQL and Redis (or a dead Redis).
fn environment(dir: &Path, api: &FixtureApi, redis_port: u16) {
    let redis = format!("redis://127.0.0.1:{redis_port}/0");
    let out = afctl(dir, &add_local_environment("local", &api.url(), &redis));
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn healthy_api_exits_0() {
    let api = FixtureApi::start();
    let dir = tempfile::tempdir().unwrap();
    let out = afctl(dir.path(), &["--json", "health", "--api-url", &api.url()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let r = json(&out);
    assert_eq!(r["overall"], "healthy");
    assert_eq!(dependency(&r, "database")["status"], "healthy");
    assert_eq!(dependency(&r, "llm_providers")["status"], "healthy");
}

#[test]
fn a_database_reported_down_by_the_api_but_fine_here_is_reconciled() {
    let api = FixtureApi::start();
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    let dir = tempfile::tempdir().unwrap();
    environment(dir.path(), &api, 6379);
    let out = afctl(dir.path(), &["--json", "health", "--env", "local"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r = json(&out);
    assert_eq!(r["overall"], "degraded");
    let db = dependency(&r, "database");
    assert_eq!(db["status"], "degraded");
    let reason = db["reason"].as_str().unwrap();
    assert!(
        reason.contains("Not an executable object")
            && reason.contains("the API's health check is what is failing"),
        "{reason}"
    );
    assert_eq!(dependency(&r, "cache")["status"], "healthy");
    // Human output says the same.
    let human = text(&afctl(dir.path(), &["health"]));
    assert!(
        human.contains("DEGRADED") && human.contains("console's own check: healthy"),
        "{human}"
    );
}

#[test]
fn a_cache_down_for_both_is_down() {
    let api = FixtureApi::start();
    api.set("/health", Reply::json(503, "health-degraded-cache.json"));
    let dir = tempfile::tempdir().unwrap();
    environment(dir.path(), &api, closed_port());
    let out = afctl(dir.path(), &["--json", "health"]);
    assert_eq!(out.status.code(), Some(1));
    let cache = dependency(&json(&out), "cache").clone();
    assert_eq!(cache["status"], "down");
    assert!(
        cache["reason"]
            .as_str()
            .unwrap()
            .contains("Both the API and the console find the cache down")
    );
}

/// An API started while Redis was down says `cache: unavailable` (not counted against its own
/// status) and never reconnects; with Redis up for the console, that is a warning, not healthy.
#[test]
fn an_api_without_its_cache_is_a_warning_until_it_is_restarted() {
    let api = FixtureApi::start();
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture("health-healthy.json")).unwrap();
    body["checks"]["cache"] =
        serde_json::json!({"status": "unavailable", "message": "Cache client not initialized"});
    api.set(
        "/health",
        Reply::raw(200, "application/json", body.to_string()),
    );
    let dir = tempfile::tempdir().unwrap();
    environment(dir.path(), &api, 6379);
    let out = afctl(dir.path(), &["--json", "health"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let cache = dependency(&json(&out), "cache").clone();
    assert_eq!(cache["status"], "degraded", "{cache:#}");
    assert_contains(
        cache["reason"].as_str().unwrap(),
        &[
            "The API is running without its cache until it is restarted",
            "Cache client not initialized",
            "the console's own Redis check: healthy",
        ],
    );
}

#[test]
fn an_unreachable_or_slow_api_is_down_but_a_rate_limited_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let r = json(&afctl(
        dir.path(),
        &["--json", "health", "--api-url", &closed],
    ));
    assert_eq!(
        (
            r["overall"].as_str(),
            dependency(&r, "api")["status"].as_str()
        ),
        (Some("down"), Some("down"))
    );

    // The limiter's bare 500 on /live: the API is there, just refusing for a minute.
    let api = FixtureApi::start();
    api.set("/live", Reply::error_500());
    let out = afctl(dir.path(), &["--json", "health", "--api-url", &api.url()]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    let reason = dependency(&r, "api")["reason"].as_str().unwrap().to_owned();
    assert_eq!(dependency(&r, "api")["status"], "degraded", "{reason}");
    assert!(reason.contains("rate-limited (probably)"), "{reason}");
    assert_ne!(r["overall"], "down");

    api.set(
        "/live",
        Reply::json(200, "live.json").delayed(Duration::from_secs(7)),
    );
    let out = afctl(dir.path(), &["--json", "health", "--api-url", &api.url()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        dependency(&json(&out), "api")["reason"]
            .as_str()
            .unwrap()
            .contains("did not answer within 5 seconds")
    );
}

#[test]
fn watch_checks_again_each_round() {
    let api = FixtureApi::start();
    let dir = tempfile::tempdir().unwrap();
    let out = afctl(
        dir.path(),
        &[
            "health",
            "--api-url",
            &api.url(),
            "--watch",
            "--count",
            "2",
            "--interval",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out).matches("API — HEALTHY").count(),
        2,
        "{}",
        text(&out)
    );
}

#[test]
fn metrics_from_the_api_and_from_files() {
    let api = FixtureApi::start();
    let dir = tempfile::tempdir().unwrap();
    let out = afctl(
        dir.path(),
        &["metrics", "--api-url", &api.url(), "--top", "3"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let human = text(&out);
    assert!(
        human.contains("since the API started") && human.contains("Latency: p50"),
        "{human}"
    );
    // The busiest routes, ids folded into their route.
    assert_contains(&human, &["/api/v1/agents/{agent_id}", "/health"]);
    // The console's own probes are counted apart from the error ratio.
    assert_contains(
        &human,
        &[
            "probe endpoints left out",
            "Probes (/live, /ready, /health, /metrics): ",
        ],
    );

    // Ranked by p95 latency instead of traffic.
    let by_latency = json(&afctl(
        dir.path(),
        &[
            "--json",
            "metrics",
            "--api-url",
            &api.url(),
            "--sort",
            "latency",
            "--top",
            "2",
        ],
    ));
    let p95 = |i: usize| {
        by_latency["endpoints"][i]["latency"]["p95"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(by_latency["endpoints"].as_array().unwrap().len(), 2);
    assert!(p95(0) >= p95(1));

    // Two scrapes a second apart: between them the API answers 20 more /health requests.
    let url = api.url();
    let config = dir.path().to_owned();
    let before = api.received_at("/metrics").len();
    let scrapes = std::thread::spawn(move || {
        afctl(
            &config,
            &["--json", "metrics", "--api-url", &url, "--interval", "1"],
        )
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    // Waits for the first scrape (not for time to pass), then changes what the second sees.
    while api.received_at("/metrics").len() == before {
        assert!(std::time::Instant::now() < deadline, "no first scrape");
        std::thread::sleep(Duration::from_millis(5));
    }
    let busier = String::from_utf8(fixture("metrics.txt")).unwrap().replace(
        "http_requests_total{endpoint=\"/health\",method=\"GET\",status_code=\"200\"} 21.0",
        "http_requests_total{endpoint=\"/health\",method=\"GET\",status_code=\"200\"} 41.0",
    );
    api.set(
        "/metrics",
        Reply::raw(200, "text/plain; version=0.0.4", busier),
    );
    let r = json(&scrapes.join().unwrap());
    let window = r["windowSeconds"].as_f64().unwrap();
    assert!(window >= 1.0);
    let rate = r["requestRate"].as_f64().unwrap();
    assert!(
        (rate * window - 20.0).abs() < 1e-6,
        "{rate} requests/s over {window} s"
    );

    // Two saved expositions, the second after a restart.
    let older = dir.path().join("a.txt");
    let newer = dir.path().join("b.txt");
    std::fs::write(&older, fixture("metrics.txt")).unwrap();
    let restarted = String::from_utf8(fixture("metrics.txt")).unwrap().replace(
        "process_start_time_seconds 1.79566659046e+09",
        "process_start_time_seconds 1.8e+09",
    );
    std::fs::write(&newer, restarted).unwrap();
    let out = afctl(
        dir.path(),
        &[
            "--json",
            "metrics",
            "--file",
            older.to_str().unwrap(),
            "--file",
            newer.to_str().unwrap(),
            "--interval",
            "30",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let r = json(&out);
    assert_eq!(r["process"]["restarted"], true);
    assert_eq!(r["windowSeconds"], 30.0);
}

#[test]
fn malformed_or_missing_metrics_cannot_run() {
    let api = FixtureApi::start();
    api.set(
        "/metrics",
        Reply::raw(200, "text/plain; version=0.0.4", "ok 1\nbroken{x=\"1\" 2\n"),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = afctl(dir.path(), &["metrics", "--api-url", &api.url()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("malformed at line 2"), "{}", text(&out));
    api.set("/metrics", Reply::json(200, "live.json"));
    let out = afctl(dir.path(), &["metrics", "--api-url", &api.url()]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&text(&out), &["did not answer with Prometheus metrics"]);
    let out = afctl(
        dir.path(),
        &["metrics", "--file", "/nonexistent/metrics.txt"],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// A console-side problem is reported as what it is: with no Secret Service, an environment
/// whose API login is in the keyring has its credentials unavailable, and the API, its database
/// and cache are still probed and reported (no probe needs the login).
#[test]
fn a_missing_keyring_is_credentials_unavailable_not_the_api_down() {
    let api = FixtureApi::start();
    let dir = tempfile::tempdir().unwrap();
    environment(dir.path(), &api, 6379);
    let stored = test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        dir.path(),
        &[
            "env",
            "credential",
            "local",
            "api-password",
            "--email",
            "ops@example.com",
        ],
        "a-login-password",
        &[],
    );
    assert!(stored.status.success(), "{}", text(&stored));
    let no_keyring = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let out = test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        dir.path(),
        &["--json", "health", "--env", "local"],
        "",
        &no_keyring,
    );
    let r = json(&out);
    assert_eq!(dependency(&r, "api")["status"], "healthy", "{r:#}");
    assert_eq!(dependency(&r, "database")["status"], "healthy", "{r:#}");
    assert_eq!(dependency(&r, "cache")["status"], "healthy", "{r:#}");
    let credentials = dependency(&r, "credentials");
    assert_eq!(credentials["status"], "degraded", "{r:#}");
    assert_contains(
        &credentials.to_string(),
        &[
            "the console's keyring: unavailable",
            "could not read them here",
            "keyring is not available",
        ],
    );
    assert!(
        !dependency(&r, "api").to_string().contains("credentials"),
        "{r:#}"
    );
    let human = test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        dir.path(),
        &["health", "--env", "local"],
        "",
        &no_keyring,
    );
    let shown = text(&human);
    assert!(!shown.contains("DOWN"), "{shown}");
    assert_contains(&shown, &["could not read them here"]);
}
