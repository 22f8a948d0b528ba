//! The Console's migration writes: each asks the write policy ([`crate::guard`]) for a permit
//! with the operator's answer, runs under it, and is audited, refused attempts included.

use super::adopt::adopt;
use super::apply::{ApplyEvent, ApplyOptions, ApplyReport, apply};
use super::revert::revert;
use super::source::MigrationSet;
use crate::Result;
use crate::audit::{AuditAction, Event};
use crate::console::Console;
use crate::db::Database;
use crate::guard::{self, Confirmation, Decision};
use crate::progress::{Cancel, Progress};

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

/// What the operator reads about each write ("revert the migrations after 0002").
fn what(action: AuditAction, to: Option<u32>) -> String {
    guard::what(action, to.map(|v| format!("{v:04}")).as_deref())
}

/// What the operator must do before `action` on `db` (for the window's confirmation and
/// afctl's prompts).
pub fn decision(action: AuditAction, db: &Database, to: Option<u32>) -> Decision {
    guard::decide(action, &what(action, to), &db.scope())
}

impl Console {
    async fn migration_write(
        &self,
        action: AuditAction,
        db: &Database,
        to: Option<u32>,
        answer: &Confirmation,
        run: impl AsyncFnOnce(guard::WritePermit) -> Result<ApplyReport>,
    ) -> Result<ApplyReport> {
        let event = Event::new(action, db.environment.as_deref()).target(&db.label);
        guard::guarded(
            &self.audit,
            event,
            &what(action, to),
            &db.scope(),
            answer,
            run,
            |r| Some(versions(r)),
        )
        .await
    }

    pub async fn apply_migrations(
        &self,
        db: &Database,
        set: &MigrationSet,
        answer: &Confirmation,
        options: &ApplyOptions,
        progress: &Progress<ApplyEvent>,
        cancel: &Cancel,
    ) -> Result<ApplyReport> {
        self.migration_write(
            AuditAction::MigrationApply,
            db,
            None,
            answer,
            async |permit| apply(db, &permit, set, options, progress, cancel).await,
        )
        .await
    }

    /// Reverts applied migrations newer than `to` (their down files, newest first).
    #[allow(clippy::too_many_arguments)] // apply's arguments plus the version to keep
    pub async fn revert_migrations(
        &self,
        db: &Database,
        set: &MigrationSet,
        to: u32,
        answer: &Confirmation,
        options: &ApplyOptions,
        progress: &Progress<ApplyEvent>,
        cancel: &Cancel,
    ) -> Result<ApplyReport> {
        self.migration_write(
            AuditAction::MigrationRevert,
            db,
            Some(to),
            answer,
            async |permit| revert(db, &permit, set, to, options, progress, cancel).await,
        )
        .await
    }

    pub async fn adopt_database(
        &self,
        db: &Database,
        set: &MigrationSet,
        answer: &Confirmation,
        options: &ApplyOptions,
        progress: &Progress<ApplyEvent>,
    ) -> Result<ApplyReport> {
        self.migration_write(
            AuditAction::MigrationAdopt,
            db,
            None,
            answer,
            async |permit| adopt(db, &permit, set, options, progress).await,
        )
        .await
    }
}
