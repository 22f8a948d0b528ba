//! What the console asks of the desktop besides its window: notifications and the browser.
//!
//! notify-rust and open directly rather than through Tauri's notification and opener plugins: on
//! Linux those reached D-Bus through two more versions of zbus and its async runtime, while
//! notify-rust can use libdbus, which the keyring uses and GTK loads anyway (docs/benchmarks.md,
//! "Size"). The plugins' calls from Rust were these same two crates.

use afc_core::AppError;

/// Shows a desktop notification. A desktop without a notification service is not an error worth
/// more than a log line; the D-Bus call blocks, so it runs on a blocking thread.
pub fn notify(title: String, body: String) {
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(e) = notify_rust::Notification::new()
            .summary(&title)
            .body(&body)
            .auto_icon()
            .show()
        {
            tracing::info!(error = %e, "no desktop notification shown");
        }
    });
}

/// Opens `url` in the operator's browser.
pub fn open_url(url: &str) -> Result<(), AppError> {
    open::that_detached(url)
        .map_err(|e| AppError::internal("Could not open the browser").with_details(e.to_string()))
}
