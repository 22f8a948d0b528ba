//! What the app holds for its whole life, set up before the window opens.

use afc_core::logging::{LogTargets, Logging};
use afc_core::paths::AppPaths;
use afc_core::settings::SettingsStore;
use afc_core::{AppError, Result};

pub struct AppState {
    pub paths: AppPaths,
    pub settings: SettingsStore,
    pub logging: Logging,
    /// Problems found at start-up that the operator should hear about (shown once the UI is up).
    pub notices: Vec<AppError>,
}

impl AppState {
    pub fn init() -> Result<Self> {
        let paths = AppPaths::resolve(None)?;
        let opened = SettingsStore::open(paths.settings_file())?;
        let level = opened.store.get().preferences.log_level;
        let targets = || LogTargets {
            file: Some((paths.log_dir.as_path(), "console")),
            stderr: cfg!(debug_assertions),
        };
        let mut notices = Vec::new();
        let logging = match Logging::init(targets(), level) {
            Ok(logging) => logging,
            Err(e) if e.code == afc_core::ErrorCode::InvalidInput => {
                notices.push(e);
                Logging::init_ignoring_env(targets(), level)?
            }
            Err(e) => return Err(e),
        };
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
            paths,
            settings: opened.store,
            logging,
            notices,
        })
    }
}
