//! A database of its own for each test, on the machine's PostgreSQL (127.0.0.1:5432, trust auth),
//! dropped when the test ends. Driven through `psql`, so set-up and clean-up need no runtime.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub const HOST: &str = "127.0.0.1";
pub const PORT: u16 = 5432;
pub const USER: &str = "postgres";
/// A role that must give its password (scripts/lib.sh `ensure_password_role` creates it and
/// puts scram-sha-256 before the server's trust rules): tests of which password the console
/// sent connect as this role.
pub const PASSWORD_ROLE: &str = "afc_pw";
pub const PASSWORD_ROLE_SECRET: &str = "afc-pw-R1ght-2026";

/// A URL for [`PASSWORD_ROLE`] with `password` (the right one or not), to database `postgres`.
pub fn password_role_url(password: &str) -> String {
    format!("postgresql://{PASSWORD_ROLE}:{password}@{HOST}:{PORT}/postgres?sslmode=disable")
}

pub struct TestDb {
    pub name: String,
}

/// psql on `database` of the machine's server, quiet and unaligned.
fn psql_command(database: &str) -> Command {
    let mut command = Command::new("psql");
    command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-h", HOST, "-p"]);
    command.args([&PORT.to_string(), "-U", USER, "-d", database]);
    command
}

/// psql's output, or its error message when the SQL failed.
fn try_psql(database: &str, args: &[&str]) -> Result<String, String> {
    let out = psql_command(database)
        .args(args)
        .output()
        .expect("psql runs (the postgresql client is installed)");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// Runs SQL on scratch database `database` (the fixture API's own writes): the server's message if
/// it failed.
pub fn try_sql_on(database: &str, sql: &str) -> Result<String, String> {
    try_psql(database, &["-c", sql])
}

fn psql(database: &str, args: &[&str]) -> String {
    try_psql(database, args).unwrap_or_else(|e| panic!("psql {args:?} on {database} failed: {e}"))
}

impl TestDb {
    pub fn create() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "afc_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        psql(
            "postgres",
            &[
                "-c",
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ],
        );
        psql("postgres", &["-c", &format!("CREATE DATABASE {name}")]);
        Self { name }
    }

    pub fn url(&self) -> String {
        format!(
            "postgresql://{USER}@{HOST}:{PORT}/{}?sslmode=disable",
            self.name
        )
    }

    /// Runs SQL and returns psql's unaligned output (rows on lines, columns split by `|`).
    pub fn sql(&self, sql: &str) -> String {
        psql(&self.name, &["-c", sql])
    }

    /// Runs SQL that may fail (a test of what the server refuses): the server's message if it did.
    pub fn try_sql(&self, sql: &str) -> Result<String, String> {
        try_psql(&self.name, &["-c", sql])
    }

    pub fn load(&self, file: &Path) {
        psql(&self.name, &["-f", &file.display().to_string()]);
    }

    /// Supabase's `auth.uid()` and `auth.role()` (reading the JWT claims from settings, as
    /// Supabase does), the `service_role` role, and the `authenticated` role with Supabase's
    /// default grants on what this database's `public` will hold, so row-level security applies
    /// and can be exercised on plain PostgreSQL.
    pub fn add_supabase_auth(&self) {
        self.sql(
            "CREATE SCHEMA auth; \
             CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS \
             $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$; \
             CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS \
             $$ SELECT nullif(current_setting('request.jwt.claim.role', true), '') $$; \
             DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') \
             THEN CREATE ROLE service_role NOLOGIN; END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; \
             DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') \
             THEN CREATE ROLE authenticated NOLOGIN; END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; \
             GRANT USAGE ON SCHEMA public, auth TO authenticated; \
             ALTER DEFAULT PRIVILEGES IN SCHEMA public \
               GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated;",
        );
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args(["-X", "-q", "-h", HOST, "-U", USER, "-d", "postgres", "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}

/// The legacy database dumps of the platform's spec (`tests/fixtures/legacy-db/`).
pub fn legacy_dump(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/legacy-db")
        .join(name)
}

impl TestDb {
    /// A psql session of its own on this database, reading SQL from its stdin: another client,
    /// to hold a lock or a transaction open while a test works.
    pub fn session(&self) -> std::process::Child {
        psql_command(&self.name)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("psql runs (the postgresql client is installed)")
    }

    /// Waits (up to 30 s) until `condition` (a boolean SQL expression) holds on this database.
    pub fn wait_until(&self, condition: &str) {
        let sql = format!("SELECT {condition}");
        let start = std::time::Instant::now();
        while self.sql(&sql) != "t" {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "waited 30 s in vain for: {condition}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Waits (up to 30 s) until some session holds the advisory lock `key`.
    pub fn wait_advisory_lock(&self, key: i64) {
        let sql = format!(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND classid = 0 AND objid::bigint = {key} AND objsubid = 1"
        );
        let start = std::time::Instant::now();
        while self.sql(&sql) == "0" {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "no session took the advisory lock {key}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}
