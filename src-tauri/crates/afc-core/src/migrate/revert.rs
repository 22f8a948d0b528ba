//! Revert: run the down files of applied migrations newer than a version, newest first, each in
//! its own transaction with its history row, under the same lock and timeouts as apply. Refused,
//! before anything runs, when one of them has no down file (it says why it cannot be reversed).

use std::time::Instant;

use super::apply::{
    ApplyEvent, ApplyReport, MigrationRun, Run, in_transaction, millis, to_u32, under_lock,
};
use super::history;
use super::plan::refusal_error;
use super::split::split;
use super::status::{MigrationState, PROBLEMS, rows};
use crate::guard::WritePermit;
use crate::{AppError, ErrorCode, Result};

pub async fn revert(run: &MigrationRun<'_>, permit: &WritePermit, to: u32) -> Result<ApplyReport> {
    let started = Instant::now();
    let (db, set, progress, cancel) = (run.db, run.set, run.progress, run.cancel);
    under_lock(run, permit, async |conn| {
        let current = rows(conn, set).await?;
        if let Some(bad) = current.iter().find(|r| PROBLEMS.contains(&r.state)) {
            return Err(refusal_error(format!(
                "{} is {:?}: resolve that before reverting",
                bad.file, bad.state
            )));
        }
        let mut undo: Vec<_> = current
            .iter()
            .filter(|r| r.version > to)
            .filter(|r| matches!(r.state, MigrationState::Applied | MigrationState::Baselined))
            .filter_map(|r| set.get(r.version))
            .collect();
        undo.reverse();
        if let Some(m) = undo.iter().find(|m| m.down.is_none()) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "{} cannot be reverted ({}); nothing was changed",
                    m.file,
                    m.irreversible.as_deref().unwrap_or("it has no down file")
                ),
            ));
        }
        let mut done = Run::begin(db, undo.len(), started, progress);
        for (i, m) in undo.iter().enumerate() {
            if done.cancelled(cancel, i) {
                break;
            }
            let down = m.down.as_deref().unwrap_or_default();
            let file = format!("{:04}_{}.down.sql", m.version, m.name);
            let statements = split(down);
            progress.emit(ApplyEvent::MigrationStarted {
                version: m.version,
                name: format!("revert {}", m.name),
                index: to_u32(i + 1),
                total: to_u32(undo.len()),
                statements: to_u32(statements.len()),
            });
            let one = Instant::now();
            let unit = (m.version, file.as_str(), down);
            let rolled_back = "It was rolled back: the migration is still applied.";
            in_transaction(conn, unit, &statements, progress, rolled_back, async |tx| {
                history::remove(tx, m.version).await
            })
            .await?;
            progress.emit(ApplyEvent::MigrationFinished {
                version: m.version,
                name: format!("revert {}", m.name),
                duration_ms: millis(one),
            });
            done.applied(m.version);
        }
        Ok(done.finish())
    })
    .await
}
