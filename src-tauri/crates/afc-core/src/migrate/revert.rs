//! Revert: run the down files of applied migrations newer than a version, newest first, each in
//! its own transaction with its history row, under the same lock and timeouts as apply. Refused,
//! before anything runs, when one of them has no down file (it says why it cannot be reversed).

use std::time::Instant;

use sqlx::Connection;

use super::apply::{ApplyEvent, ApplyOptions, ApplyReport, LockedSession, failure_error};
use super::history;
use super::plan::refusal_error;
use super::source::MigrationSet;
use super::split::split;
use super::status::{MigrationState, PROBLEMS, rows};
use super::target::{Target, query_error};
use crate::progress::{Cancel, Progress};
use crate::{AppError, ErrorCode, Result};

pub async fn revert(
    target: &Target,
    set: &MigrationSet,
    to: u32,
    options: &ApplyOptions,
    progress: &Progress<ApplyEvent>,
    cancel: &Cancel,
) -> Result<ApplyReport> {
    let started = Instant::now();
    let mut session = LockedSession::open(target, options, progress).await?;
    let conn = &mut session.conn;
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
    let total = u32::try_from(undo.len()).unwrap_or(u32::MAX);
    progress.emit(ApplyEvent::Locked {
        target: target.label.clone(),
        pending: total,
    });
    let mut report = ApplyReport {
        target: target.label.clone(),
        applied: Vec::new(),
        skipped: Vec::new(),
        cancelled: false,
        duration_ms: 0,
    };
    for (i, m) in undo.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            progress.emit(ApplyEvent::Cancelled {
                remaining: total - u32::try_from(i).unwrap_or(0),
            });
            break;
        }
        let down = m.down.as_deref().unwrap_or_default();
        let file = format!("{:04}_{}.down.sql", m.version, m.name);
        let statements = split(down);
        progress.emit(ApplyEvent::MigrationStarted {
            version: m.version,
            name: format!("revert {}", m.name),
            index: u32::try_from(i + 1).unwrap_or(u32::MAX),
            total,
            statements: u32::try_from(statements.len()).unwrap_or(u32::MAX),
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
            duration_ms: u64::try_from(one.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        report.applied.push(m.version);
    }
    session.close().await?;
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    progress.emit(ApplyEvent::Finished {
        applied: u32::try_from(report.applied.len()).unwrap_or(u32::MAX),
        duration_ms: report.duration_ms,
    });
    Ok(report)
}
