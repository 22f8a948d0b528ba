//! The one write policy. Every action that changes something an environment holds (its
//! profile, its secrets, its database) asks [`decide`] what the operator must do first, and
//! only [`authorize`] turns the operator's answer into a [`WritePermit`], the token a database
//! write session and every guarded change require. The window renders the [`Decision`] it
//! receives (one confirmation dialog); afctl maps it to `--yes` / `--confirm NAME` / a refusal.
//!
//! | safety     | write          | destructive    | bulk           |
//! |------------|----------------|----------------|----------------|
//! | open       | allowed        | confirm (yes)  | confirm (yes)  |
//! | protected  | type the name  | type the name  | type the name  |
//! | read-only  | refused        | refused        | refused        |
//!
//! A read-only environment's own profile can still be edited or deleted (typing its name), so
//! an operator can always make it writable again.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{AuditAction, AuditLog, Event};
use crate::{AppError, ErrorCode, Result};

/// How careful the console is with an environment (see `docs/security.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SafetyLevel {
    #[default]
    Open,
    /// Writes need the environment's name typed to confirm.
    Protected,
    /// Write actions are absent.
    ReadOnly,
}

/// How much an action changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// One change that can be made again or undone (set a variable, edit a profile).
    Write,
    /// Removes something (delete an environment, remove a variable, revert migrations).
    Destructive,
    /// Changes many things at once (import a file, apply migrations, adopt a database).
    Bulk,
}

/// What the action is done to: an environment, or a database given only by URL (open).
#[derive(Debug, Clone)]
pub struct Scope {
    /// The environment's name, or the URL's `host:port/database` label.
    pub name: String,
    pub is_environment: bool,
    pub safety: SafetyLevel,
}

impl Scope {
    pub fn new(name: &str, safety: SafetyLevel, is_environment: bool) -> Self {
        Self {
            name: name.to_owned(),
            is_environment,
            safety,
        }
    }

    /// A target with no environment (a `--database-url`): treated as open.
    pub fn url(label: &str) -> Self {
        Self::new(label, SafetyLevel::Open, false)
    }
}

/// What the operator must do before the action runs, with the sentence they read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "verdict",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Decision {
    Allowed { sentence: String },
    ConfirmYes { sentence: String },
    ConfirmName { name: String, sentence: String },
    Refused { reason: String },
}

/// What the operator answered: yes (a button, `--yes`, a terminal answer) and the name they
/// typed, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    #[serde(default)]
    pub yes: bool,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
}

impl Confirmation {
    pub fn yes() -> Self {
        Self {
            yes: true,
            name: None,
        }
    }

    pub fn name(name: &str) -> Self {
        Self {
            yes: true,
            name: Some(name.to_owned()),
        }
    }
}

/// Proof that the write policy allowed an action on one target. Only [`authorize`] makes one.
#[derive(Debug)]
pub struct WritePermit {
    target: String,
    action: AuditAction,
}

impl WritePermit {
    pub fn target(&self) -> &str {
        &self.target
    }

    pub fn action(&self) -> AuditAction {
        self.action
    }
}

/// How much `action` changes, or None for what the policy does not guard (reading a secret,
/// creating or switching to an environment, exporting a file).
pub fn kind_of(action: AuditAction) -> Option<ActionKind> {
    use AuditAction::*;
    match action {
        EnvironmentUpdate | VariableSet | AgentSave | AgentToTable | DemoStep | SandboxUp
        | SqlRun | RowsEdit | BackendCancel => Some(ActionKind::Write),
        // Making a secret plain cannot be taken back: its value has been on disk.
        EnvironmentDelete | VariableDelete | VariableMakePlain | MigrationRevert | AgentDelete
        | DemoReset | SandboxDown | RowsDelete | BackendTerminate => Some(ActionKind::Destructive),
        EnvFileImport | MigrationApply | MigrationAdopt | DemoSeed => Some(ActionKind::Bulk),
        // A run changes nothing the platform keeps (executions live in the API's memory); it
        // is audited, not asked about.
        EnvironmentCreate | EnvironmentDuplicate | EnvironmentSwitch | SecretReveal
        | SecretCopy | SecretUse | EnvFilePreview | EnvFileExport | AgentRun => None,
    }
}

