//! A console with its own temporary configuration folder (and so its own keyring namespace).

use afc_core::Console;
use afc_core::paths::AppPaths;
use afc_core::settings::SettingsStore;

pub struct TestConsole {
    pub console: Console,
    #[allow(dead_code)] // only some test files look inside the folder
    pub dir: tempfile::TempDir,
}

pub fn console() -> TestConsole {
    let dir = tempfile::tempdir().unwrap();
    let paths = AppPaths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    let settings = SettingsStore::open(paths.settings_file()).unwrap().store;
    TestConsole {
        console: Console::new(paths, settings, "test"),
        dir,
    }
}
