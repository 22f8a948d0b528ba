//! What the benchmarks that need a whole environment share: a console on a temporary folder with
//! environment `bench` on the fixture API and a migrated scratch database.

use afc_core::Console;
use afc_core::db::{DbConnection, TlsPolicy};
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment};
use afc_core::migrate::{self, MigrationRun, MigrationSet};
use afc_core::paths::AppPaths;
use afc_core::progress::{Cancel, Progress};
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

pub struct Bench {
    pub console: Console,
    pub db: TestDb,
    _dir: tempfile::TempDir,
}

/// Environment `bench` (kind dev, open) on `api` and a new migrated database.
pub fn environment(runtime: &tokio::runtime::Runtime, api: &FixtureApi) -> Bench {
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let console = Console::load(AppPaths::under(dir.path()), "bench").unwrap();
    runtime.block_on(async {
        let target = afc_core::db::Database::from_url(&db.url()).unwrap();
        let permit = afc_core::guard::authorize(
            afc_core::audit::AuditAction::MigrationApply,
            "bench",
            &target.scope(),
            &afc_core::guard::Confirmation::yes(),
        )
        .unwrap();
        let set = MigrationSet::embedded();
        migrate::apply(
            &MigrationRun::new(&target, &set, &Progress::none(), &Cancel::default()),
            &permit,
        )
        .await
        .unwrap();
        let mut env = Environment::new("bench", EnvKind::Dev);
        env.api_url = Some(api.url());
        env.database = Some(DbConnection {
            host: "127.0.0.1".into(),
            port: 5432,
            database: db.name.clone(),
            user: "postgres".into(),
            tls: TlsPolicy::Disable,
            ca_cert: None,
            has_password: false,
        });
        console
            .create_environment(env, ConnectionSecrets::default())
            .await
            .unwrap();
    });
    Bench {
        console,
        db,
        _dir: dir,
    }
}
