//! `afctl env …`: environment profiles.

use std::fmt::Write;
use std::process::ExitCode;

use afc_core::audit::AuditAction;
use afc_core::environments::connection::{parse_database_url, parse_redis_url, tls_warning};
use afc_core::environments::{
    ApiAuth, ConnectionSecrets, EnvKind, Environment, SafetyLevel, SecretChange,
};
use afc_core::probe::ProbeStatus;
use afc_core::{AppError, Console};

use super::{Ctx, answer, wire_name};
use crate::cli::{ConfirmArgs, Credential, EnvCommand, EnvOptions, Kind, Safety};

/// The operator's answer for `action` on environment `name`.
fn confirmed(
    console: &Console,
    name: &str,
    action: AuditAction,
    flags: &ConfirmArgs,
) -> Result<afc_core::guard::Confirmation, AppError> {
    answer(&console.decision(name, action, None)?, flags)
}

pub async fn run(ctx: &Ctx, command: EnvCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        EnvCommand::List => {
            let list = console.environments()?;
            out.result(&list, || {
                if list.environments.is_empty() {
                    return "No environments yet. Add one with: afctl env add NAME --kind dev --api-url URL\n".to_owned();
                }
                let mut s = String::new();
                for e in &list.environments {
                    let mark = if list.current.as_deref() == Some(e.name.as_str()) { "*" } else { " " };
                    let _ = writeln!(s, "{mark} {:<20} {:<11} {:<10} {}", e.name, e.kind.as_str(), wire_name(e.safety), e.api_url.as_deref().unwrap_or("-"));
                }
                s
            })
        }
        EnvCommand::Show { name } => {
            let env = console.environment(&name)?;
            out.result(&env, || describe(&env))
        }
        EnvCommand::Add {
            name,
            kind,
            options,
        } => {
            let mut env = Environment::new(&name, env_kind(kind));
            let secrets = apply(&options, &mut env)?;
            let saved = console.create_environment(env, secrets).await?;
            out.result(&saved, || {
                format!(
                    "Added {} ({}).\n{}",
                    saved.name,
                    saved.kind.as_str(),
                    describe(&saved)
                )
            })
        }
        EnvCommand::Set {
            name,
            kind,
            rename,
            options,
            confirm,
        } => {
            let mut env = console.environment(&name)?;
            if let Some(kind) = kind {
                env.kind = env_kind(kind);
                // As in the window: becoming production makes it protected unless told otherwise.
                if env.kind == EnvKind::Production && options.safety.is_none() {
                    env.safety = SafetyLevel::Protected;
                }
            }
            if let Some(new_name) = rename {
                env.name = new_name;
            }
            let secrets = apply(&options, &mut env)?;
            // A mistake in what was typed is worth hearing before being asked to confirm.
            env.validate()?;
            let answer = confirmed(&console, &name, AuditAction::EnvironmentUpdate, &confirm)?;
            let saved = console
                .update_environment(&name, env, secrets, &answer)
                .await?;
            out.result(&saved, || describe(&saved))
        }
        EnvCommand::Remove { name, confirm } => {
            let answer = confirmed(&console, &name, AuditAction::EnvironmentDelete, &confirm)?;
            console.delete_environment(&name, &answer).await?;
            out.result(&serde_json::json!({ "removed": name }), || {
                format!("Removed {name}.\n")
            })
        }
        EnvCommand::Use { name } => {
            console.set_current_environment(&name)?;
            out.result(&serde_json::json!({ "current": name }), || {
                format!("{name} is now the current environment.\n")
            })
        }
        EnvCommand::Credential {
            name,
            which,
            clear,
            email,
            confirm,
        } => {
            let mut env = console.environment(&name)?;
            let change = if clear {
                SecretChange::Clear
            } else {
                let label = match which {
                    Credential::DbPassword => "the database password",
                    Credential::RedisPassword => "the Redis password",
                    Credential::ApiKey => "the API key",
                    Credential::ApiPassword => "the login password",
                };
                let value = super::secrets::read_value(label)?;
                if which == Credential::ApiKey && !value.expose().starts_with("af_") {
                    eprintln!(
                        "warning: the platform only recognises keys that start with af_: this one is stored, but the API will refuse it"
                    );
                }
                SecretChange::Set { value }
            };
            let mut secrets = ConnectionSecrets::default();
            match which {
                Credential::DbPassword => secrets.db_password = Some(change),
                Credential::RedisPassword => secrets.redis_password = Some(change),
                Credential::ApiKey => {
                    if !matches!(env.api_auth, ApiAuth::ApiKey { .. }) {
                        env.api_auth = ApiAuth::ApiKey { has_key: false };
                    }
                    secrets.api_secret = Some(change);
                }
                Credential::ApiPassword => {
                    let email = email.unwrap_or_default();
                    env.api_auth = ApiAuth::Login {
                        email,
                        has_password: false,
                    };
                    secrets.api_secret = Some(change);
                }
            }
            let answer = confirmed(&console, &name, AuditAction::EnvironmentUpdate, &confirm)?;
            let saved = console
                .update_environment(&name, env, secrets, &answer)
                .await?;
            out.result(&saved, || describe(&saved))
        }
        EnvCommand::Test { name } => {
            let test = console.test_connection(&name, None).await?;
            let failed = matches!(test.worst(), ProbeStatus::Failed | ProbeStatus::Degraded);
            out.report(&test, failed, || {
                let mut s = String::new();
                for r in &test.results {
                    let _ = writeln!(
                        s,
                        "{:<9} {:<9} {}",
                        wire_name(r.target),
                        wire_name(r.status),
                        r.summary
                    );
                    if let Some(e) = &r.error {
                        let _ = writeln!(
                            s,
                            "          [{}] {}",
                            e.code,
                            e.details.as_deref().unwrap_or("")
                        );
                    }
                    for f in &r.facts {
                        let _ = writeln!(s, "          {}: {}", f.label, f.value);
                    }
                    for c in r.checks.iter().filter(|c| !c.healthy) {
                        let _ = writeln!(
                            s,
                            "          {} {}: {}",
                            c.name,
                            c.status,
                            c.reason.as_deref().unwrap_or("")
                        );
                    }
                }
                s
            })
        }
    }
}

