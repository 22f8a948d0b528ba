//! Adoption: take over a database built the old ways (Alembic, or the API at start-up) without
//! losing a row. The repair plan is validation's fixes in dependency order, checked first against
//! the existing rows; it runs in one transaction under the migration lock, then records the
//! canonical migrations as a baseline so they never run on top of it.

use std::time::Instant;

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;

use super::apply::{ApplyEvent, ApplyReport, LockedSession, MigrationRun, in_transaction};
use super::lint::{LintFinding, lint};
use super::source::{Migration, MigrationSet};
use super::{history, split};
use crate::db::{ConnectionMode, Database, public, query_error};
use crate::guard::WritePermit;
use crate::progress::Cancel;
use crate::schema::Shape;
use crate::schema::introspect::{self, LiveSchema};
use crate::schema::validate::{CheckKind, DataCheck, Finding, Severity, compare};
use crate::{AppError, ErrorCode, Result};

/// Existing rows that stop the repair: it would add a constraint they violate.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Blocker {
    pub object: String,
    pub problem: String,
    /// The offending rows (ids, and the duplicated value for uniqueness), at most ten.
    pub rows: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepairStep {
    pub object: String,
    pub found: String,
    pub expected: String,
    pub sql: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct AdoptionPlan {
    pub target: String,
    pub environment: Option<String>,
    pub mode: ConnectionMode,
    pub shape: Shape,
    /// Every difference from canonical, including the harmless ones.
    pub differences: Vec<Finding>,
    pub steps: Vec<RepairStep>,
    pub lint: Vec<LintFinding>,
    pub blockers: Vec<Blocker>,
    /// The migrations that will be recorded as already done.
    pub baseline: Vec<String>,
    /// Why adoption cannot (or need not) run here.
    pub refusal: Option<String>,
}

impl AdoptionPlan {
    /// The whole repair as one reviewable script.
    pub fn script(&self) -> String {
        let mut out = format!(
            "-- Adoption repair for {} ({})\n-- Runs in one transaction under the migration lock.\nBEGIN;\n",
            self.target,
            self.shape.describe()
        );
        for s in &self.steps {
            out.push_str(&format!(
                "\n-- {}: {} → {}\n{};\n",
                s.object, s.found, s.expected, s.sql
            ));
        }
        out.push_str("\n-- Baseline: recorded in afc_schema_migrations as already applied\n");
        for b in &self.baseline {
            out.push_str(&format!("--   {b}\n"));
        }
        out.push_str("COMMIT;\n");
        out
    }
}

fn refusal(shape: &Shape) -> Option<String> {
    match shape {
        Shape::Empty => Some(
            "This database is empty: there is nothing to adopt; apply the migrations instead"
                .into(),
        ),
        Shape::ConsoleManaged => Some(
            "This database is already managed by the console: use status, plan and apply".into(),
        ),
        Shape::Partial { .. } => Some(format!(
            "This database is {}. The console does not guess how it got there: finish or restore it first",
            shape.describe()
        )),
        Shape::Alembic { .. } | Shape::ApiCreated => None,
    }
}

async fn build(
    conn: &mut PgConnection,
    target: &Database,
    set: &MigrationSet,
) -> Result<AdoptionPlan> {
    let live = introspect::read(conn).await?;
    let shape = Shape::detect(&live);
    let differences = compare(&live);
    let mut fixes: Vec<&Finding> = differences
        .iter()
        .filter(|f| f.severity != Severity::Info && f.fix.is_some())
        .collect();
    fixes.sort_by_key(|f| f.phase);
    let refusal = refusal(&shape);
    let mut blockers = Vec::new();
    // A database adoption refuses is not checked row by row: there is nothing it would run.
    for f in fixes.iter().filter(|_| refusal.is_none()) {
        if let Some(check) = &f.check
            && let Some(b) = check_rows(conn, &live, &f.object, check).await?
        {
            blockers.push(b);
        }
    }
    let steps: Vec<RepairStep> = fixes
        .iter()
        .map(|f| RepairStep {
            object: f.object.clone(),
            found: f.found.clone(),
            expected: f.expected.clone(),
            sql: f.fix.clone().unwrap_or_default(),
        })
        .collect();
    let script: String = steps.iter().map(|s| format!("{};\n", s.sql)).collect();
    let repair = Migration::repair(script);
    let lint = lint(&[(&repair, repair.statements())]);
    Ok(AdoptionPlan {
        target: target.label.clone(),
        environment: target.environment.clone(),
        mode: target.mode,
        refusal,
        shape,
        differences,
        steps,
        lint,
        blockers,
        baseline: baseline(set).map(|m| m.file.clone()).collect(),
    })
}

/// The migrations adoption records as done: every unconditional one (a conditional one, like
/// Supabase's row-level security, stays pending where it applies).
fn baseline(set: &MigrationSet) -> impl Iterator<Item = &Migration> {
    set.iter().filter(|m| m.requires.is_empty())
}

/// Rows that would violate the constraint a fix adds, if any.
async fn check_rows(
    conn: &mut PgConnection,
    live: &LiveSchema,
    object: &str,
    c: &DataCheck,
) -> Result<Option<Blocker>> {
    let t = c.table;
    let is_column = c
        .expr
        .split(", ")
        .all(|p| p.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'));
    let missing_column = is_column && c.expr.split(", ").any(|p| live.column(t, p).is_none());
    if !live.has_table(t)
        || missing_column
        || c.expr == "NULL" && !matches!(c.kind, CheckKind::NotNull)
    {
        return Ok(None);
    }
    let (sql, problem) = match &c.kind {
        CheckKind::NotNull => (
            format!(
                "SELECT 'id ' || id::text FROM {} WHERE ({}) IS NULL ORDER BY 1 LIMIT 10",
                public(t),
                c.expr
            ),
            "rows with no value, where the repair adds NOT NULL",
        ),
        CheckKind::Unique => (
            format!(
                "SELECT ({e})::text || ': ids ' || string_agg(id::text, ', ' ORDER BY id::text) FROM {t} \
                 WHERE ({e}) IS NOT NULL GROUP BY {e} HAVING count(*) > 1 ORDER BY 1 LIMIT 10",
                e = c.expr,
                t = public(t)
            ),
            "duplicate values, where the repair adds a unique index",
        ),
        CheckKind::References(target) => (
            format!(
                "SELECT 'id ' || x.id::text || ' → ' || ({e})::text FROM {t} x \
                 WHERE ({e}) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {target} r WHERE r.id = ({e})) ORDER BY 1 LIMIT 10",
                e = qualify(&c.expr, "x"),
                t = public(t),
                target = public(target)
            ),
            "rows referring to rows that do not exist, where the repair adds a foreign key",
        ),
    };
    let rows: Vec<String> = // Built from the canonical model's names, never from operator text.
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error(&format!("checking existing rows of {t}"), &e))?;
    Ok((!rows.is_empty()).then(|| Blocker {
        object: object.to_owned(),
        problem: format!("{t} has {problem}"),
        rows,
    }))
}

/// `col` → `x.col` for a plain column name; expressions pass through.
fn qualify(expr: &str, alias: &str) -> String {
    if expr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{alias}.{expr}")
    } else {
        expr.to_owned()
    }
}

