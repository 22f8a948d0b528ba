//! Which columns hold secrets: their values are masked in the table browser, the exports and
//! the audit log until the operator reveals them.

use std::sync::LazyLock;

use regex::Regex;

static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(password|passwd|secret|token|key_hash|api_key|private_key|hashed_)")
        .expect("a valid pattern")
});

/// `hashed_password`, `key_hash`, and names with token/secret/password in them.
pub fn is_secret_column(name: &str) -> bool {
    SECRET.is_match(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_looking_names() {
        for name in [
            "hashed_password",
            "key_hash",
            "refresh_token",
            "ClientSecret",
            "api_key",
        ] {
            assert!(super::is_secret_column(name), "{name}");
        }
        for name in ["name", "email", "keyword", "created_at"] {
            assert!(!super::is_secret_column(name), "{name}");
        }
    }
}
