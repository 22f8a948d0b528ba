//! The platform client against the fixture API, which is as rude as the platform: login tokens
//! that expire, 307s on a missing slash, bare 500s from the rate limiter, connection resets.

use std::sync::Arc;
use std::time::{Duration, Instant};

use afc_core::ErrorCode;
use afc_core::api::{ApiClients, Call, Credentials, PlatformClient, RateBudget};
use afc_core::secrets::SecretString;
use serde_json::json;
use test_support::fixture_api::{FixtureApi, Reply};

use crate::probes::client;

fn login(email: &str, password: &str) -> Credentials {
    Credentials::Login {
        email: email.into(),
        password: SecretString::new(password),
    }
}

#[tokio::test]
async fn logs_in_once_and_again_when_the_token_is_refused() {
    let api = FixtureApi::start();
    api.add_user("ops@example.com", "correct horse");
    let c = client(&api.url(), login("ops@example.com", "correct horse"));
    let me: serde_json::Value = c
        .get_json(Call::get("/api/v1/auth/me").authed())
        .await
        .unwrap();
    assert_eq!(me["email"], "ops@example.com");
    c.call(Call::get("/api/v1/auth/me").authed()).await.unwrap();
    assert_eq!(
        api.received_at("/api/v1/auth/login").len(),
        1,
        "the token is reused"
    );

    // The server forgets every token: the client is refused once, logs in again, succeeds.
    api.expire_tokens();
    std::thread::sleep(Duration::from_millis(1100)); // a token issued in the same second is "before"
    c.call(Call::get("/api/v1/auth/me").authed()).await.unwrap();
    assert_eq!(api.received_at("/api/v1/auth/login").len(), 2);
    let me_calls = api.received_at("/api/v1/auth/me");
    assert_eq!(me_calls.len(), 4, "the refused call and its retry");
    // The password went to the login route only, never elsewhere.
    assert!(
        api.received()
            .iter()
            .filter(|r| r.path != "/api/v1/auth/login")
            .all(|r| !String::from_utf8_lossy(&r.body).contains("correct horse"))
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_by_a_server_that_checks_it() {
    let api = FixtureApi::start();
    api.add_user("ops@example.com", "correct horse");
    let c = client(&api.url(), login("ops@example.com", "battery staple"));
    let e = c
        .call(Call::get("/api/v1/auth/me").authed())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(
        e.message
            .contains("refused the login for ops@example.com: Invalid email or password"),
        "{e:?}"
    );
    assert!(
        api.received_at("/api/v1/auth/me").is_empty(),
        "nothing sent without a token"
    );
}

#[tokio::test]
async fn a_token_about_to_expire_is_renewed_before_it_is_used() {
    // 30-second tokens are inside the client's one-minute renewal margin: each call logs in.
    let api = FixtureApi::builder()
        .token_lifetime(Duration::from_secs(30))
        .start();
    api.add_user("ops@example.com", "correct horse");
    let c = client(&api.url(), login("ops@example.com", "correct horse"));
    for _ in 0..2 {
        c.call(Call::get("/api/v1/auth/me").authed()).await.unwrap();
    }
    assert_eq!(api.received_at("/api/v1/auth/login").len(), 2);
    assert!(
        api.received_at("/api/v1/auth/me").len() == 2,
        "no call went out with a stale token and came back 401"
    );
}

#[tokio::test]
async fn collection_routes_without_their_slash_are_followed_on_the_same_origin() {
    let api = FixtureApi::start();
    let c = client(&api.url(), Credentials::None);
    let agents: Vec<serde_json::Value> = c.get_json(Call::get("/api/v1/agents")).await.unwrap();
    assert_eq!(agents.len(), 2);
    let paths: Vec<String> = api.received().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/api/v1/agents", "/api/v1/agents/"]);
    // A POST keeps its body across the 307.
    let body = json!({"id": "echo", "name": "Echo", "instructions": "Repeat."});
    c.call(Call::post("/api/v1/agents", &body)).await.unwrap();
    assert!(api.agents().iter().any(|a| a["id"] == "echo"));
}

#[tokio::test]
async fn credentials_never_follow_a_redirect_to_another_origin() {
    let elsewhere = FixtureApi::start();
    elsewhere.add_api_key("af_the_key");
    let api = FixtureApi::start();
    api.add_api_key("af_the_key");
    api.set(
        "/api/v1/telemetry/metrics",
        Reply::redirect(
            302,
            &format!("{}/api/v1/telemetry/metrics", elsewhere.url()),
        ),
    );
    let c = client(
        &api.url(),
        Credentials::ApiKey(SecretString::new("af_the_key")),
    );
    let e = c
        .call(Call::get("/api/v1/telemetry/metrics").authed())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("another origin"), "{e:?}");
    assert!(
        elsewhere.received().is_empty(),
        "the key went to another origin"
    );
}

#[tokio::test]
async fn retries_idempotent_reads_on_503_but_never_on_500() {
    let api = FixtureApi::start();
    api.set(
        "/flaky",
        Reply::raw(503, "application/json", r#"{"detail":"x"}"#),
    );
    let c = client(&api.url(), Credentials::None);
    let r = c.send(Call::get("/flaky")).await.unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(
        api.received_at("/flaky").len(),
        3,
        "one try and two retries"
    );
    // A probe's 503 is its answer: not retried.
    c.send(Call::probe("/flaky")).await.unwrap();
    assert_eq!(api.received_at("/flaky").len(), 4);

    api.set("/broken", Reply::error_500());
    let e = c.call(Call::get("/broken")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerError);
    assert_eq!(
        api.received_at("/broken").len(),
        1,
        "a 500 is never retried"
    );
    // The platform resets the connection after a 500: the next call still gets through.
    let r = c.call(Call::get("/live")).await.unwrap();
    assert!(r.request_id.is_some());
}

#[tokio::test]
async fn the_limiters_bare_500_is_recognised_from_the_count_that_came_before() {
    let api = FixtureApi::builder().rate_limit(3, 1000).start();
    let c = client(&api.url(), Credentials::None);
    for left in [2, 1, 0] {
        let r = c.call(Call::get("/")).await.unwrap();
        assert_eq!(r.rate.remaining_minute, Some(left));
    }
    let e = c.call(Call::get("/")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited, "{e:?}");
    assert!(e.details.unwrap().contains("said 0 left this minute"));
    let before = api.requests();
    let paused = c.call(Call::get("/")).await.unwrap_err();
    assert_eq!(paused.code, ErrorCode::RateLimited);
    assert!(paused.message.contains("was not sent"), "{paused:?}");
    assert_eq!(api.requests(), before);
}

#[tokio::test]
async fn every_caller_of_one_api_draws_on_one_budget() {
    let api = FixtureApi::start();
    let clients = ApiClients::default();
    let build = |b: Arc<RateBudget>| PlatformClient::new(&api.url(), Credentials::None, b, false);
    let health = clients.client("staging", 1, build, &api.url()).unwrap();
    let agents = clients
        .client("staging-agents", 1, build, &api.url())
        .unwrap();
    health.call(Call::get("/live")).await.unwrap();
    assert_eq!(agents.budget().view().summary, "59 of 60 left this minute");
    agents.call(Call::get("/live")).await.unwrap();
    agents.call(Call::get("/live")).await.unwrap();
    assert_eq!(health.budget().view().summary, "57 of 60 left this minute");
    let e = health.budget().check_room("a smoke run", 58).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert!(e.message.contains("only 57 are left"), "{e:?}");
}

#[tokio::test]
async fn validation_errors_name_each_field() {
    let api = FixtureApi::start();
    let c = client(&api.url(), Credentials::None);
    let body = json!({"name": "x"});
    let e = c
        .call(Call::post("/api/v1/agents/", &body))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let details = e.details.unwrap();
    assert!(details.contains("body.id: Field required"), "{details}");
    assert!(
        details.contains("body.instructions: Field required"),
        "{details}"
    );
    assert!(details.contains("request id"), "{details}");
}

#[tokio::test]
async fn a_slow_answer_times_out_at_the_calls_limit() {
    let api = FixtureApi::start();
    api.set(
        "/slow",
        Reply::json(200, "live.json").delayed(Duration::from_secs(3)),
    );
    let c = client(&api.url(), Credentials::None);
    let started = Instant::now();
    let e = c
        .call(Call::get("/slow").timeout(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "timeouts are not retried"
    );
}

#[tokio::test]
async fn plain_http_to_another_host_needs_the_environments_consent() {
    let e = PlatformClient::new(
        "http://api.example.com",
        Credentials::None,
        Arc::default(),
        false,
    )
    .err()
    .unwrap();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("plain http://"), "{e:?}");
    assert!(
        PlatformClient::new(
            "http://api.example.com",
            Credentials::None,
            Arc::default(),
            true
        )
        .is_ok()
    );
}

#[tokio::test]
async fn an_api_behind_a_private_ca_is_trusted_only_with_that_ca() {
    let api = FixtureApi::start_tls();
    let client = |ca: Option<&str>| {
        PlatformClient::new(&api.url(), Credentials::None, Arc::default(), false)
            .unwrap()
            .with_ca_cert(ca)
            .unwrap()
    };
    // The public roots do not vouch for the test CA: refused, and said to be about TLS.
    let e = client(None).call(Call::get("/live")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unreachable);
    let said = format!("{} {}", e.message, e.details.unwrap_or_default());
    assert!(said.to_lowercase().contains("certificate"), "{said}");
    // Trusting the CA that signed it: the chain and the host name (127.0.0.1) check out.
    let ca = api.ca_file().to_str().unwrap().to_owned();
    let live = client(Some(&ca)).call(Call::get("/live")).await.unwrap();
    assert_eq!(live.status, 200);
    // The same CA for a name the certificate does not carry is refused (verify-full).
    let other_name = api.url().replace("127.0.0.1", "127.0.0.2");
    let mismatched = PlatformClient::new(&other_name, Credentials::None, Arc::default(), true)
        .unwrap()
        .with_ca_cert(Some(&ca))
        .unwrap();
    assert!(mismatched.call(Call::get("/live")).await.is_err());
    // Not a certificate: a clear error before any request.
    let not_pem = std::env::temp_dir().join(format!("afc-not-pem-{}", std::process::id()));
    std::fs::write(&not_pem, "hello").unwrap();
    let bad = PlatformClient::new(&api.url(), Credentials::None, Arc::default(), false)
        .unwrap()
        .with_ca_cert(not_pem.to_str())
        .err()
        .unwrap();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    std::fs::remove_file(&not_pem).unwrap();
}
