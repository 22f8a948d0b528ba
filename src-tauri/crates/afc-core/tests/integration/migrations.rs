//! Migrations against the machine's PostgreSQL: a fresh database reaches the canonical schema
//! and validates clean; row-level security works on a Supabase-like database; and every fault
//! the issue lists behaves as described.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{apply, permit};
use afc_core::ErrorCode;
use afc_core::db::Database;
use afc_core::environments::SafetyLevel;
use afc_core::guard::Confirmation;
use afc_core::migrate::{
    self, APPLICATION_NAME, ApplyEvent, ApplyOptions, MigrationRun, MigrationSet, MigrationState,
    MigrationWrite,
};
use afc_core::progress::{Cancel, Progress};
use afc_core::schema::Shape;
use test_support::assert_contains;
use test_support::postgres::TestDb;

fn target(db: &TestDb) -> Database {
    Database::from_url(&db.url()).unwrap()
}

fn recorder() -> (Progress<ApplyEvent>, Arc<Mutex<Vec<ApplyEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    (Progress::new(move |e| sink.lock().unwrap().push(e)), events)
}

fn states(report: &migrate::StatusReport) -> Vec<MigrationState> {
    report.migrations.iter().map(|m| m.state).collect()
}

#[tokio::test]
async fn a_fresh_database_reaches_the_canonical_schema_and_validates_clean() {
    let db = TestDb::create();
    let t = target(&db);
    let set = MigrationSet::embedded();
    let tc = crate::common::console();

    let before = migrate::status(&t, &set).await.unwrap();
    assert_eq!(before.shape, Shape::Empty);
    use MigrationState::*;
    assert_eq!(
        states(&before),
        [Pending, Pending, Pending, NotApplicable, NotApplicable]
    );
    assert!(
        before.migrations[3]
            .note
            .as_deref()
            .unwrap()
            .contains("auth.uid()")
    );
    assert!(!before.migrations[0].reversible);

    let plan = migrate::plan(&t, &set).await.unwrap();
    assert!(plan.refusal.is_none());
    assert_eq!(plan.migrations.len(), 5);
    assert_eq!(plan.migrations[0].statements.len(), 16);
    assert!(
        plan.migrations[0].statements[0]
            .sql
            .starts_with("CREATE TABLE public.tenants")
    );
    assert!(
        plan.migrations[3]
            .skipped
            .as_deref()
            .unwrap()
            .contains("not Supabase")
    );
    assert!(plan.lint.is_empty(), "{:?}", plan.lint);

    let (progress, events) = recorder();
    let report = tc
        .console
        .write_migrations(
            MigrationWrite::Apply,
            &MigrationRun::new(&t, &set, &progress, &Cancel::default()),
            &Confirmation::yes(),
        )
        .await
        .unwrap();
    assert_eq!(report.applied, [1, 2, 3]);
    assert_eq!(report.skipped, [4, 5]);
    let events = events.lock().unwrap().clone();
    let statements = events
        .iter()
        .filter(|e| matches!(e, ApplyEvent::Statement { .. }))
        .count();
    assert_eq!(statements, 16 + 22 + 3);
    assert!(matches!(
        events.last(),
        Some(ApplyEvent::Finished { applied: 3, .. })
    ));

    let after = migrate::status(&t, &set).await.unwrap();
    assert_eq!(after.shape, Shape::ConsoleManaged);
    assert_eq!(
        states(&after),
        [Applied, Applied, Applied, NotApplicable, NotApplicable]
    );
    assert!(after.migrations[0].applied_at.is_some());

    let report = migrate::validate(&t, &set).await.unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);
    assert_eq!(db.sql("SELECT version_num FROM alembic_version"), "003");
    assert_eq!(
        db.sql(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix_%'"
        ),
        "26"
    );

    // Nothing pending: a second apply changes nothing.
    assert!(apply(&t, &set).await.unwrap().applied.is_empty());
    let audit = tc.console.audit.read().unwrap();
    let entry = audit
        .entries
        .iter()
        .find(|e| e.action == "migration.apply")
        .unwrap();
    assert_eq!(entry.detail.as_deref(), Some("0001, 0002, 0003"));
}

