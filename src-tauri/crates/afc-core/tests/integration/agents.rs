//! Agents on both sides: the fixture API's stateful registry (silent overwrite, 307 without the
//! slash, `input_text`, a run that "succeeds" with status error without an LLM key, 404s) and
//! the machine's PostgreSQL for the `agents` table.

use afc_core::ErrorCode;
use afc_core::agents::{AgentSource, Direction, NewAgent, PlanAction, RunRequest, TableOwner};
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment, SafetyLevel};
use afc_core::guard::Confirmation;
use afc_core::migrate::MigrationSet;
use afc_core::progress::{Cancel, Progress};
use test_support::assert_contains;
use test_support::fixture_api::{FixtureApi, Reply, closed_port};
use test_support::postgres::TestDb;

use crate::common::{TestConsole, apply, connection, console};

fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|&id| id.to_owned()).collect()
}

/// An environment on `api_url` and the scratch database `db` (migrated), at `safety`.
async fn environment(t: &TestConsole, api_url: &str, db: &TestDb, safety: SafetyLevel) {
    let target = afc_core::db::Database::from_url(&db.url()).unwrap();
    apply(&target, &MigrationSet::embedded()).await.unwrap();
    let mut env = Environment::new("local", EnvKind::Dev);
    env.safety = safety;
    env.api_url = Some(api_url.to_owned());
    env.database = Some(connection(db));
    t.console
        .create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();
    db.sql(
        "INSERT INTO tenants (id, name, slug) VALUES ('t1', 'One', 'one');
         INSERT INTO agents (id, name, instructions, model, tenant_id) VALUES
           ('support-bot', 'Support Bot (old)', 'Answer customer questions politely.', 'gpt-4o', 't1'),
           ('db-only', 'Table Agent', 'Only in the table', NULL, 't1');
         INSERT INTO executions (id, execution_type, resource_id, status, tenant_id) VALUES
           ('e1', 'agent', 'db-only', 'completed', 't1'), ('e2', 'agent', 'db-only', 'failed', 't1');",
    );
}

#[tokio::test]
async fn both_sides_are_shown_joined_by_id_with_their_differences() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    let view = t.console.agents("local").await.unwrap();
    assert!(view.api_error.is_none() && view.database_error.is_none());
    let rows: Vec<(&str, AgentSource, String)> = view
        .rows
        .iter()
        .map(|r| (r.id.as_str(), r.source, r.differences.join(",")))
        .collect();
    assert_eq!(
        rows,
        [
            ("db-only", AgentSource::Database, String::new()),
            ("research-assistant", AgentSource::Api, String::new()),
            ("support-bot", AgentSource::Both, "name".to_owned()),
        ]
    );
    let table = view.rows[0].table.as_ref().unwrap();
    assert_eq!(
        table.executions,
        [("completed".to_owned(), 1), ("failed".to_owned(), 1)]
    );
    // The collection route is asked for with its slash: no 307 round trip.
    assert!(api.received_at("/api/v1/agents").is_empty());
}

#[tokio::test]
async fn one_side_down_still_shows_the_other_and_says_why() {
    let db = TestDb::create();
    let t = console();
    environment(
        &t,
        &format!("http://127.0.0.1:{}", closed_port()),
        &db,
        SafetyLevel::Open,
    )
    .await;
    let view = t.console.agents("local").await.unwrap();
    assert_eq!(
        view.api_error.as_ref().unwrap().code,
        ErrorCode::Unreachable
    );
    assert_eq!(view.rows.len(), 2, "the table's agents still show");

    let api = FixtureApi::start();
    let other = console();
    let gone = TestDb::create();
    environment(&other, &api.url(), &gone, SafetyLevel::Open).await;
    drop(gone);
    let view = other.console.agents("local").await.unwrap();
    assert!(view.database_error.is_some());
    assert_eq!(view.rows.len(), 2, "the API's agents still show");
}

