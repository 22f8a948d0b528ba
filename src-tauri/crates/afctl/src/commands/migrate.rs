//! `afctl migrate …`: the same status, plan, apply, validate and adopt as the window's
//! Migrations section, with progress on stderr and exit codes CI can act on.

use std::fmt::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use afc_core::db::Database;
use afc_core::jobs::JobEventSource;
use afc_core::migrate::{
    self, AdoptionPlan, ApplyEvent, ApplyOptions, ApplyReport, Backfills, MigrationRun,
    MigrationSet, MigrationWrite, Severity,
};
use afc_core::progress::Progress;
use afc_core::schema::ValidationReport;
use afc_core::{AppError, Console, ErrorCode};

use super::{Ctx, answer, database, wire_name};
use crate::cli::{MigrateCommand, MigrateTarget, MigrateWrite};
use crate::output::Output;

pub async fn run(ctx: &Ctx, command: MigrateCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        MigrateCommand::Status { target } => {
            let (t, set) = resolve(&console, &target).await?;
            let report = migrate::status(&t, &set).await?;
            let unclean = report.pending > 0 || report.problems > 0;
            out.report(&report, unclean, || {
                let mut s = format!("{} — {}\n", t.label, report.shape.describe());
                for m in &report.migrations {
                    let _ = writeln!(
                        s,
                        "  {:<16} {:<34} {}{}",
                        wire_name(m.state),
                        m.file,
                        m.applied_at
                            .as_deref()
                            .map(|a| format!("{a} ({} ms)", m.duration_ms.unwrap_or(0)))
                            .unwrap_or_default(),
                        m.note
                            .as_deref()
                            .map(|n| format!("  {n}"))
                            .unwrap_or_default()
                    );
                }
                if let Some(h) = &report.lock_holder {
                    let _ = writeln!(s, "Migration lock held by {}", h.describe());
                }
                s
            })
        }
        MigrateCommand::Plan { target } => {
            let (t, set) = resolve(&console, &target).await?;
            let plan = migrate::plan(&t, &set).await?;
            let bad =
                plan.refusal.is_some() || plan.lint.iter().any(|l| l.severity == Severity::Error);
            out.report(&plan, bad, || describe_plan(&plan))
        }
        MigrateCommand::Apply { target, write } => {
            let (t, set) = resolve(&console, &target).await?;
            let result = run_write(ctx, &console, MigrationWrite::Apply, &t, &set, &write).await;
            finish(out, result, |report| {
                format!(
                    "Applied {} migration(s) to {} in {} ms.\n",
                    report.applied.len(),
                    t.label,
                    report.duration_ms
                )
            })
        }
        MigrateCommand::Revert { target, write, to } => {
            let (t, set) = resolve(&console, &target).await?;
            let result =
                run_write(ctx, &console, MigrationWrite::Revert(to), &t, &set, &write).await;
            finish(out, result, |report| {
                format!(
                    "Reverted {} migration(s) on {}.\n",
                    report.applied.len(),
                    t.label
                )
            })
        }
        MigrateCommand::Validate { target, markdown } => {
            let (t, set) = resolve(&console, &target).await?;
            let report = migrate::validate(&t, &set).await?;
            if let Some(path) = markdown {
                std::fs::write(&path, report.to_markdown())
                    .map_err(|e| AppError::io("write", &path, &e))?;
            }
            out.report(&report, !report.is_clean(), || describe_validation(&report))
        }
        MigrateCommand::Adopt {
            target,
            write,
            dry_run,
            backfill,
        } => {
            let (t, set) = resolve(&console, &target).await?;
            let backfills = parse_backfills(&backfill)?;
            let plan = migrate::adoption_plan(&t, &set, &backfills).await?;
            let blocked = plan.refusal.is_some() || !plan.blockers.is_empty();
            // Already adopted is what an "ensure adopted" step wants: a success.
            if dry_run || blocked || plan.already_managed() {
                return out.report(&plan, blocked, || describe_adoption(&plan));
            }
            if !out.json {
                eprint!("{}", describe_adoption(&plan));
            }
            let write_op = MigrationWrite::Adopt(backfills);
            let result = run_write(ctx, &console, write_op, &t, &set, &write).await;
            finish(out, result, |_| {
                format!(
                    "Adopted {}: the repair ran and the baseline is recorded.\n",
                    t.label
                )
            })
        }
    }
}

/// `--backfill` (every proposal) and `--backfill TABLE.COLUMN=VALUE` (that value).
fn parse_backfills(flags: &[String]) -> Result<Backfills, AppError> {
    let mut backfills = Backfills::default();
    for flag in flags {
        if flag.is_empty() {
            backfills.accept_proposed = true;
            continue;
        }
        let (column, value) = flag.split_once('=').ok_or_else(|| {
            AppError::invalid_input(format!(
                "--backfill {flag}: expected TABLE.COLUMN=VALUE (or --backfill alone for the proposed values)"
            ))
        })?;
        backfills
            .values
            .insert(column.trim().to_owned(), value.to_owned());
    }
    Ok(backfills)
}

/// The database and the migrations a command works on: `--env`, `--database-url`, `DATABASE_URL`,
/// then the current environment.
async fn resolve(
    console: &Console,
    target: &MigrateTarget,
) -> Result<(Arc<Database>, MigrationSet), AppError> {
    let set = match &target.migrations_dir {
        Some(dir) => MigrationSet::from_dir(dir)?,
        None => MigrationSet::embedded(),
    };
    Ok((database(console, &target.database).await?, set))
}

