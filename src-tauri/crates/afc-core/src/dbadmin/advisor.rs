//! A small advisor: the database's size, cache hit ratio and connections, its largest tables,
//! and findings (unused and duplicate indexes, foreign keys without an index, tables without
//! RLS in exposed schemas), each with the SQL that fixes it (names quoted).

use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;

use super::TableRef;
use crate::Result;
use crate::db::{Database, ident, query_error};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    #[ts(type = "number")]
    pub database_bytes: i64,
    /// Share of block reads served from the buffer cache (None before any read).
    #[ts(optional)]
    pub cache_hit_ratio: Option<f64>,
    #[ts(type = "number")]
    pub connections: i64,
    #[ts(type = "number")]
    pub max_connections: i64,
    pub largest: Vec<TableSize>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableSize {
    pub table: TableRef,
    #[ts(type = "number")]
    pub total_bytes: i64,
    #[ts(type = "number")]
    pub row_estimate: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    UnusedIndex,
    DuplicateIndex,
    UnindexedForeignKey,
    ExposedWithoutRls,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdvisorFinding {
    pub kind: FindingKind,
    pub title: String,
    pub detail: String,
    /// The SQL that fixes it (review before running).
    pub fix: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Advice {
    pub overview: Overview,
    pub findings: Vec<AdvisorFinding>,
}

const USER_SCHEMAS: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

pub async fn advise(db: &Database) -> Result<Advice> {
    let mut s = db.read().await?;
    let what = "reading the database's statistics";
    let row = sqlx::query(
        "SELECT pg_database_size(current_database()), \
                (SELECT sum(blks_hit)::float8 / NULLIF(sum(blks_hit) + sum(blks_read), 0) FROM pg_stat_database WHERE datname = current_database()), \
                (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'), \
                current_setting('max_connections')::int8",
    )
    .fetch_one(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?;
    let largest = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, c.relname, pg_total_relation_size(c.oid), GREATEST(c.reltuples, 0)::int8 \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'm') AND {USER_SCHEMAS} ORDER BY 3 DESC LIMIT 10"
    )))
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| TableSize {
        table: TableRef::new(r.get::<String, _>(0), r.get::<String, _>(1)),
        total_bytes: r.get(2),
        row_estimate: r.get(3),
    })
    .collect();
    let overview = Overview {
        database_bytes: row.get(0),
        cache_hit_ratio: row.get(1),
        connections: row.get(2),
        max_connections: row.get(3),
        largest,
    };

    let mut findings = Vec::new();
    // Indexes never scanned that enforce nothing.
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, i.relname, t.relname, pg_relation_size(i.oid) \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = i.relnamespace \
         LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid \
         WHERE NOT x.indisunique AND NOT x.indisprimary AND COALESCE(s.idx_scan, 0) = 0 AND {USER_SCHEMAS} \
         ORDER BY 4 DESC, 1, 2"
    )))
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?
    {
        let (schema, index, table): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        findings.push(AdvisorFinding {
            kind: FindingKind::UnusedIndex,
            title: format!("Index {index} on {table} has never been used"),
            detail: format!(
                "{} bytes, no scans since the statistics were reset. Check the replicas and rare jobs before dropping it.",
                r.get::<i64, _>(3)
            ),
            fix: format!("DROP INDEX CONCURRENTLY {}.{};", ident(&schema), ident(&index)),
        });
    }
    // Indexes with the same table, columns, expressions and predicate as another.
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, a.relname, b.relname, t.relname \
         FROM pg_index xa JOIN pg_index xb ON xa.indrelid = xb.indrelid AND xa.indexrelid < xb.indexrelid \
              AND xa.indkey::text = xb.indkey::text AND xa.indclass::text = xb.indclass::text \
              AND COALESCE(pg_get_expr(xa.indexprs, xa.indrelid), '') = COALESCE(pg_get_expr(xb.indexprs, xb.indrelid), '') \
              AND COALESCE(pg_get_expr(xa.indpred, xa.indrelid), '') = COALESCE(pg_get_expr(xb.indpred, xb.indrelid), '') \
         JOIN pg_class a ON a.oid = xa.indexrelid JOIN pg_class b ON b.oid = xb.indexrelid \
         JOIN pg_class t ON t.oid = xa.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE NOT xb.indisprimary AND {USER_SCHEMAS} ORDER BY 1, 4, 2"
    )))
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?
    {
        let (schema, keep, drop, table): (String, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        findings.push(AdvisorFinding {
            kind: FindingKind::DuplicateIndex,
            title: format!("Index {drop} on {table} duplicates {keep}"),
            detail: "Both index the same columns the same way: every write maintains both.".to_owned(),
            fix: format!("DROP INDEX CONCURRENTLY {}.{};", ident(&schema), ident(&drop)),
        });
    }
    // Foreign keys whose columns no index starts with: deletes of the referenced rows scan.
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, t.relname, c.conname, \
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE c.contype = 'f' AND {USER_SCHEMAS} AND NOT EXISTS ( \
               SELECT 1 FROM pg_index x WHERE x.indrelid = c.conrelid \
                 AND (x.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey \
                 AND (x.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey) \
         ORDER BY 1, 2, 3"
    )))
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error(what, &e))?
    {
        let (schema, table, constraint, columns): (String, String, String, Vec<String>) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let cols: Vec<String> = columns.iter().map(|c| ident(c)).collect();
        let index = format!("{table}_{}_idx", columns.join("_"));
        findings.push(AdvisorFinding {
            kind: FindingKind::UnindexedForeignKey,
            title: format!("Foreign key {constraint} on {table} ({}) has no index", columns.join(", ")),
            detail: "Deleting or changing a referenced row scans the whole table, and joins on it cannot use an index.".to_owned(),
            fix: format!(
                "CREATE INDEX CONCURRENTLY {} ON {}.{} ({});",
                ident(&index),
                ident(&schema),
                ident(&table),
                cols.join(", ")
            ),
        });
    }
    let names = super::catalog::names_on(&mut s).await?;
    for t in names.tables.iter().filter(|t| t.exposed_without_rls) {
        findings.push(AdvisorFinding {
            kind: FindingKind::ExposedWithoutRls,
            title: format!("{}.{} is exposed without row-level security", t.schema, t.name),
            detail: "The API's anonymous role can use this schema: without RLS every row is readable (and writable, with grants) through it. Enable RLS, then add the policies the platform needs.".to_owned(),
            fix: format!("ALTER TABLE {}.{} ENABLE ROW LEVEL SECURITY;", ident(&t.schema), ident(&t.name)),
        });
    }
    Ok(Advice { overview, findings })
}
