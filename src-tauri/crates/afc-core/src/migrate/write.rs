//! The Console's migration writes: each asks the write policy ([`crate::guard`]) for a permit
//! with the operator's answer, runs under it, and is audited, refused attempts included.

use super::adopt::{Backfills, adopt};
use super::apply::{ApplyReport, MigrationRun, apply};
use super::revert::revert;
use crate::Result;
use crate::audit::{AuditAction, Event};
use crate::console::Console;
use crate::db::Database;
use crate::guard::{self, Confirmation, Decision};

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

/// A migration write: each is guarded, audited and run the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationWrite {
    Apply,
    /// Reverts the applied migrations newer than this version.
    Revert(u32),
    /// Takes over a database built the old ways, filling NULLs as the operator accepted.
    Adopt(Backfills),
}

impl MigrationWrite {
    pub fn action(&self) -> AuditAction {
        match self {
            Self::Apply => AuditAction::MigrationApply,
            Self::Revert(_) => AuditAction::MigrationRevert,
            Self::Adopt(_) => AuditAction::MigrationAdopt,
        }
    }

    /// Whether it can stop between steps (adoption is one transaction from start to end).
    pub fn cancellable(&self) -> bool {
        !matches!(self, Self::Adopt(_))
    }

    /// What the operator reads about it ("revert the migrations after 0002").
    fn what(&self) -> String {
        let to = match self {
            Self::Revert(to) => Some(format!("{to:04}")),
            Self::Apply | Self::Adopt(_) => None,
        };
        guard::what(self.action(), to.as_deref())
    }

    /// What the operator must do before it runs on `db` (for the window's confirmation and
    /// afctl's prompts).
    pub fn decision(&self, db: &Database) -> Decision {
        guard::decide(self.action(), &self.what(), &db.scope())
    }
}

impl Console {
    /// Runs `write` with the operator's answer, if the write policy allows it; audited either way.
    pub async fn write_migrations(
        &self,
        write: MigrationWrite,
        run: &MigrationRun<'_>,
        answer: &Confirmation,
    ) -> Result<ApplyReport> {
        let db = run.db;
        let event = Event::new(write.action(), db.environment.as_deref()).target(&db.label);
        guard::guarded(
            &self.audit,
            event,
            &write.what(),
            &db.scope(),
            answer,
            async |permit| match &write {
                MigrationWrite::Apply => apply(run, &permit).await,
                MigrationWrite::Revert(to) => revert(run, &permit, *to).await,
                MigrationWrite::Adopt(backfills) => adopt(run, &permit, backfills).await,
            },
            |r| Some(versions(r)),
        )
        .await
    }
}
