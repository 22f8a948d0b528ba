//! HS256 JSON Web Tokens, as the platform issues them (30-minute expiry by default), and the
//! three ways it treats one it is shown: valid, refused (401: bad signature or expired) and
//! malformed (the platform's unhandled error, a bare 500).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub enum Verdict {
    Valid(serde_json::Value),
    Refused,
    Malformed,
}

fn sign(secret: &[u8], input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(input.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn encode(secret: &[u8], claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let signature = sign(secret, &input);
    format!("{input}.{signature}")
}

/// Checks a token at `now` (seconds since the epoch). Tokens issued before `not_before` are
/// refused too (the server "forgot" them, to test renewal).
pub fn verify(secret: &[u8], token: &str, now: i64, not_before: i64) -> Verdict {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Verdict::Malformed;
    };
    let Some(claims) = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    else {
        return Verdict::Malformed;
    };
    if URL_SAFE_NO_PAD.decode(header).is_err() {
        return Verdict::Malformed;
    }
    if sign(secret, &format!("{header}.{payload}")) != *signature {
        return Verdict::Refused;
    }
    let exp = claims["exp"].as_i64().unwrap_or(0);
    let iat = claims["iat"].as_i64().unwrap_or(0);
    if exp <= now || iat < not_before {
        return Verdict::Refused;
    }
    Verdict::Valid(claims)
}
