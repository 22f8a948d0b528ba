//! An environment's connections as every feature uses them: its database and its API client,
//! each with its secret from the keyring, kept while the environment's settings are unchanged
//! (so a database keeps its pool, and an API client its connections, login and budget).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use super::{API_SECRET, ApiAuth, DB_PASSWORD, Environment, has_connection_secret};
use crate::api::{Credentials, PlatformClient};
use crate::audit::{AuditAction, Event};
use crate::console::Console;
use crate::db::Database;
use crate::guard::{self, Confirmation, Decision, WritePermit};
use crate::keyring::SecretString;
use crate::{AppError, Result};

/// Identifies what a cached connection was built from; the secret is hashed in memory only.
fn fingerprint(settings: &impl serde::Serialize, secret: Option<&SecretString>) -> u64 {
    let mut h = DefaultHasher::new();
    serde_json::to_string(settings)
        .unwrap_or_default()
        .hash(&mut h);
    secret.map(SecretString::expose).hash(&mut h);
    h.finish()
}

/// The credentials `auth` asks for, given what the keyring returned. A secret that cannot be
/// read leaves the client usable for calls that need none (the probes, `/metrics`).
pub fn credentials(auth: &ApiAuth, secret: Result<Option<SecretString>>) -> Credentials {
    let missing = |what: &str| {
        Credentials::Unavailable(AppError::new(
            crate::ErrorCode::Unauthorized,
            format!("The API {what} is not in the keyring: set it in the environment"),
        ))
    };
    match (auth, secret) {
        (ApiAuth::None, _) => Credentials::None,
        (_, Err(e)) => Credentials::Unavailable(e),
        (ApiAuth::ApiKey { .. }, Ok(Some(key))) => Credentials::ApiKey(key),
        (ApiAuth::ApiKey { .. }, Ok(None)) => missing("key"),
        (ApiAuth::Login { email, .. }, Ok(Some(password))) => Credentials::Login {
            email: email.clone(),
            password,
        },
        (ApiAuth::Login { .. }, Ok(None)) => missing("login's password"),
    }
}

impl Console {
    /// What the operator must do before `action` on a saved environment (the window's
    /// confirmation, afctl's prompts); `subject` is what it is done to (a variable's name).
    pub fn decision(
        &self,
        env_name: &str,
        action: AuditAction,
        subject: Option<&str>,
    ) -> Result<Decision> {
        let env = self.environment(env_name)?;
        Ok(guard::decide(
            action,
            &guard::what(action, subject),
            &env.scope(),
        ))
    }

    /// Runs a change to a saved environment under the write policy (with the operator's
    /// `answer`) and the audit log; `subject` names what it changes, for the sentence.
    pub(crate) async fn guarded_on<T>(
        &self,
        env_name: &str,
        event: Event<'_>,
        subject: Option<&str>,
        answer: &Confirmation,
        change: impl AsyncFnOnce(WritePermit) -> Result<T>,
    ) -> Result<T> {
        let env = match self.environment(env_name) {
            Ok(env) => env,
            Err(e) => return self.audit.around(event, Err(e)),
        };
        let what = guard::what(event.action, subject);
        guard::guarded(
            &self.audit,
            event,
            &what,
            &env.scope(),
            answer,
            change,
            |_| None,
        )
        .await
    }

    /// The database of a saved environment, with its password from the keyring.
    pub async fn database(&self, env_name: &str) -> Result<Arc<Database>> {
        let env = self.environment(env_name)?;
        let Some(db) = env.database.clone() else {
            return Err(AppError::invalid_input(format!(
                "Environment \"{env_name}\" has no database connection"
            )));
        };
        let password = if db.has_password {
            self.connection_secret(&env.name, DB_PASSWORD).await?
        } else {
            None
        };
        let key = fingerprint(&(&db, env.safety), password.as_ref());
        Ok(self.databases.get_or_insert(&env.name, key, || {
            Database::new(db, password, Some(env.name.clone()), env.safety)
        }))
    }

    /// The API client of a saved environment, with its credentials from the keyring.
    pub async fn api(&self, env: &Environment) -> Result<Arc<PlatformClient>> {
        let url = api_url(env)?;
        let secret = if has_connection_secret(env, API_SECRET) {
            self.connection_secret(&env.name, API_SECRET).await
        } else {
            Ok(None)
        };
        let known = secret.as_ref().ok().and_then(Option::as_ref);
        let transport = (env.allow_insecure_http, &env.api_ca_cert);
        let key = fingerprint(&(url, &env.api_auth, transport, secret.is_err()), known);
        self.api.client(
            &env.name,
            key,
            |budget| {
                PlatformClient::new(
                    url,
                    credentials(&env.api_auth, secret),
                    budget,
                    env.allow_insecure_http,
                )?
                .with_ca_cert(env.api_ca_cert.as_deref())
            },
            url,
        )
    }

    /// A client for an environment being edited (not cached), drawing on its API's budget.
    pub fn draft_api(
        &self,
        env: &Environment,
        secret: Result<Option<SecretString>>,
    ) -> Result<PlatformClient> {
        let url = api_url(env)?;
        PlatformClient::new(
            url,
            credentials(&env.api_auth, secret),
            self.api.budget(url),
            env.allow_insecure_http,
        )?
        .with_ca_cert(env.api_ca_cert.as_deref())
    }
}

fn api_url(env: &Environment) -> Result<&str> {
    env.api_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            AppError::invalid_input(format!("Environment \"{}\" has no API URL", env.name))
        })
}
