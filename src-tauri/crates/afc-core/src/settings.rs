//! The console's settings file (`settings.json` in the config folder), shared by the app and afctl.
//!
//! Written here rather than with tauri-plugin-store because that plugin saves with a plain
//! `fs::write` (a crash mid-write truncates the file) and silently drops a file it cannot parse,
//! overwriting it on the next save. Here every save is atomic (write a temporary file beside it,
//! fsync, rename), a malformed file is kept aside and reported, and keys written by a newer
//! version are preserved.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::logging::LogLevel;
use crate::window_geometry::WindowGeometry;
use crate::{AppError, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ThemePreference {
    /// Follow the operating system's light/dark setting.
    #[default]
    System,
    Light,
    Dark,
}

/// What the operator chooses in Preferences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Preferences {
    pub theme: ThemePreference,
    pub log_level: LogLevel,
}

/// The whole file. The shell's own parts are typed here; each feature keeps its part under keys
/// of its own ([`Settings::section`]), so this module knows no feature. Unknown keys are kept so
/// an older console never erases a newer one's data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub preferences: Preferences,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowGeometry>,
    /// Every other key: the features' sections, and keys from newer versions.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Settings {
    /// The part of the file under `keys`, read as `T` (a feature's section; missing keys are
    /// `T`'s defaults). A malformed section is `invalid_input`, naming what is wrong.
    pub fn section<T: serde::de::DeserializeOwned>(&self, keys: &[&str]) -> Result<T> {
        let part: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .filter_map(|k| self.other.get(*k).map(|v| ((*k).to_owned(), v.clone())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(part)).map_err(|e| {
            AppError::invalid_input(format!(
                "The settings file's {} is not valid",
                keys.join(" and ")
            ))
            .with_details(e.to_string())
        })
    }

    /// Stores a feature's section; its keys that serialise to nothing are removed.
    pub fn set_section<T: Serialize>(&mut self, value: &T) -> Result<()> {
        let serde_json::Value::Object(map) = serde_json::to_value(value).map_err(|e| {
            AppError::internal("Could not serialise the settings").with_details(e.to_string())
        })?
        else {
            return Err(AppError::internal("A settings section must be an object"));
        };
        for (k, v) in map {
            if v.is_null() || v == serde_json::json!([]) {
                self.other.remove(&k);
            } else {
                self.other.insert(k, v);
            }
        }
        Ok(())
    }
}