/// The operator's answer to what the write policy asks before `action` on `t`.
/// Runs a migration write once the operator's flags answer what the write policy asks.
async fn run_write(
    ctx: &Ctx,
    console: &Console,
    write: MigrationWrite,
    t: &Database,
    set: &MigrationSet,
    flags: &MigrateWrite,
) -> Result<ApplyReport, AppError> {
    let confirmed = answer(&write.decision(t), &flags.confirm)?;
    let options = ApplyOptions {
        lock_wait: Duration::from_secs(flags.lock_wait),
        ..ApplyOptions::default()
    };
    let progress = progress(&ctx.out);
    let run = MigrationRun {
        options: &options,
        ..MigrationRun::new(t, set, &progress, &ctx.cancel)
    };
    console.write_migrations(write, &run, &confirmed).await
}

/// Prints a write's report, or the failure it met. Failures the operation itself met (a failed
/// statement, drift, a held lock, blocking rows) exit 1; anything else means it could not run.
fn finish(
    out: &Output,
    result: Result<ApplyReport, AppError>,
    human: impl FnOnce(&ApplyReport) -> String,
) -> Result<ExitCode, AppError> {
    match result {
        Ok(report) => out.result(&report, || human(&report)),
        Err(e) => Ok(match e.code {
            ErrorCode::MigrationFailed | ErrorCode::MigrationDrift | ErrorCode::Conflict => {
                out.failure(&e)
            }
            _ => out.error(&e),
        }),
    }
}

/// Progress on stderr, so stdout stays the result (and JSON stays parseable); the same lines
/// as the window's job log.
fn progress(out: &Output) -> Progress<ApplyEvent> {
    if out.json {
        return Progress::none();
    }
    Progress::new(|e: ApplyEvent| {
        if !matches!(e, ApplyEvent::Finished { .. }) {
            eprintln!("{}", e.line());
        }
    })
}

fn describe_plan(plan: &migrate::Plan) -> String {
    let mut s = format!(
        "Plan for {} ({}, {}) — {}\n",
        plan.target,
        plan.mode.label(),
        plan.shape.describe(),
        plan.environment.as_deref().unwrap_or("no environment")
    );
    if let Some(r) = &plan.refusal {
        let _ = writeln!(s, "APPLY WOULD REFUSE: {r}");
    }
    if plan.migrations.is_empty() {
        s.push_str("Nothing pending.\n");
    }
    for m in &plan.migrations {
        let _ = writeln!(
            s,
            "\n-- {} {}{}",
            m.file,
            if m.transactional {
                "(one transaction)"
            } else {
                "(no transaction)"
            },
            m.skipped
                .as_deref()
                .map(|r| format!(" — {r}"))
                .unwrap_or_default()
        );
        for st in &m.statements {
            let _ = writeln!(
                s,
                "-- statement {} (line {})\n{};",
                st.index, st.line, st.sql
            );
        }
    }
    for l in &plan.lint {
        let _ = writeln!(
            s,
            "{} {:04} statement {} (line {}): [{}] {}",
            wire_name(l.severity),
            l.version,
            l.statement,
            l.line,
            l.rule,
            l.message
        );
    }
    if let Some(h) = &plan.lock_holder {
        let _ = writeln!(s, "Migration lock held by {}", h.describe());
    }
    for b in &plan.blockers {
        let _ = writeln!(
            s,
            "Would wait for {} holding locks on {}",
            b.describe(),
            b.tables.join(", ")
        );
    }
    s
}

fn describe_validation(r: &ValidationReport) -> String {
    let mut s = format!(
        "{} — {}: {} errors, {} warnings, {} notes\n",
        r.target,
        r.shape.describe(),
        r.errors,
        r.warnings,
        r.infos
    );
    for f in &r.findings {
        let _ = writeln!(
            s,
            "{:<8} {}: expected {}; found {}",
            wire_name(f.severity),
            f.object,
            f.expected,
            f.found
        );
        if let Some(fix) = &f.fix {
            let _ = writeln!(s, "         fix: {}", fix.replace('\n', "\n              "));
        }
    }
    s
}

fn describe_adoption(p: &AdoptionPlan) -> String {
    let mut s = format!("{} — {}\n", p.target, p.shape.describe());
    if let Some(r) = &p.refusal {
        let _ = writeln!(s, "Not adopted: {r}");
        return s;
    }
    if p.already_managed() {
        s.push_str("Nothing to do: the console already manages this database.\n");
        return s;
    }
    let harmless = p
        .differences
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .count();
    let _ = writeln!(
        s,
        "{} repair steps; {harmless} harmless differences kept (legacy columns, names).",
        p.steps.len()
    );
    for b in &p.blockers {
        let _ = writeln!(
            s,
            "BLOCKED by {}: {} — {}",
            b.object,
            b.problem,
            b.rows.join("; ")
        );
        if let Some(fill) = &b.backfill {
            let _ = match &fill.proposed {
                Some(v) => writeln!(
                    s,
                    "  to fill them: --backfill (proposes {v:?}) or --backfill {}=VALUE",
                    fill.column
                ),
                None => writeln!(s, "  to fill them: --backfill {}=VALUE", fill.column),
            };
        }
    }
    s.push_str(&p.script());
    s
}
