//! A console with its own temporary configuration folder (and so its own keyring namespace).

use afc_core::Console;
use afc_core::audit::AuditAction;
use afc_core::db::Database;
use afc_core::guard::{self, Confirmation, WritePermit};
use afc_core::migrate::{self, MigrationRun, MigrationSet};
use afc_core::paths::AppPaths;
use afc_core::progress::{Cancel, Progress};
use serde_json::Value;
use test_support::postgres::TestDb;

pub struct TestConsole {
    pub console: Console,
    #[allow(dead_code)] // only some test files look inside the folder
    pub dir: tempfile::TempDir,
}

pub fn console() -> TestConsole {
    let dir = tempfile::tempdir().unwrap();
    TestConsole {
        console: Console::load(AppPaths::under(dir.path()), "test").unwrap(),
        dir,
    }
}

/// What the write policy gives a test that writes to its own scratch database.
pub fn permit(db: &Database) -> WritePermit {
    guard::authorize(
        AuditAction::MigrationApply,
        "test",
        &db.scope(),
        &Confirmation::yes(),
    )
    .unwrap()
}

/// Every shipped (or given) migration applied to a scratch database.
pub async fn apply(db: &Database, set: &MigrationSet) -> afc_core::Result<migrate::ApplyReport> {
    migrate::apply(
        &MigrationRun::new(db, set, &Progress::none(), &Cancel::default()),
        &permit(db),
    )
    .await
}

/// How the console reaches the scratch database `db` (trust auth, no TLS).
pub fn connection(db: &test_support::postgres::TestDb) -> afc_core::db::DbConnection {
    afc_core::db::DbConnection {
        host: "127.0.0.1".into(),
        port: 5432,
        database: db.name.clone(),
        user: "postgres".into(),
        tls: afc_core::db::TlsPolicy::Disable,
        ca_cert: None,
        has_password: false,
    }
}

/// The machine's Redis (or a closed port) as an environment's connection.
pub fn local_redis(port: u16) -> afc_core::environments::RedisConnection {
    afc_core::environments::RedisConnection {
        host: "127.0.0.1".into(),
        port,
        db: 0,
        username: None,
        tls: false,
        has_password: false,
    }
}

/// The platform's twelve tables.
const TABLES: [&str; 12] = [
    "tenants",
    "users",
    "agents",
    "workflows",
    "blueprints",
    "executions",
    "audit_logs",
    "api_keys",
    "projects",
    "plans",
    "subscriptions",
    "usage_records",
];

/// Every row of every table, as JSON, ordered by id: compared before and after a change that
/// must leave rows alone.
pub fn snapshot(db: &TestDb) -> Vec<(String, Vec<Value>)> {
    TABLES
        .iter()
        .map(|t| {
            let json = db.sql(&format!(
                "SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.id), '[]') FROM public.{t} x"
            ));
            let rows: Vec<Value> = serde_json::from_str(&json).unwrap();
            ((*t).to_owned(), rows)
        })
        .collect()
}
