//! Smoke checks: the post-deploy suite. The built-in checks of the platform's probes, its agents
//! route, metrics, CORS, response time, rate-limit headroom, and the console's own direct checks
//! of the database and Redis, run concurrently (bounded) against one environment; each result
//! says pass, fail or skip, with the HTTP status, latency, request id, a one-line reason, and the
//! requests and responses themselves. Runs are kept per environment and compared with the last
//! fully passing one.
//!
//! A run states how many API requests it makes and draws on the environment's rate-limit budget
//! (the one the console's polling shares): it refuses to start, or paces itself, rather than trip
//! the platform's limiter, whose bare 500 would read as a failure the suite caused itself.

mod checks;
mod diff;
pub mod flow;
mod flow_run;
mod history;
mod report;
mod schedule;
mod suites;

use std::time::Instant;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::PlatformClient;
use crate::console::Console;
use crate::jobs::{JobEventSource, JobProgress};
use crate::progress::{Cancel, Progress};
use crate::{AppError, ErrorCode, Result};

pub use checks::{BUILTIN, Builtin};
pub use diff::{SLOWER_FACTOR, Slower, SmokeDiff, diff};
pub(crate) use report::esc as xml_escape;
pub use report::{ReportFormat, junit, markdown, render};
pub use schedule::{SmokeSchedule, notice};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    Skip,
}

/// One request a check made and what came back, as the window shows it on click. Header values
/// that carried a secret are masked before this is built.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// The first 4 KiB of the body.
    pub response_body: Option<String>,
    pub latency_ms: Option<f64>,
}

/// One check's result.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// `liveness`, `database`: what --only/--skip and the history match on.
    pub id: String,
    pub name: String,
    /// `built-in`, or a flow file's name.
    pub suite: String,
    pub critical: bool,
    pub status: CheckStatus,
    pub http_status: Option<u16>,
    pub latency_ms: Option<f64>,
    pub request_id: Option<String>,
    /// Why it failed or was skipped; for a pass, what was found ("PostgreSQL 15.4, 12 applied").
    pub reason: Option<String>,
    pub exchanges: Vec<Exchange>,
}

impl CheckResult {
    fn new(check: &Builtin, status: CheckStatus, reason: impl Into<String>) -> Self {
        Self::of(
            Head {
                id: check.id,
                name: check.name,
                suite: BUILT_IN,
                critical: check.critical,
            },
            status,
            reason,
        )
    }

    fn of(head: Head<'_>, status: CheckStatus, reason: impl Into<String>) -> Self {
        Self {
            id: head.id.to_owned(),
            name: head.name.to_owned(),
            suite: head.suite.to_owned(),
            critical: head.critical,
            status,
            http_status: None,
            latency_ms: None,
            request_id: None,
            reason: Some(reason.into()),
            exchanges: Vec::new(),
        }
    }

    /// A critical check that did not pass (a skip is not a failure).
    pub fn breaks_the_run(&self) -> bool {
        self.critical && self.status == CheckStatus::Fail
    }
}

pub const BUILT_IN: &str = "built-in";

/// What names a check in its result.
#[derive(Debug, Clone, Copy)]
struct Head<'a> {
    id: &'a str,
    name: &'a str,
    suite: &'a str,
    critical: bool,
}

/// A check chosen for a run: built in, or a flow read from a file.
enum Chosen {
    Builtin(&'static Builtin),
    Flow(flow::Loaded),
}

impl Chosen {
    fn head(&self) -> Head<'_> {
        match self {
            Self::Builtin(b) => Head {
                id: b.id,
                name: b.name,
                suite: BUILT_IN,
                critical: b.critical,
            },
            Self::Flow(f) => Head {
                id: &f.id,
                name: f
                    .flow
                    .as_ref()
                    .map_or(f.id.as_str(), |flow| flow.name.as_str()),
                suite: &f.suite,
                critical: f.flow.as_ref().is_ok_and(|flow| flow.critical),
            },
        }
    }
}

/// How a run ended, for afctl's exit code and the window's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Every critical check passed (and every other one too).
    Passed,
    /// Every critical check passed; a non-critical one failed.
    Warned,
    /// A critical check failed.
    Failed,
    /// Some checks could not be judged (the run was cancelled, or the platform's limiter answered).
    Incomplete,
}

