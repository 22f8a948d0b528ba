//! The redaction hook: every log line is scrubbed of registered secret values before it is
//! written, whichever target it goes to. Features that load a secret register it here.

use std::borrow::Cow;
use std::io::Write;
use std::sync::{OnceLock, RwLock};

use tracing_subscriber::fmt::MakeWriter;

/// What a redacted secret is replaced with.
pub const PLACEHOLDER: &str = "[REDACTED]";
/// Values shorter than this are not registered: scrubbing every "on" or "1" from the logs would
/// make them useless, and such values are not secrets worth the name.
pub const MIN_SECRET_LEN: usize = 4;

#[derive(Default)]
pub struct Redactor {
    // Longest first, so a secret that contains another is replaced whole.
    secrets: RwLock<Vec<String>>,
}

/// The process-wide redactor the log writers consult.
pub fn redactor() -> &'static Redactor {
    static GLOBAL: OnceLock<Redactor> = OnceLock::new();
    GLOBAL.get_or_init(Redactor::default)
}

impl Redactor {
    /// Registers a secret value; returns false when it is too short to be redacted.
    pub fn register(&self, secret: &str) -> bool {
        if secret.chars().count() < MIN_SECRET_LEN {
            return false;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|p| p.into_inner());
        if !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_owned());
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
        true
    }

    pub fn forget(&self, secret: &str) {
        self.secrets
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|s| s != secret);
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let secrets = self.secrets.read().unwrap_or_else(|p| p.into_inner());
        let mut out = Cow::Borrowed(text);
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), PLACEHOLDER));
            }
        }
        out
    }
}

/// Wraps a log writer so each formatted event is redacted before it is written.
pub struct RedactingMakeWriter<M> {
    inner: M,
}

impl<M> RedactingMakeWriter<M> {
    pub fn new(inner: M) -> Self {
        Self { inner }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
        }
    }
}

pub struct RedactingWriter<W> {
    inner: W,
}

impl<W: Write> Write for RedactingWriter<W> {
    // The fmt layer formats a whole event and hands it over in one call, so a secret is never
    // split across two writes.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        match redactor().redact(&text) {
            Cow::Borrowed(_) => self.inner.write_all(buf)?,
            Cow::Owned(clean) => self.inner.write_all(clean.as_bytes())?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_replaced_longest_first() {
        let r = Redactor::default();
        assert!(r.register("hunter2-pass"));
        assert!(r.register("hunter2-pass-extended"));
        assert_eq!(
            r.redact("a=hunter2-pass-extended b=hunter2-pass"),
            format!("a={PLACEHOLDER} b={PLACEHOLDER}")
        );
        r.forget("hunter2-pass");
        assert_eq!(r.redact("b=hunter2-pass"), "b=hunter2-pass");
    }

    #[test]
    fn short_values_are_refused_and_clean_text_is_not_copied() {
        let r = Redactor::default();
        assert!(!r.register("abc"));
        assert!(matches!(r.redact("abc def"), Cow::Borrowed("abc def")));
    }
}
