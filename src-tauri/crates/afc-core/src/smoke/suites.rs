//! Folders of an operator's own flows, per environment, for the window (afctl takes `--suite`):
//! chosen in a native dialog the backend opens, kept in the settings (`smokeSuites`), read at
//! each run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::console::Console;

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Section {
    /// Environment → folders.
    #[serde(default)]
    smoke_suites: BTreeMap<String, Vec<String>>,
}

impl Console {
    fn suites_section(&self) -> Section {
        self.settings
            .get()
            .section::<Section>(&["smokeSuites"])
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e.message, "the smoke flow folders are not valid; none is used");
                Section::default()
            })
    }

    /// The folders of flows `env_name` runs besides the shipped ones.
    pub fn smoke_suites(&self, env_name: &str) -> Vec<PathBuf> {
        self.suites_section()
            .smoke_suites
            .remove(env_name)
            .unwrap_or_default()
            .into_iter()
            .map(PathBuf::from)
            .collect()
    }

    /// Adds `folder` (one the operator chose) to `env_name`'s flow folders.
    pub fn add_smoke_suite(&self, env_name: &str, folder: &Path) -> Result<Vec<PathBuf>> {
        self.change_suites(env_name, |list| {
            let folder = folder.display().to_string();
            if !list.contains(&folder) {
                list.push(folder);
            }
        })
    }

    /// Stops running the flows of `suite`, one of `env_name`'s folders.
    pub fn remove_smoke_suite(&self, env_name: &str, suite: &str) -> Result<Vec<PathBuf>> {
        self.change_suites(env_name, |list| list.retain(|f| f != suite))
    }

    fn change_suites(
        &self,
        env_name: &str,
        change: impl FnOnce(&mut Vec<String>),
    ) -> Result<Vec<PathBuf>> {
        self.environment(env_name)?;
        let mut section = self.suites_section();
        let list = section.smoke_suites.entry(env_name.to_owned()).or_default();
        change(list);
        if list.is_empty() {
            section.smoke_suites.remove(env_name);
        }
        self.settings.try_update(|s| s.set_section(&section))?;
        Ok(self.smoke_suites(env_name))
    }
}
