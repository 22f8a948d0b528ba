//! What is really up: the API's own probes (`/live`, `/ready`, `/health` with each check's
//! status and reason) reconciled with the console's own database and Redis checks. The
//! platform's `/health` reports its database down when it is fine; the report says so instead of
//! colouring the status code red.

pub mod monitor;
mod reconcile;
pub mod settings;
pub mod watch;
pub mod watchers;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Result;
use crate::console::Console;
use crate::probe::{ConnectionTest, ProbeResult, ProbeTarget};

pub use reconcile::reconcile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    /// Up, but something reports a problem.
    Degraded,
    Down,
    /// Nothing configured to tell.
    Unknown,
}

/// One dependency as every source sees it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// `api`, `database`, `cache`, `llm_providers`, …
    pub name: String,
    pub status: Health,
    pub latency_ms: Option<f64>,
    /// Why, when not healthy; or what reconciling the sources found.
    pub reason: Option<String>,
    /// What each source said, e.g. `API /health: unhealthy (Not an executable object…)`.
    pub sources: Vec<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub environment: Option<String>,
    #[ts(type = "string")]
    pub checked_at: DateTime<Utc>,
    pub overall: Health,
    pub dependencies: Vec<Dependency>,
    /// The raw probe results, for details.
    pub probes: Vec<ProbeResult>,
}

impl HealthReport {
    pub fn from_test(environment: Option<String>, test: &ConnectionTest) -> Self {
        let find = |t| test.results.iter().find(|r| r.target == t);
        let dependencies = reconcile(
            find(ProbeTarget::Api),
            find(ProbeTarget::Database),
            find(ProbeTarget::Redis),
        );
        let overall = overall(&dependencies);
        Self {
            environment,
            checked_at: Utc::now(),
            overall,
            dependencies,
            probes: test.results.clone(),
        }
    }
}

/// Down when the API is; degraded when anything is not healthy; unknown when nothing was checked.
fn overall(deps: &[Dependency]) -> Health {
    if deps
        .iter()
        .any(|d| d.name == "api" && d.status == Health::Down)
    {
        return Health::Down;
    }
    let known: Vec<Health> = deps
        .iter()
        .map(|d| d.status)
        .filter(|s| *s != Health::Unknown)
        .collect();
    if known.is_empty() {
        Health::Unknown
    } else if known.iter().all(|s| *s == Health::Healthy) {
        Health::Healthy
    } else {
        Health::Degraded
    }
}

impl Console {
    /// The health of a saved environment: its API's probes and the console's own checks.
    pub async fn health(&self, env_name: &str) -> Result<HealthReport> {
        let test = self.test_connection(env_name, None).await?;
        Ok(HealthReport::from_test(Some(env_name.to_owned()), &test))
    }
}

/// The health of an API given by URL alone (no database or Redis of the console's own).
pub async fn api_health(client: &crate::api::PlatformClient) -> HealthReport {
    let result = crate::probe::probe_api(client).await;
    HealthReport::from_test(
        None,
        &ConnectionTest {
            environment: client.base().to_string(),
            results: vec![result],
        },
    )
}
