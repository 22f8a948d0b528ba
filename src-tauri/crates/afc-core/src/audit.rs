//! The local audit log: one JSON line per change the console made (or tried to make), appended
//! to `audit.jsonl` in the configuration folder. Entries name the environment and the variable,
//! never a value.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Result;

const FILE_NAME: &str = "audit.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    /// `app` or `afctl`.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub environment: Option<String>,
    /// What was done, e.g. `secret.set`, `environment.delete`.
    pub action: String,
    /// What it was done to, e.g. a variable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target: Option<String>,
    pub outcome: Outcome,
    /// A non-secret detail: an error code, a count, a file path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

/// What the log holds, plus how many lines could not be read (never silently dropped).
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditLogView {
    pub entries: Vec<AuditEntry>,
    pub unreadable_lines: u32,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
    source: &'static str,
}

/// Every kind of change the console records. The wire names are the audit log's `action`
/// field and never change (old logs stay readable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum AuditAction {
    #[serde(rename = "environment.create")]
    EnvironmentCreate,
    #[serde(rename = "environment.update")]
    EnvironmentUpdate,
    #[serde(rename = "environment.duplicate")]
    EnvironmentDuplicate,
    #[serde(rename = "environment.delete")]
    EnvironmentDelete,
    #[serde(rename = "environment.switch")]
    EnvironmentSwitch,
    #[serde(rename = "variable.set")]
    VariableSet,
    #[serde(rename = "variable.delete")]
    VariableDelete,
    /// A secret the operator chose to keep as plain text (its value moves to the settings file).
    #[serde(rename = "variable.make-plain")]
    VariableMakePlain,
    #[serde(rename = "secret.reveal")]
    SecretReveal,
    #[serde(rename = "secret.copy")]
    SecretCopy,
    /// A secret a smoke flow sent (read from the keyring at run time, never recorded).
    #[serde(rename = "secret.use")]
    SecretUse,
    /// A preview that compared imported values with stored secrets (new, changed, unchanged).
    #[serde(rename = "env-file.preview")]
    EnvFilePreview,
    #[serde(rename = "env-file.import")]
    EnvFileImport,
    #[serde(rename = "env-file.export")]
    EnvFileExport,
    #[serde(rename = "migration.apply")]
    MigrationApply,
    #[serde(rename = "migration.revert")]
    MigrationRevert,
    #[serde(rename = "migration.adopt")]
    MigrationAdopt,
    /// An agent created in (or, under the same id, replacing one in) the API's registry.
    #[serde(rename = "agent.save")]
    AgentSave,
    #[serde(rename = "agent.delete")]
    AgentDelete,
    /// An API agent written into the database's agents table.
    #[serde(rename = "agent.to-table")]
    AgentToTable,
    #[serde(rename = "agent.run")]
    AgentRun,
    /// The demo data set written in one transaction.
    #[serde(rename = "demo.seed")]
    DemoSeed,
    /// The demo data set and every row that references the demo tenant, removed.
    #[serde(rename = "demo.reset")]
    DemoReset,
    /// A change a demo step made on stage (an agent, a workflow, a user signed up), or its clean-up.
    #[serde(rename = "demo.step")]
    DemoStep,
    /// The local sandbox's database created (when missing), migrated and seeded.
    #[serde(rename = "sandbox.up")]
    SandboxUp,
    /// The local sandbox's database dropped and its environment removed.
    #[serde(rename = "sandbox.down")]
    SandboxDown,
    /// A statement run with writes allowed in the SQL console (or `afctl db query --write`).
    #[serde(rename = "sql.run")]
    SqlRun,
    /// Staged edits of a table applied (updates and inserts).
    #[serde(rename = "rows.edit")]
    RowsEdit,
    /// Staged edits that delete rows applied.
    #[serde(rename = "rows.delete")]
    RowsDelete,
    /// A server process's running statement cancelled.
    #[serde(rename = "backend.cancel")]
    BackendCancel,
    /// A server process (a session) terminated.
    #[serde(rename = "backend.terminate")]
    BackendTerminate,
}

