//! The Database section: a page of 100 rows by keyset at depth 0, 50,000 and 99,900 of a
//! 100,000-row `agents` table, beside OFFSET paging of the same rows in the same run (target:
//! keyset under 10 ms each and flat with depth); the schema browser's names for 2,000 tables
//! (target under 1 s) and one table's detail; and the first rows of a 1,000,000-row result in the
//! SQL console (target under 200 ms). Needs the machine's PostgreSQL; run by scripts/bench.sh.

use std::sync::Arc;
use std::time::Duration;

use afc_core::db::Database;
use afc_core::dbadmin::browse::{self, Cursor, PageRequest};
use afc_core::dbadmin::{TableRef, catalog};
use afc_core::guard::Confirmation;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

mod common;

const AGENTS: u32 = 100_000;

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let api = FixtureApi::builder().start();
    let bench = common::environment(&runtime, &api);
    bench.db.sql(&format!(
        "INSERT INTO agents (id, name, instructions, model) \
         SELECT 'a' || lpad(i::text, 6, '0'), 'Agent ' || i, repeat('instructions ', 20), 'gpt-4o' \
         FROM generate_series(1, {AGENTS}) i;
         CREATE TABLE big AS SELECT i AS id, md5(i::text) AS hash, now() AS at FROM generate_series(1, 1000000) i;
         ANALYZE;"
    ));
    let db = Arc::new(Database::from_url(&bench.db.url()).unwrap());
    let agents = TableRef::new("public", "agents");

    let mut group = c.benchmark_group("table browser");
    group.measurement_time(Duration::from_secs(5));
    for depth in [0u32, 50_000, 99_900] {
        let mut req = PageRequest::new(agents.clone());
        req.after = (depth > 0).then(|| Cursor(vec![Some(format!("a{depth:06}"))]));
        let first = runtime.block_on(browse::page(&db, &req)).unwrap();
        assert_eq!(first.rows.len(), 100);
        assert_eq!(
            first.rows[0].key[0].as_deref(),
            Some(format!("a{:06}", depth + 1).as_str())
        );
        group.bench_with_input(
            BenchmarkId::new("keyset page of 100", depth),
            &req,
            |b, req| {
                b.to_async(&runtime)
                    .iter(|| async { browse::page(&db, req).await.unwrap() })
            },
        );
        // The same columns, read the same way, by OFFSET: what a general client does.
        let offset = format!(
            "SELECT left(id::text, 1001), left(name::text, 1001), left(instructions::text, 1001), \
                    left(model::text, 1001), left(tenant_id::text, 1001), left(created_by::text, 1001), \
                    left(created_at::text, 1001), left(updated_at::text, 1001), id::text \
             FROM public.agents t ORDER BY t.id LIMIT 101 OFFSET {depth}"
        );
        group.bench_with_input(
            BenchmarkId::new("OFFSET page of 100", depth),
            &offset,
            |b, sql| {
                b.to_async(&runtime).iter(|| async {
                    let mut s = db.read().await.unwrap();
                    sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                        .fetch_all(&mut *s)
                        .await
                        .unwrap()
                })
            },
        );
    }
    group.finish();

    // 2,000 tables, each with a key, a few columns and an index.
    let many = TestDb::create();
    // In batches: one transaction may not hold the locks of 2,000 new tables.
    for batch in 0..8 {
        many.sql(&format!(
            "DO $$ BEGIN FOR i IN {}..{} LOOP \
               EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, name text, body jsonb, at timestamptz)', i); \
               EXECUTE format('CREATE INDEX ON t_%s (name)', i); \
             END LOOP; END $$;",
            batch * 250 + 1,
            batch * 250 + 250
        ));
    }
    many.sql("ANALYZE");
    let many_db = Database::from_url(&many.url()).unwrap();
    let names = runtime.block_on(catalog::names(&many_db)).unwrap();
    assert_eq!(names.tables.len(), 2000);
    let mut group = c.benchmark_group("schema browser");
    group.sample_size(20);
    group.bench_function("names of 2,000 tables", |b| {
        b.to_async(&runtime)
            .iter(|| async { catalog::names(&many_db).await.unwrap() })
    });
    group.bench_function("one table's detail among 2,000", |b| {
        b.to_async(&runtime).iter(|| async {
            catalog::describe(&many_db, &TableRef::new("public", "t_1500"))
                .await
                .unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("sql console");
    group.sample_size(20);
    let mut session = bench
        .console
        .sql_session(
            db.clone(),
            Some(&Confirmation::yes()),
            Duration::from_secs(60),
        )
        .unwrap();
    group.bench_function("first rows of a 1,000,000-row result", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let out = session.run("SELECT * FROM big", false).await.unwrap();
                assert!(out.more && out.rows.len() == 500);
                out
            })
        })
    });
    group.finish();
}

criterion_group!(database_benches, benches);
criterion_main!(database_benches);
