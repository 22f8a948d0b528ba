//! The agents of every environment's API side by side, for the drift board: how many each has,
//! which agents the others have and it lacks, and which of its agents differ from another
//! environment's agent of the same id.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ts_rs::TS;

use super::registry::list;
use super::{ApiAgent, NewAgent};
use crate::console::Console;
use crate::{AppError, Result};

/// One environment's row of the drift board's agents table.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct AgentsOverviewRow {
    pub environment: String,
    /// Agents in its API's registry (None when it could not be read).
    pub count: Option<u32>,
    /// Ids other environments have and this one does not.
    pub missing: Vec<String>,
    /// Ids whose name, instructions or model differ from another environment's.
    pub different: Vec<String>,
    pub error: Option<AppError>,
}

/// Compares the environments' lists (those that could be read).
fn compare(lists: &[(String, Result<Vec<ApiAgent>>)]) -> Vec<AgentsOverviewRow> {
    let mut versions: BTreeMap<&str, BTreeSet<NewAgentKey>> = BTreeMap::new();
    for (_, agents) in lists {
        for a in agents.iter().flatten() {
            versions
                .entry(&a.id)
                .or_default()
                .insert(NewAgentKey::from(a));
        }
    }
    lists
        .iter()
        .map(|(environment, agents)| match agents {
            Err(e) => AgentsOverviewRow {
                environment: environment.clone(),
                count: None,
                missing: Vec::new(),
                different: Vec::new(),
                error: Some(e.clone()),
            },
            Ok(agents) => {
                let here: BTreeSet<&str> = agents.iter().map(|a| a.id.as_str()).collect();
                AgentsOverviewRow {
                    environment: environment.clone(),
                    count: Some(u32::try_from(agents.len()).unwrap_or(u32::MAX)),
                    missing: versions
                        .keys()
                        .filter(|id| !here.contains(*id))
                        .map(|id| (*id).to_owned())
                        .collect(),
                    different: agents
                        .iter()
                        .filter(|a| versions.get(a.id.as_str()).is_some_and(|v| v.len() > 1))
                        .map(|a| a.id.clone())
                        .collect(),
                    error: None,
                }
            }
        })
        .collect()
}

/// The fields a save writes, ordered (for a set of an agent's versions).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct NewAgentKey(String, String, String);

impl From<&ApiAgent> for NewAgentKey {
    fn from(a: &ApiAgent) -> Self {
        let n = NewAgent::from(a);
        Self(n.name, n.instructions, n.model)
    }
}

impl Console {
    /// Every environment with an API: its agents compared with the others' (one request each,
    /// all at once).
    pub async fn agents_overview(&self) -> Result<Vec<AgentsOverviewRow>> {
        let envs: Vec<_> = self
            .environments()?
            .environments
            .into_iter()
            .filter(|e| e.api_url.is_some())
            .collect();
        let reads = envs.iter().map(|env| async move {
            let agents = async { list(&*self.api(env).await?).await }.await;
            (env.name.clone(), agents)
        });
        let lists = futures_util::future::join_all(reads).await;
        Ok(compare(&lists))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, model: &str) -> ApiAgent {
        ApiAgent {
            id: id.into(),
            name: id.into(),
            instructions: "Hi".into(),
            model: model.into(),
            tools: Vec::new(),
            knowledge_packs: Vec::new(),
            config: serde_json::Value::Null,
            metadata: serde_json::Value::Null,
        }
    }

    #[test]
    fn each_environment_says_what_it_lacks_and_what_differs() {
        let rows = compare(&[
            (
                "dev".into(),
                Ok(vec![agent("a", "gpt-4o"), agent("b", "gpt-4o")]),
            ),
            ("prod".into(), Ok(vec![agent("a", "gpt-4.1")])),
            ("down".into(), Err(AppError::internal("unreachable"))),
        ]);
        let got: Vec<(Option<u32>, Vec<String>, Vec<String>)> = rows
            .iter()
            .map(|r| (r.count, r.missing.clone(), r.different.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(2), vec![], vec!["a".to_owned()]),
                (Some(1), vec!["b".to_owned()], vec!["a".to_owned()]),
                (None, vec![], vec![]),
            ]
        );
        assert!(rows[2].error.is_some());
    }
}
