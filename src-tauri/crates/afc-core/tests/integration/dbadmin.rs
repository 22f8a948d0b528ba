//! The Database section against the machine's PostgreSQL: the schema browser, keyset paging
//! with sorting and filters, staged edits with their guards, the SQL console's read-only
//! transactions, errors, timeouts, cancel and lost connections, activity and the advisor.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use afc_core::ErrorCode;
use afc_core::db::Database;
use afc_core::dbadmin::activity::{self, Signal};
use afc_core::dbadmin::browse::{self, Cursor, Filter, FilterOp, PageRequest, Paging, Sort};
use afc_core::dbadmin::edits::{self, Change, StagedEdits};
use afc_core::dbadmin::sql::{self, StatementKind};
use afc_core::dbadmin::{TableRef, advisor, catalog};
use afc_core::environments::SafetyLevel;
use afc_core::guard::Confirmation;
use afc_core::migrate::MigrationSet;
use test_support::postgres::TestDb;

use crate::common::{apply, connection, console};

fn db_as(db: &TestDb, safety: SafetyLevel) -> Arc<Database> {
    Arc::new(Database::new(
        connection(db),
        None,
        Some("env".into()),
        safety,
    ))
}

fn open(db: &TestDb) -> Arc<Database> {
    db_as(db, SafetyLevel::Open)
}

/// A table whose names need every kind of quoting, with a composite key and a nullable column.
const WEIRD: &str = r#"
CREATE SCHEMA "Odd ""Schema""";
CREATE TABLE "Odd ""Schema"""."Tab le ü" (
    "Part A" int NOT NULL,
    "part;b" text NOT NULL,
    "Größe" int,
    hashed_password text,
    PRIMARY KEY ("Part A", "part;b")
);
INSERT INTO "Odd ""Schema"""."Tab le ü"
SELECT i / 10, 'k' || lpad((i % 10)::text, 2, '0'), CASE WHEN i % 7 = 0 THEN NULL ELSE i % 13 END, 'secret-' || i
FROM generate_series(0, 249) i;
"#;

fn weird() -> TableRef {
    TableRef::new("Odd \"Schema\"", "Tab le ü")
}

