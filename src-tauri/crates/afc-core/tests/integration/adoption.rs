//! Adoption of the legacy databases in the platform's spec: each dump is loaded into a real
//! database, filled with rows, adopted, validated clean, and every row and value is proven kept.

use crate::common::{apply, snapshot};
use afc_core::ErrorCode;
use afc_core::db::Database;
use afc_core::guard::Confirmation;
use afc_core::migrate::{
    self, Backfills, MigrationRun, MigrationSet, MigrationState, MigrationWrite,
};
use afc_core::progress::{Cancel, Progress};
use afc_core::schema::Shape;
use test_support::assert_contains;
use test_support::postgres::{TestDb, legacy_dump};

/// Rows in every table, using the columns all three legacy shapes share.
const ROWS: &str = "
INSERT INTO tenants (id, name, slug, is_active, plan, resource_quota, usage, created_at) VALUES
  ('t1', 'Acme', 'acme', true, 'pro', '{\"agents\": 5}', '{\"agents\": 1}', '2025-01-02 03:04:05'),
  ('t2', 'Beta', 'beta', NULL, NULL, NULL, NULL, NULL);
INSERT INTO users (id, email, hashed_password, tenant_id, roles, permissions, created_at) VALUES
  ('u1', 'a@acme.test', 'x', 't1', '[\"admin\"]', '[\"read\"]', '2025-01-02 03:04:05'),
  ('u2', 'b@beta.test', 'y', 't2', NULL, NULL, NULL);
INSERT INTO agents (id, name, instructions, model, tenant_id, created_by, created_at) VALUES
  ('a1', 'Helper', 'Be kind', 'gpt-4o', 't1', 'u1', '2025-02-01 00:00:00'),
  ('a2', 'Other', 'Be brief', NULL, 't2', 'u2', NULL);
INSERT INTO executions (id, execution_type, resource_id, status, input_data, output_data, tenant_id, created_by, created_at, completed_at, execution_time) VALUES
  ('e1', 'agent', 'a1', 'completed', '{\"m\": \"hi\"}', '{\"r\": \"ok\"}', 't1', 'u1', '2025-02-01 00:00:00', '2025-02-01 00:00:01.5', 1.5);
INSERT INTO audit_logs (event_type, user_id, action, details, created_at) VALUES
  ('login', 'u1', 'login', '{\"ip\": \"10.0.0.1\"}', '2025-02-01 00:00:00'), ('logout', NULL, NULL, NULL, NULL);
INSERT INTO api_keys (id, key_hash, name, user_id, tenant_id, is_active, created_at) VALUES
  ('k1', 'hash-1', 'ci', 'u1', 't1', true, '2025-03-01 12:00:00'),
  ('k2', 'hash-2', 'old', 'u2', 't2', false, NULL);
INSERT INTO projects (id, name, tenant_id, created_by, config) VALUES ('p1', 'Site', 't1', 'u1', '{\"theme\": \"dark\"}');
INSERT INTO plans (id, name, plan_type, price_monthly, features) VALUES ('pl1', 'Pro', 'pro', 29.99, '{\"sso\": true}');
INSERT INTO subscriptions (id, tenant_id, plan_id, current_period_start, current_period_end) VALUES
  ('s1', 't1', 'pl1', '2025-01-01', '2025-02-01');
INSERT INTO usage_records (id, tenant_id, subscription_id, billing_unit, quantity, period_start, period_end) VALUES
  ('r1', 't1', 's1', 'tokens', 1200, '2025-01-01', '2025-02-01');
";

/// Rows for the columns that differ: the legacy workflow owner and blueprint columns.
fn shape_rows(dump: &str) -> &'static str {
    match dump {
        "alembic-002.sql" => "
INSERT INTO workflows (id, name, description, definition, tenant_id, user_id, created_at) VALUES
  ('w1', 'Flow', 'legacy text', '{\"steps\": [1]}', 't1', 'u1', '2025-02-01 00:00:00'),
  ('w2', 'Orphan-free', NULL, '{}', 't2', NULL, NULL);
INSERT INTO blueprints (id, name, version, author, category, tags, config, tenant_id, user_id, publisher_id, is_public) VALUES
  ('b1', 'Starter', '1.0.0', 'Ann', 'sales', '[\"a\"]', '{\"k\": 1}', 't1', 'u1', 'u1', true);",
        "alembic-003-hand-fixed.sql" => "
INSERT INTO workflows (id, name, description, definition, tenant_id, created_by, created_at) VALUES
  ('w1', 'Flow', 'legacy text', '{\"steps\": [1]}', 't1', 'u1', '2025-02-01 00:00:00');
INSERT INTO blueprints (id, name, version, author, config, publisher_id) VALUES ('b1', 'Starter', '1.0.0', 'Ann', '{\"k\": 1}', 'u1');",
        _ => "
INSERT INTO workflows (id, name, definition, tenant_id, created_by, created_at) VALUES
  ('w1', 'Flow', '{\"steps\": [1]}', 't1', 'u1', '2025-02-01 00:00:00');
INSERT INTO blueprints (id, name, version, definition, publisher_id) VALUES ('b1', 'Starter', '1.0.0', '{\"steps\": []}', 'u1');",
    }
}

