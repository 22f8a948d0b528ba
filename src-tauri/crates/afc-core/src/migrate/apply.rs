//! Apply: one pinned connection from lock to unlock, `lock_timeout` and `statement_timeout` for
//! DDL, each migration in its own transaction (unless it declares otherwise), progress per
//! migration and statement, cancel between migrations, and on failure the exact statement and
//! the server's message with the database as it was before that migration.

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use sqlx::{Connection, PgConnection};
use ts_rs::TS;

use super::history;
use super::lock::{self, Session};
use super::plan::{refusal, refusal_error};
use super::source::{Migration, MigrationSet, statements_on};
use super::split::{Statement, line_of};
use super::status::{MigrationState, rows, unmet_requirement};
use crate::db::{Database, WriteSession, query_error, set_timeouts};
use crate::guard::WritePermit;
use crate::jobs::{JobEventSource, JobProgress};
use crate::progress::{Cancel, Progress};
use crate::schema::{Shape, introspect};
use crate::{AppError, ErrorCode, Result};

#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// How long to wait for another applier's lock before reporting it (0: report at once).
    pub lock_wait: Duration,
    /// How long one DDL statement may wait for a table lock.
    pub lock_timeout: Duration,
    pub statement_timeout: Duration,
}

impl ApplyOptions {
    /// Report a held lock at once; 10 s for a table lock, 10 minutes for a statement.
    pub const DEFAULT: Self = Self {
        lock_wait: Duration::ZERO,
        lock_timeout: Duration::from_secs(10),
        statement_timeout: Duration::from_secs(600),
    };
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Where a migration failed: enough to find the statement in the file and read the server's
/// reason without opening the log.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub version: u32,
    pub file: String,
    /// 1-based statement number in the migration.
    pub statement: u32,
    /// 1-based line and column in the file (the server's error position when it gave one).
    pub line: u32,
    pub column: Option<u32>,
    pub sql: String,
    pub message: String,
    pub sqlstate: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ApplyEvent {
    /// Another session holds the migration lock; waiting for it.
    WaitingForLock {
        holder: Session,
    },
    Locked {
        target: String,
        pending: u32,
    },
    MigrationStarted {
        version: u32,
        name: String,
        index: u32,
        total: u32,
        statements: u32,
    },
    Statement {
        version: u32,
        index: u32,
        total: u32,
        line: u32,
        sql: String,
    },
    MigrationFinished {
        version: u32,
        name: String,
        duration_ms: u64,
    },
    MigrationSkipped {
        version: u32,
        name: String,
        reason: String,
    },
    MigrationFailed {
        failure: Failure,
    },
    Cancelled {
        remaining: u32,
    },
    Finished {
        applied: u32,
        duration_ms: u64,
    },
}

impl JobEventSource for ApplyEvent {
    /// One line of the log, as afctl prints it and the window's job log shows it.
    fn line(&self) -> String {
        match self {
            Self::WaitingForLock { holder } => format!(
                "Waiting for the migration lock, held by {}",
                holder.describe()
            ),
            Self::Locked { target, pending } => format!("Locked {target}: {pending} to run"),
            Self::MigrationStarted {
                version,
                name,
                index,
                total,
                statements,
            } => {
                // "revert performance_indexes" is a revert of 0002; adoption's repair has no file.
                let what = match (name.strip_prefix("revert "), version) {
                    (Some(reverted), _) => format!("revert {version:04}_{reverted}"),
                    (None, 0) => name.clone(),
                    (None, _) => format!("{version:04}_{name}"),
                };
                format!("[{index}/{total}] {what} ({statements} statements)")
            }
            Self::Statement {
                index,
                total,
                line,
                sql,
                ..
            } => format!(
                "      {index}/{total} line {line}: {}",
                sql.lines().next().unwrap_or_default()
            ),
            Self::MigrationFinished { duration_ms, .. } => {
                format!("      done in {duration_ms} ms")
            }
            Self::MigrationSkipped {
                version,
                name,
                reason,
            } => format!("      {version:04}_{name} {reason}"),
            Self::MigrationFailed { failure } => format!(
                "      FAILED at statement {}: {}\n{}",
                failure.statement, failure.message, failure.sql
            ),
            Self::Cancelled { remaining: 0 } => {
                "Cancelled while waiting for the migration lock; nothing ran".to_owned()
            }
            Self::Cancelled { remaining } => format!("Cancelled; {remaining} not run"),
            Self::Finished {
                applied,
                duration_ms,
            } => format!("Finished: {applied} applied in {duration_ms} ms"),
        }
    }

