//! The safety rules around every change a migration command makes: read-only environments offer
//! no apply, protected ones need their name typed, and every attempt goes to the audit log.

use super::apply::{ApplyEvent, ApplyOptions, ApplyReport, apply};
use super::revert::revert;
use super::source::MigrationSet;
use super::target::Target;
use crate::audit::Event;
use crate::console::Console;
use crate::environments::SafetyLevel;
use crate::progress::{Cancel, Progress};
use crate::schema::adopt;
use crate::{AppError, ErrorCode, Result};

/// Whether `target` may be changed, given what the operator typed to confirm.
pub fn check_write_allowed(target: &Target, confirm: Option<&str>) -> Result<()> {
    let name = target.environment.as_deref().unwrap_or(&target.label);
    match target.safety {
        SafetyLevel::Open => Ok(()),
        SafetyLevel::ReadOnly => Err(AppError::new(
            ErrorCode::UnsafeInProduction,
            format!("Environment \"{name}\" is read-only: migrations cannot be applied to it"),
        )),
        SafetyLevel::Protected if confirm == Some(name) => Ok(()),
        SafetyLevel::Protected => Err(AppError::new(
            ErrorCode::UnsafeInProduction,
            format!("Environment \"{name}\" is protected: type its name to confirm"),
        )),
    }
}

fn versions(report: &ApplyReport) -> String {
    if report.applied.is_empty() {
        return "nothing pending".to_owned();
    }
    let list: Vec<String> = report.applied.iter().map(|v| format!("{v:04}")).collect();
    format!(
        "{}{}",
        list.join(", "),
        if report.cancelled { " (cancelled)" } else { "" }
    )
}

impl Console {
    pub async fn apply_migrations(
        &self,
        target: &Target,
        set: &MigrationSet,
        confirm: Option<&str>,
        options: &ApplyOptions,
        progress: &Progress<ApplyEvent>,
        cancel: &Cancel,
    ) -> Result<ApplyReport> {
        self.guarded("migration.apply", target, confirm, async {
            apply(target, set, options, progress, cancel).await
        })
        .await
    }

    /// Reverts applied migrations newer than `to` (their down files, newest first).
    #[allow(clippy::too_many_arguments)] // apply's arguments plus the version to keep
    pub async fn revert_migrations(
        &self,
        target: &Target,
        set: &MigrationSet,
        to: u32,
        confirm: Option<&str>,
        options: &ApplyOptions,
        progress: &Progress<ApplyEvent>,
        cancel: &Cancel,
    ) -> Result<ApplyReport> {
        self.guarded("migration.revert", target, confirm, async {
            revert(target, set, to, options, progress, cancel).await
        })
        .await
    }

    pub async fn adopt_database(
        &self,
        target: &Target,
        set: &MigrationSet,
        confirm: Option<&str>,
        options: &ApplyOptions,
        progress: &Progress<ApplyEvent>,
    ) -> Result<ApplyReport> {
        self.guarded("migration.adopt", target, confirm, async {
            adopt::adopt(target, set, options, progress).await
        })
        .await
    }

    async fn guarded(
        &self,
        action: &str,
        target: &Target,
        confirm: Option<&str>,
        run: impl Future<Output = Result<ApplyReport>>,
    ) -> Result<ApplyReport> {
        let result = match check_write_allowed(target, confirm) {
            Ok(()) => run.await,
            Err(e) => Err(e),
        };
        let event = Event {
            environment: target.environment.as_deref(),
            action,
            target: Some(&target.label),
            detail: result.as_ref().ok().map(versions),
        };
        self.audit.around(event, result)
    }
}
