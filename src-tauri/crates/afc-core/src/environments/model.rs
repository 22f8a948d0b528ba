//! What an environment is. Everything here is non-secret and lives in the settings file;
//! passwords and keys live in the keyring (see [`crate::secrets`]) and are only flagged here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{ConnectionMode, DbConnection};
pub use crate::guard::SafetyLevel;
use crate::{AppError, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EnvKind {
    #[default]
    Dev,
    Staging,
    Production,
    Custom,
}

impl EnvKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dev => "dev",
            Self::Staging => "staging",
            Self::Production => "production",
            Self::Custom => "custom",
        }
    }

    pub fn default_safety(self) -> SafetyLevel {
        match self {
            Self::Production => SafetyLevel::Protected,
            _ => SafetyLevel::Open,
        }
    }

    pub fn default_color(self) -> &'static str {
        match self {
            Self::Dev => "#2f9e44",
            Self::Staging => "#e8590c",
            Self::Production => "#e03131",
            Self::Custom => "#5c7cfa",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RedisConnection {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub db: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username: Option<String>,
    /// `rediss://`: TLS with full certificate verification.
    #[serde(default)]
    pub tls: bool,
    #[serde(default)]
    pub has_password: bool,
}

/// How the console authenticates to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ApiAuth {
    #[default]
    None,
    /// An `af_` API key, kept in the keyring.
    ApiKey {
        #[serde(default, rename = "hasKey")]
        has_key: bool,
    },
    /// Email and password for a JWT login; the password is kept in the keyring.
    Login {
        email: String,
        #[serde(default, rename = "hasPassword")]
        has_password: bool,
    },
}

/// One platform variable of an environment: a plain value, or a marker that the value is in
/// the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoredVar {
    #[serde(default)]
    pub secret: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub name: String,
    pub kind: EnvKind,
    /// `#rrggbb`, shown in the top bar and on every screen while the environment is current.
    pub color: String,
    pub safety: SafetyLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub database: Option<DbConnection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub redis: Option<RedisConnection>,
    #[serde(default)]
    pub api_auth: ApiAuth,
    /// Plain `http://` to an API host that is not this machine: credentials and data cross the
    /// network unencrypted, so it is refused unless chosen here (and shown as a warning).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
    /// A PEM file with the CA that signed the API's certificate, for an API behind a private CA
    /// (trusted besides the public roots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_ca_cert: Option<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, StoredVar>,
}

impl Environment {
    pub fn new(name: &str, kind: EnvKind) -> Self {
        Self {
            name: name.to_owned(),
            kind,
            color: kind.default_color().to_owned(),
            safety: kind.default_safety(),
            api_url: None,
            database: None,
            redis: None,
            api_auth: ApiAuth::None,
            allow_insecure_http: false,
            api_ca_cert: None,
            variables: BTreeMap::new(),
        }
    }

    /// Checks the fields an operator types. Connection details are checked where they are parsed.
    pub fn validate(&self) -> Result<()> {
        validate_name(&self.name)?;
        let hex = self.color.strip_prefix('#').unwrap_or_default();
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::invalid_input(format!(
                "The colour \"{}\" is not a #rrggbb colour",
                self.color
            )));
        }
        if let Some(url) = &self.api_url {
            crate::api::check_api_url(url, self.allow_insecure_http)?;
        }
        if let Some(db) = &self.database
            && [&db.host, &db.database, &db.user]
                .iter()
                .any(|f| f.trim().is_empty())
        {
            return Err(AppError::invalid_input(
                "The database connection needs a host, a database name and a user",
            ));
        }
        if let Some(path) = self.database.as_ref().and_then(|d| d.ca_cert.as_deref())
            && std::fs::metadata(path)
                .map(|m| !m.is_file())
                .unwrap_or(true)
        {
            return Err(AppError::invalid_input(format!(
                "The CA certificate {path} is not a readable file"
            )));
        }
        if let ApiAuth::Login { email, .. } = &self.api_auth
            && !email.contains('@')
        {
            return Err(AppError::invalid_input(format!(
                "\"{email}\" is not an email address"
            )));
        }
        Ok(())
    }

    /// What the write policy judges for a change to this environment.
    pub fn scope(&self) -> crate::guard::Scope {
        crate::guard::Scope::new(&self.name, self.safety, true)
    }

    pub fn db_mode(&self) -> Option<ConnectionMode> {
        self.database
            .as_ref()
            .map(|d| ConnectionMode::detect(&d.host, d.port))
    }
}

/// Names become keyring account names and CLI arguments: keep them plain.
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_input(format!(
            // Debug-quoted: a newline or a control character in the input is shown escaped.
            "{name:?} is not a valid environment name: use 1–40 letters, digits, - or _, starting with a letter or digit"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_name_is_echoed_escaped() {
        let err = validate_name("prod\nFAKE LOG LINE\u{1b}[31m").unwrap_err();
        assert!(
            !err.message.contains('\n') && !err.message.contains('\u{1b}'),
            "{}",
            err.message
        );
        assert!(
            err.message
                .starts_with(r#""prod\nFAKE LOG LINE\u{1b}[31m" is not"#),
            "{}",
            err.message
        );
        assert!(validate_name("prod-eu_1").is_ok());
    }
}
