//! The demo data set (schema.md, "Demo data"): seeded in one transaction from `demo/seed.sql`,
//! counted, and reset. A reset removes the demo tenant (found by its slug, whoever seeded it), its
//! users, every row that references either, the demo blueprint (published by a demo user) and the
//! demo plan unless another tenant subscribes to it — in foreign-key order, and nothing else.

use serde::Serialize;
use sqlx::{Connection, PgConnection, Row};
use ts_rs::TS;

use crate::db::{Database, query_error};
use crate::{AppError, ErrorCode, Result};

const SEED: &str = include_str!("../../demo/seed.sql");

/// The slug that marks the demo tenant: seeding is a no-op while one has it.
pub const DEMO_SLUG: &str = "demo-org";
const DEMO_PLAN: &str = "demo-plan-pro";
const DEMO_EMAIL: &str = "demo@example.com";

/// What seeding writes, for the preview: (table, id, what the row is).
const SEED_ROWS: [(&str, &str, &str); 9] = [
    (
        "tenants",
        "demo-tenant",
        "Demo Organization (demo-org), plan pro",
    ),
    (
        "users",
        "demo-user",
        "demo@example.com, roles [user], cannot log in",
    ),
    ("agents", "demo-agent", "Demo Assistant (gpt-4o)"),
    (
        "workflows",
        "demo-workflow",
        "Demo Workflow, two steps using Demo Assistant",
    ),
    (
        "blueprints",
        "demo-blueprint",
        "Demo Blueprint 1.0.0, public, free",
    ),
    (
        "executions",
        "demo-execution",
        "a completed run of Demo Assistant an hour ago, 1.5 s",
    ),
    ("projects", "demo-project", "Demo Project (saas_app)"),
    (
        "plans",
        DEMO_PLAN,
        "Pro Plan: 29.99 a month, 299.99 a year (reused if present)",
    ),
    (
        "subscriptions",
        "demo-subscription",
        "the tenant on Pro Plan, monthly, 30 days",
    ),
];

/// A reset's tables in foreign-key order (rows that reference others first), each with the
/// condition its demo rows meet: `$1` is the demo tenant's id (NULL when there is none), or for
/// `plans` the demo plans' ids.
const RESET: [(&str, &str); 12] = [
    (
        "usage_records",
        "tenant_id = $1 OR subscription_id IN (SELECT id FROM public.subscriptions WHERE tenant_id = $1)",
    ),
    ("subscriptions", "tenant_id = $1"),
    (
        "api_keys",
        "tenant_id = $1 OR user_id IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    (
        "projects",
        "tenant_id = $1 OR created_by IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    (
        "executions",
        "tenant_id = $1 OR created_by IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    (
        "audit_logs",
        "user_id IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    (
        "workflows",
        "tenant_id = $1 OR created_by IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    (
        "agents",
        "tenant_id = $1 OR created_by IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    (
        "blueprints",
        "publisher_id IN (SELECT id FROM public.users WHERE tenant_id = $1)",
    ),
    ("users", "tenant_id = $1"),
    ("tenants", "id = $1"),
    ("plans", "id = ANY($1)"),
];

/// The demo plans a reset removes: the console's own, or the "Pro Plan" the demo tenant
/// subscribes to (the platform's seeder gives it another id) — unless another tenant uses it.
const DEMO_PLANS: &str = "SELECT p.id::text FROM public.plans p \
     WHERE (p.id = $2 OR (p.name = 'Pro Plan' AND p.id IN \
            (SELECT plan_id FROM public.subscriptions WHERE tenant_id = $1))) \
       AND NOT EXISTS (SELECT 1 FROM public.subscriptions s \
                       WHERE s.plan_id = p.id AND s.tenant_id IS DISTINCT FROM $1)";

/// One row seeding would write.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SeedRow {
    pub table: String,
    pub id: String,
    pub what: String,
}

/// What seeding would do, read before anything is written.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SeedPreview {
    pub target: String,
    /// The demo tenant's id when one exists: seeding is then a no-op.
    #[ts(optional)]
    pub already_seeded: Option<String>,
    pub rows: Vec<SeedRow>,
    /// Rows in the way (a demo id or the demo e-mail used outside the demo): seeding would fail.
    pub conflicts: Vec<String>,
}

/// What seeding did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SeedOutcome {
    pub seeded: bool,
    pub message: String,
    pub rows: Vec<SeedRow>,
}

/// Demo rows per table (what a reset would remove, or removed).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoRows {
    pub target: String,
    #[ts(optional)]
    pub tenant_id: Option<String>,
    pub tables: Vec<TableCount>,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableCount {
    pub table: String,
    #[ts(type = "number")]
    pub rows: u64,
}

impl DemoRows {
    pub fn seeded(&self) -> bool {
        self.tenant_id.is_some()
    }
}

fn rows() -> Vec<SeedRow> {
    SEED_ROWS
        .iter()
        .map(|(table, id, what)| SeedRow {
            table: (*table).to_owned(),
            id: (*id).to_owned(),
            what: (*what).to_owned(),
        })
        .collect()
}

async fn demo_tenant(conn: &mut PgConnection) -> Result<Option<String>> {
    sqlx::query_scalar("SELECT id::text FROM public.tenants WHERE slug = $1 ORDER BY id LIMIT 1")
        .bind(DEMO_SLUG)
        .fetch_optional(conn)
        .await
        .map_err(|e| schema_error("looking for the demo tenant", &e))
}

