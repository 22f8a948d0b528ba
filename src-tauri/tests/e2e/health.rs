//! The Health & Metrics section in the real window, against the fixture API (switched between the
//! recorded degraded body, the rate-limited 500, a reply slower than the timeout and a malformed
//! exposition), the machine's PostgreSQL and Redis, and an API that is not there at all.

use std::time::Duration;

use test_support::fixture_api::{FixtureApi, Reply, closed_port};

use crate::harness::{App, Profile, afctl};

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
    let app = App::launch(&profile).await;

    // The API says its database is down; the console's own check finds it fine.
    app.click(".sidebar button[data-section=health]").await;
    // Notifications on: each change below also goes to the desktop (none is listening here).
    app.click(".health__notify input").await;
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
    // PNG export draws the chart through a canvas: WebKit must not taint it (a tainted canvas
    // would refuse toDataURL). The save dialog itself cannot be driven over WebDriver.
    let png = app
        .eval(
            "const img = document.querySelector('.health__chart[data-chart=latency] img'); \
             const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight; \
             c.getContext('2d').drawImage(img, 0, 0); return c.toDataURL('image/png').slice(0, 22);",
        )
        .await;
    assert_eq!(png, "data:image/png;base64,");
    app.click("[role=radio][data-tab='15']").await;
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
    api.set("/live", Reply::rate_limited());
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

    // Recovered.
    api.set("/live", Reply::json(200, "live.json"));
    api.set("/health", Reply::json(200, "health-healthy.json"));
    app.click(".section__action").await;
    app.find(".health__env[data-env=local][data-status=healthy]")
        .await;
    app.wait_contains("[aria-label=Incidents]", "api degraded → healthy")
        .await;
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("health-recovered-dark").await;
    app.quit().await;

    // The history is kept across a restart: the incidents are still listed.
    let app = App::launch(&profile).await;
    app.click(".sidebar button[data-section=health]").await;
    app.wait_contains("[aria-label=Incidents]", "api degraded → healthy")
        .await;
    app.quit().await;
}
