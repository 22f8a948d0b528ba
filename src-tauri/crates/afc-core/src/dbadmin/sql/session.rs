//! One SQL console tab's session: a connection of its own that runs the operator's statements
//! one at a time.
//!
//! Read-only (protected and read-only environments, unless a protected one's tab is unlocked
//! by typing its name): every statement runs inside `BEGIN READ ONLY … ROLLBACK` that the
//! console opens itself, so the server refuses any write, and nothing a statement does outlives
//! it. The statement itself always goes by the extended protocol (one statement per message,
//! enforced by the server), so `COMMIT; DELETE …` cannot slip out of the read-only transaction.
//!
//! Queries are paged through a cursor (`DECLARE … CURSOR FOR`, then `FETCH`), so the first rows
//! come at once and a huge result never sits in memory; changes with RETURNING are prepared
//! and executed with their rows capped. Values come back as PostgreSQL's own text.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::postgres::{PgRow, PgValueFormat};
use sqlx::{Column, Either, Executor, PgConnection, Row, TypeInfo, ValueRef};
use ts_rs::TS;

use super::classify::{Classified, StatementKind, classify};
use super::notices::Notices;
use crate::audit::{AuditAction, AuditLog, Event, Outcome};
use crate::db::{Database, connect_error, query_error};
use crate::guard::WritePermit;
use crate::{AppError, ErrorCode, Result};
use tracing::instrument::WithSubscriber;

/// Rows fetched at a time from a cursor (and the most a change's RETURNING keeps).
pub const PAGE_ROWS: u32 = 500;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const CURSOR_PREFIX: &str = "DECLARE afc_results NO SCROLL CURSOR FOR ";
const PREPARE_PREFIX: &str = "PREPARE afc_statement AS ";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResultColumn {
    pub name: String,
    pub type_name: String,
}

/// A statement the server refused: its message, SQLSTATE, and where in the statement it
/// points (a character offset from 0), for the editor to underline.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SqlError {
    pub message: String,
    pub sqlstate: String,
    #[ts(optional)]
    pub position: Option<u32>,
    #[ts(optional)]
    pub detail: Option<String>,
    #[ts(optional)]
    pub hint: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SqlOutcome {
    pub statement: String,
    pub classified: Classified,
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    /// More rows wait in the cursor ([`SqlSession::fetch_more`]).
    pub more: bool,
    /// Rows a change affected, or rows a query returned once all were fetched.
    #[ts(optional, type = "number")]
    pub row_count: Option<u64>,
    /// Rows of a change's RETURNING that were not kept (over [`PAGE_ROWS`]).
    #[ts(type = "number")]
    pub dropped: u64,
    #[ts(type = "number")]
    pub millis: u64,
    /// It ran in a read-only transaction that was rolled back.
    pub read_only: bool,
    /// The server's notices while it ran (`RAISE NOTICE`, warnings).
    pub notices: Vec<String>,
    #[ts(optional)]
    pub error: Option<SqlError>,
}

impl SqlOutcome {
    fn empty(statement: &str, classified: Classified, read_only: bool) -> Self {
        Self {
            statement: statement.to_owned(),
            classified,
            columns: Vec::new(),
            rows: Vec::new(),
            more: false,
            row_count: None,
            dropped: 0,
            millis: 0,
            read_only,
            notices: Vec::new(),
            error: None,
        }
    }
}

/// What the session may do.
pub enum Access {
    ReadOnly,
    /// Writes allowed: the write policy gave this permit (the name typed on protected).
    Write(WritePermit),
}

pub struct SqlSession {
    db: Arc<Database>,
    conn: Option<PgConnection>,
    access: Access,
    timeout: Duration,
    /// The timeout set on a writable connection (a read-only one sets it in each transaction).
    applied_timeout: Option<Duration>,
    /// The server process of the connection, for a cancel from another connection.
    pid: Arc<AtomicI32>,
    /// A transaction the operator opened (BEGIN) and has not ended.
    operator_tx: bool,
    /// A cursor is open, inside a transaction the console began (to end when it closes).
    cursor: Option<CursorState>,
    fetched: u64,
    audit: Option<AuditLog>,
    notices: Notices,
    notice_dispatch: tracing::Dispatch,
}

#[derive(Clone, Copy)]
struct CursorState {
    own_tx: bool,
}

impl SqlSession {
    pub fn new(db: Arc<Database>, access: Access, timeout: Duration) -> Self {
        let notices = Notices::default();
        Self {
            db,
            conn: None,
            access,
            timeout,
            applied_timeout: None,
            pid: Arc::new(AtomicI32::new(0)),
            operator_tx: false,
            cursor: None,
            fetched: 0,
            audit: None,
            notice_dispatch: notices.dispatch(),
            notices,
        }
    }

