//! Lint of pending SQL: what a statement will do to a live database beyond its intent, so the
//! operator can see destructive steps, table rewrites and write-blocking locks before applying.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use ts_rs::TS;

use super::source::Migration;
use super::split::Statement;
use crate::schema::Severity;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LintFinding {
    pub version: u32,
    /// 1-based statement number within the migration.
    pub statement: u32,
    pub line: u32,
    pub severity: Severity,
    /// Stable rule name, e.g. `blocks-writes`.
    pub rule: String,
    pub message: String,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("lint patterns are valid")
}

static CREATE_TABLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?([\w.]+)"));
static CREATE_INDEX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?(?:[\w.]+ )?ON (?:ONLY )?([\w.]+)",
    )
});
static ALTER_TABLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?([\w.]+)"));
static CONCURRENTLY: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:CREATE (?:UNIQUE )?INDEX|DROP INDEX|REINDEX \w+) CONCURRENTLY"));
static DESTRUCTIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:DROP (?:TABLE|SCHEMA|COLUMN)|TRUNCATE)|\bDROP COLUMN\b|^DELETE FROM [\w.]+$|^UPDATE [\w.]+ SET (?:[^W]|W[^H])*$",
    )
});
static REWRITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:ALTER COLUMN [\w]+ (?:SET DATA )?TYPE)\b|^VACUUM FULL|^CLUSTER|ADD COLUMN .* DEFAULT .*(?:RANDOM|GEN_RANDOM_UUID|UUID_GENERATE_V4|CLOCK_TIMESTAMP)\(",
    )
});
/// Constraints PostgreSQL checks against every row while the table is locked (unless NOT VALID).
static SCANS_UNDER_LOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r"SET NOT NULL|FOREIGN KEY|UNIQUE|PRIMARY KEY|CHECK"));

/// Uppercase, comments and quoted literals blanked, whitespace collapsed: what the rules match.
fn normalise(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_literal = false;
    for line in sql.lines() {
        let code = line.split("--").next().unwrap_or("");
        for ch in code.chars() {
            if ch == '\'' {
                in_literal = !in_literal;
                out.push('\'');
            } else if !in_literal {
                out.push(ch.to_ascii_uppercase());
            }
        }
        out.push(' ');
    }
    let collapsed: Vec<&str> = out.split_whitespace().collect();
    collapsed.join(" ").replace('"', "")
}

fn table_name(raw: &str) -> String {
    raw.trim_start_matches("PUBLIC.").to_ascii_lowercase()
}