/// The sentence for `action` that the operator reads ("set DEBUG", "apply the pending
/// migrations"); `subject` names what it is done to, where that matters.
pub fn what(action: AuditAction, subject: Option<&str>) -> String {
    let subject = subject.unwrap_or("it");
    match action {
        AuditAction::EnvironmentUpdate => "change its settings".to_owned(),
        AuditAction::EnvironmentDelete => {
            "delete it and every secret it keeps in the keyring".to_owned()
        }
        AuditAction::VariableSet => format!("set {subject}"),
        AuditAction::VariableDelete => format!("remove {subject}"),
        AuditAction::VariableMakePlain => format!(
            "store {subject} as plain text: its value leaves the OS keyring and is written to the settings file on disk"
        ),
        AuditAction::EnvFileImport => format!("import {subject}"),
        AuditAction::MigrationApply => "apply the pending migrations".to_owned(),
        AuditAction::MigrationRevert => format!("revert the migrations after {subject}"),
        AuditAction::MigrationAdopt => {
            "adopt this database (repair it and record the baseline)".to_owned()
        }
        AuditAction::AgentSave => format!("save agent {subject} in the API's registry"),
        AuditAction::AgentDelete => format!("delete agent {subject} from the API's registry"),
        AuditAction::AgentToTable => format!("write agent {subject} into the agents table"),
        AuditAction::AgentRun => format!("run agent {subject}"),
        AuditAction::DemoSeed => "seed the demo data".to_owned(),
        AuditAction::DemoReset => {
            "reset the demo data (remove it and every row that references the demo tenant)"
                .to_owned()
        }
        AuditAction::DemoStep => format!("{subject} (a demo step)"),
        AuditAction::SqlRun => "run statements that may write".to_owned(),
        AuditAction::RowsEdit => format!("write the staged changes to {subject}"),
        AuditAction::RowsDelete => format!("write the staged changes to {subject}, deleting rows"),
        AuditAction::BackendCancel => format!("cancel the statement of server process {subject}"),
        AuditAction::BackendTerminate => {
            format!("terminate server process {subject} (its open transaction is rolled back)")
        }
        other => other.as_str().to_owned(),
    }
}

/// The decision for `action` (described to the operator as `what`, e.g. "apply 3 migrations")
/// on `scope`.
pub fn decide(action: AuditAction, what: &str, scope: &Scope) -> Decision {
    let name = &scope.name;
    let on = if scope.is_environment {
        format!("environment \"{name}\"")
    } else {
        name.clone()
    };
    let Some(kind) = kind_of(action) else {
        return Decision::Allowed {
            sentence: format!("{what} on {on}"),
        };
    };
    let own_profile = matches!(
        action,
        AuditAction::EnvironmentUpdate | AuditAction::EnvironmentDelete
    );
    match (scope.safety, kind) {
        (SafetyLevel::ReadOnly, _) if own_profile => Decision::ConfirmName {
            name: name.clone(),
            sentence: format!("{on} is read-only. Type its name to {what}."),
        },
        (SafetyLevel::ReadOnly, _) => Decision::Refused {
            reason: format!("{on} is read-only: {what} is not allowed"),
        },
        (SafetyLevel::Protected, _) => Decision::ConfirmName {
            name: name.clone(),
            sentence: format!("{on} is protected. Type its name to {what}."),
        },
        (SafetyLevel::Open, ActionKind::Write) => Decision::Allowed {
            sentence: format!("{what} on {on}"),
        },
        (SafetyLevel::Open, ActionKind::Destructive) => Decision::ConfirmYes {
            sentence: format!("{what} on {on}? This cannot be undone."),
        },
        (SafetyLevel::Open, ActionKind::Bulk) => Decision::ConfirmYes {
            sentence: format!("{what} on {on}?"),
        },
    }
}

