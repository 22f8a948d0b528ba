//! The demo against real parts: the demo data on the machine's PostgreSQL (seed, count, reset,
//! with every table holding rows that are not the demo's), the write policy's refusals, and a
//! rehearsal of the shipped scripts against the fixture API (as rude as the platform) and a
//! scratch database it signs up into.

use afc_core::demo::{self, DemoTarget, ItemStatus, StepStatus, data};
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment, SafetyLevel};
use afc_core::guard::Confirmation;
use afc_core::migrate::MigrationSet;
use afc_core::{Console, ErrorCode};
use test_support::assert_contains;
use test_support::fixture_api::{FixtureApi, Reply};
use test_support::postgres::TestDb;

use crate::common::{TestConsole, apply, connection, console, snapshot};

/// A migrated scratch database with rows that are not the demo's in every table, including a
/// subscription of another tenant to a "Pro Plan" of its own.
async fn migrated_with_others() -> TestDb {
    let db = TestDb::create();
    let target = afc_core::db::Database::from_url(&db.url()).unwrap();
    apply(&target, &MigrationSet::embedded()).await.unwrap();
    db.sql(
        "INSERT INTO tenants (id, name, slug, plan) VALUES ('acme', 'Acme', 'acme', 'pro');
         INSERT INTO users (id, email, hashed_password, tenant_id) VALUES ('ann', 'ann@acme.test', 'h', 'acme');
         INSERT INTO agents (id, name, instructions, tenant_id, created_by) VALUES ('acme-bot', 'Bot', 'i', 'acme', 'ann');
         INSERT INTO workflows (id, name, definition, tenant_id, created_by) VALUES ('acme-flow', 'Flow', '{}', 'acme', 'ann');
         INSERT INTO blueprints (id, name, version, definition, publisher_id) VALUES ('acme-bp', 'Demo Blueprint', '1', '{}', 'ann');
         INSERT INTO executions (id, execution_type, resource_id, status, tenant_id) VALUES ('acme-run', 'agent', 'acme-bot', 'completed', 'acme');
         INSERT INTO audit_logs (event_type, user_id) VALUES ('login', 'ann');
         INSERT INTO api_keys (id, key_hash, name, tenant_id, user_id) VALUES ('acme-key', 'abc', 'k', 'acme', 'ann');
         INSERT INTO projects (id, name, tenant_id, created_by) VALUES ('acme-project', 'P', 'acme', 'ann');
         INSERT INTO plans (id, name, plan_type) VALUES ('acme-pro', 'Pro Plan', 'pro');
         INSERT INTO subscriptions (id, tenant_id, plan_id, current_period_start, current_period_end) VALUES ('acme-sub', 'acme', 'acme-pro', now(), now());
         INSERT INTO usage_records (id, tenant_id, subscription_id, billing_unit, quantity, period_start, period_end) VALUES ('acme-use', 'acme', 'acme-sub', 'run', 1, now(), now());",
    );
    db
}

fn target(db: &TestDb) -> DemoTarget {
    DemoTarget::from_url(&db.url()).unwrap()
}

