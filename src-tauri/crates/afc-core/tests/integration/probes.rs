//! "Test connection" against real parts: the fixture API on 127.0.0.1 (recorded bodies and
//! scripted failures), the machine's PostgreSQL and Redis, and closed ports.

use std::sync::Arc;
use std::time::Duration;

use crate::common::local_redis;
use afc_core::ErrorCode;
use afc_core::api::{Credentials, PlatformClient};
use afc_core::db::Database;
use afc_core::environments::{DbConnection, SafetyLevel, TlsPolicy};
use afc_core::probe::{PROBE_TIMEOUT, ProbeStatus, probe_api, probe_database, probe_redis};
use afc_core::secrets::SecretString;
use test_support::assert_contains;
use test_support::fixture_api::{FixtureApi, Reply, closed_port};

pub fn client(url: &str, credentials: Credentials) -> PlatformClient {
    PlatformClient::new(url, credentials, Arc::default(), false).unwrap()
}

async fn probe(url: &str) -> afc_core::probe::ProbeResult {
    probe_api(&client(url, Credentials::None)).await
}

fn database(conn: DbConnection) -> Database {
    Database::new(conn, None, None, SafetyLevel::Open)
}

#[tokio::test]
async fn healthy_api() {
    let api = FixtureApi::start();
    let r = probe(&api.url()).await;
    assert_eq!(r.status, ProbeStatus::Ok, "{r:?}");
    assert!(r.checks.iter().all(|c| c.healthy));
    assert!(
        r.facts
            .iter()
            .any(|f| f.label == "API version" && f.value == "0.1.0")
    );
    assert!(
        r.facts
            .iter()
            .any(|f| f.label == "rate limit left this minute" && f.value == "57"),
        "three requests of the fixture's 60: {:?}",
        r.facts
    );
    let ready = r.facts.iter().find(|f| f.label == "/ready").unwrap();
    assert!(ready.value.starts_with("HTTP 200 ready"), "{}", ready.value);
}

#[tokio::test]
async fn degraded_api_says_which_check_fails_and_why() {
    let api = FixtureApi::start();
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    api.set("/ready", Reply::json(503, "ready-503.json"));
    let r = probe(&api.url()).await;
    assert_eq!(r.status, ProbeStatus::Degraded);
    let ready = r.facts.iter().find(|f| f.label == "/ready").unwrap();
    assert!(
        ready.value.starts_with("HTTP 503 not ready") && ready.value.contains("follows /health"),
        "{}",
        ready.value
    );
    assert_contains(&r.summary, &["database: Not an executable object"]);
    let db = r.checks.iter().find(|c| c.name == "database").unwrap();
    assert!(!db.healthy);
    assert!(
        r.checks
            .iter()
            .find(|c| c.name == "llm_providers")
            .unwrap()
            .healthy,
        "not_configured does not degrade"
    );
}

#[tokio::test]
async fn a_bare_500_on_live_is_the_rate_limiter_not_an_outage() {
    let api = FixtureApi::start();
    api.set("/live", Reply::error_500());
    let r = probe(&api.url()).await;
    assert_eq!(r.status, ProbeStatus::Degraded, "{r:?}");
    assert!(
        r.summary.starts_with("rate-limited (probably)"),
        "{}",
        r.summary
    );
    let e = r.error.unwrap();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert!(e.details.unwrap().contains("/live answered 500"));
}

#[tokio::test]
async fn the_real_limit_reached_by_probing_is_reported_as_rate_limited() {
    // Four requests a minute: the first probe (live, ready, health) leaves one.
    let api = FixtureApi::builder().rate_limit(4, 1000).start();
    let c = client(&api.url(), Credentials::None);
    assert_eq!(probe_api(&c).await.status, ProbeStatus::Ok);
    let r = probe_api(&c).await;
    assert!(r.summary.starts_with("rate-limited (probably)"), "{r:?}");
    assert!(
        r.facts.iter().any(
            |f| f.label == "rate limit" && f.value.starts_with("rate-limited (probably) until")
        ),
        "{:?}",
        r.facts
    );
    // Paused: the next probe sends nothing.
    let sent = api.requests();
    let again = probe_api(&c).await;
    assert_eq!(again.error.unwrap().code, ErrorCode::RateLimited);
    assert_eq!(api.requests(), sent, "no request while paused");
}

