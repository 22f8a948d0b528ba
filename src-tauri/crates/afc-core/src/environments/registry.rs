//! Creating, changing and removing environments: settings for the non-secret parts, the keyring
//! for passwords and keys, an audit entry for every change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::connection::{ConnectionMode, tls_warning};
use super::model::{ApiAuth, Environment, validate_name};
use crate::audit::{AuditAction, Event};
use crate::console::Console;
use crate::guard::{self, Confirmation};
use crate::keyring::SecretString;
use crate::{AppError, ErrorCode, Result};

/// Keyring accounts of an environment's connection secrets. Variable names cannot start with `@`.
pub const DB_PASSWORD: &str = "@db-password";
pub const REDIS_PASSWORD: &str = "@redis-password";
/// The API key or the login password, whichever `api_auth` uses.
pub const API_SECRET: &str = "@api-secret";
const CONNECTION_SECRETS: [&str; 3] = [DB_PASSWORD, REDIS_PASSWORD, API_SECRET];

/// The keyring account of `key` (a variable or connection secret) in environment `env`.
pub fn account(env: &str, key: &str) -> String {
    format!("{env}:{key}")
}

/// What to do with one connection secret when an environment is saved.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum SecretChange {
    #[default]
    Keep,
    Set {
        #[ts(type = "string")]
        value: SecretString,
    },
    Clear,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionSecrets {
    #[ts(optional)]
    pub db_password: Option<SecretChange>,
    #[ts(optional)]
    pub redis_password: Option<SecretChange>,
    #[ts(optional)]
    pub api_secret: Option<SecretChange>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentList {
    pub environments: Vec<Environment>,
    pub current: Option<String>,
    /// What the console works out about each environment, by name.
    pub notes: BTreeMap<String, EnvironmentNotes>,
}

/// Derived, never stored: how the database is reached and whether its TLS is weaker than it should be.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentNotes {
    pub db_mode: Option<ConnectionMode>,
    pub tls_warning: Option<String>,
}

impl Console {
    pub fn environments(&self) -> Result<EnvironmentList> {
        let settings = self.profiles()?;
        let current = settings
            .current_environment
            .filter(|c| settings.environments.iter().any(|e| &e.name == c));
        let notes = settings
            .environments
            .iter()
            .map(|e| {
                let notes = EnvironmentNotes {
                    db_mode: e.db_mode(),
                    tls_warning: e.database.as_ref().and_then(tls_warning),
                };
                (e.name.clone(), notes)
            })
            .collect();
        Ok(EnvironmentList {
            environments: settings.environments,
            current,
            notes,
        })
    }

