//! `afctl db` as an operator's terminal and a pipeline use it: tables, describe, rows by keyset,
//! SQL read-only by default with the write policy's answers, activity and the advisor.

use test_support::afctl::{json, text};
use test_support::assert_contains;
use test_support::postgres::TestDb;

use crate::afctl;

fn add_env(dir: &std::path::Path, name: &str, db: &TestDb, safety: &str) {
    let out = afctl(
        dir,
        &[
            "env",
            "add",
            name,
            "--kind",
            "staging",
            "--db-url",
            &db.url(),
            "--safety",
            safety,
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn tables_describe_and_rows_page_by_key() {
    let db = TestDb::create();
    db.sql("CREATE TABLE \"My Items\" (id int PRIMARY KEY, name text, key_hash text);
            INSERT INTO \"My Items\" SELECT i, 'item ' || i, 'h' || i FROM generate_series(1, 25) i;");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let url = db.url();

    let tables = afctl(dir, &["--json", "db", "tables", "--database-url", &url], "");
    assert!(tables.status.success(), "{}", text(&tables));
    let listed = json(&tables);
    assert_eq!(listed[0]["name"], "My Items");
    assert_eq!(listed[0]["exposedWithoutRls"], true);

    let described = afctl(
        dir,
        &[
            "db",
            "describe",
            "\"My Items\"",
            "--ddl",
            "--database-url",
            &url,
        ],
        "",
    );
    assert_contains(
        &text(&described),
        &["CREATE TABLE public.\"My Items\"", "PRIMARY KEY (id)"],
    );

    let first = afctl(
        dir,
        &[
            "db",
            "rows",
            "\"My Items\"",
            "--limit",
            "10",
            "--database-url",
            &url,
        ],
        "",
    );
    let out = text(&first);
    assert_contains(
        &out,
        &[
            "item 10",
            "(10 rows)",
            "next page: --after '[\"10\"]'",
            "••••••",
        ],
    );
    assert!(!out.contains("h3"), "key_hash masked: {out}");
    let last = afctl(
        dir,
        &[
            "--json",
            "db",
            "rows",
            "\"My Items\"",
            "--after",
            "[\"20\"]",
            "--where",
            "name~item",
            "--database-url",
            &url,
        ],
        "",
    );
    let page = json(&last);
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    assert!(page["next"].is_null());
    let csv = afctl(
        dir,
        &[
            "db",
            "rows",
            "\"My Items\"",
            "--where",
            "id<=2",
            "--reveal",
            "--csv",
            "--database-url",
            &url,
        ],
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&csv.stdout),
        "id,name,key_hash\n1,item 1,h1\n2,item 2,h2\n"
    );
    let bad = afctl(
        dir,
        &[
            "db",
            "rows",
            "\"My Items\"",
            "--where",
            "id",
            "--database-url",
            &url,
        ],
        "",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_contains(&text(&bad), &["is not a condition"]);
}

#[test]
fn queries_are_read_only_unless_written_and_the_policy_answers() {
    let db = TestDb::create();
    db.sql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    add_env(dir, "stage", &db, "protected");
    add_env(dir, "mirror", &db, "read-only");
    add_env(dir, "lab", &db, "open");

    // Read-only by default, even on an open environment: the server refuses, exit 1.
    let ro = afctl(
        dir,
        &["db", "query", "--env", "lab", "INSERT INTO t VALUES (3)"],
        "",
    );
    assert_eq!(ro.status.code(), Some(1), "{}", text(&ro));
    assert_contains(&text(&ro), &["read-only transaction"]);
    let read = afctl(
        dir,
        &[
            "--json",
            "db",
            "query",
            "--env",
            "stage",
            "SELECT count(*) AS n FROM t; SELECT 'x' AS y",
        ],
        "",
    );
    assert!(read.status.success(), "{}", text(&read));
    assert_eq!(json(&read)[0]["rows"][0]["n"], "2");
    assert_eq!(json(&read)[1]["rows"][0]["y"], "x");

    // --write: never on read-only; the name on protected; open just writes.
    let refused = afctl(
        dir,
        &[
            "db",
            "query",
            "--env",
            "mirror",
            "--write",
            "--confirm",
            "mirror",
            "INSERT INTO t VALUES (3)",
        ],
        "",
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let unnamed = afctl(
        dir,
        &[
            "db",
            "query",
            "--env",
            "stage",
            "--write",
            "INSERT INTO t VALUES (3)",
        ],
        "",
    );
    assert_eq!(unnamed.status.code(), Some(1), "{}", text(&unnamed));
    assert_contains(&text(&unnamed), &["--confirm stage"]);
    let named = afctl(
        dir,
        &[
            "db",
            "query",
            "--env",
            "stage",
            "--write",
            "--confirm",
            "stage",
            "INSERT INTO t VALUES (3)",
        ],
        "",
    );
    assert!(named.status.success(), "{}", text(&named));
    let open = afctl(
        dir,
        &[
            "db",
            "query",
            "--env",
            "lab",
            "--write",
            "INSERT INTO t VALUES (4)",
        ],
        "",
    );
    assert!(open.status.success(), "{}", text(&open));
    assert_eq!(db.sql("SELECT count(*) FROM t"), "4");

    // Destroying data needs its own yes.
    let destroy = afctl(
        dir,
        &["db", "query", "--env", "lab", "--write", "DELETE FROM t"],
        "",
    );
    assert_eq!(destroy.status.code(), Some(1), "{}", text(&destroy));
    assert_contains(&text(&destroy), &["DELETE without WHERE", "--yes"]);
    assert_eq!(db.sql("SELECT count(*) FROM t"), "4");
    let yes = afctl(
        dir,
        &[
            "db",
            "query",
            "--env",
            "lab",
            "--write",
            "--yes",
            "DELETE FROM t WHERE id > 2; SELECT count(*) FROM t",
        ],
        "",
    );
    assert!(yes.status.success(), "{}", text(&yes));
    assert_eq!(db.sql("SELECT count(*) FROM t"), "2");

    // A statement error points at its place; CSV of a query.
    let err = afctl(
        dir,
        &["db", "query", "--env", "lab", "SELECT nope FROM t"],
        "",
    );
    assert_eq!(err.status.code(), Some(1));
    assert_contains(&text(&err), &["ERROR [42703]", "at character 8"]);
    let csv = afctl(
        dir,
        &[
            "db",
            "query",
            "--env",
            "lab",
            "--csv",
            "SELECT id, NULL AS n FROM t ORDER BY id",
        ],
        "",
    );
    assert_eq!(String::from_utf8_lossy(&csv.stdout), "id,n\n1,\n2,\n");

    let activity = afctl(dir, &["--json", "db", "activity", "--env", "lab"], "");
    assert!(activity.status.success(), "{}", text(&activity));
    assert!(
        json(&activity)["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["own"] == true)
    );
    let advise = afctl(dir, &["db", "advise", "--env", "lab"], "");
    assert_eq!(
        advise.status.code(),
        Some(1),
        "t is exposed without RLS: {}",
        text(&advise)
    );
    assert_contains(
        &text(&advise),
        &["ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"],
    );
    let cancel = afctl(
        dir,
        &["db", "terminate", "--env", "mirror", "--yes", "1"],
        "",
    );
    assert_eq!(
        cancel.status.code(),
        Some(1),
        "read-only: {}",
        text(&cancel)
    );
}
