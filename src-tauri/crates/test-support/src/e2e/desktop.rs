//! What the tests see of the desktop around the window: native save dialogs (GTK, driven with
//! xdotool through the X server), desktop notifications (a real dunst), the clipboard (xclip).

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;
use tokio::process::{Child, Command};

use super::{App, wait_until};

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

/// What the clipboard holds now (xclip), if it can be read.
pub fn clipboard() -> Option<String> {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl App {
    // WebDriver cannot reach native windows; xdotool drives GTK's file dialogs (opened by the
    // backend through tauri-plugin-dialog) on the X server the app is on, as an operator would.
    /// Answers the native save dialog titled `title` (the backend opened it) with `path`.
    pub async fn save_dialog(&self, title: &str, path: &Path) {
        // The name field has the keyboard: replace the suggested name with the whole path (GTK
        // accepts a path there).
        answer_file_dialog(title, "ctrl+a", path).await;
    }

    /// Answers the native open dialog titled `title` with `path`.
    pub async fn open_dialog(&self, title: &str, path: &Path) {
        // Ctrl+L opens the chooser's location field.
        answer_file_dialog(title, "ctrl+l", path).await;
    }
}

/// Finds the dialog titled `title`, gives it the keyboard (there is no window manager here),
/// presses `key`, types `path` and Enter.
async fn answer_file_dialog(title: &str, key: &str, path: &Path) {
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
    xdotool(&["windowfocus", "--sync", &window]).await;
    xdotool(&["key", "--clearmodifiers", key]).await;
    let path_text = path.to_str().expect("a UTF-8 path");
    xdotool(&["type", "--delay", "5", path_text]).await;
    // The first Return may only accept the location field's completion (GTK's open dialog);
    // while the dialog is still there, Return again opens the file.
    let open = || async {
        let found = xdotool(&["search", "--onlyvisible", "--name", &pattern]).await;
        found.lines().any(|w| w == window)
    };
    for attempt in 0..3 {
        // Again only to the dialog (if it closed meanwhile, to nothing), never to the window
        // behind it.
        if attempt == 0 {
            xdotool(&["key", "Return"]).await;
        } else {
            xdotool(&["key", "--window", &window, "Return"]).await;
        }
        let start = std::time::Instant::now();
        while open().await && start.elapsed() < std::time::Duration::from_millis(1500) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if !open().await {
            return;
        }
    }
    panic!("the {title:?} dialog did not accept {path_text}");
}
