//! Logging for the app and the CLI: `tracing` to a daily-rotated file and/or stderr, with every
//! line passed through the [`redact`] hook so registered secrets never reach a log.
//!
//! The level comes from `AFC_LOG` (any `tracing` filter, e.g. `debug,hyper=warn`) when it is set,
//! otherwise from the operator's setting, and can be changed while running.

pub mod redact;

use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

use crate::{AppError, Result};
use redact::RedactingMakeWriter;

/// How much the console logs (Preferences, `AFC_LOG` overrides it).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }
}

/// The environment variable that overrides the configured level.
pub const LOG_ENV: &str = "AFC_LOG";
/// Daily log files kept before the oldest is deleted.
const KEEP_FILES: usize = 14;

/// Where log lines go.
pub struct LogTargets<'a> {
    /// Folder for the daily-rotated file, and the file name prefix (`<prefix>.<date>.log`).
    pub file: Option<(&'a Path, &'a str)>,
    pub stderr: bool,
}

/// Keeps the background file writer alive and lets the level change at run time.
pub struct Logging {
    _file_guard: Option<tracing_appender::non_blocking::WorkerGuard>,
    filter: reload::Handle<EnvFilter, Registry>,
    env_override: bool,
}

impl Logging {
    /// Installs the global subscriber. An invalid `AFC_LOG` is an `invalid_input` error (the
    /// caller decides whether to stop or to fall back to [`Logging::init_ignoring_env`]).
    pub fn init(targets: LogTargets<'_>, level: LogLevel) -> Result<Self> {
        let env = std::env::var(LOG_ENV).ok().filter(|v| !v.trim().is_empty());
        let (filter, env_override) = match env {
            Some(directives) => (parse_filter(&directives)?, true),
            None => (level_filter(level), false),
        };
        install(targets, filter, env_override)
    }

    pub fn init_ignoring_env(targets: LogTargets<'_>, level: LogLevel) -> Result<Self> {
        install(targets, level_filter(level), false)
    }

    /// Applies the operator's level, unless `AFC_LOG` pins it. Returns whether it took effect.
    pub fn set_level(&self, level: LogLevel) -> Result<bool> {
        if self.env_override {
            return Ok(false);
        }
        self.filter.reload(level_filter(level)).map_err(|e| {
            AppError::internal("Could not change the log level").with_details(e.to_string())
        })?;
        Ok(true)
    }
}

fn install(targets: LogTargets<'_>, filter: EnvFilter, env_override: bool) -> Result<Logging> {
    let (filter_layer, handle) = reload::Layer::new(filter);
    let (file_layer, guard) = match targets.file {
        Some((dir, prefix)) => {
            // The appender lists the folder to prune old files, so it must exist first.
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::io("create the log folder", dir, &e))?;
            let appender = tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(prefix)
                .filename_suffix("log")
                .max_log_files(KEEP_FILES)
                .build(dir)
                .map_err(|e| {
                    AppError::io("create the log file in", dir, &std::io::Error::other(e))
                })?;
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(RedactingMakeWriter::new(writer));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let stderr_layer = targets.stderr.then(|| {
        tracing_subscriber::fmt::layer().with_writer(RedactingMakeWriter::new(std::io::stderr))
    });
    tracing_subscriber::registry()
        .with(filter_layer)
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .map_err(|e| {
            AppError::internal("Logging was already set up").with_details(e.to_string())
        })?;
    Ok(Logging {
        _file_guard: guard,
        filter: handle,
        env_override,
    })
}

fn level_filter(level: LogLevel) -> EnvFilter {
    EnvFilter::new(level.as_str())
}

fn parse_filter(directives: &str) -> Result<EnvFilter> {
    EnvFilter::builder().parse(directives).map_err(|e| {
        AppError::invalid_input(format!("{LOG_ENV} is not a valid log filter: {directives:?}"))
            .with_details(format!("{e}. Use a level (error, warn, info, debug, trace) or tracing directives such as \"info,afc_core=debug\"."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_filters_are_reported_clearly() {
        let err = parse_filter("info,=[").unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::InvalidInput);
        assert!(err.message.contains(LOG_ENV));
        assert!(parse_filter("debug,hyper=warn").is_ok());
    }
}
