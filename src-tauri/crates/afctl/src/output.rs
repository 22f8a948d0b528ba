//! One place that decides how results and errors reach the terminal, and with which exit code.

use std::process::ExitCode;

use afc_core::{AppError, ErrorCode};
use serde::Serialize;

/// The operation ran and found a problem (a missing variable, drift, a failed connection).
pub const EXIT_FOUND_PROBLEMS: u8 = 1;
/// The operation could not run.
pub const EXIT_COULD_NOT_RUN: u8 = 2;

pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints `value` as JSON, or `human` as text.
    pub fn result(
        &self,
        value: &impl Serialize,
        human: impl FnOnce() -> String,
    ) -> Result<ExitCode, AppError> {
        if self.json {
            let text = serde_json::to_string_pretty(value).map_err(|e| {
                AppError::internal("Could not format the result as JSON")
                    .with_details(e.to_string())
            })?;
            println!("{text}");
        } else {
            print!("{}", human());
        }
        Ok(ExitCode::SUCCESS)
    }

    /// Like [`result`](Self::result), exiting with 1 when `problems` is true.
    pub fn report(
        &self,
        value: &impl Serialize,
        problems: bool,
        human: impl FnOnce() -> String,
    ) -> Result<ExitCode, AppError> {
        self.result(value, human)?;
        Ok(if problems {
            ExitCode::from(EXIT_FOUND_PROBLEMS)
        } else {
            ExitCode::SUCCESS
        })
    }

    /// The operation ran and failed (a migration statement, a held lock): exit 1.
    pub fn failure(&self, error: &AppError) -> ExitCode {
        self.error(error);
        ExitCode::from(EXIT_FOUND_PROBLEMS)
    }

    /// An error: exit 2 (it could not run), or 1 when the write policy refused the change (a
    /// refusal is an answer CI must see, not a breakdown).
    pub fn error(&self, error: &AppError) -> ExitCode {
        if self.json {
            println!("{}", serde_json::json!({ "error": error }));
        } else {
            eprintln!("error [{}]: {}", error.code, error.message);
            if let Some(details) = &error.details {
                eprintln!("  {details}");
            }
        }
        if error.code == ErrorCode::UnsafeInProduction {
            ExitCode::from(EXIT_FOUND_PROBLEMS)
        } else {
            ExitCode::from(EXIT_COULD_NOT_RUN)
        }
    }
}
