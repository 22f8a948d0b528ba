//! `afctl demo …`: the demo data (status, seed, reset), the pre-demo checklist and an unattended
//! rehearsal of a demo script, with the window's write policy and exit codes CI can act on.

use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

use afc_core::audit::AuditAction;
use afc_core::demo::{self, DemoRows, DemoTarget, StepStatus, data};
use afc_core::jobs::JobEventSource;
use afc_core::{AppError, Console};

use super::{Ctx, DatabaseChoice, answer, database_choice, env_name, wire_name};
use crate::cli::{DatabaseArg, DemoCommand};

pub async fn run(ctx: &Ctx, command: DemoCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        DemoCommand::Status { target } => {
            let t = resolve(&console, &target).await?;
            let rows = data::count(&t.db).await?;
            out.report(&rows, !rows.seeded(), || describe_rows(&rows, "demo rows"))
        }
        DemoCommand::Seed {
            target,
            dry_run,
            confirm,
        } => {
            let t = resolve(&console, &target).await?;
            let preview = data::seed_preview(&t.db).await?;
            if dry_run || preview.already_seeded.is_some() {
                let blocked = !preview.conflicts.is_empty();
                return out.report(&preview, blocked, || describe_preview(&preview));
            }
            let confirmed = answer(&t.decision(AuditAction::DemoSeed), &confirm)?;
            let seeded = console.demo_seed(&t, &confirmed).await?;
            out.result(&seeded, || format!("{}\n", seeded.message))
        }
        DemoCommand::Reset {
            target,
            dry_run,
            confirm,
        } => {
            let t = resolve(&console, &target).await?;
            if dry_run {
                let rows = data::count(&t.db).await?;
                return out.result(&rows, || describe_rows(&rows, "a reset would remove"));
            }
            let confirmed = answer(&t.decision(AuditAction::DemoReset), &confirm)?;
            let removed = console.demo_reset(&t, &confirmed).await?;
            out.result(&removed, || {
                if removed.total == 0 {
                    format!("No demo data on {}: nothing was removed.\n", removed.target)
                } else {
                    describe_rows(&removed, "removed")
                }
            })
        }
        DemoCommand::Checklist { env, script } => {
            let name = env_name(&console, &env)?;
            let script = demo::script::load(&script)?;
            let list = console.demo_checklist(&name, &script).await?;
            out.report(&list, !list.ready, || {
                let mut s = format!(
                    "Pre-demo checklist for {} on {name} (about {} API requests):\n",
                    script.title, list.requests
                );
                for item in &list.items {
                    let _ = writeln!(
                        s,
                        "  {:<5} {}: {}{}",
                        wire_name(item.status).to_uppercase(),
                        item.title,
                        item.detail,
                        item.fix
                            .map(|f| format!(" [fix: {}]", wire_name(f)))
                            .unwrap_or_default()
                    );
                }
                s
            })
        }
        DemoCommand::Rehearse {
            env,
            script,
            junit,
            markdown,
            confirm,
        } => {
            let name = env_name(&console, &env)?;
            let script = demo::script::load(&script)?;
            // The rehearsal deletes what it created: the policy's question for a deletion.
            let decision = console.decision(&name, AuditAction::AgentDelete, Some("the demo's"))?;
            let confirmed = answer(&decision, &confirm)?;
            let json = out.json;
            let report = console
                .demo_rehearse(&name, &script, confirmed, |step| {
                    if !json {
                        eprintln!("{}", step.line());
                    }
                })
                .await?;
            if let Some(file) = &junit {
                write(file, &report.junit())?;
            }
            if let Some(file) = &markdown {
                write(file, &report.to_markdown())?;
            }
            out.report(&report, !report.ok(), || {
                let error_paths = report
                    .steps
                    .iter()
                    .filter(|s| s.status == Some(StepStatus::ErrorPath))
                    .count();
                format!(
                    "{}: {} passed, {} failed, {error_paths} error path(s) of {} steps; {} API requests; {} of the {} target (simulated).\n",
                    report.title,
                    report.passed,
                    report.failed,
                    report.steps.len(),
                    report.requests,
                    demo::clock(report.elapsed_ms / 1000),
                    demo::clock(u64::from(report.target_seconds)),
                )
            })
        }
    }
}

async fn resolve(console: &Console, target: &DatabaseArg) -> Result<DemoTarget, AppError> {
    match database_choice(console, target)? {
        DatabaseChoice::Environment(name) => console.demo_target(&name).await,
        DatabaseChoice::Url(url) => DemoTarget::from_url(&url),
    }
}

fn describe_rows(rows: &DemoRows, what: &str) -> String {
    let mut s = format!(
        "{} — {} {what}{}\n",
        rows.target,
        rows.total,
        rows.tenant_id
            .as_deref()
            .map(|t| format!(" (demo tenant {t})"))
            .unwrap_or_else(|| " (no demo-org tenant)".to_owned())
    );
    for t in rows.tables.iter().filter(|t| t.rows > 0) {
        let _ = writeln!(s, "  {:<14} {}", t.table, t.rows);
    }
    s
}

fn describe_preview(p: &data::SeedPreview) -> String {
    if let Some(id) = &p.already_seeded {
        return format!(
            "{} already has the demo tenant (demo-org, id {id}): seeding would write nothing.\n",
            p.target
        );
    }
    let mut s = format!("Seeding {} would write, in one transaction:\n", p.target);
    for r in &p.rows {
        let _ = writeln!(s, "  {:<14} {:<18} {}", r.table, r.id, r.what);
    }
    for c in &p.conflicts {
        let _ = writeln!(s, "IN THE WAY: {c} (seeding would fail and write nothing)");
    }
    s
}

fn write(file: &Path, text: &str) -> Result<(), AppError> {
    std::fs::write(file, text).map_err(|e| AppError::io("write", file, &e))
}