/// One run of the suite against one environment.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct SmokeRun {
    /// `2026-11-30T11:15:02.123Z` of when it started: unique per environment.
    pub id: String,
    pub environment: String,
    pub api_url: Option<String>,
    #[ts(type = "string")]
    pub started_at: DateTime<Utc>,
    pub duration_ms: f64,
    /// API requests it made.
    pub requests: u32,
    pub outcome: RunOutcome,
    pub checks: Vec<CheckResult>,
}

impl SmokeRun {
    /// Every check that ran passed (skips aside).
    pub fn fully_passing(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
            && self.outcome == RunOutcome::Passed
    }

    pub fn count(&self, status: CheckStatus) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }
}

fn outcome(checks: &[CheckResult], incomplete: bool) -> RunOutcome {
    if checks.iter().any(CheckResult::breaks_the_run) {
        RunOutcome::Failed
    } else if incomplete {
        RunOutcome::Incomplete
    } else if checks.iter().any(|c| c.status == CheckStatus::Fail) {
        RunOutcome::Warned
    } else {
        RunOutcome::Passed
    }
}

/// What to run and how.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct SmokeOptions {
    /// Only checks whose id matches one of these (`*` matches any run of characters; a flow's
    /// id is `flow:` and its file name).
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// How many checks run at once.
    pub concurrency: u32,
    /// Wait for the rate limit's window instead of refusing to start when the requests do not fit.
    pub pace: bool,
    /// The response-time check fails when `/health` takes longer than this.
    pub slow_ms: u32,
    /// The headroom check fails when fewer requests than this are left this minute.
    pub min_headroom: u32,
    /// Flow files, or folders of them, besides the shipped flows. Never from the window (it
    /// hands the backend no paths): afctl's `--suite`.
    #[serde(skip)]
    #[ts(skip)]
    pub suites: Vec<std::path::PathBuf>,
    /// Values for `{{secret.NAME}}` given to this run (afctl in CI reads them from
    /// `AFC_SECRET_<NAME>` variables), before the environment's keyring.
    #[serde(skip)]
    #[ts(skip)]
    pub secrets: std::collections::HashMap<String, crate::keyring::SecretString>,
}

impl Default for SmokeOptions {
    fn default() -> Self {
        Self {
            only: Vec::new(),
            skip: Vec::new(),
            concurrency: 8,
            pace: false,
            slow_ms: 5000,
            min_headroom: 10,
            suites: Vec::new(),
            secrets: std::collections::HashMap::new(),
        }
    }
}

impl SmokeOptions {
    fn wants(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|p| matches(p, id)))
            && !self.skip.iter().any(|p| matches(p, id))
    }
}

/// `pattern` against `id`: `*` matches any run of characters, the rest literally (any case).
fn matches(pattern: &str, id: &str) -> bool {
    let (pattern, id) = (pattern.to_lowercase(), id.to_lowercase());
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part at least");
    let Some(mut left) = id.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return left.is_empty();
    };
    for part in middle {
        match left.find(part) {
            Some(at) => left = &left[at + part.len()..],
            None => return false,
        }
    }
    left.ends_with(last)
}

/// A run's progress: each check as it starts and ends.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SmokeEvent {
    /// Before the first check: how many checks and API requests the run makes.
    Planned { checks: usize, requests: u32 },
    /// Paced: waiting for the rate limit's window.
    Waiting { seconds: u64 },
    Finished {
        result: Box<CheckResult>,
        done: usize,
        total: usize,
    },
}

impl JobEventSource for SmokeEvent {
    fn line(&self) -> String {
        match self {
            Self::Planned { checks, requests } => {
                format!("{checks} checks, {requests} API requests")
            }
            Self::Waiting { seconds } => {
                format!("Waiting {seconds} s for the API's rate-limit window")
            }
            Self::Finished { result, .. } => {
                let (id, reason) = (&result.id, &result.reason);
                let word = match result.status {
                    CheckStatus::Pass => "pass",
                    CheckStatus::Fail => "FAIL",
                    CheckStatus::Skip => "skip",
                };
                match reason {
                    Some(r) => format!("{word:<4} {id}: {r}"),
                    None => format!("{word:<4} {id}"),
                }
            }
        }
    }

