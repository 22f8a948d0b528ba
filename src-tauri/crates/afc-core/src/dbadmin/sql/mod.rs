//! The SQL console: sessions ([`session`]), what a statement does ([`classify`]), where each
//! statement of an editor's text starts, per-environment history and saved snippets (local
//! files), and EXPLAIN as a tree.

pub mod classify;
mod notices;
pub mod session;
pub mod tabs;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use classify::{Classified, StatementKind, classify};
pub use session::{Access, SqlError, SqlOutcome, SqlSession, cancel};

use crate::audit::{AuditAction, Event};
use crate::db::Database;
use crate::guard::{self, Confirmation, Decision, SafetyLevel};
use crate::migrate::split;
use crate::{AppError, Console, ErrorCode, Result, jsonl};

/// History entries kept per environment.
const HISTORY_KEPT: usize = 500;

/// One statement of an editor's text and where it starts (a character offset), so the window
/// can run the statement at the cursor and underline an error where the server points.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatementSpan {
    pub sql: String,
    pub start: u32,
    pub end: u32,
}

/// The statements of `text`, with character offsets.
pub fn statements(text: &str) -> Vec<StatementSpan> {
    // Characters counted on from the previous statement: linear however many there are.
    let (mut byte, mut chars) = (0usize, 0u32);
    split::split(text)
        .into_iter()
        .map(|s| {
            chars += text[byte..s.offset].chars().count() as u32;
            byte = s.offset;
            StatementSpan {
                start: chars,
                end: chars + s.sql.chars().count() as u32,
                sql: s.sql,
            }
        })
        .collect()
}

/// Whether a window's tab on `db` starts with writes allowed: only on open environments (and
/// databases given by URL); protected ones start read-only until the operator unlocks them.
pub fn writes_by_default(db: &Database) -> bool {
    db.safety == SafetyLevel::Open
}

/// What the operator must answer to let a session on `db` write.
pub fn unlock_decision(db: &Database) -> Decision {
    guard::decide(
        AuditAction::SqlRun,
        &guard::what(AuditAction::SqlRun, None),
        &db.scope(),
    )
}

impl Console {
    /// A SQL session on `db`: read-only, or, with the operator's `write` answer, writable if
    /// the write policy agrees (a read-only environment never does). Audited when writes are
    /// allowed, and every statement run with them.
    pub fn sql_session(
        &self,
        db: Arc<Database>,
        write: Option<&Confirmation>,
        timeout: Duration,
    ) -> Result<SqlSession> {
        let access = match write {
            None => Access::ReadOnly,
            Some(answer) => {
                let what = guard::what(AuditAction::SqlRun, None);
                let permit = guard::authorize(AuditAction::SqlRun, &what, &db.scope(), answer);
                if db.safety != SafetyLevel::Open || permit.is_err() {
                    let event = Event::new(AuditAction::SqlRun, db.environment.as_deref())
                        .target(&db.label)
                        .detail("writes unlocked for a SQL session");
                    self.audit
                        .around(event, permit.as_ref().map(|_| ()).map_err(Clone::clone))?;
                }
                Access::Write(permit?)
            }
        };
        Ok(SqlSession::new(db, access, timeout).audited(self.audit.clone()))
    }
}

/// What a window's SQL tab may do once opened.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SqlTab {
    pub read_only: bool,
    /// What unlocking writes would ask (refused on read-only environments).
    pub unlock: Decision,
}

/// A plan as PostgreSQL's JSON, or the statement's error.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    #[ts(optional, type = "unknown")]
    pub plan: Option<serde_json::Value>,
    #[ts(optional)]
    pub error: Option<SqlError>,
}

impl From<std::result::Result<serde_json::Value, SqlError>> for Explained {
    fn from(r: std::result::Result<serde_json::Value, SqlError>) -> Self {
        match r {
            Ok(plan) => Self {
                plan: Some(plan),
                error: None,
            },
            Err(error) => Self {
                plan: None,
                error: Some(error),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub statement: String,
    #[ts(type = "number")]
    pub millis: u64,
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub rows: Option<u64>,
    /// `ok`, or the server's message.
    pub outcome: String,
}

impl HistoryEntry {
    pub fn of(outcome: &SqlOutcome) -> Self {
        Self {
            at: Utc::now(),
            statement: outcome.statement.clone(),
            millis: outcome.millis,
            rows: outcome.row_count.or(Some(outcome.rows.len() as u64)),
            outcome: outcome
                .error
                .as_ref()
                .map_or_else(|| "ok".to_owned(), |e| e.message.clone()),
        }
    }
}

fn history_file(data_dir: &Path, env: &str) -> PathBuf {
    jsonl::per_environment(&data_dir.join("sql-history"), env)
}

pub fn record_history(data_dir: &Path, env: &str, entry: &HistoryEntry) -> Result<()> {
    let path = history_file(data_dir, env);
    jsonl::append(&path, entry, "the SQL history")?;
    jsonl::keep_last::<HistoryEntry>(&path, HISTORY_KEPT, HISTORY_KEPT * 2, "the SQL history")
}

/// The newest first.
pub fn history(data_dir: &Path, env: &str, n: usize) -> Result<Vec<HistoryEntry>> {
    let path = history_file(data_dir, env);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut entries = jsonl::read_last::<HistoryEntry>(&path, n, "the SQL history")?;
    entries.reverse();
    Ok(entries)
}

/// Saved snippets: one `.sql` file each in the data folder's `snippets/`.
fn snippet_path(data_dir: &Path, name: &str) -> Result<PathBuf> {
    let ok = !name.trim().is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
        && !name.starts_with('.');
    if !ok {
        return Err(AppError::invalid_input(format!(
            "\"{name}\" cannot name a snippet: use letters, digits, spaces, - _ and . (up to 100)"
        )));
    }
    Ok(data_dir
        .join("snippets")
        .join(format!("{}.sql", name.trim())))
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    pub name: String,
    pub sql: String,
}

pub fn snippets(data_dir: &Path) -> Result<Vec<Snippet>> {
    let dir = data_dir.join("snippets");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AppError::io("read", &dir, &e)),
    };
    let mut out: Vec<Snippet> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".sql")?.to_owned();
            let sql = std::fs::read_to_string(&path).ok()?;
            Some(Snippet { name, sql })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

pub fn save_snippet(data_dir: &Path, name: &str, sql: &str) -> Result<()> {
    let path = snippet_path(data_dir, name)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    }
    crate::atomic::write(&path, sql.as_bytes())
}

pub fn delete_snippet(data_dir: &Path, name: &str) -> Result<()> {
    let path = snippet_path(data_dir, name)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(AppError::new(
            ErrorCode::NotFound,
            format!("There is no snippet \"{name}\""),
        )),
        Err(e) => Err(AppError::io("remove", &path, &e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn statements_start_at_characters_not_bytes() {
        let spans = super::statements("SELECT 'é';\n-- two\nSELECT 2; SELECT 'ü'");
        let starts: Vec<(u32, u32)> = spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(starts, vec![(0, 10), (19, 27), (29, 39)]);
        assert_eq!(spans[1].sql, "SELECT 2");
    }
}
