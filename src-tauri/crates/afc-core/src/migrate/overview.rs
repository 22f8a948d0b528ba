//! The migration state of every environment side by side, for the Migrations section and the
//! drift board: which are behind, which have drifted, which cannot be reached.

use serde::Serialize;
use ts_rs::TS;

use super::source::MigrationSet;
use super::status::{MigrationState, StatusReport, status};
use crate::console::Console;
use crate::schema::Shape;
use crate::{AppError, Result};

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct OverviewRow {
    pub environment: String,
    /// `host:port/database`, when the environment has a database.
    pub target: Option<String>,
    pub shape: Option<Shape>,
    pub applied: u32,
    pub pending: u32,
    pub problems: u32,
    /// The newest applied (or baselined) migration's file.
    pub latest: Option<String>,
    pub error: Option<AppError>,
}

fn row(environment: String, result: Result<StatusReport>) -> OverviewRow {
    let mut r = OverviewRow {
        environment,
        target: None,
        shape: None,
        applied: 0,
        pending: 0,
        problems: 0,
        latest: None,
        error: None,
    };
    match result {
        Ok(s) => {
            let done: Vec<_> = s
                .migrations
                .iter()
                .filter(|m| matches!(m.state, MigrationState::Applied | MigrationState::Baselined))
                .collect();
            r.applied = u32::try_from(done.len()).unwrap_or(u32::MAX);
            r.latest = done.last().map(|m| m.file.clone());
            r.pending = s.pending;
            r.problems = s.problems;
            r.target = Some(s.target);
            r.shape = Some(s.shape);
        }
        Err(e) => r.error = Some(e),
    }
    r
}

impl Console {
    /// Every environment with a database, checked concurrently (each with its own timeout).
    pub async fn migration_overview(&self, set: &MigrationSet) -> Result<Vec<OverviewRow>> {
        let envs: Vec<String> = self
            .environments()?
            .environments
            .into_iter()
            .filter(|e| e.database.is_some())
            .map(|e| e.name)
            .collect();
        let mut checks = Vec::new();
        for name in envs {
            let target = self.database(&name).await;
            let set = set.clone();
            checks.push((
                name,
                tokio::spawn(async move {
                    match target {
                        Ok(t) => status(&t, &set).await,
                        Err(e) => Err(e),
                    }
                }),
            ));
        }
        let mut rows = Vec::new();
        for (name, check) in checks {
            let result = check.await.unwrap_or_else(|e| {
                Err(AppError::internal("The status check stopped").with_details(e.to_string()))
            });
            rows.push(row(name, result));
        }
        Ok(rows)
    }
}