#[tokio::test]
async fn row_level_security_applies_on_supabase_and_isolates_tenants_without_recursion() {
    let db = TestDb::create();
    db.add_supabase_auth();
    let t = target(&db);
    let set = MigrationSet::embedded();
    assert_eq!(apply(&t, &set).await.unwrap().applied, [1, 2, 3, 4, 5]);
    assert!(migrate::validate(&t, &set).await.unwrap().is_clean());

    let (u1, u2, u3) = (
        "11111111-1111-1111-1111-111111111111",
        "22222222-2222-2222-2222-222222222222",
        "33333333-3333-3333-3333-333333333333",
    );
    db.sql(&format!(
        "INSERT INTO tenants (id, name, slug) VALUES ('t1', 'One', 'one'), ('t2', 'Two', 'two');
         INSERT INTO users (id, email, hashed_password, tenant_id) VALUES
           ('{u1}', 'a@x', 'h', 't1'), ('{u2}', 'b@x', 'h', 't2'), ('{u3}', 'c@x', 'h', 't1');
         INSERT INTO agents (id, name, instructions, tenant_id, created_by) VALUES
           ('a1', 'A', 'i', 't1', '{u1}'), ('a2', 'B', 'i', 't2', '{u2}'), ('a3', 'C', 'i', 't1', '{u3}');
         INSERT INTO workflows (id, name, definition, tenant_id, created_by) VALUES
           ('w3', 'W', '{{}}', 't1', '{u3}');
         DROP ROLE IF EXISTS {r}; CREATE ROLE {r};
         GRANT USAGE ON SCHEMA public, auth TO {r};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r};",
        r = db.name
    ));
    // As an authenticated (non-owner) role with Supabase's default table grants.
    let as_user = |user: &str, sql: &str| {
        db.try_sql(&format!(
            "BEGIN; SET LOCAL ROLE {}; SELECT set_config('request.jwt.claim.sub', '{user}', true); {sql}; COMMIT;",
            db.name
        ))
        .map(|out| out.lines().last().unwrap_or_default().to_owned())
    };
    let refused = |user: &str, sql: &str| {
        let err = as_user(user, sql).expect_err(sql);
        assert!(err.contains("row-level security"), "{sql}: {err}");
    };
    // Users see their own tenant only, through policies that never query users under RLS.
    assert_eq!(
        as_user(
            u1,
            "SELECT string_agg(email, ',' ORDER BY email) FROM users"
        )
        .unwrap(),
        "a@x,c@x"
    );
    assert_eq!(
        as_user(u2, "SELECT string_agg(id, ',') FROM agents").unwrap(),
        "a2"
    );
    assert_eq!(as_user(u1, "SELECT count(*) FROM tenants").unwrap(), "1");
    // Deleting another tenant's agent removes nothing.
    as_user(u1, "DELETE FROM agents WHERE id = 'a2'").unwrap();
    assert_eq!(db.sql("SELECT count(*) FROM agents"), "3");

    // Escalations, each refused by the server.
    refused(u1, "UPDATE users SET tenant_id = 't2'");
    refused(u1, "UPDATE users SET roles = '[\"admin\"]'");
    refused(u1, "UPDATE users SET is_superuser = true");
    refused(
        u1,
        &format!(
            "INSERT INTO api_keys (id, key_hash, name, tenant_id, user_id) VALUES ('k9', 'h', 'x', 't2', '{u1}')"
        ),
    );
    refused(
        u1,
        &format!(
            "INSERT INTO api_keys (id, key_hash, name, tenant_id, user_id, permissions) VALUES ('k9', 'h', 'x', 't1', '{u1}', '[\"admin\"]')"
        ),
    );
    refused(
        u1,
        &format!("UPDATE agents SET created_by = '{u1}' WHERE id = 'a3'"),
    );
    refused(
        u1,
        &format!("UPDATE workflows SET created_by = '{u1}' WHERE id = 'w3'"),
    );
    refused(
        u1,
        &format!(
            "INSERT INTO agents (id, name, instructions, tenant_id, created_by) VALUES ('a9', 'X', 'i', 't1', '{u3}')"
        ),
    );
    as_user(u1, "DELETE FROM agents WHERE id = 'a3'").unwrap();
    assert_eq!(
        db.sql("SELECT (SELECT tenant_id FROM users WHERE email = 'a@x') || ',' || (SELECT created_by FROM agents WHERE id = 'a3')"),
        format!("t1,{u3}"),
        "nothing moved"
    );
    // What a member may do still works: their own profile, their tenant's agents, their own keys.
    as_user(u1, "UPDATE users SET email = 'a2@x'").unwrap();
    as_user(u1, "UPDATE agents SET name = 'Renamed' WHERE id = 'a3'").unwrap();
    as_user(u1, &format!("INSERT INTO api_keys (id, key_hash, name, tenant_id, user_id) VALUES ('k1', 'h', 'ci', 't1', '{u1}')")).unwrap();
    refused(
        u1,
        "UPDATE api_keys SET permissions = '[\"admin\"]' WHERE id = 'k1'",
    );
    as_user(u1, "UPDATE api_keys SET is_active = false WHERE id = 'k1'").unwrap();
    assert_eq!(
        db.sql("SELECT count(*) FROM agents WHERE name = 'Renamed'"),
        "1"
    );
    db.sql(&format!("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}; REVOKE ALL ON SCHEMA public, auth FROM {r}; DROP ROLE {r}", r = db.name));
}

