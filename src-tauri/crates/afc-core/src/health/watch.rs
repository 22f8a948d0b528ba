//! One environment being watched: each poll's health and metrics, the history they build, and
//! the view the Health section shows. The desktop app runs the loop (one task per environment);
//! everything it decides is here, so it is tested without a window.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::monitor::{History, Incident, Point, PollPolicy};
use super::{Health, HealthReport};
use crate::console::Console;
use crate::metrics::{MetricsReport, Scrape, fetch, parse, report};
use crate::{AppError, ErrorCode, Result};

/// Memory one environment's watch may hold by default: the previous scrape (for rates) and the
/// history of polls. Series themselves are never kept: each poll is reduced to its figures.
pub const DEFAULT_BUDGET: usize = 8 << 20;

/// A poll's share of the budget when sizing the history (a Point with a few dependencies).
const POINT_BYTES: usize = 512;

/// How much history is kept, in memory and on disk.
const KEEP: Duration = Duration::from_secs(24 * 3600);

/// After this many appended polls the history file is rewritten with only what is still kept,
/// so it never grows beyond about a day of polls plus this many lines.
const COMPACT_EVERY: usize = 500;

/// Route groups beyond this fold into "other" (the endpoint label's cardinality cap).
const MAX_GROUPS: usize = 50;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct DependencyHistory {
    pub name: String,
    pub uptime_hour: Option<f64>,
    pub uptime_day: Option<f64>,
    /// The last hour in 60 one-minute slots, oldest first.
    pub last_hour: Vec<Health>,
    /// The last day in 96 quarter-hour slots, oldest first.
    pub last_day: Vec<Health>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct EnvHealthView {
    pub environment: String,
    pub health: Option<HealthReport>,
    pub metrics: Option<MetricsReport>,
    /// Why there are no metrics (no API URL, a malformed exposition, …).
    pub metrics_error: Option<AppError>,
    pub dependencies: Vec<DependencyHistory>,
    /// Newest first.
    pub incidents: Vec<Incident>,
    /// The last hour of polls, oldest first (for the charts).
    pub points: Vec<Point>,
    #[ts(type = "number")]
    pub interval_seconds: u64,
    pub memory: MemoryUse,
}

/// What one environment's watch holds against its budget, shown so an operator can size it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MemoryUse {
    #[ts(type = "number")]
    pub retained_bytes: u64,
    #[ts(type = "number")]
    pub budget_bytes: u64,
    /// Polls in the history, and the most the budget lets it keep (within the day it covers).
    pub polls: u32,
    pub max_polls: u32,
}

pub struct WatchState {
    history: History,
    /// Where the history is kept across restarts (one JSON line per poll), if anywhere.
    store: Option<PathBuf>,
    appended: usize,
    broken_tail: bool,
    budget: usize,
    health: Option<HealthReport>,
    metrics: Option<MetricsReport>,
    metrics_error: Option<AppError>,
    previous_scrape: Option<(String, f64)>,
    failures: u32,
    delay: Duration,
}

/// What the metrics say without an API (the local sandbox has none).
const NO_API: &str = "No API is set for this environment, so there are no metrics: when the platform's API runs, set its URL in the environment's editor (or afctl env set NAME --api-url URL)";

impl Default for WatchState {
    fn default() -> Self {
        Self {
            history: History::new(KEEP).with_limit(DEFAULT_BUDGET / 2 / POINT_BYTES),
            store: None,
            appended: 0,
            broken_tail: false,
            budget: DEFAULT_BUDGET,
            health: None,
            metrics: None,
            metrics_error: None,
            previous_scrape: None,
            failures: 0,
            delay: PollPolicy::default().base,
        }
    }
}

/// What one poll brought back, before it is recorded.
pub struct Poll {
    pub health: HealthReport,
    /// The `/metrics` text and when it was taken; None when the environment has no API URL.
    pub scrape: Option<Result<(String, f64)>>,
    /// Set while the API's rate limit is (probably) used up: the next poll waits until then.
    pub paused_until: Option<std::time::Instant>,
}

/// Polls an environment once: its health (API probes and the console's own checks) and metrics.
pub async fn poll(console: &Console, env: &str) -> Result<Poll> {
    let health = console.health(env).await?;
    let environment = console.environment(env)?;
    let has_api = environment
        .api_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty());
    let client = if has_api {
        Some(console.api(&environment).await)
    } else {
        None
    };
    let scrape = match &client {
        Some(Ok(client)) => Some(fetch(client).await.map(|text| (text, now_secs()))),
        Some(Err(e)) => Some(Err(e.clone())),
        None => None,
    };
    let paused_until = client
        .and_then(Result::ok)
        .and_then(|c| c.budget().paused_until());
    Ok(Poll {
        health,
        scrape,
        paused_until,
    })
}

