//! `afctl agents` against the fixture API's stateful registry and the machine's PostgreSQL.

use std::path::Path;

use test_support::afctl::{json, text};
use test_support::assert_contains;
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

use crate::afctl;

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

/// An environment on an API only.
fn api_environment(dir: &Path, name: &str, kind: &str, api: &FixtureApi) {
    let add = afctl(
        dir,
        &["env", "add", name, "--kind", kind, "--api-url", &api.url()],
        "",
    );
    assert!(add.status.success(), "{}", text(&add));
}

#[test]
fn export_import_diff_promote_and_update_between_environments() {
    let (dev_api, prod_api) = (FixtureApi::start(), FixtureApi::start());
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    api_environment(dir, "dev", "dev", &dev_api);
    api_environment(dir, "prod", "production", &prod_api);

    // Update keeps the fields not given and says what changes.
    let update = afctl(
        dir,
        &[
            "agents",
            "update",
            "support-bot",
            "--env",
            "dev",
            "--model",
            "gpt-4.1",
            "--instructions-file",
            "-",
        ],
        "Answer in French.\n",
    );
    assert_eq!(update.status.code(), Some(0), "{}", text(&update));
    assert_contains(&text(&update), &["changes instructions, model"]);
    let saved = dev_api
        .agents()
        .into_iter()
        .find(|a| a["id"] == "support-bot")
        .unwrap();
    assert_eq!(
        (saved["model"].as_str(), saved["instructions"].as_str()),
        (Some("gpt-4.1"), Some("Answer in French.\n"))
    );
    let missing = afctl(
        dir,
        &["agents", "update", "nobody", "--env", "dev", "--name", "X"],
        "",
    );
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));

    // Diff: the changed agent differs; exit 1.
    let diff = afctl(
        dir,
        &["agents", "diff", "--env", "dev", "--with", "prod"],
        "",
    );
    assert_eq!(diff.status.code(), Some(1), "{}", text(&diff));
    assert_contains(
        &text(&diff),
        &[
            "support-bot",
            "replace (instructions, model)",
            "1 replaced, 1 unchanged",
        ],
    );

    // Export to a folder, as YAML; import it into prod (production: the name must be typed).
    let folder = tempfile::tempdir().unwrap();
    let folder_arg = folder.path().to_str().unwrap();
    let export = afctl(
        dir,
        &[
            "agents", "export", folder_arg, "--env", "dev", "--format", "yaml",
        ],
        "",
    );
    assert_eq!(export.status.code(), Some(0), "{}", text(&export));
    assert!(folder.path().join("support-bot.yaml").is_file());
    let dry = afctl(
        dir,
        &[
            "--json",
            "agents",
            "import",
            folder_arg,
            "--env",
            "prod",
            "--dry-run",
        ],
        "",
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let actions: Vec<String> = json(&dry)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["unchanged", "replace"]);
    let refused = afctl(
        dir,
        &["agents", "import", folder_arg, "--env", "prod", "--yes"],
        "",
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert_contains(&text(&refused), &["--confirm prod"]);
    let imported = afctl(
        dir,
        &[
            "agents",
            "import",
            folder_arg,
            "--env",
            "prod",
            "--confirm",
            "prod",
        ],
        "",
    );
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    assert_contains(
        &text(&imported),
        &["[1/1] saved support-bot", "Saved 1 agent(s) to prod"],
    );
    let same = afctl(
        dir,
        &["agents", "diff", "--env", "dev", "--with", "prod"],
        "",
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));

    // Promote: a new dev agent goes to prod, the rest are unchanged.
    let create = afctl(
        dir,
        &[
            "agents",
            "create",
            "--env",
            "dev",
            "--id",
            "new-one",
            "--name",
            "New",
            "--instructions",
            "Hi",
        ],
        "",
    );
    assert!(create.status.success(), "{}", text(&create));
    let promote = afctl(
        dir,
        &[
            "agents",
            "promote",
            "--env",
            "dev",
            "--to",
            "prod",
            "--confirm",
            "prod",
        ],
        "",
    );
    assert_eq!(promote.status.code(), Some(0), "{}", text(&promote));
    assert!(prod_api.agents().iter().any(|a| a["id"] == "new-one"));

    // A malformed file: named with its line, exit 1, the valid ones still planned.
    std::fs::write(
        folder.path().join("zz-broken.json"),
        "[\n {\"id\": \"b\",\n  \"name\": }\n]\n",
    )
    .unwrap();
    let bad = afctl(
        dir,
        &["agents", "import", folder_arg, "--env", "prod", "--dry-run"],
        "",
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert_contains(&text(&bad), &["zz-broken.json", "invalid: line 3"]);
}

#[test]
fn agents_work_on_urls_without_a_saved_environment() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let url = db.url();
    let migrated = afctl(
        dir,
        &["migrate", "apply", "--yes", "--database-url", &url],
        "",
    );
    assert!(migrated.status.success(), "{}", text(&migrated));
    db.sql("INSERT INTO agents (id, name, instructions) VALUES ('db-only', 'Table Agent', 'x')");
    let target = ["--api-url", &api.url(), "--database-url", &url];

    let list = afctl(
        dir,
        &[&["--json", "agents", "list"][..], &target].concat(),
        "",
    );
    assert_eq!(list.status.code(), Some(0), "{}", text(&list));
    let sources: Vec<(String, String)> = json(&list)["rows"]
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
    assert!(
        sources.contains(&("db-only".to_owned(), "database".to_owned())),
        "{sources:?}"
    );
    assert!(
        sources.contains(&("support-bot".to_owned(), "api".to_owned())),
        "{sources:?}"
    );

    // A write through the URLs: the table's agent published to the API.
    let publish = afctl(
        dir,
        &[
            &["agents", "reconcile", "db-only", "--to", "api"][..],
            &target,
        ]
        .concat(),
        "",
    );
    assert_eq!(publish.status.code(), Some(0), "{}", text(&publish));
    assert!(api.agents().iter().any(|a| a["id"] == "db-only"));
    // Nothing was saved: no environment exists afterwards.
    let envs = afctl(dir, &["--json", "env", "list"], "");
    assert_eq!(
        json(&envs)["environments"].as_array().map(Vec::len),
        Some(0),
        "{}",
        text(&envs)
    );
    // --env and a URL together are refused by the parser (exit 2).
    let both = afctl(
        dir,
        &["agents", "list", "--env", "x", "--api-url", &api.url()],
        "",
    );
    assert_eq!(both.status.code(), Some(2), "{}", text(&both));
}
