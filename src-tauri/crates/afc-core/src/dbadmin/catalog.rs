//! The schema browser's reads: every object's name first ([`names`], one query per kind, so
//! thousands of tables open at once), and a table's detail only when asked ([`describe`]).
//! Names are bound as parameters and looked up in the catalogs; the DDL printed is built from
//! the server's own `pg_get_*def` output and [`ident`]-quoted names.

use serde::Serialize;
use sqlx::postgres::types::Oid;
use sqlx::{PgConnection, Row};
use ts_rs::TS;

use super::TableRef;
use crate::db::{Database, ident, query_error};
use crate::{AppError, ErrorCode, Result};

/// Schemas of the server's own, never listed.
const SYSTEM_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// Whether schema `n` is exposed to the API's anonymous role (Supabase's PostgREST serves
/// schemas the `anon` role may use); without such a role, `public` is taken as exposed.
const EXPOSED: &str = "CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') \
     THEN has_schema_privilege('anon', n.oid, 'USAGE') ELSE n.nspname = 'public' END";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObjectNames {
    pub schemas: Vec<SchemaName>,
    pub tables: Vec<TableName>,
    pub functions: Vec<FunctionName>,
    pub extensions: Vec<ExtensionName>,
    pub roles: Vec<RoleName>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SchemaName {
    pub name: String,
    /// Served to the API's anonymous role: a table here without RLS is open to the internet.
    pub exposed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

impl RelationKind {
    fn from_relkind(k: &str) -> Self {
        match k {
            "p" => Self::PartitionedTable,
            "v" => Self::View,
            "m" => Self::MaterializedView,
            "f" => Self::ForeignTable,
            _ => Self::Table,
        }
    }

    pub fn is_view(self) -> bool {
        matches!(self, Self::View | Self::MaterializedView)
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableName {
    pub schema: String,
    pub name: String,
    pub kind: RelationKind,
    /// The planner's estimate (None when the table was never analysed).
    #[ts(type = "number | null")]
    pub row_estimate: Option<i64>,
    /// Table, indexes and TOAST.
    #[ts(type = "number")]
    pub total_bytes: i64,
    pub rls: bool,
    /// RLS off in a schema the API serves: the padlock warning.
    pub exposed_without_rls: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FunctionName {
    pub schema: String,
    pub name: String,
    /// As `pg_get_function_identity_arguments` prints them: what tells overloads apart.
    pub arguments: String,
    pub result: String,
    /// `function`, `procedure`, `aggregate` or `window`.
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionName {
    pub name: String,
    pub version: String,
    pub schema: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleName {
    pub name: String,
    pub superuser: bool,
    pub can_login: bool,
    pub bypass_rls: bool,
}

/// Every object's name, in five queries on one snapshot.
pub async fn names(db: &Database) -> Result<ObjectNames> {
    let mut s = db.read().await?;
    names_on(&mut s).await
}

pub(crate) async fn names_on(conn: &mut PgConnection) -> Result<ObjectNames> {
    let what = "reading the schema's object names";
    let schemas = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, {EXPOSED} FROM pg_namespace n WHERE {SYSTEM_SCHEMAS} ORDER BY 1"
    )))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| SchemaName {
        name: r.get(0),
        exposed: r.get(1),
    })
    .collect();
    let tables = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, c.relname, c.relkind::text, \
                CASE WHEN c.reltuples >= 0 THEN c.reltuples::int8 END, \
                pg_total_relation_size(c.oid), c.relrowsecurity, \
                c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AND {EXPOSED} \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {SYSTEM_SCHEMAS} \
         ORDER BY 1, 2"
    )))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| TableName {
        schema: r.get(0),
        name: r.get(1),
        kind: RelationKind::from_relkind(r.get(2)),
        row_estimate: r.get(3),
        total_bytes: r.get(4),
        rls: r.get(5),
        exposed_without_rls: r.get(6),
    })
    .collect();
    let functions = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), \
                COALESCE(pg_get_function_result(p.oid), ''), \
                CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' \
                     WHEN 'w' THEN 'window' ELSE 'function' END \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE {SYSTEM_SCHEMAS} AND NOT EXISTS (SELECT 1 FROM pg_depend d \
               WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') \
         ORDER BY 1, 2, 3"
    )))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| FunctionName {
        schema: r.get(0),
        name: r.get(1),
        arguments: r.get(2),
        result: r.get(3),
        kind: r.get(4),
    })
    .collect();
    let extensions = sqlx::query(
        "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e \
         JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| ExtensionName {
        name: r.get(0),
        version: r.get(1),
        schema: r.get(2),
    })
    .collect();
    let roles = sqlx::query(
        "SELECT rolname, rolsuper, rolcanlogin, rolbypassrls FROM pg_roles \
         WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| RoleName {
        name: r.get(0),
        superuser: r.get(1),
        can_login: r.get(2),
        bypass_rls: r.get(3),
    })
    .collect();
    Ok(ObjectNames {
        schemas,
        tables,
        functions,
        extensions,
        roles,
    })
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    pub name: String,
    /// As `format_type` prints it (`character varying(255)`, `jsonb`, `integer[]`).
    pub data_type: String,
    /// The base type's name (`varchar`, `jsonb`, `_int4`): how values are shown and edited.
    pub type_name: String,
    pub nullable: bool,
    pub default: Option<String>,
    /// Some index starts with this column: sorting on it is fast.
    pub indexed: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Constraint {
    pub name: String,
    /// `primary key`, `unique`, `foreign key`, `check`, `exclusion`.
    pub kind: String,
    pub columns: Vec<String>,
    pub definition: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IndexInfo {
    pub name: String,
    pub definition: String,
    #[ts(type = "number")]
    pub bytes: i64,
    #[ts(type = "number")]
    pub scans: i64,
    pub unique: bool,
    pub primary: bool,
}

/// A foreign key, seen from either end.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForeignKeyInfo {
    pub name: String,
    /// The referencing table and its columns.
    pub from: TableRef,
    pub columns: Vec<String>,
    /// The referenced table and its columns.
    pub to: TableRef,
    pub referenced: Vec<String>,
    pub definition: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TriggerInfo {
    pub name: String,
    pub definition: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyInfo {
    pub name: String,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    pub roles: Vec<String>,
    pub permissive: bool,
    pub using: Option<String>,
    pub with_check: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableDetail {
    pub table: TableRef,
    pub kind: RelationKind,
    pub columns: Vec<ColumnInfo>,
    /// The primary key's columns, in key order (empty: the table has none).
    pub primary_key: Vec<String>,
    pub constraints: Vec<Constraint>,
    pub indexes: Vec<IndexInfo>,
    pub foreign_keys: Vec<ForeignKeyInfo>,
    pub referenced_by: Vec<ForeignKeyInfo>,
    pub triggers: Vec<TriggerInfo>,
    pub rls: bool,
    pub policies: Vec<PolicyInfo>,
    /// `CREATE TABLE …` (or the view's definition) with its indexes, RLS, policies and triggers.
    pub ddl: String,
}

/// The oid and kind of `t`, or a clear error when there is no such table.
async fn relation(conn: &mut PgConnection, t: &TableRef) -> Result<(Oid, RelationKind)> {
    let row = sqlx::query(
        "SELECT c.oid, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
    )
    .bind(&t.schema)
    .bind(&t.name)
    .fetch_optional(conn)
    .await
    .map_err(|e| query_error("finding the table", &e))?;
    let row =
        row.ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("There is no table {t}")))?;
    Ok((row.get(0), RelationKind::from_relkind(row.get(1))))
}

/// A table's (or view's) columns, keys, indexes, foreign keys both ways, triggers, policies and
/// DDL, on one snapshot.
pub async fn describe(db: &Database, t: &TableRef) -> Result<TableDetail> {
    let mut s = db.read().await?;
    describe_on(&mut s, t).await
}

/// A relation's kind, columns and primary key: what the table browser needs.
pub(crate) type Shape = (RelationKind, Vec<ColumnInfo>, Vec<String>);

/// A relation's shape, in three queries.
pub(crate) async fn shape(conn: &mut PgConnection, t: &TableRef) -> Result<Shape> {
    let (oid, kind) = relation(conn, t).await?;
    let columns = columns(conn, oid).await?;
    let primary_key: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_constraint c, unnest(c.conkey) WITH ORDINALITY k(n, i) \
         JOIN pg_attribute a ON a.attnum = k.n \
         WHERE c.conrelid = $1 AND c.contype = 'p' AND a.attrelid = c.conrelid ORDER BY k.i",
    )
    .bind(oid)
    .fetch_all(conn)
    .await
    .map_err(|e| query_error("reading the primary key", &e))?;
    Ok((kind, columns, primary_key))
}

