//! A run compared with the environment's earlier runs: what fails now that passed the last time
//! it was judged (newly failing), what still fails, what passes again (fixed), and what got
//! slower than in the last fully passing run (the baseline).

use serde::Serialize;
use ts_rs::TS;

use super::{CheckResult, CheckStatus, SmokeRun};

/// A check is "slower" when it takes this many times its baseline latency…
pub const SLOWER_FACTOR: f64 = 1.5;
/// …and at least this much longer (a 2 ms check taking 4 ms is noise).
const SLOWER_BY_MS: f64 = 100.0;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Slower {
    pub id: String,
    pub baseline_ms: f64,
    pub now_ms: f64,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct SmokeDiff {
    /// The last fully passing run's id, if there is one.
    pub baseline: Option<String>,
    /// The run before this one.
    pub previous: Option<String>,
    pub newly_failing: Vec<String>,
    pub still_failing: Vec<String>,
    pub fixed: Vec<String>,
    pub slower: Vec<Slower>,
}

/// `run` against `earlier` (newest first, without `run`).
pub fn diff(run: &SmokeRun, earlier: &[SmokeRun], factor: f64) -> SmokeDiff {
    let previous = earlier.first();
    let baseline = earlier.iter().find(|r| r.fully_passing());
    let find = |r: Option<&SmokeRun>, id: &str| -> Option<CheckResult> {
        r.and_then(|r| r.checks.iter().find(|c| c.id == id).cloned())
    };
    let mut d = SmokeDiff {
        baseline: baseline.map(|r| r.id.clone()),
        previous: previous.map(|r| r.id.clone()),
        ..SmokeDiff::default()
    };
    for check in &run.checks {
        // The check's last verdict: from the latest earlier run that judged it (a run with
        // --only, or one that skipped it, says nothing about it).
        let before = earlier
            .iter()
            .find_map(|r| {
                r.checks
                    .iter()
                    .find(|c| c.id == check.id && c.status != CheckStatus::Skip)
            })
            .map(|c| c.status);
        match (check.status, before) {
            (CheckStatus::Fail, Some(CheckStatus::Fail)) => d.still_failing.push(check.id.clone()),
            (CheckStatus::Fail, _) => d.newly_failing.push(check.id.clone()),
            (CheckStatus::Pass, Some(CheckStatus::Fail)) => d.fixed.push(check.id.clone()),
            _ => {}
        }
        if check.status != CheckStatus::Pass {
            continue;
        }
        let base = find(baseline, &check.id).and_then(|c| c.latency_ms);
        if let (Some(b), Some(now)) = (base, check.latency_ms)
            && now > b * factor
            && now - b > SLOWER_BY_MS
        {
            d.slower.push(Slower {
                id: check.id.clone(),
                baseline_ms: b,
                now_ms: now,
            });
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smoke::{BUILTIN, RunOutcome};

    fn run(id: &str, checks: &[(&str, CheckStatus, f64)]) -> SmokeRun {
        let checks: Vec<CheckResult> = checks
            .iter()
            .map(|(c, status, ms)| {
                let mut r = CheckResult::new(&BUILTIN[0], *status, "");
                r.id = (*c).to_owned();
                r.latency_ms = Some(*ms);
                r
            })
            .collect();
        let failed = checks.iter().any(|c| c.status == CheckStatus::Fail);
        SmokeRun {
            id: id.to_owned(),
            environment: "dev".into(),
            api_url: None,
            started_at: chrono::Utc::now(),
            duration_ms: 1.0,
            requests: 1,
            outcome: if failed {
                RunOutcome::Failed
            } else {
                RunOutcome::Passed
            },
            checks,
        }
    }

    #[test]
    fn newly_failing_still_failing_fixed_and_slower_against_the_baseline() {
        use CheckStatus::{Fail, Pass};
        let green = run(
            "1",
            &[
                ("a", Pass, 10.0),
                ("b", Pass, 10.0),
                ("c", Pass, 10.0),
                ("d", Pass, 300.0),
            ],
        );
        let red = run(
            "2",
            &[
                ("a", Fail, 10.0),
                ("b", Pass, 10.0),
                ("c", Fail, 10.0),
                ("d", Pass, 300.0),
            ],
        );
        let now = run(
            "3",
            &[
                ("a", Fail, 10.0),
                ("b", Fail, 10.0),
                ("c", Pass, 500.0),
                ("d", Pass, 420.0),
            ],
        );
        let d = diff(&now, &[red, green], SLOWER_FACTOR);
        assert_eq!(d.baseline.as_deref(), Some("1"));
        assert_eq!(d.previous.as_deref(), Some("2"));
        assert_eq!(d.still_failing, ["a"]);
        assert_eq!(d.newly_failing, ["b"]);
        assert_eq!(d.fixed, ["c"]);
        // c: 10 → 500 ms is slower; d: 300 → 420 ms is under 1.5 times.
        assert_eq!(
            d.slower,
            [Slower {
                id: "c".into(),
                baseline_ms: 10.0,
                now_ms: 500.0
            }]
        );
        // The first run: everything failing is new, no baseline.
        let first = diff(&now, &[], SLOWER_FACTOR);
        assert_eq!((first.baseline, first.newly_failing.len()), (None, 2));
    }
}
