//! Scheduled runs: an environment's suite every N minutes while the console is open (settings
//! `smokeSchedule`, environment → minutes). What is due is judged from the kept history, so a
//! restart neither runs everything at once nor forgets an overdue run. Scheduled runs pace
//! themselves to the rate limit (they never trip it), run as background jobs, and say which
//! critical checks started failing or were fixed, for a desktop notification.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{CheckStatus, SmokeOptions, SmokeReport};
use crate::console::Console;
use crate::jobs::{JobOutcome, JobSpec, Jobs};
use crate::{AppError, Result};

/// The longest interval: a day.
const MAX_MINUTES: u32 = 24 * 60;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SmokeSchedule {
    /// Environment → minutes between runs.
    #[serde(default)]
    pub every_minutes: BTreeMap<String, u32>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Section {
    #[serde(default)]
    smoke_schedule: SmokeSchedule,
}

/// Whether a run every `minutes` whose last run started at `last` is due at `now`.
pub fn due(minutes: u32, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|last| now - last >= chrono::Duration::minutes(i64::from(minutes)))
}

/// What a notification says about a scheduled run: the critical checks that started failing and
/// those fixed (the title, then the body), if any.
pub fn notice(env: &str, report: &SmokeReport) -> Option<(String, String)> {
    let critical = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|id| report.run.checks.iter().any(|c| &c.id == *id && c.critical))
            .cloned()
            .collect()
    };
    let (failing, fixed) = (
        critical(&report.diff.newly_failing),
        critical(&report.diff.fixed),
    );
    if failing.is_empty() && fixed.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    for id in &failing {
        let reason = report
            .run
            .checks
            .iter()
            .find(|c| &c.id == id && c.status == CheckStatus::Fail)
            .and_then(|c| c.reason.clone())
            .unwrap_or_default();
        lines.push(format!("{id} started failing: {reason}"));
    }
    if !fixed.is_empty() {
        lines.push(format!("fixed: {}", fixed.join(", ")));
    }
    let title = if failing.is_empty() {
        format!("Smoke checks of {env}: fixed")
    } else {
        format!("Smoke checks of {env}: {} failing", failing.join(", "))
    };
    Some((title, lines.join("\n")))
}

impl Console {
    pub fn smoke_schedule(&self) -> SmokeSchedule {
        match self.settings.get().section::<Section>(&["smokeSchedule"]) {
            Ok(s) => s.smoke_schedule,
            Err(e) => {
                tracing::warn!(error = %e.message, "the smoke schedule is not valid; none is used");
                SmokeSchedule::default()
            }
        }
    }

    /// Runs `env_name`'s suite every `minutes` (None: not on a schedule).
    pub fn set_smoke_schedule(
        &self,
        env_name: &str,
        minutes: Option<u32>,
    ) -> Result<SmokeSchedule> {
        self.environment(env_name)?;
        if minutes.is_some_and(|m| !(1..=MAX_MINUTES).contains(&m)) {
            return Err(AppError::invalid_input(
                "Run the smoke checks every 1 to 1,440 minutes",
            ));
        }
        let mut schedule = self.smoke_schedule();
        match minutes {
            Some(m) => schedule.every_minutes.insert(env_name.to_owned(), m),
            None => schedule.every_minutes.remove(env_name),
        };
        self.settings.try_update(|s| {
            s.set_section(&Section {
                smoke_schedule: schedule,
            })
        })?;
        Ok(self.smoke_schedule())
    }

    /// Runs every scheduled suite that is due, one after another, each as a background job;
    /// the reports of those that ran. An environment removed since it was scheduled is skipped.
    pub async fn run_due_smoke(&self, jobs: &Arc<Jobs>) -> Vec<(String, SmokeReport)> {
        let now = Utc::now();
        let mut done = Vec::new();
        for (env, minutes) in self.smoke_schedule().every_minutes {
            let last = self
                .smoke_history(&env, 1)
                .ok()
                .and_then(|runs| runs.first().map(|r| r.started_at));
            if self.environment(&env).is_err() || !due(minutes, last, now) {
                continue;
            }
            let title = format!("Scheduled smoke checks of {env}");
            let job = jobs.start_background(JobSpec {
                kind: "smoke.scheduled",
                environment: Some(&env),
                title: &title,
                cancellable: true,
            });
            let options = SmokeOptions {
                pace: true,
                ..SmokeOptions::default()
            };
            let result = self
                .smoke_run(&env, &options, &job.progress(), job.cancel())
                .await;
            job.finish(match &result {
                Ok(report) => JobOutcome::Succeeded {
                    result: serde_json::to_value(report).unwrap_or_default(),
                },
                Err(e) => JobOutcome::Failed { error: e.clone() },
            });
            if let Ok(report) = result {
                done.push((env, report));
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_due_once_its_interval_has_passed_since_the_last() {
        let now = Utc::now();
        assert!(due(5, None, now));
        assert!(!due(5, Some(now - chrono::Duration::minutes(4)), now));
        assert!(due(5, Some(now - chrono::Duration::minutes(5)), now));
    }
}