    /// Makes `env` usable by name for this run only, with `secrets` (by connection-secret key)
    /// held in memory: for afctl's `--api-url` and `--database-url`. It is never saved, listed,
    /// or written to the keyring.
    pub fn use_transient(
        &self,
        env: &Environment,
        secrets: Vec<(&'static str, SecretString)>,
    ) -> Result<()> {
        let value = serde_json::to_value(env).map_err(|e| {
            AppError::internal("Could not hold the environment").with_details(e.to_string())
        })?;
        self.transients().push(crate::console::Transient {
            name: env.name.clone(),
            env: value,
            secrets,
        });
        Ok(())
    }

    pub fn environment(&self, name: &str) -> Result<Environment> {
        if let Some(t) = self.transients().iter().find(|t| t.name == name) {
            return serde_json::from_value(t.env.clone()).map_err(|e| {
                AppError::internal("An unsaved environment could not be read back")
                    .with_details(e.to_string())
            });
        }
        self.profiles()?
            .environments
            .into_iter()
            .find(|e| e.name == name)
            .ok_or_else(|| not_found(name))
    }

    /// Every keyring account an environment uses.
    fn accounts(env: &Environment) -> Vec<String> {
        let vars = env
            .variables
            .iter()
            .filter(|(_, v)| v.secret)
            .map(|(k, _)| k.as_str());
        let conn = CONNECTION_SECRETS
            .into_iter()
            .filter(|k| has_connection_secret(env, k));
        vars.chain(conn).map(|k| account(&env.name, k)).collect()
    }

    pub async fn create_environment(
        &self,
        env: Environment,
        secrets: ConnectionSecrets,
    ) -> Result<Environment> {
        let name = env.name.clone();
        let event = Event {
            environment: Some(&name),
            action: AuditAction::EnvironmentCreate,
            target: None,
            detail: None,
        };
        let result = self.save_environment(None, env, secrets).await;
        self.audit.around(event, result)
    }

    /// Saves changes to `original`; a new name renames it, moving its secrets in the keyring.
    /// Judged by the write policy on the environment as it was (so a protected one asks for its
    /// name even when the change makes it open).
    pub async fn update_environment(
        &self,
        original: &str,
        env: Environment,
        secrets: ConnectionSecrets,
        answer: &Confirmation,
    ) -> Result<Environment> {
        let name = env.name.clone();
        let mut event = Event::new(AuditAction::EnvironmentUpdate, Some(&name));
        let before = match self.environment(original) {
            Ok(before) => before,
            Err(e) => return self.audit.around(event, Err(e)),
        };
        event.detail = Some(describe_changes(&before, &env, &secrets)).filter(|d| !d.is_empty());
        let what = guard::what(AuditAction::EnvironmentUpdate, None);
        guard::guarded(
            &self.audit,
            event,
            &what,
            &before.scope(),
            answer,
            async |_| self.save_environment(Some(original), env, secrets).await,
            |_| None,
        )
        .await
    }

    async fn save_environment(
        &self,
        original: Option<&str>,
        mut env: Environment,
        secrets: ConnectionSecrets,
    ) -> Result<Environment> {
        env.validate()?;
        let existing = self.profiles()?.environments;
        let previous = match original {
            Some(name) => Some(
                existing
                    .iter()
                    .find(|e| e.name == name)
                    .cloned()
                    .ok_or_else(|| not_found(name))?,
            ),
            None => None,
        };
        if existing.iter().any(|e| e.name == env.name) && original != Some(env.name.as_str()) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("An environment named \"{}\" already exists", env.name),
            ));
        }
        if let Some(prev) = &previous {
            check_moved_secrets(prev, &env, &secrets)?;
        }
        // Variables are changed through their own operations, never by saving the profile.
        env.variables = previous
            .as_ref()
            .map(|p| p.variables.clone())
            .unwrap_or_default();
        carry_secret_flags(previous.as_ref(), &mut env);
        // A secret whose connection was removed (or whose API login kind changed) leaves the keyring.
        let mut secrets = secrets;
        if let Some(prev) = &previous {
            let slots = [
                (DB_PASSWORD, &mut secrets.db_password),
                (REDIS_PASSWORD, &mut secrets.redis_password),
                (API_SECRET, &mut secrets.api_secret),
            ];
            for (key, slot) in slots {
                if has_connection_secret(prev, key)
                    && !has_connection_secret(&env, key)
                    && slot.is_none()
                {
                    *slot = Some(SecretChange::Clear);
                }
            }
        }

        let renamed_from = previous.as_ref().filter(|p| p.name != env.name);
        if let Some(old) = renamed_from {
            self.copy_secrets(old, &env.name).await?;
        }
        self.apply_connection_secrets(&mut env, secrets).await?;

        let saved = env.clone();
        let original = original.map(str::to_owned);
        self.update_profiles(move |s| {
            match original.as_deref() {
                Some(name) => {
                    let slot = s
                        .environments
                        .iter_mut()
                        .find(|e| e.name == name)
                        .ok_or_else(|| not_found(name))?;
                    *slot = env;
                    if s.current_environment.as_deref() == Some(name) {
                        s.current_environment = Some(slot.name.clone());
                    }
                }
                None => {
                    if s.current_environment.is_none() {
                        s.current_environment = Some(env.name.clone());
                    }
                    s.environments.push(env);
                }
            }
            Ok(())
        })?;
        if let Some(old) = renamed_from {
            self.delete_secrets(old).await?;
        }
        Ok(saved)
    }

    async fn apply_connection_secrets(
        &self,
        env: &mut Environment,
        secrets: ConnectionSecrets,
    ) -> Result<()> {
        let changes = [
            (DB_PASSWORD, secrets.db_password),
            (REDIS_PASSWORD, secrets.redis_password),
            (API_SECRET, secrets.api_secret),
        ];
        for (key, change) in changes {
            let account = account(&env.name, key);
            let present = match change.unwrap_or_default() {
                SecretChange::Keep => continue,
                SecretChange::Set { value } => {
                    self.keyring.set(&account, &value).await?;
                    true
                }
                SecretChange::Clear => {
                    self.keyring.delete(&account).await?;
                    false
                }
            };
            set_connection_flag(env, key, present)?;
        }
        Ok(())
    }

    async fn copy_secrets(&self, from: &Environment, to: &str) -> Result<()> {
        for key in Self::accounts(from) {
            let suffix = &key[from.name.len() + 1..];
            if let Some(value) = self.keyring.get(&key).await? {
                self.keyring.set(&account(to, suffix), &value).await?;
            }
        }
        Ok(())
    }

    async fn delete_secrets(&self, env: &Environment) -> Result<()> {
        for key in Self::accounts(env) {
            self.keyring.delete(&key).await?;
        }
        Ok(())
    }

    /// A copy of `source` named `new_name`, secrets included.
    pub async fn duplicate_environment(&self, source: &str, new_name: &str) -> Result<Environment> {
        let event = Event {
            environment: Some(new_name),
            action: AuditAction::EnvironmentDuplicate,
            target: None,
            detail: Some(format!("from {source}")),
        };
        let result = async {
            validate_name(new_name)?;
            let original = self.environment(source)?;
            let mut copy = original.clone();
            copy.name = new_name.to_owned();
            if self
                .environments()?
                .environments
                .iter()
                .any(|e| e.name == new_name)
            {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    format!("An environment named \"{new_name}\" already exists"),
                ));
            }
            self.copy_secrets(&original, new_name).await?;
            let saved = copy.clone();
            self.update_profiles(move |s| {
                s.environments.push(copy);
                Ok(())
            })?;
            Ok(saved)
        }
        .await;
        self.audit.around(event, result)
    }

    /// Removes an environment and every secret it kept in the keyring.
    pub async fn delete_environment(&self, name: &str, answer: &Confirmation) -> Result<()> {
        let event = Event {
            environment: Some(name),
            action: AuditAction::EnvironmentDelete,
            target: None,
            detail: None,
        };
        self.guarded_on(name, event, None, answer, async |_| {
            let env = self.environment(name)?;
            // Secrets first: if the keyring refuses, the profile stays and nothing is orphaned.
            self.delete_secrets(&env).await?;
            let name = name.to_owned();
            self.update_profiles(move |s| {
                s.environments.retain(|e| e.name != name);
                if s.current_environment.as_deref() == Some(name.as_str()) {
                    s.current_environment = s.environments.first().map(|e| e.name.clone());
                }
                Ok(())
            })?;
            self.api.forget(&env.name);
            Ok(())
        })
        .await
    }

    pub fn set_current_environment(&self, name: &str) -> Result<()> {
        let event = Event {
            environment: Some(name),
            action: AuditAction::EnvironmentSwitch,
            target: None,
            detail: None,
        };
        let owned = name.to_owned();
        let result = self.update_profiles(move |s| {
            if !s.environments.iter().any(|e| e.name == owned) {
                return Err(not_found(&owned));
            }
            s.current_environment = Some(owned);
            Ok(())
        });
        self.audit.around(event, result.map(|_| ()))
    }

    /// A connection secret of an environment, if one is stored.
    pub async fn connection_secret(&self, env: &str, key: &str) -> Result<Option<SecretString>> {
        let transient = self.transients().iter().find(|t| t.name == env).map(|t| {
            t.secrets
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        });
        if let Some(secret) = transient {
            return Ok(secret);
        }
        self.keyring.get(&account(env, key)).await
    }
}

