//! The redaction hook: every log line is scrubbed of registered secret values before it is
//! written, whichever target it goes to. Features that load a secret register it here.

use std::borrow::Cow;
use std::io::Write;
use std::sync::{OnceLock, RwLock};

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use tracing_subscriber::fmt::MakeWriter;

/// What a redacted secret is replaced with.
pub const PLACEHOLDER: &str = "[REDACTED]";
/// Values shorter than this are redacted only where they stand alone (between non-alphanumeric
/// characters): scrubbing every "dev" inside other words would make the logs useless.
pub const MIN_SECRET_LEN: usize = 4;

/// Characters a URL's password escapes (what `url` does when it writes one), and every
/// non-alphanumeric one (what a form or query encoder does).
const USERINFO: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'|')
    .add(b'%');

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

/// A secret as it may appear in a log: itself and its percent-encoded forms (in a URL).
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_owned(),
        utf8_percent_encode(secret, USERINFO).to_string(),
        utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
    ];
    forms.dedup();
    forms
}

impl Redactor {
    /// Registers a secret value (and its percent-encoded forms); false for an empty one.
    pub fn register(&self, secret: &str) -> bool {
        if secret.is_empty() {
            return false;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|p| p.into_inner());
        for form in forms(secret) {
            if !secrets.contains(&form) {
                secrets.push(form);
            }
        }
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        true
    }

    pub fn forget(&self, secret: &str) {
        let forms = forms(secret);
        self.secrets
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|s| !forms.contains(s));
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let secrets = self.secrets.read().unwrap_or_else(|p| p.into_inner());
        let mut out = Cow::Borrowed(text);
        for secret in secrets.iter() {
            if !out.contains(secret.as_str()) {
                continue;
            }
            out = Cow::Owned(if secret.chars().count() >= MIN_SECRET_LEN {
                out.replace(secret.as_str(), PLACEHOLDER)
            } else {
                replace_standalone(&out, secret)
            });
        }
        out
    }
}

/// `text` with each occurrence of `short` that is not part of a longer word replaced.
fn replace_standalone(text: &str, short: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(short) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + short.len()..].chars().next();
        let alone =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..at]);
        out.push_str(if alone { PLACEHOLDER } else { short });
        rest = &rest[at + short.len()..];
    }
    out.push_str(rest);
    out
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
    fn short_values_are_redacted_where_they_stand_alone_and_clean_text_is_not_copied() {
        let r = Redactor::default();
        assert!(!r.register(""));
        assert!(r.register("dev"));
        assert_eq!(
            r.redact("password=dev host=devbox (dev)"),
            format!("password={PLACEHOLDER} host=devbox ({PLACEHOLDER})")
        );
        assert!(matches!(r.redact("abc def"), Cow::Borrowed("abc def")));
    }

    #[test]
    fn percent_encoded_forms_are_redacted_too() {
        let r = Redactor::default();
        assert!(r.register("p@ss:w/rd 1"));
        assert_eq!(
            r.redact("postgresql://u:p%40ss%3Aw%2Frd%201@h/db and p%40ss%3Aw%2Frd%201"),
            format!("postgresql://u:{PLACEHOLDER}@h/db and {PLACEHOLDER}")
        );
    }
}
