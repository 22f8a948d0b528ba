//! The smoke suite against the fixture API (as rude as the platform: a degraded /health, the
//! limiter's bare 500, a slow answer), the machine's PostgreSQL and Redis, with its history and
//! the comparison with earlier runs.

use std::time::Duration;

use afc_core::ErrorCode;
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment};
use afc_core::migrate::MigrationSet;
use afc_core::progress::{Cancel, Progress};
use afc_core::smoke::{
    CheckResult, CheckStatus, RunOutcome, SmokeEvent, SmokeOptions, SmokeReport, junit,
};
use test_support::assert_contains;
use test_support::fixture_api::{FixtureApi, Reply, closed_port};
use test_support::postgres::TestDb;

use crate::common::{TestConsole, apply, connection, console, local_redis};

/// Environment `dev`: the API at `api_url`, the migrated scratch database `db` and Redis on
/// `redis_port`.
async fn environment(t: &TestConsole, api_url: &str, db: Option<&TestDb>, redis_port: Option<u16>) {
    let mut env = Environment::new("dev", EnvKind::Dev);
    env.api_url = Some(api_url.to_owned());
    if let Some(db) = db {
        let target = afc_core::db::Database::from_url(&db.url()).unwrap();
        apply(&target, &MigrationSet::embedded()).await.unwrap();
        env.database = Some(connection(db));
    }
    env.redis = redis_port.map(local_redis);
    t.console
        .create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();
}

/// The built-in checks alone (the shipped flows left out).
fn builtin() -> SmokeOptions {
    SmokeOptions {
        skip: vec!["flow:*".into()],
        ..SmokeOptions::default()
    }
}

async fn run(t: &TestConsole, options: &SmokeOptions) -> SmokeReport {
    t.console
        .smoke_run("dev", options, &Progress::none(), &Cancel::default())
        .await
        .unwrap()
}

fn check<'a>(report: &'a SmokeReport, id: &str) -> &'a CheckResult {
    report
        .run
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}: {:?}", report.run.checks))
}

fn statuses(report: &SmokeReport) -> Vec<(&str, CheckStatus)> {
    report
        .run
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect()
}

#[tokio::test]
async fn a_healthy_platform_passes_every_check_and_a_degraded_one_names_what_broke() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), Some(&db), Some(6379)).await;

    let green = run(&t, &builtin()).await;
    assert_eq!(
        green.run.outcome,
        RunOutcome::Passed,
        "{:#?}",
        green.run.checks
    );
    assert!(
        statuses(&green)
            .iter()
            .all(|(_, s)| *s == CheckStatus::Pass)
    );
    // The run said how many requests it would make, and made exactly those.
    assert_eq!(green.run.requests, 10);
    assert_eq!(api.requests(), 10);
    let health = check(&green, "health");
    assert_eq!(health.http_status, Some(200));
    assert!(
        health
            .request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("00000000-"))
    );
    assert_contains(
        health.reason.as_deref().unwrap(),
        &["healthy", "database healthy"],
    );
    assert_contains(
        check(&green, "metrics").reason.as_deref().unwrap(),
        &["http_requests_total present"],
    );
    assert_contains(
        check(&green, "database").reason.as_deref().unwrap(),
        &["PostgreSQL", "0 pending", "schema: no errors"],
    );
    // The CORS check sent an Origin and saw it allowed.
    let cors = &check(&green, "cors").exchanges[0];
    assert!(cors.request_headers.iter().any(|(k, _)| k == "Origin"));
    assert!(
        api.received_at("/live")
            .iter()
            .any(|r| r.header("origin").is_some())
    );
    assert_eq!(green.diff.baseline, None);

    // The released platform's /health: 503, its database check broken; /ready follows it.
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    api.set("/ready", Reply::json(503, "ready-503.json"));
    let red = run(&t, &builtin()).await;
    assert_eq!(red.run.outcome, RunOutcome::Failed);
    let health = check(&red, "health");
    assert_eq!(
        (health.status, health.http_status),
        (CheckStatus::Fail, Some(503))
    );
    assert_contains(
        health.reason.as_deref().unwrap(),
        &["degraded", "database: Not an executable object: 'SELECT 1'"],
    );
    assert_contains(
        check(&red, "readiness").reason.as_deref().unwrap(),
        &["HTTP 503", "not ready"],
    );
    // The console's own database check still passes: the truth beside the API's claim.
    assert_eq!(check(&red, "database").status, CheckStatus::Pass);
    assert_eq!(red.diff.newly_failing, ["health", "readiness"]);
    assert_eq!(red.diff.baseline.as_deref(), Some(green.run.id.as_str()));

    // Still broken, then fixed.
    let again = run(&t, &builtin()).await;
    assert_eq!(again.diff.still_failing, ["health", "readiness"]);
    api.unset("/health");
    api.unset("/ready");
    let fixed = run(&t, &builtin()).await;
    assert_eq!(fixed.run.outcome, RunOutcome::Passed);
    assert_eq!(fixed.diff.fixed, ["health", "readiness"]);

    // Kept on disk, newest first, across a restart of the console.
    let reloaded =
        afc_core::Console::load(afc_core::paths::AppPaths::under(t.dir.path()), "test").unwrap();
    let history = reloaded.smoke_history("dev", 10).unwrap();
    let ids: Vec<&str> = history.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [&fixed.run.id, &again.run.id, &red.run.id, &green.run.id]
    );
}

