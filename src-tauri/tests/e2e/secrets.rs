//! Secrets in the real window against the real keyring: set, reveal, copy (and the clipboard
//! cleared), import and export, the drift board with a production environment made by afctl,
//! production's colour everywhere, the audit log; each ends with the leak search over every file
//! the app wrote and everything it printed.

use std::path::Path;
use std::time::Duration;

use test_support::e2e::{Profile, clipboard, pages::Secrets, wait_until, wait_until_within};
use test_support::leaks::files_containing;

use crate::{afctl, launch};

const JWT: &str = "e2e-jwt-secret-0123456789abcdefghijklmnopqrstuv";
const IMPORTED: &str = "sk-ant-e2e-imported-key-55";
const PROD_ONLY: &str = "sk-prod-only-openai-99";

/// No secret in any file under the profile (config, data, cache, logs, and the driver log with
/// the app's output) or in afctl's output, except the files in `allowed`.
pub fn assert_no_leaks(profile: &Profile, secrets: &[&str], outputs: &str, allowed: &[&Path]) {
    for secret in secrets {
        let hits = files_containing(profile.root(), secret, allowed);
        assert!(hits.is_empty(), "{secret} found in {hits:?}");
        assert!(!outputs.contains(secret), "{secret} in afctl output");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn set_reveal_copy_import_and_export() {
    let profile = Profile::with_config_dir_env();
    let outputs = afctl(&profile, &["env", "add", "local", "--kind", "dev"], "");
    let app = launch(&profile).await;
    let secrets = app.secrets();
    secrets.open().await;
    app.scroll_top().await;
    app.screenshot("secrets").await;
    secrets.set("JWT_SECRET_KEY", JWT, None).await;
    let row = Secrets::row("JWT_SECRET_KEY");
    app.click("[aria-label='Reveal JWT_SECRET_KEY']").await;
    app.wait_contains(&format!("{row} [data-testid=revealed-value]"), JWT)
        .await;
    app.screenshot("secret-revealed").await;
    app.click("[aria-label='Hide JWT_SECRET_KEY']").await;
    app.wait_gone("[data-testid=revealed-value]").await;
    app.click("[aria-label='Copy JWT_SECRET_KEY']").await;
    app.wait_contains(&format!("{row} .success"), "clipboard clears in 30")
        .await;
    wait_until("the secret to be on the clipboard", || async {
        (clipboard()? == JWT).then_some(())
    })
    .await;

    // Import: preview (nothing written), then import, as a job; secrets go to the keyring.
    let input = profile.dir("input.env");
    std::fs::write(&input, format!("# from a teammate\nexport ANTHROPIC_API_KEY='{IMPORTED}'\nDEBUG=true\nthis is not valid\nCORS_ORIGINS=\"https://a.example, https://b.example\"\n")).unwrap();
    let summary = secrets.import(&input).await;
    assert!(summary.contains("3 new"), "{summary}");
    app.find("tr[data-variable=ANTHROPIC_API_KEY][data-set=true]")
        .await;
    app.wait_contains("tr[data-variable=DEBUG]", "true").await;

    // Export: warned, private, and complete.
    let exported = profile.dir("exported.env");
    app.click("button[data-action=export]").await;
    app.wait_contains(".modal .warning-box", "in clear text")
        .await;
    app.click(".modal .button--danger").await;
    app.save_dialog("Export to a .env file", &exported).await;
    app.wait_contains(".modal .success", "Exported").await;
    app.close_dialog().await;
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(text.contains(JWT) && text.contains(IMPORTED));
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&exported).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // The copied secret leaves the clipboard again, 30 seconds after the copy.
    wait_until_within(
        Duration::from_secs(45),
        "the clipboard to be cleared",
        || async { (clipboard()? != JWT).then_some(()) },
    )
    .await;
    app.quit().await;
    let logged = files_containing(&profile.log_dir(), "secret.reveal", &[]);
    assert!(
        !logged.is_empty(),
        "no log line about the reveal under {}",
        profile.log_dir().display()
    );
    assert_no_leaks(
        &profile,
        &[JWT, IMPORTED],
        &outputs,
        &[exported.as_path(), input.as_path()],
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn drift_across_environments_and_production_everywhere() {
    let profile = Profile::with_config_dir_env();
    let mut outputs = afctl(&profile, &["env", "add", "local", "--kind", "dev"], "");
    outputs += &afctl(
        &profile,
        &["secrets", "set", "--env", "local", "JWT_SECRET_KEY"],
        JWT,
    );
    let prod = [
        "env",
        "add",
        "prod",
        "--kind",
        "production",
        "--api-url",
        "https://api.example.com",
    ];
    outputs += &afctl(&profile, &prod, "");
    for (var, value) in [
        ("JWT_SECRET_KEY", JWT),
        ("OPENAI_API_KEY", PROD_ONLY),
        ("DEBUG", "true"),
    ] {
        outputs += &afctl(
            &profile,
            &["secrets", "set", "--env", "prod", var, "--confirm", "prod"],
            value,
        );
    }
    let app = launch(&profile).await;
    let secrets = app.secrets();
    secrets.open().await;
    secrets.drift().await;
    app.find("[data-testid=drift-board] tr[data-variable=OPENAI_API_KEY][data-status=missing]")
        .await;
    app.wait_contains(".drift__warnings", "The same value is used in local")
        .await;
    app.wait_contains(".drift__warnings", "DEBUG is on in production")
        .await;
    app.screenshot("drift-board").await;

    // Production: its colour and safety level in the top bar on every screen; a change to it
    // asks for its name.
    app.select("#env-switch", "prod").await;
    app.find("[data-testid=environment][data-kind=production][data-safety=protected]")
        .await;
    app.open("environments").await;
    app.screenshot("production-environments").await;
    app.choose_theme(&profile, "Dark").await;
    app.open("migrations").await;
    app.find(".app[data-env-kind=production]").await;
    app.screenshot("production-everywhere-dark").await;
    secrets.open().await;
    secrets.set("LOG_LEVEL", "DEBUG", Some("prod")).await;
    app.scroll_top().await;
    app.screenshot("secrets-production-dark").await;
    secrets.drift().await;
    app.screenshot("drift-board-dark").await;

    // The audit log lists what was done, never a value.
    app.open("audit").await;
    app.find("[role=row][data-action='variable.set'][data-outcome=ok]")
        .await;
    app.find("[role=row][data-action='environment.switch']")
        .await;
    app.screenshot("audit-log").await;
    app.client
        .set_window_rect(0, 0, 900, 600)
        .await
        .expect("set window rect");
    secrets.open().await;
    app.scroll_top().await;
    app.screenshot("secrets-minimum-size").await;
    app.quit().await;
    assert_no_leaks(&profile, &[JWT, PROD_ONLY], &outputs, &[]);
}
