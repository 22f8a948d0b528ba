//! "Test connection": the API, the database and Redis of an environment, each with a clear
//! status, the facts found, and an error code when it failed. Every call has a timeout.

mod api;
mod cache;
mod database;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use crate::api::PlatformClient;
use crate::console::Console;
use crate::db::Database;
use crate::environments::{
    API_SECRET, ConnectionSecrets, DB_PASSWORD, Environment, REDIS_PASSWORD, SecretChange,
    check_moved_secrets, has_connection_secret,
};
use crate::keyring::SecretString;
use crate::{AppError, ErrorCode, Result};

pub use api::{RATE_LIMIT_FACT, health_check_lines, probe_api};
pub(crate) use api::{check_line, failing};
pub use cache::probe_redis;
pub use database::probe_database;

/// How long one request or connection attempt may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbeTarget {
    Api,
    Database,
    Redis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbeStatus {
    Ok,
    /// Reachable, but something reported a problem.
    Degraded,
    Failed,
    /// Not configured for this environment.
    Skipped,
}

/// One named fact found, e.g. `server version`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One sub-check, e.g. each check inside the API's `/health`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct CheckLine {
    pub name: String,
    pub status: String,
    pub healthy: bool,
    pub latency_ms: Option<f64>,
    pub reason: Option<String>,
    /// Where it was checked, when not in the API's `/health` ("API /api/v1/auth/login", "the
    /// console's keyring").
    pub source: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ProbeResult {
    pub target: ProbeTarget,
    pub status: ProbeStatus,
    pub summary: String,
    pub latency_ms: Option<f64>,
    pub facts: Vec<Fact>,
    pub checks: Vec<CheckLine>,
    pub error: Option<AppError>,
}

impl ProbeResult {
    fn new(target: ProbeTarget, status: ProbeStatus, summary: impl Into<String>) -> Self {
        Self {
            target,
            status,
            summary: summary.into(),
            latency_ms: None,
            facts: Vec::new(),
            checks: Vec::new(),
            error: None,
        }
    }

    fn skipped(target: ProbeTarget, what: &str) -> Self {
        Self::new(
            target,
            ProbeStatus::Skipped,
            format!("No {what} is configured"),
        )
    }

    fn failed(target: ProbeTarget, error: AppError) -> Self {
        let mut r = Self::new(target, ProbeStatus::Failed, error.message.clone());
        r.error = Some(error);
        r
    }

