//! The Agents section in the real window: the fixture API's registry beside the machine's
//! PostgreSQL table; create, edit (with what changes shown first), run (the missing-LLM-key
//! path) and delete.

use test_support::e2e::{Profile, wait_until};
use test_support::fixture_api::FixtureApi;

use crate::{afctl, dev_environment, launch};

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
    let db = dev_environment(&profile, "local", &api.url(), &[]);
    db.sql("INSERT INTO agents (id, name, instructions) VALUES ('db-only', 'Table Agent', 'x')");
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
    app.click_until_taken(".modal button[data-action=reconcile-write]")
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

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn export_to_a_folder_import_into_another_environment_and_promote() {
    let profile = Profile::new();
    // dev's API has an LLM key (its runs complete) and dev has a database.
    let dev_api = FixtureApi::builder()
        .rate_limit(600, 10_000)
        .llm_key()
        .start();
    let prod_api = FixtureApi::builder().rate_limit(600, 10_000).start();
    let db = dev_environment(&profile, "dev", &dev_api.url(), &[]);
    afctl(
        &profile,
        &[
            "env",
            "add",
            "prod",
            "--kind",
            "production",
            "--api-url",
            &prod_api.url(),
        ],
        "",
    );
    afctl(&profile, &["env", "use", "dev"], "");
    afctl(
        &profile,
        &[
            "agents",
            "create",
            "--env",
            "dev",
            "--id",
            "from-dev",
            "--name",
            "From Dev",
            "--instructions",
            "Only in dev",
        ],
        "",
    );
    let app = launch(&profile).await;
    app.open("agents").await;
    app.wait_contains("section[data-section=agents]", "from-dev")
        .await;

    // Export every agent of dev to a folder, as YAML.
    let folder = profile.dir("exported");
    std::fs::create_dir_all(&folder).unwrap();
    app.click("button[data-action=export-agents]").await;
    app.click(".modal [role=radio][data-tab=yaml]").await;
    app.click(".modal button[data-action=choose-export-folder]")
        .await;
    app.open_dialog("Export the agents of dev to a folder", &folder)
        .await;
    app.wait_contains(".modal [data-export]", "Wrote 3 file(s)")
        .await;
    app.screenshot("agents-exported").await;
    assert!(folder.join("from-dev.yaml").is_file());
    app.close_dialog().await;

    // Compare with prod: from-dev is new there; promote it (production: its name typed).
    app.click("button[data-action=promote-agents]").await;
    app.click(".modal button[data-action=compare-agents]").await;
    app.find(".modal tr[data-action=new][data-id=from-dev]")
        .await;
    app.screenshot("agents-promote-plan").await;
    app.click(".modal button[data-action=write-plan]").await;
    app.confirm(Some("prod")).await;
    app.wait_contains(".modal [data-report]", "Wrote 1 agent(s).")
        .await;
    wait_until("the promoted agent in prod", || async {
        agent_name(&prod_api, "from-dev")
    })
    .await;
    app.close_dialog().await;

    // Change prod's copy behind the console's back; importing dev's folder shows it replaced.
    afctl(
        &profile,
        &[
            "agents",
            "update",
            "from-dev",
            "--env",
            "prod",
            "--name",
            "Drifted",
            "--confirm",
            "prod",
        ],
        "",
    );
    app.select("#env-switch", "prod").await;
    app.find("[data-testid=environment][data-kind=production]")
        .await;
    app.choose_theme(&profile, "Dark").await;
    app.click("button[data-action=import-folder]").await;
    app.open_dialog("Import agents into prod", &folder).await;
    app.wait_contains(
        ".modal tr[data-action=replace][data-id=from-dev]",
        "name: Drifted → From Dev",
    )
    .await;
    app.screenshot("agents-import-plan").await;
    app.click(".modal button[data-action=write-plan]").await;
    app.confirm(Some("prod")).await;
    app.wait_contains(".modal [data-report]", "Wrote 1 agent(s).")
        .await;
    wait_until("prod's agent back to dev's", || async {
        agent_name(&prod_api, "from-dev").filter(|n| n == "From Dev")
    })
    .await;
    app.close_dialog().await;

    // Delete prod's copy: a protected environment's agent goes only with its name typed.
    app.click("button[data-agent=from-dev]").await;
    app.click("button[data-action=delete-agent]").await;
    app.confirm(Some("prod")).await;
    wait_until("the agent gone from prod", || async {
        agent_name(&prod_api, "from-dev").is_none().then_some(())
    })
    .await;

    // In dev (an LLM key): two completed runs, compared side by side.
    app.select("#env-switch", "dev").await;
    app.find("[data-testid=environment][data-kind=dev]").await;
    app.click("button[data-agent=from-dev]").await;
    for input in ["Hello", "Again"] {
        app.fill("textarea[name=runInput]", input).await;
        app.click("button[data-action=run-agent]").await;
        app.wait_contains(
            ".run-result[data-status=completed]",
            &format!("Echo: {input}"),
        )
        .await;
    }
    app.wait_contains("[aria-label='Run history'] h4", "History (2)")
        .await;
    app.click("[aria-label='Run history'] li:nth-child(1) input[type=checkbox]")
        .await;
    app.click("[aria-label='Run history'] li:nth-child(2) input[type=checkbox]")
        .await;
    app.wait_contains("[aria-label='Two runs compared']", "Echo: Hello")
        .await;
    app.screenshot("agents-runs-compared").await;

    // The API-only agent copied into dev's table, after the statement is shown.
    app.click("button[data-action=to-table]").await;
    app.wait_contains(
        ".modal [aria-label='What will be written']",
        "INSERT INTO public.agents",
    )
    .await;
    app.click_until_taken(".modal button[data-action=reconcile-write]")
        .await;
    app.wait_gone(".modal").await;
    wait_until("the agent in dev's table", || async {
        (db.sql("SELECT name FROM agents WHERE id = 'from-dev'")
            .trim()
            == "From Dev")
            .then_some(())
    })
    .await;
    app.find("[role=row][data-source=both] button[data-agent=from-dev]")
        .await;

    // A selection of the API's agents copied into the table together, in one transaction.
    for id in ["research-assistant", "support-bot"] {
        app.tick(&format!("input[aria-label='Select {id}']")).await;
    }
    app.click("button[data-action=copy-selected]").await;
    app.wait_contains(".modal", "in one transaction").await;
    app.wait_contains(
        ".modal [aria-label='What will be written']",
        "E'support-bot'",
    )
    .await;
    app.screenshot("agents-copy-selection").await;
    app.click_until_taken(".modal button[data-action=reconcile-write]")
        .await;
    app.wait_gone(".modal").await;
    wait_until("the selection in dev's table", || async {
        (db.sql("SELECT string_agg(id, ',' ORDER BY id) FROM agents WHERE id <> 'from-dev'")
            .trim()
            == "research-assistant,support-bot")
            .then_some(())
    })
    .await;
    app.select("#env-switch", "prod").await;
    app.find("[data-testid=environment][data-kind=production]")
        .await;

    // The executions tab: prod's API needs a login for them, and says so.
    app.click("[role=tab][data-tab=executions]").await;
    app.wait_contains("[data-view=executions] [data-half=api]", "login")
        .await;
    app.screenshot("agents-executions").await;
    app.quit().await;
}
