//! The credentials an environment uses with its API, and the login token kept in memory only.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::AppError;
use crate::Result;
use crate::keyring::SecretString;

/// Renew a token this long before it expires, so no call goes out with one about to lapse.
const RENEW_BEFORE: Duration = Duration::from_secs(60);

/// The platform's token lifetime, assumed when a token's expiry cannot be read.
const PLATFORM_LIFETIME: Duration = Duration::from_secs(30 * 60);

pub enum Credentials {
    None,
    /// An `af_` key, sent as `X-API-Key`.
    ApiKey(SecretString),
    /// An email and password exchanged for a bearer token by `POST /api/v1/auth/login`.
    Login {
        email: String,
        password: SecretString,
    },
    /// Configured, but not readable now (no keyring, or not stored): calls that need them fail
    /// with this error; calls that need none still run.
    Unavailable(AppError),
}

impl Credentials {
    pub fn is_login(&self) -> bool {
        matches!(self, Self::Login { .. })
    }
}

struct Token {
    value: SecretString,
    renew_at: SystemTime,
}

/// The current login token; one login at a time, however many callers need a token.
#[derive(Default)]
pub struct TokenCache(tokio::sync::Mutex<Option<Token>>);

impl TokenCache {
    pub async fn forget(&self) {
        *self.0.lock().await = None;
    }

    /// The cached token, or a new one from `login` (which returns the token and its `exp`).
    pub async fn get_or_login<F, Fut>(&self, login: F) -> Result<SecretString>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(SecretString, Option<i64>)>>,
    {
        let mut slot = self.0.lock().await;
        if let Some(t) = slot.as_ref()
            && SystemTime::now() < t.renew_at
        {
            return Ok(t.value.clone());
        }
        let (value, exp) = login().await?;
        let expires = exp
            .and_then(|s| u64::try_from(s).ok())
            .map(|s| UNIX_EPOCH + Duration::from_secs(s))
            .unwrap_or_else(|| SystemTime::now() + PLATFORM_LIFETIME);
        let renew_at = expires.checked_sub(RENEW_BEFORE).unwrap_or(expires);
        *slot = Some(Token {
            value: value.clone(),
            renew_at,
        });
        Ok(value)
    }
}

/// A JWT's `exp` claim (seconds since the epoch), read without verifying: the console only
/// needs to know when to renew; the API verifies.
pub fn jwt_expiry(token: &str) -> Option<i64> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_expiry_of_a_token() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"u","exp":1900000000}"#);
        assert_eq!(jwt_expiry(&format!("h.{payload}.s")), Some(1_900_000_000));
        assert_eq!(jwt_expiry("not-a-token"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
    }

    #[tokio::test]
    async fn a_token_near_expiry_is_renewed() {
        let cache = TokenCache::default();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let first = cache
            .get_or_login(|| async move { Ok((SecretString::new("one"), Some(now + 30))) })
            .await
            .unwrap();
        assert_eq!(first.expose(), "one");
        // 30 s left is inside the renewal margin: the next call logs in again.
        let second = cache
            .get_or_login(|| async move { Ok((SecretString::new("two"), Some(now + 1800))) })
            .await
            .unwrap();
        assert_eq!(second.expose(), "two");
        let third = cache
            .get_or_login(|| async { Err(AppError::internal("must not log in")) })
            .await
            .unwrap();
        assert_eq!(third.expose(), "two");
    }
}