    fn fact(&mut self, label: &str, value: impl Into<String>) {
        self.facts.push(Fact {
            label: label.to_owned(),
            value: value.into(),
        });
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectionTest {
    pub environment: String,
    pub results: Vec<ProbeResult>,
}

impl ConnectionTest {
    pub fn worst(&self) -> ProbeStatus {
        self.results
            .iter()
            .map(|r| r.status)
            .filter(|s| *s != ProbeStatus::Skipped)
            .max()
            .unwrap_or(ProbeStatus::Skipped)
    }
}

fn millis(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

/// Runs `fut` with the probe timeout, turning a timeout into a `timeout` error naming `what`.
async fn timed<T>(what: &str, fut: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(PROBE_TIMEOUT, fut)
        .await
        .unwrap_or_else(|_| {
            Err(AppError::new(
                ErrorCode::Timeout,
                format!(
                    "{what} did not answer within {} seconds",
                    PROBE_TIMEOUT.as_secs()
                ),
            ))
        })
}

/// What a test probes, each already set up (a failed set-up fails only its own probe); None
/// where the environment has no such connection.
struct ProbeInputs {
    api: Option<Result<Arc<PlatformClient>>>,
    db: Option<Result<Arc<Database>>>,
    redis: Result<Option<SecretString>>,
}

/// Runs the probes an environment has connections for (or only `only`), concurrently.
async fn run_probes(
    env: &Environment,
    inputs: ProbeInputs,
    only: Option<ProbeTarget>,
) -> ConnectionTest {
    let wanted = |t| only.is_none_or(|o| o == t);
    let api = async {
        Some(match inputs.api {
            _ if !wanted(ProbeTarget::Api) => return None,
            None => ProbeResult::skipped(ProbeTarget::Api, "API URL"),
            Some(Ok(client)) => probe_api(&client).await,
            Some(Err(e)) => ProbeResult::failed(ProbeTarget::Api, e),
        })
    };
    let db = async {
        Some(match inputs.db {
            _ if !wanted(ProbeTarget::Database) => return None,
            None => ProbeResult::skipped(ProbeTarget::Database, "database connection"),
            Some(Ok(db)) => probe_database(&db).await,
            Some(Err(e)) => ProbeResult::failed(ProbeTarget::Database, e),
        })
    };
    let redis = async {
        Some(match (&env.redis, inputs.redis) {
            _ if !wanted(ProbeTarget::Redis) => return None,
            (None, _) => ProbeResult::skipped(ProbeTarget::Redis, "Redis connection"),
            (Some(r), Ok(password)) => probe_redis(r, password.as_ref()).await,
            (Some(_), Err(e)) => ProbeResult::failed(ProbeTarget::Redis, e),
        })
    };
    let (api, db, redis) = tokio::join!(api, db, redis);
    for r in [&api, &db, &redis].into_iter().flatten() {
        tracing::info!(environment = %env.name, target = ?r.target, status = ?r.status, summary = %r.summary, "connection test");
    }
    ConnectionTest {
        environment: env.name.clone(),
        results: [api, db, redis].into_iter().flatten().collect(),
    }
}

fn has_api(env: &Environment) -> bool {
    env.api_url.as_deref().is_some_and(|u| !u.trim().is_empty())
}

impl Console {
    /// Tests every configured connection of a saved environment (or only `only`).
    pub async fn test_connection(
        &self,
        env_name: &str,
        only: Option<ProbeTarget>,
    ) -> Result<ConnectionTest> {
        let env = self.environment(env_name)?;
        let inputs = ProbeInputs {
            api: if has_api(&env) {
                Some(self.api(&env).await)
            } else {
                None
            },
            db: match env.database {
                Some(_) => Some(self.database(&env.name).await),
                None => None,
            },
            redis: self.stored_secret(Some(&env), REDIS_PASSWORD).await,
        };
        Ok(run_probes(&env, inputs, only).await)
    }

    /// Tests an environment as it is being edited, before it is saved: typed secrets are used as
    /// typed, and kept ones are read from the keyring entries of `original` (the saved name).
    pub async fn test_draft(
        &self,
        original: Option<&str>,
        draft: &Environment,
        changes: &ConnectionSecrets,
    ) -> Result<ConnectionTest> {
        let saved = match original {
            Some(name) => Some(self.environment(name)?),
            None => None,
        };
        let saved = saved.as_ref();
        if let Some(saved) = saved {
            check_moved_secrets(saved, draft, changes)?;
        }
        let api_secret = self
            .draft_secret(saved, changes.api_secret.as_ref(), API_SECRET)
            .await;
        let db = match &draft.database {
            None => None,
            Some(conn) => Some(
                self.draft_secret(saved, changes.db_password.as_ref(), DB_PASSWORD)
                    .await
                    .map(|password| {
                        Arc::new(Database::new(
                            conn.clone(),
                            password,
                            Some(draft.name.clone()),
                            draft.safety,
                        ))
                    }),
            ),
        };
        let inputs = ProbeInputs {
            api: has_api(draft).then(|| self.draft_api(draft, api_secret).map(Arc::new)),
            db,
            redis: self
                .draft_secret(saved, changes.redis_password.as_ref(), REDIS_PASSWORD)
                .await,
        };
        Ok(run_probes(draft, inputs, None).await)
    }

    /// The secret a draft would be saved with.
    async fn draft_secret(
        &self,
        saved: Option<&Environment>,
        change: Option<&SecretChange>,
        key: &str,
    ) -> Result<Option<SecretString>> {
        match change {
            Some(SecretChange::Set { value }) => Ok(Some(value.clone())),
            Some(SecretChange::Clear) => Ok(None),
            Some(SecretChange::Keep) | None => self.stored_secret(saved, key).await,
        }
    }

    /// A connection secret of a saved environment, if it has one.
    async fn stored_secret(
        &self,
        env: Option<&Environment>,
        key: &str,
    ) -> Result<Option<SecretString>> {
        match env {
            Some(env) if has_connection_secret(env, key) => {
                self.connection_secret(&env.name, key).await
            }
            _ => Ok(None),
        }
    }
}
