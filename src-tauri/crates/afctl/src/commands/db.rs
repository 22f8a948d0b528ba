//! `afctl db …`: the Database section headless. Read-only by default everywhere: `db query`
//! writes only with `--write` and the write policy's answer.

use std::fmt::Write;
use std::process::ExitCode;
use std::time::Duration;

use afc_core::AppError;
use afc_core::audit::AuditAction;
use afc_core::dbadmin::activity::{self, Signal};
use afc_core::dbadmin::browse::{self, Cursor, Filter, FilterOp, PageRequest, Sort};
use afc_core::dbadmin::export::{CsvWriter, json_row};
use afc_core::dbadmin::sql::{self, SqlOutcome};
use afc_core::dbadmin::{TableRef, advisor, catalog};
use afc_core::guard::{self, Confirmation};

use super::{Ctx, answer, database};
use crate::cli::DbCommand;
use crate::output::EXIT_FOUND_PROBLEMS;

pub async fn run(ctx: &Ctx, command: DbCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        DbCommand::Tables { target, schema } => {
            let db = database(&console, &target).await?;
            let mut names = catalog::names(&db).await?;
            if let Some(s) = &schema {
                names.tables.retain(|t| &t.schema == s);
            }
            out.result(&names.tables, || {
                let mut s = format!(
                    "{:<40} {:>12} {:>10}  RLS\n",
                    "TABLE", "ROWS (EST.)", "SIZE"
                );
                for t in &names.tables {
                    let _ = writeln!(
                        s,
                        "{:<40} {:>12} {:>10}  {}{}",
                        format!("{}.{}", t.schema, t.name),
                        t.row_estimate
                            .map_or_else(|| "?".to_owned(), |n| n.to_string()),
                        bytes(t.total_bytes),
                        if t.rls { "on" } else { "off" },
                        if t.exposed_without_rls {
                            "  ! exposed without RLS"
                        } else {
                            ""
                        }
                    );
                }
                s
            })
        }
        DbCommand::Describe { target, table, ddl } => {
            let db = database(&console, &target).await?;
            let d = catalog::describe(&db, &TableRef::parse(&table)?).await?;
            out.result(&d, || {
                if ddl {
                    return d.ddl.clone();
                }
                let mut s = format!("{} ({:?})\n", d.table, d.kind);
                for c in &d.columns {
                    let _ = writeln!(
                        s,
                        "  {:<30} {:<28} {}{}{}",
                        c.name,
                        c.data_type,
                        if c.nullable { "null" } else { "not null" },
                        c.default
                            .as_ref()
                            .map(|d| format!(" default {d}"))
                            .unwrap_or_default(),
                        if d.primary_key.contains(&c.name) {
                            "  [key]"
                        } else {
                            ""
                        }
                    );
                }
                let _ = writeln!(
                    s,
                    "\nRow-level security: {}",
                    if d.rls { "on" } else { "off" }
                );
                for p in &d.policies {
                    let _ = writeln!(
                        s,
                        "  policy {} ({}, {} for {}) using {} check {}",
                        p.name,
                        if p.permissive {
                            "permissive"
                        } else {
                            "restrictive"
                        },
                        p.command,
                        p.roles.join(", "),
                        p.using.as_deref().unwrap_or("-"),
                        p.with_check.as_deref().unwrap_or("-")
                    );
                }
                for i in &d.indexes {
                    let _ = writeln!(
                        s,
                        "  index {} ({} scans): {}",
                        i.name, i.scans, i.definition
                    );
                }
                for f in &d.foreign_keys {
                    let _ = writeln!(s, "  references {} via {}: {}", f.to, f.name, f.definition);
                }
                for f in &d.referenced_by {
                    let _ = writeln!(
                        s,
                        "  referenced by {} ({}) via {}",
                        f.from,
                        f.columns.join(", "),
                        f.name
                    );
                }
                for t in &d.triggers {
                    let _ = writeln!(s, "  trigger {}", t.definition);
                }
                s
            })
        }
        DbCommand::Rows {
            target,
            table,
            filters,
            any,
            sort,
            desc,
            after,
            limit,
            reveal,
            csv,
        } => {
            let db = database(&console, &target).await?;
            let mut req = PageRequest::new(TableRef::parse(&table)?);
            req.filters = filters
                .iter()
                .map(|f| parse_filter(f))
                .collect::<Result<_, _>>()?;
            req.any = any;
            req.sort = sort.map(|column| Sort {
                column,
                descending: desc,
            });
            req.after = after
                .map(|a| {
                    serde_json::from_str::<Vec<Option<String>>>(&a)
                        .map(Cursor)
                        .map_err(|e| {
                            AppError::invalid_input(format!(
                                "--after takes the JSON array a page printed: {e}"
                            ))
                        })
                })
                .transpose()?;
            req.limit = limit;
            req.reveal = reveal;
            let page = browse::page(&db, &req).await?;
            let header: Vec<String> = page.columns.iter().map(|c| c.name.clone()).collect();
            let cells = |r: &browse::PageRow| -> Vec<Option<String>> {
                r.cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if r.masked.contains(&(i as u32)) {
                            Some("••••••".into())
                        } else {
                            c.clone()
                        }
                    })
                    .collect()
            };
            for note in &page.notes {
                eprintln!("note: {note}");
            }
            if csv {
                let mut w = CsvWriter::new(std::io::stdout().lock(), &header)?;
                for r in &page.rows {
                    w.row(&cells(r))?;
                }
                w.finish()?;
            } else {
                out.result(&page, || {
                    let rows: Vec<Vec<Option<String>>> = page.rows.iter().map(cells).collect();
                    let mut s = table_text(&header, &rows);
                    if let Some(next) = &page.next {
                        let _ = writeln!(
                            s,
                            "next page: --after '{}'",
                            serde_json::to_string(&next.0).unwrap_or_default()
                        );
                    }
                    s
                })?;
            }
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Query {
            target,
            sql: text,
            file,
            write,
            confirm,
            timeout,
            csv,
        } => {
            let db = database(&console, &target).await?;
            let text = match (text, file) {
                (Some(t), _) => t,
                (None, Some(f)) => {
                    std::fs::read_to_string(&f).map_err(|e| AppError::io("read", &f, &e))?
                }
                (None, None) => return Err(AppError::invalid_input("Give the SQL or --file")),
            };
            let statements = sql::statements(&text);
            if statements.is_empty() {
                return Err(AppError::invalid_input("There is no statement to run"));
            }
            let unlock = if write {
                Some(answer(&sql::unlock_decision(&db), &confirm)?)
            } else {
                None
            };
            let destroys = statements
                .iter()
                .find_map(|s| sql::classify(&s.sql).destructive);
            // A statement that destroys data needs its own yes (or the name) even with --write.
            let destroy = match (&destroys, &unlock) {
                (Some(why), Some(_)) => {
                    let sentence = format!("{why} on {}.", db.name());
                    let decision = match guard::decide(AuditAction::SqlRun, "x", &db.scope()) {
                        d @ guard::Decision::ConfirmName { .. } => d,
                        _ => guard::Decision::ConfirmYes { sentence },
                    };
                    answer(&decision, &confirm)?;
                    true
                }
                _ => false,
            };
            let mut session =
                console.sql_session(db.clone(), unlock.as_ref(), Duration::from_secs(timeout))?;
            let mut outcomes: Vec<SqlOutcome> = Vec::new();
            let mut failed = false;
            for s in &statements {
                let mut outcome = session.run(&s.sql, destroy).await?;
                while outcome.more && outcome.error.is_none() {
                    let more = session.fetch_more(sql::session::PAGE_ROWS * 20).await?;
                    outcome.rows.extend(more.rows);
                    outcome.more = more.more;
                    outcome.row_count = more.row_count;
                    outcome.error = more.error;
                }
                let _ = sql::record_history(
                    &console.paths.data_dir,
                    db.name(),
                    &sql::HistoryEntry::of(&outcome),
                );
                failed = outcome.error.is_some();
                outcomes.push(outcome);
                if failed {
                    break;
                }
            }
            if csv {
                if let Some(last) = outcomes.last() {
                    let header: Vec<String> = last.columns.iter().map(|c| c.name.clone()).collect();
                    let mut w = CsvWriter::new(std::io::stdout().lock(), &header)?;
                    for r in &last.rows {
                        w.row(r)?;
                    }
                    w.finish()?;
                }
                if let Some(e) = outcomes.last().and_then(|o| o.error.as_ref()) {
                    eprintln!("error [{}]: {}", e.sqlstate, e.message);
                }
                return Ok(if failed {
                    ExitCode::from(EXIT_FOUND_PROBLEMS)
                } else {
                    ExitCode::SUCCESS
                });
            }
            let json_outcomes: Vec<serde_json::Value> = outcomes
                .iter()
                .map(|o| {
                    let header: Vec<String> = o.columns.iter().map(|c| c.name.clone()).collect();
                    serde_json::json!({
                        "statement": o.statement,
                        "command": o.classified.command,
                        "readOnly": o.read_only,
                        "rowCount": o.row_count,
                        "millis": o.millis,
                        "rows": o.rows.iter().map(|r| json_row(&header, r)).collect::<Vec<_>>(),
                        "error": o.error,
                    })
                })
                .collect();
            out.report(&json_outcomes, failed, || {
                let mut s = String::new();
                for o in &outcomes {
                    let header: Vec<String> = o.columns.iter().map(|c| c.name.clone()).collect();
                    if !header.is_empty() {
                        s.push_str(&table_text(&header, &o.rows));
                    }
                    match &o.error {
                        Some(e) => {
                            let _ = writeln!(s, "ERROR [{}]: {}", e.sqlstate, e.message);
                            if let Some(p) = e.position {
                                let _ = writeln!(s, "  at character {} of: {}", p + 1, o.statement);
                            }
                        }
                        None => {
                            let _ = writeln!(
                                s,
                                "{} {} ({} ms{})",
                                o.classified.command,
                                o.row_count.unwrap_or(o.rows.len() as u64),
                                o.millis,
                                if o.read_only {
                                    ", read-only, rolled back"
                                } else {
                                    ""
                                }
                            );
                        }
                    }
                }
                s
            })
        }
        DbCommand::Activity { target } => {
            let db = database(&console, &target).await?;
            let a = activity::activity(&db).await?;
            out.result(&a, || {
                let mut s = format!(
                    "{:>7} {:<12} {:<24} {:<20} {:>8} {:<10} QUERY\n",
                    "PID", "USER", "APPLICATION", "STATE", "XACT S", "BLOCKED BY"
                );
                for x in a
                    .sessions
                    .iter()
                    .filter(|x| x.backend_type == "client backend")
                {
                    let _ = writeln!(
                        s,
                        "{:>7} {:<12} {:<24} {:<20} {:>8} {:<10} {}{}",
                        x.pid,
                        x.user.as_deref().unwrap_or(""),
                        x.application.chars().take(24).collect::<String>(),
                        x.state.as_deref().unwrap_or(""),
                        x.transaction_seconds
                            .map(|t| format!("{t:.0}"))
                            .unwrap_or_default(),
                        x.blocked_by
                            .iter()
                            .map(i32::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                        if x.flagged { "! " } else { "" },
                        x.query
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .chars()
                            .take(80)
                            .collect::<String>()
                    );
                }
                for l in a.locks.iter().filter(|l| !l.granted) {
                    let _ = writeln!(s, "waiting: pid {} for {} on {}", l.pid, l.mode, l.table);
                }
                s
            })
        }
        DbCommand::Cancel {
            target,
            pid,
            confirm,
        } => signal(ctx, &console, &target, pid, Signal::Cancel, &confirm).await,
        DbCommand::Terminate {
            target,
            pid,
            confirm,
        } => signal(ctx, &console, &target, pid, Signal::Terminate, &confirm).await,
        DbCommand::Advise { target } => {
            let db = database(&console, &target).await?;
            let advice = advisor::advise(&db).await?;
            out.report(&advice, !advice.findings.is_empty(), || {
                let o = &advice.overview;
                let mut s = format!(
                    "Database {}: {}, cache hit ratio {}, {} of {} connections\n",
                    db.label,
                    bytes(o.database_bytes),
                    o.cache_hit_ratio
                        .map(|r| format!("{:.1}%", r * 100.0))
                        .unwrap_or_else(|| "-".into()),
                    o.connections,
                    o.max_connections
                );
                for f in &advice.findings {
                    let _ = writeln!(s, "\n{}\n  {}\n  fix: {}", f.title, f.detail, f.fix);
                }
                if advice.findings.is_empty() {
                    s.push_str("No findings.\n");
                }
                s
            })
        }
    }
}

