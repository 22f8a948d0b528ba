//! The migrations the console ships: `NNNN_name.up.sql` with an optional `NNNN_name.down.sql`,
//! embedded in the binary at build time, or read from a folder (`--migrations-dir`).
//!
//! Directives are comment lines in the up file:
//! - `-- afc:no-transaction`: run outside a transaction (needed for `CREATE INDEX CONCURRENTLY`);
//! - `-- afc:irreversible <reason>`: there is no down migration, and why;
//! - `-- afc:requires-function <schema.fn()>` / `-- afc:requires-role <role>`: run only where these
//!   exist (Supabase's `auth.uid()`); elsewhere the plan says the migration does not apply.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::split::{Statement, split};
use crate::schema::introspect::LiveSchema;
use crate::schema::policies;
use crate::{AppError, Result};

/// What must exist in the database for a migration to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Requirement {
    Function(String),
    Role(String),
}

#[derive(Debug, Clone)]
pub struct Migration {
    pub version: u32,
    pub name: String,
    /// The up file's name, e.g. `0001_core_tables.up.sql`.
    pub file: String,
    pub sql: String,
    /// SHA-256 of the up file (line endings normalised), hex.
    pub checksum: String,
    pub transactional: bool,
    /// Why it cannot be reversed, when it cannot.
    pub irreversible: Option<String>,
    pub down: Option<String>,
    pub requires: Vec<Requirement>,
}

impl Migration {
    pub fn statements(&self) -> Vec<Statement> {
        split(&self.sql)
    }

    /// Adoption's repair script as a pseudo-migration (version 0), so the same lint reads it.
    pub(crate) fn repair(sql: String) -> Self {
        Self {
            version: 0,
            name: "adoption_repair".into(),
            file: "adoption repair".into(),
            checksum: hex(&Sha256::digest(sql.as_bytes())),
            sql,
            transactional: true,
            irreversible: None,
            down: None,
            requires: Vec::new(),
        }
    }

    /// `0001_core_tables`: the label used in messages.
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }
}

/// The statements each of `pending` runs on a database in the state `live`. The first that
/// creates the console's row-level security policies first drops every policy on the platform's
/// tables the console did not create (the platform's own policy file's, by name): policies are
/// OR-ed, and one left beside the console's keeps granting — and recursing — as before. The
/// drops are placed at its first `CREATE POLICY`, so an error in one points there.
pub fn statements_on(pending: &[&Migration], live: &LiveSchema) -> Vec<Vec<Statement>> {
    let mut replaced = false;
    pending
        .iter()
        .map(|m| {
            let mut statements = m.statements();
            let first_policy = statements
                .iter()
                .position(|s| s.sql.trim_start().starts_with("CREATE POLICY"));
            if let Some(at) = first_policy.filter(|_| !replaced) {
                replaced = true;
                let (offset, line) = (statements[at].offset, statements[at].line);
                let drops: Vec<Statement> = policies::foreign(live)
                    .map(|p| Statement {
                        sql: p.drop_sql(),
                        offset,
                        line,
                    })
                    .collect();
                statements.splice(at..at, drops);
            }
            statements
        })
        .collect()
}

/// Every shipped migration, ordered by version.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    migrations: Vec<Migration>,
}

const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

impl MigrationSet {
    /// The migrations built into this binary from the repository's `migrations/` folder.
    pub fn embedded() -> Self {
        Self::from_files(
            EMBEDDED
                .iter()
                .map(|(n, s)| ((*n).to_owned(), (*s).to_owned())),
        )
        .expect("the shipped migrations are well-formed (a unit test checks)")
    }

    /// The `.sql` files of `dir` (other files, like a README, are ignored).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let entries = std::fs::read_dir(dir).map_err(|e| AppError::io("read", dir, &e))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| AppError::io("read", dir, &e))?.path();
            if path.extension().is_some_and(|e| e == "sql") {
                let sql =
                    std::fs::read_to_string(&path).map_err(|e| AppError::io("read", &path, &e))?;
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                files.push((name, sql));
            }
        }
        Self::from_files(files.into_iter())
    }

    pub fn from_files(files: impl Iterator<Item = (String, String)>) -> Result<Self> {
        let mut ups: BTreeMap<u32, Migration> = BTreeMap::new();
        let mut downs: BTreeMap<u32, (String, String)> = BTreeMap::new();
        for (file, sql) in files {
            let (version, name, up) = parse_file_name(&file)?;
            let sql = sql.replace("\r\n", "\n");
            if !up {
                downs.insert(version, (name, sql));
                continue;
            }
            if let Some(other) = ups.get(&version) {
                return Err(AppError::invalid_input(format!(
                    "Two migrations have version {version}: {} and {file}",
                    other.file
                )));
            }
            ups.insert(version, parse_up(version, name, file, sql)?);
        }
        for (version, (name, sql)) in downs {
            let Some(m) = ups.get_mut(&version) else {
                return Err(AppError::invalid_input(format!(
                    "{version:04}_{name}.down.sql has no matching up migration"
                )));
            };
            if let Some(reason) = &m.irreversible {
                return Err(AppError::invalid_input(format!(
                    "{} is declared irreversible ({reason}) but has a down file",
                    m.file
                )));
            }
            m.down = Some(sql);
        }
        Ok(Self {
            migrations: ups.into_values().collect(),
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Migration> {
        self.migrations.iter()
    }

    pub fn get(&self, version: u32) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.version == version)
    }

    pub fn len(&self) -> usize {
        self.migrations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }
}