#[tokio::test]
async fn plain_500_and_slow_answers_and_closed_ports() {
    let api = FixtureApi::start();
    api.set("/health", Reply::json(500, "error-500.json"));
    let r = probe(&api.url()).await;
    assert_eq!(r.status, ProbeStatus::Degraded, "alive, but /health failed");
    assert!(r.summary.contains("HTTP 500"), "{}", r.summary);

    api.set(
        "/live",
        Reply::json(200, "live.json").delayed(PROBE_TIMEOUT + Duration::from_secs(2)),
    );
    let r = probe(&api.url()).await;
    assert_eq!(r.error.unwrap().code, ErrorCode::Timeout);

    let r = probe(&format!("http://127.0.0.1:{}", closed_port())).await;
    assert_eq!(r.error.unwrap().code, ErrorCode::Unreachable);

    let e = PlatformClient::new("not a url", Credentials::None, Arc::default(), false)
        .err()
        .unwrap();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn rejected_credentials_degrade_the_result() {
    let api = FixtureApi::start();
    api.add_api_key("af_the_right_key_123");
    let key = |k: &str| Credentials::ApiKey(SecretString::new(k));
    let r = probe_api(&client(&api.url(), key("af_not_a_real_key_123"))).await;
    assert_eq!(r.status, ProbeStatus::Degraded);
    let line = r.checks.iter().find(|c| c.name == "credentials").unwrap();
    assert!(
        !line.healthy && line.reason.as_deref().unwrap().contains("Invalid API key"),
        "{line:?}"
    );
    let r = probe_api(&client(&api.url(), key("af_the_right_key_123"))).await;
    assert_eq!(r.status, ProbeStatus::Ok, "{r:?}");
    let line = r.checks.iter().find(|c| c.name == "credentials").unwrap();
    // Labelled with the route it was checked on, not /health.
    assert_eq!(
        (line.status.as_str(), line.source.as_deref()),
        ("accepted", Some("API /api/v1/telemetry/metrics"))
    );
}

fn local_db(port: u16, database: &str) -> DbConnection {
    DbConnection {
        host: "127.0.0.1".into(),
        port,
        database: database.into(),
        user: "postgres".into(),
        tls: TlsPolicy::Prefer,
        ca_cert: None,
        has_password: false,
    }
}

#[tokio::test]
async fn database_reports_version_tls_and_latency() {
    let r = probe_database(&database(local_db(5432, "test"))).await;
    assert_eq!(r.status, ProbeStatus::Ok, "{r:?}");
    let fact = |l: &str| r.facts.iter().find(|f| f.label == l).unwrap().value.clone();
    // Load figures the Health section shows.
    let (in_use, max) = fact("connections in use")
        .split_once(" of ")
        .map(|(a, b)| (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap()))
        .unwrap();
    assert!(in_use >= 1 && max >= in_use);
    assert!(fact("database size").ends_with("kB") || fact("database size").ends_with("MB"));
    assert!(fact("cache hit ratio").ends_with('%') || fact("cache hit ratio") == "no reads yet");
    assert!(
        fact("server version")
            .chars()
            .next()
            .unwrap()
            .is_ascii_digit()
    );
    // The machine's server offers TLS (Debian's self-signed certificate): prefer uses it.
    assert!(
        fact("TLS in use").starts_with("yes (TLS"),
        "{}",
        fact("TLS in use")
    );
    assert_eq!(fact("connection mode"), "local");
    assert_eq!(
        fact("round trip (SELECT 1)"),
        format!("{} ms", r.latency_ms.unwrap())
    );

    let mut plain = local_db(5432, "test");
    plain.tls = TlsPolicy::Disable;
    let r = probe_database(&database(plain)).await;
    assert_eq!(
        r.facts
            .iter()
            .find(|f| f.label == "TLS in use")
            .unwrap()
            .value,
        "no"
    );
}

#[tokio::test]
async fn database_errors_have_codes() {
    let r = probe_database(&database(local_db(5432, "no_such_database_afc"))).await;
    assert_eq!(r.error.unwrap().code, ErrorCode::NotFound);
    let r = probe_database(&database(local_db(closed_port(), "test"))).await;
    assert_eq!(r.error.unwrap().code, ErrorCode::Unreachable);
    // Full verification refuses the machine's self-signed certificate.
    let mut verified = local_db(5432, "test");
    verified.tls = TlsPolicy::VerifyFull;
    let e = probe_database(&database(verified)).await.error.unwrap();
    assert_eq!(e.code, ErrorCode::Unreachable);
    assert!(
        e.message.contains("TLS") && e.message.contains("verify-full"),
        "{e:?}"
    );
}

#[tokio::test]
async fn redis_ping() {
    let r = probe_redis(&local_redis(6379), None).await;
    assert_eq!(r.status, ProbeStatus::Ok, "{r:?}");
    assert!(r.summary.contains("PING"));
    let fact = |l: &str| r.facts.iter().find(|f| f.label == l).unwrap().value.clone();
    assert!(fact("connected clients").parse::<u32>().unwrap() >= 1);
    assert!(fact("used memory").ends_with('K') || fact("used memory").ends_with('M'));
    assert!(fact("operations per second").parse::<u32>().is_ok());
    let r = probe_redis(&local_redis(closed_port()), None).await;
    assert_eq!(r.error.unwrap().code, ErrorCode::Unreachable);
    // A password the server does not expect is refused with a clear code.
    let r = probe_redis(
        &local_redis(6379),
        Some(&SecretString::new("wrong-password")),
    )
    .await;
    assert_eq!(r.status, ProbeStatus::Failed, "{r:?}");
    assert!(!r.summary.contains("wrong-password"));
}

#[tokio::test]
async fn verify_ca_with_the_servers_own_ca_file() {
    // The machine's server presents a self-signed certificate: trusting that file as the CA
    // makes verify-ca succeed, as an operator would do with Supabase's CA.
    let mut conn = local_db(5432, "test");
    conn.tls = TlsPolicy::Disable;
    let cert_file: String = {
        use sqlx::Connection;
        let mut c = database(conn).connect("test").await.unwrap();
        let path = sqlx::query_scalar("SHOW ssl_cert_file")
            .fetch_one(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        path
    };
    let mut verified = local_db(5432, "test");
    verified.tls = TlsPolicy::VerifyCa;
    assert_eq!(
        probe_database(&database(verified.clone())).await.status,
        ProbeStatus::Failed,
        "unknown CA"
    );
    verified.ca_cert = Some(cert_file);
    let r = probe_database(&database(verified)).await;
    assert_eq!(r.status, ProbeStatus::Ok, "{r:?}");
    assert!(
        r.facts
            .iter()
            .any(|f| f.label == "TLS in use" && f.value.starts_with("yes"))
    );
}
