//! A console with its own temporary configuration folder (and so its own keyring namespace).

use afc_core::Console;
use afc_core::paths::AppPaths;
use afc_core::settings::SettingsStore;

pub struct TestConsole {
    pub console: Console,
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

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            {
                hits.push(path);
            }
        }
    }
    hits
}
