//! Migration speed on the machine's PostgreSQL: applying everything to an empty database,
//! status and validate on an up-to-date one, and planning 500 synthetic migrations (the target
//! is under 200 ms), both the pure split-and-lint and the whole plan against a database.

use std::hint::black_box;

use afc_core::audit::AuditAction;
use afc_core::db::Database;
use afc_core::guard::{self, Confirmation};
use afc_core::migrate::{self, MigrationRun, MigrationSet};
use afc_core::progress::{Cancel, Progress};
use afc_core::schema::introspect::LiveSchema;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use test_support::postgres::TestDb;

/// 500 migrations shaped like real ones: a table, an index on it, a column added later.
fn synthetic(n: u32) -> MigrationSet {
    let files = (1..=n).map(|v| {
        let sql = format!(
            "-- synthetic migration {v}\nCREATE TABLE public.t{v} (id varchar PRIMARY KEY, name varchar NOT NULL, data json DEFAULT '{{}}'::json, created_at timestamp DEFAULT (now() AT TIME ZONE 'utc'));\n\
             CREATE INDEX ix_t{v}_name ON public.t{v} (name);\n\
             ALTER TABLE public.t{v} ADD COLUMN note text;\n\
             COMMENT ON TABLE public.t{v} IS 'synthetic; with a semicolon; inside';\n"
        );
        (format!("{v:04}_synthetic_{v}.up.sql"), sql)
    });
    MigrationSet::from_files(files).expect("synthetic migrations are well-formed")
}

/// Every migration of `set` applied to a scratch database, as the write policy allows.
async fn apply_all(t: &Database, set: &MigrationSet) {
    let permit = guard::authorize(
        AuditAction::MigrationApply,
        "bench",
        &t.scope(),
        &Confirmation::yes(),
    )
    .unwrap();
    migrate::apply(
        &MigrationRun::new(t, set, &Progress::none(), &Cancel::default()),
        &permit,
    )
    .await
    .unwrap();
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let set = MigrationSet::embedded();

    let many = synthetic(500);
    let pending: Vec<_> = many.iter().map(|m| (m, None)).collect();
    c.bench_function("plan: split and lint 500 migrations", |b| {
        b.iter(|| migrate::build_plan(black_box(&pending), &LiveSchema::default()))
    });
    let empty = TestDb::create();
    let empty_target = Database::from_url(&empty.url()).unwrap();
    c.bench_function("plan: 500 migrations against an empty database", |b| {
        b.to_async(&runtime)
            .iter(|| migrate::plan(&empty_target, &many))
    });

    let mut group = c.benchmark_group("database");
    group.sample_size(10);
    group.bench_function("apply everything to an empty database", |b| {
        b.to_async(&runtime).iter_batched(
            || {
                let db = TestDb::create();
                let t = Database::from_url(&db.url()).unwrap();
                (db, t)
            },
            |(db, t)| {
                let set = &set;
                async move {
                    apply_all(&t, set).await;
                    db
                }
            },
            BatchSize::PerIteration,
        )
    });
    let current = TestDb::create();
    let t = Database::from_url(&current.url()).unwrap();
    runtime.block_on(apply_all(&t, &set));
    group.bench_function("status of an up-to-date database", |b| {
        b.to_async(&runtime).iter(|| migrate::status(&t, &set))
    });
    group.bench_function("validate an up-to-date database", |b| {
        b.to_async(&runtime).iter(|| migrate::validate(&t, &set))
    });
    group.finish();
}

criterion_group!(migrations, benches);
criterion_main!(migrations);