#[tokio::test]
async fn revert_runs_the_down_migrations_newest_first_and_refuses_irreversible_ones() {
    let db = TestDb::create();
    db.add_supabase_auth();
    let t = target(&db);
    let set = MigrationSet::embedded();
    let tc = crate::common::console();
    apply(&t, &set).await.unwrap();
    let revert = |to: u32| {
        let (console, t, set) = (&tc.console, &t, &set);
        async move {
            let (progress, events) = recorder();
            let r = console
                .write_migrations(
                    MigrationWrite::Revert(to),
                    &MigrationRun::new(t, set, &progress, &Cancel::default()),
                    &Confirmation::yes(),
                )
                .await;
            (r, events)
        }
    };
    // 0001 cannot be reversed: nothing changes, and the reason is given.
    let (err, _) = revert(0).await;
    let err = err.unwrap_err();
    assert!(
        err.message
            .contains("0001_core_tables.up.sql cannot be reverted (dropping these tables"),
        "{}",
        err.message
    );
    assert_eq!(db.sql("SELECT count(*) FROM pg_policies"), "35");

    let (report, events) = revert(1).await;
    assert_eq!(report.unwrap().applied, [5, 4, 3, 2]);
    assert!(events.lock().unwrap().iter().any(
        |e| matches!(e, ApplyEvent::MigrationStarted { name, .. } if name == "revert supabase_rls")
    ));
    assert_eq!(db.sql("SELECT count(*) FROM pg_policies"), "0");
    assert_eq!(
        db.sql("SELECT to_regclass('public.alembic_version') IS NULL"),
        "t"
    );
    assert_eq!(
        db.sql(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix_%'"
        ),
        "4"
    );
    let status = migrate::status(&t, &set).await.unwrap();
    use MigrationState::*;
    assert_eq!(
        states(&status),
        [Applied, Pending, Pending, Pending, Pending]
    );
    // And forward again.
    assert_eq!(apply(&t, &set).await.unwrap().applied, [2, 3, 4, 5]);
    assert!(migrate::validate(&t, &set).await.unwrap().is_clean());
    let audit = tc.console.audit.read().unwrap();
    assert_eq!(
        audit
            .entries
            .iter()
            .filter(|e| e.action == "migration.revert")
            .count(),
        2
    );
}

