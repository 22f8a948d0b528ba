//! Every run kept per environment (`smoke-runs/<env>.jsonl` in the data folder, owner-only, one
//! run a line): the newest `KEPT`, older ones dropped when the file holds twice as many. A torn
//! last line (the console stopped mid-write) is skipped when read, and the next run appends
//! after it.

use std::path::PathBuf;

use super::{SLOWER_FACTOR, SmokeReport, SmokeRun, diff};
use crate::console::Console;
use crate::{AppError, ErrorCode, Result, jsonl};

/// Runs kept per environment.
pub const KEPT: usize = 200;

const WHAT: &str = "the smoke-check history";

impl Console {
    fn smoke_history_file(&self, env_name: &str) -> PathBuf {
        jsonl::per_environment(&self.paths.data_dir.join("smoke-runs"), env_name)
    }

    pub(super) fn record_smoke_run(&self, run: &SmokeRun) -> Result<()> {
        let file = self.smoke_history_file(&run.environment);
        jsonl::append(&file, run, WHAT)?;
        jsonl::keep_last::<SmokeRun>(&file, KEPT, 2 * KEPT, WHAT)
    }

    /// The environment's runs, newest first (at most `limit`).
    pub fn smoke_history(&self, env_name: &str, limit: usize) -> Result<Vec<SmokeRun>> {
        jsonl::read_last(&self.smoke_history_file(env_name), limit, WHAT)
    }

    /// One kept run, by id (`latest` for the newest), compared with the runs before it.
    pub fn smoke_report(&self, env_name: &str, id: &str) -> Result<SmokeReport> {
        let mut runs = self.smoke_history(env_name, KEPT)?;
        let at = if id == "latest" {
            (!runs.is_empty()).then_some(0)
        } else {
            runs.iter().position(|r| r.id == id)
        };
        let at = at.ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("No smoke run \"{id}\" is kept for {env_name}"),
            )
        })?;
        let earlier = runs.split_off(at + 1);
        let run = runs.swap_remove(at);
        let diff = diff(&run, &earlier, SLOWER_FACTOR);
        Ok(SmokeReport { run, diff })
    }
}
