//! Connection details: splitting a pasted URL (the password goes to the keyring, never to the
//! settings), recognising Supabase's connection modes, and the TLS policy rules.

use serde::Serialize;
use ts_rs::TS;

use super::model::RedisConnection;
pub use crate::db::{ConnectionMode, DbConnection, TlsPolicy, parse_database_url, tls_warning};
use crate::keyring::SecretString;
pub use crate::net::is_local;
use crate::{AppError, Result};

/// A pasted URL split for the form that pasted it: the password goes back to that form, which
/// sends it to the keyring on save; it is never stored with the rest. (No `Debug`: it holds a
/// password.)
#[serde_with::skip_serializing_none]
#[derive(Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct PastedDatabaseUrl {
    pub connection: DbConnection,
    pub password: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct PastedRedisUrl {
    pub connection: RedisConnection,
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

/// Splits a pasted Redis URL (`redis://` or `rediss://`) into connection details and password.
pub fn parse_redis_url(url: &str) -> Result<(RedisConnection, Option<SecretString>)> {
    let parsed = crate::net::parse_secret_url(url, "Redis")?;
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
    let username =
        Some(crate::net::decoded(parsed.username())).filter(|u| !u.is_empty() && u != "default");
    let password = parsed
        .password()
        .map(crate::net::decoded)
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
            (5432, "postgres", TlsPolicy::Disable)
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
        use crate::api::check_api_url;
        assert!(check_api_url("http://127.0.0.1:8000", false).is_ok());
        assert!(check_api_url("ftp://x", true).is_err());
        assert!(check_api_url("localhost:8000", true).is_err());
        assert!(check_api_url("https://u:p@x", true).is_err());
        let e = check_api_url("http://api.example.com", false).unwrap_err();
        assert!(e.message.contains("plain http://"), "{e:?}");
        assert!(check_api_url("http://api.example.com", true).is_ok());
        assert!(check_api_url("https://api.example.com", false).is_ok());
    }
}