/// A folder of migrations written by the test.
fn folder(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in files {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    let set = MigrationSet::from_dir(dir.path()).unwrap();
    (dir, set)
}

const SLOW: &[(&str, &str)] = &[
    ("0001_first.up.sql", "CREATE TABLE first (id int);"),
    (
        "0002_slow.up.sql",
        "CREATE TABLE second (id int);\nSELECT pg_sleep(2);",
    ),
];

/// Waits until the migration session is running `pg_sleep`, and returns its pid.
async fn sleeping_pid(db: &TestDb) -> String {
    let query = format!(
        "SELECT pid FROM pg_stat_activity WHERE datname = '{}' AND application_name = '{APPLICATION_NAME}' AND query LIKE '%pg_sleep%' AND state = 'active'",
        db.name
    );
    for _ in 0..500 {
        let pid = db.sql(&query);
        if !pid.is_empty() {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the migration never reached its slow statement");
}

#[tokio::test]
async fn a_connection_killed_mid_apply_leaves_the_database_as_before_that_migration() {
    let db = TestDb::create();
    let (_dir, set) = folder(SLOW);
    let t = target(&db);
    let running = tokio::spawn({
        let (t, set) = (t.clone(), set.clone());
        async move { apply(&t, &set).await }
    });
    let pid = sleeping_pid(&db).await;
    assert_eq!(db.sql(&format!("SELECT pg_terminate_backend({pid})")), "t");
    let err = running.await.unwrap().unwrap_err();
    assert_eq!(err.code, ErrorCode::MigrationFailed, "{err:?}");
    assert_contains(&err.message, &["0002_slow.up.sql", "statement 2"]);
    assert_contains(&err.message, &["connection to PostgreSQL was lost"]);
    assert_eq!(
        db.sql("SELECT to_regclass('public.second') IS NULL, to_regclass('public.first') IS NULL"),
        "t|f"
    );
    assert_eq!(
        db.sql("SELECT string_agg(version::text, ',') FROM afc_schema_migrations"),
        "1"
    );
    // A re-run completes.
    assert_eq!(apply(&t, &set).await.unwrap().applied, [2]);
}

#[tokio::test]
async fn two_appliers_never_both_apply() {
    let db = TestDb::create();
    let (_dir, set) = folder(SLOW);
    let t = target(&db);
    let first = tokio::spawn({
        let (t, set) = (t.clone(), set.clone());
        async move { apply(&t, &set).await }
    });
    sleeping_pid(&db).await;
    // Without waiting: reports the holder.
    let err = apply(&t, &set).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains(APPLICATION_NAME), "{}", err.message);
    // Waiting: told who holds it, then finds nothing left to do.
    let (progress, events) = recorder();
    let options = ApplyOptions {
        lock_wait: Duration::from_secs(60),
        ..ApplyOptions::default()
    };
    let cancel = Cancel::default();
    let run = MigrationRun {
        options: &options,
        ..MigrationRun::new(&t, &set, &progress, &cancel)
    };
    let second = migrate::apply(&run, &permit(&t)).await.unwrap();
    assert_eq!(first.await.unwrap().unwrap().applied, [1, 2]);
    assert!(second.applied.is_empty());
    assert!(
        events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, ApplyEvent::WaitingForLock { .. }))
    );
    assert_eq!(db.sql("SELECT count(*) FROM afc_schema_migrations"), "2");
}

