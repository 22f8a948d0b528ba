//! [`SecretString`]: a secret value that cannot be printed by accident.
//!
//! Its `Debug` and `Display` print a placeholder, it has no `Serialize`, and creating one
//! registers the value with the log redactor, so even a value copied out with [`expose`] and
//! then logged is scrubbed from every log line.
//!
//! [`expose`]: SecretString::expose

use std::fmt;

use crate::logging::redact::{PLACEHOLDER, redactor};

#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        redactor().register(&value);
        Self(value)
    }

    /// A non-secret value handled alongside secrets (a plain variable): not registered with the
    /// log redactor, which would otherwise scrub ordinary words like `true` from every log line.
    pub(crate) fn plain(value: String) -> Self {
        Self(value)
    }

    /// The value itself: for the keyring, a connection, or an operator who asked to reveal it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Accepted from the window (a value typed to be stored); never serialised back.
impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString({PLACEHOLDER})")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PLACEHOLDER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_display_and_logs_never_show_the_value() {
        let secret = SecretString::new("hunter2-very-secret");
        assert_eq!(format!("{secret}"), PLACEHOLDER);
        assert_eq!(format!("{secret:?}"), "SecretString([REDACTED])");
        assert_eq!(
            format!("{:?}", Some(&secret)),
            "Some(SecretString([REDACTED]))"
        );
        let line = format!("connecting with {}", secret.expose());
        assert!(!redactor().redact(&line).contains("hunter2-very-secret"));
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }
}
