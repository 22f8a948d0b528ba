//! Watching an environment over time: how often to poll (backing off on failure, slowing down
//! when the API's rate limit runs low), and a bounded history of what each poll found, from
//! which the Health section draws its status bars, uptime and incident list.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Health, HealthReport};
use crate::metrics::{EndpointOrder, MetricsReport};

/// Poll every `base`; after failures wait twice as long each time, up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct PollPolicy {
    pub base: Duration,
    pub max: Duration,
}

impl Default for PollPolicy {
    /// Four requests a round (`/live`, `/ready`, `/health`, `/metrics`) every 30 s is 8 a minute: well under
    /// the API's 60-a-minute limit, which every client on this machine shares.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            max: Duration::from_secs(300),
        }
    }
}

impl PollPolicy {
    /// The wait before the next poll, given consecutive failures and the requests the API says
    /// are left this minute.
    pub fn next_delay(&self, failures: u32, remaining_this_minute: Option<u32>) -> Duration {
        let backoff = self.base.saturating_mul(1 << failures.min(16));
        let slowed = match remaining_this_minute {
            Some(r) if r < 10 => self.base.saturating_mul(4),
            Some(r) if r < 20 => self.base.saturating_mul(2),
            _ => self.base,
        };
        backoff.max(slowed).min(self.max.max(self.base))
    }
}

/// What one poll found, reduced to what the history needs.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub overall: Health,
    /// (dependency, status, reason when not healthy)
    pub dependencies: Vec<(String, Health, Option<String>)>,
    pub request_rate: Option<f64>,
    pub error_ratio: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    /// Requests per second of the busiest endpoints (for the sparklines).
    // (`optional = nullable` keeps the type as is: the struct's `optional_fields` only unwraps
    // `Option`s, and this is left out when empty.)
    #[ts(optional = nullable)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<(String, f64)>,
}

