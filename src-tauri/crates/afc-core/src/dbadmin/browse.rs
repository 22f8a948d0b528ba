//! The table browser: pages of rows by keyset on the primary key (a table without one pages by
//! `ctid`, a view by position), optionally sorted on any column with the key as tie-breaker,
//! filtered by typed conditions. Never OFFSET for tables: a page deep in a big table costs what
//! the first one does.
//!
//! Values are read as text (`::text`, PostgreSQL's own output, so numerics with 100 digits,
//! ranges and timestamps arrive unchanged), long ones cut on the server. Values going the other
//! way (a cursor, a filter) are bound as a JSON object and turned into the column's type by
//! `jsonb_populate_record(NULL::table, $n)`: the type's own input function parses them, and no
//! value or type name is ever formatted into the SQL.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::{PgConnection, Row};
use ts_rs::TS;

use super::catalog::{self, ColumnInfo, RelationKind};
use super::{TableRef, is_secret_column};
use crate::db::{Database, ident, query_error};
use crate::{AppError, Result};

/// Characters of a value shown in the grid; the rest on demand ([`cell`]).
pub const CELL_CHARS: usize = 1000;
pub const MAX_LIMIT: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// The value's text contains this (case-insensitive).
    Contains,
    StartsWith,
    IsNull,
    NotNull,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    pub column: String,
    pub op: FilterOp,
    #[serde(default)]
    #[ts(optional)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Sort {
    pub column: String,
    #[serde(default)]
    pub descending: bool,
}

/// Where the next page starts: the last row's sort value (when sorted) and key, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cursor(pub Vec<Option<String>>);

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PageRequest {
    pub table: TableRef,
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<Sort>,
    #[serde(default)]
    #[ts(as = "Option<Vec<Filter>>", optional)]
    pub filters: Vec<Filter>,
    /// Rows matching any filter (OR) instead of all of them (AND).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub any: bool,
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<Cursor>,
    #[serde(default = "default_limit")]
    #[ts(as = "Option<u32>", optional)]
    pub limit: u32,
    /// Show the values of secret-looking columns (the operator asked to reveal them).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub reveal: bool,
    /// Whole values, never cut (an export).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub full: bool,
}

fn default_limit() -> u32 {
    100
}

impl PageRequest {
    pub fn new(table: TableRef) -> Self {
        Self {
            table,
            sort: None,
            filters: Vec::new(),
            any: false,
            after: None,
            limit: default_limit(),
            reveal: false,
            full: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Paging {
    /// By the primary key: stable.
    Key,
    /// By physical position: a table without a primary key; concurrent writes may shift rows.
    Ctid,
    /// By position (a view): concurrent writes may shift rows.
    Offset,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PageColumn {
    pub name: String,
    pub data_type: String,
    pub type_name: String,
    pub nullable: bool,
    /// Part of the primary key.
    pub key: bool,
    /// Secret-looking: values hidden unless revealed.
    pub secret: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PageRow {
    /// Each column's value as text; None is NULL. A masked value is `""` (see `masked`).
    pub cells: Vec<Option<String>>,
    /// Columns whose value was cut at [`CELL_CHARS`].
    pub truncated: Vec<u32>,
    /// Columns whose value is hidden (a secret not revealed, never NULL).
    pub masked: Vec<u32>,
    /// What identifies the row: its primary key's values (or its ctid), as text.
    pub key: Vec<Option<String>>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub table: TableRef,
    pub kind: RelationKind,
    pub columns: Vec<PageColumn>,
    pub primary_key: Vec<String>,
    pub rows: Vec<PageRow>,
    /// The cursor of the next page, when there is one.
    #[ts(optional)]
    pub next: Option<Cursor>,
    pub paging: Paging,
    /// What the operator should know about this view of the table (no index on the sort
    /// column, pages that may shift).
    pub notes: Vec<String>,
}

/// The SQL of a query and its text parameters, built from the table's shape.
#[derive(Default)]
pub(crate) struct Query {
    pub sql: String,
    pub binds: Vec<String>,
}

impl Query {
    pub fn bind(&mut self, v: String) -> String {
        self.binds.push(v);
        format!("${}", self.binds.len())
    }

    /// `values` (column → JSON) bound once as a row of `table`'s types; `field` reads a column
    /// of it. Each field is its own scalar subquery, so a comparison with it can use an index.
    pub fn record(&mut self, table: &str, values: Map<String, Value>) -> Record {
        let p = self.bind(Value::Object(values).to_string());
        Record(format!("jsonb_populate_record(NULL::{table}, {p}::jsonb)"))
    }

    pub async fn fetch_all(
        &self,
        conn: &mut PgConnection,
        what: &str,
    ) -> Result<Vec<sqlx::postgres::PgRow>> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql.as_str()));
        for b in &self.binds {
            query = query.bind(b.as_str());
        }
        query
            .fetch_all(conn)
            .await
            .map_err(|e| query_error(what, &e))
    }
}

pub(crate) struct Record(String);

impl Record {
    /// Column `name` of the bound row, typed as the table's column.
    pub fn field(&self, name: &str) -> String {
        format!("(SELECT r.{} FROM {} r)", ident(name), self.0)
    }
}

/// `text` as the JSON a column of type `type_name` is populated from: JSON columns take the
/// parsed document, every other type its text (parsed by the type's input function).
pub(crate) fn json_value(column: &ColumnInfo, text: Option<&str>) -> Result<Value> {
    let Some(text) = text else {
        return Ok(Value::Null);
    };
    if matches!(column.type_name.as_str(), "json" | "jsonb") {
        serde_json::from_str(text).map_err(|e| {
            AppError::invalid_input(format!("The value for {} is not JSON: {e}", column.name))
        })
    } else {
        Ok(Value::String(text.to_owned()))
    }
}

pub(crate) fn column<'a>(
    columns: &'a [ColumnInfo],
    name: &str,
    t: &TableRef,
) -> Result<&'a ColumnInfo> {
    columns
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| AppError::invalid_input(format!("{t} has no column \"{name}\"")))
}