#[tokio::test]
async fn seed_writes_the_set_once_and_reset_removes_exactly_it() {
    let t = console();
    let db = migrated_with_others().await;
    let before = snapshot(&db);
    let demo = target(&db);

    let preview = data::seed_preview(&demo.db).await.unwrap();
    assert!(
        preview.already_seeded.is_none() && preview.conflicts.is_empty(),
        "{preview:?}"
    );
    assert_eq!(preview.rows.len(), 9);

    let seeded = t
        .console
        .demo_seed(&demo, &Confirmation::yes())
        .await
        .unwrap();
    assert!(seeded.seeded, "{seeded:?}");
    assert_eq!(db.sql("SELECT name || '|' || plan || '|' || resource_quota::text FROM tenants WHERE slug = 'demo-org'"),
        "Demo Organization|pro|{\"agents\": 50, \"workflows\": 20}");
    assert_eq!(
        db.sql(
            "SELECT roles::text || permissions::text FROM users WHERE email = 'demo@example.com'"
        ),
        "[\"user\"][\"read\", \"write\"]"
    );
    assert_eq!(db.sql("SELECT json_array_length(definition->'steps') FROM workflows WHERE id = 'demo-workflow'"), "2");
    assert_eq!(db.sql("SELECT execution_time || '|' || (completed_at < now() AT TIME ZONE 'utc' - interval '59 minutes') FROM executions WHERE id = 'demo-execution'"), "1.5|true");
    assert_eq!(
        db.sql("SELECT price_monthly || '|' || price_yearly FROM plans WHERE id = 'demo-plan-pro'"),
        "29.99|299.99"
    );

    let again = t
        .console
        .demo_seed(&demo, &Confirmation::yes())
        .await
        .unwrap();
    assert!(!again.seeded);
    assert_contains(&again.message, &["already has the demo tenant"]);

    let counted = data::count(&demo.db).await.unwrap();
    assert!(counted.seeded());
    assert_eq!(counted.total, 9, "{counted:?}");

    // A user signed up into the demo tenant and what it did there go with it.
    db.sql("INSERT INTO users (id, email, hashed_password, tenant_id) VALUES ('late', 'late@demo.test', 'h', 'demo-tenant');
            INSERT INTO audit_logs (event_type, user_id) VALUES ('login', 'late');");
    let removed = t
        .console
        .demo_reset(&demo, &Confirmation::yes())
        .await
        .unwrap();
    assert_eq!(removed.total, 11, "{removed:?}");
    assert_eq!(
        snapshot(&db),
        before,
        "a reset touched rows that are not the demo's"
    );

    let second = t
        .console
        .demo_reset(&demo, &Confirmation::yes())
        .await
        .unwrap();
    assert_eq!((second.total, second.tenant_id), (0, None));
}

#[tokio::test]
async fn a_seed_that_fails_writes_nothing_and_a_plan_others_use_is_kept() {
    let t = console();
    let db = migrated_with_others().await;
    // Someone else already has the demo user's address: the seed's INSERT fails part way.
    db.sql("INSERT INTO users (id, email, hashed_password, tenant_id) VALUES ('imposter', 'demo@example.com', 'h', 'acme')");
    let demo = target(&db);
    let preview = data::seed_preview(&demo.db).await.unwrap();
    assert_contains(&preview.conflicts.join(";"), &["imposter"]);
    let before = snapshot(&db);
    let e = t
        .console
        .demo_seed(&demo, &Confirmation::yes())
        .await
        .unwrap_err();
    assert_contains(&e.message, &["nothing was written"]);
    assert_eq!(snapshot(&db), before);

    db.sql("DELETE FROM users WHERE id = 'imposter'");
    t.console
        .demo_seed(&demo, &Confirmation::yes())
        .await
        .unwrap();
    db.sql("INSERT INTO subscriptions (id, tenant_id, plan_id, current_period_start, current_period_end) VALUES ('acme-sub-2', 'acme', 'demo-plan-pro', now(), now())");
    let removed = t
        .console
        .demo_reset(&demo, &Confirmation::yes())
        .await
        .unwrap();
    let plans = removed.tables.iter().find(|c| c.table == "plans").unwrap();
    assert_eq!(plans.rows, 0, "another tenant's plan went with the demo");
    assert_eq!(
        db.sql("SELECT count(*) FROM plans WHERE id = 'demo-plan-pro'"),
        "1"
    );
    // Seeding again reuses the plan that stayed.
    assert!(
        t.console
            .demo_seed(&demo, &Confirmation::yes())
            .await
            .unwrap()
            .seeded
    );
}

#[tokio::test]
async fn the_write_policy_guards_seed_and_reset() {
    let t = console();
    let db = migrated_with_others().await;
    let demo = target(&db);
    let e = t
        .console
        .demo_seed(&demo, &Confirmation::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnsafeInProduction);
    assert_contains(&e.message, &["Confirmation needed"]);

    for (name, kind, safety, answer, refused) in [
        (
            "prod",
            EnvKind::Production,
            SafetyLevel::Open,
            Confirmation::name("prod"),
            "never runs on production",
        ),
        (
            "frozen",
            EnvKind::Staging,
            SafetyLevel::ReadOnly,
            Confirmation::name("frozen"),
            "read-only",
        ),
        (
            "careful",
            EnvKind::Staging,
            SafetyLevel::Protected,
            Confirmation::yes(),
            "Type its name",
        ),
    ] {
        let mut env = Environment::new(name, kind);
        env.safety = safety;
        env.database = Some(connection(&db));
        t.console
            .create_environment(env, ConnectionSecrets::default())
            .await
            .unwrap();
        let target = t.console.demo_target(name).await.unwrap();
        let e = t.console.demo_seed(&target, &answer).await.unwrap_err();
        assert_contains(&e.message, &[refused]);
        assert_eq!(
            db.sql("SELECT count(*) FROM tenants WHERE slug = 'demo-org'"),
            "0"
        );
    }
    let careful = t.console.demo_target("careful").await.unwrap();
    assert!(
        t.console
            .demo_seed(&careful, &Confirmation::name("careful"))
            .await
            .unwrap()
            .seeded
    );
}

#[tokio::test]
async fn seeding_an_unreachable_database_says_so() {
    let t = console();
    let demo =
        DemoTarget::from_url("postgresql://postgres@127.0.0.1:1/nowhere?sslmode=disable").unwrap();
    let e = t
        .console
        .demo_seed(&demo, &Confirmation::yes())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unreachable, "{e:?}");
}