    fn progress(&self) -> Option<JobProgress> {
        match self {
            Self::Finished { done, total, .. } => Some(JobProgress {
                done: u32::try_from(*done).unwrap_or(u32::MAX),
                total: u32::try_from(*total).unwrap_or(u32::MAX),
            }),
            _ => None,
        }
    }
}

/// A check the window lists to choose from.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CheckInfo {
    pub id: String,
    pub name: String,
    pub suite: String,
    pub critical: bool,
    /// API requests it makes.
    pub requests: u32,
}

/// The built-in checks, the shipped flows and those of `suites` (a broken file is listed too:
/// running it reports what is wrong).
pub fn available_checks(suites: &[std::path::PathBuf]) -> Vec<CheckInfo> {
    let builtin = BUILTIN.iter().map(|c| CheckInfo {
        id: c.id.to_owned(),
        name: c.name.to_owned(),
        suite: BUILT_IN.to_owned(),
        critical: c.critical,
        requests: c.requests,
    });
    let flows = flow::load_all(suites).into_iter().map(|f| match f.flow {
        Ok(flow) => CheckInfo {
            requests: flow_run::requests(&flow),
            id: f.id,
            name: flow.name,
            suite: f.suite,
            critical: flow.critical,
        },
        Err(why) => CheckInfo {
            id: f.id,
            name: why,
            suite: f.suite,
            critical: false,
            requests: 0,
        },
    });
    builtin.chain(flows).collect()
}

/// A run and how it compares with the environment's earlier runs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SmokeReport {
    pub run: SmokeRun,
    pub diff: SmokeDiff,
}

impl Console {
    /// Runs the suite against `env_name`, keeps the run in its history and compares it with the
    /// earlier ones. Errors only when the suite cannot run at all (no such environment, the
    /// requests do not fit the rate limit and pacing is off, no check selected).
    pub async fn smoke_run(
        &self,
        env_name: &str,
        options: &SmokeOptions,
        progress: &Progress<SmokeEvent>,
        cancel: &Cancel,
    ) -> Result<SmokeReport> {
        let env = self.environment(env_name)?;
        let mut selected: Vec<Chosen> = BUILTIN
            .iter()
            .filter(|c| options.wants(c.id))
            .map(Chosen::Builtin)
            .collect();
        let flows = flow::load_all(&options.suites);
        selected.extend(
            flows
                .into_iter()
                .filter(|f| options.wants(&f.id))
                .map(Chosen::Flow),
        );
        if selected.is_empty() {
            return Err(AppError::invalid_input(
                "No check matches --only and --skip",
            ));
        }
        let secrets: Vec<String> = selected
            .iter()
            .filter_map(|c| match c {
                Chosen::Flow(f) => f.flow.as_ref().ok(),
                Chosen::Builtin(_) => None,
            })
            .flat_map(flow_run::secret_names)
            .collect();
        let context = checks::Context::new(self, &env, options, &secrets).await;
        let requests: u32 = selected.iter().map(|c| context.requests_for(c)).sum();
        progress.emit(SmokeEvent::Planned {
            checks: selected.len(),
            requests,
        });
        if let Some(client) = &context.client {
            make_room(client, requests, options.pace, progress, cancel).await?;
        }
        let started_at = Utc::now();
        let started = Instant::now();
        let total = selected.len();
        let concurrency = usize::try_from(options.concurrency.max(1)).unwrap_or(1);
        let mut done = 0;
        let mut results: Vec<(usize, CheckResult)> = Vec::with_capacity(total);
        // Every check is queued at once and a fair semaphore lets `concurrency` run, in order.
        let slots = tokio::sync::Semaphore::new(concurrency);
        let mut pending = FuturesUnordered::new();
        // A loop, not a closure over the checks: a closure taking references is higher-ranked,
        // and its futures could not be sent to a spawned job.
        for (i, check) in selected.iter().enumerate() {
            let (context, slots) = (&context, &slots);
            pending.push(async move {
                let _slot = slots.acquire().await;
                if cancel.is_cancelled() {
                    return (i, cancelled(check.head()));
                }
                (i, context.run(check).await)
            });
        }
        while let Some((i, result)) = pending.next().await {
            done += 1;
            progress.emit(SmokeEvent::Finished {
                result: Box::new(result.clone()),
                done,
                total,
            });
            results.push((i, result));
        }
        drop(pending);
        results.sort_by_key(|(i, _)| *i);
        let mut checks: Vec<CheckResult> = results.into_iter().map(|(_, r)| r).collect();
        context.derive(&mut checks);
        let incomplete = cancel.is_cancelled() || context.rate_limited();
        let run = SmokeRun {
            id: started_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            environment: env.name.clone(),
            api_url: env.api_url.clone(),
            started_at,
            duration_ms: (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
            requests: context.requests(),
            outcome: outcome(&checks, incomplete),
            checks,
        };
        let earlier = self.smoke_history(env_name, history::KEPT)?;
        self.record_smoke_run(&run)?;
        let diff = diff(&run, &earlier, SLOWER_FACTOR);
        Ok(SmokeReport { run, diff })
    }
}

/// Makes sure the run's `requests` fit this minute's rate limit before any is sent: refuses
/// (unless `pace`) or waits for the window (a cancelled run stops waiting; its checks are then
/// skipped). The whole run waits rather than each check, because checks run concurrently and
/// would each see the same room.
async fn make_room(
    client: &PlatformClient,
    requests: u32,
    pace: bool,
    progress: &Progress<SmokeEvent>,
    cancel: &Cancel,
) -> Result<()> {
    let budget = client.budget();
    if !pace {
        return budget
            .check_room(&format!("The smoke run's {requests} requests"), requests)
            .map_err(|e| {
                let details = e.details.clone().unwrap_or_default();
                e.with_details(format!(
                    "{details} Or let the run pace itself (--pace): it waits for the window instead."
                ))
            });
    }
    // More than a minute's worth can only wait for a whole fresh window.
    let need = budget
        .view()
        .limit_minute
        .map_or(requests, |l| requests.min(l));
    while let Some(wait) = budget.room_in(need) {
        progress.emit(SmokeEvent::Waiting {
            seconds: wait.as_secs().max(1),
        });
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = cancel.cancelled() => break,
        }
    }
    Ok(())
}

