//! End-to-end tests of the real window. Ignored by a plain `cargo test`; scripts/test.sh runs
//! them with `--include-ignored` inside Xvfb and a D-Bus session, with tauri-driver installed.

mod environments;
mod harness;
mod health;
mod migrations;

use harness::{App, Key, Profile, afctl_binary, wait_until};
use serde_json::json;

const SECTIONS: [(&str, &str); 9] = [
    ("environments", "Environments"),
    ("secrets", "Secrets"),
    ("migrations", "Migrations"),
    ("health", "Health & Metrics"),
    ("agents", "Agents"),
    ("database", "Database"),
    ("smoke", "Smoke checks"),
    ("demo", "Demo"),
    ("audit", "Audit log"),
];

/// Sections that do their job (the rest say they are not built yet).
const BUILT: [&str; 5] = ["environments", "secrets", "migrations", "health", "audit"];

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn shell_sections_keyboard_about_theme_and_remembered_geometry() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;
    app.screenshot("shell-light").await;

    // Every section, by clicking the sidebar; none is built yet and each says so.
    for (id, title) in SECTIONS {
        app.click(&format!(".sidebar button[data-section={id}]"))
            .await;
        app.wait_text("#section-title", title).await;
        if !BUILT.contains(&id) {
            app.wait_text(".not-built__title", "This section is not built yet.")
                .await;
        }
        app.screenshot(&format!("section-{id}")).await;
    }

    // Keyboard: Ctrl+4 jumps to a section; arrows move through the sidebar from the focused item.
    app.press('4', true).await;
    app.wait_text("#section-title", "Health & Metrics").await;
    app.focus(".sidebar button[data-section=health]").await;
    app.press(Key::Down.into(), false).await;
    app.wait_text("#section-title", "Agents").await;

    // About (F1): the version shown is the crate's.
    app.press(Key::F1.into(), false).await;
    app.wait_text("dd[data-field=version]", env!("CARGO_PKG_VERSION"))
        .await;
    app.wait_text(
        "dd[data-field=settings-file]",
        profile.settings_file().to_str().unwrap(),
    )
    .await;
    app.screenshot("about").await;
    app.close_dialog().await;

    // Theme: dark is painted at once and saved.
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("shell-dark").await;
    app.click("[aria-label='About']").await;
    app.find("dd[data-field=version]").await;
    app.screenshot("about-dark").await;
    app.close_dialog().await;

    // Preferences (Ctrl+,): the log level is saved as soon as it is chosen.
    app.press(',', true).await;
    app.find("#pref-log-level")
        .await
        .select_by_value("debug")
        .await
        .expect("choose debug");
    profile.wait_saved_preference("logLevel", "debug").await;
    wait_until("the select to show the saved level", || async {
        let shown = app
            .eval("return document.getElementById('pref-log-level').value")
            .await;
        (shown == "debug").then_some(())
    })
    .await;
    app.screenshot("preferences-dark").await;
    app.close_dialog().await;
    app.choose_theme(&profile, "Light").await;
    app.press(',', true).await;
    app.find("#pref-log-level").await;
    app.screenshot("preferences-light").await;
    app.close_dialog().await;
    app.choose_theme(&profile, "Dark").await;

    // The smallest window the console allows still lays out.
    app.client
        .set_window_rect(0, 0, 900, 600)
        .await
        .expect("set window rect");
    app.wait_text("#section-title", "Agents").await;
    app.screenshot("minimum-size").await;

    // Geometry: move and resize, wait for it to be saved, restart, and find it restored.
    app.client
        .set_window_rect(40, 30, 1000, 680)
        .await
        .expect("set window rect");
    let saved = wait_until("the window geometry to be saved", || async {
        let window = profile.settings()?.get("window")?.clone();
        (window["width"] == 1000 && window["height"] == 680).then_some(window)
    })
    .await;
    app.quit().await;

    let app = App::launch(&profile).await;
    let (x, y, width, height) = app.client.get_window_rect().await.expect("window rect");
    assert_eq!(
        json!({"x": x, "y": y, "width": width, "height": height}),
        json!({"x": saved["x"], "y": saved["y"], "width": saved["width"], "height": saved["height"]}),
        "the restarted window has the saved geometry"
    );
    app.wait_painted("dark").await;
    app.screenshot("restarted").await;
    app.quit().await;

    let logs: Vec<_> = std::fs::read_dir(profile.log_dir())
        .expect("the log folder exists")
        .collect();
    assert_eq!(logs.len(), 1, "one daily log file");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn start_up_faults_are_reported_with_their_codes_and_the_console_still_runs() {
    let profile = Profile::new();
    // A malformed settings file, and a file where the log folder should be.
    let broken = "{\"preferences\": {\"theme\": ";
    std::fs::create_dir_all(profile.config_dir()).unwrap();
    std::fs::write(profile.settings_file(), broken).unwrap();
    std::fs::create_dir_all(profile.log_dir().parent().unwrap()).unwrap();
    std::fs::write(profile.log_dir(), "not a folder").unwrap();

    let app = App::launch(&profile).await;
    let toasts = wait_until("both start-up notices", || async {
        let text = app.find(".toast-viewport").await.text().await.ok()?;
        (text.matches("Copy details").count() == 2).then_some(text)
    })
    .await;
    assert!(
        toasts.contains("invalid_input Your settings file could not be read"),
        "{toasts}"
    );
    assert!(toasts.contains("settings.json.corrupt-1"), "{toasts}");
    assert!(
        toasts.contains("cannot write its log file, so it runs without one"),
        "{toasts}"
    );
    assert!(
        toasts.contains(profile.log_dir().to_str().unwrap()),
        "{toasts}"
    );
    app.screenshot("start-up-faults").await;

    // Still a working console: sections and settings behave as usual.
    app.click(".sidebar button[data-section=migrations]").await;
    app.wait_text("#section-title", "Migrations").await;
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("start-up-faults-dark").await;
    app.quit().await;

    let kept = profile.config_dir().join("settings.json.corrupt-1");
    assert_eq!(std::fs::read_to_string(kept).unwrap(), broken);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn the_app_and_afctl_share_the_config_dir_named_by_afc_config_dir() {
    let profile = Profile::with_config_dir_env();
    let app = App::launch(&profile).await;
    app.click("[aria-label='About']").await;
    app.wait_text(
        "dd[data-field=config-folder]",
        profile.config_dir().to_str().unwrap(),
    )
    .await;
    app.close_dialog().await;
    app.choose_theme(&profile, "Dark").await;
    app.quit().await;

    let afctl = afctl_binary();
    let out = std::process::Command::new(&afctl)
        .args(["--json", "info"])
        .env("AFC_CONFIG_DIR", profile.config_dir())
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", afctl.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["preferences"]["theme"], "dark");
}
