//! Compares a live database with the canonical schema. Each finding names the object, what was
//! expected, what was found, and the SQL that would fix it; adoption's repair plan is those fixes.

use serde::Serialize;
use ts_rs::TS;

use super::canonical::{
    self, ALEMBIC_HEAD, Column, INDEXES, Index, NOW, TABLES, Table, column_ddl, create_table_sql,
};
use super::introspect::{LiveColumn, LiveSchema};
use super::policies;
use crate::db::{ident, idents, public};

/// How much a finding matters (validation and lint alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "SchemaSeverity")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SchemaFinding")]
pub struct Finding {
    pub severity: Severity,
    /// e.g. `column workflows.created_by`.
    pub object: String,
    pub expected: String,
    pub found: String,
    /// SQL that would fix it, when SQL can.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip)]
    pub(crate) phase: Phase,
    #[serde(skip)]
    pub(crate) check: Option<DataCheck>,
}

/// The order repairs run in: structure first, then constraints that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Phase {
    CreateTable,
    AddColumn,
    ChangeType,
    RelaxLegacy,
    SetNotNull,
    SetDefault,
    Identity,
    PrimaryKey,
    DropIndex,
    RenameIndex,
    CreateIndex,
    ForeignKey,
    DropForeignPolicy,
    AlembicStamp,
    #[default]
    None,
}

/// What existing rows must satisfy before a fix can run; `expr` is the column, or for a column
/// the repair adds, the expression it is back-filled from.
#[derive(Debug, Clone)]
pub(crate) struct DataCheck {
    pub table: &'static str,
    pub expr: String,
    pub kind: CheckKind,
}

#[derive(Debug, Clone)]
pub(crate) enum CheckKind {
    NotNull,
    Unique,
    References(&'static str),
}

/// Back-fill sources for columns a legacy database lacks: (table, column, expression, the
/// legacy column the expression needs, if any).
const BACKFILL: &[(&str, &str, &str, Option<&str>)] = &[
    ("workflows", "created_by", "user_id", Some("user_id")),
    ("api_keys", "updated_at", "created_at", Some("created_at")),
    ("blueprints", "definition", "'{}'::json", None),
    ("workflows", "definition", "'{}'::json", None),
];

pub fn finding(
    severity: Severity,
    object: String,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Finding {
    Finding {
        severity,
        object,
        expected: expected.into(),
        found: found.into(),
        fix: None,
        phase: Phase::None,
        check: None,
    }
}

impl Finding {
    fn fix(mut self, phase: Phase, sql: impl Into<String>) -> Self {
        self.phase = phase;
        self.fix = Some(sql.into());
        self
    }

    fn check(mut self, table: &'static str, expr: impl Into<String>, kind: CheckKind) -> Self {
        self.check = Some(DataCheck {
            table,
            expr: expr.into(),
            kind,
        });
        self
    }
}

/// Everything that differs from canonical, most severe first.
pub fn compare(live: &LiveSchema) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in TABLES {
        match live.tables.get(t.name) {
            None => out.push(
                finding(
                    Severity::Error,
                    format!("table {}", t.name),
                    "present",
                    "missing",
                )
                .fix(Phase::CreateTable, create_table_sql(t)),
            ),
            Some(cols) => compare_table(t, cols, live, &mut out),
        }
    }
    for ix in INDEXES {
        compare_index(ix, live, &mut out);
    }
    compare_foreign_keys(live, &mut out);
    compare_alembic(live, &mut out);
    compare_rls(live, &mut out);
    out.sort_by_key(|f| f.severity);
    out
}

fn compare_table(
    t: &'static Table,
    cols: &[LiveColumn],
    live: &LiveSchema,
    out: &mut Vec<Finding>,
) {
    for c in t.columns {
        let object = format!("column {}.{}", t.name, c.name);
        match cols.iter().find(|l| l.name == c.name) {
            None => out.push(missing_column(t, c, live, object)),
            Some(l) => compare_column(t, c, l, object, out),
        }
    }
    for l in cols
        .iter()
        .filter(|l| !t.columns.iter().any(|c| c.name == l.name))
    {
        let object = format!("column {}.{}", t.name, l.name);
        if l.not_null && l.default.is_none() {
            out.push(
                finding(
                    Severity::Warning,
                    object,
                    "absent, or nullable",
                    "a legacy NOT NULL column without a default: the platform's inserts fail on it",
                )
                .fix(
                    Phase::RelaxLegacy,
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                        public(t.name),
                        ident(&l.name)
                    ),
                ),
            );
        } else {
            out.push(finding(
                Severity::Info,
                object,
                "absent",
                "a legacy column; harmless (nullable), kept with its data",
            ));
        }
    }
    let pk = live.indexes.iter().find(|i| i.table == t.name && i.primary);
    match pk {
        Some(pk) if pk.columns == ["id"] => {
            if pk.name != format!("{}_pkey", t.name) {
                out.push(finding(
                    Severity::Info,
                    format!("primary key of {}", t.name),
                    format!("{}_pkey", t.name),
                    format!("named {}; harmless", pk.name),
                ));
            }
        }
        other => out.push(
            finding(
                Severity::Error,
                format!("primary key of {}", t.name),
                "PRIMARY KEY (id)",
                other.map_or("none".to_owned(), |p| {
                    format!("on ({})", p.columns.join(", "))
                }),
            )
            .fix(
                Phase::PrimaryKey,
                format!("ALTER TABLE {} ADD PRIMARY KEY (id)", public(t.name)),
            )
            .check(t.name, "id", CheckKind::Unique),
        ),
    }
}

