//! `afctl sandbox up|status|down`: the local sandbox, headless.

use std::fmt::Write;
use std::process::ExitCode;

use afc_core::AppError;
use afc_core::guard::{self, Decision, Scope};
use afc_core::sandbox::{SANDBOX_ENV, SandboxStatus, SandboxTarget};

use super::{Ctx, answer};
use crate::cli::{SandboxCommand, SandboxServer};

pub async fn run(ctx: &Ctx, command: SandboxCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        SandboxCommand::Up { server } => {
            let t = target(server);
            let json = out.json;
            let status = console
                .sandbox_up(&t, |line| {
                    if !json {
                        eprintln!("{line}");
                    }
                })
                .await?;
            out.report(&status, !complete(&status), || describe(&status, &t))
        }
        SandboxCommand::Status { server } => {
            let t = target(server);
            let status = console.sandbox_status(&t).await?;
            out.report(&status, !complete(&status), || describe(&status, &t))
        }
        SandboxCommand::Down { server, confirm } => {
            let t = target(server);
            let label = afc_core::db::Database::from_url(&t.server_url)?.label;
            let what = format!(
                "drop database {} and remove environment \"{SANDBOX_ENV}\"",
                t.database
            );
            let decision: Decision = guard::decide(
                afc_core::audit::AuditAction::SandboxDown,
                &what,
                &Scope::url(&label),
            );
            let confirmed = answer(&decision, &confirm)?;
            console.sandbox_down(&t, &confirmed).await?;
            out.result(&serde_json::json!({"dropped": t.database}), || {
                format!(
                    "Dropped database {} and removed environment \"{SANDBOX_ENV}\".\n",
                    t.database
                )
            })
        }
    }
}

fn target(server: SandboxServer) -> SandboxTarget {
    SandboxTarget {
        server_url: server.server_url,
        database: server.database,
    }
}

fn complete(s: &SandboxStatus) -> bool {
    s.environment
        && s.database
        && s.pending_migrations == Some(0)
        && s.demo_rows.is_some_and(|n| n > 0)
}

fn describe(s: &SandboxStatus, t: &SandboxTarget) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut text = format!(
        "Environment \"{SANDBOX_ENV}\": {}\nDatabase {}: {}\n",
        yes(s.environment),
        t.database,
        yes(s.database)
    );
    if let Some(n) = s.pending_migrations {
        let _ = writeln!(text, "Pending migrations: {n}");
    }
    if let Some(n) = s.demo_rows {
        let _ = writeln!(text, "Demo rows: {n}");
    }
    if let Some(p) = &s.problem {
        let _ = writeln!(text, "Problem: {p}");
    }
    let _ = writeln!(text, "{}", s.api);
    text
}
