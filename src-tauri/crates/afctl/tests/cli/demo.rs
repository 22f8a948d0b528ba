//! `afctl demo` as a presenter's night before and a CI job run it: the demo data by URL and by
//! environment under the write policy, the checklist, and a rehearsal with its JUnit report.

use std::path::Path;

use test_support::afctl::{json, text};
use test_support::assert_contains;
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

use crate::afctl;
use crate::smoke::assert_valid_junit;

fn migrated(dir: &Path, db: &TestDb) {
    let out = afctl(
        dir,
        &["migrate", "apply", "--yes", "--database-url", &db.url()],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn seed_status_and_reset_by_url_with_exit_codes() {
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    migrated(dir, &db);
    let url = db.url();

    let status = afctl(
        dir,
        &["--json", "demo", "status", "--database-url", &url],
        "",
    );
    assert_eq!(
        status.status.code(),
        Some(1),
        "not seeded: {}",
        text(&status)
    );
    assert_eq!(json(&status)["total"], 0);

    let dry = afctl(
        dir,
        &["demo", "seed", "--dry-run", "--database-url", &url],
        "",
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert_contains(&text(&dry), &["would write", "demo-tenant", "Pro Plan"]);
    assert_eq!(db.sql("SELECT count(*) FROM tenants"), "0");

    // Off a terminal a seed needs --yes: refused (exit 1), nothing written.
    let refused = afctl(dir, &["demo", "seed", "--database-url", &url], "");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert_contains(&text(&refused), &["Pass --yes"]);
    assert_eq!(db.sql("SELECT count(*) FROM tenants"), "0");

    let seeded = afctl(dir, &["demo", "seed", "--yes", "--database-url", &url], "");
    assert_eq!(seeded.status.code(), Some(0), "{}", text(&seeded));
    assert_contains(&text(&seeded), &["Seeded the demo data", "9 rows"]);
    let again = afctl(dir, &["demo", "seed", "--yes", "--database-url", &url], "");
    assert_contains(
        &text(&again),
        &["already has the demo tenant", "write nothing"],
    );

    let status = afctl(dir, &["demo", "status"], "");
    assert_eq!(
        status.status.code(),
        Some(2),
        "no target: {}",
        text(&status)
    );
    let status = test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        dir,
        &["demo", "status"],
        "",
        &[("DATABASE_URL", url.as_str())],
    );
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    assert_contains(&text(&status), &["9 demo rows", "subscriptions"]);

    let reset = afctl(
        dir,
        &["--json", "demo", "reset", "--yes", "--database-url", &url],
        "",
    );
    assert_eq!(json(&reset)["total"], 9, "{}", text(&reset));
    let second = afctl(dir, &["demo", "reset", "--yes", "--database-url", &url], "");
    assert_contains(&text(&second), &["nothing was removed"]);
}

#[test]
fn production_is_refused_and_protected_needs_the_name() {
    let db = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    migrated(dir, &db);
    for (name, kind, safety) in [
        ("prod", "production", "open"),
        ("careful", "staging", "protected"),
    ] {
        let add = afctl(
            dir,
            &[
                "env",
                "add",
                name,
                "--kind",
                kind,
                "--safety",
                safety,
                "--db-url",
                &db.url(),
            ],
            "",
        );
        assert!(add.status.success(), "{}", text(&add));
    }
    let prod = afctl(
        dir,
        &["demo", "seed", "--env", "prod", "--confirm", "prod"],
        "",
    );
    assert_eq!(prod.status.code(), Some(1), "{}", text(&prod));
    assert_contains(&text(&prod), &["never runs on production"]);

    let careful = afctl(dir, &["demo", "seed", "--env", "careful", "--yes"], "");
    assert_eq!(careful.status.code(), Some(1), "{}", text(&careful));
    assert_contains(&text(&careful), &["--confirm careful"]);
    assert_eq!(db.sql("SELECT count(*) FROM tenants"), "0");
    let careful = afctl(
        dir,
        &["demo", "seed", "--env", "careful", "--confirm", "careful"],
        "",
    );
    assert_eq!(careful.status.code(), Some(0), "{}", text(&careful));
}

#[test]
fn the_checklist_and_a_rehearsal_for_ci() {
    let db = TestDb::create();
    let api = FixtureApi::builder().llm_key().database(&db.name).start();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    migrated(dir, &db);
    let add = afctl(
        dir,
        &[
            "env",
            "add",
            "stage",
            "--kind",
            "staging",
            "--api-url",
            &api.url(),
            "--db-url",
            &db.url(),
        ],
        "",
    );
    assert!(add.status.success(), "{}", text(&add));

    let list = afctl(
        dir,
        &[
            "demo",
            "checklist",
            "--env",
            "stage",
            "--script",
            "extended",
        ],
        "",
    );
    assert_eq!(
        list.status.code(),
        Some(1),
        "not seeded yet: {}",
        text(&list)
    );
    assert_contains(
        &text(&list),
        &[
            "FAIL  The demo data is seeded",
            "[fix: seed]",
            "about 19 API requests",
        ],
    );
    let seeded = afctl(dir, &["demo", "seed", "--yes", "--env", "stage"], "");
    assert!(seeded.status.success(), "{}", text(&seeded));
    let list = afctl(
        dir,
        &[
            "demo",
            "checklist",
            "--env",
            "stage",
            "--script",
            "extended",
        ],
        "",
    );
    assert_eq!(list.status.code(), Some(0), "{}", text(&list));

    let junit = dir.join("demo.xml");
    let junit_arg = junit.display().to_string();
    let rehearsal = afctl(
        dir,
        &[
            "demo", "rehearse", "--env", "stage", "--script", "extended", "--yes", "--junit",
            &junit_arg,
        ],
        "",
    );
    assert_eq!(rehearsal.status.code(), Some(0), "{}", text(&rehearsal));
    assert_contains(
        &text(&rehearsal),
        &[
            "The platform is up: passed — ",
            "10 passed, 0 failed",
            "15:00 of the 15:00 target",
        ],
    );
    assert_valid_junit(&junit);
    assert!(
        api.agents()
            .iter()
            .all(|a| !a["id"].as_str().unwrap_or("").starts_with("demo-live-"))
    );

    // The API down: the rehearsal reports it and exits 1.
    drop(api);
    let down = afctl(
        dir,
        &["--json", "demo", "rehearse", "--env", "stage", "--yes"],
        "",
    );
    assert_eq!(down.status.code(), Some(1), "{}", text(&down));
    assert_eq!(json(&down)["steps"][0]["status"], "failed");
}

#[test]
fn a_broken_script_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.yaml");
    std::fs::write(
        &file,
        "version: 1\nname: x\ntitle: X\ntarget_minutes: 1\nsteps:\n  - id: a\n    title: T\n",
    )
    .unwrap();
    let out = afctl(
        dir.path(),
        &[
            "demo",
            "rehearse",
            "--env",
            "none",
            "--script",
            &file.display().to_string(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_contains(
        &text(&out),
        &[&format!("{}:6", file.display()), "missing field"],
    );
}
