//! Agents at scale: listing and reconciling 10,000 agents (the fixture API's list of 10,000 and
//! a 10,000-row table, half the ids shared), the join alone, and planning an import of 5,000
//! agents from one 10 MiB file. Run by scripts/bench.sh (it needs the test session's keyring).

use std::hint::black_box;

use afc_core::agents::{ApiAgent, reconcile};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use test_support::fixture_api::FixtureApi;

mod common;

const N: usize = 10_000;

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let api = FixtureApi::builder()
        .rate_limit(1_000_000, 1_000_000)
        .start();
    let bench = common::environment(&runtime, &api);
    let (console, db) = (&bench.console, &bench.db);
    test_support::scale::seed_agents(&api, db, N);

    let mut group = c.benchmark_group("agents");
    group.sample_size(20);
    group.bench_function(
        "list and reconcile 10,000 API agents and 10,000 table rows",
        |b| {
            b.to_async(&runtime).iter(|| async {
                let view = console.agents("bench").await.unwrap();
                // And the fixture's two recorded agents.
                assert_eq!(view.rows.len(), N + N / 2 + 2);
                view
            })
        },
    );
    let view = runtime.block_on(console.agents("bench")).unwrap();
    let api_side: Vec<ApiAgent> = view.rows.iter().filter_map(|r| r.api.clone()).collect();
    let table_side: Vec<_> = view.rows.iter().filter_map(|r| r.table.clone()).collect();
    group.bench_function("join 10,000 + 10,000 by id (no I/O)", |b| {
        b.iter(|| reconcile(black_box(&api_side), black_box(&table_side)))
    });

    let files = tempfile::tempdir().unwrap();
    let many: Vec<_> = (0..5000)
        .map(|i| json!({"id": format!("bulk-{i:04}"), "name": format!("Bulk {i}"), "instructions": "x".repeat(2048)}))
        .collect();
    std::fs::write(
        files.path().join("many.json"),
        serde_json::to_string(&many).unwrap(),
    )
    .unwrap();
    group.bench_function("plan an import of 5,000 agents from a 10 MiB file", |b| {
        b.to_async(&runtime)
            .iter(|| console.import_plan("bench", files.path()))
    });
    group.finish();
}

criterion_group!(agents, benches);
criterion_main!(agents);
