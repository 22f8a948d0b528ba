//! What the app holds for its whole life, set up before the window opens.

use std::sync::{Arc, OnceLock};

use afc_core::health::watchers::Watchers;
use afc_core::jobs::Jobs;
use afc_core::logging::{LogTargets, Logging};
use afc_core::paths::AppPaths;
use afc_core::settings::{LogLevel, SettingsStore};
use afc_core::{AppError, Console, ErrorCode, Result};

use crate::commands::secrets::PendingImports;

pub struct AppState {
    /// Settings, keyring and audit log, shared with afctl through the configuration folder.
    pub console: Arc<Console>,
    pub logging: Logging,
    /// Problems found at start-up that the operator should hear about (shown once the UI is up).
    pub notices: Vec<AppError>,
    pub imports: PendingImports,
    /// Every job of this run (migrations, imports, the health watchers), with their logs.
    pub jobs: Arc<Jobs>,
    /// Started once the app exists (they push events to the window): see `events::start`.
    pub watchers: OnceLock<Arc<Watchers>>,
    /// The demos on stage (progress saved after every change).
    pub shows: afc_core::demo::Shows,
    /// The Database section's open SQL tabs, each with its session.
    pub sql_tabs: afc_core::dbadmin::sql::tabs::Tabs,
}

impl AppState {
    pub fn init() -> Result<Self> {
        let paths = AppPaths::resolve(None)?;
        let opened = SettingsStore::open(paths.settings_file())?;
        let mut notices = Vec::new();
        let logging = start_logging(
            &paths,
            opened.store.get().preferences.log_level,
            &mut notices,
        )?;
        if let Some(aside) = opened.quarantined {
            tracing::warn!(kept_as = %aside.display(), "settings file was malformed; using defaults");
            notices.push(
                AppError::invalid_input(
                    "Your settings file could not be read, so defaults are in use",
                )
                .with_details(format!(
                    "The unreadable file was kept as {}",
                    aside.display()
                )),
            );
        }
        Ok(Self {
            console: Arc::new(Console::new(paths, opened.store, "app")),
            logging,
            notices,
            imports: PendingImports::default(),
            jobs: Arc::new(Jobs::default()),
            watchers: OnceLock::new(),
            shows: afc_core::demo::Shows::default(),
            sql_tabs: Default::default(),
        })
    }

    pub fn watchers(&self) -> Result<&Arc<Watchers>> {
        self.watchers
            .get()
            .ok_or_else(|| AppError::internal("The health watchers have not started yet"))
    }
}

/// Starts logging, degrading rather than refusing to start: an invalid `AFC_LOG` falls back to the
/// preference, and an unwritable log folder to no log file. Each fallback becomes a notice.
fn start_logging(
    paths: &AppPaths,
    level: LogLevel,
    notices: &mut Vec<AppError>,
) -> Result<Logging> {
    let mut honour_env = true;
    let mut file = Some((paths.log_dir.as_path(), "console"));
    loop {
        let targets = LogTargets {
            file,
            stderr: cfg!(debug_assertions),
        };
        let started = if honour_env {
            Logging::init(targets, level)
        } else {
            Logging::init_ignoring_env(targets, level)
        };
        match started {
            Ok(logging) => return Ok(logging),
            Err(e) if honour_env && e.code == ErrorCode::InvalidInput => {
                notices.push(e);
                honour_env = false;
            }
            Err(e) if file.is_some() => {
                let details = format!("{} ({})", e.message, e.details.unwrap_or_default());
                notices.push(
                    AppError::new(
                        e.code,
                        "The console cannot write its log file, so it runs without one",
                    )
                    .with_details(details),
                );
                file = None;
            }
            Err(e) => return Err(e),
        }
    }
}