async fn columns(conn: &mut PgConnection, oid: Oid) -> Result<Vec<ColumnInfo>> {
    Ok(sqlx::query(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), ty.typname, NOT a.attnotnull, \
                pg_get_expr(d.adbin, d.adrelid), \
                EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = a.attrelid AND x.indkey[0] = a.attnum) \
         FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    )
    .bind(oid)
    .fetch_all(conn)
    .await
    .map_err(|e| query_error("reading the columns", &e))?
    .iter()
    .map(|r| ColumnInfo {
        name: r.get(0),
        data_type: r.get(1),
        type_name: r.get(2),
        nullable: r.get(3),
        default: r.get(4),
        indexed: r.get(5),
    })
    .collect())
}

pub(crate) async fn describe_on(conn: &mut PgConnection, t: &TableRef) -> Result<TableDetail> {
    let what = "describing the table";
    let (oid, kind) = relation(conn, t).await?;
    let columns = columns(conn, oid).await?;
    let constraint_rows = sqlx::query(
        "SELECT c.conname, c.contype::text, pg_get_constraintdef(c.oid), \
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) \
         FROM pg_constraint c WHERE c.conrelid = $1 ORDER BY c.contype <> 'p', c.conname",
    )
    .bind(oid)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?;
    let mut primary_key = Vec::new();
    let mut constraints = Vec::new();
    for r in &constraint_rows {
        let kind: &str = r.get(1);
        let columns: Vec<String> = r.get(3);
        if kind == "p" {
            primary_key.clone_from(&columns);
        }
        constraints.push(Constraint {
            name: r.get(0),
            kind: match kind {
                "p" => "primary key",
                "u" => "unique",
                "f" => "foreign key",
                "c" => "check",
                "x" => "exclusion",
                _ => "trigger",
            }
            .to_owned(),
            columns,
            definition: r.get(2),
        });
    }
    let indexes = sqlx::query(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid), pg_relation_size(x.indexrelid), \
                COALESCE(s.idx_scan, 0), x.indisunique, x.indisprimary \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid \
         WHERE x.indrelid = $1 ORDER BY NOT x.indisprimary, i.relname",
    )
    .bind(oid)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| IndexInfo {
        name: r.get(0),
        definition: r.get(1),
        bytes: r.get(2),
        scans: r.get(3),
        unique: r.get(4),
        primary: r.get(5),
    })
    .collect();
    let foreign_keys = foreign_keys(conn, oid, "c.conrelid").await?;
    let referenced_by = foreign_keys_in(conn, oid).await?;
    let triggers = sqlx::query(
        "SELECT tgname, pg_get_triggerdef(oid), tgenabled <> 'D' FROM pg_trigger \
         WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname",
    )
    .bind(oid)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| TriggerInfo {
        name: r.get(0),
        definition: r.get(1),
        enabled: r.get(2),
    })
    .collect();
    let rls: bool = sqlx::query_scalar("SELECT relrowsecurity FROM pg_class WHERE oid = $1")
        .bind(oid)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| query_error(what, &e))?;
    let policies = sqlx::query(
        "SELECT policyname::text, cmd, roles::text[], permissive = 'PERMISSIVE', qual, with_check \
         FROM pg_policies WHERE schemaname = $1 AND tablename = $2 ORDER BY policyname",
    )
    .bind(&t.schema)
    .bind(&t.name)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| query_error(what, &e))?
    .iter()
    .map(|r| PolicyInfo {
        name: r.get(0),
        command: r.get(1),
        roles: r.get(2),
        permissive: r.get(3),
        using: r.get(4),
        with_check: r.get(5),
    })
    .collect();
    let view_definition: Option<String> = if kind.is_view() {
        sqlx::query_scalar("SELECT pg_get_viewdef($1, true)")
            .bind(oid)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| query_error(what, &e))?
    } else {
        None
    };
    let mut detail = TableDetail {
        table: t.clone(),
        kind,
        columns,
        primary_key,
        constraints,
        indexes,
        foreign_keys,
        referenced_by,
        triggers,
        rls,
        policies,
        ddl: String::new(),
    };
    detail.ddl = ddl(&detail, view_definition.as_deref());
    Ok(detail)
}

