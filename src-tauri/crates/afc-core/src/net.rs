//! Facts about network addresses that several layers need.

/// Whether `host` is this machine (where plain connections are acceptable by default).
pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "::1" | "[::1]") || host.starts_with("127.")
}

/// URL user-info and paths arrive percent-encoded.
pub fn decoded(part: &str) -> String {
    percent_encoding::percent_decode_str(part)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `url` without ever putting it in an error message (it may hold a password).
pub fn parse_secret_url(url: &str, what: &str) -> crate::Result<url::Url> {
    url::Url::parse(url.trim())
        .map_err(|e| crate::AppError::invalid_input(format!("The {what} URL is not valid ({e})")))
}