/// How a column the database lacks would be filled for existing rows: a back-fill rule whose
/// source exists, else the canonical default.
fn backfill(live: &LiveSchema, table: &str, c: &Column) -> Option<&'static str> {
    BACKFILL
        .iter()
        .find(|(bt, bc, _, needs)| {
            *bt == table && *bc == c.name && needs.is_none_or(|n| live.column(table, n).is_some())
        })
        .map(|(_, _, expr, _)| *expr)
        .or(c.default)
}

/// The values a column will hold once repaired: itself if present, else its back-fill.
fn values_of(live: &LiveSchema, table: &str, column: &str) -> String {
    if live.column(table, column).is_some() {
        return column.to_owned();
    }
    canonical::table(table)
        .and_then(|t| t.columns.iter().find(|c| c.name == column))
        .and_then(|c| backfill(live, table, c))
        .unwrap_or("NULL")
        .to_owned()
}

fn missing_column(t: &'static Table, c: &Column, live: &LiveSchema, object: String) -> Finding {
    let backfill = backfill(live, t.name, c);
    let (table, column) = (public(t.name), ident(c.name));
    let mut sql = vec![format!(
        "ALTER TABLE {table} ADD COLUMN {column} {}",
        c.ty.ddl()
    )];
    if let Some(expr) = backfill {
        sql.push(format!(
            "UPDATE {table} SET {column} = {expr} WHERE {column} IS NULL"
        ));
    }
    if let Some(d) = c.default {
        sql.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {d}"
        ));
    }
    if c.not_null {
        sql.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL"
        ));
    }
    let expected = column_ddl(c, false);
    let mut f = finding(Severity::Error, object, expected, "missing")
        .fix(Phase::AddColumn, sql.join(";\n"));
    if c.not_null {
        // With no back-fill, every existing row would violate NOT NULL.
        f = f.check(t.name, backfill.unwrap_or("NULL"), CheckKind::NotNull);
    }
    f
}

fn compare_column(
    t: &'static Table,
    c: &Column,
    l: &LiveColumn,
    object: String,
    out: &mut Vec<Finding>,
) {
    let want = c.ty.catalog_name();
    if l.data_type != want {
        let only_length =
            c.ty == canonical::SqlType::Varchar && l.data_type.starts_with("character varying(");
        out.push(
            finding(
                if only_length {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                object.clone(),
                want,
                l.data_type.clone(),
            )
            .fix(
                Phase::ChangeType,
                format!(
                    "ALTER TABLE {} ALTER COLUMN {column} TYPE {ty} USING {column}::{ty}",
                    public(t.name),
                    column = ident(c.name),
                    ty = c.ty.ddl()
                ),
            ),
        );
    }
    if c.not_null && !l.not_null {
        out.push(
            finding(Severity::Error, object.clone(), "NOT NULL", "nullable")
                .fix(
                    Phase::SetNotNull,
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
                        public(t.name),
                        ident(c.name)
                    ),
                )
                .check(t.name, c.name, CheckKind::NotNull),
        );
    }
    if c.is_identity() {
        let generated = l.identity
            || l.default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        if !generated {
            out.push(
                finding(Severity::Error, object, "generated (identity)", "no generated values")
                    .fix(Phase::Identity, format!(
                        "ALTER TABLE {t} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;\n\
                         SELECT setval(pg_get_serial_sequence('{t}', 'id'), coalesce(max(id), 0) + 1, false) FROM {t}",
                        t = public(t.name)
                    )),
            );
        }
        return;
    }
    match (c.default, &l.default) {
        (Some(want), found) if found.as_deref().is_none_or(|f| !same_default(want, f)) => out.push(
            finding(
                Severity::Warning,
                object,
                format!("DEFAULT {want}"),
                found
                    .as_deref()
                    .map_or("no default".to_owned(), |f| format!("DEFAULT {f}")),
            )
            .fix(
                Phase::SetDefault,
                format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {want}",
                    public(t.name),
                    ident(c.name)
                ),
            ),
        ),
        _ => {}
    }
}