#[tokio::test]
async fn agents_round_trip_exactly_and_the_api_overwrites_silently() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    let c = &t.console;
    let long = "Réponds \"poliment\" — line one\nline 'two'\t✓\n".repeat(2300);
    assert!(long.len() > 100_000);
    let agent = NewAgent {
        id: "émoji 🤖 ?#%25".into(),
        name: "Naïve \"quoted\" name".into(),
        instructions: long.clone(),
        model: String::new(),
    };
    c.save_agent("local", &agent, &Confirmation::default())
        .await
        .unwrap();
    let stored = c.api_agent("local", &agent.id).await.unwrap().unwrap();
    assert_eq!(
        (
            stored.id.as_str(),
            stored.name.as_str(),
            stored.model.as_str()
        ),
        (agent.id.as_str(), agent.name.as_str(), "gpt-4o")
    );
    assert_eq!(stored.instructions, long);

    // Same id again: the API replaces it without a word.
    let replaced = NewAgent {
        instructions: "Shorter".into(),
        ..agent.clone()
    };
    c.save_agent("local", &replaced, &Confirmation::default())
        .await
        .unwrap();
    let stored = c.api_agent("local", &agent.id).await.unwrap().unwrap();
    assert_eq!(stored.instructions, "Shorter");

    // The API routes on the decoded path: an id with a slash could never be read again.
    let slashed = NewAgent {
        id: "team/bot".into(),
        ..agent.clone()
    };
    let err = c
        .save_agent("local", &slashed, &Confirmation::default())
        .await
        .unwrap_err();
    assert_contains(&err.message, &["contains a /"]);
    assert!(api.agents().iter().all(|a| a["id"] != "team/bot"));

    let empty = NewAgent {
        name: " ".into(),
        ..agent.clone()
    };
    let err = c
        .save_agent("local", &empty, &Confirmation::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_contains(&err.message, &["name"]);
}

#[tokio::test]
async fn a_run_without_an_llm_key_is_a_failed_run_explained_not_an_error() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    let c = &t.console;
    let request = RunRequest {
        input_text: "Hello".into(),
        ..RunRequest::default()
    };
    let run = c.run_agent("local", "support-bot", &request).await.unwrap();
    assert!(run.failed() && run.status == "error");
    assert_contains(
        run.explanation.as_deref().unwrap(),
        &["no LLM key", "OPENAI_API_KEY"],
    );
    assert!(run.request_id.is_some());
    // The platform's field is input_text: what was sent is what it accepts.
    let sent = api.received_at("/api/v1/agents/support-bot/run");
    assert_eq!(sent[0].json().unwrap()["input_text"], "Hello");

    let missing = c.run_agent("local", "nobody", &request).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    let empty = c
        .run_agent("local", "support-bot", &RunRequest::default())
        .await
        .unwrap_err();
    assert_eq!(empty.code, ErrorCode::InvalidInput);
    // Every run is kept, newest first, searchable by agent and text.
    let second = RunRequest {
        input_text: "Second question".into(),
        session_id: Some("s-1".into()),
        context: Some(serde_json::json!({"lang": "fr"})),
    };
    c.run_agent("local", "research-assistant", &second)
        .await
        .unwrap();
    let all = c.run_history("local", None, None).unwrap();
    let inputs: Vec<(&str, &str)> = all
        .iter()
        .map(|r| (r.agent.as_str(), r.input.as_str()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("research-assistant", "Second question"),
            ("support-bot", "Hello")
        ]
    );
    assert_eq!(all[0].context, second.context);
    assert_eq!(all[1].request_id, run.request_id);
    let found = c
        .run_history("local", Some("support-bot"), Some("OPENAI"))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(
        c.run_history("local", Some("support-bot"), Some("nothing like it"))
            .unwrap()
            .is_empty()
    );
    let audit = c.audit.read().unwrap();
    assert!(audit.entries.iter().any(|e| e.action == "agent.run"));
}