fn now_secs() -> f64 {
    Utc::now().timestamp_millis() as f64 / 1000.0
}

impl WatchState {
    /// A watch whose history is read from and appended to `store` (lines that cannot be read,
    /// e.g. from a crash mid-write, are skipped).
    pub fn open(store: PathBuf) -> Self {
        let mut state = Self::default();
        if let Ok(text) = std::fs::read_to_string(&store) {
            // A crash mid-write leaves a partial last line: the next poll starts a new line.
            state.broken_tail = !text.is_empty() && !text.ends_with('\n');
            for point in text
                .lines()
                .filter_map(|l| serde_json::from_str::<Point>(l).ok())
            {
                state.history.push(point);
            }
        }
        state.store = Some(store);
        state
    }

    /// Holds at most about `bytes`: half for the previous scrape, half for the history.
    pub fn with_budget(mut self, bytes: usize) -> Self {
        self.set_budget(bytes);
        self
    }

    /// Changes the budget in place: a smaller one drops the oldest polls (and the previous
    /// scrape, when it no longer fits) at once, not at the next poll.
    pub fn set_budget(&mut self, bytes: usize) {
        self.budget = bytes;
        self.history.set_limit(bytes / 2 / POINT_BYTES);
        if self
            .previous_scrape
            .as_ref()
            .is_some_and(|(t, _)| t.len() > bytes / 2)
        {
            self.previous_scrape = None;
        }
    }

    /// What this watch holds now, in bytes (the previous scrape and the history).
    pub fn retained_bytes(&self) -> usize {
        self.previous_scrape
            .as_ref()
            .map_or(0, |(t, _)| t.capacity())
            + self.history.retained_bytes()
    }

