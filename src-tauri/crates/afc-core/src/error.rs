//! The one error type that crosses every boundary: IPC, CLI output and logs.
//!
//! The UI branches on [`ErrorCode`], never on message text, so codes are a stable contract:
//! add new ones, never rename them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Stable, machine-readable error categories (serialised in `snake_case`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Unreachable,
    Timeout,
    Unauthorized,
    RateLimited,
    Conflict,
    UnsafeInProduction,
    KeyringUnavailable,
    MigrationDrift,
    /// A migration statement failed on the server; the message names the file and statement.
    MigrationFailed,
    /// The platform's API failed (a 5xx that is not its rate limiter); the details carry the
    /// request id when it sent one.
    ServerError,
    Internal,
}

impl std::fmt::Display for ErrorCode {
    /// The wire name (`not_found`, …): serde's renaming is the one source of the names.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => f.write_str(&name),
            _ => write!(f, "{self:?}"),
        }
    }
}

/// `{code, message, details?}`: what the operator sees, plus optional details they can copy.
///
/// `message` is written for the operator; `details` carries what they need to act (a path, the
/// server's text). Internal causes that mean nothing to an operator belong in the log instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// An I/O failure on a file the operator may need to inspect: the path goes in the details.
    pub fn io(action: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        let code = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorCode::NotFound,
            _ => ErrorCode::Internal,
        };
        Self::new(code, format!("Could not {action} {}", path.display()))
            .with_details(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_and_optional_details() {
        let plain = AppError::new(ErrorCode::UnsafeInProduction, "no");
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            serde_json::json!({"code": "unsafe_in_production", "message": "no"})
        );
        let detailed = AppError::invalid_input("bad").with_details("line 3");
        assert_eq!(
            serde_json::to_value(&detailed).unwrap(),
            serde_json::json!({"code": "invalid_input", "message": "bad", "details": "line 3"})
        );
    }

    #[test]
    fn displays_the_wire_name() {
        assert_eq!(
            ErrorCode::UnsafeInProduction.to_string(),
            "unsafe_in_production"
        );
        assert_eq!(ErrorCode::Internal.to_string(), "internal");
    }

    #[test]
    fn io_errors_keep_the_path_for_the_operator() {
        let err = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = AppError::io("read", std::path::Path::new("/x/settings.json"), &err);
        assert_eq!(e.code, ErrorCode::NotFound);
        assert!(e.message.contains("/x/settings.json"));
        assert_eq!(e.details.as_deref(), Some("gone"));
    }
}