#[tokio::test]
async fn deleting_from_a_protected_environment_needs_its_name() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Protected).await;
    let c = &t.console;
    let refused = c
        .delete_agent("local", "support-bot", &Confirmation::yes())
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::UnsafeInProduction);
    assert!(c.api_agent("local", "support-bot").await.unwrap().is_some());
    c.delete_agent("local", "support-bot", &Confirmation::name("local"))
        .await
        .unwrap();
    assert!(c.api_agent("local", "support-bot").await.unwrap().is_none());
    // Deleted meanwhile: the 404 says so.
    let again = c
        .delete_agent("local", "support-bot", &Confirmation::name("local"))
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn each_side_is_written_to_the_other_after_a_preview_of_exactly_that() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    let c = &t.console;
    let owner = TableOwner {
        tenant_id: Some("t1".into()),
        created_by: None,
    };
    let yes = Confirmation::default();

    // An API agent with a hostile name goes into the table as a new row of tenant t1.
    let hostile = NewAgent {
        id: "quoted".into(),
        name: "O'Brien \\ ✓ '); DROP TABLE agents; --".into(),
        instructions: "Line 1\nLine 2".into(),
        model: "gpt-4o-mini".into(),
    };
    c.save_agent("local", &hostile, &yes).await.unwrap();
    let preview = c
        .reconcile_preview("local", &ids(&["quoted"]), Direction::ToTable, &owner)
        .await
        .unwrap();
    assert!(preview.replaces.is_empty());
    assert_contains(
        &preview.text,
        &[
            "INSERT INTO public.agents",
            "E'O''Brien \\\\ ✓ ''); DROP TABLE agents; --'",
            "E't1'",
        ],
    );
    c.reconcile_agents("local", &ids(&["quoted"]), Direction::ToTable, &owner, &yes)
        .await
        .unwrap();
    assert_eq!(
        db.sql("SELECT name || '|' || instructions || '|' || model || '|' || tenant_id FROM agents WHERE id = 'quoted'"),
        format!("{}|Line 1\nLine 2|gpt-4o-mini|t1", hostile.name)
    );

    // A pair that differs takes the API's fields; its tenant stays.
    let preview = c
        .reconcile_preview(
            "local",
            &ids(&["support-bot"]),
            Direction::ToTable,
            &TableOwner::default(),
        )
        .await
        .unwrap();
    assert!(
        preview.replaces == ["support-bot"]
            && preview
                .text
                .starts_with("UPDATE public.agents SET name = E'Support Bot'")
    );
    c.reconcile_agents(
        "local",
        &ids(&["support-bot"]),
        Direction::ToTable,
        &TableOwner::default(),
        &yes,
    )
    .await
    .unwrap();

    // A table-only agent is published to the API.
    let preview = c
        .reconcile_preview("local", &ids(&["db-only"]), Direction::ToApi, &owner)
        .await
        .unwrap();
    assert_contains(
        &preview.text,
        &["POST /api/v1/agents/", "Only in the table"],
    );
    c.reconcile_agents("local", &ids(&["db-only"]), Direction::ToApi, &owner, &yes)
        .await
        .unwrap();
    assert_eq!(
        api.agents().iter().find(|a| a["id"] == "db-only").unwrap()["instructions"],
        "Only in the table"
    );

    let view = c.agents("local").await.unwrap();
    let summary: Vec<(&str, AgentSource, usize)> = view
        .rows
        .iter()
        .map(|r| (r.id.as_str(), r.source, r.differences.len()))
        .collect();
    assert_eq!(
        summary,
        [
            ("db-only", AgentSource::Both, 0),
            ("quoted", AgentSource::Both, 0),
            ("research-assistant", AgentSource::Api, 0),
            ("support-bot", AgentSource::Both, 0),
        ]
    );
    assert_eq!(
        db.sql("SELECT tenant_id FROM agents WHERE id = 'support-bot'"),
        "t1"
    );
}

