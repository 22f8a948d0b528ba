//! Drives the real app binary over WebDriver: tauri-driver in front of WebKitWebDriver, under
//! whatever X display and D-Bus session the test command provides (scripts/test.sh).
//!
//! Each [`Profile`] is a fresh set of config/data/cache folders that survives restarts of the app,
//! so a test can quit and relaunch to check what was remembered. Waits are on conditions with a
//! deadline, never fixed sleeps.

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
pub use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// Long enough for a cold WebKit start on a loaded 2-core machine; only reached on failure.
const DEADLINE: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// One app launch at a time: the machine has two cores, and parallel windows only add flakiness.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct Profile {
    root: tempfile::TempDir,
    /// When set, the app is launched with AFC_CONFIG_DIR pointing here.
    config_override: Option<PathBuf>,
    /// Extra environment for the app (e.g. a D-Bus address with no keyring behind it).
    env: Vec<(String, String)>,
}

impl Profile {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temporary profile folder");
        for dir in ["config", "data", "cache"] {
            std::fs::create_dir_all(root.path().join(dir)).expect("profile folder");
        }
        Self {
            root,
            config_override: None,
            env: Vec::new(),
        }
    }

    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The profile's root folder: everything the app writes (config, data, cache, logs, the
    /// driver's log with the app's stderr) is under it.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// A profile whose config folder is chosen with AFC_CONFIG_DIR, as an operator or CI would.
    pub fn with_config_dir_env() -> Self {
        let mut profile = Self::new();
        profile.config_override = Some(profile.dir("shared-config"));
        profile
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// The console's config folder: AFC_CONFIG_DIR's, or XDG_CONFIG_HOME/<identifier>.
    pub fn config_dir(&self) -> PathBuf {
        match &self.config_override {
            Some(dir) => dir.clone(),
            None => self.dir("config").join(afc_core::paths::APP_IDENTIFIER),
        }
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir().join("settings.json")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.dir("data")
            .join(afc_core::paths::APP_IDENTIFIER)
            .join("logs")
    }

    pub fn settings(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.settings_file()).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Waits until the settings file holds `value` for the preference `key`.
    pub async fn wait_saved_preference(&self, key: &str, value: &str) {
        wait_until(&format!("{key} {value:?} to be saved"), || async {
            (self.settings()?["preferences"][key] == value).then_some(())
        })
        .await;
    }
}

/// The afctl binary, built beside the app by `cargo test --workspace` and `cargo bench`.
/// Runs afctl on the profile's configuration folder, as an operator would beside the window, and
/// returns what it printed; a failure fails the test.
pub fn afctl(profile: &Profile, args: &[&str], stdin: &str) -> String {
    let out = test_support::afctl::run(&afctl_binary(), &profile.config_dir(), args, stdin, &[]);
    assert!(
        out.status.success(),
        "afctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    test_support::afctl::text(&out)
}

pub fn afctl_binary() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_agent-factory-console")).with_file_name("afctl")
}

pub struct App {
    pub client: Client,
    _driver: DriverGroup,
    _one_app: tokio::sync::MutexGuard<'static, ()>,
}

/// A real notification daemon (dunst) on the test session's bus, to see what the app shows on
/// the desktop. Stopped when dropped.
pub struct Notifications {
    _daemon: Child,
}

