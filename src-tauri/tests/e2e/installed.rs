//! The installed package: scripts/test.sh builds the release .deb, installs it, and runs this test
//! against the binary the package put on the PATH (AFC_INSTALLED_APP), with the package's version
//! (AFC_PACKAGE_VERSION). The main test run skips it (`--skip installed_package`).

use std::path::Path;

use test_support::e2e::{App, Key, Profile};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package: run through scripts/test.sh"]
async fn installed_package_launches_and_its_about_dialog_reports_the_packages_version() {
    let binary = std::env::var("AFC_INSTALLED_APP")
        .expect("AFC_INSTALLED_APP: the installed app (scripts/test.sh sets it)");
    let version = std::env::var("AFC_PACKAGE_VERSION")
        .expect("AFC_PACKAGE_VERSION: the installed package's version");
    assert_ne!(
        Path::new(&binary),
        crate::app_binary(),
        "the installed binary, not this run's build"
    );
    let profile = Profile::new();
    let app = App::launch(&profile, Path::new(&binary)).await;
    app.press(Key::F1.into(), false).await;
    app.wait_text("dd[data-field=version]", &version).await;
    app.wait_contains("dd[data-field=build]", "release").await;
    app.screenshot("installed-about").await;
    app.quit().await;
}
