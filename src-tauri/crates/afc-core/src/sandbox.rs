//! The local sandbox: an environment on this machine's PostgreSQL and Redis, so a new user sees
//! the console do real work without a deployment at hand. Up creates database
//! `agent_factory_sandbox` (when missing), applies the migrations, seeds the demo data and saves
//! environment local-sandbox (dev, open) as the current one; down drops that database and
//! removes the environment, and nothing else. No API runs there: the status says so, and how to
//! point the environment at one.

use serde::Serialize;
use ts_rs::TS;

use crate::audit::{AuditAction, Event};
use crate::db::{Database, ident, parse_database_url};
use crate::demo::{DemoTarget, data};
use crate::environments::{
    ConnectionSecrets, EnvKind, Environment, RedisConnection, SafetyLevel, SecretChange,
};
use crate::guard::{self, Confirmation, Scope};
use crate::migrate::{self, MigrationRun, MigrationSet};
use crate::progress::{Cancel, Progress};
use crate::{AppError, Console, ErrorCode, Result};

pub const SANDBOX_ENV: &str = "local-sandbox";
pub const SANDBOX_DB: &str = "agent_factory_sandbox";
/// The machine's server as a fresh install has it (the `postgres` role over TCP).
pub const DEFAULT_SERVER: &str = "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable";
const REDIS_PORT: u16 = 6379;

/// Where the sandbox goes: a server (a database that exists there, such as `postgres`, as a role
/// that may create databases) and the name of the sandbox's database on it.
#[derive(Debug, Clone)]
pub struct SandboxTarget {
    pub server_url: String,
    pub database: String,
}

impl Default for SandboxTarget {
    fn default() -> Self {
        Self {
            server_url: DEFAULT_SERVER.to_owned(),
            database: SANDBOX_DB.to_owned(),
        }
    }
}

impl SandboxTarget {
    /// The default, or what `AFC_SANDBOX_SERVER` and `AFC_SANDBOX_DATABASE` say (a server that is
    /// not the machine's own, or a test's own database name).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let default = Self::default();
        Self {
            server_url: var("AFC_SANDBOX_SERVER").unwrap_or(default.server_url),
            database: var("AFC_SANDBOX_DATABASE").unwrap_or(default.database),
        }
    }
}

/// What the sandbox has, part by part.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct SandboxStatus {
    /// Environment local-sandbox is saved.
    pub environment: bool,
    /// The sandbox's database exists on the server.
    pub database: bool,
    pub pending_migrations: Option<u32>,
    /// Demo rows present.
    pub demo_rows: Option<u64>,
    /// Why a part could not be read (the server is not running, say) and what to install.
    pub problem: Option<String>,
    /// There is no API: how to point the environment at one.
    pub api: String,
}

fn no_api(database: &str) -> String {
    format!(
        "No Agent Factory API runs in the sandbox. Start the platform's API against database \
         {database} and set its URL: afctl env set {SANDBOX_ENV} --api-url http://127.0.0.1:8000 \
         (or in the environment's editor)."
    )
}

/// Why the machine's PostgreSQL could not be used, with what to do.
fn server_problem(e: &AppError) -> String {
    format!(
        "{} — the sandbox needs PostgreSQL on this machine (Debian/Ubuntu: apt-get install postgresql; \
         ./scripts/run.sh installs and starts it when run as root) and Redis (apt-get install redis-server).",
        e.message
    )
}