async fn dunstctl(args: &[&str]) -> Option<String> {
    let out = Command::new("dunstctl").args(args).output().await.ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Notifications {
    pub async fn start() -> Self {
        let daemon = Command::new("dunst")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("dunst runs (scripts/test.sh installs it)");
        wait_until("the notification daemon to be on the bus", || {
            dunstctl(&["count", "displayed"])
        })
        .await;
        Self { _daemon: daemon }
    }

    /// Waits for a notification whose title is `summary`, and returns its body. Those on screen
    /// are closed first: dunst lists only closed ones in its history.
    pub async fn wait_for(&self, summary: &str) -> String {
        wait_until(&format!("a notification {summary:?}"), || async {
            dunstctl(&["close-all"]).await?;
            let history: Value = serde_json::from_str(&dunstctl(&["history"]).await?).ok()?;
            history["data"][0]
                .as_array()?
                .iter()
                .find(|n| n["summary"]["data"] == summary)
                .and_then(|n| n["body"]["data"].as_str().map(str::to_owned))
        })
        .await
    }
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

/// Two distinct free local ports (both are held until both are chosen).
fn free_ports() -> (u16, u16) {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().expect("a bound address").port();
    (port(&a), port(&b))
}

/// Waits until something accepts connections on the port, failing early if the driver died.
async fn wait_for_port(driver: &mut DriverGroup, port: u16, what: &str) {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if let Ok(Some(status)) = driver.child.try_wait() {
            driver.fail(&format!("tauri-driver exited early: {status}"));
        }
        if start.elapsed() > DEADLINE {
            driver.fail(&format!("{what} did not listen on port {port}"));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// tauri-driver, the WebKitWebDriver it starts and the app that one launches share a process
/// group, which is killed as a whole when this is dropped: killing tauri-driver alone leaves the
/// other two running (it only stops its native driver on SIGTERM), holding the display and the
/// test runner's output open.
struct DriverGroup {
    child: Child,
    /// The output of tauri-driver, WebKitWebDriver and the app. A file, not our stderr: processes
    /// that outlived a killed test would otherwise hold the test runner's output pipe open.
    log: PathBuf,
}

impl DriverGroup {
    fn fail(&self, what: &str) -> ! {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!(
            "{what}\n--- driver and app output ({}) ---\n{log}",
            self.log.display()
        );
    }
}

impl Drop for DriverGroup {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            // SAFETY: killpg only sends a signal; the group id is our child's pid (process_group(0)).
            unsafe { libc::killpg(pid as libc::pid_t, libc::SIGKILL) };
        }
    }
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let path = cargo_home.join("bin/tauri-driver");
    assert!(
        path.exists(),
        "tauri-driver not found at {}: scripts/test.sh installs it",
        path.display()
    );
    path
}

impl App {
    /// Launches the app binary with the profile's folders and waits for the shell to render.
    pub async fn launch(profile: &Profile) -> Self {
        let one_app = ONE_APP.lock().await;
        let (port, native_port) = free_ports();
        let log = profile.dir("driver.log");
        let mut command = Command::new(tauri_driver());
        match &profile.config_override {
            Some(dir) => command.env(afc_core::paths::CONFIG_DIR_ENV, dir),
            None => command.env_remove(afc_core::paths::CONFIG_DIR_ENV),
        };
        let child = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // The app inherits these through WebKitWebDriver.
            .env("XDG_CONFIG_HOME", profile.dir("config"))
            .env("XDG_DATA_HOME", profile.dir("data"))
            .env("XDG_CACHE_HOME", profile.dir("cache"))
            .env_remove("AFC_LOG")
            .envs(profile.env.iter().map(|(k, v)| (k, v)))
            .env("NO_AT_BRIDGE", "1")
            // Under WebDriver automation, WebKitGTK's DMA-BUF renderer never updates the X window,
            // so screenshots of the screen came out blank; the shared-memory path paints normally.
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a driver log file"))
            .process_group(0)
            .spawn()
            .expect("tauri-driver starts");
        let mut driver = DriverGroup { child, log };

        // tauri-driver proxies to WebKitWebDriver as soon as it listens, without waiting for it.
        wait_for_port(&mut driver, port, "tauri-driver").await;
        wait_for_port(&mut driver, native_port, "WebKitWebDriver").await;
        let url = format!("http://127.0.0.1:{port}");

        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": env!("CARGO_BIN_EXE_agent-factory-console") }
        });
        let client = match ClientBuilder::native()
            .capabilities(caps.as_object().expect("an object").clone())
            .connect(&url)
            .await
        {
            Ok(client) => client,
            Err(e) => driver.fail(&format!("no WebDriver session with the app: {e}")),
        };
        let app = Self {
            client,
            _driver: driver,
            _one_app: one_app,
        };
        app.find("nav[aria-label=Sections]").await;
        // Record anything the Content Security Policy blocks from here on; `quit` fails on it.
        app.eval(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', \
             (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)); return null",
        )
        .await;
        app
    }

    /// Waits for the element to exist.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(DEADLINE)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Opens the tab (or segment) matching `css` and waits until it is on. WebDriver computes the
    /// point to click, then clicks it: if the page reflows in between (data arriving), the click
    /// lands elsewhere. So it clicks again until the tab says it is on; clicking an open tab
    /// changes nothing.
    pub async fn choose_tab(&self, css: &str) {
        wait_until(&format!("{css} to be on"), || async {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            if el.attr("data-state").await.ok()?.as_deref() == Some("on") {
                return Some(());
            }
            // A failed click is retried on the next round, like a missed one.
            let _ = el.click().await;
            None
        })
        .await;
    }

    /// Moves keyboard focus to the element.
    pub async fn focus(&self, css: &str) {
        let el = self.find(css).await;
        let arg = serde_json::to_value(&el).expect("an element reference");
        self.client
            .execute("arguments[0].focus()", vec![arg])
            .await
            .expect("focus");
    }

    /// Waits until the element's text is `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) {
        self.wait_for_text(css, &format!("read {expected:?}"), |t| t == expected)
            .await;
    }

    /// Waits until the text of the element matching `css` passes `ok`. On timeout the panic says
    /// what the element read last (or that it was absent) and what the section showed, so a
    /// failure in CI explains itself without a rerun.
    async fn wait_for_text(&self, css: &str, what: &str, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.ok(),
                Err(_) => None,
            };
            if text.as_deref().is_some_and(&ok) {
                return;
            }
            if start.elapsed() >= DEADLINE {
                let shown = match self.client.find(Locator::Css("main")).await {
                    Ok(main) => main.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                panic!(
                    "timed out after {DEADLINE:?} waiting for {css} to {what}; it read {text:?}\n\
                     --- the section showed ---\n{shown}"
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Replaces the text of an input or textarea by typing, as an operator would.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clearing {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    /// Chooses the option with `value` in a select. WebKitWebDriver cannot click into the
    /// native popup of a `<select>`, so this sets the value the way the popup does and fires the
    /// `change` event React listens to.
    pub async fn select(&self, css: &str, value: &str) {
        wait_until(&format!("{css} to offer {value:?}"), || async {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            let arg = serde_json::to_value(&el).ok()?;
            let done = self
                .client
                .execute(
                    "const [el, value] = arguments; \
                     if (![...el.options].some((o) => o.value === value)) return false; \
                     Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(el, value); \
                     el.dispatchEvent(new Event('change', { bubbles: true })); return true",
                    vec![arg, Value::String(value.to_owned())],
                )
                .await
                .ok()?;
            (done == Value::Bool(true)).then_some(())
        })
        .await;
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_contains(&self, css: &str, needle: &str) {
        self.wait_for_text(css, &format!("contain {needle:?}"), |t| t.contains(needle))
            .await;
    }

    /// Waits until no element matches.
    pub async fn wait_gone(&self, css: &str) {
        wait_until(&format!("{css} to disappear"), || async {
            self.client
                .find(Locator::Css(css))
                .await
                .is_err()
                .then_some(())
        })
        .await;
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    /// Waits until the page is painted in `theme` ("light" or "dark").
    pub async fn wait_painted(&self, theme: &str) {
        wait_until(&format!("the {theme} theme to be painted"), || async {
            let painted = self
                .eval("return document.documentElement.dataset.theme ?? null")
                .await;
            (painted == theme).then_some(())
        })
        .await;
    }

    /// Closes the open dialog with Escape.
    pub async fn close_dialog(&self) {
        self.press(Key::Escape.into(), false).await;
        self.wait_gone(".modal").await;
    }

    /// Picks a theme in the top bar ("Light", "Dark") and waits until it is painted and saved.
    pub async fn choose_theme(&self, profile: &Profile, label: &str) {
        let theme = label.to_lowercase();
        self.click(&format!("[aria-label='{label} theme']")).await;
        self.wait_painted(&theme).await;
        profile.wait_saved_preference("theme", &theme).await;
    }

    /// Presses a key, optionally with Ctrl held.
    pub async fn press(&self, key: char, ctrl: bool) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut keys = KeyActions::new("keyboard".into());
        if ctrl {
            keys = keys.then(KeyAction::Down {
                value: Key::Control.into(),
            });
        }
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        if ctrl {
            keys = keys.then(KeyAction::Up {
                value: Key::Control.into(),
            });
        }
        self.client
            .perform_actions(keys)
            .await
            .expect("key actions");
        self.client.release_actions().await.expect("release keys");
    }

    /// Scrolls the section back to its top (WebDriver scrolls whatever it touches into view).
    pub async fn scroll_top(&self) {
        self.eval("document.querySelector('.content')?.scrollTo(0, 0); return null")
            .await;
    }

    /// Scrolls the content so the element is at the top (for a screenshot of it).
    pub async fn scroll_into_view(&self, css: &str) {
        self.find(css).await;
        self.eval(&format!(
            "document.querySelector({css:?}).scrollIntoView({{block: 'start'}}); return null"
        ))
        .await;
    }

    /// Answers the native save dialog titled `title` (GTK's, opened by tauri-plugin-dialog) with
    /// `path`, typed into its name field as an operator would. WebDriver
    /// cannot reach native windows; xdotool drives this one through the X server the app is on.
    pub async fn save_dialog(&self, title: &str, path: &Path) {
        let xdotool = |args: &[&str]| {
            let mut command = Command::new("xdotool");
            command.args(args);
            async move {
                let out = command
                    .output()
                    .await
                    .expect("xdotool runs (scripts/test.sh installs it)");
                String::from_utf8_lossy(&out.stdout).trim().to_owned()
            }
        };
        let pattern = format!("^{title}$");
        let window = wait_until(&format!("the {title:?} dialog"), || async {
            let found = xdotool(&["search", "--onlyvisible", "--name", &pattern]).await;
            found.lines().next().map(str::to_owned)
        })
        .await;
        // No window manager here: give the dialog the keyboard, replace the suggested name with
        // the whole path (GTK accepts a path in the name field) and press Enter.
        xdotool(&["windowfocus", "--sync", &window]).await;
        xdotool(&["key", "--clearmodifiers", "ctrl+a"]).await;
        let path_text = path.to_str().expect("a UTF-8 path");
        xdotool(&["type", "--delay", "5", path_text]).await;
        xdotool(&["key", "Return"]).await;
    }

    /// Saves a PNG of the screen to target/e2e-screenshots/<name>.png for review. Taken from the
    /// X server, not WebDriver: WebKit's WebDriver snapshot leaves out some composited layers
    /// (toasts were missing), while the X server has exactly what an operator would see.
    pub async fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let file = dir.join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(&file)
            .status()
            .await
            .expect("ImageMagick's import runs (scripts/test.sh installs it)");
        assert!(status.success(), "screenshot {name} failed: {status}");
    }

    /// Checks nothing was blocked by the CSP, ends the session (closing the app), stops the driver.
    pub async fn quit(self) {
        let violations = self.eval("return window.__cspViolations").await;
        assert_eq!(
            violations,
            json!([]),
            "the Content Security Policy blocked something"
        );
        self.client.close().await.expect("the session ends");
        // Dropping `self` ends the driver's process group.
    }
}