async fn signal(
    ctx: &Ctx,
    console: &afc_core::Console,
    target: &crate::cli::DatabaseArg,
    pid: i32,
    signal: Signal,
    confirm: &crate::cli::ConfirmArgs,
) -> Result<ExitCode, AppError> {
    let db = database(console, target).await?;
    let answer: Confirmation = answer(&signal.decision(&db, pid), confirm)?;
    let done = console.signal_backend(&db, pid, signal, &answer).await?;
    let verb = match signal {
        Signal::Cancel => "cancelled its statement",
        Signal::Terminate => "terminated",
    };
    ctx.out.report(&serde_json::json!({ "pid": pid, "signalled": done }), !done, || {
        if done {
            format!("Server process {pid}: {verb}.\n")
        } else {
            format!("Server process {pid} was not signalled (it has ended, or is not yours to signal).\n")
        }
    })
}

/// `COL=V`, `COL!=V`, `COL<V`, `COL<=V`, `COL>V`, `COL>=V`, `COL~V`, `COL^V`, `COL is [not] null`.
fn parse_filter(text: &str) -> Result<Filter, AppError> {
    let lower = text.to_lowercase();
    for (suffix, op) in [
        (" is not null", FilterOp::NotNull),
        (" is null", FilterOp::IsNull),
    ] {
        if lower.ends_with(suffix) {
            let column = text[..text.len() - suffix.len()].trim().to_owned();
            return Ok(Filter {
                column,
                op,
                value: None,
            });
        }
    }
    // Longest operators first, at the first operator character.
    let at = text
        .find(['=', '!', '<', '>', '~', '^'])
        .ok_or_else(|| AppError::invalid_input(format!("\"{text}\" is not a condition: write COL=VALUE (or !=, <, <=, >, >=, ~ contains, ^ starts with, \"COL is null\")")))?;
    let (column, rest) = text.split_at(at);
    let (op, value) = [
        ("!=", FilterOp::Ne),
        ("<=", FilterOp::Le),
        (">=", FilterOp::Ge),
        ("=", FilterOp::Eq),
        ("<", FilterOp::Lt),
        (">", FilterOp::Gt),
        ("~", FilterOp::Contains),
        ("^", FilterOp::StartsWith),
    ]
    .into_iter()
    .find_map(|(sym, op)| rest.strip_prefix(sym).map(|v| (op, v)))
    .ok_or_else(|| AppError::invalid_input(format!("\"{text}\" has no operator I know")))?;
    Ok(Filter {
        column: column.trim().to_owned(),
        op,
        value: Some(value.to_owned()),
    })
}

/// Rows as an aligned text table (values cut at 60 characters, NULL shown as NULL).
fn table_text(header: &[String], rows: &[Vec<Option<String>>]) -> String {
    let show = |c: &Option<String>| -> String {
        match c {
            None => "NULL".to_owned(),
            Some(v) => {
                let flat = v.replace('\n', "\\n");
                if flat.chars().count() > 60 {
                    format!("{}…", flat.chars().take(59).collect::<String>())
                } else {
                    flat
                }
            }
        }
    };
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(show).collect()).collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: Vec<&str>| -> String {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
    };
    let mut s = line(header.iter().map(String::as_str).collect());
    s.push('\n');
    s.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-"),
    );
    s.push('\n');
    for r in &cells {
        s.push_str(&line(r.iter().map(String::as_str).collect()));
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "({} row{})",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    s
}

fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}
