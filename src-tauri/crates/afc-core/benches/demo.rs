//! The demo: a rehearsal of the quick demo against the fixture API (time; its request count is
//! printed), and seeding and resetting the demo data in a database holding 100,000 rows that are
//! not the demo's in every table (target: each under 1 s). Run by scripts/bench.sh (it needs the
//! test session's keyring).

use std::time::{Duration, Instant};

use afc_core::Console;
use afc_core::demo::{self, DemoTarget};
use afc_core::guard::Confirmation;
use criterion::{Criterion, criterion_group, criterion_main};
use test_support::fixture_api::FixtureApi;

mod common;

const ROWS: u32 = 100_000;

/// `ROWS` rows in every table, none of them the demo's (one tenant and user own the rest).
fn fill(db: &test_support::postgres::TestDb) {
    db.sql(&format!(
        "INSERT INTO tenants (id, name, slug) SELECT 't' || i, 'T' || i, 't' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO users (id, email, hashed_password, tenant_id) SELECT 'u' || i, 'u' || i || '@x.test', 'h', 't' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO agents (id, name, instructions, tenant_id, created_by) SELECT 'a' || i, 'A', 'i', 't' || i, 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO workflows (id, name, definition, tenant_id, created_by) SELECT 'w' || i, 'W', '{{}}', 't' || i, 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO blueprints (id, name, version, definition, publisher_id) SELECT 'b' || i, 'B', '1', '{{}}', 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO executions (id, execution_type, resource_id, status, tenant_id, created_by) SELECT 'e' || i, 'agent', 'a' || i, 'completed', 't' || i, 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO audit_logs (event_type, user_id) SELECT 'login', 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO api_keys (id, key_hash, name, tenant_id, user_id) SELECT 'k' || i, md5(i::text), 'k', 't' || i, 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO projects (id, name, tenant_id, created_by) SELECT 'p' || i, 'P', 't' || i, 'u' || i FROM generate_series(1, {ROWS}) i;
         INSERT INTO plans (id, name, plan_type) SELECT 'pl' || i, 'Plan', 'pro' FROM generate_series(1, {ROWS}) i;
         INSERT INTO subscriptions (id, tenant_id, plan_id, current_period_start, current_period_end) SELECT 's' || i, 't' || i, 'pl' || i, now(), now() FROM generate_series(1, {ROWS}) i;
         INSERT INTO usage_records (id, tenant_id, subscription_id, billing_unit, quantity, period_start, period_end) SELECT 'r' || i, 't' || i, 's' || i, 'run', 1, now(), now() FROM generate_series(1, {ROWS}) i;
         ANALYZE;"
    ));
}

/// `iters` seeds (or resets) of the demo data, timed alone: each is undone (or prepared) outside
/// the measurement.
async fn timed(console: &Console, target: &DemoTarget, seed: bool, iters: u64) -> Duration {
    let yes = Confirmation::yes();
    let mut spent = Duration::ZERO;
    for _ in 0..iters {
        if seed {
            let start = Instant::now();
            assert!(console.demo_seed(target, &yes).await.unwrap().seeded);
            spent += start.elapsed();
            console.demo_reset(target, &yes).await.unwrap();
        } else {
            console.demo_seed(target, &yes).await.unwrap();
            let start = Instant::now();
            assert_eq!(console.demo_reset(target, &yes).await.unwrap().total, 9);
            spent += start.elapsed();
        }
    }
    spent
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let api = FixtureApi::builder()
        .rate_limit(1_000_000, 1_000_000)
        .start();
    let bench = common::environment(&runtime, &api);
    let console = &bench.console;
    let quick = demo::script::load("quick").unwrap();
    let report = runtime
        .block_on(console.demo_rehearse("bench", &quick, Confirmation::yes(), |_| {}))
        .unwrap();
    eprintln!(
        "quick demo rehearsal: {} steps, {} API requests, {} failed",
        report.steps.len(),
        report.requests,
        report.failed
    );

    let mut group = c.benchmark_group("demo");
    group.sample_size(10);
    group.bench_function("rehearse the quick demo against the fixture API", |b| {
        b.to_async(&runtime).iter(|| async {
            let r = console
                .demo_rehearse("bench", &quick, Confirmation::yes(), |_| {})
                .await
                .unwrap();
            assert_eq!(r.failed, 0);
        })
    });

    fill(&bench.db);
    let target = DemoTarget::from_url(&bench.db.url()).unwrap();
    group.bench_function("seed the demo data beside 100,000 rows per table", |b| {
        b.iter_custom(|n| runtime.block_on(timed(console, &target, true, n)))
    });
    group.bench_function("reset the demo data beside 100,000 rows per table", |b| {
        b.iter_custom(|n| runtime.block_on(timed(console, &target, false, n)))
    });
    group.finish();
}

criterion_group!(demo_benches, benches);
criterion_main!(demo_benches);