/// `0001_core_tables.up.sql` → (1, "core_tables", true).
fn parse_file_name(file: &str) -> Result<(u32, String, bool)> {
    let bad = || {
        AppError::invalid_input(format!(
            "\"{file}\" is not a migration file name: expected NNNN_name.up.sql or NNNN_name.down.sql"
        ))
    };
    let (stem, up) = if let Some(s) = file.strip_suffix(".up.sql") {
        (s, true)
    } else if let Some(s) = file.strip_suffix(".down.sql") {
        (s, false)
    } else {
        return Err(bad());
    };
    let (number, name) = stem.split_once('_').ok_or_else(bad)?;
    let version = number.parse::<u32>().map_err(|_| bad())?;
    if name.is_empty() || version == 0 {
        return Err(bad());
    }
    Ok((version, name.to_owned(), up))
}

fn parse_up(version: u32, name: String, file: String, sql: String) -> Result<Migration> {
    let mut m = Migration {
        version,
        name,
        checksum: hex(&Sha256::digest(sql.as_bytes())),
        file,
        transactional: true,
        irreversible: None,
        down: None,
        requires: Vec::new(),
        sql,
    };
    for line in m.sql.lines() {
        let Some(directive) = line.trim().strip_prefix("-- afc:") else {
            continue;
        };
        let (key, value) = directive.split_once(' ').unwrap_or((directive, ""));
        let value = value.trim().to_owned();
        match key {
            "no-transaction" => m.transactional = false,
            "irreversible" if !value.is_empty() => m.irreversible = Some(value),
            "requires-function" if !value.is_empty() => {
                m.requires.push(Requirement::Function(value))
            }
            "requires-role" if !value.is_empty() => m.requires.push(Requirement::Role(value)),
            _ => {
                return Err(AppError::invalid_input(format!(
                    "{}: unknown or incomplete directive \"-- afc:{directive}\"",
                    m.file
                )));
            }
        }
    }
    if m.statements().is_empty() {
        return Err(AppError::invalid_input(format!(
            "{} holds no SQL statement",
            m.file
        )));
    }
    Ok(m)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Result<MigrationSet> {
        MigrationSet::from_files(list.iter().map(|(n, s)| ((*n).to_owned(), (*s).to_owned())))
    }

    #[test]
    fn the_shipped_migrations_load_in_order_with_their_directives() {
        let set = MigrationSet::embedded();
        let labels: Vec<String> = set.iter().map(Migration::label).collect();
        assert_eq!(
            labels,
            [
                "0001_core_tables",
                "0002_performance_indexes",
                "0003_alembic_stamp",
                "0004_supabase_rls",
                "0005_rls_keep_owners"
            ]
        );
        let core = set.get(1).unwrap();
        assert!(
            core.irreversible
                .as_deref()
                .unwrap()
                .contains("delete every row")
        );
        assert!(core.down.is_none());
        assert!(set.get(2).unwrap().down.is_some());
        for supabase_only in [4, 5] {
            assert_eq!(
                set.get(supabase_only).unwrap().requires,
                vec![
                    Requirement::Function("auth.uid()".into()),
                    Requirement::Role("service_role".into())
                ]
            );
        }
        assert_eq!(core.checksum.len(), 64);
    }

    #[test]
    fn checksums_ignore_line_endings_but_not_content() {
        let a = files(&[("0001_a.up.sql", "SELECT 1;\n")]).unwrap();
        let b = files(&[("0001_a.up.sql", "SELECT 1;\r\n")]).unwrap();
        let c = files(&[("0001_a.up.sql", "SELECT 2;\n")]).unwrap();
        let sum = |s: &MigrationSet| s.get(1).unwrap().checksum.clone();
        assert_eq!(sum(&a), sum(&b));
        assert_ne!(sum(&a), sum(&c));
    }

    #[test]
    fn malformed_sets_are_refused_with_the_file_named() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("create.sql", "SELECT 1;")], "create.sql"),
            (
                &[
                    ("0001_a.up.sql", "SELECT 1;"),
                    ("0001_b.up.sql", "SELECT 1;"),
                ],
                "0001_b.up.sql",
            ),
            (&[("0002_x.down.sql", "SELECT 1;")], "0002_x.down.sql"),
            (
                &[("0001_a.up.sql", "-- afc:frobnicate\nSELECT 1;")],
                "afc:frobnicate",
            ),
            (&[("0001_a.up.sql", "-- only a comment\n")], "0001_a.up.sql"),
            (
                &[
                    ("0001_a.up.sql", "-- afc:irreversible no\nSELECT 1;"),
                    ("0001_a.down.sql", "SELECT 1;"),
                ],
                "declared irreversible",
            ),
        ];
        for (list, needle) in cases {
            let err = files(list).unwrap_err();
            assert!(err.message.contains(needle), "{needle}: {}", err.message);
        }
    }
}