    fn persist(&mut self, point: &Point) {
        let Some(path) = &self.store else { return };
        let result = (|| -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            self.appended += 1;
            if self.appended.is_multiple_of(COMPACT_EVERY) {
                // Rewrite from the history (which already holds `point`), dropping what expired.
                let lines: Vec<String> = self
                    .history
                    .points()
                    .filter_map(|p| serde_json::to_string(p).ok())
                    .collect();
                let tmp = path.with_extension("jsonl.tmp");
                std::fs::write(&tmp, lines.join("\n") + "\n")?;
                return std::fs::rename(&tmp, path);
            }
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            if std::mem::take(&mut self.broken_tail) {
                writeln!(file)?;
            }
            let line = serde_json::to_string(point).map_err(std::io::Error::other)?;
            writeln!(file, "{line}")
        })();
        if let Err(e) = result {
            tracing::warn!(path = %path.display(), error = %e, "could not keep the health history");
        }
    }

    /// Records a poll; returns how long to wait before the next one.
    pub fn record(&mut self, poll: Poll, policy: &PollPolicy) -> Duration {
        match poll.scrape {
            None => {
                self.metrics = None;
                self.metrics_error = Some(AppError::invalid_input(NO_API));
            }
            Some(Err(e)) => self.metrics_error = Some(e),
            Some(Ok((text, at))) => match parse(&text) {
                Ok(current) => {
                    let previous = self.previous_scrape.as_ref().and_then(|(t, a)| {
                        parse(t).ok().map(|e| Scrape {
                            exposition: e,
                            at: *a,
                        })
                    });
                    self.metrics = Some(report(
                        previous.as_ref(),
                        &Scrape {
                            exposition: current,
                            at,
                        },
                        MAX_GROUPS,
                        MAX_GROUPS,
                    ));
                    self.metrics_error = None;
                    // An exposition too large for the budget is not kept: no rates, but no
                    // unbounded memory either.
                    self.previous_scrape = (text.len() <= self.budget / 2).then_some((text, at));
                }
                Err(e) => {
                    self.metrics_error = Some(AppError::new(
                        ErrorCode::InvalidInput,
                        format!(
                            "The API's /metrics is malformed at line {}: {}",
                            e.line, e.message
                        ),
                    ))
                }
            },
        }
        self.failures = if poll.health.overall == Health::Down {
            self.failures + 1
        } else {
            0
        };
        let remaining = poll
            .health
            .probes
            .iter()
            .flat_map(|p| p.facts.iter())
            .find(|f| f.label == crate::probe::RATE_LIMIT_FACT)
            .and_then(|f| f.value.parse().ok());
        let point = Point::new(&poll.health, self.metrics.as_ref());
        // Pushed first: a compaction rewrites the file from the history, this poll included.
        self.history.push(point.clone());
        self.persist(&point);
        self.health = Some(poll.health);
        self.delay = policy.next_delay(self.failures, remaining);
        if let Some(until) = poll.paused_until {
            self.delay = self
                .delay
                .max(until.saturating_duration_since(std::time::Instant::now()));
        }
        self.delay
    }

    /// The dependencies whose state the last poll changed.
    pub fn latest_changes(&self) -> Vec<Incident> {
        self.history.latest_changes()
    }

    /// The polls since `since`, oldest first.
    pub fn points_since(&self, since: DateTime<Utc>) -> Vec<Point> {
        self.history
            .points()
            .filter(|p| p.at >= since)
            .cloned()
            .collect()
    }

    /// The history as CSV: one row per poll and dependency status, plus the traffic figures.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "time,overall,dependency,status,requests_per_second,error_ratio,p50_seconds,p95_seconds,p99_seconds\n",
        );
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        for p in self.history.points() {
            for (name, status, _) in &p.dependencies {
                out.push_str(&format!(
                    "{},{},{name},{},{},{},{},{},{}\n",
                    p.at.to_rfc3339(),
                    health_name(p.overall),
                    health_name(*status),
                    num(p.request_rate),
                    num(p.error_ratio),
                    num(p.p50),
                    num(p.p95),
                    num(p.p99)
                ));
            }
        }
        out
    }

    pub fn view(&self, environment: &str, now: DateTime<Utc>) -> EnvHealthView {
        let hour = now - chrono::Duration::hours(1);
        let day = now - chrono::Duration::days(1);
        let names: Vec<String> = self
            .health
            .iter()
            .flat_map(|h| h.dependencies.iter().map(|d| d.name.clone()))
            .collect();
        EnvHealthView {
            environment: environment.to_owned(),
            health: self.health.clone(),
            metrics: self.metrics.clone(),
            metrics_error: self.metrics_error.clone(),
            dependencies: names
                .into_iter()
                .map(|name| DependencyHistory {
                    uptime_hour: self.history.uptime(&name, hour),
                    uptime_day: self.history.uptime(&name, day),
                    last_hour: self.history.bar(&name, hour, now, 60),
                    last_day: self.history.bar(&name, day, now, 96),
                    name,
                })
                .collect(),
            incidents: self.history.incidents().into_iter().take(50).collect(),
            points: self
                .history
                .points()
                .filter(|p| p.at >= hour)
                .cloned()
                .collect(),
            interval_seconds: self.delay.as_secs(),
            memory: MemoryUse {
                retained_bytes: self.retained_bytes() as u64,
                budget_bytes: self.budget as u64,
                polls: self.history.count() as u32,
                max_polls: self.history.limit() as u32,
            },
        }
    }
}

