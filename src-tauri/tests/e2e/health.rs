//! The Health & Metrics section in the real window, against the fixture API (switched between the
//! recorded degraded body, the rate-limited 500, a reply slower than the timeout and a malformed
//! exposition), the machine's PostgreSQL and Redis, and an API that is not there at all.

use std::time::Duration;

use test_support::fixture_api::{FixtureApi, Reply, closed_port};

use crate::harness::{App, Notifications, Profile, afctl, wait_file, wait_until};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn health_reconciles_sources_and_shows_each_failure() {
    let api = FixtureApi::start();
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    let profile = Profile::with_config_dir_env();
    afctl(
        &profile,
        &[
            "env",
            "add",
            "local",
            "--kind",
            "dev",
            "--api-url",
            &api.url(),
            "--db-url",
            "postgresql://postgres@127.0.0.1:5432/test?sslmode=disable",
            "--redis-url",
            "redis://127.0.0.1:6379/0",
        ],
        "",
    );
    let gone = format!("http://127.0.0.1:{}", closed_port());
    afctl(
        &profile,
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
    afctl(&profile, &["env", "use", "local"], "");
    let notifications = Notifications::start().await;
    let app = App::launch(&profile).await;

    // The API says its database is down; the console's own check finds it fine.
    app.click(".sidebar button[data-section=health]").await;
    // Notifications on: each change below also goes to the desktop (dunst, started above).
    app.click(".health__notify input").await;
    // A smaller memory budget, saved to the settings file and in force at once.
    app.select("select[aria-label='Memory per environment']", "2")
        .await;
    wait_until("the budget to be saved", || async {
        (profile.settings()?["health"]["memoryBudgetMib"] == 2).then_some(())
    })
    .await;
    app.wait_contains("[data-testid=health-memory]", "of 2.0 MiB")
        .await;
    app.find("[data-testid=health-detail][data-env=local] [data-dependency=database][data-status=degraded]").await;
    app.wait_contains(
        "[data-dependency=database]",
        "the API's health check is what is failing",
    )
    .await;
    app.find("[data-dependency=cache][data-status=healthy]")
        .await;
    app.wait_contains("[data-field=requests]", "since start")
        .await;
    app.find(".health__env[data-env=gone][data-status=down]")
        .await;
    app.screenshot("health-degraded-database").await;

    // A second scrape gives rates.
    app.click(".section__action").await;
    app.wait_contains("[data-field=requests]", "/s").await;
    // Charts drawn in Rust (SVG) for the range chosen.
    app.find(".health__chart[data-chart=latency] img[src^='data:image/svg+xml']")
        .await;
    app.find("img.sparkline").await;
    // PNG export at presentation size, through the native save dialog (the chart is drawn
    // through a canvas, which WebKit must not taint).
    let png = profile.dir("latency.png");
    app.click(".health__chart[data-chart=latency] figcaption button")
        .await;
    app.save_dialog("Export the latency percentiles chart", &png)
        .await;
    wait_file(&png, |b| {
        // The signature, then IHDR's width and height (big-endian) at bytes 16..24.
        b.starts_with(b"\x89PNG\r\n\x1a\n")
            && b.get(16..24) == Some(&[0, 0, 0x07, 0x80, 0, 0, 0x04, 0x38][..])
            && b.ends_with(b"IEND\xaeB`\x82")
    })
    .await;
    // The history as CSV: a row per poll and dependency.
    let csv = profile.dir("history.csv");
    app.click(".health__charts-bar > button").await;
    app.save_dialog("Export the health history", &csv).await;
    let text = wait_file(&csv, |b| {
        String::from_utf8_lossy(b).matches(",database,").count() >= 2
    })
    .await;
    assert!(
        String::from_utf8_lossy(&text)
            .starts_with("time,overall,dependency,status,requests_per_second,"),
    );
    app.choose_tab("[role=radio][data-tab='15']").await;
    app.find("img[alt='Request rate over the last 15 minutes']")
        .await;
    app.scroll_into_view(".health__charts").await;
    app.screenshot("health-charts").await;

    // A malformed exposition: the error, with the last good figures kept.
    api.set(
        "/metrics",
        Reply::raw(200, "text/plain; version=0.0.4", "ok 1\nbroken{x=\"1\" 2\n"),
    );
    app.click(".section__action").await;
    app.wait_contains(".health__metrics [role=alert]", "malformed at line 2")
        .await;
    app.find("[data-field=requests]").await;

    // Rate-limited: the platform's 500 with its headers is recognised.
    api.set("/live", Reply::error_500());
    app.click(".section__action").await;
    app.find("[data-dependency=api][data-status=down]").await;
    app.wait_contains("[data-dependency=api]", "rate limit is used up")
        .await;
    app.wait_contains("[aria-label=Incidents]", "api healthy → down")
        .await;
    app.screenshot("health-rate-limited").await;

    // Slower than the timeout: the window stays usable meanwhile, then says so.
    api.set(
        "/live",
        Reply::json(200, "live.json").delayed(Duration::from_secs(8)),
    );
    app.click(".section__action").await;
    app.click(".sidebar button[data-section=environments]")
        .await;
    app.wait_text("#section-title", "Environments").await;
    app.click(".sidebar button[data-section=health]").await;
    // Settings made in this session are still in force, and shown so.
    app.find(".health__notify input:checked").await;
    app.wait_contains("[data-dependency=api]", "did not answer within 5 seconds")
        .await;

    // /health itself failing with a plain 500: the API is up but cannot say how it is.
    api.set("/live", Reply::json(200, "live.json"));
    api.set("/health", Reply::json(500, "error-500.json"));
    app.click(".section__action").await;
    app.find("[data-dependency=api][data-status=degraded]")
        .await;
    app.wait_contains("[data-dependency=api]", "answered HTTP 500")
        .await;

    // The API's cache is down but the console reaches Redis.
    api.set("/health", Reply::json(503, "health-degraded-cache.json"));
    app.click(".section__action").await;
    app.find("[data-dependency=cache][data-status=degraded]")
        .await;
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
    api.set("/live", Reply::json(200, "live.json"));
    api.set("/health", Reply::json(200, "health-healthy.json"));
    app.click(".section__action").await;
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
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("health-recovered-dark").await;
    app.quit().await;

    // The history is kept across a restart: the incidents are still listed.
    let app = App::launch(&profile).await;
    app.click(".sidebar button[data-section=health]").await;
    app.wait_contains("[aria-label=Incidents]", "api degraded → healthy")
        .await;
    // So are the settings.
    app.wait_contains("[data-testid=health-memory]", "of 2.0 MiB")
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
