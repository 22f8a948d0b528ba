//! Agents across environments: exported to files and imported from them, promoted from one
//! environment's API to another's, and written in bulk against the platform's rate limit.

use afc_core::agents::{BulkReport, FileFormat, NewAgent, PlanAction};
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment, SafetyLevel};
use afc_core::guard::Confirmation;
use afc_core::paths::AppPaths;
use afc_core::progress::{Cancel, Progress};
use afc_core::{Console, ErrorCode};
use test_support::assert_contains;
use test_support::fixture_api::FixtureApi;

use crate::common::{TestConsole, console};

async fn api_environment(t: &TestConsole, name: &str, url: &str, safety: SafetyLevel) {
    let mut env = Environment::new(name, EnvKind::Dev);
    env.safety = safety;
    env.api_url = Some(url.to_owned());
    t.console
        .create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();
}

/// Agents whose text is hard to carry: Unicode, quotes, backslashes, newlines, 100 KB, and ids
/// that need escaping in a URL and in a file name.
fn awkward() -> Vec<NewAgent> {
    let long: String = "Ünïcödé \"quotes\" 'single' \\ back\\slash\n\ttab — 💡\n"
        .repeat(2200)
        .chars()
        .take(100_000)
        .collect();
    vec![
        NewAgent {
            id: "long-one".into(),
            name: "Long \"one\"\nwith a newline".into(),
            instructions: long,
            model: "gpt-4o-mini".into(),
        },
        NewAgent {
            id: "a b?c#d é".into(),
            name: "Escaped id".into(),
            instructions: "Hi.\r\nWindows line end, and a trailing space ".into(),
            model: "claude-3-5-sonnet".into(),
        },
        NewAgent {
            id: "..".into(),
            name: "Dots".into(),
            instructions: "A path, were it not escaped.".into(),
            model: "gpt-4o".into(),
        },
    ]
}

/// Saves `agents` unpaced, as one bulk write.
async fn save(
    console: &Console,
    env: &str,
    agents: &[NewAgent],
    answer: &Confirmation,
) -> afc_core::Result<BulkReport> {
    let (progress, cancel) = (Progress::none(), Cancel::default());
    console
        .save_agents(env, agents, answer, false, &progress, &cancel)
        .await
}

async fn save_all(
    t: &TestConsole,
    env: &str,
    agents: &[NewAgent],
    answer: &Confirmation,
) -> BulkReport {
    save(&t.console, env, agents, answer).await.unwrap()
}

