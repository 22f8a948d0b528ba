//! How fast the Secrets view and `.env` handling are: the parser on a large file, an export →
//! import round trip of a full environment, and the view of an environment whose secrets are all
//! in the real keyring (run inside `scripts/test-session.sh`, as `scripts/bench.sh` does).

use std::hint::black_box;

use afc_core::Console;
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment};
use afc_core::guard::Confirmation;
use afc_core::paths::AppPaths;
use afc_core::secrets::{SecretString, catalog, dotenv};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// About 1 MiB of `.env`: plain, quoted, escaped and multi-line values, comments.
fn big_env_file() -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1 << 20 {
        text.push_str(&format!(
            "# entry {i}\nexport PLAIN_{i}=value-{i}\nQUOTED_{i}=\"a value with spaces, \\\"quotes\\\" and \\n escapes\"\nSINGLE_{i}='literal $HOME'\nMULTI_{i}=\"line one\nline two\"\nURL_{i}=postgresql://u:p@h:5432/db?sslmode=require # inline comment\n"
        ));
        i += 1;
    }
    text
}

fn dotenv_benches(c: &mut Criterion) {
    let text = big_env_file();
    let mut group = c.benchmark_group("dotenv");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse 1 MiB", |b| {
        b.iter(|| dotenv::parse(black_box(&text)))
    });
    group.finish();

    let values: Vec<(String, String)> = catalog::CATALOG
        .iter()
        .map(|v| {
            (
                v.name.to_owned(),
                format!(
                    "value of {} with \"quotes\" and $dollars\nand a second line",
                    v.name
                ),
            )
        })
        .collect();
    c.bench_function("dotenv/export and re-import every catalog variable", |b| {
        b.iter(|| {
            let file = dotenv::format_file(
                "bench",
                values.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            );
            dotenv::parse(black_box(&file))
        })
    });
}

fn keyring_benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let console = Console::load(AppPaths::under(dir.path()), "bench").unwrap();
    let secrets: Vec<&str> = catalog::CATALOG
        .iter()
        .filter(|v| v.sensitivity.is_secret())
        .map(|v| v.name)
        .collect();
    runtime.block_on(async {
        console
            .create_environment(
                Environment::new("bench", EnvKind::Staging),
                ConnectionSecrets::default(),
            )
            .await
            .unwrap();
        for name in &secrets {
            console
                .set_variable(
                    "bench",
                    name,
                    SecretString::new(format!("secret-value-for-{name}")),
                    None,
                    &Confirmation::yes(),
                )
                .await
                .unwrap();
        }
    });
    c.bench_function(
        &format!(
            "keyring/Secrets view of an environment with {} secrets",
            secrets.len()
        ),
        |b| b.to_async(&runtime).iter(|| console.variables("bench")),
    );
    let yes = Confirmation::yes();
    c.bench_function("keyring/set one secret", |b| {
        b.to_async(&runtime).iter(|| {
            console.set_variable(
                "bench",
                "JWT_SECRET_KEY",
                SecretString::new("x".repeat(40)),
                None,
                &yes,
            )
        })
    });
    runtime
        .block_on(console.delete_environment("bench", &Confirmation::yes()))
        .unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = dotenv_benches, keyring_benches
}
criterion_main!(benches);
