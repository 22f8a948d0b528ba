//! The Database section in the real window, on a protected environment: the schema browser with
//! its RLS padlocks, a staged edit written after its statements were shown and the name typed,
//! the SQL console refusing a write in its read-only transaction, an error underlined where the
//! server points, and live activity.

use test_support::e2e::{Key, Profile};
use test_support::fixture_api::FixtureApi;

use crate::{dev_environment, launch};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn browse_edit_query_and_watch_a_protected_database() {
    let profile = Profile::new();
    let api = FixtureApi::builder().start();
    let db = dev_environment(&profile, "local", &api.url(), &["--safety", "protected"]);
    db.sql(
        "INSERT INTO agents (id, name, instructions) VALUES ('a1', 'First', 'x'), ('a2', 'Second', 'y'), ('a3', '', 'z');
         CREATE TABLE open_notes (id int PRIMARY KEY, note text);",
    );
    let app = launch(&profile).await;
    app.open("database").await;

    // Schema: names first, a table's detail when picked.
    app.wait_contains("button[data-object='public.open_notes']", "no RLS")
        .await;
    app.click("button[data-object='public.agents']").await;
    app.wait_contains("article.db__table-detail", "CREATE TABLE public.agents")
        .await;
    app.screenshot("database-schema").await;

    // Rows, and one staged edit written after review, with the environment's name typed.
    app.click("button[data-action=browse-rows]").await;
    app.find("[role=row][data-key=a2]").await;
    app.screenshot("database-rows").await;
    app.click("button[aria-label='Edit name of row a1']").await;
    app.fill(".modal textarea#edit-name", "First, renamed")
        .await;
    app.click(".modal button[type=submit]").await;
    app.wait_contains(".db__staged", "1 change staged").await;
    app.click("button[data-action=review-edits]").await;
    app.wait_contains(
        ".modal pre.sql",
        "UPDATE public.agents SET name = E'First, renamed'",
    )
    .await;
    app.screenshot("database-review").await;
    app.click(".modal button[data-action=apply-edits]").await;
    app.confirm(Some("local")).await;
    app.wait_gone(".db__staged").await;
    assert_eq!(
        db.sql("SELECT name FROM agents WHERE id = 'a1'"),
        "First, renamed"
    );

    // SQL: read-only until unlocked, so a write is refused by the server and nothing changes.
    app.choose_tab("[data-tab=sql]").await;
    app.find("[data-access=read-only]").await;
    app.type_code(".cm-content", "DELETE FROM agents WHERE id = 'a2'")
        .await;
    app.click("button[data-action=run-statement]").await;
    app.wait_contains("[data-sqlstate='25006']", "read-only transaction")
        .await;
    assert_eq!(db.sql("SELECT count(*) FROM agents"), "3");
    app.type_code(".cm-content", "SELECT id, name FROM agents ORDER BY id")
        .await;
    app.click("button[data-action=run-statement]").await;
    app.wait_contains(".db__status", "3 rows").await;
    app.screenshot("database-sql").await;
    app.type_code(".cm-content", "SELECT nope FROM agents")
        .await;
    app.click("button[data-action=run-statement]").await;
    app.wait_contains("[data-sqlstate='42703']", "nope").await;
    app.wait_text(".cm-sql-error", "nope").await;
    app.screenshot("database-sql-error").await;

    // Activity: the console's own session among the server's.
    app.choose_tab("[data-tab=activity]").await;
    app.wait_contains(".db__sessions", "this console").await;
    app.wait_contains(".db__findings", "open_notes").await;
    app.screenshot("database-activity").await;
    app.choose_theme(&profile, "Dark").await;
    app.choose_tab("[data-tab=table]").await;
    app.find("[role=row][data-key=a2]").await;
    app.screenshot("database-rows-dark").await;
    app.quit().await;
}

/// The same work with the keyboard alone: Ctrl+6 to the section, Tab and Enter to a table and
/// its rows, an edit staged, reviewed and confirmed by typing the name, then a query run with
/// Ctrl+Enter.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn the_database_section_by_keyboard_alone() {
    let enter = char::from(Key::Enter);
    let profile = Profile::new();
    let api = FixtureApi::builder().start();
    let db = dev_environment(&profile, "local", &api.url(), &["--safety", "protected"]);
    db.sql("INSERT INTO agents (id, name, instructions) VALUES ('a1', 'First', 'x')");
    let app = launch(&profile).await;
    app.find("section[data-section]").await;
    app.press('6', true).await;
    app.find("section[data-section=database]").await;

    app.tab_to("button[data-object='public.agents']").await;
    app.press(enter, false).await;
    app.wait_contains("article.db__table-detail", "CREATE TABLE public.agents")
        .await;
    app.tab_to("button[data-action=browse-rows]").await;
    app.press(enter, false).await;
    app.find("[role=row][data-key=a1]").await;
    app.tab_to("button[aria-label='Edit name of row a1']").await;
    app.press(enter, false).await;
    app.tab_to(".modal textarea#edit-name").await;
    app.press('a', true).await;
    app.type_keys("Keyed").await;
    app.tab_to(".modal button[type=submit]").await;
    app.press(enter, false).await;
    app.tab_to("button[data-action=review-edits]").await;
    app.press(enter, false).await;
    app.tab_to(".modal button[data-action=apply-edits]").await;
    app.press(enter, false).await;
    app.find(".modal form[data-verdict=confirm_name] input[name=confirm-name]:focus")
        .await;
    app.type_keys("local").await;
    app.press(enter, false).await;
    app.wait_gone(".db__staged").await;
    assert_eq!(db.sql("SELECT name FROM agents WHERE id = 'a1'"), "Keyed");

    app.tab_to("[data-tab=sql]").await;
    app.press(enter, false).await;
    app.tab_to(".cm-content").await;
    app.type_keys("SELECT name FROM agents").await;
    app.press(enter, true).await;
    app.wait_contains(".db__status", "1 row").await;
    app.screenshot("database-keyboard").await;
    app.quit().await;
}