/// A column of the primary key (read from the same catalog as the columns, so always there).
fn key_column<'a>(columns: &'a [ColumnInfo], name: &str) -> Result<&'a ColumnInfo> {
    columns.iter().find(|c| c.name == name).ok_or_else(|| {
        AppError::internal(format!("The key column {name} is not among the columns"))
    })
}

/// `%` and `_` in a LIKE pattern taken literally.
fn like_escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One condition on `t.column` (its parameters pushed to `q`).
fn condition(q: &mut Query, table: &str, c: &ColumnInfo, f: &Filter) -> Result<String> {
    let col = format!("t.{}", ident(&c.name));
    let value = || {
        f.value.as_deref().ok_or_else(|| {
            AppError::invalid_input(format!("The filter on {} needs a value", c.name))
        })
    };
    Ok(match f.op {
        FilterOp::IsNull => format!("{col} IS NULL"),
        FilterOp::NotNull => format!("{col} IS NOT NULL"),
        FilterOp::Contains => {
            let p = q.bind(format!("%{}%", like_escape(value()?)));
            format!("{col}::text ILIKE {p}::text")
        }
        FilterOp::StartsWith => {
            let p = q.bind(format!("{}%", like_escape(value()?)));
            format!("{col}::text ILIKE {p}::text")
        }
        op => {
            let mut values = Map::new();
            values.insert(c.name.clone(), json_value(c, Some(value()?))?);
            let record = q.record(table, values);
            let operator = match op {
                FilterOp::Eq => "=",
                FilterOp::Ne => "<>",
                FilterOp::Lt => "<",
                FilterOp::Le => "<=",
                FilterOp::Gt => ">",
                _ => ">=",
            };
            format!("{col} {operator} {}", record.field(&c.name))
        }
    })
}

/// One page of rows of `req.table`.
pub async fn page(db: &Database, req: &PageRequest) -> Result<Page> {
    let mut s = db.read().await?;
    page_on(&mut s, req).await
}

pub(crate) async fn page_on(conn: &mut PgConnection, req: &PageRequest) -> Result<Page> {
    let shape = catalog::shape(conn, &req.table).await?;
    page_of(conn, req, &shape).await
}