/// Reads the settings file; a missing file gives the defaults, a malformed one an
/// `invalid_input` error naming the file, line and column. Never changes the file.
pub fn read(path: &Path) -> Result<Settings> {
    match std::fs::read(path) {
        Ok(bytes) => parse(&bytes).map_err(|e| {
            AppError::invalid_input(format!("The settings file {} is not valid", path.display()))
                .with_details(e.to_string())
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(AppError::io("read", path, &e)),
    }
}

fn parse(bytes: &[u8]) -> serde_json::Result<Settings> {
    serde_json::from_slice(bytes)
}

/// Writes the settings atomically: readers see the old file or the new one, never a torn one.
pub fn write(path: &Path, settings: &Settings) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(settings).map_err(|e| {
        AppError::internal("Could not serialise the settings").with_details(e.to_string())
    })?;
    bytes.push(b'\n');
    crate::atomic::write(path, &bytes)
}

/// What the app found when it opened the settings file.
#[derive(Debug)]
pub struct Opened {
    pub store: SettingsStore,
    /// Where a malformed settings file was moved to, so the operator can be told and recover it.
    pub quarantined: Option<PathBuf>,
}

/// The app's in-memory copy of the settings, kept in step with the file.
#[derive(Debug)]
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Opens the settings for the app. A malformed file is renamed to `settings.json.corrupt-<n>`
    /// (never deleted) and the defaults are used; any other read error is returned.
    pub fn open(path: PathBuf) -> Result<Opened> {
        let (settings, quarantined) = match read(&path) {
            Ok(s) => (s, None),
            Err(e) if e.code == crate::ErrorCode::InvalidInput => {
                (Settings::default(), Some(quarantine(&path)?))
            }
            Err(e) => return Err(e),
        };
        let store = Self {
            path,
            current: Mutex::new(settings),
        };
        Ok(Opened { store, quarantined })
    }

    /// Opens the settings for a tool that must not change a malformed file (afctl): a malformed
    /// file is an error, never moved aside.
    pub fn load(path: PathBuf) -> Result<Self> {
        let settings = read(&path)?;
        Ok(Self {
            path,
            current: Mutex::new(settings),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self) -> Settings {
        self.lock().clone()
    }

    /// Re-reads the file (afctl may have changed it) and returns what it holds.
    pub fn reload(&self) -> Result<Settings> {
        let settings = read(&self.path)?;
        *self.lock() = settings.clone();
        Ok(settings)
    }

    /// Applies `change` to what the file holds now (the app and afctl share it) and saves. If
    /// saving fails, memory and file are left as they were and the error returned.
    pub fn update(&self, change: impl FnOnce(&mut Settings)) -> Result<Settings> {
        self.try_update(|s| {
            change(s);
            Ok(())
        })
    }

    /// Like [`update`](Self::update), for changes that can refuse (nothing is saved then).
    pub fn try_update(&self, change: impl FnOnce(&mut Settings) -> Result<()>) -> Result<Settings> {
        let mut current = self.lock();
        let _file_lock = lock_file(&self.path)?;
        let base = read(&self.path)?;
        let mut next = base.clone();
        change(&mut next)?;
        if next != base {
            write(&self.path, &next)?;
        }
        *current = next.clone();
        Ok(next)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Settings> {
        // A panic while holding the lock cannot leave a half-applied change (see `update`).
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Serialises read-modify-write cycles across processes (the app and any number of afctl runs)
/// with an advisory lock on `settings.json.lock`.
fn lock_file(path: &Path) -> Result<std::fs::File> {
    let lock_path = path.with_extension("json.lock");
    if let Some(dir) = lock_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| AppError::io("open", &lock_path, &e))?;
    file.lock()
        .map_err(|e| AppError::io("lock", &lock_path, &e))?;
    Ok(file)
}

fn quarantine(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = (1..)
        .map(|n| path.with_file_name(format!("{name}.corrupt-{n}")))
        .find(|p| !p.exists())
        .expect("an unused name exists");
    std::fs::rename(path, &aside).map_err(|e| AppError::io("move aside", path, &e))?;
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn temp_settings() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/settings.json");
        (dir, path)
    }

    #[test]
    fn missing_file_reads_as_defaults() {
        let (_d, path) = temp_settings();
        assert_eq!(read(&path).unwrap(), Settings::default());
    }

    #[test]
    fn malformed_file_is_reported_with_line_and_column_and_left_untouched() {
        let (_d, path) = temp_settings();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{\n  \"preferences\": {\"theme\": \"dark\",}\n}").unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("settings.json"), "{err:?}");
        assert!(err.details.unwrap().contains("line 2"));
        assert!(path.exists());
    }

    #[test]
    fn unknown_values_are_invalid_not_silently_defaulted() {
        let (_d, path) = temp_settings();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, r#"{"preferences": {"theme": "purple"}}"#).unwrap();
        assert_eq!(read(&path).unwrap_err().code, ErrorCode::InvalidInput);
    }

    #[test]
    fn update_writes_atomically_and_keeps_unknown_keys() {
        let (_d, path) = temp_settings();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            r#"{"futureFeature": [{"name": "dev"}], "preferences": {"theme": "light"}}"#,
        )
        .unwrap();
        let opened = SettingsStore::open(path.clone()).unwrap();
        assert!(opened.quarantined.is_none());
        let saved = opened
            .store
            .update(|s| s.preferences.log_level = LogLevel::Debug)
            .unwrap();
        assert_eq!(saved.preferences.theme, ThemePreference::Light);
        let on_disk: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(on_disk["futureFeature"][0]["name"], "dev");
        assert_eq!(on_disk["preferences"]["logLevel"], "debug");
        // Only the settings file and its lock are left in the folder: no temporary files behind.
        let mut names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["settings.json", "settings.json.lock"]);
    }

    #[cfg(unix)]
    #[test]
    fn settings_file_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, path) = temp_settings();
        write(&path, &Settings::default()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
    }

    #[test]
    fn malformed_file_is_kept_aside_and_defaults_used() {
        let (_d, path) = temp_settings();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "not json").unwrap();
        std::fs::write(path.with_file_name("settings.json.corrupt-1"), "older").unwrap();
        let opened = SettingsStore::open(path.clone()).unwrap();
        let aside = opened.quarantined.unwrap();
        assert_eq!(aside, path.with_file_name("settings.json.corrupt-2"));
        assert_eq!(std::fs::read_to_string(&aside).unwrap(), "not json");
        assert_eq!(opened.store.get(), Settings::default());
        assert!(!path.exists());
    }

    #[test]
    fn failed_save_leaves_memory_and_file_unchanged() {
        let (dir, path) = temp_settings();
        let store = SettingsStore::open(path.clone()).unwrap().store;
        // A file where the settings folder should be makes the save fail, even for root.
        std::fs::write(dir.path().join("nested"), "in the way").unwrap();
        let err = store
            .update(|s| s.preferences.theme = ThemePreference::Dark)
            .unwrap_err();
        assert!(err.message.contains("nested"), "{err:?}");
        assert_eq!(store.get().preferences.theme, ThemePreference::System);
    }
}
