//! The database session against the machine's PostgreSQL: read-only environments cannot write
//! (the server refuses it), writes need a permit, errors carry their position.

use afc_core::ErrorCode;
use afc_core::audit::AuditAction;
use afc_core::db::Database;
use afc_core::environments::SafetyLevel;
use afc_core::guard::{self, Confirmation};
use test_support::postgres::{PASSWORD_ROLE_SECRET, TestDb, password_role_url};

fn database(db: &TestDb, name: &str, safety: SafetyLevel) -> Database {
    let mut d = Database::from_url(&db.url()).unwrap();
    d.environment = Some(name.into());
    d.safety = safety;
    d
}

#[tokio::test]
async fn a_read_only_environment_cannot_write_even_with_raw_sql() {
    let scratch = TestDb::create();
    let db = database(&scratch, "prod-replica", SafetyLevel::ReadOnly);
    let mut read = db.read().await.unwrap();
    let e = sqlx::raw_sql("CREATE TABLE intruder (id int)")
        .execute(&mut *read)
        .await
        .unwrap_err();
    assert_eq!(
        afc_core::db::query_error("x", &e).code,
        ErrorCode::UnsafeInProduction
    );
    drop(read);
    // A connection of its own (what a probe or a report opens) is read-only on the server too.
    let mut own = db.connect("test").await.unwrap();
    let e = sqlx::raw_sql("BEGIN; CREATE TABLE intruder (id int); COMMIT")
        .execute(&mut own)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("read-only transaction"), "{e}");
    assert_eq!(
        scratch.sql("SELECT to_regclass('public.intruder') IS NULL"),
        "t"
    );
    // And the write policy gives no permit for it, whatever the operator types.
    let refused = guard::authorize(
        AuditAction::MigrationApply,
        "apply",
        &db.scope(),
        &Confirmation::name("prod-replica"),
    );
    assert_eq!(refused.unwrap_err().code, ErrorCode::UnsafeInProduction);
}

#[tokio::test]
async fn a_write_session_needs_a_permit_for_its_own_database() {
    let scratch = TestDb::create();
    let db = database(&scratch, "local", SafetyLevel::Open);
    let permit = guard::authorize(
        AuditAction::MigrationApply,
        "apply",
        &db.scope(),
        &Confirmation::yes(),
    )
    .unwrap();
    let mut w = db.write(&permit, "test").await.unwrap();
    sqlx::raw_sql("CREATE TABLE made (id int)")
        .execute(&mut *w)
        .await
        .unwrap();
    let timeout: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(&mut *w)
        .await
        .unwrap();
    assert_eq!(timeout, "1min");
    w.close().await.unwrap();
    assert_eq!(
        scratch.sql("SELECT to_regclass('public.made') IS NOT NULL"),
        "t"
    );

    let other = database(&scratch, "staging", SafetyLevel::Open);
    let e = other.write(&permit, "test").await.err().unwrap();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(
        e.message.contains("\"local\" was used on \"staging\""),
        "{e:?}"
    );
}

#[tokio::test]
async fn server_errors_carry_their_code_and_position_and_a_lost_connection_says_so() {
    let scratch = TestDb::create();
    let db = database(&scratch, "local", SafetyLevel::Open);
    let mut read = db.read().await.unwrap();
    let e = sqlx::query("SELECT * FROM nowhere")
        .execute(&mut *read)
        .await
        .unwrap_err();
    let e = afc_core::db::query_error("reading the table", &e);
    assert!(
        e.message.contains("relation \"nowhere\" does not exist"),
        "{e:?}"
    );
    assert_eq!(
        e.details.as_deref(),
        Some("SQLSTATE 42P01, at character 15")
    );
    drop(read);

    let mut own = db.connect("doomed").await.unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut own)
        .await
        .unwrap();
    scratch.sql(&format!("SELECT pg_terminate_backend({pid})"));
    let e = sqlx::query("SELECT 1").execute(&mut own).await.unwrap_err();
    let e = afc_core::db::query_error("a check", &e);
    assert_eq!(e.code, ErrorCode::Unreachable, "{e:?}");
    assert!(e.message.contains("lost during a check"), "{e:?}");
}

#[tokio::test]
async fn the_password_sent_is_the_one_given_and_a_wrong_one_is_refused_by_the_server() {
    let right = Database::from_url(&password_role_url(PASSWORD_ROLE_SECRET)).unwrap();
    let mut session = right.read().await.unwrap();
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut *session)
        .await
        .unwrap();
    assert_eq!(one, 1);
    let wrong = Database::from_url(&password_role_url("not-the-password")).unwrap();
    let Err(e) = wrong.read().await else {
        panic!("a wrong password connected");
    };
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e:?}");
    assert!(
        e.message.contains("password authentication failed"),
        "{}",
        e.message
    );
    assert!(
        !format!("{e:?}").contains("not-the-password"),
        "the password leaked: {e:?}"
    );
}
