//! The Health & Metrics section in the real window, against the fixture API (switched between the
//! recorded degraded bodies, a malformed exposition, a reply slower than the timeout, a plain 500
//! and the rate limiter's), the machine's PostgreSQL and Redis, and an API that is not there.

use std::time::Duration;

use test_support::afctl::add_local_environment;
use test_support::e2e::{Notifications, Profile, wait_file};
use test_support::fixture_api::{FixtureApi, Reply, closed_port};

use crate::{afctl, launch};

/// The fixture API, and an environment "local" watching it with the machine's database and
/// Redis, beside one ("gone") whose API is not there. The test checks far more often than an
/// operator would, so the fixture's limit is raised above the platform's 60 a minute.
fn environments(profile: &Profile) -> FixtureApi {
    let api = FixtureApi::builder().rate_limit(600, 10_000).start();
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    let redis = "redis://127.0.0.1:6379/0";
    afctl(
        profile,
        &add_local_environment("local", &api.url(), redis),
        "",
    );
    let gone = format!("http://127.0.0.1:{}", closed_port());
    afctl(
        profile,
        &[
            "env",
            "add",
            "gone",
            "--kind",
            "staging",
            "--api-url",
            &gone,
        ],
        "",
    );
    afctl(profile, &["env", "use", "local"], "");
    api
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn sources_reconciled_rates_charts_and_exports() {
    let profile = Profile::with_config_dir_env();
    let _api = environments(&profile);
    let app = launch(&profile).await;
    let health = app.health();
    app.open("health").await;
    // A smaller memory budget, saved to the settings file and in force at once.
    health.set_budget(&profile, 2).await;
    app.wait_contains("[data-testid=health-memory]", "of 2.0 MiB")
        .await;
    // The API says its database is down; the console's own check finds it fine.
    app.find("[data-testid=health-detail][data-env=local] [data-dependency=database][data-status=degraded]").await;
    app.wait_contains(
        "[data-dependency=database]",
        "the API's health check is what is failing",
    )
    .await;
    health.dependency("cache", "healthy").await;
    app.wait_contains("[data-field=requests]", "since start")
        .await;
    app.find(".health__env[data-env=gone][data-status=down]")
        .await;
    app.screenshot("health-degraded-database").await;
    // A second scrape gives rates; charts and sparklines are drawn in Rust.
    health.check_now().await;
    app.wait_contains("[data-field=requests]", "/s").await;
    app.find(".health__chart[data-chart=latency] img[src^='data:image/svg+xml']")
        .await;
    app.find("img.sparkline").await;
    // PNG export at presentation size through the native save dialog.
    let png = profile.dir("latency.png");
    app.click(".health__chart[data-chart=latency] figcaption button")
        .await;
    app.save_dialog("Save the chart as PNG", &png).await;
    wait_file(&png, |b| {
        // The signature, then IHDR's width and height (big-endian) at bytes 16..24.
        b.starts_with(b"\x89PNG\r\n\x1a\n")
            && b.get(16..24) == Some(&[0, 0, 0x07, 0x80, 0, 0, 0x04, 0x38][..])
            && b.ends_with(b"IEND\xaeB`\x82")
    })
    .await;
    let csv = profile.dir("history.csv");
    app.click(".health__charts-bar > button").await;
    app.save_dialog("Export the health history", &csv).await;
    let text = wait_file(&csv, |b| {
        String::from_utf8_lossy(b).matches(",database,").count() >= 2
    })
    .await;
    assert!(
        String::from_utf8_lossy(&text)
            .starts_with("time,overall,dependency,status,requests_per_second,")
    );
    app.choose_tab("[role=radio][data-tab='15']").await;
    app.find("img[alt='Request rate over the last 15 minutes']")
        .await;
    app.scroll_into_view(".health__charts").await;
    app.screenshot("health-charts").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn each_failure_is_named_and_the_history_outlives_a_restart() {
    let profile = Profile::with_config_dir_env();
    let api = environments(&profile);
    let notifications = Notifications::start().await;
    let app = launch(&profile).await;
    let health = app.health();
    app.open("health").await;
    // Notifications on: each change below also goes to the desktop (dunst, started above).
    app.click(".health__notify input").await;
    health.dependency("database", "degraded").await;
    health.check_now().await;
    app.wait_contains("[data-field=requests]", "/s").await;
    // A malformed exposition: the error, with the last good figures kept.
    api.set(
        "/metrics",
        Reply::raw(200, "text/plain; version=0.0.4", "ok 1\nbroken{x=\"1\" 2\n"),
    );
    health.check_now().await;
    app.wait_contains(".health__metrics [role=alert]", "malformed at line 2")
        .await;
    app.find("[data-field=requests]").await;
    // Slower than the timeout: the window stays usable meanwhile, then says so.
    api.set(
        "/live",
        Reply::json(200, "live.json").delayed(Duration::from_secs(8)),
    );
    health.check_now().await;
    app.open("environments").await;
    app.open("health").await;
    app.find(".health__notify input:checked").await;
    app.wait_contains("[data-dependency=api]", "did not answer within 5 seconds")
        .await;
    // /health itself failing with a plain 500: the API is up but cannot say how it is.
    api.set("/live", Reply::json(200, "live.json"));
    api.set("/health", Reply::error_500());
    health.check_now().await;
    health.dependency("api", "degraded").await;
    app.wait_contains(
        "[data-dependency=api]",
        "unhandled error in the API (HTTP 500)",
    )
    .await;
    // The API's cache is down but the console reaches Redis.
    api.set("/health", Reply::json(503, "health-degraded-cache.json"));
    health.check_now().await;
    health.dependency("cache", "degraded").await;
    app.wait_contains(
        "[data-dependency=cache]",
        "The API reports its cache unhealthy",
    )
    .await;
    app.screenshot("health-degraded-cache").await;
    let body = notifications
        .wait_for("local: cache healthy → degraded")
        .await;
    assert!(
        body.contains("The API reports its cache unhealthy"),
        "{body}"
    );
    // Recovered.
    api.set("/health", Reply::json(200, "health-healthy.json"));
    health.check_now().await;
    app.find(".health__env[data-env=local][data-status=healthy]")
        .await;
    app.wait_contains("[aria-label=Incidents]", "api degraded → healthy")
        .await;
    assert_eq!(
        notifications
            .wait_for("local: api degraded → healthy")
            .await,
        "api recovered"
    );
    // The limiter's bare 500 on /live: rate-limited (probably), not down; the console then waits
    // out the window instead of polling (so this comes last).
    api.set("/live", Reply::error_500());
    health.check_now().await;
    health.dependency("api", "degraded").await;
    app.wait_contains("[data-dependency=api]", "rate-limited (probably)")
        .await;
    app.screenshot("health-rate-limited").await;
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("health-rate-limited-dark").await;
    app.quit().await;

    // The history is kept across a restart: the incidents are still listed, and the settings.
    let app = launch(&profile).await;
    app.open("health").await;
    app.wait_contains("[aria-label=Incidents]", "api degraded → healthy")
        .await;
    assert!(
        app.find(".health__notify input")
            .await
            .is_selected()
            .await
            .expect("the checkbox's state")
    );
    app.quit().await;
}
