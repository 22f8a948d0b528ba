//! The Migrations section in the real window, on the machine's PostgreSQL: plan and apply a fresh
//! database (a job, with its log), validate it clean and export the report, adopt a legacy
//! (Alembic 002) database through the wizard, a protected environment asking for its name, and
//! every environment side by side.

use test_support::e2e::{Profile, wait_file};
use test_support::fixture_api::closed_port;
use test_support::postgres::{TestDb, legacy_dump};

use crate::{afctl, launch};

fn add(profile: &Profile, name: &str, kind: &str, url: &str) {
    afctl(
        profile,
        &["env", "add", name, "--kind", kind, "--db-url", url],
        "",
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn plan_apply_validate_and_export_the_report() {
    let fresh = TestDb::create();
    let profile = Profile::with_config_dir_env();
    add(&profile, "dev", "dev", &fresh.url());
    let app = launch(&profile).await;
    let migrations = app.migrations();
    app.open("migrations").await;
    app.find("tr[data-state=pending]").await;
    app.wait_contains("tr[data-state=not_applicable]", "not Supabase")
        .await;
    app.screenshot("migrations-status").await;
    migrations.tab("plan").await;
    app.wait_contains(".plan-migration", "0001_core_tables.up.sql")
        .await;
    app.find(".sql .sql__keyword").await;
    app.screenshot("migrations-plan").await;

    // Apply, confirmed (an open environment asks for a yes); the job's log, then every row applied.
    migrations.tab("status").await;
    migrations.run(None).await;
    migrations.wait_job("succeeded").await;
    migrations
        .log_contains("[1/3] 0001_core_tables (16 statements)")
        .await;
    app.wait_contains(".migrations .job-log", "3/3").await;
    app.find("tr[data-state=applied]").await;
    app.screenshot("migrations-applied").await;
    assert_eq!(fresh.sql("SELECT version_num FROM alembic_version"), "003");

    migrations.validation_is_clean().await;
    app.screenshot("migrations-validate-clean").await;
    // The report exported through the native save dialog, as JSON and as Markdown.
    let json = profile.dir("validation.json");
    app.click("[data-export=json]").await;
    app.save_dialog("Export the validation report", &json).await;
    let report = wait_file(&json, |b| {
        serde_json::from_slice::<serde_json::Value>(b).is_ok()
    })
    .await;
    let report: serde_json::Value = serde_json::from_slice(&report).expect("JSON");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0))
    );
    let markdown = profile.dir("validation.md");
    app.click("[data-export=markdown]").await;
    app.save_dialog("Export the validation report", &markdown)
        .await;
    wait_file(&markdown, |b| {
        String::from_utf8_lossy(b).contains("- Result: 0 errors, 0 warnings")
    })
    .await;
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("migrations-validate-dark").await;
    app.quit().await;
    let audit = std::fs::read_to_string(profile.config_dir().join("audit.jsonl")).unwrap();
    assert_eq!(audit.matches("\"action\":\"migration.apply\"").count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn a_legacy_database_is_adopted_through_the_wizard() {
    let legacy = TestDb::create();
    legacy.load(&legacy_dump("alembic-002.sql"));
    legacy.sql("INSERT INTO tenants (id, name, slug) VALUES ('t1', 'Acme', 'acme'); INSERT INTO users (id, email, hashed_password, tenant_id) VALUES ('u1', 'a@x', 'h', 't1'); INSERT INTO workflows (id, name, definition, tenant_id, user_id) VALUES ('w1', 'Flow', '{}', 't1', 'u1')");
    let profile = Profile::with_config_dir_env();
    add(&profile, "legacy", "staging", &legacy.url());
    let app = launch(&profile).await;
    let migrations = app.migrations();
    app.open("migrations").await;
    app.wait_contains(".migrations__summary", "built by Alembic (revision 002)")
        .await;
    migrations.tab("adopt").await;
    app.wait_contains(".wizard", "repair steps").await;
    app.wait_contains(
        "[aria-label='Repair plan']",
        "UPDATE public.workflows SET created_by = user_id",
    )
    .await;
    app.screenshot("migrations-adopt-plan").await;
    migrations.run(None).await;
    migrations.wait_job("succeeded").await;
    migrations.log_contains("[1/1] adoption repair").await;
    // The wizard reads the database again and now finds it managed by the console. (Clicking
    // before that lands while the page shrinks, and WebDriver's click can miss the tab.)
    app.wait_contains(
        ".migrations",
        "Nothing to do: the console already manages this database",
    )
    .await;
    migrations.validation_is_clean().await;
    assert_eq!(
        legacy.sql("SELECT created_by FROM workflows WHERE id = 'w1'"),
        "u1"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn production_asks_its_name_to_apply_and_revert_beside_every_environment() {
    let prod = TestDb::create();
    let profile = Profile::with_config_dir_env();
    add(&profile, "prod", "production", &prod.url());
    let gone = format!(
        "postgresql://postgres@127.0.0.1:{}/x?sslmode=disable",
        closed_port()
    );
    add(&profile, "gone", "custom", &gone);
    afctl(&profile, &["env", "use", "prod"], "");
    let app = launch(&profile).await;
    let migrations = app.migrations();
    app.open("migrations").await;
    app.find("tr[data-state=pending]").await;
    migrations.run(Some("prod")).await;
    migrations.wait_job("succeeded").await;
    app.find("tr[data-state=applied]").await;
    // Revert back to 0001 (its down files, newest first); the name is asked again.
    app.click("tr[data-state=applied] button").await;
    app.wait_contains(".modal", "Revert the migrations after 0001 on prod?")
        .await;
    app.confirm(Some("prod")).await;
    migrations
        .log_contains("revert 0002_performance_indexes")
        .await;
    migrations.wait_job("succeeded").await;
    app.find("tr[data-state=pending]").await;
    app.screenshot("migrations-reverted").await;
    assert_eq!(
        prod.sql("SELECT to_regclass('public.alembic_version') IS NULL"),
        "t"
    );

    // Every environment side by side, including one that cannot be reached.
    migrations.tab("all").await;
    let all = "[aria-label='Migration state of every environment']";
    app.wait_contains(all, "unreachable").await;
    app.wait_contains(all, "0001_core_tables.up.sql").await;
    app.screenshot("migrations-all-environments").await;
    // After the revert, the plan warns that rebuilding the indexes blocks writes.
    migrations.tab("plan").await;
    app.wait_contains(".lint > summary", "Lint: 22 warnings (blocks-writes 22)")
        .await;
    app.screenshot("migrations-plan-lint").await;
    // The drift board carries the same side-by-side view.
    app.secrets().open().await;
    app.secrets().drift().await;
    app.wait_contains(&format!("[data-testid=drift-board] {all}"), "unreachable")
        .await;
    app.quit().await;
    let audit = std::fs::read_to_string(profile.config_dir().join("audit.jsonl")).unwrap();
    assert_eq!(audit.matches("\"action\":\"migration.apply\"").count(), 1);
    assert_eq!(audit.matches("\"action\":\"migration.revert\"").count(), 1);
}
