//! One full flow per section with the keyboard alone (the Database section's is in database.rs):
//! an environment made from a preset, a secret set, the migrations applied, health read, an
//! agent created, the smoke suite run, the demo seeded, and all of it found in the audit log.
//! Every control is reached with Tab (`tab_to` fails when Tab cannot reach it) and used with Enter
//! or typing; no click.

use test_support::e2e::{Key, Profile};
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

use crate::launch;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn every_section_by_keyboard_alone() {
    let enter = char::from(Key::Enter);
    let profile = Profile::new();
    let api = FixtureApi::builder().rate_limit(600, 10_000).start();
    let db = TestDb::create();
    let app = launch(&profile).await;

    // Environments (Ctrl+1): the Local preset, its API and database URLs typed over the defaults.
    app.press('1', true).await;
    app.tab_to(".preset[data-preset=local]").await;
    app.press(enter, false).await;
    app.tab_to(".modal input[name=apiUrl]").await;
    app.press('a', true).await;
    app.type_keys(&api.url()).await;
    app.tab_to(".modal input[name=dbUrl]").await;
    app.press('a', true).await;
    app.type_keys(&db.url()).await;
    // The URL is split into the form's host, port, database and user fields.
    app.tab_to(".modal input[name=dbUrl] + button").await;
    app.press(enter, false).await;
    app.tab_to(".modal button[type=submit]").await;
    app.press(enter, false).await;
    app.wait_gone(".modal").await;
    let top = app.find("#env-switch").await;
    assert_eq!(top.prop("value").await.unwrap().as_deref(), Some("local"));

    // Secrets (Ctrl+2): a value set.
    app.press('2', true).await;
    app.tab_to("[aria-label='Set JWT_SECRET_KEY']").await;
    app.press(enter, false).await;
    app.tab_to(".modal input[name=variableValue]").await;
    app.type_keys("kb-secret-value-that-is-long-enough-0123456789")
        .await;
    app.tab_to(".modal button[type=submit]").await;
    app.press(enter, false).await;
    app.wait_gone(".modal").await;
    app.find("tr[data-variable=JWT_SECRET_KEY][data-set=true]")
        .await;

    // Migrations (Ctrl+3): Apply, answered yes.
    app.press('3', true).await;
    app.find("tr[data-state=pending]").await;
    app.tab_to(".migrations .button--primary").await;
    app.press(enter, false).await;
    app.find(".modal form[data-verdict=confirm_yes]").await;
    app.tab_to(".modal form[data-verdict=confirm_yes] button[type=submit]")
        .await;
    app.press(enter, false).await;
    app.find(".migrations .job-log[data-state=succeeded]").await;
    assert_eq!(db.sql("SELECT version_num FROM alembic_version"), "003");

    // Health (Ctrl+4): the environment's dependencies, the database among them.
    app.press('4', true).await;
    app.find("[data-testid=health-detail][data-env=local] [data-dependency=database]")
        .await;

    // Agents (Ctrl+5): a new agent in the API's registry.
    app.press('5', true).await;
    app.tab_to("button[data-action=new-agent]").await;
    app.press(enter, false).await;
    app.tab_to(".modal input[name=agentId]").await;
    app.type_keys("kb-agent").await;
    app.tab_to(".modal input[name=agentName]").await;
    app.type_keys("Keyboard Agent").await;
    app.tab_to(".modal textarea[name=agentInstructions]").await;
    app.type_keys("Answer briefly").await;
    app.tab_to(".modal button[type=submit]").await;
    app.press(enter, false).await;
    app.wait_gone(".modal").await;
    app.find("button[data-agent=kb-agent]").await;
    assert!(api.agents().iter().any(|a| a["id"] == "kb-agent"));

    // Smoke checks (Ctrl+7): the suite run.
    app.press('7', true).await;
    app.tab_to("button[data-action=run-smoke]").await;
    app.press(enter, false).await;
    app.find(".smoke__summary[data-outcome]").await;

    // Demo (Ctrl+8): the demo data seeded after its preview, answered yes.
    app.press('8', true).await;
    app.find("[data-item=seeded][data-status=fail]").await;
    app.tab_to("button[data-action=seed-demo]").await;
    app.press(enter, false).await;
    app.wait_contains(".modal [data-preview=seed]", "demo-tenant")
        .await;
    app.tab_to(".modal form[data-verdict=confirm_yes] button[type=submit]")
        .await;
    app.press(enter, false).await;
    app.wait_contains("[data-demo-note]", "Seeded the demo data")
        .await;
    assert_eq!(
        db.sql("SELECT count(*) FROM tenants WHERE slug = 'demo-org'"),
        "1"
    );

    // Audit log (Ctrl+9): what was done, each by its action.
    app.press('9', true).await;
    for action in ["variable.set", "migration.apply", "demo.seed"] {
        app.find(&format!("[role=row][data-action='{action}']"))
            .await;
    }
    app.screenshot("keyboard-audit").await;
    app.quit().await;
}