/// A missing table or column means the migrations have not been applied: say so.
fn schema_error(what: &str, e: &sqlx::Error) -> AppError {
    let undefined = matches!(e, sqlx::Error::Database(d)
        if matches!(d.code().as_deref(), Some("42P01" | "42703")));
    if undefined {
        return AppError::new(
            ErrorCode::InvalidInput,
            "The database does not have the platform's tables as the console's migrations make them: apply the migrations (or adopt the database) first",
        )
        .with_details(e.to_string());
    }
    query_error(what, e)
}

/// What seeding `db` would write, and whether it would.
pub async fn seed_preview(db: &Database) -> Result<SeedPreview> {
    let mut conn = db.read().await?;
    let already_seeded = demo_tenant(&mut conn).await?;
    let mut conflicts = Vec::new();
    if already_seeded.is_none() {
        for (table, id, _) in SEED_ROWS.iter().filter(|(t, _, _)| *t != "plans") {
            let sql = format!("SELECT count(*) FROM public.{table} WHERE id = $1");
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| schema_error("looking for rows in the way", &e))?;
            if n > 0 {
                conflicts.push(format!("{table} already has a row with id {id}"));
            }
        }
        let email: Option<String> =
            sqlx::query_scalar("SELECT id::text FROM public.users WHERE email = $1")
                .bind(DEMO_EMAIL)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| schema_error("looking for the demo user", &e))?;
        if let Some(id) = email.filter(|id| id != "demo-user") {
            conflicts.push(format!(
                "user {id} outside the demo already has {DEMO_EMAIL}"
            ));
        }
    }
    Ok(SeedPreview {
        target: db.label.clone(),
        already_seeded,
        rows: rows(),
        conflicts,
    })
}

/// Seeds `session` (a write session the caller opened with a permit) in one transaction, or
/// says why it did nothing (already seeded).
pub async fn seed(conn: &mut PgConnection, target: &str) -> Result<SeedOutcome> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| query_error("starting the seed's transaction", &e))?;
    if let Some(id) = demo_tenant(&mut tx).await? {
        return Ok(SeedOutcome {
            seeded: false,
            message: format!(
                "{target} already has the demo tenant ({DEMO_SLUG}, id {id}): nothing was written"
            ),
            rows: Vec::new(),
        });
    }
    sqlx::raw_sql(SEED).execute(&mut *tx).await.map_err(|e| {
        let error = schema_error("writing the demo data", &e);
        AppError::new(
            error.code,
            format!("{}; nothing was written", error.message),
        )
        .with_details(e.to_string())
    })?;
    tx.commit()
        .await
        .map_err(|e| query_error("committing the demo data", &e))?;
    Ok(SeedOutcome {
        seeded: true,
        message: format!("Seeded the demo data on {target}: {} rows", rows().len()),
        rows: rows(),
    })
}

async fn demo_plans(conn: &mut PgConnection, tenant: Option<&str>) -> Result<Vec<String>> {
    sqlx::query_scalar(DEMO_PLANS)
        .bind(tenant)
        .bind(DEMO_PLAN)
        .fetch_all(conn)
        .await
        .map_err(|e| schema_error("finding the demo plan", &e))
}

/// For each table in [`RESET`]'s order, the demo rows counted or (`delete`) removed.
async fn each_table(
    conn: &mut PgConnection,
    target: &str,
    tenant: Option<String>,
    plans: &[String],
    delete: bool,
) -> Result<DemoRows> {
    let mut tables = Vec::with_capacity(RESET.len());
    for (table, condition) in RESET {
        let sql = if delete {
            format!("DELETE FROM public.{table} WHERE {condition}")
        } else {
            format!("SELECT count(*) FROM public.{table} WHERE {condition}")
        };
        // Table names and conditions are this module's constants; the ids are bound.
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = if table == "plans" {
            query.bind(plans)
        } else {
            query.bind(tenant.as_deref())
        };
        let what = format!("the demo rows of {table}");
        let rows = if delete {
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        } else {
            query
                .fetch_one(&mut *conn)
                .await
                .map(|r| u64::try_from(r.get::<i64, _>(0)).unwrap_or(0))
        }
        .map_err(|e| schema_error(&what, &e))?;
        tables.push(TableCount {
            table: table.to_owned(),
            rows,
        });
    }
    Ok(DemoRows {
        target: target.to_owned(),
        total: tables.iter().map(|t| t.rows).sum(),
        tenant_id: tenant,
        tables,
    })
}

/// The demo rows of `db`, per table: what a reset would remove (also the status).
pub async fn count(db: &Database) -> Result<DemoRows> {
    let mut conn = db.read().await?;
    let tenant = demo_tenant(&mut conn).await?;
    let plans = demo_plans(&mut conn, tenant.as_deref()).await?;
    each_table(&mut conn, &db.label, tenant, &plans, false).await
}

/// Removes the demo rows in one transaction; returns what it removed (all zeros when there was
/// nothing, so a second reset is a no-op).
pub async fn reset(conn: &mut PgConnection, target: &str) -> Result<DemoRows> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| query_error("starting the reset's transaction", &e))?;
    let tenant = demo_tenant(&mut tx).await?;
    let plans = demo_plans(&mut tx, tenant.as_deref()).await?;
    let removed = each_table(&mut tx, target, tenant, &plans, true).await?;
    tx.commit()
        .await
        .map_err(|e| query_error("committing the reset", &e))?;
    Ok(removed)
}

/// Removes tenant `id` (one a demo signed up on stage), its users and every row that references
/// either, in one transaction. Plans are left alone.
pub async fn remove_tenant(conn: &mut PgConnection, target: &str, id: &str) -> Result<DemoRows> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| query_error("starting the clean-up's transaction", &e))?;
    let removed = each_table(&mut tx, target, Some(id.to_owned()), &[], true).await?;
    tx.commit()
        .await
        .map_err(|e| query_error("committing the clean-up", &e))?;
    Ok(removed)
}
