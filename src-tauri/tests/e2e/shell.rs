//! The shell: sections (as sections.json lists them), keyboard, About, Preferences, themes, the
//! remembered geometry and section, start-up faults, and the config folder shared with afctl.

use serde_json::json;
use test_support::e2e::{Key, Profile, sections, wait_file, wait_until};

use crate::{afctl_binary, launch};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn sections_keyboard_about_and_preferences() {
    // The system browser is a script that writes down the page it was asked to open
    // (xdg-open honours $BROWSER without a desktop environment).
    let profile = Profile::new();
    let opened = profile.dir("opened-url.txt");
    let browser = profile.dir("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let profile = profile.with_env("BROWSER", browser.to_str().unwrap());
    let app = launch(&profile).await;
    app.screenshot("shell-light").await;
    for (id, title, built) in sections() {
        app.click(&format!(".sidebar button[data-section={id}]"))
            .await;
        app.wait_text("#section-title", &title).await;
        if !built {
            app.wait_text(".not-built__title", "This section is not built yet.")
                .await;
        }
        app.screenshot(&format!("section-{id}")).await;
    }
    // Ctrl+4 jumps to a section; arrows move through the sidebar from the focused item.
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
    // Help: a new issue with the versions filled in, in the browser; the diagnostics as a zip.
    app.click("button[data-action=report-problem]").await;
    let url = wait_file(&opened, |b| !b.is_empty()).await;
    let url = String::from_utf8_lossy(&url);
    assert!(
        url.starts_with(&format!("{}?", afc_core::app_info::ISSUES)),
        "{url}"
    );
    assert!(
        url.starts_with("https://github.com/") && url.contains(env!("CARGO_PKG_VERSION")),
        "{url}"
    );
    let bundle = profile.dir("diagnostics.zip");
    app.click("button[data-action=save-diagnostics]").await;
    app.save_dialog("Save diagnostics", &bundle).await;
    wait_file(&bundle, |b| b.starts_with(b"PK")).await;
    app.wait_contains("[data-diagnostics]", "diagnostics.zip")
        .await;
    app.close_dialog().await;
    // Dark is painted at once and saved; the log level is saved as soon as it is chosen.
    app.choose_theme(&profile, "Dark").await;
    app.screenshot("shell-dark").await;
    app.press(',', true).await;
    app.find("#pref-log-level")
        .await
        .select_by_value("debug")
        .await
        .expect("choose debug");
    profile.wait_saved_preference("logLevel", "debug").await;
    app.screenshot("preferences-dark").await;
    app.close_dialog().await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn geometry_theme_and_section_are_remembered_across_a_restart() {
    let profile = Profile::new();
    let app = launch(&profile).await;
    app.choose_theme(&profile, "Dark").await;
    app.open("audit").await;
    // The smallest window the console allows still lays out.
    app.client
        .set_window_rect(0, 0, 900, 600)
        .await
        .expect("set window rect");
    app.screenshot("minimum-size").await;
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

    let app = launch(&profile).await;
    let (x, y, width, height) = app.client.get_window_rect().await.expect("window rect");
    assert_eq!(
        json!({"x": x, "y": y, "width": width, "height": height}),
        json!({"x": saved["x"], "y": saved["y"], "width": saved["width"], "height": saved["height"]}),
        "the restarted window has the saved geometry"
    );
    app.wait_painted("dark").await;
    // The section it was left on (the view state, in tauri-plugin-store's file).
    app.wait_text("#section-title", "Audit log").await;
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
    let app = launch(&profile).await;
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
    app.open("migrations").await;
    app.wait_text("#section-title", "Migrations").await;
    app.quit().await;
    let kept = profile.config_dir().join("settings.json.corrupt-1");
    assert_eq!(std::fs::read_to_string(kept).unwrap(), broken);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn the_app_and_afctl_share_the_config_dir_named_by_afc_config_dir() {
    let profile = Profile::with_config_dir_env();
    let app = launch(&profile).await;
    app.click("[aria-label='About']").await;
    app.wait_text(
        "dd[data-field=config-folder]",
        profile.config_dir().to_str().unwrap(),
    )
    .await;
    app.close_dialog().await;
    app.choose_theme(&profile, "Dark").await;
    app.quit().await;
    let out = test_support::afctl::run(
        &afctl_binary(),
        &profile.config_dir(),
        &["--json", "info"],
        "",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = test_support::afctl::json(&out);
    assert_eq!(info["preferences"]["theme"], "dark");
}