#[tokio::test]
async fn a_migration_modified_after_it_was_applied_is_refused_by_name() {
    let db = TestDb::create();
    let (dir, set) = folder(&[("0001_first.up.sql", "CREATE TABLE first (id int);")]);
    let t = target(&db);
    apply(&t, &set).await.unwrap();
    std::fs::write(
        dir.path().join("0001_first.up.sql"),
        "CREATE TABLE first (id bigint);",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("0002_next.up.sql"),
        "CREATE TABLE next (id int);",
    )
    .unwrap();
    let changed = MigrationSet::from_dir(dir.path()).unwrap();
    let status = migrate::status(&t, &changed).await.unwrap();
    assert_eq!(
        states(&status),
        [MigrationState::Modified, MigrationState::Pending]
    );
    assert_eq!(status.problems, 1);
    let err = apply(&t, &changed).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::MigrationDrift);
    assert_contains(&err.message, &["0001_first.up.sql was modified"]);
    assert_eq!(db.sql("SELECT to_regclass('public.next') IS NULL"), "t");
    let plan = migrate::plan(&t, &changed).await.unwrap();
    assert!(plan.refusal.unwrap().contains("0001_first.up.sql"));
}

#[tokio::test]
async fn malformed_sql_names_the_migration_statement_and_position_and_changes_nothing() {
    let db = TestDb::create();
    let (_dir, set) = folder(&[
        ("0001_first.up.sql", "CREATE TABLE first (id int);"),
        (
            "0002_broken.up.sql",
            "-- two statements\nCREATE TABLE fine (id int);\nCREATE TABLE bad (\n  id int,, x int);",
        ),
    ]);
    let t = target(&db);
    let (progress, events) = recorder();
    let err = migrate::apply(
        &MigrationRun::new(&t, &set, &progress, &Cancel::default()),
        &permit(&t),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::MigrationFailed);
    assert!(
        err.message.starts_with(
            "0002_broken.up.sql failed at statement 2 (line 4, column 10): syntax error"
        ),
        "{}",
        err.message
    );
    assert!(err.message.contains("rolled back"));
    assert!(err.details.unwrap().contains("CREATE TABLE bad"));
    let failure = events.lock().unwrap().iter().find_map(|e| match e {
        ApplyEvent::MigrationFailed { failure } => Some(failure.clone()),
        _ => None,
    });
    assert_eq!(
        failure.map(|f| (f.version, f.statement, f.line, f.column)),
        Some((2, 2, 4, Some(10)))
    );
    assert_eq!(
        db.sql("SELECT to_regclass('public.fine') IS NULL, to_regclass('public.first') IS NULL"),
        "t|f"
    );
}

#[tokio::test]
async fn a_no_transaction_migration_can_build_an_index_concurrently() {
    let db = TestDb::create();
    let (_dir, set) = folder(&[
        ("0001_first.up.sql", "CREATE TABLE first (id int);"),
        (
            "0002_index.up.sql",
            "-- afc:no-transaction\nCREATE INDEX CONCURRENTLY first_id ON first (id);",
        ),
    ]);
    let t = target(&db);
    assert!(
        migrate::plan(&t, &set)
            .await
            .unwrap()
            .lint
            .iter()
            .all(|l| l.rule != "concurrently-in-transaction")
    );
    assert_eq!(apply(&t, &set).await.unwrap().applied, [1, 2]);
    assert_eq!(
        db.sql("SELECT count(*) FROM pg_indexes WHERE indexname = 'first_id'"),
        "1"
    );
}

#[tokio::test]
async fn cancel_stops_between_migrations() {
    let db = TestDb::create();
    let t = target(&db);
    let set = MigrationSet::embedded();
    let cancel = Cancel::default();
    let stop = cancel.clone();
    let progress = Progress::new(move |e| {
        if matches!(e, ApplyEvent::MigrationFinished { version: 1, .. }) {
            stop.cancel();
        }
    });
    let report = migrate::apply(
        &MigrationRun::new(&t, &set, &progress, &cancel),
        &permit(&t),
    )
    .await
    .unwrap();
    assert_eq!(
        (report.applied.as_slice(), report.cancelled),
        (&[1][..], true)
    );
    let status = migrate::status(&t, &set).await.unwrap();
    assert_eq!(status.pending, 2);
}

