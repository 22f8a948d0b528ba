//! `afctl health`: the same reconciled health as the window's Health section.

use std::fmt::Write;
use std::process::ExitCode;
use std::time::Duration;

use afc_core::AppError;
use afc_core::health::{Health, HealthReport, api_health};

use super::{block_on, console, wire_name};
use crate::cli::{ApiSource, Cli, Command};
use crate::output::Output;

pub fn run(cli: &Cli, out: &Output) -> Result<ExitCode, AppError> {
    let Command::Health {
        source,
        watch,
        interval,
        count,
    } = &cli.command
    else {
        unreachable!("dispatched on Command::Health");
    };
    let rounds = if *watch { count.unwrap_or(u64::MAX) } else { 1 };
    let mut code = ExitCode::SUCCESS;
    for round in 0..rounds {
        if round > 0 {
            std::thread::sleep(Duration::from_secs(*interval));
        }
        let report = check(cli, source)?;
        let unhealthy = report.overall != Health::Healthy;
        code = out.report(&report, unhealthy, || describe(&report))?;
    }
    Ok(code)
}

fn check(cli: &Cli, source: &ApiSource) -> Result<HealthReport, AppError> {
    if let Some(url) = &source.api_url {
        return block_on(api_health(url));
    }
    let console = console(cli)?;
    let name = super::env_name(
        &console,
        &crate::cli::EnvArg {
            env: source.env.clone(),
        },
    )?;
    block_on(console.health(&name))?
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