/// Foreign keys whose `side` (`c.conrelid` or `c.confrelid`) is the table.
async fn foreign_keys(
    conn: &mut PgConnection,
    oid: Oid,
    side: &str,
) -> Result<Vec<ForeignKeyInfo>> {
    let sql = format!(
        "SELECT c.conname, fn.nspname, fc.relname, \
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), \
                tn.nspname, tc.relname, \
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) \
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), \
                pg_get_constraintdef(c.oid) \
         FROM pg_constraint c \
         JOIN pg_class fc ON fc.oid = c.conrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
         JOIN pg_class tc ON tc.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
         WHERE c.contype = 'f' AND {side} = $1 ORDER BY 2, 3, 1"
    );
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(oid)
        .fetch_all(conn)
        .await
        .map_err(|e| query_error("reading the foreign keys", &e))?
        .iter()
        .map(|r| ForeignKeyInfo {
            name: r.get(0),
            from: TableRef::new(r.get::<String, _>(1), r.get::<String, _>(2)),
            columns: r.get(3),
            to: TableRef::new(r.get::<String, _>(4), r.get::<String, _>(5)),
            referenced: r.get(6),
            definition: r.get(7),
        })
        .collect())
}

async fn foreign_keys_in(conn: &mut PgConnection, oid: Oid) -> Result<Vec<ForeignKeyInfo>> {
    foreign_keys(conn, oid, "c.confrelid").await
}

