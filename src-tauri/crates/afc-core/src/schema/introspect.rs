//! Reads what a live database holds in its `public` schema: tables and columns, indexes, foreign
//! keys, row-level security, and the bookkeeping of the console and of Alembic.

use std::collections::BTreeMap;

use sqlx::{PgConnection, Row};

use super::policies::LivePolicy;
use crate::Result;
use crate::db::query_error;

#[derive(Debug, Clone)]
pub struct LiveColumn {
    pub name: String,
    /// As `format_type` prints it, e.g. `character varying(32)`.
    pub data_type: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub identity: bool,
}

#[derive(Debug, Clone)]
pub struct LiveIndex {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
    /// Partial or expression indexes never stand in for a canonical one.
    pub plain: bool,
}

#[derive(Debug, Clone)]
pub struct LiveForeignKey {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub references: String,
    /// `a` = NO ACTION (pg_constraint.confdeltype).
    pub on_delete: String,
}

#[derive(Debug, Clone, Default)]
pub struct LiveSchema {
    pub tables: BTreeMap<String, Vec<LiveColumn>>,
    pub indexes: Vec<LiveIndex>,
    pub foreign_keys: Vec<LiveForeignKey>,
    /// None: no `alembic_version` table; Some(rows) otherwise.
    pub alembic: Option<Vec<String>>,
    pub console_history: bool,
    /// Per table: (row-level security enabled, number of policies).
    pub rls: BTreeMap<String, (bool, i64)>,
    /// `auth.uid()` and the `service_role` role exist (Supabase).
    pub supabase: bool,
    /// Every row-level security policy on a table in `public`.
    pub policies: Vec<LivePolicy>,
}

impl LiveSchema {
    pub fn column(&self, table: &str, column: &str) -> Option<&LiveColumn> {
        self.tables.get(table)?.iter().find(|c| c.name == column)
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }
}

const COLUMNS: &str = "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
     a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' \
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY c.relname, a.attnum";

const INDEXES: &str = "SELECT i.relname::text, t.relname::text, ix.indisunique, ix.indisprimary, \
     ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(num, ord) \
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.num ORDER BY k.ord), \
     ix.indpred IS NULL AND ix.indexprs IS NULL \
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public' ORDER BY 1";

const FOREIGN_KEYS: &str = "SELECT con.conname::text, t.relname::text, r.relname::text, \
     ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), \
     con.confdeltype::text \
     FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public' \
     WHERE con.contype = 'f' ORDER BY 1";

const RLS: &str = "SELECT c.relname::text, c.relrowsecurity, \
     (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' \
     WHERE c.relkind IN ('r', 'p')";

const POLICIES: &str = "SELECT tablename::text, policyname::text, cmd, qual, with_check \
     FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename, policyname";

const FLAGS: &str = "SELECT to_regclass('public.alembic_version') IS NOT NULL, \
     to_regclass('public.afc_schema_migrations') IS NOT NULL, \
     to_regprocedure('auth.uid()') IS NOT NULL \
     AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role')";

pub async fn read(conn: &mut PgConnection) -> Result<LiveSchema> {
    let err = |e: sqlx::Error| query_error("reading the database's schema", &e);
    let mut live = LiveSchema::default();
    for r in sqlx::query(COLUMNS)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
    {
        live.tables.entry(r.get(0)).or_default().push(LiveColumn {
            name: r.get(1),
            data_type: r.get(2),
            not_null: r.get(3),
            default: r.get(4),
            identity: r.get(5),
        });
    }
    for r in sqlx::query(INDEXES)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
    {
        live.indexes.push(LiveIndex {
            name: r.get(0),
            table: r.get(1),
            unique: r.get(2),
            primary: r.get(3),
            columns: r.get(4),
            plain: r.get(5),
        });
    }
    for r in sqlx::query(POLICIES)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
    {
        live.policies.push(LivePolicy {
            table: r.get(0),
            name: r.get(1),
            command: r.get(2),
            using: r.get(3),
            with_check: r.get(4),
        });
    }
    for r in sqlx::query(FOREIGN_KEYS)
        .fetch_all(&mut *conn)
        .await
        .map_err(err)?
    {
        live.foreign_keys.push(LiveForeignKey {
            name: r.get(0),
            table: r.get(1),
            references: r.get(2),
            columns: r.get(3),
            on_delete: r.get(4),
        });
    }
    for r in sqlx::query(RLS).fetch_all(&mut *conn).await.map_err(err)? {
        live.rls.insert(r.get(0), (r.get(1), r.get(2)));
    }
    let flags = sqlx::query(FLAGS)
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    live.console_history = flags.get(1);
    live.supabase = flags.get(2);
    if flags.get::<bool, _>(0) {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT version_num::text FROM public.alembic_version")
                .fetch_all(&mut *conn)
                .await
                .map_err(err)?;
        live.alembic = Some(rows);
    }
    Ok(live)
}