#[tokio::test]
async fn a_selection_goes_into_the_table_in_one_transaction_or_not_at_all() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    let c = &t.console;
    let both = ids(&["research-assistant", "support-bot"]);
    let table = || db.sql("SELECT id || '|' || name || '|' || tenant_id FROM agents ORDER BY id");
    let before = table();

    // A tenant the table does not have: the new row breaks its foreign key, and the update of
    // the other agent, already run in the same transaction, is rolled back with it.
    let nobody = TableOwner {
        tenant_id: Some("no-such-tenant".into()),
        created_by: None,
    };
    let preview = c
        .reconcile_preview("local", &both, Direction::ToTable, &nobody)
        .await
        .unwrap();
    assert_eq!(preview.replaces, ["support-bot"]);
    let statements: Vec<&str> = preview.text.lines().map(|l| &l[..6]).collect();
    assert_eq!(statements, ["INSERT", "UPDATE"], "{}", preview.text);
    let err = c
        .reconcile_agents(
            "local",
            &both,
            Direction::ToTable,
            &nobody,
            &Confirmation::yes(),
        )
        .await
        .unwrap_err();
    assert_contains(&format!("{err:?}"), &["foreign key"]);
    assert_eq!(table(), before);

    let owner = TableOwner {
        tenant_id: Some("t1".into()),
        created_by: None,
    };
    c.reconcile_agents(
        "local",
        &both,
        Direction::ToTable,
        &owner,
        &Confirmation::yes(),
    )
    .await
    .unwrap();
    assert_eq!(
        table(),
        "db-only|Table Agent|t1\nresearch-assistant|Research Assistant|t1\nsupport-bot|Support Bot|t1"
    );
    // Towards the API, several agents go through a plan (it keeps to the rate limit).
    let err = c
        .reconcile_agents(
            "local",
            &both,
            Direction::ToApi,
            &owner,
            &Confirmation::yes(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_publish_plan_compares_the_tables_rows_with_the_api_and_a_500_part_way_loses_nothing() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    db.sql(
        "INSERT INTO agents (id, name, instructions, model, tenant_id) VALUES
           ('db-2', 'Second', 'Two', 'gpt-4o', 't1'), ('db-3', 'Third', 'Three', 'gpt-4o', 't1')",
    );
    let c = &t.console;
    let missing = c
        .publish_plan("local", &ids(&["db-only", "nowhere"]))
        .await
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    let selection = ids(&["db-2", "db-3", "db-only", "support-bot"]);
    let plan = c.publish_plan("local", &selection).await.unwrap();
    let items: Vec<(&str, PlanAction, String)> = plan
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.action, i.changes.join(",")))
        .collect();
    assert_eq!(
        items,
        [
            ("db-2", PlanAction::New, String::new()),
            ("db-3", PlanAction::New, String::new()),
            ("db-only", PlanAction::New, String::new()),
            ("support-bot", PlanAction::Replace, "name".to_owned()),
        ]
    );
    // The budget is the API's, read with the list.
    assert_contains(&plan.budget.summary, &["60"]);

    // The platform fails its second save with an unhandled 500 (not its limiter): the bulk
    // stops there, the first agent whole in the registry, the rest not sent.
    api.set("/api/v1/agents/", Reply::error_500().after(1));
    let (progress, cancel) = (Progress::none(), Cancel::default());
    let yes = Confirmation::yes();
    let report = c
        .save_agents("local", &plan.writes(), &yes, false, &progress, &cancel)
        .await
        .unwrap();
    assert_eq!(report.done, ["db-2"]);
    assert_eq!(report.failed.as_deref(), Some("db-3"));
    assert_eq!(report.not_started, ["db-only", "support-bot"]);
    let error = report.error.unwrap();
    assert_contains(&error.message, &["HTTP 500"]);
    api.unset("/api/v1/agents/");
    let registry: Vec<String> = api
        .agents()
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_owned))
        .collect();
    assert!(registry.contains(&"db-2".to_owned()) && !registry.contains(&"db-3".to_owned()));

    // Planned again, the one written is unchanged and the rest complete.
    let plan = c.publish_plan("local", &selection).await.unwrap();
    assert_eq!(
        (plan.count(PlanAction::Unchanged), plan.writes().len()),
        (1, 3)
    );
    let report = c
        .save_agents("local", &plan.writes(), &yes, false, &progress, &cancel)
        .await
        .unwrap();
    assert!(report.complete(), "{report:?}");
    assert_eq!(
        api.agents()
            .iter()
            .find(|a| a["id"] == "support-bot")
            .unwrap()["name"],
        "Support Bot (old)"
    );
}

#[tokio::test]
async fn a_read_only_environment_refuses_to_write_the_table() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::ReadOnly).await;
    let err = t
        .console
        .reconcile_agents(
            "local",
            &ids(&["research-assistant"]),
            Direction::ToTable,
            &TableOwner::default(),
            &Confirmation::name("local"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnsafeInProduction);
    assert_eq!(
        db.sql("SELECT count(*) FROM agents WHERE id = 'research-assistant'"),
        "0"
    );
}

