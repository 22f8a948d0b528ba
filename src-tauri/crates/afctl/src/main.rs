//! `afctl`: the console's operations for terminals and CI pipelines, over the same afc-core code
//! as the window. Exit codes: 0 ok, 1 the operation found a problem, 2 it could not run.

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use afc_core::logging::{LogTargets, Logging};
use afc_core::progress::Cancel;
use afc_core::settings::LogLevel;
use clap::Parser;

use cli::{Cli, Command};
use commands::Ctx;
use output::Output;

/// One runtime for the whole run: afctl does one thing, then exits.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
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
    let ctx = Ctx {
        out,
        config_dir: cli.config_dir,
        cancel: Cancel::default(),
    };
    cancel_on_ctrl_c(ctx.cancel.clone());
    let result = match cli.command {
        Command::Info => commands::info::run(&ctx),
        Command::Diagnostics { file } => commands::info::diagnostics(&ctx, &file),
        Command::Env(command) => commands::env::run(&ctx, command).await,
        Command::Secrets(command) => commands::secrets::run(&ctx, command).await,
        Command::Migrate(command) => commands::migrate::run(&ctx, command).await,
        Command::Health(args) => commands::health::run(&ctx, args).await,
        Command::Metrics(args) => commands::metrics::run(&ctx, args).await,
        Command::Agents(command) => commands::agents::run(&ctx, command).await,
        Command::Smoke(command) => commands::smoke::run(&ctx, command).await,
        Command::Demo(command) => commands::demo::run(&ctx, command).await,
        Command::Sandbox(command) => commands::sandbox::run(&ctx, command).await,
        Command::Db(command) => commands::db::run(&ctx, command).await,
        Command::Completions { shell } => commands::docs::completions(shell),
        Command::Manuals { dir } => commands::docs::manuals(&dir),
    };
    result.unwrap_or_else(|e| ctx.out.error(&e))
}

/// The first Ctrl-C asks the running operation to stop at its next safe point (a migration
/// finishes or rolls back; nothing is left half-done); a second one aborts at once.
fn cancel_on_ctrl_c(cancel: Cancel) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        cancel.cancel();
        eprintln!("\nCancelling at the next safe point (Ctrl-C again to abort now)…");
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Aborted.");
            std::process::exit(130);
        }
    });
}
