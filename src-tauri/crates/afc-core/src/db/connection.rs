//! A PostgreSQL connection as an environment describes it (never its password, which lives in
//! the keyring): host, port, database, user, the TLS policy, and what the host says about how
//! the console reaches it (direct, Supabase's poolers).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::keyring::SecretString;
use crate::{AppError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DbConnection {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub tls: TlsPolicy,
    /// A PEM file with the CA that signed the server's certificate, for verify-ca/verify-full
    /// against a private CA (Supabase signs its database certificates with its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ca_cert: Option<String>,
    /// Whether a password is stored in the keyring.
    #[serde(default)]
    pub has_password: bool,
}

/// The PostgreSQL `sslmode`s the console supports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum TlsPolicy {
    /// No TLS: only sensible on this machine.
    Disable,
    /// TLS if the server offers it, unverified.
    Prefer,
    /// TLS, certificate not verified.
    Require,
    /// TLS, certificate chain verified, host name not.
    VerifyCa,
    /// TLS, certificate and host name verified.
    #[default]
    VerifyFull,
}

impl TlsPolicy {
    pub fn as_sslmode(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }

    pub(crate) fn from_sslmode(mode: &str) -> Result<Self> {
        Ok(match mode {
            "disable" | "allow" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => {
                return Err(AppError::invalid_input(format!(
                    "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
                )));
            }
        })
    }

    /// The default for a host: full verification unless it is this machine. On the loopback
    /// interface TLS protects nothing (the bytes never leave the kernel) and costs most of a
    /// short command's run: sqlx 0.9 leaves Nagle's algorithm on, so the handshake waits twice
    /// for a delayed ACK (about 80 ms of a 100 ms `afctl migrate validate`; docs/benchmarks.md).
    /// An explicit `sslmode` still wins.
    pub fn default_for(host: &str) -> Self {
        if crate::net::is_local(host) {
            Self::Disable
        } else {
            Self::VerifyFull
        }
    }
}

/// How the console reaches a PostgreSQL server, as far as the host and port tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionMode {
    Local,
    Direct,
    /// `db.<ref>.supabase.co:5432`.
    SupabaseDirect,
    /// `*.pooler.supabase.com:5432` (Supavisor, session mode): one server connection per client.
    SupabaseSessionPooler,
    /// Port 6543: a server connection per transaction; no advisory locks or session state, so
    /// migrations and anything that takes a lock refuse it.
    SupabaseTransactionPooler,
}

impl ConnectionMode {
    pub fn detect(host: &str, port: u16) -> Self {
        let host = host.to_ascii_lowercase();
        if port == 6543 {
            Self::SupabaseTransactionPooler
        } else if host.ends_with(".pooler.supabase.com") {
            Self::SupabaseSessionPooler
        } else if host.starts_with("db.") && host.ends_with(".supabase.co") {
            Self::SupabaseDirect
        } else if crate::net::is_local(&host) {
            Self::Local
        } else {
            Self::Direct
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Direct => "direct",
            Self::SupabaseDirect => "Supabase direct",
            Self::SupabaseSessionPooler => "Supabase session pooler",
            Self::SupabaseTransactionPooler => "Supabase transaction pooler",
        }
    }
}

/// A warning to show as a badge on an environment's database connection, if any.
pub fn tls_warning(db: &DbConnection) -> Option<String> {
    if crate::net::is_local(&db.host) || db.tls == TlsPolicy::VerifyFull {
        return None;
    }
    Some(match db.tls {
        TlsPolicy::Disable => {
            "TLS is off: the password and data cross the network in clear".to_owned()
        }
        TlsPolicy::Prefer => {
            "TLS is optional and unverified: a network attacker can downgrade or intercept it"
                .to_owned()
        }
        TlsPolicy::Require => "The server's certificate is not verified".to_owned(),
        TlsPolicy::VerifyCa => "The server's host name is not verified".to_owned(),
        TlsPolicy::VerifyFull => unreachable!(),
    })
}

/// Splits a pasted PostgreSQL URL into connection details and its password.
pub fn parse_database_url(url: &str) -> Result<(DbConnection, Option<SecretString>)> {
    let parsed = crate::net::parse_secret_url(url, "database")?;
    if !matches!(parsed.scheme(), "postgresql" | "postgres") {
        return Err(AppError::invalid_input(format!(
            "A database URL starts with postgresql:// (this one starts with {}://)",
            parsed.scheme()
        )));
    }
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| AppError::invalid_input("The database URL has no host"))?
        .to_owned();
    let port = parsed.port().unwrap_or(5432);
    let database = crate::net::decoded(parsed.path().trim_start_matches('/'));
    let user = crate::net::decoded(parsed.username());
    let mut tls = TlsPolicy::default_for(&host);
    let mut ca_cert = None;
    for (key, value) in parsed.query_pairs() {
        match key.as_ref() {
            "sslmode" => tls = TlsPolicy::from_sslmode(&value)?,
            "sslrootcert" => ca_cert = Some(value.into_owned()),
            _ => {}
        }
    }
    let password = parsed
        .password()
        .map(crate::net::decoded)
        .filter(|p| !p.is_empty())
        .map(SecretString::new);
    let db = DbConnection {
        database: if database.is_empty() {
            "postgres".to_owned()
        } else {
            database
        },
        user: if user.is_empty() {
            "postgres".to_owned()
        } else {
            user
        },
        host,
        port,
        tls,
        ca_cert,
        has_password: password.is_some(),
    };
    Ok((db, password))
}