/// What adopting this database would do. Reads only.
pub async fn adoption_plan(target: &Database, set: &MigrationSet) -> Result<AdoptionPlan> {
    target.refuse_transaction_pooler()?;
    let mut conn = target.read().await?;
    build(&mut conn, target, set).await
}

/// Runs the repair and records the baseline, all or nothing. The plan is rebuilt under the lock,
/// so it is exactly what the database needs at that moment.
pub async fn adopt(run: &MigrationRun<'_>, permit: &WritePermit) -> Result<ApplyReport> {
    let started = Instant::now();
    let (target, set, progress) = (run.db, run.set, run.progress);
    // One transaction from start to end: adoption is not cancelled, so neither is its wait.
    let uncancelled = MigrationRun {
        cancel: &Cancel::default(),
        ..*run
    };
    let mut session = LockedSession::open(&uncancelled, permit)
        .await?
        .ok_or_else(|| AppError::internal("The wait for the migration lock ended without it"))?;
    let plan = build(&mut session.conn, target, set).await?;
    if let Some(reason) = plan.refusal {
        return Err(AppError::new(ErrorCode::Conflict, reason));
    }
    if !plan.blockers.is_empty() {
        let list: Vec<String> = plan
            .blockers
            .iter()
            .map(|b| format!("{}: {} ({})", b.object, b.problem, b.rows.join("; ")))
            .collect();
        return Err(AppError::new(
            ErrorCode::Conflict,
            format!(
                "Existing rows stop the repair; nothing was changed. {}",
                list.join(". ")
            ),
        ));
    }
    let script: String = plan.steps.iter().map(|s| format!("{};\n", s.sql)).collect();
    let statements = split::split(&script);
    progress.emit(ApplyEvent::Locked {
        target: target.label.clone(),
        pending: 1,
    });
    progress.emit(ApplyEvent::MigrationStarted {
        version: 0,
        name: "adoption repair".into(),
        index: 1,
        total: 1,
        statements: u32::try_from(statements.len()).unwrap_or(u32::MAX),
    });
    let unit = (0, "adoption repair", script.as_str());
    let rolled_back = "Nothing was changed: the repair ran in one transaction.";
    in_transaction(
        &mut session.conn,
        unit,
        &statements,
        progress,
        rolled_back,
        async |tx| {
            history::ensure(tx).await?;
            for m in baseline(set) {
                history::record(tx, m, 0, true, "baseline").await?;
            }
            Ok(())
        },
    )
    .await?;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    progress.emit(ApplyEvent::MigrationFinished {
        version: 0,
        name: "adoption repair".into(),
        duration_ms,
    });
    session.close().await?;
    progress.emit(ApplyEvent::Finished {
        applied: 1,
        duration_ms,
    });
    Ok(ApplyReport {
        target: target.label.clone(),
        applied: baseline(set).map(|m| m.version).collect(),
        skipped: Vec::new(),
        cancelled: false,
        duration_ms,
    })
}
