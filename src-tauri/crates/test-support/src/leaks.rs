//! The leak search: which files under a folder contain a value (a secret that must not be there).

use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively) whose bytes contain `needle`, except those in `skip`.
pub fn files_containing(dir: &Path, needle: &str, skip: &[&Path]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if skip.contains(&path.as_path()) {
                continue;
            }
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