#[tokio::test]
async fn executions_are_paged_by_keyset_and_the_apis_need_the_login() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    // 250 more rows: many sharing a created_at (the id breaks the tie) and some without one.
    db.sql(
        "INSERT INTO executions (id, execution_type, resource_id, status, tenant_id, created_at)
         SELECT 'x' || lpad(n::text, 3, '0'), 'agent', CASE WHEN n % 2 = 0 THEN 'support-bot' ELSE 'db-only' END,
                CASE WHEN n % 5 = 0 THEN 'failed' ELSE 'completed' END, 't1',
                CASE WHEN n % 50 = 0 THEN NULL ELSE timestamp '2026-11-01' + (n / 7) * interval '1 minute' END
         FROM generate_series(1, 250) n",
    );
    let expected: Vec<String> = db
        .sql("SELECT id FROM executions ORDER BY coalesce(created_at, '-infinity') DESC, id DESC")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(expected.len(), 252);
    let mut filter = afc_core::agents::ExecutionFilter {
        limit: Some(100),
        ..Default::default()
    };
    let mut seen = Vec::new();
    loop {
        let view = t.console.executions("local", &filter).await.unwrap();
        assert!(view.database_error.is_none(), "{:?}", view.database_error);
        seen.extend(view.table.rows.iter().map(|e| e.id.clone()));
        match view.table.next {
            Some(next) => filter.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    // Filtered by status and agent, on the server.
    let failed = afc_core::agents::ExecutionFilter {
        status: Some("failed".into()),
        agent: Some("support-bot".into()),
        limit: Some(500),
        ..Default::default()
    };
    let view = t.console.executions("local", &failed).await.unwrap();
    assert_eq!(view.table.rows.len(), 25);
    assert!(
        view.table
            .rows
            .iter()
            .all(|e| e.status == "failed" && e.entity_id == "support-bot")
    );
    assert!(view.table.next.is_none());

    // Without a login the API refuses (401) and says what it needs; the table still shows.
    let error = view.api_error.expect("the API needs a login");
    assert_eq!(error.code, ErrorCode::Unauthorized);
    assert_contains(&error.message, &["need a login"]);

    // With a login: the API's in-memory executions, filtered by the API itself.
    api.add_user("ops@example.com", "correct-horse");
    for (id, agent) in [("m1", "support-bot"), ("m2", "db-only")] {
        api.add_execution(serde_json::json!({
            "id": id, "type": "agent", "entity_id": agent, "status": "failed",
            "created_at": "2026-11-30T10:00:00", "completed_at": null, "error": "boom", "metadata": {}
        }));
    }
    let mut env = t.console.environment("local").unwrap();
    env.api_auth = afc_core::environments::ApiAuth::Login {
        email: "ops@example.com".into(),
        has_password: true,
    };
    let secrets = ConnectionSecrets {
        api_secret: Some(afc_core::environments::SecretChange::Set {
            value: afc_core::keyring::SecretString::new("correct-horse"),
        }),
        ..Default::default()
    };
    t.console
        .update_environment("local", env, secrets, &Confirmation::yes())
        .await
        .unwrap();
    let view = t.console.executions("local", &failed).await.unwrap();
    assert!(view.api_error.is_none(), "{:?}", view.api_error);
    let api_ids: Vec<&str> = view.api.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(api_ids, ["m1"]);
    assert_eq!(view.api[0].error.as_deref(), Some("boom"));
    let query = &api.received_at("/api/v1/executions/")[0];
    assert_contains(&query.query, &["entity_id=support-bot"]);
}

#[tokio::test]
async fn a_run_slower_than_the_timeout_stops_waiting_and_an_agent_deleted_meanwhile_is_not_found() {
    let api = FixtureApi::start();
    let db = TestDb::create();
    let t = console();
    environment(&t, &api.url(), &db, SafetyLevel::Open).await;
    let request = RunRequest {
        input_text: "Slow".into(),
        ..RunRequest::default()
    };
    api.set(
        "/api/v1/agents/support-bot/run",
        test_support::fixture_api::Reply::json(200, "agents-run-no-llm.json")
            .delayed(std::time::Duration::from_secs(3)),
    );
    let e = t
        .console
        .run_agent_within(
            "local",
            "support-bot",
            &request,
            std::time::Duration::from_secs(1),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Timeout);
    assert_contains(&e.message, &["within 1 s", "may still finish the run"]);
    // A run is not repeated: the platform would run it twice.
    assert_eq!(api.received_at("/api/v1/agents/support-bot/run").len(), 1);

    // Deleted from the API behind the console's back: copying it into the table says so and
    // writes nothing.
    let view = t.console.agents("local").await.unwrap();
    assert!(view.rows.iter().any(|r| r.id == "research-assistant"));
    api.unset("/api/v1/agents/support-bot/run");
    t.console
        .delete_agent("local", "research-assistant", &Confirmation::yes())
        .await
        .unwrap();
    let gone = t
        .console
        .reconcile_agents(
            "local",
            &ids(&["research-assistant"]),
            Direction::ToTable,
            &TableOwner::default(),
            &Confirmation::yes(),
        )
        .await
        .unwrap_err();
    assert_eq!(gone.code, ErrorCode::NotFound);
    assert_eq!(
        db.sql("SELECT count(*) FROM agents WHERE id = 'research-assistant'")
            .trim(),
        "0"
    );
}