pub(crate) fn not_found(name: &str) -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        format!("There is no environment named {name:?}"),
    )
}

/// What an update changes, for the audit log: field names and secret actions, never values.
fn describe_changes(
    before: &Environment,
    after: &Environment,
    secrets: &ConnectionSecrets,
) -> String {
    let (b, a) = (before, after);
    let db = |e: &Environment| {
        e.database
            .clone()
            .map(|d| (d.host, d.port, d.database, d.user))
    };
    let fields = [
        ("kind", b.kind != a.kind),
        ("colour", b.color != a.color),
        ("safety", b.safety != a.safety),
        ("API URL", b.api_url != a.api_url),
        (
            "API credentials",
            std::mem::discriminant(&b.api_auth) != std::mem::discriminant(&a.api_auth),
        ),
        ("database", db(b) != db(a)),
        (
            "database TLS",
            b.database.as_ref().map(|d| (d.tls, &d.ca_cert))
                != a.database.as_ref().map(|d| (d.tls, &d.ca_cert)),
        ),
        (
            "Redis",
            b.redis.as_ref().map(|r| (&r.host, r.port, r.db, r.tls))
                != a.redis.as_ref().map(|r| (&r.host, r.port, r.db, r.tls)),
        ),
    ];
    let mut parts: Vec<String> = Vec::new();
    if b.name != a.name {
        parts.push(format!("renamed from {}", b.name));
    }
    let changed: Vec<&str> = fields.iter().filter(|(_, c)| *c).map(|(f, _)| *f).collect();
    if !changed.is_empty() {
        parts.push(format!("changed {}", changed.join(", ")));
    }
    let secret_changes = [
        ("database password", &secrets.db_password),
        ("Redis password", &secrets.redis_password),
        ("API secret", &secrets.api_secret),
    ];
    for (what, change) in secret_changes {
        match change {
            Some(SecretChange::Set { .. }) => parts.push(format!("{what} set")),
            Some(SecretChange::Clear) => parts.push(format!("{what} removed")),
            Some(SecretChange::Keep) | None => {}
        }
    }
    parts.join("; ")
}

