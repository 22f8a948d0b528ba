//! `afctl migrate` end to end: the real binary on the machine's PostgreSQL, as CI runs it.

use std::path::Path;
use std::process::Output;

use test_support::afctl::{json, text};

use test_support::assert_contains;
use test_support::postgres::{TestDb, legacy_dump};

fn afctl(config: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        config,
        args,
        "",
        env,
    )
}

#[test]
fn status_plan_apply_validate_with_a_database_url() {
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let with_url = [("DATABASE_URL", url.as_str())];

    let status = afctl(dir.path(), &["--json", "migrate", "status"], &with_url);
    assert_eq!(status.status.code(), Some(1), "pending: {}", text(&status));
    assert_eq!(json(&status)["pending"], 3);

    let plan = afctl(
        dir.path(),
        &["migrate", "plan", "--database-url", &url],
        &[],
    );
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let plan_text = text(&plan);
    assert!(plan_text.contains("-- 0001_core_tables.up.sql (one transaction)"));
    assert!(plan_text.contains("CREATE TABLE public.tenants"));
    assert!(plan_text.contains("not Supabase"));

    // Not on a terminal: --yes is required, and nothing changes without it.
    let refused = afctl(dir.path(), &["migrate", "apply"], &with_url);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("--yes"));
    assert_eq!(db.sql("SELECT to_regclass('public.tenants') IS NULL"), "t");

    let applied = afctl(dir.path(), &["migrate", "apply", "--yes"], &with_url);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    let log = text(&applied);
    assert!(
        log.contains("[1/3] 0001_core_tables (16 statements)") && log.contains(": 3 to run"),
        "{log}"
    );
    assert!(
        log.contains("1/16 line 5: CREATE TABLE public.tenants ("),
        "{log}"
    );
    assert!(log.contains("Applied 3 migration(s)"), "{log}");
    // Again, as CI runs it on every deploy: the RLS migration that does not apply here is not
    // announced as one to run.
    let again = afctl(dir.path(), &["migrate", "apply", "--yes"], &with_url);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let log = text(&again);
    assert!(
        log.contains(": 0 to run") && !log.contains("1 to run"),
        "{log}"
    );

    let md = dir.path().join("report.md");
    let valid = afctl(
        dir.path(),
        &[
            "--json",
            "migrate",
            "validate",
            "--markdown",
            md.to_str().unwrap(),
        ],
        &with_url,
    );
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid));
    assert_eq!(json(&valid)["errors"], 0);
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# Schema validation")
    );
    assert_eq!(
        afctl(dir.path(), &["migrate", "status"], &with_url)
            .status
            .code(),
        Some(0)
    );

    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"action\":\"migration.apply\"") && audit.contains("\"source\":\"afctl\"")
    );
}

#[test]
fn adopt_a_legacy_database_then_validate_clean() {
    let db = TestDb::create();
    db.load(&legacy_dump("alembic-002.sql"));
    db.sql(
        "INSERT INTO tenants (id, name, slug) VALUES ('t1', 'A', 'a');
         INSERT INTO workflows (id, name, definition, tenant_id) VALUES ('w1', 'F', NULL, 't1')",
    );
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["migrate"];
        a.extend_from_slice(extra);
        a.extend(["--database-url", url.as_str()]);
        a
    };
    let invalid = afctl(dir.path(), &args(&["validate"]), &[]);
    assert_eq!(invalid.status.code(), Some(1));
    assert!(text(&invalid).contains("column workflows.created_by"));

    // Blocked (exit 1) by the NULL definition, shown below.
    let dry = afctl(dir.path(), &args(&["adopt", "--dry-run"]), &[]);
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry));
    assert!(
        text(&dry)
            .contains("UPDATE public.workflows SET created_by = user_id WHERE created_by IS NULL;")
    );
    assert_eq!(
        db.sql("SELECT to_regclass('public.afc_schema_migrations') IS NULL"),
        "t"
    );

    // A NULL where the repair adds NOT NULL stops it, saying how to fill it.
    let blocked = afctl(dir.path(), &args(&["adopt", "--yes"]), &[]);
    assert_eq!(blocked.status.code(), Some(1), "{}", text(&blocked));
    assert_contains(
        &text(&blocked),
        &[
            "BLOCKED by column workflows.definition",
            "id w1",
            "--backfill (proposes \"{}\")",
        ],
    );
    let proposed = afctl(
        dir.path(),
        &args(&["adopt", "--backfill", "--dry-run"]),
        &[],
    );
    assert_eq!(proposed.status.code(), Some(0), "{}", text(&proposed));
    assert_contains(
        &text(&proposed),
        &["UPDATE public.workflows SET definition = E'{}' WHERE definition IS NULL;"],
    );
    let fill = "--backfill=workflows.definition={\"steps\": []}";
    let adopted = afctl(dir.path(), &args(&["adopt", "--yes", fill]), &[]);
    assert_eq!(adopted.status.code(), Some(0), "{}", text(&adopted));
    assert_eq!(
        afctl(dir.path(), &args(&["validate"]), &[]).status.code(),
        Some(0)
    );
    assert_eq!(db.sql("SELECT name FROM tenants"), "A");
    assert_eq!(
        db.sql("SELECT definition::text FROM workflows WHERE id = 'w1'"),
        "{\"steps\": []}"
    );

    // Run again, as an "ensure adopted" CI step does: nothing to do is a success.
    let again = afctl(dir.path(), &args(&["adopt", "--yes"]), &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_contains(
        &text(&again),
        &["Nothing to do: the console already manages"],
    );
}