#[tokio::test]
async fn unreachable_databases_fail_clearly_within_the_timeout() {
    let closed = test_support::fixture_api::closed_port();
    let t = Database::from_url(&format!(
        "postgresql://postgres@127.0.0.1:{closed}/x?sslmode=disable"
    ))
    .unwrap();
    let err = migrate::status(&t, &MigrationSet::embedded())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unreachable);
    assert!(err.message.contains(&format!("127.0.0.1:{closed}/x")));

    // A server that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let t = Database::from_url(&format!(
        "postgresql://postgres@127.0.0.1:{port}/x?sslmode=disable"
    ))
    .unwrap();
    let started = std::time::Instant::now();
    let err = migrate::status(&t, &MigrationSet::embedded())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert!(started.elapsed() < Duration::from_secs(15));
    drop(silent);
}

#[tokio::test]
async fn the_transaction_pooler_and_unconfirmed_protected_environments_are_refused() {
    let set = MigrationSet::embedded();
    let pooler =
        Database::from_url("postgresql://postgres.ref@aws-0-eu.pooler.supabase.com:6543/postgres")
            .unwrap();
    let err = migrate::plan(&pooler, &set).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::UnsafeInProduction);
    assert!(err.message.contains("transaction pooler"));
    assert_eq!(
        apply(&pooler, &set).await.unwrap_err().code,
        ErrorCode::UnsafeInProduction
    );

    let db = TestDb::create();
    let tc = crate::common::console();
    let mut t = target(&db);
    t.environment = Some("production".into());
    t.safety = SafetyLevel::Protected;
    let run = |confirm: Option<&'static str>, t: Database| {
        let console = &tc.console;
        let set = &set;
        async move {
            let answer = confirm.map(Confirmation::name).unwrap_or_default();
            console
                .write_migrations(
                    MigrationWrite::Apply,
                    &MigrationRun::new(&t, set, &Progress::none(), &Cancel::default()),
                    &answer,
                )
                .await
        }
    };
    let err = run(Some("prod"), t.clone()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::UnsafeInProduction);
    assert_eq!(db.sql("SELECT to_regclass('public.tenants') IS NULL"), "t");
    assert_eq!(
        run(Some("production"), t.clone()).await.unwrap().applied,
        [1, 2, 3]
    );
    t.safety = SafetyLevel::ReadOnly;
    assert!(
        run(Some("production"), t)
            .await
            .unwrap_err()
            .message
            .contains("read-only")
    );
    let audit = tc.console.audit.read().unwrap();
    let outcomes: Vec<_> = audit
        .entries
        .iter()
        .map(|e| (e.action.as_str(), e.outcome))
        .collect();
    use afc_core::audit::Outcome::{Failed, Ok};
    assert_eq!(
        outcomes,
        [
            ("migration.apply", Failed),
            ("migration.apply", Ok),
            ("migration.apply", Failed)
        ]
    );
}

#[tokio::test]
async fn the_plan_names_the_lock_holder_and_sessions_that_would_block_ddl() {
    use sqlx::Connection;
    let db = TestDb::create();
    let t = target(&db);
    let set = MigrationSet::embedded();
    apply(&t, &set).await.unwrap();
    let url = db.url();
    let mut holder = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(1095123789)")
        .execute(&mut holder)
        .await
        .unwrap();
    let mut reader = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("BEGIN; SELECT * FROM tenants;")
        .execute(&mut reader)
        .await
        .unwrap();
    let plan = migrate::plan(&t, &set).await.unwrap();
    assert!(plan.lock_holder.is_some());
    let blocker = plan
        .blockers
        .iter()
        .find(|b| b.tables.contains(&"tenants".to_owned()))
        .unwrap();
    assert!(blocker.query.contains("SELECT * FROM tenants"));
    assert!(blocker.state.contains("idle in transaction"));
}