/// A page of a table whose shape (kind, columns, primary key) was read already: an export reads
/// it once for all its pages.
pub(crate) async fn page_of(
    conn: &mut PgConnection,
    req: &PageRequest,
    (kind, columns, primary_key): &catalog::Shape,
) -> Result<Page> {
    let t = &req.table;
    let kind = *kind;
    let table = t.sql();
    let limit = req.limit.clamp(1, MAX_LIMIT);
    let paging = if !primary_key.is_empty() {
        Paging::Key
    } else if kind.is_view() || kind == RelationKind::ForeignTable {
        Paging::Offset
    } else {
        Paging::Ctid
    };
    let mut notes = Vec::new();
    match paging {
        Paging::Ctid => notes.push(format!(
            "{t} has no primary key: rows are paged by their physical position (ctid), so \
             pages may shift while others write, and rows cannot be edited here."
        )),
        Paging::Offset => notes.push(format!(
            "{t} is a view: rows are paged by position, so pages may shift while others write."
        )),
        Paging::Key => {}
    }
    let sort = match &req.sort {
        Some(s) => {
            let c = column(columns, &s.column, t)?;
            if !c.indexed {
                notes.push(format!(
                    "No index starts with {}: sorting on it reads the whole table.",
                    c.name
                ));
            }
            Some((c, s.descending))
        }
        None => None,
    };

    let mut q = Query::default();
    let secret: Vec<bool> = columns
        .iter()
        .map(|c| is_secret_column(&c.name) && !req.reveal)
        .collect();
    let mut select: Vec<String> = columns
        .iter()
        .zip(&secret)
        .map(|(c, &hidden)| {
            let col = format!("t.{}", ident(&c.name));
            if hidden {
                format!("CASE WHEN {col} IS NULL THEN NULL ELSE '' END")
            } else if req.full {
                format!("{col}::text")
            } else {
                format!("left({col}::text, {})", CELL_CHARS + 1)
            }
        })
        .collect();
    // The key (and the sort value), exactly, for the cursor.
    let key_exprs: Vec<String> = match paging {
        Paging::Key => primary_key
            .iter()
            .map(|k| format!("t.{}", ident(k)))
            .collect(),
        Paging::Ctid => vec!["t.ctid".to_owned()],
        Paging::Offset => Vec::new(),
    };
    select.extend(key_exprs.iter().map(|k| format!("{k}::text")));
    if let Some((c, _)) = sort {
        select.push(format!("t.{}::text", ident(&c.name)));
    }

    let mut conditions = Vec::new();
    if !req.filters.is_empty() {
        let parts = req
            .filters
            .iter()
            .map(|f| condition(&mut q, &table, column(columns, &f.column, t)?, f))
            .collect::<Result<Vec<_>>>()?;
        conditions.push(format!(
            "({})",
            parts.join(if req.any { " OR " } else { " AND " })
        ));
    }
    let mut offset = 0u64;
    if let Some(Cursor(values)) = &req.after {
        match paging {
            Paging::Offset => {
                offset = values
                    .first()
                    .cloned()
                    .flatten()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| AppError::invalid_input("The page cursor is not a position"))?;
            }
            _ => conditions.push(keyset(
                &mut q,
                &table,
                columns,
                primary_key,
                paging,
                sort,
                values,
            )?),
        }
    }

    let mut order: Vec<String> = Vec::new();
    if let Some((c, desc)) = sort {
        order.push(format!(
            "t.{} {} NULLS LAST",
            ident(&c.name),
            if desc { "DESC" } else { "ASC" }
        ));
    }
    order.extend(key_exprs.iter().cloned());
    q.sql = format!("SELECT {} FROM {table} t", select.join(", "));
    if !conditions.is_empty() {
        q.sql
            .push_str(&format!(" WHERE {}", conditions.join(" AND ")));
    }
    if !order.is_empty() {
        q.sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    }
    q.sql.push_str(&format!(" LIMIT {}", limit + 1));
    if offset > 0 {
        q.sql.push_str(&format!(" OFFSET {offset}"));
    }

    let fetched = q.fetch_all(conn, &format!("reading {t}")).await?;

    let n = columns.len();
    let mut rows: Vec<PageRow> = Vec::with_capacity(fetched.len().min(limit as usize));
    let mut last_cursor = None;
    for (i, r) in fetched.iter().enumerate() {
        if i == limit as usize {
            break;
        }
        let mut row = PageRow {
            cells: Vec::with_capacity(n),
            truncated: Vec::new(),
            masked: Vec::new(),
            key: Vec::new(),
        };
        for (j, &hidden) in secret.iter().enumerate() {
            let mut v: Option<String> = r.get(j);
            if hidden && v.is_some() {
                row.masked.push(j as u32);
            } else if let Some(text) = &mut v
                && let Some((cut, _)) = text.char_indices().nth(CELL_CHARS)
            {
                text.truncate(cut);
                row.truncated.push(j as u32);
            }
            row.cells.push(v);
        }
        row.key = (n..n + key_exprs.len()).map(|j| r.get(j)).collect();
        let mut cursor: Vec<Option<String>> = Vec::new();
        if sort.is_some() {
            cursor.push(r.get(n + key_exprs.len()));
        }
        cursor.extend(row.key.iter().cloned());
        last_cursor = Some(cursor);
        rows.push(row);
    }
    let next = (fetched.len() > limit as usize)
        .then(|| match paging {
            Paging::Offset => Some(Cursor(vec![Some((offset + u64::from(limit)).to_string())])),
            _ => last_cursor.map(Cursor),
        })
        .flatten();
    let page_columns = columns
        .iter()
        .map(|c| PageColumn {
            name: c.name.clone(),
            data_type: c.data_type.clone(),
            type_name: c.type_name.clone(),
            nullable: c.nullable,
            key: primary_key.contains(&c.name),
            secret: is_secret_column(&c.name),
        })
        .collect();
    Ok(Page {
        table: t.clone(),
        kind,
        columns: page_columns,
        primary_key: primary_key.clone(),
        rows,
        next,
        paging,
        notes,
    })
}

