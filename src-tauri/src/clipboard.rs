//! The system clipboard, for values that must not pass through the web view (secrets).
//!
//! On Linux it is GTK's own clipboard, used on the main thread: GTK is linked already and serves
//! X11 and Wayland, while tauri-plugin-clipboard-manager (arboard) linked a second X11 client, a
//! Wayland clipboard stack and image codecs into the app for the same one line of text
//! (docs/benchmarks.md, "Size"). Elsewhere it is the plugin.

use afc_core::AppError;
use afc_core::secrets::SecretString;
use tauri::AppHandle;

/// Puts `value` on the clipboard.
pub async fn put(app: &AppHandle, value: SecretString) -> Result<(), AppError> {
    imp::put(app, value).await
}

/// Empties the clipboard if it still holds `value` (the operator may have copied something else
/// since, which stays).
pub fn clear_if_holds(app: &AppHandle, value: SecretString) {
    imp::clear_if_holds(app, value);
}

fn unusable(details: impl ToString) -> AppError {
    AppError::internal("Could not use the clipboard").with_details(details.to_string())
}

#[cfg(target_os = "linux")]
mod imp {
    use gtk::Clipboard;
    use gtk::gdk::SELECTION_CLIPBOARD;

    use super::*;

    pub async fn put(app: &AppHandle, value: SecretString) -> Result<(), AppError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        app.run_on_main_thread(move || {
            Clipboard::get(&SELECTION_CLIPBOARD).set_text(value.expose());
            let _ = done.send(());
        })
        .map_err(unusable)?;
        wait.await
            .map_err(|_| unusable("the window's main loop has stopped"))
    }

    pub fn clear_if_holds(app: &AppHandle, value: SecretString) {
        // Asked, not waited for: another owner answers through the main loop.
        let _ = app.run_on_main_thread(move || {
            Clipboard::get(&SELECTION_CLIPBOARD).request_text(move |clipboard, now| {
                if now == Some(value.expose()) {
                    clipboard.set_text("");
                }
            });
        });
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use tauri_plugin_clipboard_manager::ClipboardExt;

    use super::*;

    pub async fn put(app: &AppHandle, value: SecretString) -> Result<(), AppError> {
        app.clipboard().write_text(value.expose()).map_err(unusable)
    }

    pub fn clear_if_holds(app: &AppHandle, value: SecretString) {
        if app
            .clipboard()
            .read_text()
            .is_ok_and(|now| now == value.expose())
        {
            let _ = app.clipboard().write_text("");
        }
    }
}
