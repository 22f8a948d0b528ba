//! Revert: run the down files of applied migrations newer than a version, newest first, each in
//! its own transaction with its history row, under the same lock and timeouts as apply. Refused,
//! before anything runs, when one of them has no down file (it says why it cannot be reversed).

use std::time::Instant;

use sqlx::Connection;

use super::apply::{
    ApplyEvent, ApplyOptions, ApplyReport, LockedSession, Run, cancelled_waiting, failure_error,
    millis, to_u32,
};
use super::history;
use super::plan::refusal_error;
use super::source::MigrationSet;
use super::split::split;
use super::status::{MigrationState, PROBLEMS, rows};
use crate::db::{Database, query_error};
use crate::guard::WritePermit;
use crate::progress::{Cancel, Progress};
use crate::{AppError, ErrorCode, Result};

pub async fn revert(
    target: &Database,
    permit: &WritePermit,
    set: &MigrationSet,
    to: u32,
    options: &ApplyOptions,
    progress: &Progress<ApplyEvent>,
    cancel: &Cancel,
) -> Result<ApplyReport> {
    let started = Instant::now();
    let Some(mut session) = LockedSession::open(target, permit, options, progress, cancel).await?
    else {
        return Ok(cancelled_waiting(target, started, progress));
    };
    let conn = &mut *session.conn;
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
    let mut run = Run::begin(target, undo.len(), started, progress);
    for (i, m) in undo.iter().enumerate() {
        if run.cancelled(cancel, i) {
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
        let mut tx = conn
            .begin()
            .await
            .map_err(|e| query_error("starting a transaction", &e))?;
        if let Err(f) =
            LockedSession::run_statements(&mut tx, (m.version, &file, down), &statements, progress)
                .await
        {
            drop(tx);
            progress.emit(ApplyEvent::MigrationFailed { failure: f.clone() });
            return Err(failure_error(
                &f,
                "It was rolled back: the migration is still applied.",
            ));
        }
        history::remove(&mut tx, m.version).await?;
        tx.commit()
            .await
            .map_err(|e| query_error("committing the revert", &e))?;
        progress.emit(ApplyEvent::MigrationFinished {
            version: m.version,
            name: format!("revert {}", m.name),
            duration_ms: millis(one),
        });
        run.applied(m.version);
    }
    session.close().await?;
    Ok(run.finish())
}
