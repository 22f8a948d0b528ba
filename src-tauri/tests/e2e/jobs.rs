//! Jobs in the real window: an apply waiting for the migration lock another session holds runs
//! as a job whose log is whole after leaving the section and coming back, and which is cancelled
//! from the top bar's jobs list (nothing runs).

use std::io::Write;

use test_support::e2e::Profile;
use test_support::postgres::TestDb;

use crate::{afctl, launch};

/// The migration lock's key: "AFCM" (afc-core's `migrate::lock`).
const MIGRATION_LOCK: i64 = 0x4146_434D;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: run through scripts/test.sh"]
async fn an_apply_log_outlives_the_section_and_the_apply_is_cancelled_from_the_jobs_list() {
    let db = TestDb::create();
    let profile = Profile::with_config_dir_env();
    afctl(
        &profile,
        &["env", "add", "dev", "--kind", "dev", "--db-url", &db.url()],
        "",
    );
    // Another applier (a psql session here) holds the migration lock until told to let go.
    let mut holder = db.session();
    let mut holding = holder.stdin.take().expect("psql's stdin");
    writeln!(holding, "SELECT pg_advisory_lock({MIGRATION_LOCK});").unwrap();
    holding.flush().unwrap();
    db.wait_advisory_lock(MIGRATION_LOCK);

    let app = launch(&profile).await;
    let migrations = app.migrations();
    app.open("migrations").await;
    migrations.run(None).await;
    migrations
        .log_contains("Waiting for the migration lock, held by process")
        .await;
    app.screenshot("jobs-waiting").await;
    // Elsewhere and back: the log is whole (the backend replays it).
    app.open("audit").await;
    app.open("migrations").await;
    migrations
        .log_contains("Waiting for the migration lock, held by process")
        .await;

    let jobs = app.jobs();
    jobs.open(1).await;
    app.screenshot("jobs-list").await;
    jobs.show("Apply migrations to dev").await;
    jobs.cancel().await;
    app.wait_contains(
        ".modal .job-log",
        "Cancelled while waiting for the migration lock; nothing ran",
    )
    .await;
    app.find(".modal .job-log[data-state=cancelled]").await;
    app.screenshot("jobs-cancelled").await;
    app.close_dialog().await;
    migrations.wait_job("cancelled").await;
    app.find("tr[data-state=pending]").await;
    app.quit().await;
    writeln!(holding, "SELECT pg_advisory_unlock({MIGRATION_LOCK});").unwrap();
    drop(holding);
    holder.wait().expect("psql ends");
    assert_eq!(
        db.sql("SELECT to_regclass('public.tenants') IS NULL"),
        "t",
        "nothing ran"
    );
    let audit = std::fs::read_to_string(profile.config_dir().join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"action\":\"migration.apply\""), "{audit}");
}