    /// Statements run with writes allowed are recorded in `audit`.
    pub fn audited(mut self, audit: AuditLog) -> Self {
        self.audit = Some(audit);
        self
    }

    pub fn read_only(&self) -> bool {
        matches!(self.access, Access::ReadOnly)
    }

    /// A new statement timeout, from the next statement on, on the same connection: an open
    /// transaction of the operator's stays open (a writable connection takes the new timeout
    /// once that transaction has ended, as a SET inside it would be undone by a ROLLBACK).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Puts a changed timeout on a writable connection, outside the operator's transaction.
    async fn apply_timeout(&mut self) -> Result<()> {
        if self.read_only() || self.operator_tx || self.applied_timeout == Some(self.timeout) {
            return Ok(());
        }
        let timeout = self.timeout;
        let Some(conn) = self.conn.as_mut() else {
            return Ok(()); // set when it connects
        };
        crate::db::set_timeouts(conn, timeout, timeout).await?;
        self.applied_timeout = Some(timeout);
        Ok(())
    }

    /// The backend pid, shared with whoever may cancel (0 until connected).
    pub fn pid(&self) -> Arc<AtomicI32> {
        self.pid.clone()
    }

    async fn conn(&mut self) -> Result<&mut PgConnection> {
        if self.conn.is_none() {
            let mut conn = self.db.connect("sql").await?;
            let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                .fetch_one(&mut conn)
                .await
                .map_err(|e| query_error("starting the SQL session", &e))?;
            if !self.read_only() {
                crate::db::set_timeouts(&mut conn, self.timeout, self.timeout).await?;
                self.applied_timeout = Some(self.timeout);
            }
            self.pid.store(pid, Ordering::SeqCst);
            self.operator_tx = false;
            self.conn = Some(conn);
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// A failure of the connection itself: drop it, so the next run connects again.
    fn lost(&mut self, what: &str, e: &sqlx::Error) -> AppError {
        self.conn = None;
        self.cursor = None;
        self.pid.store(0, Ordering::SeqCst);
        match e {
            sqlx::Error::Database(_) => query_error(what, e),
            _ => connect_error(self.db.connection(), e),
        }
    }

    async fn raw(&mut self, sql: &'static str) -> Result<()> {
        let conn = self.conn().await?;
        match sqlx::raw_sql(sql).execute(conn).await {
            Ok(_) => Ok(()),
            Err(e) => Err(self.lost("running the console's own statement", &e)),
        }
    }

    /// Ends an open cursor and the transaction the console began for it.
    pub async fn close(&mut self) -> Result<()> {
        if let Some(c) = self.cursor.take() {
            if c.own_tx {
                // A read-only one is rolled back; a writable one holds only a query's reads.
                let end = if self.read_only() {
                    "ROLLBACK"
                } else {
                    "COMMIT"
                };
                self.raw(end).await?;
            } else {
                self.raw("CLOSE afc_results").await?;
            }
        }
        Ok(())
    }

    /// Runs one statement (the text of one, as the operator wrote it). A statement that
    /// destroys data runs on a writable session only when `destroy` says the operator agreed.
    pub async fn run(&mut self, statement: &str, destroy: bool) -> Result<SqlOutcome> {
        self.close().await?;
        self.apply_timeout().await?;
        let started = Instant::now();
        let classified = classify(statement);
        if let Some(why) = &classified.destructive
            && !self.read_only()
            && !destroy
        {
            return Err(AppError::new(
                ErrorCode::UnsafeInProduction,
                format!("Confirmation needed: {why}"),
            ));
        }
        let mut out = SqlOutcome::empty(statement, classified.clone(), self.read_only());
        if self.read_only() && classified.kind == StatementKind::Copy {
            return Err(AppError::new(
                ErrorCode::UnsafeInProduction,
                "COPY is not run in a read-only session: it can read and write the server's files",
            ));
        }
        let own_tx =
            self.read_only() || (!self.operator_tx && classified.kind == StatementKind::Query);
        if own_tx {
            self.begin().await?;
        }
        let dispatch = self.notice_dispatch.clone();
        let result = async {
            match classified.kind {
                StatementKind::Query => self.declare(statement, own_tx, &mut out).await,
                StatementKind::Change => self.prepared(statement, &mut out).await,
                _ => self.direct(statement, &mut out).await,
            }
        }
        .with_subscriber(dispatch)
        .await;
        out.notices = self.notices.take();
        match result {
            Ok(()) => {}
            Err(Failure::Statement(e)) => out.error = Some(e),
            Err(Failure::Lost(e)) => return Err(e),
        }
        if out.error.is_some() {
            self.cursor = None;
        }
        // The console's transaction ends unless a cursor still reads in it (ending it twice
        // only warns). A failure inside the operator's own transaction leaves it aborted until
        // they end it, as in psql.
        if own_tx && self.cursor.is_none() {
            self.raw("ROLLBACK").await?;
        }
        if out.error.is_none() && !self.read_only() && classified.kind == StatementKind::Transaction
        {
            self.operator_tx = matches!(classified.command.as_str(), "BEGIN" | "START");
        }
        out.millis = started.elapsed().as_millis() as u64;
        self.record(&out);
        Ok(out)
    }

    /// A statement run with writes allowed, in the audit log (the statement's text, cut).
    fn record(&self, out: &SqlOutcome) {
        let (Some(audit), Access::Write(_)) = (&self.audit, &self.access) else {
            return;
        };
        if out.classified.kind == StatementKind::Query {
            return;
        }
        let text: String = out.statement.chars().take(500).collect();
        let event = Event::new(AuditAction::SqlRun, self.db.environment.as_deref())
            .target(&self.db.label)
            .detail(text);
        let outcome = if out.error.is_some() {
            Outcome::Failed
        } else {
            Outcome::Ok
        };
        if let Err(e) = audit.record(event, outcome) {
            tracing::warn!("could not record a SQL statement in the audit log: {e}");
        }
    }

    /// The plan of `statement` as PostgreSQL's JSON (`EXPLAIN (FORMAT JSON)`), with ANALYZE when
    /// asked: always inside a transaction (or savepoint) that is rolled back, so analysing a
    /// change changes nothing.
    pub async fn explain(
        &mut self,
        statement: &str,
        analyze: bool,
    ) -> Result<std::result::Result<serde_json::Value, SqlError>> {
        self.close().await?;
        let nested = self.operator_tx && !self.read_only();
        if nested {
            self.raw("SAVEPOINT afc_explain").await?;
        } else {
            self.begin().await?;
        }
        let options = if analyze {
            "FORMAT JSON, ANALYZE, BUFFERS"
        } else {
            "FORMAT JSON"
        };
        let prefix = format!("EXPLAIN ({options}) ");
        let conn = self.conn().await?;
        let result = sqlx::query(sqlx::AssertSqlSafe(format!("{prefix}{statement}")))
            .persistent(false)
            .fetch_one(&mut *conn)
            .await;
        let plan = match result {
            Ok(row) => Ok(texts(&row)
                .into_iter()
                .next()
                .flatten()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(serde_json::Value::Null)),
            Err(e) => match self.failure(e, &prefix) {
                Failure::Statement(s) => Err(s),
                Failure::Lost(e) => return Err(e),
            },
        };
        self.raw(if nested {
            "ROLLBACK TO SAVEPOINT afc_explain"
        } else {
            "ROLLBACK"
        })
        .await?;
        Ok(plan)
    }

    async fn begin(&mut self) -> Result<()> {
        if self.read_only() {
            self.raw("BEGIN READ ONLY").await?;
            // Formatted from a duration, never operator text; SET LOCAL ends with the
            // transaction, so the operator's own SETs cannot outlive it either.
            let sql = format!(
                "SET LOCAL statement_timeout = '{}ms'",
                self.timeout.as_millis()
            );
            let conn = self.conn().await?;
            if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(conn).await {
                return Err(self.lost("setting the statement timeout", &e));
            }
            Ok(())
        } else {
            self.raw("BEGIN").await
        }
    }

    /// A query through a cursor; the first page fetched.
    async fn declare(
        &mut self,
        statement: &str,
        own_tx: bool,
        out: &mut SqlOutcome,
    ) -> Result<(), Failure> {
        let sql = format!("{CURSOR_PREFIX}{statement}");
        let conn = self.conn().await.map_err(Failure::Lost)?;
        let declared = sqlx::query(sqlx::AssertSqlSafe(sql))
            .persistent(false)
            .execute(&mut *conn)
            .await;
        if let Err(e) = declared {
            return Err(self.failure(e, CURSOR_PREFIX));
        }
        self.cursor = Some(CursorState { own_tx });
        self.fetched = 0;
        self.fetch_into(PAGE_ROWS, out).await
    }

    /// Fetches `n` more rows of the open cursor.
    pub async fn fetch_more(&mut self, n: u32) -> Result<SqlOutcome> {
        let started = Instant::now();
        let mut out = SqlOutcome::empty("", classify("FETCH"), self.read_only());
        if self.cursor.is_none() {
            return Err(AppError::invalid_input(
                "There are no more rows to fetch: run the statement again",
            ));
        }
        match self.fetch_into(n.clamp(1, 100_000), &mut out).await {
            Ok(()) => {}
            Err(Failure::Statement(e)) => {
                out.error = Some(e);
                self.close().await.ok();
                self.cursor = None;
            }
            Err(Failure::Lost(e)) => return Err(e),
        }
        out.millis = started.elapsed().as_millis() as u64;
        Ok(out)
    }

    async fn fetch_into(&mut self, n: u32, out: &mut SqlOutcome) -> Result<(), Failure> {
        // The count is a number, never operator text.
        let sql = format!("FETCH FORWARD {n} FROM afc_results");
        let conn = self.conn().await.map_err(Failure::Lost)?;
        let rows: Vec<PgRow> = match sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await
        {
            Ok(rows) => rows,
            Err(e) => return Err(self.failure(e, "")),
        };
        if out.columns.is_empty()
            && let Some(first) = rows.first()
        {
            out.columns = columns(first);
        }
        if rows.is_empty() && out.columns.is_empty() {
            // No row to read the columns from: ask the cursor for none, with its description.
            out.columns = self.cursor_columns().await.map_err(Failure::Lost)?;
        }
        let got = rows.len() as u64;
        out.rows = rows.iter().map(texts).collect();
        self.fetched += got;
        out.more = got == u64::from(n);
        if out.more {
            out.row_count = None;
        } else {
            out.row_count = Some(self.fetched);
            self.close().await.map_err(Failure::Lost)?;
        }
        Ok(())
    }

    /// The columns of the open cursor's query (when it returned no row): the server describes
    /// a FETCH without running it.
    async fn cursor_columns(&mut self) -> Result<Vec<ResultColumn>> {
        let conn = self.conn().await?;
        let described = conn
            .prepare(sqlx::SqlStr::from_static("FETCH 0 FROM afc_results"))
            .await;
        match described {
            Ok(d) => Ok(sqlx::Statement::columns(&d)
                .iter()
                .map(|c| ResultColumn {
                    name: c.name().to_owned(),
                    type_name: c.type_info().name().to_owned(),
                })
                .collect()),
            Err(e) => Err(self.lost("reading the result's columns", &e)),
        }
    }

    /// A change (INSERT/UPDATE/DELETE/MERGE): prepared, then executed by the simple protocol so
    /// its RETURNING rows come back as text; rows beyond [`PAGE_ROWS`] are counted, not kept.
    async fn prepared(&mut self, statement: &str, out: &mut SqlOutcome) -> Result<(), Failure> {
        let sql = format!("{PREPARE_PREFIX}{statement}");
        let conn = self.conn().await.map_err(Failure::Lost)?;
        let prepared = sqlx::query(sqlx::AssertSqlSafe(sql))
            .persistent(false)
            .execute(&mut *conn)
            .await;
        if let Err(e) = prepared {
            return Err(self.failure(e, PREPARE_PREFIX));
        }
        let conn = self.conn().await.map_err(Failure::Lost)?;
        let result = collect(
            sqlx::raw_sql("EXECUTE afc_statement").fetch_many(&mut *conn),
            out,
        )
        .await;
        let deallocated = {
            let conn = self.conn().await.map_err(Failure::Lost)?;
            sqlx::raw_sql("DEALLOCATE afc_statement")
                .execute(conn)
                .await
        };
        if let Err(e) = result {
            return Err(self.failure(e, ""));
        }
        if let Err(e) = deallocated {
            return Err(self.failure(e, ""));
        }
        Ok(())
    }

    /// Anything else, as it is (extended protocol: one statement).
    async fn direct(&mut self, statement: &str, out: &mut SqlOutcome) -> Result<(), Failure> {
        let conn = self.conn().await.map_err(Failure::Lost)?;
        let result = collect(
            conn.fetch_many(
                sqlx::query(sqlx::AssertSqlSafe(statement.to_owned())).persistent(false),
            ),
            out,
        )
        .await;
        result.map_err(|e| self.failure(e, ""))
    }

    /// A statement's error (its position made relative to the operator's text), or the loss of
    /// the connection.
    fn failure(&mut self, e: sqlx::Error, prefix: &str) -> Failure {
        match &e {
            sqlx::Error::Database(d) if !d.code().is_some_and(|c| c.starts_with("57P")) => {
                let pg = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>();
                let position = pg.and_then(|p| p.position()).and_then(|p| match p {
                    sqlx::postgres::PgErrorPosition::Original(n) => {
                        u32::try_from(n.saturating_sub(prefix.chars().count() + 1)).ok()
                    }
                    sqlx::postgres::PgErrorPosition::Internal { .. } => None,
                });
                Failure::Statement(SqlError {
                    message: d.message().to_owned(),
                    sqlstate: d.code().unwrap_or_default().into_owned(),
                    position,
                    detail: pg.and_then(|p| p.detail()).map(str::to_owned),
                    hint: pg.and_then(|p| p.hint()).map(str::to_owned),
                })
            }
            _ => Failure::Lost(self.lost("running the statement", &e)),
        }
    }
}

enum Failure {
    Statement(SqlError),
    Lost(AppError),
}

/// Rows (up to [`PAGE_ROWS`]) and the affected count from a result stream.
async fn collect(
    mut stream: futures_util::stream::BoxStream<
        '_,
        std::result::Result<Either<sqlx::postgres::PgQueryResult, PgRow>, sqlx::Error>,
    >,
    out: &mut SqlOutcome,
) -> std::result::Result<(), sqlx::Error> {
    let mut affected = 0u64;
    while let Some(item) = stream.try_next().await? {
        match item {
            Either::Left(done) => affected += done.rows_affected(),
            Either::Right(row) => {
                if out.columns.is_empty() {
                    out.columns = columns(&row);
                }
                if out.rows.len() < PAGE_ROWS as usize {
                    out.rows.push(texts(&row));
                } else {
                    out.dropped += 1;
                }
            }
        }
    }
    out.row_count = Some(affected);
    Ok(())
}

fn columns(row: &PgRow) -> Vec<ResultColumn> {
    row.columns()
        .iter()
        .map(|c| ResultColumn {
            name: c.name().to_owned(),
            type_name: c.type_info().name().to_owned(),
        })
        .collect()
}

/// Every value of `row` as text: the server's own text when it sent text (simple protocol),
/// else decoded from binary for the types a utility statement returns.
fn texts(row: &PgRow) -> Vec<Option<String>> {
    (0..row.len())
        .map(|i| {
            let v = row.try_get_raw(i).ok()?;
            if v.is_null() {
                return None;
            }
            if v.format() == PgValueFormat::Text {
                return v.as_str().ok().map(str::to_owned);
            }
            let type_name = v.type_info().name().to_owned();
            Some(binary_text(row, i, &type_name).unwrap_or_else(|| format!("‹{type_name} value›")))
        })
        .collect()
}

fn binary_text(row: &PgRow, i: usize, type_name: &str) -> Option<String> {
    match type_name {
        // Their binary form is the text itself (JSONB's after a version byte).
        "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" | "JSON" | "CHAR" | "UNKNOWN" | "XML" => {
            row.try_get_unchecked::<String, _>(i).ok()
        }
        "JSONB" => row
            .try_get_raw(i)
            .ok()
            .and_then(|v| v.as_bytes().ok())
            .and_then(|b| std::str::from_utf8(b.get(1..)?).ok())
            .map(str::to_owned),
        "BOOL" => row
            .try_get::<bool, _>(i)
            .ok()
            .map(|b| if b { "t" } else { "f" }.to_owned()),
        "INT2" => row.try_get::<i16, _>(i).ok().map(|n| n.to_string()),
        "INT4" => row.try_get::<i32, _>(i).ok().map(|n| n.to_string()),
        "INT8" => row.try_get::<i64, _>(i).ok().map(|n| n.to_string()),
        "FLOAT4" => row.try_get::<f32, _>(i).ok().map(|n| n.to_string()),
        "FLOAT8" => row.try_get::<f64, _>(i).ok().map(|n| n.to_string()),
        "OID" => row
            .try_get::<sqlx::postgres::types::Oid, _>(i)
            .ok()
            .map(|n| n.0.to_string()),
        _ => None,
    }
}

/// Cancels what the session with server process `pid` is running, from a connection of its own.
pub async fn cancel(db: &Database, pid: i32) -> Result<bool> {
    if pid == 0 {
        return Ok(false);
    }
    let mut conn = db.connect("cancel").await?;
    sqlx::query_scalar("SELECT pg_cancel_backend($1)")
        .bind(pid)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| query_error("cancelling the statement", &e))
}
