//! Append-only JSON-lines files (the audit log, agent run history): one value a line, written
//! owner-only and synced, so a crash loses at most the line being written.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{AppError, Result};

/// Appends `value` as one line to `path` (creating the folder and the file, mode 0600);
/// `what` names the file in errors ("the audit log").
pub fn append(path: &Path, value: &impl Serialize, what: &str) -> Result<()> {
    let mut line = serde_json::to_vec(value).map_err(|e| {
        AppError::internal(format!("Could not write to {what}")).with_details(e.to_string())
    })?;
    line.push(b'\n');
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| AppError::io(&format!("open {what}"), path, &e))?;
    file.write_all(&line)
        .and_then(|()| file.sync_data())
        .map_err(|e| AppError::io(&format!("append to {what}"), path, &e))
}

/// Every line of `path` that parses as `T` (a missing file has none), and how many did not.
pub fn read<T: DeserializeOwned>(path: &Path, what: &str) -> Result<(Vec<T>, u32)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(AppError::io(&format!("read {what}"), path, &e)),
    };
    let mut values = Vec::new();
    let mut unreadable = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(v) => values.push(v),
            Err(_) => unreadable += 1,
        }
    }
    Ok((values, unreadable))
}