fn env_kind(kind: Kind) -> EnvKind {
    match kind {
        Kind::Dev => EnvKind::Dev,
        Kind::Staging => EnvKind::Staging,
        Kind::Production => EnvKind::Production,
        Kind::Custom => EnvKind::Custom,
    }
}

/// Applies the options given to `env`; a password found in a URL becomes a keyring change.
fn apply(options: &EnvOptions, env: &mut Environment) -> Result<ConnectionSecrets, AppError> {
    if let Some(url) = &options.api_url {
        env.api_url = Some(url.clone());
    }
    if let Some(allow) = options.allow_insecure_http {
        env.allow_insecure_http = allow;
    }
    if let Some(ca) = &options.api_ca_cert {
        env.api_ca_cert = (!ca.trim().is_empty()).then(|| ca.clone());
    }
    if let Some(safety) = options.safety {
        env.safety = match safety {
            Safety::Open => SafetyLevel::Open,
            Safety::Protected => SafetyLevel::Protected,
            Safety::ReadOnly => SafetyLevel::ReadOnly,
        };
    }
    if let Some(color) = &options.color {
        env.color = color.clone();
    }
    let keep = || options.keep_passwords.then_some(SecretChange::Keep);
    let mut secrets = ConnectionSecrets {
        db_password: keep(),
        redis_password: keep(),
        api_secret: keep(),
    };
    if let Some(url) = &options.db_url {
        let (db, password) = parse_database_url(url)?;
        env.database = Some(db);
        if let Some(value) = password {
            secrets.db_password = Some(SecretChange::Set { value });
        }
    }
    if let Some(url) = &options.redis_url {
        let (redis, password) = parse_redis_url(url)?;
        env.redis = Some(redis);
        if let Some(value) = password {
            secrets.redis_password = Some(SecretChange::Set { value });
        }
    }
    Ok(secrets)
}

fn describe(env: &Environment) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "name      {}", env.name);
    let _ = writeln!(s, "kind      {}", env.kind.as_str());
    let _ = writeln!(s, "safety    {}", wire_name(env.safety));
    let _ = writeln!(s, "colour    {}", env.color);
    let _ = writeln!(s, "API       {}", env.api_url.as_deref().unwrap_or("-"));
    if let Some(ca) = &env.api_ca_cert {
        let _ = writeln!(s, "API CA    {ca}");
    }
    if env.allow_insecure_http {
        let _ = writeln!(
            s,
            "          warning: plain http:// to a remote host is allowed (credentials cross the network unencrypted)"
        );
    }
    if let Some(db) = &env.database {
        let password = if db.has_password {
            ", password in keyring"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "database  {}@{}:{}/{} (TLS {}, {}{password})",
            db.user,
            db.host,
            db.port,
            db.database,
            db.tls.as_sslmode(),
            env.db_mode().map_or("", |m| m.label())
        );
        if let Some(w) = tls_warning(db) {
            let _ = writeln!(s, "          warning: {w}");
        }
    }
    if let Some(ca) = env.database.as_ref().and_then(|d| d.ca_cert.as_deref()) {
        let _ = writeln!(s, "CA cert   {ca}");
    }
    let auth = match &env.api_auth {
        ApiAuth::None => "none".to_owned(),
        ApiAuth::ApiKey { has_key } => format!(
            "API key{}",
            if *has_key {
                " (in keyring)"
            } else {
                " (not set)"
            }
        ),
        ApiAuth::Login {
            email,
            has_password,
        } => {
            format!(
                "login {email}{}",
                if *has_password {
                    " (password in keyring)"
                } else {
                    " (no password)"
                }
            )
        }
    };
    let _ = writeln!(s, "API auth  {auth}");
    if let Some(r) = &env.redis {
        let password = if r.has_password {
            ", password in keyring"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "redis     {}:{}/{}{}{password}",
            r.host,
            r.port,
            r.db,
            if r.tls { " (TLS)" } else { "" }
        );
    }
    let _ = writeln!(s, "variables {}", env.variables.len());
    s
}
