//! Where the console keeps its files. The app and `afctl` resolve these the same way, so an
//! operator (or a test) who points `AFC_CONFIG_DIR` at a folder gets one shared settings location.
//!
//! The defaults match what Tauri's path resolver gives for our bundle identifier, so files land
//! where platform conventions (and the About dialog) say they are.

use std::path::{Path, PathBuf};

use crate::{AppError, Result};

/// The bundle identifier in `tauri.conf.json`; the per-user folders are named after it.
pub const APP_IDENTIFIER: &str = "dev.agentfactory.console";
/// Overrides the configuration folder for the app and the CLI alike.
pub const CONFIG_DIR_ENV: &str = "AFC_CONFIG_DIR";
const SETTINGS_FILE_NAME: &str = "settings.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// Resolves the folders: `config_override` (the CLI's `--config-dir`) first, then
    /// `AFC_CONFIG_DIR`, then the platform default.
    pub fn resolve(config_override: Option<&Path>) -> Result<Self> {
        let env_dir = std::env::var_os(CONFIG_DIR_ENV).filter(|v| !v.is_empty());
        let config_dir = match (config_override, env_dir) {
            (Some(dir), _) => absolute(dir)?,
            (None, Some(dir)) => absolute(Path::new(&dir))?,
            (None, None) => platform_dir(dirs::config_dir(), "configuration")?,
        };
        Ok(Self {
            config_dir,
            data_dir: platform_dir(dirs::data_dir(), "data")?,
            log_dir: default_log_dir()?,
        })
    }

    /// Every folder under `root` (a sandbox, a test's scratch folder).
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            log_dir: root.join("logs"),
        }
    }

    /// Whether the configuration folder is the platform default (not `AFC_CONFIG_DIR` or
    /// `--config-dir`).
    pub fn is_default_config_dir(&self) -> bool {
        dirs::config_dir().is_some_and(|base| base.join(APP_IDENTIFIER) == self.config_dir)
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join(SETTINGS_FILE_NAME)
    }
}

fn absolute(dir: &Path) -> Result<PathBuf> {
    std::path::absolute(dir).map_err(|e| AppError::io("resolve the folder", dir, &e))
}

fn platform_dir(base: Option<PathBuf>, what: &str) -> Result<PathBuf> {
    base.map(|b| b.join(APP_IDENTIFIER)).ok_or_else(|| {
        AppError::internal(format!("This platform reports no per-user {what} folder"))
            .with_details(format!("Set {CONFIG_DIR_ENV} to choose a folder"))
    })
}

#[cfg(target_os = "macos")]
fn default_log_dir() -> Result<PathBuf> {
    dirs::home_dir()
        .map(|h| h.join("Library/Logs").join(APP_IDENTIFIER))
        .ok_or_else(|| AppError::internal("This platform reports no home folder"))
}

#[cfg(not(target_os = "macos"))]
fn default_log_dir() -> Result<PathBuf> {
    platform_dir(dirs::data_local_dir(), "data").map(|d| d.join("logs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_override_wins_and_is_made_absolute() {
        let p = AppPaths::resolve(Some(Path::new("relative/conf"))).unwrap();
        assert!(p.config_dir.is_absolute());
        assert!(p.config_dir.ends_with("relative/conf"));
        assert_eq!(p.settings_file(), p.config_dir.join("settings.json"));
    }

    #[test]
    fn defaults_are_named_after_the_bundle_identifier() {
        let p = AppPaths::resolve(Some(Path::new("/tmp/x"))).unwrap();
        assert!(p.data_dir.ends_with(APP_IDENTIFIER));
        assert!(
            p.log_dir
                .components()
                .any(|c| c.as_os_str() == APP_IDENTIFIER)
        );
    }
}