/// Lints every statement of `pending`, in order. Tables created earlier in the same run are new
/// and empty, so locks and scans on them are harmless and not reported.
pub fn lint(pending: &[(&Migration, Vec<Statement>)]) -> Vec<LintFinding> {
    let mut created: HashSet<String> = HashSet::new();
    let mut findings = Vec::new();
    for (m, statements) in pending {
        for (i, s) in statements.iter().enumerate() {
            let sql = normalise(&s.sql);
            let mut add = |severity, rule: &str, message: String| {
                findings.push(LintFinding {
                    version: m.version,
                    statement: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    line: s.line,
                    severity,
                    rule: rule.to_owned(),
                    message,
                });
            };
            if let Some(c) = CREATE_TABLE.captures(&sql) {
                created.insert(table_name(&c[1]));
            }
            if m.transactional && CONCURRENTLY.is_match(&sql) {
                add(
                    Severity::Error,
                    "concurrently-in-transaction",
                    "CONCURRENTLY cannot run inside a transaction block: declare \"-- afc:no-transaction\" in this migration".into(),
                );
            }
            if DESTRUCTIVE.is_match(&sql) {
                add(
                    Severity::Warning,
                    "destructive",
                    "Deletes data (a table, column or rows): it cannot be undone by a down migration".into(),
                );
            }
            let rewrites = REWRITE.is_match(&sql);
            if rewrites {
                add(
                    Severity::Warning,
                    "table-rewrite",
                    "Rewrites the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait until it finishes".into(),
                );
            }
            if let Some(c) = CREATE_INDEX.captures(&sql) {
                let table = table_name(&c[2]);
                if c.get(1).is_none() && !created.contains(&table) {
                    add(
                        Severity::Warning,
                        "blocks-writes",
                        format!(
                            "CREATE INDEX holds a SHARE lock on {table} while it builds: writes to {table} wait (CREATE INDEX CONCURRENTLY avoids this)"
                        ),
                    );
                }
            } else if let Some(c) = ALTER_TABLE.captures(&sql).filter(|_| !rewrites) {
                let table = table_name(&c[1]);
                if !created.contains(&table) {
                    if SCANS_UNDER_LOCK.is_match(&sql) && !sql.contains("NOT VALID") {
                        add(
                            Severity::Warning,
                            "blocks-writes",
                            format!(
                                "Scans {table} while holding an ACCESS EXCLUSIVE lock: reads and writes wait (add the constraint NOT VALID, then VALIDATE it, to avoid this)"
                            ),
                        );
                    } else {
                        add(
                            Severity::Info,
                            "brief-lock",
                            format!(
                                "Takes a brief ACCESS EXCLUSIVE lock on {table}; it waits behind any open transaction using {table}"
                            ),
                        );
                    }
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::source::MigrationSet;

    fn lint_files(files: &[(&str, &str)]) -> Vec<LintFinding> {
        let set = MigrationSet::from_files(
            files
                .iter()
                .map(|(n, s)| ((*n).to_owned(), (*s).to_owned())),
        )
        .unwrap();
        let pending: Vec<_> = set.iter().map(|m| (m, m.statements())).collect();
        lint(&pending)
    }

    fn rules(findings: &[LintFinding]) -> Vec<(u32, u32, &str)> {
        findings
            .iter()
            .map(|f| (f.version, f.statement, f.rule.as_str()))
            .collect()
    }

    #[test]
    fn the_shipped_migrations_on_an_empty_database_are_clean() {
        let set = MigrationSet::embedded();
        let pending: Vec<_> = set.iter().take(3).map(|m| (m, m.statements())).collect();
        let findings = lint(&pending);
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn reports_each_risk_with_its_statement() {
        let findings = lint_files(&[
            (
                "0001_a.up.sql",
                "CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n\
                 CREATE INDEX CONCURRENTLY j ON public.users (email);\n\
                 ALTER TABLE users ADD COLUMN x int;\n\
                 ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\
                 ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\n\
                 ALTER TABLE \"orders\" ALTER COLUMN total TYPE numeric;\n\
                 DROP TABLE old; DELETE FROM logs; DELETE FROM logs WHERE id = 1;\n\
                 UPDATE t SET x = 'WHERE'; UPDATE t SET x = 1 WHERE id = 2;",
            ),
            (
                "0002_b.up.sql",
                "-- afc:no-transaction\nCREATE INDEX CONCURRENTLY k ON users (email);",
            ),
        ]);
        assert_eq!(
            rules(&findings),
            vec![
                (1, 3, "concurrently-in-transaction"),
                (1, 4, "brief-lock"),
                (1, 5, "blocks-writes"),
                (1, 6, "brief-lock"),
                (1, 7, "table-rewrite"),
                (1, 8, "destructive"),
                (1, 9, "destructive"),
                (1, 11, "destructive"),
            ]
        );
        assert_eq!(findings[0].line, 3);
        assert_eq!(findings[0].severity, Severity::Error);
    }

    #[test]
    fn index_on_an_existing_table_blocks_writes() {
        let findings = lint_files(&[(
            "0001_a.up.sql",
            "CREATE UNIQUE INDEX ix ON public.api_keys (key_hash);",
        )]);
        assert_eq!(rules(&findings), vec![(1, 1, "blocks-writes")]);
        assert!(findings[0].message.contains("api_keys"));
    }
}