/// Every page of `req` (following the cursors), as the first column's values joined.
async fn all_pages(db: &Database, mut req: PageRequest) -> Vec<Vec<Option<String>>> {
    let mut rows = Vec::new();
    loop {
        let page = browse::page(db, &req).await.unwrap();
        rows.extend(page.rows.iter().map(|r| r.cells.clone()));
        match page.next {
            Some(next) => req.after = Some(next),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn the_schema_browser_names_everything_and_describes_a_table_on_demand() {
    let t = TestDb::create();
    let db = open(&t);
    t.add_supabase_auth();
    apply(&db, &MigrationSet::embedded()).await.unwrap();
    t.sql(WEIRD);
    t.sql("CREATE VIEW agent_names AS SELECT id, name FROM agents; CREATE TABLE open_notes (id int PRIMARY KEY, note text);");

    let names = catalog::names(&db).await.unwrap();
    let find = |schema: &str, name: &str| {
        names
            .tables
            .iter()
            .find(|x| x.schema == schema && x.name == name)
            .unwrap_or_else(|| panic!("{schema}.{name} listed"))
    };
    assert!(
        find("public", "agents").rls,
        "the migrations enable RLS on agents"
    );
    assert!(!find("public", "agents").exposed_without_rls);
    assert!(
        find("public", "open_notes").exposed_without_rls,
        "public without RLS: the padlock"
    );
    assert!(
        !find("Odd \"Schema\"", "Tab le ü").exposed_without_rls,
        "not an exposed schema"
    );
    assert_eq!(
        find("public", "agent_names").kind,
        catalog::RelationKind::View
    );
    assert!(
        names
            .schemas
            .iter()
            .any(|s| s.name == "public" && s.exposed)
    );
    assert!(
        names
            .roles
            .iter()
            .any(|r| r.name == "postgres" && r.superuser)
    );
    assert!(names.extensions.iter().any(|e| e.name == "plpgsql"));

    let agents = catalog::describe(&db, &TableRef::new("public", "agents"))
        .await
        .unwrap();
    assert_eq!(agents.primary_key, vec!["id"]);
    assert!(
        agents
            .foreign_keys
            .iter()
            .any(|f| f.to.name == "tenants" && f.columns == ["tenant_id"]),
        "{:?}",
        agents.foreign_keys
    );
    let tenants = catalog::describe(&db, &TableRef::new("public", "tenants"))
        .await
        .unwrap();
    assert!(
        tenants
            .referenced_by
            .iter()
            .any(|f| f.from.name == "agents"),
        "foreign keys both ways"
    );
    assert!(!agents.policies.is_empty(), "RLS policies listed");
    assert!(
        agents.ddl.starts_with("CREATE TABLE public.agents ("),
        "{}",
        agents.ddl
    );
    assert!(
        agents.ddl.contains("ENABLE ROW LEVEL SECURITY") && agents.ddl.contains("CREATE POLICY"),
        "{}",
        agents.ddl
    );

    let odd = catalog::describe(&db, &weird()).await.unwrap();
    assert_eq!(odd.primary_key, vec!["Part A", "part;b"]);
    assert!(
        odd.ddl
            .contains(r#"CREATE TABLE "Odd ""Schema"""."Tab le ü""#),
        "{}",
        odd.ddl
    );
    assert!(odd.ddl.contains(r#""Größe" integer"#), "{}", odd.ddl);
    // The DDL makes the same table again, elsewhere.
    let copy = TestDb::create();
    copy.sql("CREATE SCHEMA \"Odd \"\"Schema\"\"\"");
    copy.sql(&odd.ddl);
    assert_eq!(
        copy.sql(r#"SELECT count(*) FROM "Odd ""Schema"""."Tab le ü""#),
        "0"
    );

    let view = catalog::describe(&db, &TableRef::new("public", "agent_names"))
        .await
        .unwrap();
    assert!(
        view.ddl.starts_with("CREATE OR REPLACE VIEW"),
        "{}",
        view.ddl
    );
    let missing = catalog::describe(&db, &TableRef::new("public", "nope"))
        .await
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    let f = names.functions.first().map(|f| {
        (
            TableRef::new(f.schema.clone(), f.name.clone()),
            f.arguments.clone(),
        )
    });
    if let Some((f, args)) = f {
        assert!(
            catalog::function_ddl(&db, &f, &args)
                .await
                .unwrap()
                .contains("CREATE OR REPLACE")
        );
    }
}

#[tokio::test]
async fn keyset_pages_cover_every_row_once_sorted_filtered_and_without_a_key() {
    let t = TestDb::create();
    t.sql(WEIRD);
    let db = open(&t);

    // By the composite key, in pages of 40: all 250 rows once, in key order.
    let mut req = PageRequest::new(weird());
    req.limit = 40;
    let rows = all_pages(&db, req.clone()).await;
    assert_eq!(rows.len(), 250);
    let keys: Vec<(i32, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].as_ref().unwrap().parse().unwrap(),
                r[1].clone().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // Sorted on a nullable column, both ways: every row once, NULLs last.
    for descending in [false, true] {
        let mut r = req.clone();
        r.sort = Some(Sort {
            column: "Größe".into(),
            descending,
        });
        let rows = all_pages(&db, r).await;
        assert_eq!(rows.len(), 250, "descending {descending}");
        let mut seen: Vec<(Option<String>, Option<String>)> =
            rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 250, "no row twice");
        let sizes: Vec<Option<i32>> = rows
            .iter()
            .map(|r| r[2].as_ref().map(|v| v.parse().unwrap()))
            .collect();
        let first_null = sizes.iter().position(Option::is_none).unwrap();
        assert!(
            sizes[first_null..].iter().all(Option::is_none),
            "NULLs last"
        );
        let values: Vec<i32> = sizes[..first_null].iter().map(|v| v.unwrap()).collect();
        let mut expected = values.clone();
        expected.sort();
        if descending {
            expected.reverse();
        }
        assert_eq!(values, expected);
    }
    let page = browse::page(
        &db,
        &PageRequest {
            sort: Some(Sort {
                column: "Größe".into(),
                descending: false,
            }),
            ..req.clone()
        },
    )
    .await
    .unwrap();
    assert!(
        page.notes
            .iter()
            .any(|n| n.contains("No index starts with Größe")),
        "{:?}",
        page.notes
    );

    // Filters: typed, bound, AND and OR.
    let mut r = req.clone();
    r.limit = 1000;
    r.filters = vec![
        Filter {
            column: "Part A".into(),
            op: FilterOp::Ge,
            value: Some("20".into()),
        },
        Filter {
            column: "part;b".into(),
            op: FilterOp::Contains,
            value: Some("0_".into()),
        },
    ];
    assert_eq!(
        browse::page(&db, &r).await.unwrap().rows.len(),
        0,
        "_ is literal in contains"
    );
    r.filters[1] = Filter {
        column: "part;b".into(),
        op: FilterOp::StartsWith,
        value: Some("K0".into()),
    };
    assert_eq!(
        browse::page(&db, &r).await.unwrap().rows.len(),
        50,
        "rows 200..249"
    );
    r.filters.push(Filter {
        column: "Größe".into(),
        op: FilterOp::IsNull,
        value: None,
    });
    assert_eq!(
        browse::page(&db, &r).await.unwrap().rows.len(),
        7,
        "multiples of 7 in 200..249"
    );
    r.filters.remove(1);
    r.any = true;
    assert_eq!(
        browse::page(&db, &r).await.unwrap().rows.len(),
        50 + 29,
        "OR: 200..249 or NULL size"
    );
    r.filters = vec![Filter {
        column: "Part A".into(),
        op: FilterOp::Eq,
        value: Some("1; DROP TABLE x".into()),
    }];
    let e = browse::page(&db, &r).await.unwrap_err();
    assert!(
        e.message.contains("invalid input syntax for type integer"),
        "{e:?}"
    );
    r.filters = vec![Filter {
        column: "nope".into(),
        op: FilterOp::Eq,
        value: Some("1".into()),
    }];
    assert_eq!(
        browse::page(&db, &r).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );

    // Secret-looking columns are masked unless revealed.
    let page = browse::page(&db, &req).await.unwrap();
    let hp = page
        .columns
        .iter()
        .position(|c| c.name == "hashed_password")
        .unwrap();
    assert!(page.columns[hp].secret);
    assert_eq!(page.rows[0].cells[hp].as_deref(), Some(""));
    assert_eq!(page.rows[0].masked, vec![hp as u32]);
    let revealed = browse::page(
        &db,
        &PageRequest {
            reveal: true,
            ..req.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(revealed.rows[0].cells[hp].as_deref(), Some("secret-0"));

    // No primary key: paged by ctid, with a warning; a view: by position.
    t.sql("CREATE TABLE loose (a int); INSERT INTO loose SELECT generate_series(1, 95); CREATE VIEW loose_v AS SELECT a FROM loose");
    for (name, paging) in [("loose", Paging::Ctid), ("loose_v", Paging::Offset)] {
        let mut r = PageRequest::new(TableRef::new("public", name));
        r.limit = 30;
        let first = browse::page(&db, &r).await.unwrap();
        assert_eq!(first.paging, paging);
        assert!(!first.notes.is_empty());
        let mut all: Vec<i32> = all_pages(&db, r)
            .await
            .iter()
            .map(|r| r[0].as_ref().unwrap().parse().unwrap())
            .collect();
        all.sort();
        assert_eq!(all, (1..=95).collect::<Vec<_>>(), "{name}");
    }
    let mut bad = req.clone();
    bad.after = Some(Cursor(vec![Some("1".into())]));
    assert_eq!(
        browse::page(&db, &bad).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
}

#[tokio::test]
async fn values_are_shown_without_loss_and_long_ones_expand() {
    let t = TestDb::create();
    let db = open(&t);
    t.sql(
        "CREATE TABLE types (id int PRIMARY KEY, n numeric, ts timestamp, tz timestamptz, iv interval, \
         r tstzrange, a int[], b bytea, j jsonb, long text, e text);
         SET TIME ZONE 'UTC';
         INSERT INTO types VALUES (1, 1234567890123456789012345678901234567890123456789012345678901234567890.123456789012345678901234567890, \
         '2026-11-30 12:34:56.789012', '2026-11-30 12:34:56.789012+05:30', '1 year 2 mons 3 days 04:05:06.7', \
         '[2026-01-01,2026-02-01)', '{1,NULL,3}', '\\x00ff10', '{\"b\": [1, 2.50], \"a\": null}', repeat('x', 5000), '');",
    );
    let page = browse::page(&db, &PageRequest::new(TableRef::new("public", "types")))
        .await
        .unwrap();
    let row = &page.rows[0];
    let cell = |name: &str| {
        let i = page.columns.iter().position(|c| c.name == name).unwrap();
        row.cells[i].clone()
    };
    assert_eq!(
        cell("n").unwrap(),
        "1234567890123456789012345678901234567890123456789012345678901234567890.123456789012345678901234567890"
    );
    assert_eq!(cell("ts").unwrap(), "2026-11-30 12:34:56.789012");
    assert_eq!(
        cell("tz").unwrap(),
        t.sql("SELECT tz::text FROM types"),
        "as the server prints it"
    );
    assert_eq!(cell("iv").unwrap(), "1 year 2 mons 3 days 04:05:06.7");
    assert_eq!(cell("a").unwrap(), "{1,NULL,3}");
    assert_eq!(cell("b").unwrap(), "\\x00ff10");
    assert_eq!(cell("j").unwrap(), r#"{"a": null, "b": [1, 2.50]}"#);
    assert_eq!(cell("e").unwrap(), "", "empty is not NULL");
    let long = page.columns.iter().position(|c| c.name == "long").unwrap() as u32;
    assert_eq!(row.truncated, vec![long]);
    assert_eq!(cell("long").unwrap().len(), browse::CELL_CHARS);
    let full = browse::cell(&db, &TableRef::new("public", "types"), &row.key, "long")
        .await
        .unwrap();
    assert_eq!(full.unwrap().len(), 5000);

    // A cursor on a jsonb sort column goes back through the type's own input.
    t.sql("INSERT INTO types (id, j) SELECT i, jsonb_build_object('k', i) FROM generate_series(2, 30) i");
    let mut r = PageRequest::new(TableRef::new("public", "types"));
    r.sort = Some(Sort {
        column: "j".into(),
        descending: false,
    });
    r.limit = 7;
    assert_eq!(all_pages(&db, r).await.len(), 30);
}

fn update(key: &str, column: &str, old: Option<&str>, new: Option<&str>) -> Change {
    Change::Update {
        key: vec![Some(key.into())],
        old: BTreeMap::from([(column.to_owned(), old.map(str::to_owned))]),
        new: BTreeMap::from([(column.to_owned(), new.map(str::to_owned))]),
    }
}

#[tokio::test]
async fn staged_edits_apply_in_one_transaction_and_a_concurrent_change_fails_them_all() {
    let c = console();
    let t = TestDb::create();
    t.sql("CREATE TABLE notes (id text PRIMARY KEY, body text, meta jsonb, n int DEFAULT 7, api_key text);
           INSERT INTO notes VALUES ('a', 'one', '{}', 1, 'k-a'), ('b', 'two', NULL, 2, 'k-b'), ('c''q', 'three', '[]', 3, NULL);");
    let db = open(&t);
    let table = TableRef::new("public", "notes");
    let edits = StagedEdits {
        table: table.clone(),
        changes: vec![
            update("a", "body", Some("one"), Some("ONE")),
            update("b", "meta", None, Some(r#"{"x": [1, 2]}"#)),
            Change::Insert {
                values: BTreeMap::from([
                    ("id".into(), Some("d".into())),
                    ("api_key".into(), Some("k-new".into())),
                ]),
            },
            Change::Delete {
                key: vec![Some("c'q".into())],
                old: BTreeMap::from([("body".into(), Some("three".into()))]),
            },
        ],
    };
    let plan = edits::plan(&db, &edits).await.unwrap();
    assert_eq!(
        plan.statements[0],
        "UPDATE public.notes SET body = E'ONE' WHERE id = E'a' AND body::text = E'one';"
    );
    assert!(
        plan.statements[2].contains("'‹hidden›'") && !plan.statements.join("").contains("k-new"),
        "secrets hidden: {:?}",
        plan.statements
    );
    assert!(
        plan.statements[3]
            .starts_with("DELETE FROM public.notes WHERE id = E'c''q' AND body::text = E'three'"),
        "{:?}",
        plan.statements
    );
    assert!(
        matches!(plan.decision, afc_core::guard::Decision::ConfirmYes { .. }),
        "a delete asks first: {:?}",
        plan.decision
    );
    assert_eq!(
        c.console
            .apply_edits(&db, &edits, &Confirmation::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::UnsafeInProduction
    );

    let done = c
        .console
        .apply_edits(&db, &edits, &Confirmation::yes())
        .await
        .unwrap();
    assert_eq!((done.updated, done.inserted, done.deleted), (2, 1, 1));
    assert_eq!(t.sql("SELECT string_agg(id || '=' || coalesce(body, '-') || '/' || coalesce(meta::text, '-') || '/' || n, ' ' ORDER BY id) FROM notes"),
        r#"a=ONE/{}/1 b=two/{"x": [1, 2]}/2 d=-/-/7"#);
    let audit = std::fs::read_to_string(c.console.paths.config_dir.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("rows.delete") && audit.contains("UPDATE") && !audit.contains("k-new"),
        "{audit}"
    );

    // Someone changes b's body meanwhile: the apply fails whole, a's change is not written.
    t.sql("UPDATE notes SET body = 'changed' WHERE id = 'b'");
    let stale = StagedEdits {
        table: table.clone(),
        changes: vec![
            update("a", "body", Some("ONE"), Some("uno")),
            update("b", "body", Some("two"), Some("dos")),
        ],
    };
    let e = c
        .console
        .apply_edits(&db, &stale, &Confirmation::yes())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
    assert_eq!(
        t.sql("SELECT body FROM notes WHERE id IN ('a', 'b') ORDER BY id"),
        "ONE\nchanged"
    );

    // A read-only environment edits nothing; a protected one needs its name.
    let ro = db_as(&t, SafetyLevel::ReadOnly);
    let e = c
        .console
        .apply_edits(&ro, &stale, &Confirmation::name("env"))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnsafeInProduction);
    let protected = db_as(&t, SafetyLevel::Protected);
    let ok = StagedEdits {
        table,
        changes: vec![update("a", "body", Some("ONE"), Some("uno"))],
    };
    assert!(
        c.console
            .apply_edits(&protected, &ok, &Confirmation::yes())
            .await
            .is_err()
    );
    c.console
        .apply_edits(&protected, &ok, &Confirmation::name("env"))
        .await
        .unwrap();
    assert_eq!(t.sql("SELECT body FROM notes WHERE id = 'a'"), "uno");
}

#[tokio::test]
async fn a_read_only_session_cannot_change_a_byte_however_the_sql_is_written() {
    let c = console();
    let t = TestDb::create();
    t.sql("CREATE TABLE kept (id int PRIMARY KEY, v text); INSERT INTO kept VALUES (1, 'one'); CREATE SEQUENCE s;");
    let before = t.sql("SELECT md5(string_agg(id || v, ',')) FROM kept");
    for safety in [
        SafetyLevel::Open,
        SafetyLevel::Protected,
        SafetyLevel::ReadOnly,
    ] {
        let mut session = c
            .console
            .sql_session(db_as(&t, safety), None, Duration::from_secs(10))
            .unwrap();
        for attack in [
            "DELETE FROM kept",
            "UPDATE kept SET v = 'x' WHERE id = 1",
            "INSERT INTO kept VALUES (2, 'two')",
            "COMMIT; DELETE FROM kept",
            "SET transaction_read_only = off",
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
            "BEGIN READ WRITE",
            "DELETE FROM kept WHERE true",
            "CREATE TABLE made (a int)",
            "SELECT nextval('s')",
            "WITH d AS (DELETE FROM kept RETURNING *) SELECT * FROM d",
            "DO $$ BEGIN DELETE FROM kept; END $$",
            "TRUNCATE kept",
            "DROP TABLE kept",
            "COMMIT",
            "INSERT INTO kept VALUES (3, 'three')",
            "ALTER TABLE kept ADD COLUMN w int",
            "VACUUM kept",
        ] {
            let outcome = session.run(attack, true).await.unwrap();
            assert!(outcome.read_only, "{attack}");
        }
        let copy = session
            .run("COPY kept TO '/tmp/afc-copy-test'", true)
            .await
            .unwrap_err();
        assert_eq!(copy.code, ErrorCode::UnsafeInProduction);
        assert_eq!(
            t.sql("SELECT md5(string_agg(id || v, ',')) FROM kept"),
            before,
            "{safety:?}"
        );
        assert_eq!(
            t.sql("SELECT count(*) FROM pg_class WHERE relname = 'made'"),
            "0"
        );
        assert_eq!(
            t.sql("SELECT last_value || is_called::text FROM s"),
            "1false"
        );
    }
    // Writes unlocked: never on read-only, the name on protected.
    let e = c
        .console
        .sql_session(
            db_as(&t, SafetyLevel::ReadOnly),
            Some(&Confirmation::name("env")),
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
    assert_eq!(e.code, ErrorCode::UnsafeInProduction);
    assert!(
        c.console
            .sql_session(
                db_as(&t, SafetyLevel::Protected),
                Some(&Confirmation::yes()),
                Duration::from_secs(5)
            )
            .is_err()
    );
    let mut w = c
        .console
        .sql_session(
            db_as(&t, SafetyLevel::Protected),
            Some(&Confirmation::name("env")),
            Duration::from_secs(5),
        )
        .unwrap();
    let e = w.run("DELETE FROM kept", false).await.unwrap_err();
    assert!(
        e.message.contains("DELETE without WHERE"),
        "destructive asks first: {e:?}"
    );
    let out = w
        .run("INSERT INTO kept VALUES (2, 'two') RETURNING id, v", false)
        .await
        .unwrap();
    assert!(!out.read_only && out.error.is_none(), "{out:?}");
    assert_eq!(out.rows, vec![vec![Some("2".into()), Some("two".into())]]);
    assert_eq!(out.row_count, Some(1));
    assert_eq!(t.sql("SELECT count(*) FROM kept"), "2");
    // EXPLAIN ANALYZE of a change is rolled back.
    let plan = w
        .explain("DELETE FROM kept WHERE id = 2", true)
        .await
        .unwrap()
        .unwrap();
    assert!(plan[0]["Plan"]["Node Type"].as_str().is_some(), "{plan}");
    assert_eq!(t.sql("SELECT count(*) FROM kept"), "2");
}

// Several threads: a statement runs on a task while the test waits on the server for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_pages_big_results_reports_errors_where_they_are_and_survives_faults() {
    let c = console();
    let t = TestDb::create();
    let db = open(&t);
    let mut s = c
        .console
        .sql_session(
            db.clone(),
            Some(&Confirmation::yes()),
            Duration::from_secs(2),
        )
        .unwrap();

    let first = s
        .run(
            "SELECT i, md5(i::text) FROM generate_series(1, 1200) i",
            false,
        )
        .await
        .unwrap();
    assert_eq!(first.classified.kind, StatementKind::Query);
    assert_eq!((first.rows.len(), first.more), (500, true));
    assert_eq!(first.columns[0].name, "i");
    let second = s.fetch_more(500).await.unwrap();
    assert_eq!(
        (second.rows.len(), second.more, second.rows[0][0].as_deref()),
        (500, true, Some("501"))
    );
    let last = s.fetch_more(500).await.unwrap();
    assert_eq!(
        (last.rows.len(), last.more, last.row_count),
        (200, false, Some(1200))
    );
    assert!(s.fetch_more(10).await.is_err(), "nothing left to fetch");

    let raised = s
        .run("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$", false)
        .await
        .unwrap();
    assert_eq!(raised.notices, vec!["hello 42"]);
    let skipped = s.run("DROP TABLE IF EXISTS nope", true).await.unwrap();
    assert_eq!(
        skipped.notices,
        vec![r#"table "nope" does not exist, skipping"#]
    );
    let empty = s.run("SELECT 1 AS one WHERE false", false).await.unwrap();
    assert_eq!(
        (empty.rows.len(), empty.columns[0].name.as_str()),
        (0, "one")
    );

    let typed = s.run("SELECT 1e-100::numeric(200,100) * 3, interval '36 hours', '[1,5)'::int4range, ARRAY['a b', NULL], '\\xdead'::bytea, timestamptz '2026-01-01 00:00:00+00' AT TIME ZONE 'UTC'", false).await.unwrap();
    assert_eq!(
        typed.rows[0],
        vec![
            Some(format!("0.{}3", "0".repeat(99))),
            Some("36:00:00".into()),
            Some("[1,5)".into()),
            Some("{\"a b\",NULL}".into()),
            Some("\\xdead".into()),
            Some("2026-01-01 00:00:00".into()),
        ]
    );

    // The error, where the server points, relative to the statement as written.
    let bad = s.run("SELECT id FROM no_such_table", false).await.unwrap();
    let e = bad.error.unwrap();
    assert_eq!((e.sqlstate.as_str(), e.position), ("42P01", Some(15)));
    let syntax = s.run("SELEKT 1", false).await.unwrap();
    assert_eq!(syntax.error.unwrap().position, Some(0));

    // Past the statement timeout.
    let slow = s.run("SELECT pg_sleep(5)", false).await.unwrap();
    let e = slow.error.unwrap();
    assert_eq!(e.sqlstate, "57014", "{e:?}");
    assert!(e.message.contains("statement timeout"), "{e:?}");

    // Cancelled from another connection while it runs.
    let mut long = c
        .console
        .sql_session(db.clone(), None, Duration::from_secs(60))
        .unwrap();
    let pid = long.pid();
    let running = tokio::spawn(async move { long.run("SELECT pg_sleep(30)", false).await });
    t.wait_until("EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep')");
    assert!(
        sql::cancel(&db, pid.load(std::sync::atomic::Ordering::SeqCst))
            .await
            .unwrap()
    );
    let cancelled = running.await.unwrap().unwrap();
    assert_eq!(cancelled.error.unwrap().sqlstate, "57014");

    // The connection killed mid-query: a clear error, and the next run connects again.
    let mut killed = c
        .console
        .sql_session(db.clone(), None, Duration::from_secs(60))
        .unwrap();
    let running = tokio::spawn(async move {
        let r = killed.run("SELECT pg_sleep(30)", false).await;
        (r, killed)
    });
    t.wait_until("EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep')");
    t.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
    let (r, mut killed) = running.await.unwrap();
    assert_eq!(r.unwrap_err().code, ErrorCode::Unreachable);
    assert_eq!(
        killed.run("SELECT 2", false).await.unwrap().rows,
        vec![vec![Some("2".into())]]
    );

    // An operator's own transaction holds across statements.
    s.run("CREATE TABLE tx (a int)", false).await.unwrap();
    s.run("BEGIN", false).await.unwrap();
    s.run("INSERT INTO tx VALUES (1)", false).await.unwrap();
    assert_eq!(
        s.run("SELECT count(*) FROM tx", false).await.unwrap().rows[0][0].as_deref(),
        Some("1")
    );
    assert_eq!(t.sql("SELECT count(*) FROM tx"), "0", "not committed yet");
    s.run("ROLLBACK", false).await.unwrap();
    assert_eq!(t.sql("SELECT count(*) FROM tx"), "0");

    // History and snippets are local files.
    let entry = sql::HistoryEntry::of(&first);
    sql::record_history(&c.console.paths.data_dir, "env", &entry).unwrap();
    assert_eq!(
        sql::history(&c.console.paths.data_dir, "env", 10).unwrap()[0].statement,
        first.statement
    );
    sql::save_snippet(&c.console.paths.data_dir, "top agents", "SELECT 1").unwrap();
    assert_eq!(
        sql::snippets(&c.console.paths.data_dir).unwrap()[0].name,
        "top agents"
    );
    assert!(sql::save_snippet(&c.console.paths.data_dir, "../escape", "x").is_err());
    sql::delete_snippet(&c.console.paths.data_dir, "top agents").unwrap();
}

#[tokio::test]
async fn a_new_timeout_keeps_the_operators_transaction_and_holds_once_it_ends() {
    let c = console();
    let t = TestDb::create();
    let mut s = c
        .console
        .sql_session(
            open(&t),
            Some(&Confirmation::yes()),
            Duration::from_secs(60),
        )
        .unwrap();
    s.run("CREATE TABLE kept (id int)", false).await.unwrap();
    s.run("BEGIN", false).await.unwrap();
    s.run("INSERT INTO kept VALUES (1)", false).await.unwrap();
    s.set_timeout(Duration::from_secs(1));
    // Still the operator's transaction: COMMIT keeps the row (a reopened session would have
    // rolled it back, and COMMIT would only warn).
    let committed = s.run("COMMIT", false).await.unwrap();
    assert!(committed.error.is_none(), "{:?}", committed.error);
    assert_eq!(t.sql("SELECT count(*) FROM kept"), "1");
    let slow = s.run("SELECT pg_sleep(3)", false).await.unwrap();
    assert_eq!(slow.error.expect("timed out").sqlstate, "57014");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_shows_who_blocks_whom_and_the_advisor_finds_what_to_fix() {
    let c = console();
    let t = TestDb::create();
    let db = open(&t);
    t.sql("CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent, note text);
           CREATE INDEX child_note ON child (note); CREATE INDEX child_note_again ON child (note); INSERT INTO parent VALUES (1);");

    // One session holds a lock, another waits for it.
    use std::io::Write;
    let mut holder = t.session();
    writeln!(
        holder.stdin.as_mut().unwrap(),
        "SET application_name = 'holder'; BEGIN; LOCK TABLE parent IN ACCESS EXCLUSIVE MODE;"
    )
    .unwrap();
    t.wait_until("EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'holder' AND state = 'idle in transaction')");
    let mut waiter = t.session();
    writeln!(
        waiter.stdin.as_mut().unwrap(),
        "SET application_name = 'waiter'; SELECT * FROM parent;"
    )
    .unwrap();
    t.wait_until("EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'waiter' AND wait_event_type = 'Lock')");

    let a = activity::activity(&db).await.unwrap();
    let holder_s = a
        .sessions
        .iter()
        .find(|s| s.application == "holder")
        .unwrap();
    let waiter_s = a
        .sessions
        .iter()
        .find(|s| s.application == "waiter")
        .unwrap();
    assert_eq!(waiter_s.blocked_by, vec![holder_s.pid]);
    assert!(holder_s.flagged, "idle in transaction is highlighted");
    assert!(
        a.locks
            .iter()
            .any(|l| l.pid == waiter_s.pid && !l.granted && l.table == "public.parent")
    );
    assert!(a.sessions.iter().any(|s| s.own));

    // Terminating the holder (asked first) lets the waiter through.
    let ro = db_as(&t, SafetyLevel::ReadOnly);
    assert!(
        c.console
            .signal_backend(&ro, holder_s.pid, Signal::Terminate, &Confirmation::yes())
            .await
            .is_err()
    );
    assert!(
        c.console
            .signal_backend(
                &db,
                holder_s.pid,
                Signal::Terminate,
                &Confirmation::default()
            )
            .await
            .is_err()
    );
    assert!(
        c.console
            .signal_backend(&db, holder_s.pid, Signal::Terminate, &Confirmation::yes())
            .await
            .unwrap()
    );
    t.wait_until("NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'waiter' AND wait_event_type = 'Lock')");
    drop(holder.stdin.take());
    drop(waiter.stdin.take());
    let _ = holder.wait();
    let _ = waiter.wait();

    let advice = advisor::advise(&db).await.unwrap();
    assert!(advice.overview.max_connections > 0 && advice.overview.database_bytes > 0);
    let kinds: Vec<_> = advice
        .findings
        .iter()
        .map(|f| (f.kind, f.fix.clone()))
        .collect();
    use advisor::FindingKind::*;
    assert!(
        kinds.contains(&(
            UnindexedForeignKey,
            "CREATE INDEX CONCURRENTLY child_parent_id_idx ON public.child (parent_id);".into()
        )),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(
            DuplicateIndex,
            "DROP INDEX CONCURRENTLY public.child_note_again;".into()
        )),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|(k, f)| *k == UnusedIndex && f.contains("child_note")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(
            ExposedWithoutRls,
            "ALTER TABLE public.child ENABLE ROW LEVEL SECURITY;".into()
        )),
        "{kinds:?}"
    );
    // Each fix, run, makes its finding go away.
    let mut fixes: Vec<&String> = kinds.iter().map(|(_, f)| f).collect();
    fixes.sort();
    fixes.dedup();
    for fix in fixes {
        t.sql(fix);
    }
    let after = advisor::advise(&db).await.unwrap();
    assert!(
        after.findings.iter().all(|f| f.kind == UnusedIndex),
        "only the new index is still unused: {:?}",
        after.findings
    );
}

#[tokio::test]
async fn the_widest_table_a_50_mb_value_binary_data_and_a_5_million_row_result() {
    let c = console();
    let t = TestDb::create();
    let db = open(&t);
    // PostgreSQL's most columns: 1,600.
    let columns: Vec<String> = (2..=1600).map(|i| format!("c{i} int")).collect();
    t.sql(&format!(
        "CREATE TABLE wide (id int PRIMARY KEY, {}); INSERT INTO wide (id, c1600) VALUES (1, 7);",
        columns.join(", ")
    ));
    let page = browse::page(&db, &PageRequest::new(TableRef::new("public", "wide")))
        .await
        .unwrap();
    assert_eq!(page.columns.len(), 1600);
    assert_eq!(page.rows[0].cells[1599].as_deref(), Some("7"));

    // A 50 MB JSONB document: the grid gets its first characters, the expand view all of it.
    t.sql(
        "CREATE TABLE blobs (id int PRIMARY KEY, doc jsonb, raw bytea);
         INSERT INTO blobs SELECT 1, jsonb_agg(repeat('x', 1000)), (SELECT string_agg(set_byte('\\x00'::bytea, 0, b), ''::bytea) FROM generate_series(0, 255) b) FROM generate_series(1, 50000);",
    );
    let blobs = TableRef::new("public", "blobs");
    let page = browse::page(&db, &PageRequest::new(blobs.clone()))
        .await
        .unwrap();
    assert_eq!(page.rows[0].truncated, vec![1]);
    let raw = page.rows[0].cells[2].as_deref().unwrap();
    assert!(
        raw.starts_with("\\x000102") && raw.ends_with("fdfeff") && raw.len() == 2 + 512,
        "{raw}"
    );
    let doc = browse::cell(&db, &blobs, &page.rows[0].key, "doc")
        .await
        .unwrap()
        .unwrap();
    assert!(doc.len() > 50_000_000, "{}", doc.len());

    // Five million rows: the first page comes from the cursor, and each page holds only itself.
    let mut s = c
        .console
        .sql_session(db.clone(), None, Duration::from_secs(60))
        .unwrap();
    let first = s
        .run("SELECT i FROM generate_series(1, 5000000) i", false)
        .await
        .unwrap();
    assert_eq!(
        (first.rows.len(), first.more, first.row_count),
        (500, true, None)
    );
    for page in 2..=10 {
        let next = s.fetch_more(500).await.unwrap();
        assert_eq!(next.rows.len(), 500);
        assert_eq!(next.rows[0][0], Some(((page - 1) * 500 + 1).to_string()));
    }
    s.close().await.unwrap();
}

#[tokio::test]
async fn an_export_writes_every_filtered_row_page_by_page_and_hides_secrets() {
    use afc_core::dbadmin::export::{Export, ExportFormat, ExportProgress};
    use afc_core::progress::{Cancel, Progress};
    let t = TestDb::create();
    t.sql(
        "CREATE TABLE keys (id int PRIMARY KEY, label text, key_hash text);
         INSERT INTO keys SELECT i, CASE WHEN i % 2 = 0 THEN 'even, \"quoted\"' END, 'h' || i FROM generate_series(1, 4500) i;",
    );
    let db = open(&t);
    let dir = tempfile::tempdir().unwrap();
    let mut req = PageRequest::new(TableRef::new("public", "keys"));
    req.filters = vec![Filter {
        column: "id".into(),
        op: FilterOp::Gt,
        value: Some("100".into()),
    }];
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let progress = Progress::new(move |p: ExportProgress| sink.lock().unwrap().push(p.rows));
    let csv = dir.path().join("keys.csv");
    let rows = Export {
        db: &db,
        req: &req,
        format: ExportFormat::Csv,
        path: &csv,
        estimate: 4500,
    }
    .run(&progress, &Cancel::default())
    .await
    .unwrap();
    assert_eq!(rows, 4400);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![2000, 4000, 4400],
        "a page at a time"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4401);
    assert_eq!(lines[0], "id,label,key_hash");
    assert_eq!(lines[1], "101,,‹hidden›");
    assert_eq!(lines[2], "102,\"even, \"\"quoted\"\"\",‹hidden›");
    assert!(
        !text.contains("h101"),
        "secrets stay hidden unless revealed"
    );

    let json = dir.path().join("keys.json");
    req.reveal = true;
    Export {
        db: &db,
        req: &req,
        format: ExportFormat::Json,
        path: &json,
        estimate: 0,
    }
    .run(&Progress::none(), &Cancel::default())
    .await
    .unwrap();
    let parsed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 4400);
    assert_eq!(
        parsed[1],
        serde_json::json!({"id": "102", "label": "even, \"quoted\"", "key_hash": "h102"})
    );

    // Cancelled after its first page: the partial file is removed.
    let cancel = Cancel::default();
    let on_first_page = cancel.clone();
    let gone = dir.path().join("gone.csv");
    let e = Export {
        db: &db,
        req: &req,
        format: ExportFormat::Csv,
        path: &gone,
        estimate: 0,
    }
    .run(
        &Progress::new(move |_: ExportProgress| on_first_page.cancel()),
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(e.message.contains("cancelled"), "{e:?}");
    assert!(!gone.exists());
}

#[tokio::test]
async fn a_ten_million_row_table_pages_at_its_end_as_at_its_start() {
    let t = TestDb::create();
    t.sql(
        "CREATE UNLOGGED TABLE huge AS SELECT i AS id, i % 97 AS bucket FROM generate_series(1, 10000000) i;
         ALTER TABLE huge ADD PRIMARY KEY (id); ANALYZE huge;",
    );
    let db = open(&t);
    let mut req = PageRequest::new(TableRef::new("public", "huge"));
    req.after = Some(Cursor(vec![Some("9999900".into())]));
    let last = browse::page(&db, &req).await.unwrap();
    assert_eq!(last.rows.len(), 100);
    assert_eq!(last.rows[0].key, vec![Some("9999901".into())]);
    assert!(last.next.is_none(), "the last page");
    // The plan starts at the key, whatever the depth: no row before it is read.
    let plan = t.sql(
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) \
         SELECT id FROM huge t WHERE (t.id) > ((SELECT r.id FROM jsonb_populate_record(NULL::public.huge, '{\"id\": \"9999900\"}'::jsonb) r)) ORDER BY t.id LIMIT 101",
    );
    assert!(
        plan.contains("Index") && plan.contains("rows=100"),
        "{plan}"
    );
}