    fn progress(&self) -> Option<JobProgress> {
        match self {
            Self::Locked { pending, .. } => Some(JobProgress {
                done: 0,
                total: *pending,
            }),
            Self::MigrationStarted { index, total, .. } => Some(JobProgress {
                done: index - 1,
                total: *total,
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub target: String,
    pub applied: Vec<u32>,
    pub skipped: Vec<u32>,
    pub cancelled: bool,
    pub duration_ms: u64,
}

pub(super) fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What apply and revert share around their loop: the report, the `Locked`, `Cancelled` and
/// `Finished` events, and the clock that started before the lock was taken.
pub(super) struct Run<'a> {
    report: ApplyReport,
    total: usize,
    started: Instant,
    progress: &'a Progress<ApplyEvent>,
}

impl<'a> Run<'a> {
    /// Announces how many migrations will run on `target`.
    pub(super) fn begin(
        target: &Database,
        total: usize,
        started: Instant,
        progress: &'a Progress<ApplyEvent>,
    ) -> Self {
        progress.emit(ApplyEvent::Locked {
            target: target.label.clone(),
            pending: to_u32(total),
        });
        Self {
            report: ApplyReport {
                target: target.label.clone(),
                applied: Vec::new(),
                skipped: Vec::new(),
                cancelled: false,
                duration_ms: 0,
            },
            total,
            started,
            progress,
        }
    }

    /// Whether the operator cancelled before migration `done + 1` (and if so, reports it).
    pub(super) fn cancelled(&mut self, cancel: &Cancel, done: usize) -> bool {
        if !cancel.is_cancelled() {
            return false;
        }
        self.report.cancelled = true;
        self.progress.emit(ApplyEvent::Cancelled {
            remaining: to_u32(self.total - done),
        });
        true
    }

    pub(super) fn applied(&mut self, version: u32) {
        self.report.applied.push(version);
    }

    fn skipped(&mut self, version: u32) {
        self.report.skipped.push(version);
    }

    pub(super) fn finish(mut self) -> ApplyReport {
        self.report.duration_ms = millis(self.started);
        self.progress.emit(ApplyEvent::Finished {
            applied: to_u32(self.report.applied.len()),
            duration_ms: self.report.duration_ms,
        });
        self.report
    }
}

/// The report of a run cancelled while it waited for the migration lock: nothing ran.
fn cancelled_waiting(
    target: &Database,
    started: Instant,
    progress: &Progress<ApplyEvent>,
) -> ApplyReport {
    progress.emit(ApplyEvent::Cancelled { remaining: 0 });
    ApplyReport {
        target: target.label.clone(),
        applied: Vec::new(),
        skipped: Vec::new(),
        cancelled: true,
        duration_ms: millis(started),
    }
}

/// What a migration write works on and reports to.
#[derive(Clone, Copy)]
pub struct MigrationRun<'a> {
    pub db: &'a Database,
    pub set: &'a MigrationSet,
    pub options: &'a ApplyOptions,
    pub progress: &'a Progress<ApplyEvent>,
    pub cancel: &'a Cancel,
}

impl<'a> MigrationRun<'a> {
    /// A run with the default options.
    pub fn new(
        db: &'a Database,
        set: &'a MigrationSet,
        progress: &'a Progress<ApplyEvent>,
        cancel: &'a Cancel,
    ) -> Self {
        Self {
            db,
            set,
            options: &ApplyOptions::DEFAULT,
            progress,
            cancel,
        }
    }
}

/// Runs `work` on a session holding the migration lock, then releases it. A cancel while
/// waiting for the lock is the run's outcome: nothing ran.
pub(super) async fn under_lock(
    run: &MigrationRun<'_>,
    permit: &WritePermit,
    work: impl AsyncFnOnce(&mut PgConnection) -> Result<ApplyReport>,
) -> Result<ApplyReport> {
    let started = Instant::now();
    let Some(mut session) = LockedSession::open(run, permit).await? else {
        return Ok(cancelled_waiting(run.db, started, run.progress));
    };
    let report = work(&mut session.conn).await?;
    session.close().await?;
    Ok(report)
}

/// A connection holding the migration lock, with DDL timeouts set. Dropping it (on any error)
/// ends the session, which releases the lock.
pub(crate) struct LockedSession {
    pub conn: WriteSession,
}

impl LockedSession {
    /// The locked session, or None when the operator cancelled while it waited for the lock.
    pub async fn open(run: &MigrationRun<'_>, permit: &WritePermit) -> Result<Option<Self>> {
        let MigrationRun {
            db,
            options,
            progress,
            cancel,
            ..
        } = *run;
        db.refuse_transaction_pooler()?;
        let mut conn = db.write(permit, "migrate").await?;
        set_timeouts(&mut conn, options.statement_timeout, options.lock_timeout).await?;
        let locked = lock::acquire(&mut conn, options.lock_wait, cancel, |holder| {
            progress.emit(ApplyEvent::WaitingForLock {
                holder: holder.clone(),
            });
        })
        .await?;
        Ok(locked.then_some(Self { conn }))
    }

    pub async fn close(mut self) -> Result<()> {
        lock::release(&mut self.conn).await?;
        self.conn.close().await
    }

    /// Runs the statements of one unit (a migration, or adoption's repair), reporting each and
    /// the one that failed.
    pub async fn run_statements(
        conn: &mut PgConnection,
        unit: (u32, &str, &str),
        statements: &[Statement],
        progress: &Progress<ApplyEvent>,
    ) -> std::result::Result<(), Failure> {
        let (version, file, source) = unit;
        for (i, s) in statements.iter().enumerate() {
            let index = to_u32(i + 1);
            progress.emit(ApplyEvent::Statement {
                version,
                index,
                total: to_u32(statements.len()),
                line: s.line,
                sql: s.sql.clone(),
            });
            if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(s.sql.as_str()))
                .execute(&mut *conn)
                .await
            {
                let f = failure(version, file, source, index, s, &e);
                progress.emit(ApplyEvent::MigrationFailed { failure: f.clone() });
                return Err(f);
            }
        }
        Ok(())
    }
}

fn failure(
    version: u32,
    file: &str,
    source: &str,
    index: u32,
    s: &Statement,
    e: &sqlx::Error,
) -> Failure {
    let mut f = Failure {
        version,
        file: file.to_owned(),
        statement: index,
        line: s.line,
        column: None,
        sql: s.sql.clone(),
        message: e.to_string(),
        sqlstate: None,
    };
    match e {
        sqlx::Error::Database(d) => {
            f.sqlstate = d.code().map(|c| c.into_owned());
            // Class 57P: the server ended the session (terminated, shut down).
            f.message = if f.sqlstate.as_deref().is_some_and(|c| c.starts_with("57P")) {
                format!("the connection to PostgreSQL was lost ({})", d.message())
            } else {
                d.message().to_owned()
            };
            let position = d
                .try_downcast_ref::<PgDatabaseError>()
                .and_then(|p| p.position());
            if let Some(PgErrorPosition::Original(chars)) = position {
                // The server counts characters from 1 within the statement.
                let byte = s
                    .sql
                    .char_indices()
                    .nth(chars.saturating_sub(1))
                    .map_or(0, |(b, _)| b);
                let at = s.offset + byte;
                f.line = line_of(source, at);
                let line_start = source[..at].rfind('\n').map_or(0, |p| p + 1);
                f.column = Some(to_u32(source[line_start..at].chars().count() + 1));
            }
        }
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => {
            f.message = format!("the connection to PostgreSQL was lost ({e})");
        }
        _ => {}
    }
    f
}

pub(crate) fn failure_error(f: &Failure, rolled_back: &str) -> AppError {
    let column = f
        .column
        .map(|c| format!(", column {c}"))
        .unwrap_or_default();
    AppError::new(
        ErrorCode::MigrationFailed,
        format!(
            "{} failed at statement {} (line {}{column}): {}. {rolled_back}",
            f.file, f.statement, f.line, f.message
        ),
    )
    .with_details(format!(
        "{}{}",
        f.sqlstate
            .as_ref()
            .map(|c| format!("SQLSTATE {c}\n"))
            .unwrap_or_default(),
        f.sql
    ))
}

/// Applies every pending migration, in order.
pub async fn apply(run: &MigrationRun<'_>, permit: &WritePermit) -> Result<ApplyReport> {
    let started = Instant::now();
    let (db, set, progress, cancel) = (run.db, run.set, run.progress, run.cancel);
    under_lock(run, permit, async |conn| {
        // Decided under the lock: nobody can change the history between the check and the apply.
        let live = introspect::read(conn).await?;
        let current = rows(conn, set).await?;
        if let Some(reason) = refusal(&Shape::detect(&live), &current) {
            return Err(refusal_error(reason));
        }
        let pending: Vec<&Migration> = current
            .iter()
            .filter(|r| {
                matches!(
                    r.state,
                    MigrationState::Pending | MigrationState::NotApplicable
                )
            })
            .filter_map(|r| set.get(r.version))
            .collect();
        history::ensure(conn).await?;
        // Those whose requirements are missing here (Supabase's, elsewhere) are skipped, and
        // not counted in what is announced as to run.
        let mut runnable = Vec::new();
        let mut unmet = Vec::new();
        for m in pending {
            match unmet_requirement(conn, m).await? {
                Some(reason) => unmet.push((m, reason)),
                None => runnable.push(m),
            }
        }
        let mut done = Run::begin(db, runnable.len(), started, progress);
        for (m, reason) in unmet {
            progress.emit(ApplyEvent::MigrationSkipped {
                version: m.version,
                name: m.name.clone(),
                reason,
            });
            done.skipped(m.version);
        }
        let pending = runnable;
        let mut on_live = statements_on(&pending, &live).into_iter();
        for (i, m) in pending.iter().enumerate() {
            if done.cancelled(cancel, i) {
                break;
            }
            let statements = on_live.next().unwrap_or_default();
            progress.emit(ApplyEvent::MigrationStarted {
                version: m.version,
                name: m.name.clone(),
                index: to_u32(i + 1),
                total: to_u32(pending.len()),
                statements: to_u32(statements.len()),
            });
            let one = Instant::now();
            let unit = (m.version, m.file.as_str(), m.sql.as_str());
            if m.transactional {
                let rolled_back =
                    "It was rolled back: the database is as it was before this migration.";
                in_transaction(conn, unit, &statements, progress, rolled_back, async |tx| {
                    history::record(tx, m, 0, true, "migration").await
                })
                .await?;
            } else {
                // Marked dirty first, so a crash midway is visible in the status and blocks
                // further applies.
                history::record(conn, m, 0, false, "migration").await?;
                if let Err(f) = LockedSession::run_statements(conn, unit, &statements, progress).await
                {
                    return Err(failure_error(
                        &f,
                        "It ran outside a transaction, so it is marked dirty: check what it left, then retry.",
                    ));
                }
            }
            let ms = millis(one);
            history::record(
                conn,
                m,
                i64::try_from(ms).unwrap_or(i64::MAX),
                true,
                "migration",
            )
            .await?;
            progress.emit(ApplyEvent::MigrationFinished {
                version: m.version,
                name: m.name.clone(),
                duration_ms: ms,
            });
            done.applied(m.version);
        }
        Ok(done.finish())
    })
    .await
}

/// One unit's statements (a migration, its revert, adoption's repair) and its history change,
/// committed together or not at all. A failed statement becomes the error, saying `rolled_back`.
pub(super) async fn in_transaction(
    conn: &mut PgConnection,
    unit: (u32, &str, &str),
    statements: &[Statement],
    progress: &Progress<ApplyEvent>,
    rolled_back: &str,
    history_change: impl AsyncFnOnce(&mut PgConnection) -> Result<()>,
) -> Result<()> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| query_error("starting a transaction", &e))?;
    if let Err(f) = LockedSession::run_statements(&mut tx, unit, statements, progress).await {
        // Dropping the transaction rolls it back; if the connection is gone, the server did.
        drop(tx);
        return Err(failure_error(&f, rolled_back));
    }
    history_change(&mut tx).await?;
    tx.commit()
        .await
        .map_err(|e| query_error("committing the transaction", &e))
}
