//! The native open and save dialogs, opened by the backend. Every file the console reads or
//! writes for the window is one the operator chose in one of these: the window never hands the
//! backend a path (it has no permission to open the dialogs itself, and no command takes one).

use std::path::PathBuf;

use afc_core::AppError;
use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

/// What a dialog is for: its title and the files it offers.
pub struct Choice<'a> {
    pub title: &'a str,
    /// The filter's name and extensions (without dots).
    pub filter: (&'a str, &'a [&'a str]),
}

fn builder(app: &AppHandle, choice: &Choice<'_>) -> FileDialogBuilder<tauri::Wry> {
    let (name, extensions) = choice.filter;
    let mut dialog = app.dialog().file().set_title(choice.title);
    // GTK's open dialog would otherwise start in "Recent", where a typed path is not opened.
    if let Some(home) = dirs_home() {
        dialog = dialog.set_directory(home);
    }
    if let Some(window) = tauri::Manager::get_webview_window(app, "main") {
        dialog = dialog.set_parent(&window);
    }
    dialog.add_filter(name, extensions)
}

fn dirs_home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// The file the operator chose to read, or None if they cancelled.
pub async fn open(app: &AppHandle, choice: Choice<'_>) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    builder(app, &choice).pick_file(move |path| {
        let _ = tx.send(path);
    });
    chosen(rx.await)
}

/// The folder the operator chose, or None if they cancelled.
pub async fn open_folder(app: &AppHandle, title: &str) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let choice = Choice {
        title,
        filter: ("Folders", &[]),
    };
    let mut dialog = builder(app, &choice);
    dialog = dialog.set_title(title);
    dialog.pick_folder(move |path| {
        let _ = tx.send(path);
    });
    chosen(rx.await)
}

/// Where the operator chose to write (`file_name` suggested), or None if they cancelled.
pub async fn save(
    app: &AppHandle,
    choice: Choice<'_>,
    file_name: &str,
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    builder(app, &choice)
        .set_file_name(file_name)
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    chosen(rx.await)
}

fn chosen(
    answer: Result<Option<tauri_plugin_dialog::FilePath>, tokio::sync::oneshot::error::RecvError>,
) -> Result<Option<PathBuf>, AppError> {
    let Ok(path) = answer else {
        return Err(AppError::internal(
            "The file dialog closed without an answer",
        ));
    };
    path.map(|p| {
        p.into_path().map_err(|e| {
            AppError::internal("The file dialog gave no local path").with_details(e.to_string())
        })
    })
    .transpose()
}

/// Writes `contents` to a file the operator chooses; the path written, or None if cancelled.
pub async fn save_as(
    app: &AppHandle,
    choice: Choice<'_>,
    file_name: &str,
    contents: impl AsRef<[u8]>,
) -> Result<Option<String>, AppError> {
    let Some(path) = save(app, choice, file_name).await? else {
        return Ok(None);
    };
    std::fs::write(&path, contents).map_err(|e| AppError::io("write", &path, &e))?;
    Ok(Some(path.display().to_string()))
}
