pub mod agents;
pub mod db;
pub mod demo;
pub mod docs;
pub mod env;
pub mod health;
pub mod info;
pub mod metrics;
pub mod migrate;
pub mod sandbox;
pub mod secrets;
pub mod smoke;

use std::io::IsTerminal;
use std::path::PathBuf;

use afc_core::db::parse_database_url;
use afc_core::environments::{DB_PASSWORD, EnvKind, Environment, SafetyLevel};
use afc_core::guard::{Confirmation, Decision};
use afc_core::paths::AppPaths;
use afc_core::progress::Cancel;
use afc_core::{AppError, Console, ErrorCode};

use crate::cli::{ApiSource, ConfirmArgs, DatabaseArg, EnvArg, Target};
use crate::output::Output;

/// What every subcommand receives besides its own arguments.
pub struct Ctx {
    pub out: Output,
    pub config_dir: Option<PathBuf>,
    /// Set by Ctrl-C: long operations stop at their next safe point.
    pub cancel: Cancel,
}

impl Ctx {
    /// The console as afctl sees it: the shared settings (a malformed file is an error, never
    /// moved aside), the keyring namespace and the audit log.
    pub fn console(&self) -> Result<Console, AppError> {
        Console::load(AppPaths::resolve(self.config_dir.as_deref())?, "afctl")
    }
}

/// The console and the environment an `--env`/`--api-url` command works on, when it is not given
/// an API URL.
pub fn source_environment(ctx: &Ctx, source: &ApiSource) -> Result<(Console, String), AppError> {
    let console = ctx.console()?;
    let name = env_name(
        &console,
        &EnvArg {
            env: source.env.clone(),
        },
    )?;
    Ok((console, name))
}

/// What `--api-url`/`--database-url` make: an environment of this run only.
const URL_TARGET: &str = "url";

/// The environment a command works on: `--env`, or one made for this run from
/// `--api-url`/`--database-url` (open, as `afctl migrate --database-url` is; never saved; the
/// URL's password held in memory only), or else the current one.
pub fn target_name(console: &Console, target: &Target) -> Result<String, AppError> {
    if target.api_url.is_none() && target.database_url.is_none() {
        let env = target.env.clone();
        return env_name(console, &EnvArg { env });
    }
    let mut env = Environment::new(URL_TARGET, EnvKind::Dev);
    env.safety = SafetyLevel::Open;
    env.api_url = target.api_url.clone();
    let mut secrets = Vec::new();
    if let Some(url) = &target.database_url {
        let (db, password) = parse_database_url(url)?;
        secrets.extend(password.map(|p| (DB_PASSWORD, p)));
        env.database = Some(db);
    }
    console.use_transient(&env, secrets)?;
    Ok(URL_TARGET.to_owned())
}

/// The database a command works on, as the operator named it.
pub enum DatabaseChoice {
    Environment(String),
    Url(String),
}

/// `--env`, `--database-url`, `DATABASE_URL`, then the current environment.
pub fn database_choice(console: &Console, arg: &DatabaseArg) -> Result<DatabaseChoice, AppError> {
    let url = arg.database_url.clone().or_else(|| {
        arg.env
            .is_none()
            .then(|| std::env::var("DATABASE_URL").ok())
            .flatten()
    });
    Ok(match (&arg.env, url) {
        (Some(name), _) => DatabaseChoice::Environment(name.clone()),
        (None, Some(url)) => DatabaseChoice::Url(url),
        (None, None) => DatabaseChoice::Environment(console.environments()?.current.ok_or_else(|| {
            AppError::invalid_input(
                "No database given: pass --env NAME or --database-url URL (or set DATABASE_URL)",
            )
        })?),
    })
}

/// The database `arg` names (see [`database_choice`]).
pub async fn database(
    console: &Console,
    arg: &DatabaseArg,
) -> Result<std::sync::Arc<afc_core::db::Database>, AppError> {
    Ok(match database_choice(console, arg)? {
        DatabaseChoice::Environment(name) => console.database(&name).await?,
        DatabaseChoice::Url(url) => std::sync::Arc::new(afc_core::db::Database::from_url(&url)?),
    })
}

/// `--env NAME`, or the current environment.
pub fn env_name(console: &Console, arg: &EnvArg) -> Result<String, AppError> {
    if let Some(name) = &arg.env {
        return Ok(name.clone());
    }
    console.environments()?.current.ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidInput,
            "No environment given and none is current: pass --env NAME",
        )
    })
}

/// The operator's answer to what the write policy asks: `--yes` / `--confirm NAME`, or asked
/// on the terminal. Off a terminal without them, the change is refused (exit 1); a refusal by
/// the policy itself is left to the guarded call, which records it in the audit log.
pub fn answer(decision: &Decision, flags: &ConfirmArgs) -> Result<Confirmation, AppError> {
    let on_terminal = std::io::stdin().is_terminal();
    let given = Confirmation {
        yes: flags.yes,
        name: flags.confirm.clone(),
    };
    match decision {
        Decision::Allowed { .. } | Decision::Refused { .. } => Ok(given),
        Decision::ConfirmYes { .. } if flags.yes => Ok(given),
        Decision::ConfirmName { .. } if flags.confirm.is_some() => Ok(given),
        Decision::ConfirmYes { sentence } if on_terminal => {
            ask(&format!("{sentence} Type yes to go on: "), "yes")?;
            Ok(Confirmation::yes())
        }
        Decision::ConfirmName { name, sentence } if on_terminal => {
            ask(&format!("{sentence} Name: "), name)?;
            Ok(Confirmation::name(name))
        }
        Decision::ConfirmYes { sentence } => Err(AppError::new(
            ErrorCode::UnsafeInProduction,
            format!("Confirmation needed: {sentence} Pass --yes (not on a terminal)."),
        )),
        Decision::ConfirmName { name, sentence } => Err(AppError::new(
            ErrorCode::UnsafeInProduction,
            format!("Confirmation needed: {sentence} Pass --confirm {name}."),
        )),
    }
}

/// Asks on the terminal for `expected` to be typed.
fn ask(prompt: &str, expected: &str) -> Result<(), AppError> {
    eprint!("{prompt}");
    let mut typed = String::new();
    std::io::stdin()
        .read_line(&mut typed)
        .map_err(|e| AppError::internal("Could not read the answer").with_details(e.to_string()))?;
    if typed.trim() == expected {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::UnsafeInProduction,
            "Not confirmed: nothing was changed",
        ))
    }
}

/// A serde enum's wire name (`read-only`, `production`), for human output.
pub fn wire_name(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}
