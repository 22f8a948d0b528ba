//! Taking over the platform's own row-level security policy file (schema.md): its policies
//! recurse through `users`, validation must say so and prove it with a read as `authenticated`,
//! and adoption and the RLS migration must replace them, not add the console's beside them.

use afc_core::db::Database;
use afc_core::migrate::{self, Backfills, MigrationSet};
use afc_core::schema::Severity;
use afc_core::schema::policies::CONSOLE_POLICIES;
use test_support::assert_contains;
use test_support::postgres::{TestDb, legacy_dump};

use crate::adoption::adopt;
use crate::common::apply;

const U1: &str = "11111111-1111-1111-1111-111111111111";
const U2: &str = "22222222-2222-2222-2222-222222222222";

/// Two tenants, a user and an agent in each.
fn rows() -> String {
    format!(
        "INSERT INTO tenants (id, name, slug) VALUES ('t1', 'One', 'one'), ('t2', 'Two', 'two');
         INSERT INTO users (id, email, hashed_password, tenant_id) VALUES
           ('{U1}', 'a@x', 'h', 't1'), ('{U2}', 'b@x', 'h', 't2');
         INSERT INTO agents (id, name, instructions, tenant_id, created_by) VALUES
           ('a1', 'A', 'i', 't1', '{U1}'), ('a2', 'B', 'i', 't2', '{U2}');"
    )
}

/// `sql` as the `authenticated` role acting as `user`, in a transaction rolled back after.
fn as_user(db: &TestDb, user: &str, sql: &str) -> Result<String, String> {
    db.try_sql(&format!(
        "BEGIN; SET LOCAL ROLE authenticated; SELECT set_config('request.jwt.claim.sub', '{user}', true); {sql}; ROLLBACK;"
    ))
    .map(|out| out.lines().last().unwrap_or_default().to_owned())
}

fn policies(db: &TestDb) -> (String, String) {
    (
        db.sql("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'"),
        db.sql("SELECT count(*) FROM pg_policies WHERE schemaname = 'public' AND policyname ~ ' '"),
    )
}

#[tokio::test]
async fn the_platforms_recursive_policies_are_reported_proved_and_replaced_by_adoption() {
    let db = TestDb::create();
    db.add_supabase_auth();
    db.load(&legacy_dump("alembic-003-hand-fixed.sql"));
    db.load(&legacy_dump("platform-policies.sql"));
    db.sql(&rows());
    assert_eq!(policies(&db), ("35".to_owned(), "35".to_owned()));
    // The fixture fails as the real platform does.
    let err = as_user(&db, U1, "SELECT count(*) FROM agents").unwrap_err();
    assert_contains(
        &err,
        &["infinite recursion detected in policy for relation \"users\""],
    );

    let t = Database::from_url(&db.url()).unwrap();
    let set = MigrationSet::embedded();
    let report = migrate::validate(&t, &set).await.unwrap();
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.object, f.found))
        .collect();
    let foreign = errors.iter().filter(|e| e.starts_with("policy \"")).count();
    assert_eq!(foreign, 35, "{errors:#?}");
    let text = errors.join("\n");
    assert_contains(
        &text,
        &[
            "policy \"Users can view tenant users\" on users: a SELECT policy the console did not create that selects from users itself: this policy recurses",
            "policy \"Users can view tenant agents\" on agents: a SELECT policy the console did not create that selects from users, under row-level security",
            "row-level security as authenticated: reading ",
            &format!(
                "as user {U1} of tenant t1 fails: infinite recursion detected in policy for relation \"users\""
            ),
        ],
    );

    // Adoption lists each policy it drops by name, then the RLS migration adds the console's.
    let plan = migrate::adoption_plan(&t, &set, &Backfills::default())
        .await
        .unwrap();
    let drops: Vec<&str> = plan
        .steps
        .iter()
        .map(|s| s.sql.as_str())
        .filter(|s| s.starts_with("DROP POLICY"))
        .collect();
    assert_eq!(drops.len(), 35);
    assert!(drops.contains(&"DROP POLICY \"Users can view tenant users\" ON public.users"));
    adopt(&t, &set).await.unwrap();
    assert_eq!(apply(&t, &set).await.unwrap().applied, [4, 5]);
    assert_eq!(policies(&db), ("35".to_owned(), "0".to_owned()));

    // Clean only because a read as authenticated works and keeps to the user's tenant.
    let report = migrate::validate(&t, &set).await.unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);
    let proof = report
        .findings
        .iter()
        .find(|f| f.object == "row-level security as authenticated")
        .unwrap();
    assert_contains(&proof.found, &["works: as user ", "of tenant t1"]);
    assert_eq!(
        as_user(&db, U1, "SELECT string_agg(id, ',') FROM agents").unwrap(),
        "a1"
    );
}

