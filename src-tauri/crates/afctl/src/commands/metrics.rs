//! `afctl metrics`: the report the window's charts are drawn from, computed by the same code.

use std::fmt::Write;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use afc_core::api::{Credentials, PlatformClient};
use afc_core::metrics::{
    EndpointOrder, MetricsReport, PROBE_ENDPOINTS, Scrape, fetch, parse, report,
};
use afc_core::{AppError, ErrorCode};

use super::Ctx;
use crate::cli::{MetricsArgs, Rank};

/// Beyond this many route groups the quietest fold into "other".
const MAX_GROUPS: usize = 50;

pub async fn run(ctx: &Ctx, args: MetricsArgs) -> Result<ExitCode, AppError> {
    let texts = if args.file.is_empty() {
        scrape(ctx, &args).await?
    } else {
        read_files(&args)?
    };
    let mut scrapes = Vec::new();
    for (from, text, at) in &texts {
        let exposition = parse(text).map_err(|e| {
            AppError::new(
                ErrorCode::InvalidInput,
                format!(
                    "The metrics from {from} are malformed at line {}: {}",
                    e.line, e.message
                ),
            )
        })?;
        scrapes.push(Scrape {
            exposition,
            at: *at,
        });
    }
    // One or two scrapes (both sources make sure of it): the newest, and the older one if any.
    let Some((current, older)) = scrapes.split_last() else {
        return Err(AppError::invalid_input("No metrics to report"));
    };
    let previous = older.last();
    let mut r = report(previous, current, MAX_GROUPS, MAX_GROUPS);
    let order = match args.sort {
        Rank::Traffic => EndpointOrder::Traffic,
        Rank::Latency => EndpointOrder::Latency,
        Rank::Errors => EndpointOrder::Errors,
    };
    r.endpoints = r.top(order, args.top).into_iter().cloned().collect();
    ctx.out.result(&r, || describe(&r))
}

/// The API's `/metrics`, once or twice `--interval` apart (a cancel skips the second).
async fn scrape(ctx: &Ctx, args: &MetricsArgs) -> Result<Vec<(String, String, f64)>, AppError> {
    let client = match &args.source.api_url {
        Some(url) => std::sync::Arc::new(PlatformClient::new(
            url,
            Credentials::None,
            Default::default(),
            false,
        )?),
        None => {
            let (console, name) = super::source_environment(ctx, &args.source)?;
            console.api(&console.environment(&name)?).await?
        }
    };
    let from = client.base().to_string();
    let mut scrapes = vec![(from.clone(), fetch(&client).await?, now())];
    if args.interval > 0 {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(args.interval)) => {
                scrapes.push((from, fetch(&client).await?, now()));
            }
            () = ctx.cancel.cancelled() => {}
        }
    }
    Ok(scrapes)
}

/// One or two saved expositions, `--interval` seconds apart.
fn read_files(args: &MetricsArgs) -> Result<Vec<(String, String, f64)>, AppError> {
    if args.file.len() > 2 {
        return Err(AppError::invalid_input(
            "Give one --file, or two (older first)",
        ));
    }
    if args.file.len() == 2 && args.interval == 0 {
        return Err(AppError::invalid_input(
            "Two --file expositions need --interval SECONDS between them",
        ));
    }
    args.file
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = std::fs::read_to_string(p).map_err(|e| AppError::io("read", p, &e))?;
            Ok((
                p.display().to_string(),
                text,
                (i as f64) * (args.interval as f64),
            ))
        })
        .collect()
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn ms(seconds: Option<f64>) -> String {
    seconds.map_or("—".to_owned(), |s| format!("{:.0} ms", s * 1000.0))
}

fn pct(r: Option<f64>) -> String {
    r.map_or("—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn describe(r: &MetricsReport) -> String {
    let mut s = String::new();
    match (r.window_seconds, r.request_rate) {
        (Some(w), Some(rate)) => {
            let _ = writeln!(s, "Requests: {:.0} in {w:.0} s ({rate:.2}/s)", r.requests);
        }
        _ => {
            let _ = writeln!(s, "Requests: {:.0} since the API started", r.requests);
        }
    }
    let _ = writeln!(
        s,
        "Errors (5xx): {:.0} ({}), probe endpoints left out",
        r.errors,
        pct(r.error_ratio)
    );
    let _ = writeln!(
        s,
        "Probes ({}): {:.0} requests, {:.0} errors ({})",
        PROBE_ENDPOINTS.join(", "),
        r.probes.requests,
        r.probes.errors,
        pct(r.probes.error_ratio)
    );
    let _ = writeln!(
        s,
        "Latency: p50 {}, p95 {}, p99 {}",
        ms(r.latency.p50),
        ms(r.latency.p95),
        ms(r.latency.p99)
    );
    let p = &r.process;
    let memory = p
        .resident_memory_bytes
        .map_or("—".to_owned(), |b| format!("{:.1} MiB", b / 1_048_576.0));
    let cpu = match (p.cpu_cores, p.cpu_seconds) {
        (Some(c), _) => format!("{c:.2} cores"),
        (None, Some(total)) => format!("{total:.1} s in total"),
        _ => "—".to_owned(),
    };
    let _ = writeln!(
        s,
        "API process: {memory} resident, CPU {cpu}{}",
        if p.restarted { " (restarted)" } else { "" }
    );
    let _ = writeln!(s, "Top endpoints:");
    for e in &r.endpoints {
        let rate = e.rate.map(|x| format!(" {x:.2}/s")).unwrap_or_default();
        let _ = writeln!(
            s,
            "  {:<44} {:>7.0}{rate}  errors {:<6} p95 {}",
            e.endpoint,
            e.requests,
            pct(e.error_ratio),
            ms(e.latency.p95)
        );
    }
    for n in &r.notes {
        let _ = writeln!(s, "Note: {n}");
    }
    s
}
