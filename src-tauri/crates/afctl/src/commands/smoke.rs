//! `afctl smoke …`: the post-deploy suite, for CI pipelines and terminals.

use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

use afc_core::AppError;
use afc_core::jobs::JobEventSource;
use afc_core::keyring::SecretString;
use afc_core::progress::Progress;
use afc_core::smoke::{
    CheckStatus, RunOutcome, SmokeDiff, SmokeEvent, SmokeOptions, SmokeRun, junit, markdown, render,
};

use super::{Ctx, env_name, target_name};
use crate::cli::{FailOn, ReportFormat, SmokeCommand};
use crate::output::{EXIT_COULD_NOT_RUN, EXIT_FOUND_PROBLEMS};

pub async fn run(ctx: &Ctx, command: SmokeCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        SmokeCommand::Run {
            env,
            suite,
            only,
            skip,
            junit: junit_file,
            markdown: markdown_file,
            fail_on,
            concurrency,
            slow_ms,
            min_headroom,
            pace,
        } => {
            let env = target_name(&console, &env)?;
            let options = SmokeOptions {
                only,
                skip,
                concurrency,
                pace,
                slow_ms,
                min_headroom,
                suites: suite,
                secrets: given_secrets(),
            };
            let progress = if out.json {
                Progress::none()
            } else {
                Progress::new(|event: SmokeEvent| eprintln!("{}", event.line()))
            };
            let report = console
                .smoke_run(&env, &options, &progress, &ctx.cancel)
                .await?;
            if let Some(file) = &junit_file {
                write(file, &junit(&report.run))?;
            }
            if let Some(file) = &markdown_file {
                write(file, &markdown(&report.run, &report.diff))?;
            }
            out.result(&report, || describe(&report.run, &report.diff))?;
            Ok(exit_code(&report.run, fail_on))
        }
        SmokeCommand::History { env, limit } => {
            let env = env_name(&console, &env)?;
            let runs = console.smoke_history(&env, limit)?;
            out.result(&runs, || {
                let mut s = String::new();
                for r in &runs {
                    let _ = writeln!(
                        s,
                        "{}  {:<20} {} passed, {} failed, {} skipped  {:.1} s",
                        r.id,
                        outcome_word(r.outcome),
                        r.count(CheckStatus::Pass),
                        r.count(CheckStatus::Fail),
                        r.count(CheckStatus::Skip),
                        r.duration_ms / 1000.0
                    );
                }
                if runs.is_empty() {
                    s.push_str("No smoke runs kept for this environment.\n");
                }
                s
            })
        }
        SmokeCommand::Export { run, format, env } => {
            let env = env_name(&console, &env)?;
            let report = console.smoke_report(&env, &run)?;
            let format = match format {
                ReportFormat::Json => afc_core::smoke::ReportFormat::Json,
                ReportFormat::Junit => afc_core::smoke::ReportFormat::Junit,
                ReportFormat::Markdown => afc_core::smoke::ReportFormat::Markdown,
            };
            let text = render(&report, format)?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `{{secret.NAME}}` values from `AFC_SECRET_<NAME>` variables (a CI job's secrets), so a run
/// by URL needs no keyring.
fn given_secrets() -> std::collections::HashMap<String, SecretString> {
    std::env::vars()
        .filter_map(|(k, v)| {
            k.strip_prefix("AFC_SECRET_")
                .map(|name| (name.to_owned(), SecretString::new(v)))
        })
        .collect()
}

/// 0 when every critical check passed (and, with `--fail-on warn`, every other one), 1 when not,
/// 2 when checks could not be judged (cancelled, or the platform's limiter answered).
fn exit_code(run: &SmokeRun, fail_on: FailOn) -> ExitCode {
    match (run.outcome, fail_on) {
        (RunOutcome::Passed, _) | (RunOutcome::Warned, FailOn::Critical) => ExitCode::SUCCESS,
        (RunOutcome::Failed, _) | (RunOutcome::Warned, FailOn::Warn) => {
            ExitCode::from(EXIT_FOUND_PROBLEMS)
        }
        (RunOutcome::Incomplete, _) => ExitCode::from(EXIT_COULD_NOT_RUN),
    }
}

fn write(path: &Path, text: &str) -> Result<(), AppError> {
    std::fs::write(path, text).map_err(|e| AppError::io("write", path, &e))
}

fn outcome_word(outcome: RunOutcome) -> &'static str {
    match outcome {
        RunOutcome::Passed => "passed",
        RunOutcome::Warned => "passed, warnings",
        RunOutcome::Failed => "FAILED",
        RunOutcome::Incomplete => "incomplete",
    }
}

fn describe(run: &SmokeRun, diff: &SmokeDiff) -> String {
    let mut s = String::new();
    for c in &run.checks {
        let mark = match c.status {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail if c.critical => "FAIL",
            CheckStatus::Fail => "warn",
            CheckStatus::Skip => "skip",
        };
        let _ = writeln!(
            s,
            "{mark}  {:<20} {:>4} {:>8}  {}{}",
            c.id,
            c.http_status.map_or(String::new(), |h| h.to_string()),
            c.latency_ms.map_or(String::new(), |l| format!("{l:.0} ms")),
            c.reason.as_deref().unwrap_or_default(),
            c.request_id
                .as_deref()
                .map_or(String::new(), |id| format!(" [request {id}]"))
        );
    }
    for (label, ids) in [
        ("newly failing", &diff.newly_failing),
        ("still failing", &diff.still_failing),
        ("fixed", &diff.fixed),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(s, "{label}: {}", ids.join(", "));
        }
    }
    for slow in &diff.slower {
        let _ = writeln!(
            s,
            "slower: {} {:.0} ms (was {:.0} ms)",
            slow.id, slow.now_ms, slow.baseline_ms
        );
    }
    let _ = writeln!(
        s,
        "{}: {} passed, {} failed, {} skipped; {} API requests in {:.1} s",
        outcome_word(run.outcome),
        run.count(CheckStatus::Pass),
        run.count(CheckStatus::Fail),
        run.count(CheckStatus::Skip),
        run.requests,
        run.duration_ms / 1000.0
    );
    s
}
