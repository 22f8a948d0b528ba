//! The Database section: the schema browser ([`catalog`]), the keyset-paged table browser
//! ([`browse`]) with staged edits ([`edits`]), the SQL console ([`sql`]), and live activity with
//! a small advisor ([`activity`], [`advisor`]). Reads go through read-only snapshots; every
//! write asks the one write policy ([`crate::guard`]) first. Names of tables and columns are
//! always bound as parameters or [`ident`]-quoted; values always travel as bind parameters.

pub mod activity;
pub mod advisor;
pub mod browse;
pub mod catalog;
pub mod edits;
pub mod export;
mod mask;
pub mod sql;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{AuditAction, Event};
use crate::db::{Database, ident};
use crate::guard::{self, Confirmation, WritePermit};
use crate::{Console, Result};

pub use mask::is_secret_column;

/// A table (or view) by schema and name, as the operator picked it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct TableRef {
    pub schema: String,
    pub name: String,
}

impl TableRef {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// `schema.table` or `table` (in `public`), as an operator types it; quotes are honoured
    /// (`"My Schema"."A.b"`).
    pub fn parse(text: &str) -> Result<Self> {
        let parts = split_qualified(text.trim()).ok_or_else(|| {
            crate::AppError::invalid_input(format!(
                "\"{text}\" is not a table name: write table or schema.table (quote names with dots or capitals)"
            ))
        })?;
        Ok(match parts.as_slice() {
            [name] => Self::new("public", name.clone()),
            [schema, name] => Self::new(schema.clone(), name.clone()),
            _ => {
                return Err(crate::AppError::invalid_input(format!(
                    "\"{text}\" has more than two parts: write schema.table"
                )));
            }
        })
    }

    /// The quoted, qualified name for SQL.
    pub fn sql(&self) -> String {
        format!("{}.{}", ident(&self.schema), ident(&self.name))
    }
}

impl std::fmt::Display for TableRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

impl Console {
    /// Runs `change` on `db` when the write policy allows `action` on `subject` with the
    /// operator's `answer`; audited either way, with `detail` of a success.
    pub(crate) async fn guarded_db<T>(
        &self,
        db: &Database,
        action: AuditAction,
        subject: &str,
        answer: &Confirmation,
        change: impl AsyncFnOnce(WritePermit) -> Result<T>,
        detail: impl FnOnce(&T) -> Option<String>,
    ) -> Result<T> {
        let event = Event::new(action, db.environment.as_deref()).target(subject);
        let what = guard::what(action, Some(subject));
        guard::guarded(
            &self.audit,
            event,
            &what,
            &db.scope(),
            answer,
            change,
            detail,
        )
        .await
    }
}

/// `a.b` / `"a.b".c` → its parts, unquoted; unquoted parts fold to lower case as PostgreSQL
/// folds them. None when a quote is left open or a part is empty.
fn split_qualified(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.extend(c.to_lowercase());
                chars.next();
            }
        }
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        match chars.next() {
            None => return Some(parts),
            Some('.') => {}
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_parse_as_postgresql_reads_them() {
        assert_eq!(
            TableRef::parse("agents").unwrap(),
            TableRef::new("public", "agents")
        );
        assert_eq!(
            TableRef::parse("Auth.Users").unwrap(),
            TableRef::new("auth", "users")
        );
        assert_eq!(
            TableRef::parse(r#""My Schema"."a.""b""#).unwrap(),
            TableRef::new("My Schema", "a.\"b")
        );
        for bad in ["", "a..b", "\"open", "a.b.c", "\"a\"x"] {
            assert!(TableRef::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TableRef::new("My Schema", "a\"b").sql(),
            r#""My Schema"."a""b""#
        );
    }
}
