//! The diagnostics bundle: what an operator attaches to a bug report, as one zip — versions, the
//! last days of logs, the settings and environments without any secret, the audit log, the
//! health history and the last job logs. Secrets live in the keyring and never enter it; the
//! values of variables kept in the settings file are left out too (a secret made plain is still a
//! secret). The logs are redacted when written.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use zip::write::SimpleFileOptions;

use crate::app_info::AppInfo;
use crate::{AppError, Console, Result};

/// Logs younger than this go in.
const LOG_AGE: Duration = Duration::from_secs(3 * 24 * 3600);
/// The newest lines of each history kept (a health history can hold megabytes).
const HISTORY_LINES: usize = 2000;
const LEFT_OUT: &str = "(value left out of the diagnostics)";

/// A job's log as the window keeps it (afctl has none).
#[derive(Debug, Clone, Serialize)]
pub struct JobLog {
    pub title: String,
    pub state: String,
    pub lines: Vec<String>,
}

/// What was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticsSummary {
    pub path: String,
    pub entries: Vec<String>,
    #[ts(type = "number")]
    pub bytes: u64,
}

const README: &str = "Agent Factory Console diagnostics\n\n\
versions.json   the app, build, operating system and web view\n\
settings.json   preferences and environments; variable values are left out\n\
audit.jsonl     the newest changes the console made (never a value)\n\
logs/           the last three days of logs (secrets redacted when written)\n\
health/         the newest health polls of each environment\n\
jobs.json       the window's job logs (absent from afctl's bundle)\n\n\
Secrets (passwords, API keys, tokens) are kept in the OS keyring and are not in this file.\n";

impl Console {
    /// Writes the bundle to `file` (created or replaced), with `versions` and the window's `jobs`.
    pub fn write_diagnostics(
        &self,
        file: &Path,
        versions: &AppInfo,
        jobs: &[JobLog],
    ) -> Result<DiagnosticsSummary> {
        let io = |e: std::io::Error| AppError::io("write", file, &e);
        let out = std::fs::File::create(file).map_err(io)?;
        let mut zip = zip::ZipWriter::new(out);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut entries = Vec::new();
        let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
            zip.start_file(name, options)
                .map_err(|e| zip_error(file, &e))?;
            zip.write_all(bytes).map_err(io)?;
            entries.push(name.to_owned());
            Ok(())
        };
        add("README.txt", README.as_bytes())?;
        add("versions.json", &json(versions)?)?;
        let settings = serde_json::to_value(self.settings.get()).unwrap_or_default();
        add("settings.json", &json(&without_values(settings))?)?;
        if let Some(lines) = newest_lines(self.audit.path(), HISTORY_LINES) {
            add("audit.jsonl", lines.as_bytes())?;
        }
        for path in recent_files(&self.paths.log_dir) {
            let bytes = std::fs::read(&path).map_err(|e| AppError::io("read", &path, &e))?;
            add(&format!("logs/{}", file_name(&path)), &bytes)?;
        }
        for path in recent_files(&self.paths.data_dir.join("health")) {
            if let Some(lines) = newest_lines(&path, HISTORY_LINES) {
                add(&format!("health/{}", file_name(&path)), lines.as_bytes())?;
            }
        }
        if !jobs.is_empty() {
            add("jobs.json", &json(&jobs)?)?;
        }
        let out = zip.finish().map_err(|e| zip_error(file, &e))?;
        let bytes = out.metadata().map_err(io)?.len();
        Ok(DiagnosticsSummary {
            path: file.display().to_string(),
            entries,
            bytes,
        })
    }
}

fn zip_error(file: &Path, e: &zip::result::ZipError) -> AppError {
    AppError::internal(format!(
        "Could not write the diagnostics to {}",
        file.display()
    ))
    .with_details(e.to_string())
}

fn json(value: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| {
        AppError::internal("Could not encode the diagnostics").with_details(e.to_string())
    })
}

/// The settings with every environment's variable values replaced (names and whether each is a
/// secret stay: they explain a problem without giving anything away).
fn without_values(mut settings: Value) -> Value {
    if let Some(envs) = settings
        .get_mut("environments")
        .and_then(Value::as_array_mut)
    {
        for env in envs {
            if let Some(vars) = env.get_mut("variables").and_then(Value::as_object_mut) {
                for var in vars.values_mut() {
                    if let Some(value) = var.get_mut("value") {
                        *value = Value::String(LEFT_OUT.to_owned());
                    }
                }
            }
        }
    }
    settings
}

/// Files in `dir` modified within [`LOG_AGE`], oldest first.
fn recent_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let now = SystemTime::now();
    let mut files: Vec<(SystemTime, std::path::PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let modified = e.metadata().ok()?.modified().ok()?;
            let recent = now.duration_since(modified).unwrap_or_default() < LOG_AGE;
            (recent && e.path().is_file()).then(|| (modified, e.path()))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The last `n` lines of a text file, or None when it cannot be read.
fn newest_lines(path: &Path, n: usize) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    Some(lines[start..].join("\n") + "\n")
}
