//! The Smoke checks section in the real window: a run against the fixture API, the machine's
//! PostgreSQL and Redis; the platform degrading between two runs; a check's evidence; a run
//! exported as JUnit through the native save dialog.

use test_support::e2e::{Profile, wait_file};
use test_support::fixture_api::{FixtureApi, Reply};

use crate::{afctl, dev_environment, launch};

#[tokio::test]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn a_run_names_what_broke_since_the_last_shows_its_evidence_and_exports_junit() {
    // Its own configuration folder (AFC_CONFIG_DIR), as afctl beside it uses: one keyring
    // namespace for both.
    let profile = Profile::with_config_dir_env();
    // The console's health watcher polls the same API: the limit is raised above 60 a minute.
    let api = FixtureApi::builder().rate_limit(600, 10_000).start();
    let _db = dev_environment(
        &profile,
        "dev",
        &api.url(),
        &["--redis-url", "redis://127.0.0.1:6379/0"],
    );
    let app = launch(&profile).await;
    app.open("smoke").await;
    app.wait_contains("[data-requests]", "14 checks, 17 API requests")
        .await;
    app.click("button[data-action=run-smoke]").await;
    app.find(".smoke__summary[data-outcome=passed]").await;
    app.find("[role=row][data-status=pass] button[data-check-id=database]")
        .await;
    app.screenshot("smoke-passed").await;

    // The platform's /health degrades: the next run says what broke, and that it is new.
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    app.click("button[data-action=run-smoke]").await;
    app.wait_contains("[data-change='Newly failing']", "health")
        .await;
    app.find(".smoke__summary[data-outcome=failed]").await;
    app.click("button[data-check-id=health]").await;
    app.wait_contains("aside.smoke__detail", "Not an executable object")
        .await;
    app.wait_contains("aside.smoke__detail", "HTTP 503").await;
    app.screenshot("smoke-failed-detail").await;

    let xml = profile.dir("smoke.xml");
    app.click("button[data-export=junit]").await;
    app.save_dialog("Export the smoke run of dev", &xml).await;
    let text = wait_file(&xml, |b| b.ends_with(b"</testsuites>\n")).await;
    assert!(
        String::from_utf8_lossy(&text).contains("<failure message=\"HTTP 503 degraded: database"),
        "{}",
        String::from_utf8_lossy(&text)
    );
    app.choose_theme(&profile, "Dark").await;
    app.find("nav[aria-label='Earlier runs'] button[data-run]")
        .await;
    app.screenshot("smoke-dark").await;

    // A flow folder of the operator's, chosen in the native dialog; its flow sends a keyring
    // secret. Then the leak search: that secret and the token the shipped sign-up flow logged
    // in with are in no file the app or afctl wrote, nor in what afctl printed.
    const KEY: &str = "af_e2e_smoke_key_0123456789";
    api.add_api_key(KEY);
    let mut printed = afctl(
        &profile,
        &["secrets", "set", "--env", "dev", "SMOKE_API_KEY"],
        KEY,
    );
    let flows = profile.dir("flows");
    std::fs::create_dir_all(&flows).unwrap();
    std::fs::write(
        flows.join("telemetry.yaml"),
        "version: 1\nname: Telemetry\nsteps:\n  - name: totals\n    path: /api/v1/telemetry/metrics\n    headers:\n      X-API-Key: \"{{secret.SMOKE_API_KEY}}\"\n",
    )
    .unwrap();
    app.click("button[data-action=add-suite]").await;
    app.open_dialog("Add a folder of smoke flows to dev", &flows)
        .await;
    app.find("[data-suite]").await;
    app.click("button[data-action=run-smoke]").await;
    app.find(".smoke__summary[data-outcome=failed]").await;
    eprintln!(
        "DEBUG {}",
        afctl(&profile, &["smoke", "export", "--env", "dev"], "")
    );
    eprintln!(
        "DEBUG {}",
        afctl(&profile, &["secrets", "list", "--env", "dev"], "")
    );
    app.screenshot("smoke-own-flow").await;
    app.find("[role=row][data-status=pass] button[data-check-id='flow:telemetry']")
        .await;
    let run = afctl(
        &profile,
        &[
            "smoke",
            "run",
            "--env",
            "dev",
            "--suite",
            flows.to_str().unwrap(),
            "--only",
            "flow:telemetry",
        ],
        "",
    );
    assert!(run.contains("pass  flow:telemetry"), "{run}");
    printed.push_str(&run);
    let me = api.received_at("/api/v1/auth/me");
    let token = me[0]
        .header("authorization")
        .unwrap()
        .trim_start_matches("Bearer ");
    crate::secrets::assert_no_leaks(&profile, &[KEY, token], &printed, &[]);
}
