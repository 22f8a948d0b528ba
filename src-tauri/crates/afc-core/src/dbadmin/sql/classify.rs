//! What a statement does, told from its words: whether it can be paged through a cursor,
//! whether it controls the transaction, and whether it destroys data (warned about before it
//! runs). The server, not this, is what keeps a read-only session from writing.

use serde::Serialize;
use ts_rs::TS;

use crate::migrate::split::{Word, words};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// SELECT, VALUES, TABLE, or a WITH whose parts only read: paged through a cursor.
    Query,
    /// INSERT, UPDATE, DELETE, MERGE (or a WITH that holds one): run prepared.
    Change,
    /// BEGIN, START, COMMIT, END, ROLLBACK, ABORT.
    Transaction,
    /// COPY: may read or write the server's files; never in a read-only session.
    Copy,
    /// Everything else (DDL, SET, SHOW, EXPLAIN, CALL, VACUUM …).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Classified {
    pub kind: StatementKind,
    /// The first key word, upper case (`SELECT`, `DROP`).
    pub command: String,
    /// Why the statement destroys data, when it does: the operator is asked first.
    #[ts(optional)]
    pub destructive: Option<String>,
}

fn is(w: Option<&Word>, text: &str) -> bool {
    w.is_some_and(|w| w.text == text)
}

pub fn classify(statement: &str) -> Classified {
    let ws = words(statement);
    let first = ws.first().map(|w| w.text.as_str()).unwrap_or("");
    let changes = |from: usize| {
        ws[from..]
            .iter()
            .any(|w| matches!(w.text.as_str(), "insert" | "update" | "delete" | "merge"))
    };
    let kind = match first {
        "select" | "values" | "table" => Query,
        "with" if changes(1) => Change,
        "with" => Query,
        "insert" | "update" | "delete" | "merge" => Change,
        "begin" | "start" | "commit" | "end" | "rollback" | "abort" => Transaction,
        "copy" => Copy,
        _ => Other,
    };
    use StatementKind::*;
    Classified {
        kind,
        command: first.to_uppercase(),
        destructive: destructive(&ws),
    }
}

/// DROP, TRUNCATE, ALTER … DROP, and DELETE or UPDATE without a WHERE at their own depth.
fn destructive(ws: &[Word]) -> Option<String> {
    let first = ws.first()?;
    match first.text.as_str() {
        "drop" => {
            let what = ws.get(1).map(|w| w.text.to_uppercase()).unwrap_or_default();
            return Some(format!("DROP {what} removes it and everything in it"));
        }
        "truncate" => return Some("TRUNCATE removes every row".to_owned()),
        "alter" if ws[1..].iter().any(|w| w.text == "drop") => {
            return Some("ALTER … DROP removes part of the object and its data".to_owned());
        }
        _ => {}
    }
    // Each DELETE/UPDATE (a WITH may hold several) needs a WHERE before its depth closes.
    for (i, w) in ws.iter().enumerate() {
        let verb = match w.text.as_str() {
            "delete" if is(ws.get(i + 1), "from") => "DELETE",
            // UPDATE t SET …, not ON UPDATE or FOR UPDATE.
            "update"
                if i == 0 || !matches!(ws[i - 1].text.as_str(), "on" | "for" | "no" | "key") =>
            {
                "UPDATE"
            }
            _ => continue,
        };
        let has_where = ws[i + 1..]
            .iter()
            .take_while(|x| x.depth >= w.depth)
            .any(|x| x.depth == w.depth && (x.text == "where" || x.text == "current"));
        if !has_where {
            return Some(format!("{verb} without WHERE changes every row"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        for (sql, kind) in [
            ("select 1", StatementKind::Query),
            ("  -- hi\n (SELECT 1)", StatementKind::Query),
            ("WITH a AS (SELECT 1) SELECT * FROM a", StatementKind::Query),
            (
                "WITH d AS (DELETE FROM t WHERE x RETURNING *) SELECT * FROM d",
                StatementKind::Change,
            ),
            ("values (1)", StatementKind::Query),
            ("UPDATE t SET a = 1 WHERE b", StatementKind::Change),
            ("commit", StatementKind::Transaction),
            ("COPY t TO '/tmp/x'", StatementKind::Copy),
            ("SET statement_timeout = 0", StatementKind::Other),
            ("SELECT 'delete from x'", StatementKind::Query),
        ] {
            assert_eq!(classify(sql).kind, kind, "{sql}");
        }
    }

    #[test]
    fn destructive_statements_are_named() {
        for sql in [
            "DROP TABLE agents",
            "truncate agents",
            "ALTER TABLE agents DROP COLUMN name",
            "DELETE FROM agents",
            "update agents set name = 'x'",
            "WITH d AS (DELETE FROM agents RETURNING *) SELECT count(*) FROM d WHERE true",
            "UPDATE t SET a = (SELECT b FROM u WHERE u.id = 1)",
        ] {
            assert!(classify(sql).destructive.is_some(), "{sql}");
        }
        for sql in [
            "DELETE FROM agents WHERE id = 'a'",
            "UPDATE agents SET name = 'x' WHERE id = 'a'",
            "SELECT * FROM agents FOR UPDATE",
            "CREATE TABLE t (a int REFERENCES u ON UPDATE CASCADE ON DELETE CASCADE)",
            "SELECT 'DROP TABLE x'",
            "-- DROP TABLE x\nSELECT 1",
            "UPDATE t SET a = 1 WHERE CURRENT OF c",
        ] {
            assert_eq!(classify(sql).destructive, None, "{sql}");
        }
    }
}
