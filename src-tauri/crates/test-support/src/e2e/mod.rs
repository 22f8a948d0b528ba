//! The end-to-end harness: the real app binary driven over WebDriver (tauri-driver in front of
//! WebKitWebDriver) under whatever X display and D-Bus session the test command provides
//! (scripts/test.sh), one page object per section, and the desktop around the window. Used by
//! the app's end-to-end tests and its start-up benchmark (feature `e2e`).

mod app;
mod audit;
mod desktop;
mod driver;
pub mod pages;
mod profile;

use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

pub use app::{App, Key};
pub use desktop::{Notifications, clipboard};
pub use profile::{CONFIG_DIR_ENV, Profile, app_identifier};

/// Long enough for a cold WebKit start on a loaded 2-core machine; only reached on failure.
pub const DEADLINE: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// One app launch at a time: the machine has two cores, and parallel windows only add flakiness.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The sections as the window lists them (ui/src/sections.json): id, title, built.
pub fn sections() -> Vec<(String, String, bool)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/sections.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("sections.json is JSON");
    list.iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default().to_owned(),
                s["title"].as_str().unwrap_or_default().to_owned(),
                s["built"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

/// Runs afctl (`binary`) on the profile's configuration folder and its data folder (the smoke
/// history, agent runs), as an operator would beside the window, and returns what it printed; a
/// failure fails the test.
pub fn afctl(binary: &Path, profile: &Profile, args: &[&str], stdin: &str) -> String {
    let data = profile.dir("data");
    let data = data.to_str().expect("a UTF-8 temporary folder");
    let out = crate::afctl::run(
        binary,
        &profile.config_dir(),
        args,
        stdin,
        &[("XDG_DATA_HOME", data)],
    );
    assert!(
        out.status.success(),
        "afctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::afctl::text(&out)
}

/// Waits until the file at `path` is there and `check` accepts its bytes (a file still being
/// written is read again), and returns them.
pub async fn wait_file(path: &Path, check: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    wait_until(&format!("{} to be written", path.display()), || async {
        std::fs::read(path).ok().filter(|bytes| check(bytes))
    })
    .await
}

/// Polls `check` until it returns `Some`, or panics with `what` after the deadline.
pub async fn wait_until<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    wait_until_within(DEADLINE, what, check).await
}

/// [`wait_until`] with its own deadline, for conditions that take longer by design.
pub async fn wait_until_within<T, F, Fut>(deadline: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < deadline,
            "timed out after {deadline:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}
