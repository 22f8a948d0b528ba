//! How the window watches health: the polling interval, desktop notifications and the memory
//! each environment's watch may hold. Kept in settings.json, so a restart keeps them. (afctl
//! takes its interval on the command line and keeps no history.)

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::monitor::PollPolicy;
use super::watch::DEFAULT_BUDGET;
use crate::console::Console;
use crate::{AppError, Result};

/// Seconds between polls: at least 5, as the API allows 60 requests a minute per client and a
/// poll makes four.
pub const INTERVAL_SECONDS: RangeInclusive<u32> = 5..=3600;

/// MiB one environment's watch may hold: 1 MiB still keeps hours of polls; 256 MiB is far beyond
/// a day of any exposition the platform serves.
pub const MEMORY_BUDGET_MIB: RangeInclusive<u32> = 1..=256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct HealthSettings {
    pub interval_seconds: u32,
    pub notifications: bool,
    pub memory_budget_mib: u32,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            interval_seconds: PollPolicy::default().base.as_secs() as u32,
            notifications: false,
            memory_budget_mib: (DEFAULT_BUDGET >> 20) as u32,
        }
    }
}

impl HealthSettings {
    pub fn validate(&self) -> Result<()> {
        if !INTERVAL_SECONDS.contains(&self.interval_seconds) {
            return Err(AppError::invalid_input(
                "The interval must be between 5 seconds and an hour",
            ));
        }
        if !MEMORY_BUDGET_MIB.contains(&self.memory_budget_mib) {
            return Err(AppError::invalid_input(format!(
                "The memory per environment must be between {} and {} MiB",
                MEMORY_BUDGET_MIB.start(),
                MEMORY_BUDGET_MIB.end()
            )));
        }
        Ok(())
    }

    /// The poll policy at this interval. Values edited by hand out of range are brought into it,
    /// so a settings file can never make the poller spin or stall.
    pub fn policy(&self) -> PollPolicy {
        let seconds = self
            .interval_seconds
            .clamp(*INTERVAL_SECONDS.start(), *INTERVAL_SECONDS.end());
        PollPolicy {
            base: Duration::from_secs(u64::from(seconds)),
            ..PollPolicy::default()
        }
    }

    pub fn budget_bytes(&self) -> usize {
        let mib = self
            .memory_budget_mib
            .clamp(*MEMORY_BUDGET_MIB.start(), *MEMORY_BUDGET_MIB.end());
        (mib as usize) << 20
    }
}

/// Health's part of the settings file (`health`).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Section {
    #[serde(default)]
    health: HealthSettings,
}

impl Console {
    /// How health is watched; a malformed part of the file reads as the defaults (and is logged).
    pub fn health_settings(&self) -> HealthSettings {
        match self.settings.get().section::<Section>(&["health"]) {
            Ok(section) => section.health,
            Err(e) => {
                tracing::warn!(error = %e.message, "the health settings are not valid; using the defaults");
                HealthSettings::default()
            }
        }
    }

    /// Checks and saves the settings; nothing is written when they are out of range.
    pub fn save_health_settings(&self, settings: HealthSettings) -> Result<HealthSettings> {
        settings.validate()?;
        self.settings
            .try_update(|s| s.set_section(&Section { health: settings }))?;
        Ok(self.health_settings())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_are_refused_on_save_and_clamped_when_read() {
        let fast = HealthSettings {
            interval_seconds: 1,
            ..HealthSettings::default()
        };
        assert!(fast.validate().is_err());
        assert_eq!(fast.policy().base, Duration::from_secs(5));
        let huge = HealthSettings {
            memory_budget_mib: 100_000,
            ..HealthSettings::default()
        };
        assert!(huge.validate().is_err());
        assert_eq!(huge.budget_bytes(), 256 << 20);
        assert!(HealthSettings::default().validate().is_ok());
        assert_eq!(HealthSettings::default().budget_bytes(), DEFAULT_BUDGET);
    }
}
