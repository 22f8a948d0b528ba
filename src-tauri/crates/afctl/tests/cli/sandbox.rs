//! `afctl sandbox` on the machine's PostgreSQL and Redis: up (idempotent), status, down (only its
//! database), and a server that is not there.

use test_support::afctl::{json, text};
use test_support::assert_contains;

use crate::afctl;

fn exists(name: &str) -> bool {
    test_support::postgres::try_sql_on(
        "postgres",
        &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
    )
    .unwrap()
        == "1"
}

#[test]
fn up_status_and_down_touch_only_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // Its own database name, so a developer's own sandbox is never touched by a test.
    let name = format!("afc_sandbox_test_{}", std::process::id());
    let db = ["--database", name.as_str()];
    let with = |cmd: &[&'static str]| -> Vec<String> {
        cmd.iter()
            .map(|a| (*a).to_owned())
            .chain(db.iter().map(|a| (*a).to_owned()))
            .collect()
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        afctl(dir, &args, "")
    };

    let status = run(with(&["--json", "sandbox", "status"]));
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    assert_eq!(json(&status)["database"], false);

    let up = run(with(&["--json", "sandbox", "up"]));
    assert_eq!(up.status.code(), Some(0), "{}", text(&up));
    let report = json(&up);
    assert_eq!(report["environment"], true);
    assert_eq!(report["pendingMigrations"], 0);
    assert_eq!(report["demoRows"], 9);
    assert_contains(
        report["api"].as_str().unwrap(),
        &["No Agent Factory API runs in the sandbox", "--api-url"],
    );
    assert!(exists(&name));
    let listed = afctl(dir, &["--json", "env", "list"], "");
    assert_eq!(
        json(&listed)["current"],
        "local-sandbox",
        "{}",
        text(&listed)
    );

    // Again: it completes what is missing, and nothing is missing.
    let again = run(with(&["sandbox", "up"]));
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_contains(&text(&again), &["exists", "already has the demo tenant"]);

    // Down is destructive: refused off a terminal without --yes, and nothing dropped.
    let refused = run(with(&["sandbox", "down"]));
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(exists(&name));
    let down = run(with(&["sandbox", "down", "--yes"]));
    assert_eq!(down.status.code(), Some(0), "{}", text(&down));
    assert!(!exists(&name));
    assert!(
        exists("postgres") && exists("test"),
        "only the sandbox's database is dropped"
    );
    let listed = afctl(dir, &["--json", "env", "list"], "");
    assert_eq!(
        json(&listed)["environments"],
        serde_json::json!([]),
        "{}",
        text(&listed)
    );
}

#[test]
fn without_postgresql_it_says_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = format!(
        "postgresql://postgres@127.0.0.1:{}/postgres?sslmode=disable",
        test_support::fixture_api::closed_port()
    );
    let status = afctl(
        dir.path(),
        &["sandbox", "status", "--server-url", &nowhere],
        "",
    );
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    assert_contains(&text(&status), &["apt-get install postgresql"]);
    let up = afctl(dir.path(), &["sandbox", "up", "--server-url", &nowhere], "");
    assert_eq!(up.status.code(), Some(2), "{}", text(&up));
    assert_contains(&text(&up), &["apt-get install postgresql", "redis-server"]);
}
