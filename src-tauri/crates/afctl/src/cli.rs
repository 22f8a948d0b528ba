use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "afctl",
    version,
    about = "Agent Factory Console on the command line",
    long_about = "Agent Factory Console on the command line: the same operations as the desktop console, for terminals and CI pipelines.",
    after_help = "Exit codes: 0 ok, 1 the operation found a problem, 2 it could not run (bad arguments, unreadable configuration, unreachable service).\nSet AFC_LOG (e.g. AFC_LOG=debug) to see diagnostic logs on stderr."
)]
pub struct Cli {
    /// Print machine-readable JSON on stdout instead of text (errors too, as {"error": {...}}).
    #[arg(long, global = true)]
    pub json: bool,

    /// The console's configuration folder, shared with the desktop app.
    #[arg(long, global = true, value_name = "DIR", env = afc_core::paths::CONFIG_DIR_ENV)]
    pub config_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version, build, platform, where the console keeps its files, and the saved preferences.
    Info,
}
