//! [`Console`]: the settings, keyring and audit log one operator works with, opened the same way
//! by the app and by afctl so both see and change the same environments.

use crate::api::ApiClients;
use crate::audit::AuditLog;
use crate::db::Databases;
use crate::keyring::SecretStore;
use crate::paths::AppPaths;
use crate::settings::SettingsStore;

pub struct Console {
    pub paths: AppPaths,
    pub settings: SettingsStore,
    pub keyring: SecretStore,
    pub audit: AuditLog,
    /// One API client per environment, one rate-limit budget per API.
    pub api: ApiClients,
    /// One database (with its small pool) per environment.
    pub databases: Databases,
    /// Environments given on afctl's command line by URL: never saved, their secrets held only
    /// in memory for this run.
    pub(crate) transient: std::sync::Mutex<Vec<Transient>>,
}

/// An unsaved environment, as the settings file would hold it (the console does not depend on
/// the environments module, which depends on it), and its connection secrets by key.
pub(crate) struct Transient {
    pub name: String,
    pub env: serde_json::Value,
    pub secrets: Vec<(&'static str, crate::keyring::SecretString)>,
}

impl Console {
    /// `source` names the program in audit entries (`app` or `afctl`).
    pub fn new(paths: AppPaths, settings: SettingsStore, source: &'static str) -> Self {
        let keyring = SecretStore::for_config(&paths.config_dir, paths.is_default_config_dir());
        let audit = AuditLog::in_dir(&paths.config_dir, source);
        Self {
            paths,
            settings,
            keyring,
            audit,
            api: ApiClients::default(),
            databases: Databases::default(),
            transient: std::sync::Mutex::default(),
        }
    }

    pub(crate) fn transients(&self) -> std::sync::MutexGuard<'_, Vec<Transient>> {
        // A list only appended to: a panic elsewhere cannot leave it half-changed.
        self.transient
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The console on the settings file in `paths`; a malformed file is an error, never moved
    /// aside (afctl, benchmarks and tests: only the window quarantines a bad file).
    pub fn load(paths: AppPaths, source: &'static str) -> crate::Result<Self> {
        let settings = SettingsStore::load(paths.settings_file())?;
        Ok(Self::new(paths, settings, source))
    }
}
