//! Adoption: take over a database built the old ways (Alembic, or the API at start-up) without
//! losing a row. The repair plan is validation's fixes in dependency order, checked first against
//! the existing rows; it runs in one transaction under the migration lock, then records the
//! canonical migrations as a baseline so they never run on top of it.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;

use super::apply::{ApplyEvent, ApplyReport, LockedSession, MigrationRun, in_transaction};
use super::lint::{LintFinding, lint};
use super::source::{Migration, MigrationSet};
use super::{history, split};
use crate::db::{ConnectionMode, Database, ident, literal, public, query_error};
use crate::guard::WritePermit;
use crate::progress::Cancel;
use crate::schema::Shape;
use crate::schema::introspect::{self, LiveSchema};
use crate::schema::validate::{CheckKind, DataCheck, Finding, Severity, compare};
use crate::{AppError, ErrorCode, Result};

/// Existing rows that stop the repair: it would add a constraint they violate.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Blocker {
    pub object: String,
    pub problem: String,
    /// The offending rows (ids, and the duplicated value for uniqueness), at most ten.
    pub rows: Vec<String>,
    /// For NULLs where the repair adds NOT NULL: the column's key, to fill them with a value.
    pub backfill: Option<BackfillProposal>,
}

/// A way past NULLs in a column the repair makes NOT NULL: fill them with a value the operator
/// accepts (or types).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct BackfillProposal {
    /// `table.column`, the name afctl's `--backfill COLUMN=VALUE` and the window use.
    pub column: String,
    /// The console's suggestion, for the columns the platform leaves empty in real data.
    pub proposed: Option<String>,
}

/// The platform's nullable-in-Alembic columns that hold NULLs in real data, and what stands in
/// for a missing value in each.
const PROPOSED_BACKFILLS: &[(&str, &str)] = &[
    ("workflows.definition", "{}"),
    ("blueprints.version", "0.0.0"),
    ("api_keys.name", "unnamed"),
];

/// The back-fills an operator accepted: every proposal, and values by `table.column` (which
/// win over a proposal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backfills {
    pub accept_proposed: bool,
    pub values: BTreeMap<String, String>,
}

impl Backfills {
    fn value_for<'a>(&'a self, p: &'a BackfillProposal) -> Option<&'a str> {
        self.values
            .get(&p.column)
            .map(String::as_str)
            .or(p.proposed.as_deref().filter(|_| self.accept_proposed))
    }
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

impl AdoptionPlan {
    /// Adoption has nothing to do: the console already manages this database (a success, so an
    /// "ensure adopted" step in CI can run every time).
    pub fn already_managed(&self) -> bool {
        self.shape == Shape::ConsoleManaged
    }
}

fn refusal(shape: &Shape) -> Option<String> {
    match shape {
        Shape::Empty => Some(
            "This database is empty: there is nothing to adopt; apply the migrations instead"
                .into(),
        ),
        Shape::Partial { .. } => Some(format!(
            "This database is {}. The console does not guess how it got there: finish or restore it first",
            shape.describe()
        )),
        Shape::ConsoleManaged | Shape::Alembic { .. } | Shape::ApiCreated => None,
    }
}

async fn build(
    conn: &mut PgConnection,
    target: &Database,
    set: &MigrationSet,
    backfills: &Backfills,
) -> Result<AdoptionPlan> {
    let live = introspect::read(conn).await?;
    let shape = Shape::detect(&live);
    let differences = compare(&live);
    let refusal = refusal(&shape);
    // A database adoption refuses or has already done is not repaired: nothing would run.
    let adoptable = refusal.is_none() && shape != Shape::ConsoleManaged;
    let mut fixes: Vec<&Finding> = differences
        .iter()
        .filter(|f| adoptable && f.severity != Severity::Info && f.fix.is_some())
        .collect();
    fixes.sort_by_key(|f| f.phase);
    let mut blockers = Vec::new();
    let mut fills = Vec::new();
    for f in &fixes {
        if let Some(check) = &f.check
            && let Some(b) = check_rows(conn, &live, &f.object, check).await?
        {
            match b
                .backfill
                .as_ref()
                .and_then(|p| Some((p, backfills.value_for(p)?)))
            {
                Some((p, value)) => fills.push(backfill_step(check.table, p, value, &b)?),
                None => blockers.push(b),
            }
        }
    }
    if let Some(unknown) = backfills
        .values
        .keys()
        .find(|k| !fills.iter().any(|s: &RepairStep| &s.object == *k))
    {
        return Err(AppError::invalid_input(format!(
            "No back-fill is needed for {unknown}: the repair makes no column of that name NOT NULL where rows hold NULLs"
        )));
    }
    // The back-fills run first: they only write values, into columns that already exist.
    let steps: Vec<RepairStep> = fills
        .into_iter()
        .chain(fixes.iter().map(|f| RepairStep {
            object: f.object.clone(),
            found: f.found.clone(),
            expected: f.expected.clone(),
            sql: f.fix.clone().unwrap_or_default(),
        }))
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
        baseline: if adoptable {
            baseline(set).map(|m| m.file.clone()).collect()
        } else {
            Vec::new()
        },
    })
}

/// The UPDATE that fills a column's NULLs with the accepted value, as a repair step.
fn backfill_step(
    table: &str,
    p: &BackfillProposal,
    value: &str,
    blocker: &Blocker,
) -> Result<RepairStep> {
    let column = p.column.rsplit('.').next().unwrap_or_default();
    Ok(RepairStep {
        object: p.column.clone(),
        found: format!("NULL in {}", blocker.rows.join(", ")),
        expected: format!("back-filled with {value:?}"),
        sql: format!(
            "UPDATE {} SET {c} = {} WHERE {c} IS NULL",
            public(table),
            literal(value)?,
            c = ident(column)
        ),
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
    let backfill = (is_column && matches!(c.kind, CheckKind::NotNull)).then(|| {
        let column = format!("{t}.{}", c.expr);
        let proposed = PROPOSED_BACKFILLS
            .iter()
            .find(|(k, _)| *k == column)
            .map(|(_, v)| (*v).to_owned());
        BackfillProposal { column, proposed }
    });
    Ok((!rows.is_empty()).then(|| Blocker {
        object: object.to_owned(),
        problem: format!("{t} has {problem}"),
        rows,
        backfill,
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

/// What adopting this database would do, with the back-fills the operator accepted. Reads only.
pub async fn adoption_plan(
    target: &Database,
    set: &MigrationSet,
    backfills: &Backfills,
) -> Result<AdoptionPlan> {
    target.refuse_transaction_pooler()?;
    let mut conn = target.read().await?;
    build(&mut conn, target, set, backfills).await
}

/// Runs the repair and records the baseline, all or nothing. The plan is rebuilt under the lock,
/// so it is exactly what the database needs at that moment.
pub async fn adopt(
    run: &MigrationRun<'_>,
    permit: &WritePermit,
    backfills: &Backfills,
) -> Result<ApplyReport> {
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
    let plan = build(&mut session.conn, target, set, backfills).await?;
    if let Some(reason) = plan.refusal {
        return Err(AppError::new(ErrorCode::Conflict, reason));
    }
    if plan.already_managed() {
        session.close().await?;
        progress.emit(ApplyEvent::Finished {
            applied: 0,
            duration_ms: 0,
        });
        return Ok(ApplyReport {
            target: target.label.clone(),
            applied: Vec::new(),
            skipped: Vec::new(),
            cancelled: false,
            duration_ms: 0,
        });
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