fn legacy(dump: &str) -> (TestDb, Database) {
    let db = TestDb::create();
    db.load(&legacy_dump(dump));
    db.sql(ROWS);
    db.sql(shape_rows(dump));
    let t = Database::from_url(&db.url()).unwrap();
    (db, t)
}

pub async fn adopt(t: &Database, set: &MigrationSet) -> afc_core::Result<migrate::ApplyReport> {
    adopt_filling(t, set, Backfills::default()).await
}

async fn adopt_filling(
    t: &Database,
    set: &MigrationSet,
    backfills: Backfills,
) -> afc_core::Result<migrate::ApplyReport> {
    let tc = crate::common::console();
    tc.console
        .write_migrations(
            MigrationWrite::Adopt(backfills),
            &MigrationRun::new(t, set, &Progress::none(), &Cancel::default()),
            &Confirmation::yes(),
        )
        .await
}

async fn adopts_without_losing_a_row(dump: &str, shape: Shape) {
    let (db, t) = legacy(dump);
    let set = MigrationSet::embedded();
    let before = snapshot(&db);
    assert!(
        before.iter().all(|(_, rows)| !rows.is_empty()),
        "every table has rows"
    );

    let status = migrate::status(&t, &set).await.unwrap();
    assert_eq!(status.shape, shape);
    let err = apply(&t, &set).await.unwrap_err();
    assert!(err.message.contains("adopt it first"), "{}", err.message);

    let plan = migrate::adoption_plan(&t, &set, &Backfills::default())
        .await
        .unwrap();
    assert!(
        plan.refusal.is_none() && plan.blockers.is_empty(),
        "{plan:#?}"
    );
    assert!(!plan.steps.is_empty());
    assert!(plan.script().starts_with("-- Adoption repair"));
    assert!(!migrate::validate(&t, &set).await.unwrap().is_clean());

    adopt(&t, &set).await.unwrap();

    let report = migrate::validate(&t, &set).await.unwrap();
    assert!(
        report.is_clean(),
        "{dump}: {:#?}",
        report
            .findings
            .iter()
            .filter(|f| f.severity != afc_core::migrate::Severity::Info)
            .collect::<Vec<_>>()
    );
    let after = snapshot(&db);
    for ((table, old), (_, new)) in before.iter().zip(&after) {
        assert_eq!(old.len(), new.len(), "{dump}: rows of {table}");
        for (o, n) in old.iter().zip(new) {
            for (column, value) in o.as_object().unwrap() {
                assert_eq!(&n[column], value, "{dump}: {table}.{column} of {}", o["id"]);
            }
        }
    }
    let status = migrate::status(&t, &set).await.unwrap();
    let states: Vec<_> = status.migrations.iter().map(|m| m.state).collect();
    use MigrationState::*;
    assert_eq!(
        states,
        [
            Baselined,
            Baselined,
            Baselined,
            NotApplicable,
            NotApplicable
        ]
    );
    assert!(apply(&t, &set).await.unwrap().applied.is_empty());
    check_backfill(&db, dump);
}

/// The columns the repair added hold what the legacy rows implied.
fn check_backfill(db: &TestDb, dump: &str) {
    assert_eq!(
        db.sql("SELECT created_by FROM workflows WHERE id = 'w1'"),
        "u1"
    );
    if dump != "api-created.sql" {
        // Added by the repair: filled from the default and from created_at.
        assert_eq!(
            db.sql(
                "SELECT permissions::text, updated_at = created_at FROM api_keys WHERE id = 'k1'"
            ),
            "[]|t"
        );
    }
    if dump == "alembic-002.sql" {
        assert_eq!(
            db.sql("SELECT definition::text, version FROM blueprints WHERE id = 'b1'"),
            "{}|1.0.0"
        );
        assert_eq!(
            db.sql("SELECT user_id = created_by FROM workflows WHERE id = 'w1'"),
            "t"
        );
    }
    // The platform's inserts (no legacy columns, server defaults) now work.
    db.sql("INSERT INTO api_keys (id, key_hash, name, user_id, tenant_id) VALUES ('k9', 'h9', 'n', 'u1', 't1')");
    assert_eq!(
        db.sql("SELECT permissions::text, is_active FROM api_keys WHERE id = 'k9'"),
        "[]|t"
    );
}

