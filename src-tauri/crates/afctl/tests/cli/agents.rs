//! `afctl agents` against the fixture API's stateful registry and the machine's PostgreSQL.

use std::path::Path;
use std::process::Output;

use test_support::afctl::{json, text};
use test_support::assert_contains;
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

fn afctl(config: &Path, args: &[&str], stdin: &str) -> Output {
    test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        config,
        args,
        stdin,
        &[],
    )
}

/// An environment `local` on the fixture API and a migrated scratch database with one agent
/// only in its table.
fn environment(dir: &Path, api: &FixtureApi, db: &TestDb, kind: &str) {
    let url = db.url();
    let migrated = afctl(
        dir,
        &["migrate", "apply", "--yes", "--database-url", &url],
        "",
    );
    assert!(migrated.status.success(), "{}", text(&migrated));
    db.sql("INSERT INTO agents (id, name, instructions) VALUES ('db-only', 'Table Agent', 'x')");
    let add = afctl(
        dir,
        &[
            "env",
            "add",
            "local",
            "--kind",
            kind,
            "--api-url",
            &api.url(),
            "--db-url",
            &url,
        ],
        "",
    );
    assert!(add.status.success(), "{}", text(&add));
}

#[test]
fn list_create_replace_run_and_delete() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    environment(dir, &api, &db, "dev");

    let list = afctl(dir, &["--json", "agents", "list"], "");
    assert_eq!(list.status.code(), Some(0), "{}", text(&list));
    let rows = json(&list)["rows"].clone();
    let sources: Vec<(String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("db-only".to_owned(), "database".to_owned()),
            ("research-assistant".to_owned(), "api".to_owned()),
            ("support-bot".to_owned(), "api".to_owned()),
        ]
    );

    // Instructions from stdin, exactly (newlines and quotes included).
    let instructions = "Line \"one\"\nLine 'two'\n";
    let created = afctl(
        dir,
        &[
            "agents",
            "create",
            "--id",
            "helper",
            "--name",
            "Helper",
            "--instructions-file",
            "-",
        ],
        instructions,
    );
    assert_eq!(created.status.code(), Some(0), "{}", text(&created));
    let stored = api
        .agents()
        .into_iter()
        .find(|a| a["id"] == "helper")
        .unwrap();
    assert_eq!(stored["instructions"], instructions);
    assert_eq!(stored["model"], "gpt-4o");

    // The same id again: the API would replace it silently, so afctl asks first.
    let args = [
        "agents",
        "create",
        "--id",
        "helper",
        "--name",
        "Helper 2",
        "--instructions",
        "New",
    ];
    let refused = afctl(dir, &args, "");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert_contains(
        &text(&refused),
        &["exists", "changes name, instructions", "--yes"],
    );
    assert_eq!(
        api.agents().iter().find(|a| a["id"] == "helper").unwrap()["name"],
        "Helper"
    );
    let mut replace = args.to_vec();
    replace.push("--yes");
    assert_eq!(afctl(dir, &replace, "").status.code(), Some(0));
    assert_eq!(
        api.agents().iter().find(|a| a["id"] == "helper").unwrap()["name"],
        "Helper 2"
    );

    // Without an LLM key the platform answers 200 with status error: exit 1, explained.
    let ran = afctl(dir, &["agents", "run", "helper", "--input", "Hi"], "");
    assert_eq!(ran.status.code(), Some(1), "{}", text(&ran));
    assert_contains(&text(&ran), &["error in", "request id", "no LLM key"]);
    let history = json(&afctl(dir, &["--json", "agents", "history", "helper"], ""));
    assert_eq!(history[0]["input"], "Hi");
    assert_eq!(history[0]["status"], "error");
    let bad = afctl(
        dir,
        &[
            "agents",
            "run",
            "helper",
            "--input",
            "Hi",
            "--context",
            "{nope",
        ],
        "",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_contains(&text(&bad), &["--context is not JSON"]);

    let deleted = afctl(dir, &["agents", "delete", "helper", "--yes"], "");
    assert_eq!(deleted.status.code(), Some(0), "{}", text(&deleted));
    assert!(api.agents().iter().all(|a| a["id"] != "helper"));
    let gone = afctl(dir, &["agents", "show", "helper"], "");
    assert_eq!(gone.status.code(), Some(2));
}

#[test]
fn an_unreachable_api_still_lists_the_table_and_exits_1() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    environment(dir, &api, &db, "dev");
    drop(api);
    let list = afctl(dir, &["agents", "list"], "");
    assert_eq!(list.status.code(), Some(1), "{}", text(&list));
    assert_contains(
        &text(&list),
        &["db-only", "database", "warning: the API half is missing"],
    );
}

#[test]
fn deleting_a_production_agent_needs_the_environment_name() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    environment(dir, &api, &db, "production");
    let refused = afctl(dir, &["agents", "delete", "support-bot", "--yes"], "");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert_contains(&text(&refused), &["--confirm local"]);
    assert!(api.agents().iter().any(|a| a["id"] == "support-bot"));
    let done = afctl(
        dir,
        &["agents", "delete", "support-bot", "--confirm", "local"],
        "",
    );
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
    assert!(api.agents().iter().all(|a| a["id"] != "support-bot"));
}

#[test]
fn reconcile_shows_what_it_writes_then_writes_it() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    environment(dir, &api, &db, "dev");
    db.sql("INSERT INTO tenants (id, name, slug) VALUES ('t1', 'Acme', 'acme')");

    let args = [
        "agents",
        "reconcile",
        "support-bot",
        "--to",
        "table",
        "--tenant",
        "t1",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let preview = afctl(dir, &dry, "");
    assert_eq!(preview.status.code(), Some(0), "{}", text(&preview));
    assert_contains(
        &text(&preview),
        &[
            "To the agents table of local:",
            "INSERT INTO public.agents",
            "E't1'",
        ],
    );
    assert_eq!(
        db.sql("SELECT count(*) FROM agents WHERE id = 'support-bot'"),
        "0"
    );

    let wrote = afctl(dir, &args, "");
    assert_eq!(wrote.status.code(), Some(0), "{}", text(&wrote));
    assert_eq!(
        db.sql("SELECT tenant_id FROM agents WHERE id = 'support-bot'"),
        "t1"
    );

    let published = afctl(dir, &["agents", "reconcile", "db-only", "--to", "api"], "");
    assert_eq!(published.status.code(), Some(0), "{}", text(&published));
    assert!(api.agents().iter().any(|a| a["id"] == "db-only"));
    let listed = json(&afctl(dir, &["--json", "agents", "list"], ""));
    assert!(
        listed["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["id"] == "db-only" || r["id"] == "support-bot")
            .all(|r| r["source"] == "both"),
        "{listed}"
    );
}

/// With an LLM key the run completes: exit 0 and its output.
#[test]
fn a_completed_run_exits_0_with_its_output() {
    let api = FixtureApi::builder().llm_key().start();
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    environment(dir, &api, &db, "dev");
    let ran = afctl(
        dir,
        &["agents", "run", "support-bot", "--input-file", "-"],
        "Bonjour ✓",
    );
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    assert_contains(&text(&ran), &["completed in 0.42 s", "Echo: Bonjour ✓"]);
}
