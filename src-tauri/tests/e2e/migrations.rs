//! The Migrations section in the real window, on the machine's PostgreSQL: plan and apply a fresh
//! database with progress, validate it clean, adopt a legacy (Alembic 002) database through the
//! wizard, a protected environment asking for its name, and every environment side by side.

use test_support::fixture_api::closed_port;
use test_support::postgres::{TestDb, legacy_dump};

use crate::harness::{App, Profile, afctl, wait_file};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn plan_apply_validate_and_adopt_in_the_window() {
    let fresh = TestDb::create();
    let legacy = TestDb::create();
    legacy.load(&legacy_dump("alembic-002.sql"));
    legacy.sql("INSERT INTO tenants (id, name, slug) VALUES ('t1', 'Acme', 'acme'); INSERT INTO users (id, email, hashed_password, tenant_id) VALUES ('u1', 'a@x', 'h', 't1'); INSERT INTO workflows (id, name, definition, tenant_id, user_id) VALUES ('w1', 'Flow', '{}', 't1', 'u1')");
    let prod = TestDb::create();
    let profile = Profile::with_config_dir_env();
    afctl(
        &profile,
        &[
            "env",
            "add",
            "dev",
            "--kind",
            "dev",
            "--db-url",
            &fresh.url(),
        ],
        "",
    );
    afctl(
        &profile,
        &[
            "env",
            "add",
            "legacy",
            "--kind",
            "staging",
            "--db-url",
            &legacy.url(),
        ],
        "",
    );
    afctl(
        &profile,
        &[
            "env",
            "add",
            "prod",
            "--kind",
            "production",
            "--db-url",
            &prod.url(),
        ],
        "",
    );
    let gone = format!(
        "postgresql://postgres@127.0.0.1:{}/x?sslmode=disable",
        closed_port()
    );
    afctl(
        &profile,
        &["env", "add", "gone", "--kind", "custom", "--db-url", &gone],
        "",
    );
    afctl(&profile, &["env", "use", "dev"], "");
    let app = App::launch(&profile).await;

    // Status: three pending, row-level security not applicable here.
    app.click(".sidebar button[data-section=migrations]").await;
    app.find("tr[data-state=pending]").await;
    app.wait_contains("tr[data-state=not_applicable]", "not Supabase")
        .await;
    app.screenshot("migrations-status").await;

    // Plan: every statement with its line, nothing to lint on an empty database.
    app.choose_tab("[role=tab][data-tab=plan]").await;
    app.wait_contains(".plan-migration", "0001_core_tables.up.sql")
        .await;
    app.find(".sql .sql__keyword").await;
    app.screenshot("migrations-plan").await;

    // Apply, confirmed; progress bar and live log; then every row applied.
    app.choose_tab("[role=tab][data-tab=status]").await;
    app.click(".migrations .button--primary").await;
    app.click(".modal button[type=submit]").await;
    app.wait_contains("[data-testid=apply-run]", "Done 4/4")
        .await;
    app.wait_contains(
        "[aria-label='Live log']",
        "[1/4] core_tables: 16 statements",
    )
    .await;
    app.find("tr[data-state=applied]").await;
    app.screenshot("migrations-applied").await;
    assert_eq!(fresh.sql("SELECT version_num FROM alembic_version"), "003");

    app.choose_tab("[role=tab][data-tab=validate]").await;
    app.wait_contains(
        "[data-testid=validation-summary]",
        "Clean: 0 errors, 0 warnings",
    )
    .await;
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

    // The legacy database: apply would refuse; the wizard shows the repair, then adopts.
    app.select("#env-switch", "legacy").await;
    app.choose_tab("[role=tab][data-tab=status]").await;
    app.wait_contains(".migrations__summary", "built by Alembic (revision 002)")
        .await;
    app.choose_tab("[role=tab][data-tab=adopt]").await;
    app.wait_contains(".wizard", "repair steps").await;
    app.wait_contains(
        "[aria-label='Repair plan']",
        "UPDATE public.workflows SET created_by = user_id",
    )
    .await;
    app.screenshot("migrations-adopt-plan").await;
    app.click(".migrations .button--primary").await;
    app.click(".modal button[type=submit]").await;
    app.wait_contains("[data-testid=apply-run]", "Done").await;
    // The wizard reads the database again and now finds it managed by the console. (Clicking
    // before that lands while the page shrinks, and WebDriver's click can miss the tab.)
    app.wait_contains(".migrations", "already managed by the console")
        .await;
    app.choose_tab("[role=tab][data-tab=validate]").await;
    app.wait_contains(
        "[data-testid=validation-summary]",
        "Clean: 0 errors, 0 warnings",
    )
    .await;
    assert_eq!(
        legacy.sql("SELECT created_by FROM workflows WHERE id = 'w1'"),
        "u1"
    );

    // Production is protected: Apply waits for its name.
    app.select("#env-switch", "prod").await;
    app.choose_tab("[role=tab][data-tab=status]").await;
    app.find("tr[data-state=pending]").await;
    app.click(".migrations .button--primary").await;
    assert!(
        !app.find(".modal button[type=submit]")
            .await
            .is_enabled()
            .await
            .unwrap()
    );
    app.fill(".modal .form__row input", "prod").await;
    app.click(".modal button[type=submit]").await;
    app.wait_contains("[data-testid=apply-run]", "Done 4/4")
        .await;
    app.find("tr[data-state=applied]").await;

    // Revert back to 0001 (its down files, newest first); the name is asked again.
    app.click("tr[data-state=applied] button").await;
    app.wait_contains(".modal", "Revert the migrations after 0001 on prod?")
        .await;
    app.fill(".modal .form__row input", "prod").await;
    app.click(".modal button[type=submit]").await;
    app.wait_contains("[data-testid=apply-run]", "Done 2/2")
        .await;
    app.wait_contains("[aria-label='Live log']", "revert performance_indexes")
        .await;
    app.find("tr[data-state=pending]").await;
    app.screenshot("migrations-reverted").await;
    assert_eq!(
        prod.sql("SELECT to_regclass('public.alembic_version') IS NULL"),
        "t"
    );

    // Every environment side by side, including one that cannot be reached.
    app.choose_tab("[role=tab][data-tab=all]").await;
    app.wait_contains(
        "[aria-label='Migration state of every environment']",
        "unreachable",
    )
    .await;
    app.wait_contains(
        "[aria-label='Migration state of every environment']",
        "0003_alembic_stamp.up.sql",
    )
    .await;
    app.screenshot("migrations-all-environments").await;
    app.choose_tab("[role=tab][data-tab=plan]").await;
    // After the revert, the plan warns that rebuilding the indexes blocks writes to existing tables.
    app.wait_contains(".lint > summary", "Lint: 22 warnings (blocks-writes 22)")
        .await;
    app.screenshot("migrations-plan-lint").await;
    app.choose_theme(&profile, "Dark").await;
    app.choose_tab("[role=tab][data-tab=validate]").await;
    app.find("[data-testid=validation-summary]").await;
    app.screenshot("migrations-validate-dark").await;

    // The drift board carries the same side-by-side view.
    app.click(".sidebar button[data-section=secrets]").await;
    app.choose_tab("[role=tab][data-tab=drift]").await;
    app.wait_contains(
        "[data-testid=drift-board] [aria-label='Migration state of every environment']",
        "unreachable",
    )
    .await;
    app.quit().await;

    let audit = std::fs::read_to_string(profile.config_dir().join("audit.jsonl")).unwrap();
    assert_eq!(audit.matches("\"action\":\"migration.apply\"").count(), 2);
    assert_eq!(audit.matches("\"action\":\"migration.adopt\"").count(), 1);
    assert_eq!(audit.matches("\"action\":\"migration.revert\"").count(), 1);
}