/// Environment `stage`: the fixture API, which signs up into the migrated and seeded `db`.
async fn stage(t: &TestConsole, api: &FixtureApi, db: &TestDb) {
    let target = afc_core::db::Database::from_url(&db.url()).unwrap();
    apply(&target, &MigrationSet::embedded()).await.unwrap();
    let mut env = Environment::new("stage", EnvKind::Staging);
    env.api_url = Some(api.url());
    env.database = Some(connection(db));
    t.console
        .create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();
    t.console
        .demo_seed(
            &t.console.demo_target("stage").await.unwrap(),
            &Confirmation::yes(),
        )
        .await
        .unwrap();
}

async fn rehearse(console: &Console, script: &str) -> demo::DemoReport {
    let script = demo::script::load(script).unwrap();
    console
        .demo_rehearse("stage", &script, Confirmation::yes(), |_| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn the_extended_demo_rehearses_cleanly_and_leaves_nothing_behind() {
    let t = console();
    let db = TestDb::create();
    let api = FixtureApi::builder().llm_key().database(&db.name).start();
    stage(&t, &api, &db).await;
    let agents_before = api.agents().len();

    let script = demo::script::load("extended").unwrap();
    let checklist = t.console.demo_checklist("stage", &script).await.unwrap();
    assert!(checklist.ready, "{checklist:#?}");
    assert_eq!(checklist.items.len(), 6);

    let requests_before = api.requests();
    let report = rehearse(&t.console, "extended").await;
    assert!(report.ok(), "{}", report.to_markdown());
    assert_eq!(report.steps.len(), 10);
    // The simulated clock: each step's target, so the demo fits its 15 minutes exactly.
    assert_eq!(report.elapsed_ms, 900_000);
    // What the script says it makes is what it made (the checklist compares it with the budget).
    assert_eq!(
        u64::from(report.requests),
        api.requests() - requests_before,
        "{}",
        report.to_markdown()
    );
    assert_eq!(report.requests, script.requests());
    assert_eq!(
        api.agents().len(),
        agents_before,
        "the rehearsal's agent is left"
    );
    assert!(api.workflows().is_empty());
    // The signed-up tenant's rows went with the clean-up; the seeded demo stays.
    assert_eq!(
        db.sql("SELECT string_agg(slug, ',') FROM tenants"),
        "demo-org"
    );
}

#[tokio::test]
async fn without_an_llm_key_the_run_shows_the_error_path_and_a_dead_api_fails_with_its_tip() {
    let t = console();
    let db = TestDb::create();
    let api = FixtureApi::builder().database(&db.name).start();
    stage(&t, &api, &db).await;
    let script = demo::script::load("quick").unwrap();
    let checklist = t.console.demo_checklist("stage", &script).await.unwrap();
    let llm = checklist.items.iter().find(|i| i.id == "llm").unwrap();
    assert_eq!(llm.status, ItemStatus::Warn, "{llm:?}");

    let report = rehearse(&t.console, "quick").await;
    let run = report.steps.iter().find(|s| s.id == "run-agent").unwrap();
    assert_eq!(run.status, Some(StepStatus::ErrorPath), "{run:?}");
    assert!(report.ok());

    // The API goes down: every step after fails with a reason, none is skipped silently.
    api.set("/api/v1/agents/", Reply::error_500());
    let report = rehearse(&t.console, "quick").await;
    let create = report
        .steps
        .iter()
        .find(|s| s.id == "create-agent")
        .unwrap();
    assert_eq!(create.status, Some(StepStatus::Failed));
    assert!(create.error.is_some());
    assert!(!report.ok());
}

#[test]
fn scripts_are_checked_whole_with_their_line() {
    let shipped = demo::script::shipped_names();
    for name in &shipped {
        demo::script::load(name).unwrap();
    }
    let quick = demo::script::load("quick").unwrap();
    assert!(quick.steps.iter().map(|s| s.target_seconds).sum::<u32>() <= quick.target_seconds());
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let step = |id: &str, action: &str| {
        format!(
            "  - id: {id}\n    title: T\n    say: S\n    action: {action}\n    audience: A\n    recovery: R\n    target_seconds: 10\n"
        )
    };
    let head = "version: 1\nname: x\ntitle: X\ntarget_minutes: 1\n";
    let unknown = write(
        "unknown.yaml",
        &format!("{head}steps:\n{}", step("a", "dance")),
    );
    let e = demo::script::load(&unknown).unwrap_err();
    assert_contains(&e.message, &[&format!("{unknown}:9:")]);
    assert_contains(&e.message, &["unknown variant `dance`"]);

    let missing = write(
        "missing.yaml",
        &format!("{head}steps:\n  - id: a\n    title: T\n    action: show_health\n"),
    );
    assert_contains(
        &demo::script::load(&missing).unwrap_err().message,
        &["missing field `say`"],
    );

    let wrong_check = write(
        "check.yaml",
        &format!(
            "{head}steps:\n{}    check: agent_listed\n",
            step("a", "show_health")
        ),
    );
    assert_contains(
        &demo::script::load(&wrong_check).unwrap_err().message,
        &["check agent_listed does not fit action show_health"],
    );

    write(
        "a.yaml",
        &format!("{head}after: b.yaml\nsteps:\n{}", step("a", "show_health")),
    );
    let b = write(
        "b.yaml",
        &format!("{head}after: a.yaml\nsteps:\n{}", step("b", "show_health")),
    );
    assert_contains(&demo::script::load(&b).unwrap_err().message, &["cycle"]);

    let many: String = (0..1000)
        .map(|i| step(&format!("s{i}"), "show_health"))
        .collect();
    let huge = write("huge.yaml", &format!("{head}steps:\n{many}"));
    assert_contains(
        &demo::script::load(&huge).unwrap_err().message,
        &["1000 steps: a demo has at most 200"],
    );

    // An operator's copy that comes after the shipped quick demo.
    let mine = write(
        "mine.yaml",
        &format!(
            "{head}after: quick\nsteps:\n{}",
            step("mine", "{slide: {markdown: '# Thanks'}}")
        ),
    );
    let loaded = demo::script::load(&mine).unwrap();
    assert_eq!(loaded.steps.len(), quick.steps.len() + 1);
    let dup = write(
        "dup.yaml",
        &format!(
            "{head}after: quick\nsteps:\n{}",
            step("health", "show_health")
        ),
    );
    assert_contains(
        &demo::script::load(&dup).unwrap_err().message,
        &["used twice"],
    );
}

/// A script of its own in a temporary folder.
fn own_script(dir: &std::path::Path, steps: &str) -> String {
    let path = dir.join("own.yaml");
    std::fs::write(
        &path,
        format!("version: 1\nname: own\ntitle: Own\ntarget_minutes: 2\nsteps:\n{steps}"),
    )
    .unwrap();
    path.display().to_string()
}

fn step(id: &str, action: &str, seconds: u32) -> String {
    format!(
        "  - id: {id}\n    title: {id}\n    say: s\n    action: {action}\n    audience: a\n    recovery: r\n    target_seconds: {seconds}\n"
    )
}

#[tokio::test]
async fn a_query_a_slide_a_slow_step_and_the_rate_limit() {
    let t = console();
    let db = TestDb::create();
    let api = FixtureApi::builder().database(&db.name).start();
    stage(&t, &api, &db).await;
    let dir = tempfile::tempdir().unwrap();
    let steps = [
        step("slide", "{slide: {markdown: '# Welcome'}}", 10),
        step(
            "query",
            "{sql: {query: \"SELECT name, slug, plan FROM tenants WHERE slug = 'demo-org'\"}}",
            10,
        ),
        step(
            "write",
            "{sql: {query: \"DELETE FROM tenants RETURNING id\"}}",
            10,
        ),
        step("slow", "show_health", 1),
    ]
    .concat();
    let script = demo::script::load(&own_script(dir.path(), &steps)).unwrap();
    // The health step answers after its 1 s budget.
    api.set(
        "/live",
        Reply::json(200, "live.json").delayed(std::time::Duration::from_secs(3)),
    );
    let report = t
        .console
        .demo_rehearse("stage", &script, Confirmation::yes(), |_| {})
        .await
        .unwrap();
    let by = |id: &str| report.steps.iter().find(|s| s.id == id).unwrap().clone();
    assert_eq!(by("slide").status, Some(StepStatus::Passed));
    assert_eq!(
        by("query").status,
        Some(StepStatus::Passed),
        "{:?}",
        by("query")
    );
    // A demo's query is read-only: the server refuses the write, the rows stay.
    assert_eq!(by("write").status, Some(StepStatus::Failed));
    assert_contains(
        by("write").error.as_deref().unwrap_or(""),
        &["read-only transaction"],
    );
    assert_eq!(db.sql("SELECT count(*) FROM tenants"), "1");
    let slow = by("slow");
    assert_eq!(slow.status, Some(StepStatus::Failed));
    assert_contains(
        slow.error.as_deref().unwrap_or(""),
        &["longer than its 1 s budget"],
    );
    api.unset("/live");

    // The platform's limiter: a bare 500 is reported as the rate limit, not the API down, and
    // the checklist says to wait.
    let limited = FixtureApi::builder().rate_limit(4, 1000).start();
    let t2 = console();
    let db2 = TestDb::create();
    stage(&t2, &limited, &db2).await;
    let quick = demo::script::load("quick").unwrap();
    let report = t2
        .console
        .demo_rehearse("stage", &quick, Confirmation::yes(), |_| {})
        .await
        .unwrap();
    let failed: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.status == Some(StepStatus::Failed))
        .collect();
    assert!(!failed.is_empty(), "{}", report.to_markdown());
    let first = failed[0].error.as_deref().unwrap_or("");
    assert!(
        first.contains("rate-limited") || first.contains("rate limit"),
        "{}: {first}",
        failed[0].id
    );
    // The steps after it fail for want of what it would have made, never as the API being down.
    assert!(
        failed
            .iter()
            .all(|s| !s.error.as_deref().unwrap_or("").contains("unreachable"))
    );
    let list = t2.console.demo_checklist("stage", &quick).await.unwrap();
    let headroom = list.items.iter().find(|i| i.id == "rate-limit").unwrap();
    assert_eq!(headroom.status, ItemStatus::Fail, "{headroom:?}");
    assert_eq!(headroom.fix, Some(demo::Fix::WaitForHeadroom));
}
