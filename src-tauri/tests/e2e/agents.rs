//! The Agents section in the real window: the fixture API's registry beside the machine's
//! PostgreSQL table; create, edit (with what changes shown first), run (the missing-LLM-key
//! path) and delete.

use test_support::e2e::{Profile, wait_until};
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

use crate::{afctl, launch};

fn agent_name(api: &FixtureApi, id: &str) -> Option<String> {
    api.agents()
        .into_iter()
        .find(|a| a["id"] == id)
        .and_then(|a| a["name"].as_str().map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn both_sides_create_edit_run_and_delete() {
    let profile = Profile::new();
    let api = FixtureApi::builder().rate_limit(600, 10_000).start();
    let db = TestDb::create();
    let url = db.url();
    afctl(
        &profile,
        &["migrate", "apply", "--yes", "--database-url", &url],
        "",
    );
    db.sql("INSERT INTO agents (id, name, instructions) VALUES ('db-only', 'Table Agent', 'x')");
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
            &url,
        ],
        "",
    );
    let app = launch(&profile).await;
    app.open("agents").await;
    app.find("[role=row][data-source=database]").await;
    app.wait_contains("section[data-section=agents]", "support-bot")
        .await;
    app.screenshot("agents-list").await;

    // Create.
    app.click("button[data-action=new-agent]").await;
    app.fill(".modal input[name=agentId]", "e2e-agent").await;
    app.fill(".modal input[name=agentName]", "E2E Agent").await;
    // (WebKitWebDriver under Xvfb drops typed newlines: exact round trips of such text are
    // afc-core's and afctl's tests.)
    app.fill(
        ".modal textarea[name=agentInstructions]",
        "Answer in one line",
    )
    .await;
    app.screenshot("agents-new").await;
    app.click(".modal button[type=submit]").await;
    app.wait_gone(".modal").await;
    wait_until("the agent in the API's registry", || async {
        agent_name(&api, "e2e-agent").filter(|n| n == "E2E Agent")
    })
    .await;
    let stored = api
        .agents()
        .into_iter()
        .find(|a| a["id"] == "e2e-agent")
        .unwrap();
    assert_eq!(stored["instructions"], "Answer in one line");

    // Edit: saving over it shows what changes, and replaces only when asked.
    app.click("button[data-agent=e2e-agent]").await;
    app.wait_contains("aside.agent-detail", "e2e-agent").await;
    app.click("button[data-action=edit-agent]").await;
    app.fill(".modal input[name=agentName]", "E2E Agent, renamed")
        .await;
    app.click(".modal button[type=submit]").await;
    app.wait_contains("[data-testid=replace-notice]", "E2E Agent, renamed")
        .await;
    app.screenshot("agents-replace").await;
    assert_eq!(agent_name(&api, "e2e-agent").as_deref(), Some("E2E Agent"));
    app.click(".modal button[data-action=replace-agent]").await;
    app.wait_gone(".modal").await;
    wait_until("the renamed agent", || async {
        agent_name(&api, "e2e-agent").filter(|n| n == "E2E Agent, renamed")
    })
    .await;

    // Run: without an LLM key the platform answers 200 with status error; the window says why.
    app.fill("textarea[name=runInput]", "Hello").await;
    app.click("button[data-action=run-agent]").await;
    app.wait_contains(".run-result[data-status=error]", "no LLM key")
        .await;
    app.screenshot("agents-run-error").await;

    // The run is kept: the history lists it.
    app.wait_contains("[aria-label='Run history'] li[data-status=error]", "Hello")
        .await;

    // Reconcile: the table-only agent is published to the API after its preview.
    app.click("button[data-agent=db-only]").await;
    app.click("button[data-action=to-api]").await;
    app.wait_contains(
        ".modal [aria-label='What will be written']",
        "POST /api/v1/agents/",
    )
    .await;
    app.screenshot("agents-publish-preview").await;
    app.click(".modal button[data-action=reconcile-write]")
        .await;
    app.wait_gone(".modal").await;
    wait_until("the table's agent in the API's registry", || async {
        agent_name(&api, "db-only").filter(|n| n == "Table Agent")
    })
    .await;
    app.find("[role=row][data-source=both] button[data-agent=db-only]")
        .await;
    app.click("button[data-agent=e2e-agent]").await;
    app.wait_contains("aside.agent-detail", "e2e-agent").await;

    // Delete, after the confirmation.
    app.click("button[data-action=delete-agent]").await;
    app.confirm(None).await;
    wait_until("the agent gone from the registry", || async {
        agent_name(&api, "e2e-agent").is_none().then_some(())
    })
    .await;
    app.wait_gone("aside.agent-detail").await;
    app.quit().await;
}
