//! A fresh set of config/data/cache folders for one app, surviving restarts of the app, so a
//! test can quit and relaunch to check what was remembered.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::wait_until;

/// The environment variable naming the console's config folder (afc-core's `CONFIG_DIR_ENV`).
pub const CONFIG_DIR_ENV: &str = "AFC_CONFIG_DIR";

/// The bundle identifier, from the app's own tauri.conf.json (the folder name under XDG dirs).
pub fn app_identifier() -> String {
    let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tauri.conf.json");
    let text = std::fs::read_to_string(&conf).unwrap_or_else(|e| panic!("{}: {e}", conf.display()));
    let v: Value = serde_json::from_str(&text).expect("tauri.conf.json is JSON");
    v["identifier"].as_str().expect("an identifier").to_owned()
}

pub struct Profile {
    root: tempfile::TempDir,
    /// When set, the app is launched with AFC_CONFIG_DIR pointing here.
    pub(super) config_override: Option<PathBuf>,
    /// Extra environment for the app (e.g. a D-Bus address with no keyring behind it).
    pub(super) env: Vec<(String, String)>,
}

impl Default for Profile {
    fn default() -> Self {
        Self::new()
    }
}

impl Profile {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temporary profile folder");
        for dir in ["config", "data", "cache"] {
            std::fs::create_dir_all(root.path().join(dir)).expect("profile folder");
        }
        Self {
            root,
            config_override: None,
            env: Vec::new(),
        }
    }

    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The profile's root folder: everything the app writes (config, data, cache, logs, the
    /// driver's log with the app's stderr) is under it.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// A profile whose config folder is chosen with AFC_CONFIG_DIR, as an operator or CI would.
    pub fn with_config_dir_env() -> Self {
        let mut profile = Self::new();
        profile.config_override = Some(profile.dir("shared-config"));
        profile
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// The console's config folder: AFC_CONFIG_DIR's, or XDG_CONFIG_HOME/<identifier>.
    pub fn config_dir(&self) -> PathBuf {
        match &self.config_override {
            Some(dir) => dir.clone(),
            None => self.dir("config").join(app_identifier()),
        }
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir().join("settings.json")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.dir("data").join(app_identifier()).join("logs")
    }

    pub fn settings(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.settings_file()).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Waits until the settings file holds `value` for the preference `key`.
    pub async fn wait_saved_preference(&self, key: &str, value: &str) {
        wait_until(&format!("{key} {value:?} to be saved"), || async {
            (self.settings()?["preferences"][key] == value).then_some(())
        })
        .await;
    }
}
