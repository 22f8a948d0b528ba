//! Connection details: splitting a pasted URL (the password goes to the keyring, never to the
//! settings), recognising Supabase's connection modes, and the TLS policy rules.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::model::{DbConnection, RedisConnection};
use crate::secrets::SecretString;
use crate::{AppError, Result};

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

    fn from_sslmode(mode: &str) -> Result<Self> {
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

    /// The default for a host: full verification unless it is this machine.
    pub fn default_for(host: &str) -> Self {
        if is_local(host) {
            Self::Prefer
        } else {
            Self::VerifyFull
        }
    }
}

pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "::1" | "[::1]") || host.starts_with("127.")
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
        } else if is_local(&host) {
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
    if is_local(&db.host) || db.tls == TlsPolicy::VerifyFull {
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

pub fn check_api_url(url: &str) -> Result<Url> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        AppError::invalid_input(format!("The API URL \"{url}\" is not a valid URL ({e})"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(AppError::invalid_input(format!(
            "The API URL \"{url}\" must be an http:// or https:// address"
        )));
    }
    if parsed.password().is_some() || !parsed.username().is_empty() {
        return Err(AppError::invalid_input(
            "The API URL must not carry credentials: set an API key or login instead",
        ));
    }
    Ok(parsed)
}

/// URL user-info and paths arrive percent-encoded.
fn decoded(part: &str) -> String {
    percent_encoding::percent_decode_str(part)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `url` without ever putting it in an error message (it may hold a password).
fn parse_secret_url(url: &str, what: &str) -> Result<Url> {
    Url::parse(url.trim())
        .map_err(|e| AppError::invalid_input(format!("The {what} URL is not valid ({e})")))
}

/// A pasted URL split for the form that pasted it: the password goes back to that form, which
/// sends it to the keyring on save; it is never stored with the rest. (No `Debug`: it holds a
/// password.)
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PastedDatabaseUrl {
    pub connection: DbConnection,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PastedRedisUrl {
    pub connection: RedisConnection,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl PastedDatabaseUrl {
    pub fn parse(url: &str) -> Result<Self> {
        let (connection, password) = parse_database_url(url)?;
        Ok(Self {
            connection,
            password: password.map(|p| p.expose().to_owned()),
        })
    }
}

impl PastedRedisUrl {
    pub fn parse(url: &str) -> Result<Self> {
        let (connection, password) = parse_redis_url(url)?;
        Ok(Self {
            connection,
            password: password.map(|p| p.expose().to_owned()),
        })
    }
}

/// Splits a pasted PostgreSQL URL into connection details and its password.
pub fn parse_database_url(url: &str) -> Result<(DbConnection, Option<SecretString>)> {
    let parsed = parse_secret_url(url, "database")?;
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
    let database = decoded(parsed.path().trim_start_matches('/'));
    let user = decoded(parsed.username());
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
        .map(decoded)
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

/// Splits a pasted Redis URL (`redis://` or `rediss://`) into connection details and password.
pub fn parse_redis_url(url: &str) -> Result<(RedisConnection, Option<SecretString>)> {
    let parsed = parse_secret_url(url, "Redis")?;
    let tls = match parsed.scheme() {
        "redis" => false,
        "rediss" => true,
        other => {
            return Err(AppError::invalid_input(format!(
                "A Redis URL starts with redis:// or rediss:// (this one starts with {other}://)"
            )));
        }
    };
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| AppError::invalid_input("The Redis URL has no host"))?
        .to_owned();
    let path = parsed.path().trim_start_matches('/');
    let db = if path.is_empty() {
        0
    } else {
        path.parse().map_err(|_| {
            AppError::invalid_input(format!("The Redis database \"{path}\" is not a number"))
        })?
    };
    let username = Some(decoded(parsed.username())).filter(|u| !u.is_empty() && u != "default");
    let password = parsed
        .password()
        .map(decoded)
        .filter(|p| !p.is_empty())
        .map(SecretString::new);
    let redis = RedisConnection {
        host,
        port: parsed.port().unwrap_or(6379),
        db,
        username,
        tls,
        has_password: password.is_some(),
    };
    Ok((redis, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_database_url_is_split_and_its_password_kept_apart() {
        let (db, pw) = parse_database_url(
            "postgresql://postgres.abcd:p%40ss%2Fw0rd@aws-0-eu-west-1.pooler.supabase.com:5432/postgres?sslmode=require",
        )
        .unwrap();
        assert_eq!(db.host, "aws-0-eu-west-1.pooler.supabase.com");
        assert_eq!(
            (db.port, db.database.as_str(), db.user.as_str()),
            (5432, "postgres", "postgres.abcd")
        );
        assert_eq!(db.tls, TlsPolicy::Require);
        assert!(db.has_password);
        assert_eq!(pw.unwrap().expose(), "p@ss/w0rd");
        let stored = serde_json::to_string(&db).unwrap();
        assert!(!stored.contains("p@ss"), "{stored}");
    }

    #[test]
    fn defaults_and_errors_never_echo_the_url() {
        let (db, pw) = parse_database_url("postgres://localhost/app").unwrap();
        assert_eq!(
            (db.port, db.user.as_str(), db.tls),
            (5432, "postgres", TlsPolicy::Prefer)
        );
        assert!(pw.is_none() && !db.has_password);
        let (remote, _) = parse_database_url("postgresql://u@db.example.com/app").unwrap();
        assert_eq!(remote.tls, TlsPolicy::VerifyFull);
        for bad in [
            "mysql://u:hunter22@h/db",
            "not a url hunter22",
            "postgresql://u:hunter22@/db",
        ] {
            let e = parse_database_url(bad).unwrap_err();
            assert!(!e.message.contains("hunter22"), "{}", e.message);
        }
        assert!(parse_database_url("postgresql://h/db?sslmode=sometimes").is_err());
        let (with_ca, _) = parse_database_url(
            "postgresql://u@db.x.supabase.co/postgres?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        )
        .unwrap();
        assert_eq!(with_ca.ca_cert.as_deref(), Some("/etc/ca.pem"));
        let mut env = crate::environments::Environment::new("x", crate::environments::EnvKind::Dev);
        env.database = Some(with_ca);
        let e = env.validate().unwrap_err();
        assert!(
            e.message.contains("/etc/ca.pem"),
            "a missing CA file is refused: {e:?}"
        );
    }

    #[test]
    fn redis_urls() {
        let (r, pw) = parse_redis_url("rediss://default:s3cret@cache.example.com:6380/2").unwrap();
        assert_eq!(
            (r.host.as_str(), r.port, r.db, r.tls),
            ("cache.example.com", 6380, 2, true)
        );
        assert_eq!(r.username, None);
        assert_eq!(pw.unwrap().expose(), "s3cret");
        let (r, pw) = parse_redis_url("redis://127.0.0.1").unwrap();
        assert_eq!((r.port, r.db, r.tls, pw.is_none()), (6379, 0, false, true));
        assert!(parse_redis_url("http://x").is_err());
        assert!(parse_redis_url("redis://x/abc").is_err());
    }

    #[test]
    fn connection_modes() {
        use ConnectionMode::*;
        assert_eq!(
            ConnectionMode::detect("db.abcdefgh.supabase.co", 5432),
            SupabaseDirect
        );
        assert_eq!(
            ConnectionMode::detect("aws-0-us-east-1.pooler.supabase.com", 5432),
            SupabaseSessionPooler
        );
        assert_eq!(
            ConnectionMode::detect("aws-0-us-east-1.pooler.supabase.com", 6543),
            SupabaseTransactionPooler
        );
        assert_eq!(ConnectionMode::detect("127.0.0.1", 54322), Local);
        assert_eq!(ConnectionMode::detect("pg.internal", 5432), Direct);
    }

    #[test]
    fn weaker_tls_on_remote_hosts_is_a_warning() {
        let (mut db, _) = parse_database_url("postgresql://u@db.x.supabase.co/postgres").unwrap();
        assert_eq!(tls_warning(&db), None);
        db.tls = TlsPolicy::Require;
        assert!(tls_warning(&db).unwrap().contains("not verified"));
        db.host = "localhost".into();
        db.tls = TlsPolicy::Disable;
        assert_eq!(tls_warning(&db), None);
    }

    #[test]
    fn api_urls() {
        assert!(check_api_url("http://127.0.0.1:8000").is_ok());
        assert!(check_api_url("ftp://x").is_err());
        assert!(check_api_url("localhost:8000").is_err());
        assert!(check_api_url("https://u:p@x").is_err());
    }
}
