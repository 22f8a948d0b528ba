//! Environments and their secrets against the real OS keyring (Secret Service in the test
//! session that `scripts/test.sh` starts). Nothing here falls back to a fake keyring.

use crate::common::console;
use afc_core::ErrorCode;
use afc_core::environments::connection::parse_database_url;
use afc_core::environments::presets::presets;
use afc_core::environments::{
    ApiAuth, ConnectionSecrets, DB_PASSWORD, EnvKind, SafetyLevel, SecretChange, account,
};
use afc_core::guard::Confirmation;
use afc_core::secrets::drift::DriftStatus;
use afc_core::secrets::validate::Severity;
use afc_core::secrets::{ImportAction, SecretString, VariableChange};
use test_support::leaks::files_containing;

const DB_PW: &str = "db-pa55word-Zq81";
const JWT: &str = "jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz";

/// The database password `env` keeps in the keyring.
async fn db_password(c: &afc_core::Console, env: &str) -> Option<String> {
    let secret = c.connection_secret(env, DB_PASSWORD).await.unwrap();
    secret.map(|s| s.expose().to_owned())
}

fn set(value: &str) -> Option<SecretChange> {
    Some(SecretChange::Set {
        value: SecretString::new(value),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn environment_lifecycle_keeps_passwords_only_in_the_keyring() {
    let t = console();
    let c = &t.console;
    let mut env = presets().remove(0).environment;
    let (db, password) = parse_database_url(&format!(
        "postgresql://agent:{DB_PW}@127.0.0.1:5432/agent_factory"
    ))
    .unwrap();
    env.database = Some(db);
    let secrets = ConnectionSecrets {
        db_password: Some(SecretChange::Set {
            value: password.unwrap(),
        }),
        ..Default::default()
    };
    let created = c.create_environment(env.clone(), secrets).await.unwrap();
    assert!(created.database.as_ref().unwrap().has_password);
    assert_eq!(
        c.environments().unwrap().current.as_deref(),
        Some("local"),
        "the first environment becomes current"
    );
    assert_eq!(db_password(c, "local").await.as_deref(), Some(DB_PW));

    // The same name twice is refused.
    let dup = c
        .create_environment(env.clone(), ConnectionSecrets::default())
        .await
        .unwrap_err();
    assert_eq!(dup.code, ErrorCode::Conflict);

    // Renaming moves the password; the old keyring entry is gone.
    let mut renamed = created.clone();
    renamed.name = "dev-box".into();
    renamed.database.as_mut().unwrap().has_password = false; // ignored: the keyring decides
    let saved = c
        .update_environment(
            "local",
            renamed,
            ConnectionSecrets::default(),
            &Confirmation::yes(),
        )
        .await
        .unwrap();
    assert!(saved.database.unwrap().has_password);
    assert_eq!(
        c.environments().unwrap().current.as_deref(),
        Some("dev-box")
    );
    assert_eq!(db_password(c, "dev-box").await.as_deref(), Some(DB_PW));
    assert!(
        c.keyring
            .get(&account("local", DB_PASSWORD))
            .await
            .unwrap()
            .is_none()
    );

    // Duplicating copies secrets; deleting removes them.
    c.duplicate_environment("dev-box", "dev-copy")
        .await
        .unwrap();
    assert_eq!(db_password(c, "dev-copy").await.as_deref(), Some(DB_PW));
    c.delete_environment("dev-copy", &Confirmation::yes())
        .await
        .unwrap();
    assert!(
        c.keyring
            .get(&account("dev-copy", DB_PASSWORD))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        c.environment("dev-copy").unwrap_err().code,
        ErrorCode::NotFound
    );

    // Clearing a password.
    let clear = ConnectionSecrets {
        db_password: Some(SecretChange::Clear),
        ..Default::default()
    };
    let cleared = c
        .update_environment(
            "dev-box",
            c.environment("dev-box").unwrap(),
            clear,
            &Confirmation::yes(),
        )
        .await
        .unwrap();
    assert!(!cleared.database.unwrap().has_password);
    assert_eq!(db_password(c, "dev-box").await, None);

    // Invalid input is refused before anything is written.
    let mut bad = c.environment("dev-box").unwrap();
    bad.name = "no spaces allowed".into();
    assert_eq!(
        c.create_environment(bad, ConnectionSecrets::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    let mut bad_url = c.environment("dev-box").unwrap();
    bad_url.api_url = Some("localhost:8000".into());
    assert_eq!(
        c.update_environment(
            "dev-box",
            bad_url,
            ConnectionSecrets::default(),
            &Confirmation::yes()
        )
        .await
        .unwrap_err()
        .code,
        ErrorCode::InvalidInput
    );

    // Production defaults to protected; a login's password goes to the keyring.
    let mut prod = presets().remove(2).environment;
    prod.database.as_mut().unwrap().host = "db.abcdefgh.supabase.co".into();
    prod.api_auth = ApiAuth::Login {
        email: "ops@example.com".into(),
        has_password: true,
    };
    let prod = c
        .create_environment(
            prod,
            ConnectionSecrets {
                api_secret: set("login-pw-77"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (prod.kind, prod.safety),
        (EnvKind::Production, SafetyLevel::Protected)
    );
    assert_eq!(
        prod.api_auth,
        ApiAuth::Login {
            email: "ops@example.com".into(),
            has_password: true
        }
    );
    // Switching the API credential to a key drops the stored login password from the keyring.
    let mut keyed = prod.clone();
    keyed.api_auth = ApiAuth::ApiKey { has_key: false };
    let keyed = c
        .update_environment(
            "production",
            keyed,
            ConnectionSecrets::default(),
            &Confirmation::name("production"),
        )
        .await
        .unwrap();
    assert_eq!(keyed.api_auth, ApiAuth::ApiKey { has_key: false });
    let api_account = account("production", afc_core::environments::API_SECRET);
    assert!(c.keyring.get(&api_account).await.unwrap().is_none());
    // Removing the database connection drops its password too.
    let again = ConnectionSecrets {
        db_password: set("again-pw-1"),
        ..Default::default()
    };
    c.update_environment(
        "dev-box",
        c.environment("dev-box").unwrap(),
        again,
        &Confirmation::yes(),
    )
    .await
    .unwrap();
    let mut no_db = c.environment("dev-box").unwrap();
    no_db.database = None;
    c.update_environment(
        "dev-box",
        no_db,
        ConnectionSecrets::default(),
        &Confirmation::yes(),
    )
    .await
    .unwrap();
    assert_eq!(db_password(c, "dev-box").await, None);

    assert!(files_containing(t.dir.path(), DB_PW, &[]).is_empty());
    assert!(files_containing(t.dir.path(), "login-pw-77", &[]).is_empty());
    let audit = c.audit.read().unwrap();
    let actions: Vec<_> = audit
        .entries
        .iter()
        .rev()
        .map(|e| e.action.as_str())
        .collect();
    assert!(
        actions.starts_with(&[
            "environment.create",
            "environment.create",
            "environment.update"
        ]),
        "{actions:?}"
    );
    assert!(actions.contains(&"environment.delete"));
    let details: Vec<_> = audit
        .entries
        .iter()
        .filter_map(|e| e.detail.as_deref())
        .collect();
    assert!(details.contains(&"renamed from local"), "{details:?}");
    assert!(
        details.contains(&"changed database, database TLS"),
        "{details:?}"
    );
    let cleared = audit
        .entries
        .iter()
        .find(|e| e.detail.as_deref() == Some("database password removed"));
    assert!(cleared.is_some(), "{:?}", audit.entries);
}

#[tokio::test(flavor = "multi_thread")]
async fn variables_import_validate_reveal_and_export() {
    let t = console();
    let c = &t.console;
    let env = presets().remove(0).environment;
    c.create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();

    let text = format!(
        "# platform settings\nexport DATABASE_URL=postgres://u:{DB_PW}@db/app\nJWT_SECRET_KEY='{JWT}'\nDEBUG=true\nCORS_ORIGINS=\"*\"\nMULTI=\"line one\\nline two\"\nbroken line\nDEBUG=false\nMY_TOKEN=tok-abcdef\n"
    );
    let preview = c.import_preview("local", &text).await.unwrap();
    assert_eq!(preview.problems.len(), 2, "{:?}", preview.problems);
    assert_eq!((preview.problems[0].line, preview.problems[1].line), (7, 8));
    let url_row = preview
        .rows
        .iter()
        .find(|r| r.name == "DATABASE_URL")
        .unwrap();
    assert!(
        url_row.secret && url_row.value.is_none(),
        "secret values are never echoed"
    );
    assert!(
        url_row
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.message.contains("postgres://"))
    );
    assert!(
        preview
            .rows
            .iter()
            .find(|r| r.name == "MY_TOKEN")
            .unwrap()
            .secret,
        "unknown names that look secret go to the keyring"
    );
    assert!(preview.rows.iter().all(|r| r.action == ImportAction::New));
    // Nothing is written by a preview.
    assert!(c.environment("local").unwrap().variables.is_empty());

    let summary = c
        .import("local", &text, "pasted", &Confirmation::yes())
        .await
        .unwrap();
    assert_eq!((summary.added, summary.secrets, summary.skipped), (6, 3, 1));
    let env = c.environment("local").unwrap();
    assert_eq!(
        env.variables["DEBUG"].value.as_deref(),
        Some("false"),
        "the last duplicate wins"
    );
    assert!(
        env.variables["JWT_SECRET_KEY"].secret && env.variables["JWT_SECRET_KEY"].value.is_none()
    );
    assert_eq!(
        c.reveal_variable(
            "local",
            "JWT_SECRET_KEY",
            afc_core::audit::AuditAction::SecretReveal
        )
        .await
        .unwrap()
        .expose(),
        JWT
    );
    assert_eq!(
        c.reveal_variable("local", "MULTI", afc_core::audit::AuditAction::SecretReveal)
            .await
            .unwrap()
            .expose(),
        "line one\nline two"
    );

    // The view validates secret values without sending them.
    let view = c.variables("local").await.unwrap();
    assert!(view.keyring_error.is_none());
    let row = |n: &str| view.rows.iter().find(|r| r.name == n).unwrap().clone();
    assert!(row("DATABASE_URL").is_set && row("DATABASE_URL").value.is_none());
    assert_eq!(row("DATABASE_URL").findings[0].severity, Severity::Error);
    assert!(row("JWT_SECRET_KEY").findings.is_empty());
    assert!(
        !row("JWT_ALGORITHM").read,
        "the catalog says the platform ignores it"
    );
    assert!(row("MY_TOKEN").custom);
    assert!(view.rows.len() >= 70);

    // Fix a value; re-importing the same text reports it as changed and the rest unchanged.
    c.set_variable(
        "local",
        "DATABASE_URL",
        SecretString::new(format!("postgresql://u:{DB_PW}@db/app")),
        None,
        &Confirmation::yes(),
    )
    .await
    .unwrap();
    let again = c.import_preview("local", &text).await.unwrap();
    let action = |n: &str| again.rows.iter().find(|r| r.name == n).unwrap().action;
    assert_eq!(action("DATABASE_URL"), ImportAction::Changed);
    assert_eq!(action("JWT_SECRET_KEY"), ImportAction::Unchanged);

    // Export writes a private file that imports back to exactly the same values.
    let out = t.dir.path().join("exported.env");
    let exported = c.export("local", &out).await.unwrap();
    assert_eq!((exported.variables, exported.secrets), (6, 3));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let round = c
        .import_preview("local", &std::fs::read_to_string(&out).unwrap())
        .await
        .unwrap();
    assert!(round.problems.is_empty());
    assert!(
        round
            .rows
            .iter()
            .all(|r| r.action == ImportAction::Unchanged),
        "{:?}",
        round.rows
    );

    c.change_variable(
        "local",
        "MY_TOKEN",
        VariableChange::Remove,
        &Confirmation::yes(),
    )
    .await
    .unwrap();
    assert!(
        c.keyring
            .get(&account("local", "MY_TOKEN"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        c.change_variable(
            "local",
            "MY_TOKEN",
            VariableChange::Remove,
            &Confirmation::yes()
        )
        .await
        .unwrap_err()
        .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        c.set_variable(
            "local",
            "1BAD",
            SecretString::new("x"),
            None,
            &Confirmation::yes()
        )
        .await
        .unwrap_err()
        .code,
        ErrorCode::InvalidInput
    );

    // Secret values appear in no file the console wrote except the export the operator asked for.
    std::fs::remove_file(&out).unwrap();
    for value in [DB_PW, JWT, "tok-abcdef"] {
        assert!(
            files_containing(t.dir.path(), value, &[]).is_empty(),
            "{value} leaked"
        );
    }
    let audit = c.audit.read().unwrap();
    assert!(
        audit
            .entries
            .iter()
            .any(|e| e.action == "secret.reveal" && e.target.as_deref() == Some("JWT_SECRET_KEY"))
    );
    assert!(audit.entries.iter().any(|e| e.action == "env-file.export"));
    // An import records each variable it wrote, by name.
    let imported: Vec<_> = audit
        .entries
        .iter()
        .filter(|e| e.detail.as_deref() == Some("imported from pasted"))
        .filter_map(|e| e.target.as_deref())
        .collect();
    for name in [
        "DATABASE_URL",
        "JWT_SECRET_KEY",
        "DEBUG",
        "MULTI",
        "MY_TOKEN",
        "CORS_ORIGINS",
    ] {
        assert!(imported.contains(&name), "{name} not in {imported:?}");
    }
    let log = std::fs::read_to_string(c.audit.path()).unwrap();
    for value in [DB_PW, JWT, "tok-abcdef", "line one"] {
        assert!(!log.contains(value), "the audit log holds a value");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_board_compares_secrets_without_revealing_them() {
    let t = console();
    let c = &t.console;
    let mut all = presets();
    let prod = all.remove(2).environment;
    let mut staging = all.remove(0).environment;
    staging.name = "staging".into();
    staging.kind = EnvKind::Staging;
    for env in [staging, prod] {
        c.create_environment(env, ConnectionSecrets::default())
            .await
            .unwrap();
    }
    for (env, debug) in [("staging", "true"), ("production", "true")] {
        c.set_variable(
            env,
            "JWT_SECRET_KEY",
            SecretString::new(JWT),
            None,
            &Confirmation::name(env),
        )
        .await
        .unwrap();
        c.set_variable(
            env,
            "DEBUG",
            SecretString::new(debug),
            None,
            &Confirmation::name(env),
        )
        .await
        .unwrap();
    }
    c.set_variable(
        "production",
        "OPENAI_API_KEY",
        SecretString::new("sk-prod-1234567"),
        None,
        &Confirmation::name("production"),
    )
    .await
    .unwrap();
    c.set_variable(
        "staging",
        "OPENAI_API_KEY",
        SecretString::new("sk-staging-1234567"),
        None,
        &Confirmation::yes(),
    )
    .await
    .unwrap();
    c.set_variable(
        "staging",
        "CORS_ORIGINS",
        SecretString::new("*"),
        None,
        &Confirmation::yes(),
    )
    .await
    .unwrap();

    let board = c.drift(&[]).await.unwrap();
    let row = |n: &str| board.rows.iter().find(|r| r.name == n).unwrap();
    assert_eq!(row("JWT_SECRET_KEY").status, DriftStatus::Equal);
    assert_eq!(
        row("JWT_SECRET_KEY").cells[0].group,
        row("JWT_SECRET_KEY").cells[1].group
    );
    assert_eq!(row("OPENAI_API_KEY").status, DriftStatus::Different);
    assert_eq!(row("CORS_ORIGINS").status, DriftStatus::Missing);
    assert_eq!(row("DEBUG").status, DriftStatus::Equal);
    let json = serde_json::to_string(&board).unwrap();
    for secret in [JWT, "sk-prod-1234567", "sk-staging-1234567"] {
        assert!(!json.contains(secret));
    }
    let warnings: Vec<String> = board
        .warnings
        .iter()
        .map(|w| format!("{}:{}", w.variable, w.message))
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("DEBUG:")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("JWT_SECRET_KEY:") && w.contains("staging")),
        "{warnings:?}"
    );
    assert!(board.warnings.iter().all(|w| w.environment == "production"));
    assert_eq!(board.drifted(), 2);

    // A placeholder JWT secret in production is flagged even though it is compared by hash.
    c.set_variable(
        "production",
        "JWT_SECRET_KEY",
        SecretString::new("change-me-in-production"),
        None,
        &Confirmation::name("production"),
    )
    .await
    .unwrap();
    let board = c.drift(&["production".into()]).await.unwrap();
    assert!(
        board
            .warnings
            .iter()
            .any(|w| w.variable == "JWT_SECRET_KEY" && w.message.contains("placeholder")),
        "{:?}",
        board.warnings
    );
    assert_eq!(
        c.drift(&["nope".into()]).await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_is_tested_with_typed_secrets_and_falls_back_to_the_stored_ones() {
    use afc_core::probe::{ProbeStatus, ProbeTarget};
    let t = console();
    let c = &t.console;
    let mut env = presets().remove(0).environment;
    env.api_url = None;
    env.database.as_mut().unwrap().user = "postgres".into();
    env.database.as_mut().unwrap().database = "test".into();
    // The preset's Redis is the machine's, which has no password: a stored one makes AUTH fail,
    // which shows which secret the test used.
    assert_eq!(env.redis.as_ref().unwrap().port, 6379);
    let stored = ConnectionSecrets {
        redis_password: set("stored-redis-pw"),
        ..Default::default()
    };
    c.create_environment(env.clone(), stored).await.unwrap();
    let status = |test: &afc_core::probe::ConnectionTest, target| {
        test.results
            .iter()
            .find(|r| r.target == target)
            .unwrap()
            .status
    };

    let kept = c
        .test_draft(
            Some("local"),
            &c.environment("local").unwrap(),
            &ConnectionSecrets::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        status(&kept, ProbeTarget::Redis),
        ProbeStatus::Failed,
        "the stored password was used"
    );
    assert_eq!(status(&kept, ProbeTarget::Database), ProbeStatus::Ok);
    assert_eq!(status(&kept, ProbeTarget::Api), ProbeStatus::Skipped);

    let cleared = ConnectionSecrets {
        redis_password: Some(SecretChange::Clear),
        ..Default::default()
    };
    let test = c
        .test_draft(Some("local"), &c.environment("local").unwrap(), &cleared)
        .await
        .unwrap();
    assert_eq!(
        status(&test, ProbeTarget::Redis),
        ProbeStatus::Ok,
        "the draft clears it"
    );

    // A new, unsaved environment: nothing is stored, nothing is written.
    let mut fresh = env.clone();
    fresh.name = "not-saved".into();
    let test = c
        .test_draft(None, &fresh, &ConnectionSecrets::default())
        .await
        .unwrap();
    assert_eq!(status(&test, ProbeTarget::Redis), ProbeStatus::Ok);
    assert_eq!(
        c.environment("not-saved").unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(
        c.test_connection("local", Some(ProbeTarget::Redis))
            .await
            .unwrap()
            .results
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_secret_stays_secret_until_the_operator_makes_it_plain() {
    let t = console();
    let c = &t.console;
    let env = presets().remove(0).environment;
    c.create_environment(env, ConnectionSecrets::default())
        .await
        .unwrap();
    let name = "PARTNER_ENDPOINT_CODE"; // nothing in the name says "secret"
    let yes = Confirmation::yes();
    let set = async |value: &str, secret: Option<bool>| {
        c.set_variable("local", name, SecretString::new(value), secret, &yes)
            .await
    };
    set("code-one-1111", Some(true)).await.unwrap();
    // Set again with no flag (the window's edit dialog), then imported: still only in the keyring.
    set("code-two-2222", None).await.unwrap();
    let text = format!("{name}=code-three-3333\n");
    let preview = c.import_preview("local", &text).await.unwrap();
    assert!(preview.rows[0].secret && preview.rows[0].value.is_none());
    // Comparing with the stored secret (changed or not) is itself recorded.
    let audit = c.audit.read().unwrap();
    assert!(audit.entries.iter().any(|e| e.action == "env-file.preview"));
    c.import("local", &text, "partner.env", &yes).await.unwrap();
    // Asking for plain while setting is refused: that is an explicit, separate step.
    let refused = set("code-four-4444", Some(false)).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    for value in [
        "code-one-1111",
        "code-two-2222",
        "code-three-3333",
        "code-four-4444",
    ] {
        assert!(
            files_containing(t.dir.path(), value, &[]).is_empty(),
            "{value} reached a file"
        );
    }
    let row = |view: &afc_core::secrets::VariablesView| {
        view.rows.iter().find(|r| r.name == name).cloned().unwrap()
    };
    let listed = row(&c.variables("local").await.unwrap());
    assert!(listed.secret && listed.value.is_none(), "{listed:?}");

    // Making it plain needs the confirmation the policy asks for, then moves the value to disk.
    let unconfirmed = c
        .change_variable(
            "local",
            name,
            VariableChange::MakePlain,
            &Confirmation::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(unconfirmed.code, ErrorCode::UnsafeInProduction);
    assert!(files_containing(t.dir.path(), "code-three-3333", &[]).is_empty());
    c.change_variable("local", name, VariableChange::MakePlain, &yes)
        .await
        .unwrap();
    let listed = row(&c.variables("local").await.unwrap());
    assert_eq!(
        (listed.secret, listed.value.as_deref()),
        (false, Some("code-three-3333"))
    );
    assert_eq!(
        c.keyring.get(&account("local", name)).await.unwrap(),
        None,
        "the keyring entry is gone"
    );
    // A catalog secret cannot be made plain.
    c.set_variable(
        "local",
        "JWT_SECRET_KEY",
        SecretString::new(JWT),
        None,
        &yes,
    )
    .await
    .unwrap();
    let catalog = c
        .change_variable("local", "JWT_SECRET_KEY", VariableChange::MakePlain, &yes)
        .await
        .unwrap_err();
    assert_eq!(catalog.code, ErrorCode::InvalidInput);
    assert!(files_containing(t.dir.path(), JWT, &[]).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_password_is_not_sent_to_a_changed_host_unless_the_operator_says_so() {
    let t = console();
    let c = &t.console;
    let mut env = presets().remove(0).environment;
    let (db, _) = parse_database_url("postgresql://postgres@127.0.0.1:5432/test").unwrap();
    env.database = Some(db);
    c.create_environment(
        env.clone(),
        ConnectionSecrets {
            db_password: set(DB_PW),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut moved = c.environment("local").unwrap();
    moved.database.as_mut().unwrap().host = "db.elsewhere.example".into();
    let yes = Confirmation::yes();
    // Neither tested nor saved with the stored password for the new host...
    let tested = c
        .test_draft(Some("local"), &moved, &ConnectionSecrets::default())
        .await
        .unwrap_err();
    assert_eq!(tested.code, ErrorCode::InvalidInput);
    assert!(
        tested.message.contains("db.elsewhere.example"),
        "{}",
        tested.message
    );
    let saved = c
        .update_environment("local", moved.clone(), ConnectionSecrets::default(), &yes)
        .await
        .unwrap_err();
    assert_eq!(saved.code, ErrorCode::InvalidInput);
    assert_eq!(
        c.environment("local").unwrap().database.unwrap().host,
        "127.0.0.1"
    );
    // ...unless the operator says to send it there (or types a new one).
    let keep = ConnectionSecrets {
        db_password: Some(SecretChange::Keep),
        ..Default::default()
    };
    c.update_environment("local", moved, keep, &yes)
        .await
        .unwrap();
    assert_eq!(db_password(c, "local").await.as_deref(), Some(DB_PW));
    // The database name is not a destination: changing it keeps the password without asking.
    let mut renamed_db = c.environment("local").unwrap();
    renamed_db.database.as_mut().unwrap().database = "other".into();
    c.update_environment("local", renamed_db, ConnectionSecrets::default(), &yes)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_to_secrets_and_profiles_goes_through_the_write_policy() {
    let t = console();
    let c = &t.console;
    let bare = |name: &str, safety: SafetyLevel| {
        let mut env = presets().remove(0).environment;
        (env.name, env.safety) = (name.to_owned(), safety);
        (env.api_url, env.database, env.redis) = (None, None, None);
        env
    };
    for (name, safety) in [
        ("open", SafetyLevel::Open),
        ("vault", SafetyLevel::Protected),
        ("replica", SafetyLevel::ReadOnly),
    ] {
        c.create_environment(bare(name, safety), ConnectionSecrets::default())
            .await
            .unwrap();
    }
    let (yes, none) = (Confirmation::yes(), Confirmation::default());
    let refused = |r: afc_core::Result<()>| {
        assert_eq!(r.unwrap_err().code, ErrorCode::UnsafeInProduction);
    };
    let set = async |env: &str, answer: &Confirmation| {
        c.set_variable(env, "DEBUG", SecretString::new("true"), None, answer)
            .await
            .map(|_| ())
    };
    let import = async |env: &str, answer: &Confirmation| {
        c.import(env, "DEBUG=false\n", "x.env", answer)
            .await
            .map(|_| ())
    };
    let remove = async |env: &str, answer: &Confirmation| {
        c.change_variable(env, "DEBUG", VariableChange::Remove, answer)
            .await
    };
    // Read-only: no change to its secrets at all, whatever the answer.
    refused(set("replica", &yes).await);
    refused(import("replica", &yes).await);
    refused(remove("replica", &Confirmation::name("replica")).await);
    // Protected: every change needs the name typed.
    refused(set("vault", &yes).await);
    set("vault", &Confirmation::name("vault")).await.unwrap();
    refused(remove("vault", &yes).await);
    remove("vault", &Confirmation::name("vault")).await.unwrap();
    // Open: a set is allowed; an import, a removal and deleting the environment are confirmed.
    set("open", &none).await.unwrap();
    refused(import("open", &none).await);
    refused(remove("open", &none).await);
    refused(c.delete_environment("open", &none).await);
    c.delete_environment("open", &yes).await.unwrap();
    // Each refusal is in the audit log.
    let audit = c.audit.read().unwrap();
    let refusals = audit
        .entries
        .iter()
        .filter(|e| e.outcome == afc_core::audit::Outcome::Failed)
        .count();
    assert_eq!(refusals, 8, "{:#?}", audit.entries);
}