/// Defaults compared as PostgreSQL stores them: casts and quoting of constants aside.
fn same_default(want: &str, found: &str) -> bool {
    fn norm(s: &str) -> String {
        let mut s = s.to_ascii_lowercase();
        for cast in [
            "::character varying",
            "::double precision",
            "::json",
            "::text",
            "::integer",
            "::boolean",
        ] {
            s = s.replace(cast, "");
        }
        s = s.replace("timezone('utc', now())", &NOW.to_ascii_lowercase());
        s.retain(|c| c != ' ' && c != '(' && c != ')');
        let unquoted = s.trim_matches('\'');
        if unquoted.parse::<f64>().is_ok() {
            unquoted.to_owned()
        } else {
            s
        }
    }
    norm(want) == norm(found)
}

fn index_sql(ix: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        ident(ix.name),
        public(ix.table),
        idents(ix.columns.iter().copied())
    )
}

fn compare_index(ix: &'static Index, live: &LiveSchema, out: &mut Vec<Finding>) {
    if !live.has_table(ix.table) {
        out.push(
            finding(
                Severity::Error,
                format!("index {}", ix.name),
                describe_index(ix),
                "missing (its table is missing)",
            )
            .fix(Phase::CreateIndex, index_sql(ix)),
        );
        return;
    }
    let severity = if ix.required_by_platform || ix.unique {
        Severity::Error
    } else {
        Severity::Warning
    };
    let same_def = |l: &&super::introspect::LiveIndex| {
        l.table == ix.table
            && l.plain
            && l.columns == ix.columns
            && (l.unique || !ix.unique)
            && !l.primary
    };
    let object = format!("index {}", ix.name);
    let check = |f: Finding| {
        if ix.unique {
            f.check(ix.table, ix.columns.join(", "), CheckKind::Unique)
        } else {
            f
        }
    };
    match live.indexes.iter().find(|l| l.name == ix.name) {
        Some(l) if same_def(&l) => {}
        Some(l) => out.push(check(
            finding(
                severity,
                object,
                describe_index(ix),
                format!(
                    "{}on {}({})",
                    if l.unique { "UNIQUE " } else { "" },
                    l.table,
                    l.columns.join(", ")
                ),
            )
            .fix(
                Phase::DropIndex,
                format!("DROP INDEX {};\n{}", public(ix.name), index_sql(ix)),
            ),
        )),
        None => match live.indexes.iter().find(same_def) {
            Some(other) => out.push(
                finding(
                    severity,
                    object,
                    describe_index(ix),
                    format!("the same index named {}", other.name),
                )
                .fix(
                    Phase::RenameIndex,
                    format!(
                        "ALTER INDEX {} RENAME TO {}",
                        public(&other.name),
                        ident(ix.name)
                    ),
                ),
            ),
            None => out.push(check(
                finding(severity, object, describe_index(ix), "missing")
                    .fix(Phase::CreateIndex, index_sql(ix)),
            )),
        },
    }
}

fn describe_index(ix: &Index) -> String {
    format!(
        "{}on {}({})",
        if ix.unique { "UNIQUE " } else { "" },
        ix.table,
        ix.columns.join(", ")
    )
}