fn cancelled(head: Head<'_>) -> CheckResult {
    CheckResult::of(head, CheckStatus::Skip, "the run was cancelled first")
}

fn error_result(check: &Builtin, e: &AppError) -> CheckResult {
    let status = if e.code == ErrorCode::RateLimited {
        CheckStatus::Skip
    } else {
        CheckStatus::Fail
    };
    CheckResult::new(check, status, e.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_ids_with_stars_in_any_case() {
        assert!(matches("liveness", "liveness"));
        assert!(matches("LIVE*", "liveness"));
        assert!(matches("*ness", "liveness"));
        assert!(matches("l*v*s", "liveness"));
        assert!(matches("*", "anything"));
        assert!(!matches("live", "liveness"));
        assert!(!matches("*x*", "liveness"));
        assert!(!matches("l*v*z", "liveness"));
    }

    #[test]
    fn a_failing_critical_check_fails_the_run_and_a_skip_does_not() {
        let r = |critical, status| CheckResult {
            critical,
            status,
            ..CheckResult::new(&BUILTIN[0], status, "x")
        };
        assert_eq!(
            outcome(&[r(true, CheckStatus::Pass)], false),
            RunOutcome::Passed
        );
        assert_eq!(
            outcome(
                &[r(true, CheckStatus::Pass), r(false, CheckStatus::Fail)],
                false
            ),
            RunOutcome::Warned
        );
        assert_eq!(
            outcome(
                &[r(true, CheckStatus::Skip), r(false, CheckStatus::Pass)],
                false
            ),
            RunOutcome::Passed
        );
        assert_eq!(
            outcome(&[r(true, CheckStatus::Fail)], true),
            RunOutcome::Failed
        );
        assert_eq!(
            outcome(&[r(true, CheckStatus::Skip)], true),
            RunOutcome::Incomplete
        );
    }
}
