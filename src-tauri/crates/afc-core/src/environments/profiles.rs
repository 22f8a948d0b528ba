//! The environments' part of the settings file (`environments` and `currentEnvironment`), read
//! and changed under the settings file's lock, so the app and afctl never overwrite each other.

use serde::{Deserialize, Serialize};

use super::Environment;
use crate::Result;
use crate::console::Console;
use crate::settings::Settings;

const KEYS: [&str; 2] = ["environments", "currentEnvironment"];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profiles {
    #[serde(default)]
    pub environments: Vec<Environment>,
    #[serde(default)]
    pub current_environment: Option<String>,
}

impl Profiles {
    pub fn of(settings: &Settings) -> Result<Self> {
        settings.section(&KEYS)
    }
}

impl Console {
    /// The environments as the settings file holds them now (afctl may have changed it).
    pub(crate) fn profiles(&self) -> Result<Profiles> {
        Profiles::of(&self.settings.reload()?)
    }

    /// Changes the environments as the file holds them now, and saves; nothing is saved if
    /// `change` refuses.
    pub(crate) fn update_profiles(
        &self,
        change: impl FnOnce(&mut Profiles) -> Result<()>,
    ) -> Result<()> {
        self.settings.try_update(|s| {
            let mut profiles = Profiles::of(s)?;
            change(&mut profiles)?;
            s.set_section(&profiles)
        })?;
        Ok(())
    }
}
