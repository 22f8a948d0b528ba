//! [`Console`]: the settings, keyring and audit log one operator works with, opened the same way
//! by the app and by afctl so both see and change the same environments.

use crate::audit::AuditLog;
use crate::paths::AppPaths;
use crate::secrets::SecretStore;
use crate::settings::SettingsStore;

pub struct Console {
    pub paths: AppPaths,
    pub settings: SettingsStore,
    pub keyring: SecretStore,
    pub audit: AuditLog,
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
        }
    }
}
