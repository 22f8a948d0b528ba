//! End-to-end tests of the real window. Ignored by a plain `cargo test`; scripts/test.sh runs
//! them with `--include-ignored` inside Xvfb and a D-Bus session, with tauri-driver installed.
//! The harness and the page objects are test-support's (feature `e2e`).

mod a11y;
mod agents;
mod database;
mod demo;
mod environments;
mod health;
mod installed;
mod jobs;
mod keyboard;
mod migrations;
mod sandbox;
mod secrets;
mod shell;
mod smoke;
mod surface;

use std::path::{Path, PathBuf};

use test_support::e2e::{App, Profile};

/// The app binary this test run built.
pub fn app_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_agent-factory-console"))
}

/// afctl, built beside the app by `cargo test --workspace`.
pub fn afctl_binary() -> PathBuf {
    app_binary().with_file_name("afctl")
}

/// A migrated scratch database, and environment `name` (kind dev) on `api_url` and it, made with
/// afctl as an operator would; `more` goes to `env add` too (a Redis URL).
pub fn dev_environment(
    profile: &Profile,
    name: &str,
    api_url: &str,
    more: &[&str],
) -> test_support::postgres::TestDb {
    let db = test_support::postgres::TestDb::create();
    let url = db.url();
    afctl(
        profile,
        &["migrate", "apply", "--yes", "--database-url", &url],
        "",
    );
    let mut args = vec![
        "env",
        "add",
        name,
        "--kind",
        "dev",
        "--api-url",
        api_url,
        "--db-url",
        &url,
    ];
    args.extend_from_slice(more);
    afctl(profile, &args, "");
    db
}

pub async fn launch(profile: &Profile) -> App {
    App::launch(profile, app_binary()).await
}

/// Runs afctl on the profile's configuration folder, beside the window; a failure fails the test.
pub fn afctl(profile: &Profile, args: &[&str], stdin: &str) -> String {
    test_support::e2e::afctl(&afctl_binary(), profile, args, stdin)
}