/// The condition that starts a page after `values` (the sort value, then the key).
fn keyset(
    q: &mut Query,
    table: &str,
    columns: &[ColumnInfo],
    primary_key: &[String],
    paging: Paging,
    sort: Option<(&ColumnInfo, bool)>,
    values: &[Option<String>],
) -> Result<String> {
    let bad = || AppError::invalid_input("The page cursor does not fit this table");
    let (sort_value, key_values) = match sort {
        Some(_) => values.split_first().ok_or_else(bad)?,
        None => (&None, values),
    };
    let mut map = Map::new();
    if let Some((c, _)) = sort {
        map.insert(c.name.clone(), json_value(c, sort_value.as_deref())?);
    }
    // The key's comparison: (t.k1, t.k2) > (a.k1, a.k2), or t.ctid > $n::tid.
    let key_cmp = match paging {
        Paging::Ctid => {
            let [Some(ctid)] = key_values else {
                return Err(bad());
            };
            let p = q.bind(ctid.clone());
            format!("t.ctid > {p}::text::tid")
        }
        _ => {
            if key_values.len() != primary_key.len() {
                return Err(bad());
            }
            for (k, v) in primary_key.iter().zip(key_values) {
                let c = key_column(columns, k)?;
                map.insert(k.clone(), json_value(c, v.as_deref())?);
            }
            String::new()
        }
    };
    let record = q.record(table, map);
    let key_cmp = if paging == Paging::Ctid {
        key_cmp
    } else {
        let lhs: Vec<String> = primary_key
            .iter()
            .map(|k| format!("t.{}", ident(k)))
            .collect();
        let rhs: Vec<String> = primary_key.iter().map(|k| record.field(k)).collect();
        format!("({}) > ({})", lhs.join(", "), rhs.join(", "))
    };
    Ok(match sort {
        None => key_cmp,
        Some((c, desc)) => {
            let col = format!("t.{}", ident(&c.name));
            let value = record.field(&c.name);
            match sort_value {
                None => format!("({col} IS NULL AND {key_cmp})"),
                Some(_) => format!(
                    "({col} {} {value} OR ({col} = {value} AND {key_cmp}) OR {col} IS NULL)",
                    if desc { "<" } else { ">" }
                ),
            }
        }
    })
}

/// A whole value of one row (found by its key as a page gave it), for the expand view.
pub async fn cell(
    db: &Database,
    t: &TableRef,
    key: &[Option<String>],
    column_name: &str,
) -> Result<Option<String>> {
    let mut s = db.read().await?;
    let conn: &mut PgConnection = &mut s;
    let (_, columns, primary_key) = catalog::shape(conn, t).await?;
    let c = column(&columns, column_name, t)?;
    let table = t.sql();
    let mut q = Query::default();
    let condition = row_condition(&mut q, &table, &columns, &primary_key, key)?;
    q.sql = format!(
        "SELECT t.{}::text FROM {table} t WHERE {condition}",
        ident(&c.name)
    );
    q.fetch_all(conn, &format!("reading a value of {t}"))
        .await?
        .first()
        .map(|r| r.get(0))
        .ok_or_else(|| {
            AppError::new(
                crate::ErrorCode::NotFound,
                format!("The row of {t} is gone"),
            )
        })
}

/// `t`'s row with `key` (primary key values, or a ctid when there is no key).
pub(crate) fn row_condition(
    q: &mut Query,
    table: &str,
    columns: &[ColumnInfo],
    primary_key: &[String],
    key: &[Option<String>],
) -> Result<String> {
    if primary_key.is_empty() {
        let [Some(ctid)] = key else {
            return Err(AppError::invalid_input(
                "A row of a table without a key is named by its ctid",
            ));
        };
        let p = q.bind(ctid.clone());
        return Ok(format!("t.ctid = {p}::text::tid"));
    }
    if key.len() != primary_key.len() {
        return Err(AppError::invalid_input(
            "The row's key does not fit the table's primary key",
        ));
    }
    let mut map = Map::new();
    for (k, v) in primary_key.iter().zip(key) {
        let c = key_column(columns, k)?;
        map.insert(k.clone(), json_value(c, v.as_deref())?);
    }
    let record = q.record(table, map);
    let lhs: Vec<String> = primary_key
        .iter()
        .map(|k| format!("t.{}", ident(k)))
        .collect();
    let rhs: Vec<String> = primary_key.iter().map(|k| record.field(k)).collect();
    Ok(format!("({}) = ({})", lhs.join(", "), rhs.join(", ")))
}
