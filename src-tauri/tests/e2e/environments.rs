//! Environments in the real window: the first run from a preset with a pasted URL (its password
//! to the keyring), the unsaved draft tested, Test connection against the fixture API and the
//! machine's PostgreSQL and Redis; and a console without a keyring.

use test_support::e2e::{Profile, pages::Environments};
use test_support::fixture_api::FixtureApi;
use test_support::leaks::files_containing;
use test_support::postgres::{PASSWORD_ROLE_SECRET as DB_PW, password_role_url};

use crate::launch;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn a_preset_with_a_pasted_url_is_tested_before_and_after_saving() {
    let api = FixtureApi::start();
    let profile = Profile::with_config_dir_env();
    let app = launch(&profile).await;
    app.find(".preset[data-preset=local]").await;
    app.screenshot("environments-first-run").await;
    app.click(".preset[data-preset=local]").await;
    app.fill("input[name=apiUrl]", &api.url()).await;
    // A role the server asks for its password: the tests below pass only with the right one.
    app.fill("input[name=dbUrl]", &password_role_url(DB_PW))
        .await;
    app.click("input[name=dbUrl] + button").await;
    app.wait_contains(".modal [role=status]", "OS keyring")
        .await;
    app.screenshot("environment-editor").await;
    // The draft, tested before it is saved: the typed password and the fixture API as they are.
    app.click(".modal .form__actions-left").await;
    app.find(".modal .probe[data-target=database][data-status=ok]")
        .await;
    app.find(".modal .probe[data-target=api][data-status=ok]")
        .await;
    app.click(".modal button[type=submit]").await;
    app.wait_gone(".modal").await;
    let card = Environments::card("local");
    app.wait_contains(&card, "password in keyring").await;
    let top = app.find("#env-switch").await;
    assert_eq!(top.prop("value").await.unwrap().as_deref(), Some("local"));
    let settings = std::fs::read_to_string(profile.settings_file()).unwrap();
    assert!(settings.contains("\"hasPassword\": true") && !settings.contains(DB_PW));

    app.environments()
        .test("local", &["api", "database", "redis"])
        .await;
    app.wait_contains(".probe[data-target=database]", "TLS in use")
        .await;
    app.screenshot("environment-tested").await;
    app.choose_theme(&profile, "Dark").await;
    app.click(&format!("{card} .env-card__actions button:nth-child(2)"))
        .await;
    app.find(".modal input[name=dbHost]").await;
    app.screenshot("environment-editor-dark").await;
    // A wrong password typed into the editor is refused by the server.
    app.fill(".modal input[name=dbPassword]", "not-the-password")
        .await;
    app.click(".modal .form__actions-left").await;
    app.wait_contains(
        ".modal .probe[data-target=database][data-status=failed]",
        "password authentication failed",
    )
    .await;
    app.close_dialog().await;
    app.quit().await;

    let logged = files_containing(&profile.log_dir(), "connection test", &[]);
    assert!(
        !logged.is_empty(),
        "the app logged the test (so there was a log to search)"
    );
    let hits = files_containing(profile.root(), DB_PW, &[]);
    assert!(hits.is_empty(), "the password is in {hits:?}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn without_a_keyring_the_console_says_so_and_keeps_working() {
    let profile = Profile::with_config_dir_env().with_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/afc-no-bus",
    );
    let app = launch(&profile).await;
    // Environments still work (no secrets involved).
    app.click(".preset[data-preset=local]").await;
    app.click(".modal button[type=submit]").await;
    app.wait_gone(".modal").await;
    app.find(&Environments::card("local")).await;
    app.open("secrets").await;
    app.wait_contains(
        "[data-testid=keyring-unavailable]",
        "The OS keyring is not available",
    )
    .await;
    app.wait_contains("[data-testid=keyring-unavailable]", "gnome-keyring-daemon")
        .await;
    // Plain variables can still be set; secret ones cannot be touched.
    app.find("tr[data-variable=JWT_SECRET_KEY] [aria-label='Set JWT_SECRET_KEY']:disabled")
        .await;
    app.secrets().set("DEBUG", "false", None).await;
    app.wait_contains("tr[data-variable=DEBUG]", "false").await;
    app.scroll_top().await;
    app.screenshot("keyring-unavailable").await;
    app.quit().await;
}