fn health_name(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Degraded => "degraded",
        Health::Down => "down",
        Health::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    /// 10,000 series (the cardinality the budget is set for), counters at `n`.
    fn big_exposition(n: u64) -> String {
        let mut t =
            String::from("process_start_time_seconds 1\n# TYPE http_requests_total counter\n");
        for i in 0..10_000 {
            t.push_str(&format!("http_requests_total{{endpoint=\"/api/v1/agents/a-{i}\",method=\"GET\",status_code=\"200\"}} {n}\n"));
        }
        t
    }

    /// Records poll number `poll` (30 s apart) with a 10,000-series scrape.
    fn record_big(w: &mut WatchState, poll: u64) {
        let scrape = Some(Ok((big_exposition(poll), poll as f64 * 30.0)));
        w.record(
            Poll {
                health: health(),
                scrape,
                paused_until: None,
            },
            &PollPolicy::default(),
        );
    }

    #[test]
    fn ten_thousand_series_over_an_hour_stay_within_the_budget() {
        let mut w = WatchState::default();
        // An hour of polls at the default 30 s.
        for poll in 0..120u64 {
            record_big(&mut w, poll);
            assert!(
                w.retained_bytes() <= DEFAULT_BUDGET,
                "{} bytes after poll {poll}",
                w.retained_bytes()
            );
        }
        let view = w.view("dev", Utc::now());
        // 10,000 series of one request each per 30 s: 333 requests a second.
        assert!((view.metrics.unwrap().request_rate.unwrap() - 10_000.0 / 30.0).abs() < 1e-6);
        assert_eq!(view.points.len(), 120);

        // A budget smaller than one exposition: no rates, and still within it.
        let mut small = WatchState::default().with_budget(256 << 10);
        for poll in 0..3u64 {
            record_big(&mut small, poll);
        }
        assert!(small.retained_bytes() <= 256 << 10);
        assert!(
            small
                .view("dev", Utc::now())
                .metrics
                .unwrap()
                .request_rate
                .is_none()
        );
    }

    #[test]
    fn a_smaller_budget_applies_at_once() {
        let mut w = WatchState::default();
        for poll in 0..100u64 {
            record_big(&mut w, poll);
        }
        let before = w.view("dev", Utc::now()).memory;
        assert_eq!(
            (before.polls, before.budget_bytes),
            (100, DEFAULT_BUDGET as u64)
        );
        assert!(
            before.retained_bytes > 500_000,
            "the previous scrape is kept"
        );

        // Room for 20 polls and no exposition of this size.
        let budget = 20 * 2 * POINT_BYTES;
        w.set_budget(budget);
        let after = w.view("dev", Utc::now()).memory;
        assert_eq!((after.polls, after.max_polls), (20, 20));
        assert!(after.retained_bytes <= budget as u64, "{after:?}");
    }

    use super::*;
    use crate::probe::ConnectionTest;

    fn health() -> HealthReport {
        let mut h = HealthReport::from_test(
            Some("dev".into()),
            &ConnectionTest {
                environment: "dev".into(),
                results: vec![],
            },
        );
        h.dependencies.push(crate::health::Dependency {
            name: "database".into(),
            status: Health::Degraded,
            latency_ms: None,
            reason: Some("refused".into()),
            sources: vec![],
        });
        h
    }

    #[test]
    fn records_metrics_and_their_errors() {
        let mut w = WatchState::default();
        let policy = PollPolicy::default();
        let text = "process_start_time_seconds 1\n# TYPE http_requests_total counter\nhttp_requests_total{endpoint=\"/a\",status_code=\"200\"} 10\n";
        w.record(
            Poll {
                health: health(),
                scrape: Some(Ok((text.into(), 0.0))),
                paused_until: None,
            },
            &policy,
        );
        let later = text.replace("} 10", "} 40");
        w.record(
            Poll {
                health: health(),
                scrape: Some(Ok((later, 30.0))),
                paused_until: None,
            },
            &policy,
        );
        let view = w.view("dev", Utc::now());
        assert_eq!(view.metrics.unwrap().request_rate, Some(1.0));
        w.record(
            Poll {
                health: health(),
                scrape: Some(Ok(("bad{".into(), 60.0))),
                paused_until: None,
            },
            &policy,
        );
        let view = w.view("dev", Utc::now());
        assert!(
            view.metrics_error
                .unwrap()
                .message
                .contains("malformed at line 1")
        );
        // The last good figures stay on screen next to the error.
        assert!(view.metrics.is_some());
        assert_eq!(view.points.len(), 3);
        assert_eq!(
            w.points_since(Utc::now() - chrono::Duration::minutes(5))
                .len(),
            3
        );
        let csv = w.csv();
        assert!(csv.starts_with("time,overall,dependency,status,requests_per_second"));
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 4);
        assert!(
            rows[2].ends_with(",unknown,database,degraded,1,0,,,"),
            "{}",
            rows[2]
        );
    }

    #[test]
    fn the_history_survives_a_restart_and_a_torn_last_line() {
        let policy = PollPolicy::default();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("health").join("dev.jsonl");
        let hour_ago = || Utc::now() - chrono::Duration::hours(1);
        let mut first = WatchState::open(path.clone());
        first.record(
            Poll {
                health: health(),
                scrape: None,
                paused_until: None,
            },
            &policy,
        );
        first.record(
            Poll {
                health: health(),
                scrape: None,
                paused_until: None,
            },
            &policy,
        );
        // A crash mid-write.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(b"{\"at\":\"20"))
            .unwrap();
        let mut second = WatchState::open(path.clone());
        assert_eq!(second.points_since(hour_ago()).len(), 2);
        second.record(
            Poll {
                health: health(),
                scrape: None,
                paused_until: None,
            },
            &policy,
        );
        let third = WatchState::open(path);
        assert_eq!(third.points_since(hour_ago()).len(), 3);
        assert!(
            third.view("dev", Utc::now()).metrics_error.is_none(),
            "only the history is kept, not stale errors"
        );
    }
}