fn fields(agents: &[serde_json::Value]) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = agents
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
            (s("id"), s("name"), s("instructions"), s("model"))
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn agents_exported_to_files_import_into_another_environment_exactly() {
    let (dev_api, prod_api) = (FixtureApi::start(), FixtureApi::start());
    let t = console();
    api_environment(&t, "dev", &dev_api.url(), SafetyLevel::Open).await;
    api_environment(&t, "prod", &prod_api.url(), SafetyLevel::Protected).await;
    let report = save_all(&t, "dev", &awkward(), &Confirmation::default()).await;
    assert!(report.complete(), "{report:?}");

    for format in [FileFormat::Json, FileFormat::Yaml] {
        let dir = tempfile::tempdir().unwrap();
        let export = t
            .console
            .export_agents("dev", dir.path(), format, None)
            .await
            .unwrap();
        // The two recorded agents and the three awkward ones, one file each, none outside.
        assert_eq!(export.files.len(), 5, "{export:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
        assert!(export.files.iter().any(|f| f.starts_with("%2E.")));

        let plan = t.console.import_plan("prod", dir.path()).await.unwrap();
        // prod starts with the two recorded agents, as dev does; the JSON round writes the
        // three others, so the YAML round finds all five unchanged.
        let new = if format == FileFormat::Json { 3 } else { 0 };
        assert_eq!(plan.count(PlanAction::New), new, "{format:?}");
        assert_eq!(plan.count(PlanAction::Unchanged), 5 - new);
        if format == FileFormat::Json {
            // A protected environment: the name typed, or nothing is written.
            let refused = save(&t.console, "prod", &plan.writes(), &Confirmation::yes())
                .await
                .unwrap();
            assert_eq!(refused.error.unwrap().code, ErrorCode::UnsafeInProduction);
            assert!(refused.done.is_empty());
            let report = save_all(&t, "prod", &plan.writes(), &Confirmation::name("prod")).await;
            assert!(report.complete(), "{report:?}");
        }
        assert_eq!(fields(&prod_api.agents()), fields(&dev_api.agents()));
        let again = t.console.import_plan("prod", dir.path()).await.unwrap();
        assert_eq!(
            again.count(PlanAction::Unchanged),
            5,
            "{format:?}: imported exactly"
        );
    }

    // Promotion compares the two APIs: equal now; a change in dev shows as a replacement.
    let mut changed = awkward().remove(1);
    changed.model = "gpt-4.1".into();
    save_all(
        &t,
        "dev",
        std::slice::from_ref(&changed),
        &Confirmation::default(),
    )
    .await;
    let plan = t.console.promotion_plan("dev", "prod").await.unwrap();
    let replaced: Vec<(&str, Vec<String>)> = plan
        .items
        .iter()
        .filter(|i| i.action == PlanAction::Replace)
        .map(|i| (i.id.as_str(), i.changes.clone()))
        .collect();
    assert_eq!(replaced, [("a b?c#d é", vec!["model".to_owned()])]);
    assert_eq!(plan.count(PlanAction::Unchanged), 4);

    // The drift board's agents rows say the same, and an unreachable API says why.
    api_environment(
        &t,
        "gone",
        &format!(
            "http://127.0.0.1:{}",
            test_support::fixture_api::closed_port()
        ),
        SafetyLevel::Open,
    )
    .await;
    let rows = t.console.agents_overview().await.unwrap();
    let got: Vec<(&str, Option<u32>, Vec<String>)> = rows
        .iter()
        .map(|r| (r.environment.as_str(), r.count, r.different.clone()))
        .collect();
    let differs = vec!["a b?c#d é".to_owned()];
    assert_eq!(
        got,
        [
            ("dev", Some(5), differs.clone()),
            ("prod", Some(5), differs),
            ("gone", None, vec![])
        ]
    );
    assert_eq!(rows[2].error.as_ref().unwrap().code, ErrorCode::Unreachable);
}

#[tokio::test]
async fn a_malformed_or_huge_import_is_reported_per_file_and_the_rest_still_plans() {
    let api = FixtureApi::start();
    let t = console();
    api_environment(&t, "dev", &api.url(), SafetyLevel::Open).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\n  \"id\": \"x\",\n  \"name\": nope\n}\n",
    )
    .unwrap();
    // 5,000 agents of 2 KB each in one 10 MiB file.
    let many: Vec<serde_json::Value> = (0..5000)
        .map(|i| serde_json::json!({"id": format!("bulk-{i:04}"), "name": format!("Bulk {i}"), "instructions": "x".repeat(2048)}))
        .collect();
    let text = serde_json::to_string(&many).unwrap();
    assert!(text.len() > 10 * 1024 * 1024);
    std::fs::write(dir.path().join("many.json"), text).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not an agent file").unwrap();

    let plan = t.console.import_plan("dev", dir.path()).await.unwrap();
    assert_eq!(plan.count(PlanAction::New), 5000);
    let bad = &plan.items[0];
    assert_eq!(
        (bad.origin.as_str(), bad.action),
        ("broken.json", PlanAction::Invalid)
    );
    assert_contains(bad.reason.as_deref().unwrap(), &["line 3"]);

    // 5,000 requests cannot fit in a minute's 60: refused before any is sent, pacing offered.
    let before = api.requests();
    let e = save(&t.console, "dev", &plan.writes(), &Confirmation::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_contains(&e.message, &["needs 5000 request(s)", "only 59 are left"]);
    assert_contains(e.details.as_deref().unwrap(), &["pace itself"]);
    assert_eq!(api.requests(), before);
}

#[tokio::test]
async fn the_limiters_500_mid_bulk_stops_cleanly_and_rerunning_completes_the_rest() {
    // The limiter lets 6 requests through a minute: the plan's list and 5 saves.
    let api = FixtureApi::builder().rate_limit(6, 1000).start();
    let t = console();
    api_environment(&t, "dev", &api.url(), SafetyLevel::Open).await;
    let dir = tempfile::tempdir().unwrap();
    let agents: Vec<serde_json::Value> = (0..8)
        .map(|i| serde_json::json!({"id": format!("agent-{i}"), "name": format!("Agent {i}"), "instructions": "Hi"}))
        .collect();
    std::fs::write(dir.path().join("agents.yaml"), yaml(&agents)).unwrap();
    let plan = t.console.import_plan("dev", dir.path()).await.unwrap();
    assert_eq!(plan.count(PlanAction::New), 8);
    // Pacing off and the budget reading 5 left: refused up front, nothing sent.
    let e = save(&t.console, "dev", &plan.writes(), &Confirmation::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);

    // Another process (afctl, say) that has not seen the count: it runs into the limiter.
    let other = Console::load(AppPaths::under(t.dir.path()), "test").unwrap();
    let report = save(&other, "dev", &plan.writes(), &Confirmation::default())
        .await
        .unwrap();
    assert_eq!(
        report.done,
        ["agent-0", "agent-1", "agent-2", "agent-3", "agent-4"]
    );
    assert_eq!(report.failed.as_deref(), Some("agent-5"));
    let error = report.error.unwrap();
    assert_eq!(error.code, ErrorCode::RateLimited, "{error:?}");
    assert_eq!(report.not_started, ["agent-6", "agent-7"]);
    // Nothing half-written: exactly the five saved are in the registry.
    let ids: Vec<String> = api
        .agents()
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_owned))
        .filter(|id| id.starts_with("agent-"))
        .collect();
    assert_eq!(ids.len(), 5);

    // The window passes; a fresh run plans the three left and completes them.
    api.reset_rate_limit();
    let third = Console::load(AppPaths::under(t.dir.path()), "test").unwrap();
    let plan = third.import_plan("dev", dir.path()).await.unwrap();
    assert_eq!(
        (
            plan.count(PlanAction::New),
            plan.count(PlanAction::Unchanged)
        ),
        (3, 5)
    );
    let report = save(&third, "dev", &plan.writes(), &Confirmation::default())
        .await
        .unwrap();
    assert!(report.complete(), "{report:?}");
}

fn yaml(items: &[serde_json::Value]) -> String {
    items
        .iter()
        .map(|a| {
            format!(
                "- id: {}\n  name: {}\n  instructions: {}\n",
                a["id"].as_str().unwrap(),
                a["name"].as_str().unwrap(),
                a["instructions"].as_str().unwrap()
            )
        })
        .collect()
}