/// Turns the operator's answer into a permit, or refuses with the sentence they must act on.
pub fn authorize(
    action: AuditAction,
    what: &str,
    scope: &Scope,
    answer: &Confirmation,
) -> Result<WritePermit> {
    let refuse = |message: String| Err(AppError::new(ErrorCode::UnsafeInProduction, message));
    match decide(action, what, scope) {
        Decision::Allowed { .. } => {}
        Decision::ConfirmYes { sentence } if !answer.yes => {
            return refuse(format!("Confirmation needed: {sentence}"));
        }
        Decision::ConfirmYes { .. } => {}
        Decision::ConfirmName { name, sentence } if answer.name.as_deref() != Some(&name) => {
            return refuse(sentence);
        }
        Decision::ConfirmName { .. } => {}
        Decision::Refused { reason } => return refuse(reason),
    }
    Ok(WritePermit {
        target: scope.name.clone(),
        action,
    })
}

/// Runs a guarded change: asks the policy for a permit with the operator's `answer`, runs
/// `change` with it, and records the outcome (a refusal too) in the audit log, with `detail`
/// of a success.
pub async fn guarded<T>(
    audit: &AuditLog,
    event: Event<'_>,
    what: &str,
    scope: &Scope,
    answer: &Confirmation,
    change: impl AsyncFnOnce(WritePermit) -> Result<T>,
    detail: impl FnOnce(&T) -> Option<String>,
) -> Result<T> {
    let result = match authorize(event.action, what, scope, answer) {
        Ok(permit) => change(permit).await,
        Err(refused) => Err(refused),
    };
    let mut event = event;
    if let Ok(value) = &result
        && let Some(d) = detail(value)
    {
        event.detail = Some(d);
    }
    audit.around(event, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(safety: SafetyLevel) -> Scope {
        Scope::new("prod", safety, true)
    }

    #[test]
    fn the_decision_table() {
        use AuditAction::*;
        use SafetyLevel::*;
        let verdict = |a, s| match decide(a, "do it", &scope(s)) {
            Decision::Allowed { .. } => "allowed",
            Decision::ConfirmYes { .. } => "yes",
            Decision::ConfirmName { .. } => "name",
            Decision::Refused { .. } => "refused",
        };
        // write, destructive, bulk on each level
        for (action, open, protected, read_only) in [
            (VariableSet, "allowed", "name", "refused"),
            (VariableDelete, "yes", "name", "refused"),
            (EnvFileImport, "yes", "name", "refused"),
            (MigrationApply, "yes", "name", "refused"),
            (MigrationRevert, "yes", "name", "refused"),
            (MigrationAdopt, "yes", "name", "refused"),
            (EnvironmentUpdate, "allowed", "name", "name"),
            (EnvironmentDelete, "yes", "name", "name"),
        ] {
            assert_eq!(verdict(action, Open), open, "{action:?} open");
            assert_eq!(
                verdict(action, Protected),
                protected,
                "{action:?} protected"
            );
            assert_eq!(verdict(action, ReadOnly), read_only, "{action:?} read-only");
        }
    }

    #[test]
    fn permits_need_the_right_answer() {
        let a = AuditAction::MigrationApply;
        let open = scope(SafetyLevel::Open);
        let e = authorize(a, "apply 2 migrations", &open, &Confirmation::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnsafeInProduction);
        assert!(e.message.contains("apply 2 migrations"), "{e:?}");
        assert!(authorize(a, "x", &open, &Confirmation::yes()).is_ok());

        let protected = scope(SafetyLevel::Protected);
        assert!(authorize(a, "x", &protected, &Confirmation::yes()).is_err());
        assert!(authorize(a, "x", &protected, &Confirmation::name("staging")).is_err());
        let permit = authorize(a, "x", &protected, &Confirmation::name("prod")).unwrap();
        assert_eq!((permit.target(), permit.action()), ("prod", a));

        let read_only = scope(SafetyLevel::ReadOnly);
        let e = authorize(a, "apply", &read_only, &Confirmation::name("prod")).unwrap_err();
        assert!(e.message.contains("read-only"), "{e:?}");
    }

    #[test]
    fn a_database_given_by_url_is_open() {
        let d = decide(
            AuditAction::MigrationApply,
            "apply 1 migration",
            &Scope::url("db.example.com:5432/app"),
        );
        assert_eq!(
            d,
            Decision::ConfirmYes {
                sentence: "apply 1 migration on db.example.com:5432/app?".into()
            }
        );
    }
}
