//! Which kind of database this is (schema.md, "Databases the console must recognise"), decided
//! from its bookkeeping and tables only, never guessed from partial evidence.

use serde::Serialize;
use ts_rs::TS;

use super::canonical::TABLES;
use super::introspect::LiveSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// None of the platform's tables and no bookkeeping.
    Empty,
    /// The console's migration history table exists.
    ConsoleManaged,
    /// Built by the platform's Alembic migrations; `revision` is what `alembic_version` holds.
    Alembic { revision: String },
    /// All twelve tables, created by the API at start-up, with no bookkeeping at all.
    ApiCreated,
    /// Some of the tables and no bookkeeping: reported, never repaired by guesswork.
    Partial {
        present: Vec<String>,
        missing: Vec<String>,
    },
}

impl Shape {
    pub fn detect(live: &LiveSchema) -> Self {
        let (present, missing): (Vec<_>, Vec<_>) = TABLES
            .iter()
            .map(|t| t.name)
            .partition(|t| live.has_table(t));
        if live.console_history {
            Self::ConsoleManaged
        } else if let Some(rows) = &live.alembic {
            Self::Alembic {
                revision: rows.first().cloned().unwrap_or_else(|| "none".to_owned()),
            }
        } else if present.is_empty() {
            Self::Empty
        } else if missing.is_empty() {
            Self::ApiCreated
        } else {
            Self::Partial {
                present: present.into_iter().map(str::to_owned).collect(),
                missing: missing.into_iter().map(str::to_owned).collect(),
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Empty => "empty (none of the platform's tables)".into(),
            Self::ConsoleManaged => "managed by the console's migrations".into(),
            Self::Alembic { revision } => {
                format!("built by the platform's Alembic migrations (revision {revision})")
            }
            Self::ApiCreated => "created by the API at start-up (no migration bookkeeping)".into(),
            Self::Partial { present, missing } => format!(
                "partial: {} of the 12 tables and no migration bookkeeping (missing: {})",
                present.len(),
                missing.join(", ")
            ),
        }
    }
}