#[tokio::test]
async fn alembic_002_adopts_without_losing_a_row() {
    adopts_without_losing_a_row(
        "alembic-002.sql",
        Shape::Alembic {
            revision: "002".into(),
        },
    )
    .await;
}

#[tokio::test]
async fn alembic_003_hand_fixed_adopts_without_losing_a_row() {
    adopts_without_losing_a_row(
        "alembic-003-hand-fixed.sql",
        Shape::Alembic {
            revision: "003".into(),
        },
    )
    .await;
}

#[tokio::test]
async fn api_created_adopts_without_losing_a_row() {
    adopts_without_losing_a_row("api-created.sql", Shape::ApiCreated).await;
}

#[tokio::test]
async fn rows_that_violate_a_new_constraint_stop_adoption_by_name() {
    let (db, t) = legacy("alembic-002.sql");
    db.sql("INSERT INTO api_keys (id, key_hash, name, user_id, tenant_id) VALUES ('k3', 'hash-1', NULL, 'u1', 't1')");
    let set = MigrationSet::embedded();
    let plan = migrate::adoption_plan(&t, &set, &Backfills::default())
        .await
        .unwrap();
    let blockers: Vec<_> = plan
        .blockers
        .iter()
        .map(|b| (b.object.as_str(), b.rows.join("; ")))
        .collect();
    assert_eq!(
        blockers,
        [
            ("column api_keys.name", "id k3".to_owned()),
            (
                "index ix_api_keys_key_hash",
                "hash-1: ids k1, k3".to_owned()
            ),
        ]
    );
    let err = adopt(&t, &set).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_contains(&err.message, &["hash-1: ids k1, k3"]);
    assert_eq!(db.sql("SELECT to_regclass('public.afc_schema_migrations') IS NULL, count(*) FROM information_schema.columns WHERE table_name = 'api_keys' AND column_name = 'permissions'"), "t|0");
}

#[tokio::test]
async fn partial_empty_and_managed_databases_are_not_adopted() {
    let set = MigrationSet::embedded();
    let db = TestDb::create();
    let t = Database::from_url(&db.url()).unwrap();
    assert!(adopt(&t, &set).await.unwrap_err().message.contains("empty"));
    db.sql("CREATE TABLE tenants (id varchar PRIMARY KEY); CREATE TABLE users (id varchar PRIMARY KEY)");
    let status = migrate::status(&t, &set).await.unwrap();
    assert!(
        matches!(&status.shape, Shape::Partial { present, .. } if present == &["tenants", "users"])
    );
    let err = adopt(&t, &set).await.unwrap_err();
    assert!(err.message.contains("does not guess"), "{}", err.message);
}

/// CI's "ensure adopted" step runs on every deploy: on a database the console already manages,
/// adoption is a success that changes nothing.
#[tokio::test]
async fn adopting_a_managed_database_again_succeeds_and_changes_nothing() {
    let set = MigrationSet::embedded();
    let (db, t) = legacy("alembic-002.sql");
    adopt(&t, &set).await.unwrap();
    let managed = TestDb::create();
    let fresh = Database::from_url(&managed.url()).unwrap();
    apply(&fresh, &set).await.unwrap();
    for (db, t) in [(&db, &t), (&managed, &fresh)] {
        let before = (
            snapshot(db),
            db.sql("SELECT count(*) FROM afc_schema_migrations"),
        );
        let plan = migrate::adoption_plan(t, &set, &Backfills::default())
            .await
            .unwrap();
        assert!(
            plan.already_managed() && plan.refusal.is_none(),
            "{plan:#?}"
        );
        assert!(plan.steps.is_empty() && plan.baseline.is_empty());
        let report = adopt(t, &set).await.unwrap();
        assert!(report.applied.is_empty());
        let after = (
            snapshot(db),
            db.sql("SELECT count(*) FROM afc_schema_migrations"),
        );
        assert_eq!(before, after);
    }
}