/// A console-built database on plain PostgreSQL skips the RLS migration; once the project gets
/// Supabase's auth and the platform's policy file, applying it replaces those policies.
#[tokio::test]
async fn the_rls_migration_drops_the_platforms_policies_before_creating_its_own() {
    let db = TestDb::create();
    let t = Database::from_url(&db.url()).unwrap();
    let set = MigrationSet::embedded();
    assert_eq!(apply(&t, &set).await.unwrap().applied, [1, 2, 3]);
    db.add_supabase_auth();
    db.sql("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated");
    db.load(&legacy_dump("platform-policies.sql"));
    db.sql(&rows());

    let plan = migrate::plan(&t, &set).await.unwrap();
    let rls = plan.migrations.iter().find(|m| m.version == 4).unwrap();
    let drops = rls
        .statements
        .iter()
        .filter(|s| s.sql.starts_with("DROP POLICY \""))
        .count();
    assert_eq!(drops, 35, "{rls:#?}");
    // Only the first migration that creates policies replaces them.
    let later = plan.migrations.iter().find(|m| m.version == 5).unwrap();
    assert!(
        !later
            .statements
            .iter()
            .any(|s| s.sql.contains("DROP POLICY \""))
    );

    assert_eq!(apply(&t, &set).await.unwrap().applied, [4, 5]);
    assert_eq!(policies(&db), ("35".to_owned(), "0".to_owned()));
    assert!(migrate::validate(&t, &set).await.unwrap().is_clean());
    assert_eq!(
        as_user(&db, U2, "SELECT string_agg(id, ',') FROM agents").unwrap(),
        "a2"
    );
}

/// A policy set that reads fine but lets a user see another tenant is not clean either.
#[tokio::test]
async fn a_policy_that_leaks_other_tenants_fails_the_proof() {
    let db = TestDb::create();
    db.add_supabase_auth();
    let t = Database::from_url(&db.url()).unwrap();
    let set = MigrationSet::embedded();
    apply(&t, &set).await.unwrap();
    db.sql(&rows());
    db.sql("CREATE POLICY agents_select_own_tenant_2 ON agents FOR SELECT USING (true)");
    let report = migrate::validate(&t, &set).await.unwrap();
    let proof = report
        .findings
        .iter()
        .find(|f| f.object == "row-level security as authenticated")
        .unwrap();
    assert_eq!(proof.severity, Severity::Error);
    assert_contains(
        &proof.found,
        &["rows of other tenants are visible: 1 in agents"],
    );
}

/// The console knows its own policies by name: the list is every one the shipped migrations
/// create.
#[test]
fn the_consoles_policies_are_those_the_shipped_migrations_create() {
    let mut created: Vec<(String, String)> = MigrationSet::embedded()
        .iter()
        .flat_map(|m| m.statements())
        .filter_map(|s| {
            let rest = s.sql.trim_start().strip_prefix("CREATE POLICY ")?;
            let mut words = rest.split_whitespace();
            let name = words.next()?.to_owned();
            let table = words.nth(1)?.strip_prefix("public.")?.to_owned();
            Some((table, name))
        })
        .collect();
    created.sort();
    created.dedup();
    let mut listed: Vec<(String, String)> = CONSOLE_POLICIES
        .iter()
        .map(|(t, n)| ((*t).to_owned(), (*n).to_owned()))
        .collect();
    listed.sort();
    assert_eq!(created, listed);
}