/// The DDL that would make the table again (its columns, constraints, other indexes, RLS,
/// policies and triggers), or the view's definition.
fn ddl(d: &TableDetail, view_definition: Option<&str>) -> String {
    let name = d.table.sql();
    if let Some(body) = view_definition {
        let what = if d.kind == RelationKind::MaterializedView {
            "MATERIALIZED VIEW"
        } else {
            "OR REPLACE VIEW"
        };
        return format!("CREATE {what} {name} AS\n{};\n", body.trim_end_matches(';'));
    }
    let mut lines: Vec<String> = d
        .columns
        .iter()
        .map(|c| {
            let mut line = format!("    {} {}", ident(&c.name), c.data_type);
            if let Some(default) = &c.default {
                line.push_str(&format!(" DEFAULT {default}"));
            }
            if !c.nullable {
                line.push_str(" NOT NULL");
            }
            line
        })
        .collect();
    lines.extend(
        d.constraints
            .iter()
            .map(|c| format!("    CONSTRAINT {} {}", ident(&c.name), c.definition)),
    );
    let mut out = format!("CREATE TABLE {name} (\n{}\n);\n", lines.join(",\n"));
    let constraint_names: Vec<&str> = d.constraints.iter().map(|c| c.name.as_str()).collect();
    for index in d
        .indexes
        .iter()
        .filter(|i| !constraint_names.contains(&i.name.as_str()))
    {
        out.push_str(&format!("{};\n", index.definition));
    }
    if d.rls {
        out.push_str(&format!("ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;\n"));
    }
    for p in &d.policies {
        out.push_str(&policy_ddl(&name, p));
    }
    for t in &d.triggers {
        out.push_str(&format!("{};\n", t.definition));
    }
    out
}

fn policy_ddl(table: &str, p: &PolicyInfo) -> String {
    let roles: Vec<String> = p
        .roles
        .iter()
        .map(|r| if r == "public" { r.clone() } else { ident(r) })
        .collect();
    let mut s = format!(
        "CREATE POLICY {} ON {table} AS {} FOR {} TO {}",
        ident(&p.name),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command,
        roles.join(", ")
    );
    if let Some(u) = &p.using {
        s.push_str(&format!(" USING ({u})"));
    }
    if let Some(w) = &p.with_check {
        s.push_str(&format!(" WITH CHECK ({w})"));
    }
    s.push_str(";\n");
    s
}

/// A function's `CREATE OR REPLACE FUNCTION …`, found by schema, name and identity arguments.
pub async fn function_ddl(db: &Database, f: &TableRef, arguments: &str) -> Result<String> {
    let mut s = db.read().await?;
    let ddl: Option<String> = sqlx::query_scalar(
        "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = $1 AND p.proname = $2 AND pg_get_function_identity_arguments(p.oid) = $3 \
           AND p.prokind IN ('f', 'p')",
    )
    .bind(&f.schema)
    .bind(&f.name)
    .bind(arguments)
    .fetch_optional(&mut *s)
    .await
    .map_err(|e| query_error("reading the function's definition", &e))?;
    ddl.ok_or_else(|| {
        AppError::new(
            ErrorCode::NotFound,
            format!("There is no function {f}({arguments})"),
        )
    })
}

/// What the SQL editor completes: each table's and view's columns by `schema.table`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Completion(pub std::collections::BTreeMap<String, Vec<String>>);

/// The columns of every table and view outside the server's own schemas, for completion.
pub async fn completion(db: &Database) -> Result<Completion> {
    let mut s = db.read().await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname || '.' || c.relname, array_agg(a.attname::text ORDER BY a.attnum) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {SYSTEM_SCHEMAS} GROUP BY 1"
    )))
    .fetch_all(&mut *s)
    .await
    .map_err(|e| query_error("reading the columns for completion", &e))?;
    Ok(Completion(
        rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
    ))
}