/// NULLs where the repair adds NOT NULL (Alembic left these columns nullable and real data
/// has NULLs in them): the plan proposes a value per column, and fills only what the operator
/// accepted, with exactly the value they gave.
#[tokio::test]
async fn nulls_in_new_not_null_columns_are_back_filled_only_when_accepted() {
    let (db, t) = legacy("alembic-002.sql");
    db.sql(
        "INSERT INTO workflows (id, name, definition, tenant_id) VALUES ('w3', 'Empty', NULL, 't1');
         INSERT INTO blueprints (id, name, version) VALUES ('b2', 'Draft', NULL);
         UPDATE api_keys SET name = NULL WHERE id = 'k2';",
    );
    let set = MigrationSet::embedded();
    let none = migrate::adoption_plan(&t, &set, &Backfills::default())
        .await
        .unwrap();
    let proposals: Vec<_> = none
        .blockers
        .iter()
        .filter_map(|b| {
            let p = b.backfill.as_ref()?;
            Some((p.column.as_str(), p.proposed.as_deref(), b.rows.join(",")))
        })
        .collect();
    assert_eq!(
        proposals,
        [
            ("workflows.definition", Some("{}"), "id w3".to_owned()),
            ("blueprints.version", Some("0.0.0"), "id b2".to_owned()),
            ("api_keys.name", Some("unnamed"), "id k2".to_owned()),
        ]
    );
    let err = adopt(&t, &set).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(
        db.sql("SELECT to_regclass('public.afc_schema_migrations') IS NULL"),
        "t"
    );

    let typo = Backfills {
        accept_proposed: true,
        values: [("api_keys.nmae".to_owned(), "x".to_owned())].into(),
    };
    let err = migrate::adoption_plan(&t, &set, &typo).await.unwrap_err();
    assert_contains(&err.message, &["api_keys.nmae"]);

    // The proposals, except a name the operator typed (quotes and a backslash included).
    let name = r"legacy key's \ name";
    let accepted = Backfills {
        accept_proposed: true,
        values: [("api_keys.name".to_owned(), name.to_owned())].into(),
    };
    let plan = migrate::adoption_plan(&t, &set, &accepted).await.unwrap();
    assert!(plan.blockers.is_empty(), "{:#?}", plan.blockers);
    assert!(
        plan.steps[0]
            .sql
            .starts_with("UPDATE public.workflows SET definition = E'{}'")
    );
    adopt_filling(&t, &set, accepted).await.unwrap();
    assert_eq!(
        db.sql(
            "SELECT (SELECT definition::text FROM workflows WHERE id = 'w3') || '|' || \
                (SELECT version FROM blueprints WHERE id = 'b2') || '|' || \
                (SELECT name FROM api_keys WHERE id = 'k2') || '|' || \
                (SELECT name FROM api_keys WHERE id = 'k1')"
        ),
        format!("{{}}|0.0.0|{name}|ci")
    );
    assert!(migrate::validate(&t, &set).await.unwrap().is_clean());
}

/// Names the console reads back from a database and writes into its repair: an index, a legacy
/// column and a foreign key with quotes, semicolons, spaces, mixed case and Unicode in them.
#[tokio::test]
async fn hostile_names_read_from_the_database_stay_names() {
    let (db, t) = legacy("alembic-002.sql");
    let index = "e RENAME TO f;CREATE TABLE pwned(a int);ALTER INDEX f";
    let column = "Tâche \"x\"; DROP TABLE tenants; --";
    let fk = "Fk'; DROP TABLE users; --";
    db.sql(&format!(
        "DROP INDEX ix_audit_logs_created_at;
         CREATE INDEX \"{}\" ON audit_logs (created_at);
         CREATE INDEX e ON tenants (name);
         ALTER TABLE agents ADD COLUMN \"{}\" text NOT NULL DEFAULT 'x';
         ALTER TABLE agents ALTER COLUMN \"{}\" DROP DEFAULT;
         ALTER TABLE agents DROP CONSTRAINT agents_tenant_id_fkey;
         ALTER TABLE agents ADD CONSTRAINT \"{fk}\" FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;",
        index,
        column.replace('"', "\"\""),
        column.replace('"', "\"\"")
    ));
    let ids = || {
        snapshot(&db)
            .into_iter()
            .map(|(t, rows)| (t, rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    let before = ids();
    adopt(&t, &MigrationSet::embedded()).await.unwrap();
    let exists = |kind: &str, name: &str| {
        db.sql(&format!(
            "SELECT count(*) FROM pg_class WHERE relkind = '{kind}' AND relname = '{}'",
            name.replace('\'', "''")
        ))
    };
    assert_eq!(exists("r", "pwned"), "0", "SQL from an index name ran");
    assert_eq!(
        exists("i", "ix_audit_logs_created_at"),
        "1",
        "renamed to the canonical name"
    );
    assert_eq!(exists("i", index), "0");
    assert_eq!(exists("i", "e"), "1", "the bystander index is untouched");
    let nullable = db.sql(&format!(
        "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'agents' AND column_name = '{}'",
        column.replace('\'', "''")
    ));
    assert_eq!(nullable, "YES", "the legacy column's NOT NULL was relaxed");
    let constraints = db.sql(
        "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint \
         WHERE conrelid = 'public.agents'::regclass AND contype = 'f' AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'public.agents'::regclass AND attname = 'tenant_id')]",
    );
    assert_eq!(
        constraints, "agents_tenant_id_fkey",
        "the cascading key was replaced"
    );
    // Every table and row is still there.
    assert_eq!(ids(), before);
}
