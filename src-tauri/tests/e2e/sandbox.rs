//! The first run's "Try it on this machine" in the real window: the sandbox made on the
//! machine's PostgreSQL and Redis, and Health opened on it.

use test_support::e2e::Profile;

use crate::{afctl, launch};

#[tokio::test]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn a_new_user_tries_it_on_this_machine() {
    // A database of the test's own, so a developer's sandbox is never touched.
    let name = format!("afc_sandbox_e2e_{}", std::process::id());
    let profile = Profile::with_config_dir_env().with_env("AFC_SANDBOX_DATABASE", &name);
    let app = launch(&profile).await;
    app.open("environments").await;
    app.click("button[data-action=start-sandbox]").await;
    // Set up, it opens Health on the new environment: the console's own database and Redis
    // checks are real.
    app.find("section[data-section=health]").await;
    app.wait_contains("#env-switch", "local-sandbox").await;
    let health = app.health();
    health.dependency("database", "healthy").await;
    health.dependency("cache", "healthy").await;
    app.screenshot("sandbox-health").await;
    app.quit().await;

    let status = afctl(&profile, &["sandbox", "status", "--database", &name], "");
    assert!(status.contains("Demo rows: 9"), "{status}");
    afctl(
        &profile,
        &["sandbox", "down", "--yes", "--database", &name],
        "",
    );
}