/// Whether the environment says it keeps the connection secret `key` in the keyring.
pub fn has_connection_secret(env: &Environment, key: &str) -> bool {
    match key {
        DB_PASSWORD => env.database.as_ref().is_some_and(|d| d.has_password),
        REDIS_PASSWORD => env.redis.as_ref().is_some_and(|r| r.has_password),
        API_SECRET => match &env.api_auth {
            ApiAuth::ApiKey { has_key } => *has_key,
            ApiAuth::Login { has_password, .. } => *has_password,
            ApiAuth::None => false,
        },
        _ => false,
    }
}

/// Where a connection secret is sent: the database's or Redis's user, host and port, or the
/// API's origin.
fn destination(env: &Environment, key: &str) -> Option<String> {
    match key {
        DB_PASSWORD => env
            .database
            .as_ref()
            .map(|d| format!("{}@{}:{}", d.user, d.host, d.port)),
        REDIS_PASSWORD => env.redis.as_ref().map(|r| {
            let user = r.username.as_deref().unwrap_or_default();
            format!("{user}@{}:{}", r.host, r.port)
        }),
        _ => env
            .api_url
            .as_deref()
            .and_then(|u| url::Url::parse(u.trim()).ok())
            .map(|u| u.origin().ascii_serialization()),
    }
}

/// A stored secret goes only where it went before. When a draft sends a connection somewhere
/// else (another host, port or user; another API origin) and says nothing about its secret, the
/// operator must type it again or say, explicitly ([`SecretChange::Keep`]), to send the stored
/// one there.
pub fn check_moved_secrets(
    previous: &Environment,
    draft: &Environment,
    secrets: &ConnectionSecrets,
) -> Result<()> {
    let slots = [
        (DB_PASSWORD, &secrets.db_password, "database password"),
        (REDIS_PASSWORD, &secrets.redis_password, "Redis password"),
        (API_SECRET, &secrets.api_secret, "API secret"),
    ];
    for (key, change, what) in slots {
        let (before, after) = (destination(previous, key), destination(draft, key));
        if change.is_none()
            && has_connection_secret(previous, key)
            && after.is_some()
            && before != after
        {
            let (before, after) = (before.unwrap_or_default(), after.unwrap_or_default());
            return Err(AppError::invalid_input(format!(
                "The stored {what} belongs to {before}, and this environment now connects to {after}"
            ))
            .with_details(format!(
                "Type the {what} again, or choose to send the stored one to {after}."
            )));
        }
    }
    Ok(())
}

fn set_connection_flag(env: &mut Environment, key: &str, present: bool) -> Result<()> {
    let missing = |what: &str| {
        AppError::invalid_input(format!("A {what} needs its connection details first"))
    };
    let has_place = match key {
        DB_PASSWORD => env.database.is_some(),
        REDIS_PASSWORD => env.redis.is_some(),
        _ => env.api_auth != ApiAuth::None,
    };
    if !present && !has_place {
        return Ok(()); // cleared along with its connection
    }
    match key {
        DB_PASSWORD => {
            env.database
                .as_mut()
                .ok_or_else(|| missing("database password"))?
                .has_password = present
        }
        REDIS_PASSWORD => {
            env.redis
                .as_mut()
                .ok_or_else(|| missing("Redis password"))?
                .has_password = present
        }
        _ => match &mut env.api_auth {
            ApiAuth::ApiKey { has_key } => *has_key = present,
            ApiAuth::Login { has_password, .. } => *has_password = present,
            ApiAuth::None => return Err(missing("API credential")),
        },
    }
    Ok(())
}

/// "Has a password" flags come from what the keyring holds, never from the caller.
fn carry_secret_flags(previous: Option<&Environment>, env: &mut Environment) {
    let had = |key| previous.is_some_and(|p| has_connection_secret(p, key));
    if let Some(db) = &mut env.database {
        db.has_password = had(DB_PASSWORD);
    }
    if let Some(redis) = &mut env.redis {
        redis.has_password = had(REDIS_PASSWORD);
    }
    let same_auth_kind = previous.is_some_and(|p| {
        std::mem::discriminant(&p.api_auth) == std::mem::discriminant(&env.api_auth)
    });
    let api = had(API_SECRET) && same_auth_kind;
    match &mut env.api_auth {
        ApiAuth::ApiKey { has_key } => *has_key = api,
        ApiAuth::Login { has_password, .. } => *has_password = api,
        ApiAuth::None => {}
    }
}