impl Point {
    pub fn new(health: &HealthReport, metrics: Option<&MetricsReport>) -> Self {
        Self {
            at: health.checked_at,
            overall: health.overall,
            dependencies: health
                .dependencies
                .iter()
                .map(|d| (d.name.clone(), d.status, d.reason.clone()))
                .collect(),
            request_rate: metrics.and_then(|m| m.request_rate),
            error_ratio: metrics.and_then(|m| m.error_ratio),
            p50: metrics.and_then(|m| m.latency.p50),
            p95: metrics.and_then(|m| m.latency.p95),
            p99: metrics.and_then(|m| m.latency.p99),
            endpoints: metrics
                .map(|m| {
                    m.top(EndpointOrder::Traffic, 10)
                        .into_iter()
                        .filter_map(|e| e.rate.map(|r| (e.endpoint.clone(), r)))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn status_of(&self, dependency: &str) -> Option<Health> {
        self.dependencies
            .iter()
            .find(|d| d.0 == dependency)
            .map(|d| d.1)
    }
}

/// A dependency changing state.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub dependency: String,
    pub from: Health,
    pub to: Health,
    pub reason: Option<String>,
}

/// The last `keep` of polls (at least a day at the default interval).
#[derive(Debug, Clone)]
pub struct History {
    points: VecDeque<Point>,
    keep: Duration,
    max_points: usize,
}

impl History {
    pub fn new(keep: Duration) -> Self {
        Self {
            points: VecDeque::new(),
            keep,
            max_points: usize::MAX,
        }
    }

    /// At most `max_points` polls, whatever the window (the memory budget's share).
    pub fn with_limit(mut self, max_points: usize) -> Self {
        self.set_limit(max_points);
        self
    }

    /// Changes the limit, dropping the oldest polls beyond it.
    pub fn set_limit(&mut self, max_points: usize) {
        self.max_points = max_points.max(1);
        let excess = self.points.len().saturating_sub(self.max_points);
        self.points.drain(..excess);
    }

    pub fn limit(&self) -> usize {
        self.max_points
    }

    pub fn count(&self) -> usize {
        self.points.len()
    }

    /// Bytes the points hold (their own size and their strings).
    pub fn retained_bytes(&self) -> usize {
        let dependency = std::mem::size_of::<(String, Health, Option<String>)>();
        self.points
            .iter()
            .map(|p| {
                std::mem::size_of::<Point>()
                    + p.dependencies
                        .iter()
                        .map(|(n, _, r)| {
                            dependency + n.capacity() + r.as_ref().map_or(0, String::capacity)
                        })
                        .sum::<usize>()
            })
            .sum()
    }

    /// Adds a poll; drops what is older than the window, and the oldest beyond the limit.
    pub fn push(&mut self, point: Point) {
        let horizon =
            point.at - chrono::Duration::from_std(self.keep).unwrap_or(chrono::Duration::days(1));
        self.points.push_back(point);
        while self.points.front().is_some_and(|p| p.at < horizon)
            || self.points.len() > self.max_points
        {
            self.points.pop_front();
        }
    }

    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.points.iter()
    }

    pub fn latest(&self) -> Option<&Point> {
        self.points.back()
    }

    /// The share of polls since `since` in which `dependency` was healthy.
    pub fn uptime(&self, dependency: &str, since: DateTime<Utc>) -> Option<f64> {
        let seen: Vec<Health> = self
            .points
            .iter()
            .filter(|p| p.at >= since)
            .filter_map(|p| p.status_of(dependency))
            .collect();
        let healthy = seen.iter().filter(|s| **s == Health::Healthy).count();
        (!seen.is_empty()).then(|| healthy as f64 / seen.len() as f64)
    }

    /// What changed between the last two polls (for desktop notifications).
    pub fn latest_changes(&self) -> Vec<Incident> {
        let n = self.points.len();
        if n < 2 {
            return Vec::new();
        }
        let (before, now) = (&self.points[n - 2], &self.points[n - 1]);
        now.dependencies
            .iter()
            .filter_map(|(name, status, reason)| {
                let from = before.status_of(name)?;
                (from != *status).then(|| Incident {
                    at: now.at,
                    dependency: name.clone(),
                    from,
                    to: *status,
                    reason: reason.clone(),
                })
            })
            .collect()
    }

    /// Each change of a dependency's state, newest first.
    pub fn incidents(&self) -> Vec<Incident> {
        let mut out = Vec::new();
        let mut last: Vec<(String, Health)> = Vec::new();
        for p in &self.points {
            for (name, status, reason) in &p.dependencies {
                match last.iter_mut().find(|(n, _)| n == name) {
                    Some((_, before)) if before != status => {
                        out.push(Incident {
                            at: p.at,
                            dependency: name.clone(),
                            from: *before,
                            to: *status,
                            reason: reason.clone(),
                        });
                        *before = *status;
                    }
                    Some(_) => {}
                    None => last.push((name.clone(), *status)),
                }
            }
        }
        out.reverse();
        out
    }

    /// `slots` statuses of `dependency` from `since` to now, oldest first: the worst status seen
    /// in each slot, or Unknown where there was no poll.
    pub fn bar(
        &self,
        dependency: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        slots: usize,
    ) -> Vec<Health> {
        let span = (now - since).num_milliseconds().max(1) as f64;
        let mut bar = vec![Health::Unknown; slots];
        for p in self.points.iter().filter(|p| p.at >= since && p.at <= now) {
            let Some(status) = p.status_of(dependency) else {
                continue;
            };
            let slot = (((p.at - since).num_milliseconds() as f64 / span) * slots as f64) as usize;
            let cell = &mut bar[slot.min(slots - 1)];
            if *cell == Health::Unknown || rank(status) > rank(*cell) {
                *cell = status;
            }
        }
        bar
    }
}

fn rank(h: Health) -> u8 {
    match h {
        Health::Unknown => 0,
        Health::Healthy => 1,
        Health::Degraded => 2,
        Health::Down => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(minutes: i64, db: Health) -> Point {
        Point {
            at: DateTime::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap(),
            overall: db,
            dependencies: vec![
                ("api".into(), Health::Healthy, None),
                (
                    "database".into(),
                    db,
                    (db != Health::Healthy).then(|| "refused".to_owned()),
                ),
            ],
            request_rate: None,
            error_ratio: None,
            p50: None,
            p95: None,
            p99: None,
            endpoints: Vec::new(),
        }
    }

    #[test]
    fn backs_off_on_failure_and_slows_near_the_rate_limit() {
        let p = PollPolicy::default();
        assert_eq!(p.next_delay(0, None), Duration::from_secs(30));
        assert_eq!(p.next_delay(1, None), Duration::from_secs(60));
        assert_eq!(p.next_delay(3, None), Duration::from_secs(240));
        assert_eq!(p.next_delay(10, None), Duration::from_secs(300));
        assert_eq!(p.next_delay(0, Some(50)), Duration::from_secs(30));
        assert_eq!(p.next_delay(0, Some(15)), Duration::from_secs(60));
        assert_eq!(p.next_delay(0, Some(3)), Duration::from_secs(120));
    }

    #[test]
    fn uptime_incidents_and_status_bars() {
        let mut h = History::new(Duration::from_secs(24 * 3600));
        for m in 0..10 {
            h.push(point(
                m,
                if (4..6).contains(&m) {
                    Health::Down
                } else {
                    Health::Healthy
                },
            ));
        }
        let start = h.points().next().unwrap().at;
        assert_eq!(h.uptime("database", start), Some(0.8));
        assert_eq!(h.uptime("api", start), Some(1.0));
        assert_eq!(h.uptime("cache", start), None);
        let incidents = h.incidents();
        assert_eq!(incidents.len(), 2);
        assert_eq!(
            (incidents[0].from, incidents[0].to),
            (Health::Down, Health::Healthy)
        );
        assert_eq!(
            (incidents[1].to, incidents[1].reason.as_deref()),
            (Health::Down, Some("refused"))
        );
        assert!(
            h.latest_changes().is_empty(),
            "nothing changed in the last poll"
        );
        h.push(point(10, Health::Degraded));
        let changes = h.latest_changes();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (
                changes[0].dependency.as_str(),
                changes[0].from,
                changes[0].to
            ),
            ("database", Health::Healthy, Health::Degraded)
        );
        let end = h.points().nth(9).unwrap().at;
        let bar = h.bar("database", start, end, 5);
        assert_eq!(
            bar,
            [
                Health::Healthy,
                Health::Healthy,
                Health::Down,
                Health::Healthy,
                Health::Healthy
            ]
        );
    }

    #[test]
    fn history_keeps_only_its_window() {
        let mut h = History::new(Duration::from_secs(3600));
        for m in 0..180 {
            h.push(point(m, Health::Healthy));
        }
        assert_eq!(h.points().count(), 61);
    }
}
