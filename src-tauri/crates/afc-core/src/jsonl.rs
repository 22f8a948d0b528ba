//! Append-only JSON-lines files (the audit log, agent run history): one value a line, written
//! owner-only and synced, so a crash loses at most the line being written.

use std::io::Write;
use std::path::{Path, PathBuf};

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{AppError, Result};

/// Appends `value` as one line to `path` (creating the folder and the file, mode 0600);
/// `what` names the file in errors ("the audit log"). After a torn last line (a crash
/// mid-write) it starts a new line, so only the torn one is lost.
pub fn append(path: &Path, value: &impl Serialize, what: &str) -> Result<()> {
    let mut line = serde_json::to_vec(value).map_err(|e| {
        AppError::internal(format!("Could not write to {what}")).with_details(e.to_string())
    })?;
    line.push(b'\n');
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| AppError::io(&format!("open {what}"), path, &e))?;
    if ends_torn(&mut file).map_err(|e| AppError::io(&format!("read {what}"), path, &e))? {
        line.insert(0, b'\n');
    }
    file.write_all(&line)
        .and_then(|()| file.sync_data())
        .map_err(|e| AppError::io(&format!("append to {what}"), path, &e))
}

/// Whether the file's last byte is not a newline (an append mode file still reads anywhere).
fn ends_torn(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    let mut last = [0u8];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
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

/// The newest `n` lines of `path` that parse as `T`, newest first (a missing file has none).
/// Only those are parsed: a long file's older lines are skipped unread.
pub fn read_last<T: DeserializeOwned>(path: &Path, n: usize, what: &str) -> Result<Vec<T>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AppError::io(&format!("read {what}"), path, &e)),
    };
    Ok(text
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .take(n)
        .collect())
}

/// `<dir>/<env>.jsonl`: any environment name makes one safe file name.
pub fn per_environment(dir: &Path, env_name: &str) -> PathBuf {
    let name = utf8_percent_encode(env_name, NON_ALPHANUMERIC).to_string();
    dir.join(format!("{name}.jsonl"))
}

/// Once `path` holds more than `over` readable lines, rewrites it (atomically) with its newest
/// `keep`; unreadable lines go with the rest.
pub fn keep_last<T: Serialize + DeserializeOwned>(
    path: &Path,
    keep: usize,
    over: usize,
    what: &str,
) -> Result<()> {
    // Counting lines is cheap; parsing them all after every append would not be.
    let lines = match std::fs::read(path) {
        Ok(bytes) => line_count(&bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(AppError::io(&format!("read {what}"), path, &e)),
    };
    if lines <= over {
        return Ok(());
    }
    let (values, _) = read::<T>(path, what)?;
    if values.len() <= keep {
        return Ok(());
    }
    let mut text = Vec::new();
    for v in &values[values.len() - keep..] {
        serde_json::to_writer(&mut text, v).map_err(|e| {
            AppError::internal(format!("Could not rewrite {what}")).with_details(e.to_string())
        })?;
        text.push(b'\n');
    }
    crate::atomic::write(path, &text)
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_loses_only_itself_and_old_lines_are_dropped_past_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log.jsonl");
        append(&file, &1, "log").unwrap();
        let mut text = std::fs::read(&file).unwrap();
        text.extend_from_slice(b"{\"torn");
        std::fs::write(&file, text).unwrap();
        for n in 2..=7 {
            append(&file, &n, "log").unwrap();
        }
        let (values, unreadable) = read::<u32>(&file, "log").unwrap();
        assert_eq!((values, unreadable), (vec![1, 2, 3, 4, 5, 6, 7], 1));
        // Eight lines (one torn) is not over eight: kept whole; over five, the newest three.
        keep_last::<u32>(&file, 3, 8, "log").unwrap();
        assert_eq!(read::<u32>(&file, "log").unwrap().0.len(), 7);
        keep_last::<u32>(&file, 3, 5, "log").unwrap();
        assert_eq!(read::<u32>(&file, "log").unwrap(), (vec![5, 6, 7], 0));
    }
}
