use std::fmt::Write;
use std::process::ExitCode;

use afc_core::AppError;
use afc_core::app_info::AppInfo;
use afc_core::paths::AppPaths;
use afc_core::settings::{self, Preferences};
use serde::Serialize;

use super::Ctx;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Info {
    #[serde(flatten)]
    app: AppInfo,
    settings_file_exists: bool,
    preferences: Preferences,
}

pub fn run(ctx: &Ctx) -> Result<ExitCode, AppError> {
    let paths = AppPaths::resolve(ctx.config_dir.as_deref())?;
    let settings_file = paths.settings_file();
    let settings_file_exists = match std::fs::metadata(&settings_file) {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(AppError::io("read", &settings_file, &e)),
    };
    let preferences = settings::read(&settings_file)?.preferences;
    let info = Info {
        app: AppInfo::collect(env!("CARGO_PKG_VERSION"), &paths, None),
        settings_file_exists,
        preferences,
    };
    ctx.out.result(&info, || human(&info))
}

fn human(info: &Info) -> String {
    let app = &info.app;
    let commit = app.build.commit.as_deref().unwrap_or("unknown commit");
    let mut s = format!(
        "{} {} ({}, {commit})\n",
        app.name, app.version, app.build.profile
    );
    let present = if info.settings_file_exists {
        ""
    } else {
        " (not created yet)"
    };
    let rows = [
        (
            "Platform",
            format!("{} {}", app.platform.os, app.platform.arch),
        ),
        ("Config folder", app.paths.config_dir.clone()),
        (
            "Settings file",
            format!("{}{present}", app.paths.settings_file),
        ),
        ("Log folder", app.paths.log_dir.clone()),
        ("Data folder", app.paths.data_dir.clone()),
        ("Audit log", app.paths.audit_log.clone()),
        ("Keyring", app.paths.keyring_service.clone()),
        ("Theme", super::wire_name(info.preferences.theme)),
        ("Log level", info.preferences.log_level.as_str().to_owned()),
    ];
    for (label, value) in rows {
        let _ = writeln!(s, "{label:<14} {value}");
    }
    s
}

/// `afctl diagnostics FILE`.
pub fn diagnostics(ctx: &Ctx, file: &std::path::Path) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let versions = AppInfo::collect(env!("CARGO_PKG_VERSION"), &console.paths, None);
    let summary = console.write_diagnostics(file, &versions, &[])?;
    ctx.out.result(&summary, || {
        format!(
            "Wrote {} ({} entries, {} bytes): attach it to the bug report.\n",
            summary.path,
            summary.entries.len(),
            summary.bytes
        )
    })
}
