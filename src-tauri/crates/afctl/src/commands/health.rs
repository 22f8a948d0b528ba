//! `afctl health`: the same reconciled health as the window's Health section.

use std::fmt::Write;
use std::process::ExitCode;
use std::time::Duration;

use afc_core::AppError;
use afc_core::api::{Credentials, PlatformClient};
use afc_core::health::{Health, HealthReport, api_health};

use super::{Ctx, wire_name};
use crate::cli::HealthArgs;

/// What is checked: an API given by URL (one client for every round, so the rate-limit budget
/// is counted across them), or an environment.
enum Source {
    Url(Box<PlatformClient>),
    Env(Box<afc_core::Console>, String),
}

pub async fn run(ctx: &Ctx, args: HealthArgs) -> Result<ExitCode, AppError> {
    let rounds = if args.watch {
        args.count.unwrap_or(u64::MAX)
    } else {
        1
    };
    let source = match &args.source.api_url {
        Some(url) => Source::Url(Box::new(PlatformClient::new(
            url,
            Credentials::None,
            Default::default(),
            false,
        )?)),
        None => {
            let (console, name) = super::source_environment(ctx, &args.source)?;
            Source::Env(Box::new(console), name)
        }
    };
    let mut code = ExitCode::SUCCESS;
    for round in 0..rounds {
        if round > 0 {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(args.interval)) => {}
                () = ctx.cancel.cancelled() => break,
            }
        }
        let report = match &source {
            Source::Url(client) => api_health(client).await,
            Source::Env(console, name) => console.health(name).await?,
        };
        let unhealthy = report.overall != Health::Healthy;
        code = ctx.out.report(&report, unhealthy, || describe(&report))?;
    }
    Ok(code)
}

fn describe(r: &HealthReport) -> String {
    let mut s = format!(
        "{} — {} at {}\n",
        r.environment.as_deref().unwrap_or("API"),
        wire_name(r.overall).to_uppercase(),
        r.checked_at.format("%H:%M:%S UTC")
    );
    for d in &r.dependencies {
        let latency = d.latency_ms.map(|l| format!(" {l} ms")).unwrap_or_default();
        let _ = writeln!(s, "  {:<14} {:<9}{latency}", d.name, wire_name(d.status));
        if let Some(reason) = &d.reason {
            let _ = writeln!(s, "      {reason}");
        }
        for source in &d.sources {
            let _ = writeln!(s, "      · {source}");
        }
    }
    s
}