impl AuditAction {
    /// The wire name (`variable.set`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnvironmentCreate => "environment.create",
            Self::EnvironmentUpdate => "environment.update",
            Self::EnvironmentDuplicate => "environment.duplicate",
            Self::EnvironmentDelete => "environment.delete",
            Self::EnvironmentSwitch => "environment.switch",
            Self::VariableSet => "variable.set",
            Self::VariableDelete => "variable.delete",
            Self::VariableMakePlain => "variable.make-plain",
            Self::SecretReveal => "secret.reveal",
            Self::SecretCopy => "secret.copy",
            Self::SecretUse => "secret.use",
            Self::EnvFilePreview => "env-file.preview",
            Self::EnvFileImport => "env-file.import",
            Self::EnvFileExport => "env-file.export",
            Self::MigrationApply => "migration.apply",
            Self::MigrationRevert => "migration.revert",
            Self::MigrationAdopt => "migration.adopt",
            Self::AgentSave => "agent.save",
            Self::AgentDelete => "agent.delete",
            Self::AgentToTable => "agent.to-table",
            Self::AgentRun => "agent.run",
            Self::DemoSeed => "demo.seed",
            Self::DemoReset => "demo.reset",
            Self::DemoStep => "demo.step",
            Self::SandboxUp => "sandbox.up",
            Self::SandboxDown => "sandbox.down",
            Self::SqlRun => "sql.run",
            Self::RowsEdit => "rows.edit",
            Self::RowsDelete => "rows.delete",
            Self::BackendCancel => "backend.cancel",
            Self::BackendTerminate => "backend.terminate",
        }
    }
}

/// One change to record, before it gets its time and source.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub environment: Option<&'a str>,
    pub action: AuditAction,
    pub target: Option<&'a str>,
    pub detail: Option<String>,
}

impl<'a> Event<'a> {
    pub fn new(action: AuditAction, environment: Option<&'a str>) -> Self {
        Self {
            environment,
            action,
            target: None,
            detail: None,
        }
    }

    pub fn target(mut self, target: &'a str) -> Self {
        self.target = Some(target);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl AuditLog {
    pub fn in_dir(config_dir: &Path, source: &'static str) -> Self {
        Self {
            path: config_dir.join(FILE_NAME),
            source,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry. Opened in append mode, one `write` per line, so concurrent writers
    /// (the app and afctl) never interleave within a line.
    pub fn record(&self, event: Event<'_>, outcome: Outcome) -> Result<()> {
        tracing::info!(
            action = event.action.as_str(),
            environment = event.environment.unwrap_or("-"),
            target = event.target.unwrap_or("-"),
            outcome = ?outcome,
            detail = event.detail.as_deref().unwrap_or(""),
            "change"
        );
        let entry = AuditEntry {
            at: Utc::now(),
            source: self.source.to_owned(),
            environment: event.environment.map(str::to_owned),
            action: event.action.as_str().to_owned(),
            target: event.target.map(str::to_owned),
            outcome,
            detail: event.detail,
        };
        crate::jsonl::append(&self.path, &entry, "the audit log")
    }

    /// Runs `op` and records its outcome (with the error code on failure), returning its result.
    pub fn around<T>(&self, event: Event<'_>, result: Result<T>) -> Result<T> {
        let outcome = if result.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Failed
        };
        let mut event = event;
        if let Err(e) = &result {
            event.detail = Some(match event.detail.take() {
                Some(d) => format!("{d}; {}", e.code),
                None => e.code.to_string(),
            });
        }
        match (self.record(event, outcome), result) {
            (Ok(()), r) => r,
            // The change happened but could not be recorded: say so rather than hide it.
            (Err(audit), Ok(_)) => {
                Err(audit
                    .with_details("The change was made, but the audit log could not record it"))
            }
            (Err(_), Err(e)) => Err(e),
        }
    }

    /// Every entry, newest first.
    pub fn read(&self) -> Result<AuditLogView> {
        let (mut entries, unreadable_lines) = crate::jsonl::read(&self.path, "the audit log")?;
        entries.reverse();
        Ok(AuditLogView {
            entries,
            unreadable_lines,
            path: self.path.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AppError;
    use std::io::Write;

    #[test]
    fn action_wire_names_match_serde() {
        for a in [
            AuditAction::EnvFileImport,
            AuditAction::MigrationAdopt,
            AuditAction::SecretCopy,
            AuditAction::SecretUse,
        ] {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }

    #[test]
    fn entries_are_appended_and_read_back_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_dir(dir.path(), "app");
        let ev = |action| Event {
            environment: Some("dev"),
            action,
            target: Some("DEBUG"),
            detail: None,
        };
        log.record(ev(AuditAction::VariableSet), Outcome::Ok)
            .unwrap();
        let failed: Result<()> = Err(AppError::new(crate::ErrorCode::KeyringUnavailable, "x"));
        assert!(log.around(ev(AuditAction::SecretReveal), failed).is_err());
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"torn{\n")
            .unwrap();
        let view = log.read().unwrap();
        assert_eq!(view.unreadable_lines, 1);
        assert_eq!(view.entries.len(), 2);
        assert_eq!(view.entries[0].action, "secret.reveal");
        assert_eq!(view.entries[0].outcome, Outcome::Failed);
        assert_eq!(
            view.entries[0].detail.as_deref(),
            Some("keyring_unavailable")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