fn compare_foreign_keys(live: &LiveSchema, out: &mut Vec<Finding>) {
    for (table, column, target) in canonical::foreign_keys() {
        let object = format!("foreign key {table}.{column}");
        let expected = format!("{table}({column}) → {target}(id), ON DELETE NO ACTION");
        let name = format!("{table}_{column}_fkey");
        let add = format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} (id)",
            public(table),
            ident(&name),
            ident(column),
            public(target)
        );
        let found = live
            .foreign_keys
            .iter()
            .find(|f| f.table == table && f.columns == [column] && f.references == target);
        match found {
            None => out.push(
                finding(Severity::Error, object, expected, "missing")
                    .fix(Phase::ForeignKey, add)
                    .check(
                        table,
                        values_of(live, table, column),
                        CheckKind::References(target),
                    ),
            ),
            Some(f) if f.on_delete != "a" => out.push(
                finding(
                    Severity::Warning,
                    object,
                    expected,
                    format!("{} with a different ON DELETE action", f.name),
                )
                .fix(
                    Phase::ForeignKey,
                    format!(
                        "ALTER TABLE {} DROP CONSTRAINT {};\n{add}",
                        public(table),
                        ident(&f.name)
                    ),
                ),
            ),
            Some(f) if f.name != name => out.push(finding(
                Severity::Info,
                object,
                name,
                format!("named {}; harmless", f.name),
            )),
            Some(_) => {}
        }
    }
}

const STAMP: &str = "CREATE TABLE IF NOT EXISTS public.alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\nDELETE FROM public.alembic_version WHERE version_num <> '003';\nINSERT INTO public.alembic_version (version_num) VALUES ('003') ON CONFLICT DO NOTHING";

fn compare_alembic(live: &LiveSchema, out: &mut Vec<Finding>) {
    let found = match &live.alembic {
        None => "no alembic_version table".to_owned(),
        Some(rows) if rows == &[ALEMBIC_HEAD] => return,
        Some(rows) if rows.is_empty() => "an empty alembic_version table".to_owned(),
        Some(rows) => format!("revision {}", rows.join(", ")),
    };
    out.push(
        finding(
            Severity::Error,
            "alembic_version".into(),
            format!(
                "the single revision {ALEMBIC_HEAD} (the platform's tooling then does nothing)"
            ),
            found,
        )
        .fix(Phase::AlembicStamp, STAMP),
    );
}

fn compare_rls(live: &LiveSchema, out: &mut Vec<Finding>) {
    if !live.supabase {
        out.push(finding(
            Severity::Info,
            "row-level security".into(),
            "on Supabase: enabled with policies",
            "not applicable: no auth.uid() / service_role (not Supabase)",
        ));
        return;
    }
    compare_policies(live, out);
    for t in TABLES.iter().filter(|t| live.has_table(t.name)) {
        let (enabled, policies) = live.rls.get(t.name).copied().unwrap_or((false, 0));
        if !enabled || policies == 0 {
            out.push(finding(
                Severity::Error,
                format!("row-level security on {}", t.name),
                "enabled, with the console's policies (migration 0004_supabase_rls)",
                format!(
                    "{}, {policies} policies",
                    if enabled { "enabled" } else { "disabled" }
                ),
            ));
        }
    }
}

/// Policies the console did not create, each to be dropped (the console's own take their
/// place): policies are OR-ed, so one left beside the console's keeps granting what it granted,
/// and one that selects from a table under row-level security recurses.
fn compare_policies(live: &LiveSchema, out: &mut Vec<Finding>) {
    for p in policies::foreign(live) {
        let guarded = p.reads_guarded(live);
        let found = if guarded.is_empty() {
            format!("a {} policy the console did not create", p.command)
        } else if guarded.contains(&p.table) {
            format!(
                "a {} policy the console did not create that selects from {} itself: this policy recurses (\"infinite recursion detected in policy for relation {}\")",
                p.command, p.table, p.table
            )
        } else {
            format!(
                "a {} policy the console did not create that selects from {}, under row-level security: this policy recurses through its policies",
                p.command,
                guarded.join(", ")
            )
        };
        out.push(
            finding(
                Severity::Error,
                format!("policy \"{}\" on {}", p.name, p.table),
                "only the console's policies (replaced by 0004_supabase_rls)",
                found,
            )
            .fix(Phase::DropForeignPolicy, p.drop_sql()),
        );
    }
}

/// Counts per severity.
pub fn counts(findings: &[Finding]) -> (u32, u32, u32) {
    let n =
        |s| u32::try_from(findings.iter().filter(|f| f.severity == s).count()).unwrap_or(u32::MAX);
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_compare_as_postgresql_prints_them() {
        assert!(same_default("0", "'0'::double precision"));
        assert!(same_default("'free'", "'free'::character varying"));
        assert!(same_default("'{}'::json", "'{}'::json"));
        assert!(same_default(NOW, "(now() AT TIME ZONE 'utc'::text)"));
        assert!(same_default(NOW, "timezone('utc'::text, now())"));
        assert!(!same_default(NOW, "now()"));
        assert!(!same_default("'[]'::json", "'{}'::json"));
        assert!(!same_default("true", "false"));
    }
}