#[test]
fn protected_environments_need_their_name_and_failures_exit_1() {
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let add = afctl(
        dir.path(),
        &[
            "env",
            "add",
            "prod",
            "--kind",
            "production",
            "--db-url",
            &url,
        ],
        &[],
    );
    assert!(add.status.success(), "{}", text(&add));

    let unconfirmed = afctl(
        dir.path(),
        &["migrate", "apply", "--env", "prod", "--yes"],
        &[],
    );
    assert_eq!(unconfirmed.status.code(), Some(1));
    let wrong = afctl(
        dir.path(),
        &["migrate", "apply", "--env", "prod", "--confirm", "staging"],
        &[],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text(&wrong).contains("Type its name"), "{}", text(&wrong));
    assert_eq!(db.sql("SELECT to_regclass('public.tenants') IS NULL"), "t");
    let ok = afctl(
        dir.path(),
        &["migrate", "apply", "--env", "prod", "--confirm", "prod"],
        &[],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));

    // A broken migration: exit 1, with the file, statement and the server's message.
    let migrations = tempfile::tempdir().unwrap();
    std::fs::write(
        migrations.path().join("0001_bad.up.sql"),
        "SELECT 1;\nSELEC 2;",
    )
    .unwrap();
    let other = TestDb::create();
    let failed = afctl(
        dir.path(),
        &[
            "migrate",
            "apply",
            "--yes",
            "--database-url",
            &other.url(),
            "--migrations-dir",
            migrations.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed)
            .contains("0001_bad.up.sql failed at statement 2 (line 2, column 1): syntax error"),
        "{}",
        text(&failed)
    );

    let unreachable = afctl(
        dir.path(),
        &[
            "migrate",
            "status",
            "--database-url",
            "postgresql://x@127.0.0.1:1/db",
        ],
        &[],
    );
    assert_eq!(unreachable.status.code(), Some(2));
    assert!(text(&unreachable).contains("error [unreachable]"));
}

#[test]
fn revert_keeps_what_cannot_be_reversed() {
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let with_url = [("DATABASE_URL", url.as_str())];
    assert!(
        afctl(dir.path(), &["migrate", "apply", "--yes"], &with_url)
            .status
            .success()
    );
    let refused = afctl(
        dir.path(),
        &["migrate", "revert", "--to", "0", "--yes"],
        &with_url,
    );
    assert_eq!(refused.status.code(), Some(1));
    assert_contains(
        &text(&refused),
        &["0001_core_tables.up.sql cannot be reverted"],
    );
    let reverted = afctl(
        dir.path(),
        &["--json", "migrate", "revert", "--to", "1", "--yes"],
        &with_url,
    );
    assert_eq!(reverted.status.code(), Some(0), "{}", text(&reverted));
    assert_eq!(json(&reverted)["applied"], serde_json::json!([3, 2]));
    assert_eq!(
        db.sql("SELECT to_regclass('public.alembic_version') IS NULL"),
        "t"
    );
    assert_eq!(
        afctl(dir.path(), &["migrate", "status"], &with_url)
            .status
            .code(),
        Some(1)
    );
}

/// Ctrl-C asks the running apply to stop at its next safe point: the migration under way
/// finishes (or rolls back) and none after it runs; the report says it was cancelled.
#[test]
fn ctrl_c_cancels_an_apply_between_migrations() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let migrations = tempfile::tempdir().unwrap();
    std::fs::write(
        migrations.path().join("0001_slow.up.sql"),
        "CREATE TABLE first (id int);\nSELECT pg_sleep(2);",
    )
    .unwrap();
    std::fs::write(
        migrations.path().join("0002_second.up.sql"),
        "CREATE TABLE second (id int);",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_afctl"))
        .args(["migrate", "apply", "--yes", "--migrations-dir"])
        .arg(migrations.path())
        .env("AFC_CONFIG_DIR", dir.path())
        .env("DATABASE_URL", db.url())
        .env_remove("AFC_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    // Once the slow migration has started, press Ctrl-C.
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "afctl ended early: {seen}"
        );
        seen.push_str(&line);
        if line.contains("pg_sleep") {
            break;
        }
    }
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{seen}{rest}");
    assert!(rest.contains("Cancelling at the next safe point"), "{rest}");
    assert!(rest.contains("Cancelled; 1 not run"), "{rest}");
    assert_eq!(
        db.sql("SELECT to_regclass('public.first') IS NOT NULL"),
        "t"
    );
    assert_eq!(db.sql("SELECT to_regclass('public.second') IS NULL"), "t");
}
