//! The Demo section in the real windows: the demo data seeded after its preview, the checklist,
//! the quick demo presented with the keyboard through the presenter's window and the audience
//! window, a failing check recovered, a crash mid-demo resumed at the same step, and the
//! clean-up of what the demo created — against the fixture API and the machine's PostgreSQL.

use test_support::e2e::{App, Key, Profile};
use test_support::fixture_api::{FixtureApi, Reply};

use crate::{dev_environment, launch};

/// The windows by their page's URL fragment.
const MAIN: &str = "";
const AUDIENCE: &str = "audience";

async fn key(app: &App, key: Key) {
    app.press(key.into(), false).await;
}

/// Moves on to step `id` with the clicker's key, and waits until it is on screen.
async fn move_to(app: &App, id: &str) {
    key(app, Key::PageDown).await;
    app.find(&format!("[data-step-id='{id}']")).await;
}

/// Performs the step on screen (or moves on when it was performed) with the clicker's key, and
/// waits for the step `id` to show `status`.
async fn next_until(app: &App, id: &str, status: &str) {
    key(app, Key::PageDown).await;
    app.find(&format!("[data-step-id='{id}'] [data-check={status}]"))
        .await;
}

#[tokio::test]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn the_quick_demo_through_both_windows_with_a_crash_and_a_failed_check() {
    // The system browser the docs step opens is `true` here (xdg-open honours $BROWSER).
    let profile = Profile::with_config_dir_env().with_env("BROWSER", "true");
    let api = FixtureApi::builder().rate_limit(600, 10_000).start();
    let db = dev_environment(&profile, "dev", &api.url(), &[]);
    let app = launch(&profile).await;
    app.open("demo").await;

    // Before the demo: not seeded; seeded after its preview.
    app.find("[data-item=seeded][data-status=fail]").await;
    app.click("button[data-action=seed-demo]").await;
    app.wait_contains(".modal [data-preview=seed]", "demo-tenant")
        .await;
    app.confirm(None).await;
    app.wait_contains("[data-demo-note]", "Seeded the demo data")
        .await;
    assert_eq!(
        db.sql("SELECT count(*) FROM tenants WHERE slug = 'demo-org'"),
        "1"
    );
    app.click("button[data-action=check-again]").await;
    app.find("[data-item=seeded][data-status=pass]").await;
    app.find("[data-item=llm][data-status=warn]").await;
    app.screenshot("demo-prepare").await;

    // Present: the audience window on a monitor that is not there opens on this one.
    app.choose_tab("[role=tab][data-tab=present]").await;
    app.select("select[name=audienceMonitor]", "2").await;
    app.click("button[data-action=open-audience]").await;
    app.wait_contains("[data-audience-note]", "monitor 2 is not connected")
        .await;
    app.switch_to_window(MAIN).await;
    app.click("button[data-action=start-demo]").await;
    app.confirm(None).await;
    app.find("[data-step-id=health]").await;

    // The clicker's key pressed in the audience window performs the step in the presenter's.
    app.switch_to_window(AUDIENCE).await;
    app.wait_contains(".audience__step h1", "The platform is up")
        .await;
    key(&app, Key::PageDown).await;
    app.wait_contains(".audience [data-visible]", "The API is alive and healthy")
        .await;
    app.screenshot("demo-audience").await;
    app.switch_to_window(MAIN).await;
    app.find("[data-step-id=health] [data-check=passed]").await;
    app.screenshot("demo-presenter").await;

    move_to(&app, "api-docs").await;
    next_until(&app, "api-docs", "passed").await;
    move_to(&app, "create-agent").await;
    next_until(&app, "create-agent", "passed").await;
    let created: Vec<String> = api
        .agents()
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_owned))
        .filter(|id| id.starts_with("demo-live-"))
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");

    // A crash mid-demo: the app killed; started again, it resumes at the same step with what
    // it created.
    app.crash();
    let app = launch(&profile).await;
    app.open("demo").await;
    app.choose_tab("[role=tab][data-tab=present]").await;
    app.click("button[data-action=resume-demo]").await;
    app.confirm(None).await;
    app.find("[data-step-id=create-agent] [data-check=passed]")
        .await;
    app.wait_contains("section[aria-label='Created on stage']", &created[0])
        .await;

    // No LLM key: the run shows the platform's clear error, as the error path.
    move_to(&app, "run-agent").await;
    next_until(&app, "run-agent", "error_path").await;

    // The metrics endpoint fails: the recovery tip, to the presenter only; a retry once it is
    // back passes.
    api.set("/metrics", Reply::error_500());
    move_to(&app, "metrics").await;
    next_until(&app, "metrics", "failed").await;
    app.wait_contains("[data-recovery]", "Health section's charts")
        .await;
    app.screenshot("demo-recovery").await;
    api.unset("/metrics");
    app.click("button[data-action=retry-step]").await;
    app.find("[data-step-id=metrics] [data-check=passed]").await;

    // The audience window closed mid-demo is opened again from the presenter's.
    app.click("button[data-action=open-audience]").await;
    app.switch_to_window(AUDIENCE).await;
    let windows = app.window_count().await;
    // Escape closes it, as its close button does (pressed again while the page had not taken it).
    test_support::e2e::wait_until("the audience window to close", || async {
        app.press_closing(Key::Escape.into()).await;
        let closed = async {
            while app.window_count().await != windows - 1 {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(2), closed)
            .await
            .ok()
    })
    .await;
    app.switch_to_window(MAIN).await;
    app.click("button[data-action=open-audience]").await;
    app.switch_to_window(AUDIENCE).await;
    app.wait_contains(".audience__step h1", "Everything is measured")
        .await;
    app.find(".audience ul.visible__bars").await;
    app.screenshot("demo-audience-metrics").await;
    key(&app, Key::PageDown).await; // past the last step, from the audience window
    app.switch_to_window(MAIN).await;
    app.find("[data-demo-end]").await;

    // One click removes what the demo created.
    app.click("button[data-action=clean-up]").await;
    app.confirm(None).await;
    app.wait_contains("section[aria-label='Created on stage']", "Removed: agent")
        .await;
    assert!(api.agents().iter().all(|a| a["id"] != created[0].as_str()));
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("demo-end-dark").await;
    // The audience window follows the operator's theme when it is opened again.
    app.click("button[data-action=open-audience]").await;
    app.switch_to_window(AUDIENCE).await;
    app.wait_painted("dark").await;
    app.screenshot("demo-audience-dark").await;
    app.switch_to_window(MAIN).await;
    app.quit().await;
}