impl Console {
    /// Creates (or completes) the sandbox at `t`; `say` hears each step.
    pub async fn sandbox_up(&self, t: &SandboxTarget, say: impl Fn(&str)) -> Result<SandboxStatus> {
        let server = Database::from_url(&t.server_url)?;
        let scope = Scope::url(&server.label);
        let event = Event::new(AuditAction::SandboxUp, Some(SANDBOX_ENV)).target(&server.label);
        // The operator asked for the sandbox: the new database and its environment are its own,
        // so the policy's question (a write on an open target) is answered by the request.
        let result = guard::guarded(
            &self.audit,
            event,
            "create the local sandbox",
            &scope,
            &Confirmation::yes(),
            async |permit| {
                let mut conn = server.write(&permit, "sandbox").await?;
                let exists = database_exists(&mut conn, &t.database).await?;
                if exists {
                    say(&format!(
                        "Database {} exists on {}",
                        t.database, server.label
                    ));
                } else {
                    say(&format!(
                        "Creating database {} on {}",
                        t.database, server.label
                    ));
                    let sql = format!("CREATE DATABASE {}", ident(&t.database));
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| crate::db::query_error("creating the sandbox database", &e))?;
                }
                Ok(())
            },
            |_| None,
        )
        .await;
        if let Err(e) = &result
            && e.code == ErrorCode::Unreachable
        {
            return Err(AppError::new(ErrorCode::Unreachable, server_problem(e)));
        }
        result?;
        // Migrated and seeded before the environment is saved: an environment appears only for a
        // sandbox that is ready.
        let (conn, password) = parse_database_url(&t.server_url)?;
        let db = std::sync::Arc::new(Database::new(
            crate::db::DbConnection {
                database: t.database.clone(),
                ..conn
            },
            password,
            None,
            SafetyLevel::Open,
        ));
        let set = MigrationSet::embedded();
        let yes = Confirmation::yes();
        let permit = guard::authorize(
            AuditAction::MigrationApply,
            "apply the migrations",
            &db.scope(),
            &yes,
        )?;
        let applied = migrate::apply(
            &MigrationRun::new(&db, &set, &Progress::none(), &Cancel::default()),
            &permit,
        )
        .await?;
        say(&format!("Applied {} migration(s)", applied.applied.len()));
        let target = DemoTarget {
            db,
            production: false,
        };
        let seeded = self.demo_seed(&target, &yes).await?;
        say(&seeded.message);
        say(&format!("Saving environment {SANDBOX_ENV}"));
        self.save_sandbox_environment(t).await?;
        self.set_current_environment(SANDBOX_ENV)?;
        self.sandbox_status(t).await
    }

    async fn save_sandbox_environment(&self, t: &SandboxTarget) -> Result<()> {
        let (mut conn, password) = parse_database_url(&t.server_url)?;
        conn.database = t.database.clone();
        let mut env = Environment::new(SANDBOX_ENV, EnvKind::Dev);
        env.safety = SafetyLevel::Open;
        env.database = Some(conn);
        env.redis = Some(RedisConnection {
            host: "127.0.0.1".into(),
            port: REDIS_PORT,
            db: 0,
            username: None,
            tls: false,
            has_password: false,
        });
        if self.environment(SANDBOX_ENV).is_ok() {
            return Ok(());
        }
        let secrets = ConnectionSecrets {
            db_password: password.map(|value| SecretChange::Set { value }),
            ..ConnectionSecrets::default()
        };
        self.create_environment(env, secrets).await.map(drop)
    }

    /// What the sandbox at `t` has now.
    pub async fn sandbox_status(&self, t: &SandboxTarget) -> Result<SandboxStatus> {
        let mut status = SandboxStatus {
            environment: self.environment(SANDBOX_ENV).is_ok(),
            database: false,
            pending_migrations: None,
            demo_rows: None,
            problem: None,
            api: no_api(&t.database),
        };
        let server = Database::from_url(&t.server_url)?;
        let exists = async { database_exists(&mut *server.read().await?, &t.database).await }.await;
        match exists {
            Ok(exists) => status.database = exists,
            Err(e) => {
                status.problem = Some(server_problem(&e));
                return Ok(status);
            }
        }
        if status.environment && status.database {
            let db = self.database(SANDBOX_ENV).await?;
            let migrations = migrate::status(&db, &MigrationSet::embedded()).await?;
            status.pending_migrations = Some(migrations.pending);
            status.demo_rows = data::count(&db).await.ok().map(|r| r.total);
        }
        Ok(status)
    }

    /// Drops the sandbox's database (and only it) and removes the environment; destructive, so it
    /// needs the operator's answer.
    pub async fn sandbox_down(&self, t: &SandboxTarget, answer: &Confirmation) -> Result<()> {
        let server = Database::from_url(&t.server_url)?;
        let event = Event::new(AuditAction::SandboxDown, Some(SANDBOX_ENV)).target(&server.label);
        let what = format!(
            "drop database {} and remove environment \"{SANDBOX_ENV}\"",
            t.database
        );
        guard::guarded(
            &self.audit,
            event,
            &what,
            &Scope::url(&server.label),
            answer,
            async |permit| {
                let mut conn = server.write(&permit, "sandbox").await?;
                let sql = format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    ident(&t.database)
                );
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| crate::db::query_error("dropping the sandbox database", &e))?;
                Ok(())
            },
            |_| None,
        )
        .await?;
        if self.environment(SANDBOX_ENV).is_ok() {
            // The environment is the sandbox's own and open: removing it is part of what was confirmed.
            self.delete_environment(SANDBOX_ENV, &Confirmation::yes())
                .await?;
        }
        Ok(())
    }
}

/// One step of bringing the sandbox up, as a job's event in the window.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SandboxStep(pub String);

impl crate::jobs::JobEventSource for SandboxStep {
    fn line(&self) -> String {
        self.0.clone()
    }
}

async fn database_exists(conn: &mut sqlx::PgConnection, name: &str) -> Result<bool> {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(conn)
        .await
        .map_err(|e| crate::db::query_error("looking for the sandbox database", &e))
}