#[tokio::test]
async fn slow_malformed_and_unexpected_answers_fail_their_checks_with_the_reason() {
    let api = FixtureApi::start();
    let t = console();
    environment(&t, &api.url(), None, Some(closed_port())).await;
    api.set(
        "/health",
        Reply::json(200, "health-healthy.json").delayed(Duration::from_millis(300)),
    );
    api.set(
        "/metrics",
        Reply::raw(
            200,
            "text/plain; version=0.0.4",
            "http_requests_total{method=\"GET\" 1\n",
        ),
    );
    api.set(
        "/api/v1/agents/",
        Reply::raw(200, "text/html", "<html>a proxy's login page</html>"),
    );
    api.set(
        "/docs",
        Reply::raw(404, "application/json", "{\"detail\":\"Not Found\"}"),
    );
    // A plain 500 (not the limiter: plenty of the minute is left) is the API failing.
    api.set("/ready", Reply::error_500());
    let options = SmokeOptions {
        slow_ms: 100,
        ..builtin()
    };
    let report = run(&t, &options).await;
    let reason = |id| check(&report, id).reason.clone().unwrap_or_default();
    assert_eq!(check(&report, "response-time").status, CheckStatus::Fail);
    assert_contains(&reason("response-time"), &["over the 100 ms threshold"]);
    assert_eq!(check(&report, "metrics").status, CheckStatus::Fail);
    assert_contains(&reason("metrics"), &["not Prometheus text", "line 1"]);
    assert_eq!(check(&report, "agents").status, CheckStatus::Fail);
    assert_contains(&reason("agents"), &["HTTP 200", "expected JSON"]);
    assert_contains(&reason("api-docs"), &["/docs answered HTTP 404"]);
    assert_eq!(check(&report, "readiness").status, CheckStatus::Fail);
    assert_contains(&reason("readiness"), &["HTTP 500 (wanted 200)"]);
    // No database configured: skipped, not failed. Redis down: a warning, with why.
    assert_eq!(check(&report, "database").status, CheckStatus::Skip);
    assert_eq!(check(&report, "redis").status, CheckStatus::Fail);
    assert_contains(&reason("redis"), &["Could not reach Redis"]);
    assert_eq!(report.run.outcome, RunOutcome::Failed);

    // Only the non-critical ones failing: the run passes with warnings.
    api.unset("/ready");
    api.unset("/metrics");
    api.unset("/api/v1/agents/");
    let warned = run(&t, &options).await;
    assert_eq!(
        warned.run.outcome,
        RunOutcome::Warned,
        "{:#?}",
        warned.run.checks
    );

    // --only and --skip choose checks by id pattern; nothing chosen is an error.
    let only = run(
        &t,
        &SmokeOptions {
            only: vec!["*ness".into()],
            skip: vec!["readi*".into()],
            ..builtin()
        },
    )
    .await;
    assert_eq!(statuses(&only), [("liveness", CheckStatus::Pass)]);
    let none = t
        .console
        .smoke_run(
            "dev",
            &SmokeOptions {
                only: vec!["nothing".into()],
                ..builtin()
            },
            &Progress::none(),
            &Cancel::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(none.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn an_unreachable_or_untrusted_api_fails_its_checks_and_the_rest_still_run() {
    let db = TestDb::create();
    let t = console();
    environment(
        &t,
        &format!("http://127.0.0.1:{}", closed_port()),
        Some(&db),
        None,
    )
    .await;
    let report = run(&t, &builtin()).await;
    assert_eq!(report.run.outcome, RunOutcome::Failed);
    assert_eq!(check(&report, "liveness").status, CheckStatus::Fail);
    assert_contains(
        check(&report, "liveness").reason.as_deref().unwrap(),
        &["127.0.0.1"],
    );
    assert_eq!(check(&report, "database").status, CheckStatus::Pass);
    assert_eq!(check(&report, "redis").status, CheckStatus::Skip);

    // HTTPS with a certificate the environment does not trust: a TLS failure, said as such.
    let tls = FixtureApi::start_tls();
    let t = console();
    environment(&t, &tls.url(), None, None).await;
    let report = run(&t, &builtin()).await;
    let live = check(&report, "liveness");
    assert_eq!(live.status, CheckStatus::Fail);
    assert_contains(
        &live.reason.clone().unwrap().to_lowercase(),
        &["certificate"],
    );
    assert_eq!(tls.requests(), 0);
}

#[tokio::test]
async fn a_run_that_would_trip_the_limiter_refuses_to_start_or_waits_and_never_blames_the_api() {
    // 12 a minute: the first run's 10 requests leave 2.
    let api = FixtureApi::builder().rate_limit(12, 1000).start();
    let t = console();
    environment(&t, &api.url(), None, None).await;
    let first = run(
        &t,
        &SmokeOptions {
            min_headroom: 2,
            ..builtin()
        },
    )
    .await;
    assert_eq!(
        first.run.outcome,
        RunOutcome::Passed,
        "{:#?}",
        first.run.checks
    );
    assert_contains(
        check(&first, "rate-limit-headroom")
            .reason
            .as_deref()
            .unwrap(),
        &["2 requests left this minute"],
    );

    let sent = api.requests();
    let refused = t
        .console
        .smoke_run("dev", &builtin(), &Progress::none(), &Cancel::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::RateLimited);
    assert_contains(&refused.details.unwrap_or_default(), &["pace"]);
    assert_eq!(api.requests(), sent, "nothing was sent");

    // Paced, it waits for the window (here cancelled while waiting): nothing is sent and nothing
    // is called a failure.
    let cancel = Cancel::default();
    let stop = cancel.clone();
    let progress = Progress::new(move |e: SmokeEvent| {
        if matches!(e, SmokeEvent::Waiting { .. }) {
            stop.cancel();
        }
    });
    let paced = t
        .console
        .smoke_run(
            "dev",
            &SmokeOptions {
                pace: true,
                ..builtin()
            },
            &progress,
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(paced.run.outcome, RunOutcome::Incomplete);
    assert_eq!(
        paced.run.count(CheckStatus::Fail),
        0,
        "{:#?}",
        paced.run.checks
    );
    assert_eq!(api.requests(), sent);

    // Another program used the budget meanwhile: the limiter's bare 500 on /live is reported as
    // rate-limited (skipped, the run incomplete), never as the API being down.
    let other = FixtureApi::builder().rate_limit(3, 1000).start();
    let t = console();
    environment(&t, &other.url(), None, None).await;
    let report = run(
        &t,
        &SmokeOptions {
            concurrency: 1,
            ..builtin()
        },
    )
    .await;
    let live = check(&report, "liveness");
    assert_eq!(live.status, CheckStatus::Pass);
    let limited: Vec<&CheckResult> = report
        .run
        .checks
        .iter()
        .filter(|c| {
            c.reason
                .as_deref()
                .is_some_and(|r| r.contains("rate-limited"))
        })
        .collect();
    assert!(!limited.is_empty(), "{:#?}", report.run.checks);
    assert!(limited.iter().all(|c| c.status == CheckStatus::Skip));
    assert_eq!(report.run.outcome, RunOutcome::Incomplete);
}

#[tokio::test]
async fn the_history_survives_a_torn_last_line_and_a_run_exports_as_valid_junit() {
    let api = FixtureApi::start();
    let t = console();
    environment(&t, &api.url(), None, None).await;
    api.set("/ready", Reply::json(503, "ready-503.json"));
    let first = run(&t, &builtin()).await;
    // The console stopped mid-write: half a line at the end.
    let file = t.dir.path().join("data/smoke-runs/dev.jsonl");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("{\"id\":\"2026-");
    std::fs::write(&file, text).unwrap();
    let second = run(&t, &builtin()).await;
    let history = t.console.smoke_history("dev", 10).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].id, second.run.id);
    assert_eq!(history[1].id, first.run.id);
    assert_eq!(second.diff.still_failing, ["readiness"]);
    assert_eq!(
        t.console.smoke_report("dev", "latest").unwrap().run.id,
        second.run.id
    );

    let xml = junit(&second.run);
    assert_contains(
        &xml,
        &[
            "<testsuite name=\"built-in\" tests=\"12\" failures=\"1\"",
            "<testcase name=\"readiness\" classname=\"smoke.built-in\"",
            "<failure message=\"HTTP 503 (wanted 200): {&quot;status&quot;:&quot;not ready&quot;}\" type=\"critical\">",
            "<skipped>no database is configured</skipped>",
        ],
    );
}

/// A folder of flow files for `--suite`.
fn suite(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn flows_of(dir: &tempfile::TempDir) -> SmokeOptions {
    SmokeOptions {
        only: vec!["flow:*".into()],
        suites: vec![dir.path().to_owned()],
        ..SmokeOptions::default()
    }
}

#[tokio::test]
async fn the_shipped_flows_pass_clean_up_after_themselves_and_never_record_the_token() {
    let api = FixtureApi::start();
    let t = console();
    environment(&t, &api.url(), None, None).await;
    let report = run(
        &t,
        &SmokeOptions {
            only: vec!["flow:*".into()],
            ..SmokeOptions::default()
        },
    )
    .await;
    assert_eq!(
        statuses(&report),
        [
            ("flow:agent-lifecycle", CheckStatus::Pass),
            ("flow:auth", CheckStatus::Pass)
        ],
        "{:#?}",
        report.run.checks
    );
    assert_eq!(report.run.requests, 7);
    // The agent it made is gone again.
    assert!(
        api.agents()
            .iter()
            .all(|a| !a["id"].as_str().unwrap_or_default().starts_with("smoke-"))
    );
    // The login's token is masked in what was recorded, and in the history on disk.
    let auth = check(&report, "flow:auth");
    let login = &auth.exchanges[1];
    assert_contains(
        login.response_body.as_deref().unwrap(),
        &["\"access_token\":\"••••••\""],
    );
    let me = &auth.exchanges[2];
    assert!(
        me.request_headers
            .contains(&("Authorization".into(), "Bearer ••••••".into())),
        "{me:?}"
    );
    let token = api.received_at("/api/v1/auth/me")[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    let token = token.trim_start_matches("Bearer ");
    assert!(token.len() > 20);
    assert!(test_support::leaks::files_containing(t.dir.path(), token, &[]).is_empty());
}

#[tokio::test]
async fn a_failing_step_still_cleans_up_and_a_broken_file_is_reported_while_the_rest_run() {
    let api = FixtureApi::start();
    let t = console();
    environment(&t, &api.url(), None, None).await;
    let dir = suite(&[
        (
            "create-then-fail.yaml",
            "version: 1\nname: Create then fail\ncritical: true\nsteps:\n  - name: create\n    method: POST\n    path: /api/v1/agents/\n    json: {id: left-behind, name: L, instructions: I}\n  - name: wrong\n    path: /api/v1/agents/left-behind\n    expect:\n      json:\n        - pointer: /model\n          equals: gpt-5\ncleanup:\n  - name: delete\n    method: DELETE\n    path: /api/v1/agents/left-behind\n",
        ),
        (
            "broken.yaml",
            "version: 1\nname: Broken\nsteps:\n  - name: x\n    path: /live\n    expect:\n      stauts: 200\n",
        ),
        (
            "live.yml",
            "version: 1\nname: Live\nsteps:\n  - name: live\n    path: /live\n    expect: {status: 200, max_ms: 5000}\n",
        ),
    ]);
    let report = run(&t, &flows_of(&dir)).await;
    let failed = check(&report, "flow:create-then-fail");
    assert_eq!(failed.status, CheckStatus::Fail);
    assert_contains(
        failed.reason.as_deref().unwrap(),
        &["step wrong: /model is \"gpt-4o\", not \"gpt-5\""],
    );
    assert_eq!(failed.exchanges.len(), 3, "the cleanup ran");
    assert!(api.agents().iter().all(|a| a["id"] != "left-behind"));
    let broken = check(&report, "flow:broken");
    assert_eq!(broken.status, CheckStatus::Fail);
    assert_contains(
        broken.reason.as_deref().unwrap(),
        &["broken.yaml:7:", "unknown field `stauts`"],
    );
    assert_eq!(check(&report, "flow:live").status, CheckStatus::Pass);
    // A critical flow failed: the run fails.
    assert_eq!(report.run.outcome, RunOutcome::Failed);
}

#[tokio::test]
async fn a_secret_is_read_at_run_time_masked_everywhere_and_a_missing_one_is_never_sent_empty() {
    let api = FixtureApi::start();
    api.add_api_key("af_smoke_key_0123456789");
    let t = console();
    environment(&t, &api.url(), None, None).await;
    let flow = "version: 1\nname: Telemetry\nsteps:\n  - name: totals\n    path: /api/v1/telemetry/metrics\n    headers:\n      X-API-Key: \"{{secret.SMOKE_API_KEY}}\"\n    expect:\n      status: 200\n";
    let dir = suite(&[("telemetry.yaml", flow)]);

    let unset = run(&t, &flows_of(&dir)).await;
    let skipped = check(&unset, "flow:telemetry");
    assert_eq!(skipped.status, CheckStatus::Skip);
    assert_contains(
        skipped.reason.as_deref().unwrap(),
        &["the secret SMOKE_API_KEY is not set"],
    );
    assert!(
        api.received_at("/api/v1/telemetry/metrics").is_empty(),
        "never sent empty"
    );

    t.console
        .set_variable(
            "dev",
            "SMOKE_API_KEY",
            afc_core::keyring::SecretString::new("af_smoke_key_0123456789".to_owned()),
            Some(true),
            &afc_core::guard::Confirmation::yes(),
        )
        .await
        .unwrap();
    let used = run(&t, &flows_of(&dir)).await;
    let passed = check(&used, "flow:telemetry");
    assert_eq!(passed.status, CheckStatus::Pass, "{passed:#?}");
    assert_eq!(
        api.received_at("/api/v1/telemetry/metrics")[0].header("x-api-key"),
        Some("af_smoke_key_0123456789")
    );
    assert!(
        passed.exchanges[0]
            .request_headers
            .contains(&("X-API-Key".into(), "••••••".into()))
    );
    assert!(
        test_support::leaks::files_containing(t.dir.path(), "af_smoke_key_0123456789", &[])
            .is_empty()
    );
    // The read is in the audit log (never its value).
    let log = std::fs::read_to_string(t.dir.path().join("config/audit.jsonl")).unwrap();
    assert_contains(&log, &["secret.use", "SMOKE_API_KEY"]);
}

#[tokio::test]
async fn two_hundred_flow_files_run_and_writing_flows_wait_for_an_open_environment() {
    let api = FixtureApi::builder().rate_limit(100_000, 100_000).start();
    let t = console();
    environment(&t, &api.url(), None, None).await;
    let files: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("f{i:03}.yaml"),
                format!("version: 1\nname: Flow {i}\nvars:\n  n: \"{i}\"\nsteps:\n  - name: live\n    path: /live\n    expect:\n      json:\n        - pointer: /status\n          equals: alive\n"),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = suite(&borrowed);
    let report = run(
        &t,
        &SmokeOptions {
            concurrency: 8,
            ..flows_of(&dir)
        },
    )
    .await;
    assert_eq!(
        report.run.count(CheckStatus::Pass),
        202,
        "{:?}",
        statuses(&report)
            .iter()
            .filter(|(_, s)| *s != CheckStatus::Pass)
            .collect::<Vec<_>>()
    );

    // A protected environment: flows that write are skipped with the reason; reads still run.
    let mut env = t.console.environment("dev").unwrap();
    env.safety = afc_core::environments::SafetyLevel::Protected;
    let p = console();
    p.console
        .create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();
    let report = p
        .console
        .smoke_run(
            "dev",
            &SmokeOptions {
                only: vec!["flow:*".into()],
                ..SmokeOptions::default()
            },
            &Progress::none(),
            &Cancel::default(),
        )
        .await
        .unwrap();
    let lifecycle = check(&report, "flow:agent-lifecycle");
    assert_eq!(lifecycle.status, CheckStatus::Skip);
    assert_contains(
        lifecycle.reason.as_deref().unwrap(),
        &["changes things", "safety level is open"],
    );
    assert_eq!(report.run.requests, 0);
}

#[tokio::test]
async fn a_scheduled_suite_runs_when_due_in_the_background_and_says_what_started_failing() {
    let api = FixtureApi::start();
    let t = console();
    environment(&t, &api.url(), None, None).await;
    let jobs = std::sync::Arc::new(afc_core::jobs::Jobs::default());
    let c = &t.console;
    assert_eq!(
        c.set_smoke_schedule("dev", Some(0)).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        c.set_smoke_schedule("nowhere", Some(5)).unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(
        c.set_smoke_schedule("dev", Some(5)).unwrap().every_minutes["dev"],
        5
    );

    let first = c.run_due_smoke(&jobs).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].1.run.outcome, RunOutcome::Passed);
    assert_eq!(afc_core::smoke::notice("dev", &first[0].1), None);
    let job = &jobs.list()[0];
    assert_eq!(
        (job.title.as_str(), job.background),
        ("Scheduled smoke checks of dev", true)
    );
    // Just run: not due again for five minutes.
    assert!(c.run_due_smoke(&jobs).await.is_empty());

    // Six minutes later (the kept run moved back in time), with /health degraded.
    let file = t.dir.path().join("data/smoke-runs/dev.jsonl");
    let earlier = (chrono::Utc::now() - chrono::Duration::minutes(6)).to_rfc3339();
    let text: String = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["startedAt"] = earlier.clone().into();
            format!("{v}\n")
        })
        .collect();
    std::fs::write(&file, text).unwrap();
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    let second = c.run_due_smoke(&jobs).await;
    let (title, body) = afc_core::smoke::notice("dev", &second[0].1).unwrap();
    assert_eq!(title, "Smoke checks of dev: health failing");
    assert_contains(&body, &["health started failing: HTTP 503 degraded"]);

    // Off the schedule: never again on its own.
    c.set_smoke_schedule("dev", None).unwrap();
    assert!(c.smoke_schedule().every_minutes.is_empty());
}
