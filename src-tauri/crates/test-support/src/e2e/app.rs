//! The real app window, driven over WebDriver. Waits are on conditions with a deadline, never
//! fixed sleeps.

use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::Command;

pub use fantoccini::key::Key;

use super::driver::{DriverGroup, free_ports, tauri_driver, wait_for_port};
use super::profile::{CONFIG_DIR_ENV, Profile};
use super::{DEADLINE, ONE_APP, POLL, wait_until};

pub struct App {
    pub client: Client,
    _driver: DriverGroup,
    _one_app: tokio::sync::MutexGuard<'static, ()>,
}

impl App {
    /// Launches the app binary with the profile's folders and waits for the shell to render.
    /// `binary` is the app (the test's `CARGO_BIN_EXE_agent-factory-console`).
    pub async fn launch(profile: &Profile, binary: &Path) -> Self {
        let one_app = ONE_APP.lock().await;
        let (port, native_port) = free_ports();
        let log = profile.dir("driver.log");
        let mut command = Command::new(tauri_driver());
        match &profile.config_override {
            Some(dir) => command.env(CONFIG_DIR_ENV, dir),
            None => command.env_remove(CONFIG_DIR_ENV),
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
            "tauri:options": { "application": binary }
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

    /// The element matching `css`, once there is one. A lookup that fails because the page
    /// replaced the node as it was being found (a stale element) is tried again, like a miss.
    /// On a timeout the window is saved as `timeout-<css>.png`, to see what was there instead.
    pub async fn find(&self, css: &str) -> Element {
        let start = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                return element;
            }
            if start.elapsed() >= DEADLINE {
                self.timed_out(css, &format!("an element {css}")).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn timed_out(&self, css: &str, what: &str) -> ! {
        let name: String = css.chars().filter(char::is_ascii_alphanumeric).collect();
        self.screenshot(&format!("timeout-{name}")).await;
        panic!("timed out after {DEADLINE:?} waiting for {what}");
    }

    /// Clicks the element matching `css`, once it has stopped moving (for up to two seconds):
    /// WebDriver computes the point to click and then clicks it, so a click while the page still
    /// lays out (a dialog growing as its content arrives) lands wherever the element was.
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        for _ in 0..20 {
            let before = el.rectangle().await.ok();
            tokio::time::sleep(POLL).await;
            if before.is_some() && before == el.rectangle().await.ok() {
                break;
            }
        }
        el.click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Clicks the button matching `css` until it has taken the click: it turns disabled (busy)
    /// or goes away. A click that landed elsewhere, the page having moved under it, is made
    /// again; one that was taken is not (the button is disabled from then on).
    pub async fn click_until_taken(&self, css: &str) {
        let enabled = format!("{css}:not([disabled])");
        self.click(&enabled).await;
        wait_until(&format!("{css} to take the click"), || async {
            tokio::time::sleep(POLL).await;
            match self.client.find(Locator::Css(&enabled)).await {
                Err(_) => Some(()),
                Ok(el) => {
                    let _ = el.click().await;
                    None
                }
            }
        })
        .await;
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

    /// Ticks the checkbox matching `css` from the keyboard (focus, Space), as a pointer click
    /// lands wherever the page has reflowed to between WebDriver finding the point and clicking
    /// it; again until it is ticked.
    pub async fn tick(&self, css: &str) {
        wait_until(&format!("{css} to be ticked"), || async {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            if el.prop("checked").await.ok()?.as_deref() == Some("true") {
                return Some(());
            }
            self.focus(css).await;
            self.press(' ', false).await;
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

    /// Replaces the text of an input or textarea by typing, as an operator would (who first
    /// scrolls to it: WebKitWebDriver does not scroll a field into view to clear it).
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        let arg = serde_json::to_value(&el).expect("an element reference");
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'}); return null",
                vec![arg],
            )
            .await
            .unwrap_or_else(|e| panic!("scrolling to {css}: {e}"));
        // A controlled field re-rendered between the clear and the first key gets its old
        // value back (React writes its state into the DOM), and the typing lands after it:
        // check what the field holds, and type again if so.
        let mut held = String::new();
        for attempt in 0..3 {
            if attempt == 0 {
                el.clear()
                    .await
                    .unwrap_or_else(|e| panic!("clearing {css}: {e}"));
                el.send_keys(text)
                    .await
                    .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
            } else {
                // WebDriver's clear does not always reach React (a prefilled value comes back):
                // select everything and delete it from the keyboard, as an operator would.
                empty_and_type(&el, css, text).await;
            }
            held = el.prop("value").await.ok().flatten().unwrap_or_default();
            if held == text {
                return;
            }
        }
        panic!("{css} holds {held:?} after typing {text:?}");
    }

    /// Replaces the text of a code editor (a contenteditable, such as CodeMirror's) by typing
    /// into it, and waits until it shows exactly `text`.
    pub async fn type_code(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("focusing {css}: {e}"));
        empty_and_type(&el, css, text).await;
        self.wait_text(css, text).await;
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

    /// Waits until nothing matches `css`; on a timeout the window is saved as
    /// `timeout-<css>.png` beside the other screenshots, to see what stayed.
    pub async fn wait_gone(&self, css: &str) {
        let start = std::time::Instant::now();
        while self.client.find(Locator::Css(css)).await.is_ok() {
            if start.elapsed() >= DEADLINE {
                self.timed_out(css, &format!("{css} to disappear")).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    /// Runs `script` until it calls its last argument (the callback) with the result: for
    /// measurements taken in the page across animation frames.
    pub async fn eval_async(&self, script: &str) -> Value {
        self.client
            .execute_async(script, vec![])
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

    /// Presses Tab until the element matching `css` has keyboard focus: proof that the keyboard
    /// reaches it (in at most 150 presses from where focus is).
    pub async fn tab_to(&self, css: &str) {
        let selector = serde_json::to_string(css).expect("a string");
        let script = format!("return document.activeElement?.matches({selector}) ?? false");
        for _ in 0..150 {
            if self.eval(&script).await == Value::Bool(true) {
                return;
            }
            self.press(Key::Tab.into(), false).await;
        }
        self.screenshot(&format!("timeout-tab-to-{}", css.replace(['/', ' '], "_")))
            .await;
        panic!("150 presses of Tab never reached {css}");
    }

    /// Types `text` into whatever has keyboard focus.
    pub async fn type_keys(&self, text: &str) {
        self.client
            .active_element()
            .await
            .expect("an element with focus")
            .send_keys(text)
            .await
            .expect("typing");
    }

    /// Presses a key that closes the window it is pressed in (the release then has no window to
    /// go to, which is not a failure).
    pub async fn press_closing(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        let _ = self.client.perform_actions(keys).await;
        let _ = self.client.release_actions().await;
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

    /// Saves a PNG of the screen to target/e2e-screenshots/<name>.png for review. Taken from the
    /// X server, not WebDriver: WebKit's WebDriver snapshot leaves out some composited layers
    /// (toasts were missing), while the X server has exactly what an operator would see.
    pub async fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target/e2e-screenshots");
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

    /// Makes the app window whose page has the URL fragment `fragment` the one the next commands
    /// go to, once it exists: `""` for the main window, `audience` for the demo's audience window
    /// (a page's title is no help: it is the same until the page's script sets it).
    pub async fn switch_to_window(&self, fragment: &str) {
        wait_until(&format!("a window at #{fragment}"), || async {
            for handle in self.client.windows().await.ok()? {
                self.client.switch_to_window(handle).await.ok()?;
                let url = self.client.current_url().await.ok()?;
                if url.fragment().unwrap_or("") == fragment {
                    return Some(());
                }
            }
            None
        })
        .await;
    }

    /// The number of the app's native windows open now.
    pub async fn window_count(&self) -> usize {
        self.client.windows().await.map_or(0, |w| w.len())
    }

    /// Kills the app as a crash would (SIGKILL, with its driver): nothing is saved on the way out.
    pub fn crash(self) {
        drop(self);
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

/// Selects everything in the element and deletes it from the keyboard, as an operator would,
/// then types `text`.
async fn empty_and_type(el: &Element, css: &str, text: &str) {
    let (ctrl, delete) = (char::from(Key::Control), char::from(Key::Backspace));
    el.send_keys(&format!("{ctrl}a{ctrl}{delete}"))
        .await
        .unwrap_or_else(|e| panic!("emptying {css}: {e}"));
    el.send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}
