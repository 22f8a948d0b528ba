//! `afctl`: the console's operations for terminals and CI pipelines, over the same afc-core code
//! as the window. Exit codes: 0 ok, 1 the operation found a problem, 2 it could not run.

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use afc_core::logging::{LogTargets, Logging};
use afc_core::settings::LogLevel;
use clap::Parser;

use cli::{Cli, Command};
use output::Output;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output { json: cli.json };
    // The CLI logs to stderr only (stdout is for results); quiet unless AFC_LOG asks for more.
    let _logging = match Logging::init(
        LogTargets {
            file: None,
            stderr: true,
        },
        LogLevel::Warn,
    ) {
        Ok(logging) => logging,
        Err(e) => return out.error(&e),
    };
    let result = match &cli.command {
        Command::Info => commands::info::run(&cli, &out),
        Command::Env(command) => commands::env::run(&cli, command, &out),
        Command::Secrets(command) => commands::secrets::run(&cli, command, &out),
        Command::Migrate(command) => commands::migrate::run(&cli, command, &out),
        Command::Health { .. } => commands::health::run(&cli, &out),
        Command::Metrics { .. } => commands::metrics::run(&cli, &out),
    };
    result.unwrap_or_else(|e| out.error(&e))
}
