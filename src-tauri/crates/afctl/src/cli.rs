use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "afctl",
    version,
    about = "Agent Factory Console on the command line",
    long_about = "Agent Factory Console on the command line: the same operations as the desktop console, for terminals and CI pipelines.",
    after_help = "Exit codes: 0 ok, 1 the operation found a problem, 2 it could not run (bad arguments, unreadable configuration, unreachable service).\nSet AFC_LOG (e.g. AFC_LOG=debug) to see diagnostic logs on stderr."
)]
pub struct Cli {
    /// Print machine-readable JSON on stdout instead of text (errors too, as {"error": {...}}).
    #[arg(long, global = true)]
    pub json: bool,

    /// The console's configuration folder, shared with the desktop app.
    #[arg(long, global = true, value_name = "DIR", env = afc_core::paths::CONFIG_DIR_ENV)]
    pub config_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version, build, platform, where the console keeps its files, and the saved preferences.
    Info,
    /// Write a diagnostics bundle (a zip to attach to a bug report): versions, the last days of
    /// logs, settings and environments without any secret, the audit log and the health history.
    Diagnostics {
        /// The zip to write (replaced if it exists).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Environment profiles: list, show, add, remove, switch, and test their connections.
    #[command(subcommand)]
    Env(EnvCommand),
    /// The platform's variables of an environment: secrets in the OS keyring, the rest in settings.
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// What is really up: the API's probes reconciled with the console's own database and Redis
    /// checks. Exit 0 healthy, 1 degraded or down.
    Health(HealthArgs),
    /// Traffic, error ratio, latency percentiles, top endpoints and the API process's memory and
    /// CPU, from the API's /metrics or from saved expositions.
    Metrics(MetricsArgs),
    /// Database migrations: status, plan (dry run), apply, validate, and adopt a legacy database.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// The platform's agents: the API's registry and the database's agents table side by side;
    /// create, delete and run through the API.
    #[command(subcommand)]
    Agents(AgentsCommand),
    /// Smoke checks after a deploy: the platform's probes, agents route, metrics, CORS, response
    /// time, rate-limit headroom, and direct database and Redis checks, run concurrently.
    #[command(subcommand)]
    Smoke(SmokeCommand),
    /// The platform's demo: seed, reset and count its data; the pre-demo checklist; rehearse a
    /// demo script unattended (for the night before, and for CI).
    #[command(subcommand)]
    Demo(DemoCommand),
    /// A sandbox on this machine's PostgreSQL and Redis: a database with the migrations applied
    /// and the demo data seeded, and environment local-sandbox to try the console on.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// The database: its tables and their detail, rows by keyset, SQL (read-only unless
    /// --write), live activity, cancel and terminate, and an advisor.
    #[command(subcommand)]
    Db(DbCommand),
    /// Print a shell completion script (the packages install those for bash, zsh and fish).
    /// For example: afctl completions bash > ~/.local/share/bash-completion/completions/afctl
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages, afctl.1 and one per subcommand (afctl-db-query.1, …), into DIR.
    /// The packages are built with it.
    #[command(hide = true)]
    Manuals {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Every table and view: row estimate, size, RLS (exposed schemas without RLS flagged).
    Tables {
        #[command(flatten)]
        target: DatabaseArg,
        /// Only this schema.
        #[arg(long, value_name = "NAME")]
        schema: Option<String>,
    },
    /// A table's columns, keys, indexes, foreign keys both ways, triggers, RLS policies and DDL.
    Describe {
        #[command(flatten)]
        target: DatabaseArg,
        /// table or schema.table (quote names as in SQL).
        #[arg(value_name = "TABLE")]
        table: String,
        /// Print only the DDL.
        #[arg(long)]
        ddl: bool,
    },
    /// A page of rows by keyset on the primary key; the next page starts --after the key it
    /// prints. Secret-looking columns are masked unless --reveal.
    Rows {
        #[command(flatten)]
        target: DatabaseArg,
        #[arg(value_name = "TABLE")]
        table: String,
        /// A condition: COL=V, COL!=V, COL<V, COL<=V, COL>V, COL>=V, COL~V (contains),
        /// COL^V (starts with), "COL is null", "COL is not null". Repeat for AND.
        #[arg(long = "where", value_name = "COND")]
        filters: Vec<String>,
        /// Rows matching any --where (OR) instead of all.
        #[arg(long)]
        any: bool,
        /// Sort on this column (the key breaks ties).
        #[arg(long, value_name = "COL")]
        sort: Option<String>,
        #[arg(long)]
        desc: bool,
        /// Where the page starts, as the previous page printed it (a JSON array).
        #[arg(long, value_name = "KEY")]
        after: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Show the values of secret-looking columns.
        #[arg(long)]
        reveal: bool,
        /// CSV on stdout.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Run SQL (each statement in turn), read-only unless --write. Exit 1 when a statement fails.
    Query {
        #[command(flatten)]
        target: DatabaseArg,
        /// The SQL (or --file).
        #[arg(value_name = "SQL", required_unless_present = "file")]
        sql: Option<String>,
        #[arg(long, value_name = "FILE", conflicts_with = "sql")]
        file: Option<PathBuf>,
        /// Allow writes: refused on read-only environments, --confirm NAME on protected ones;
        /// statements that destroy data need --yes (or the name) too.
        #[arg(long)]
        write: bool,
        #[command(flatten)]
        confirm: ConfirmArgs,
        /// Stop a statement after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
        /// CSV on stdout (the last statement's rows).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// The server's sessions: who, from where, what they run, for how long, who blocks them;
    /// and the locks on tables.
    Activity {
        #[command(flatten)]
        target: DatabaseArg,
    },
    /// Cancel the statement a server process is running.
    Cancel {
        #[command(flatten)]
        target: DatabaseArg,
        pid: i32,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// End a server process's session (its open transaction is rolled back).
    Terminate {
        #[command(flatten)]
        target: DatabaseArg,
        pid: i32,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Size, cache hit ratio, connections, largest tables, and findings with the SQL that fixes
    /// each. Exit 1 when there are findings.
    Advise {
        #[command(flatten)]
        target: DatabaseArg,
    },
}

/// Where the sandbox goes.
#[derive(Debug, Args)]
pub struct SandboxServer {
    /// The PostgreSQL server, as a URL to a database that exists there, for a role that may
    /// create databases.
    #[arg(long, value_name = "URL", default_value = afc_core::sandbox::DEFAULT_SERVER)]
    pub server_url: String,
    /// The sandbox's database on it.
    #[arg(long, value_name = "NAME", default_value = afc_core::sandbox::SANDBOX_DB)]
    pub database: String,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Create the database (when missing), apply the migrations, seed the demo data, and save
    /// environment local-sandbox as the current one. Running it again completes what is missing.
    Up {
        #[command(flatten)]
        server: SandboxServer,
    },
    /// What the sandbox has. Exit 0 when it is complete, 1 when a part is missing.
    Status {
        #[command(flatten)]
        server: SandboxServer,
    },
    /// Drop the sandbox's database (only it) and remove its environment.
    Down {
        #[command(flatten)]
        server: SandboxServer,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// The demo rows per table. Exit 0 when the demo data is seeded, 1 when it is not.
    Status {
        #[command(flatten)]
        target: DatabaseArg,
    },
    /// Seed the demo data in one transaction (a no-op that says so when the demo-org tenant
    /// exists). Refused on production and read-only environments (exit 1).
    Seed {
        #[command(flatten)]
        target: DatabaseArg,
        /// Show the rows it would write, and anything in the way, without writing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Remove the demo data and every row that references the demo tenant, in foreign-key order,
    /// and nothing else. Refused on production and read-only environments (exit 1).
    Reset {
        #[command(flatten)]
        target: DatabaseArg,
        /// Count what it would remove, without removing it.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// The pre-demo checklist, each item checked live. Exit 1 when an item fails.
    Checklist {
        #[command(flatten)]
        env: EnvArg,
        /// A shipped script (quick, extended) or a script file.
        #[arg(long, value_name = "FILE", default_value = "quick")]
        script: String,
    },
    /// Run a demo script unattended: every step and its check, with a simulated clock, then
    /// remove what it created. Exit 0 when every step passed (or showed its error path), 1 when
    /// one failed.
    Rehearse {
        #[command(flatten)]
        env: EnvArg,
        /// A shipped script (quick, extended) or a script file.
        #[arg(long, value_name = "FILE", default_value = "quick")]
        script: String,
        /// Also write the report as JUnit XML (for CI) to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write the report as Markdown to FILE.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum SmokeCommand {
    /// Run the suite. Exit 0 when every critical check passed, 1 when one failed (or, with
    /// --fail-on warn, any check), 2 when the suite could not run. A flow's `{{secret.NAME}}`
    /// is read from the environment variable AFC_SECRET_<NAME> when set (CI), else from the
    /// environment's keyring.
    Run {
        #[command(flatten)]
        env: Target,
        /// Flow files, or folders of them, to run besides the built-in checks and the shipped
        /// flows (repeatable).
        #[arg(long, value_name = "PATH")]
        suite: Vec<PathBuf>,
        /// Only checks whose id matches (repeatable; `*` matches anything: `--only 'health*'`;
        /// a flow's id is `flow:` and its file name: `--skip 'flow:*'`).
        #[arg(long, value_name = "PATTERN")]
        only: Vec<String>,
        /// Leave out checks whose id matches (repeatable).
        #[arg(long, value_name = "PATTERN")]
        skip: Vec<String>,
        /// Also write the run as JUnit XML (for CI) to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write the run as Markdown (for a deploy ticket) to FILE.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
        /// `warn`: a non-critical failure fails the run too (exit 1).
        #[arg(long, value_enum, default_value = "critical")]
        fail_on: FailOn,
        /// Checks run at once.
        #[arg(long, default_value_t = 8, value_name = "N")]
        concurrency: u32,
        /// The response-time check's threshold for /health.
        #[arg(long, default_value_t = 5000, value_name = "MS")]
        slow_ms: u32,
        /// The headroom check fails with fewer requests than this left this minute.
        #[arg(long, default_value_t = 10, value_name = "N")]
        min_headroom: u32,
        /// When the run's requests do not fit the API's rate limit this minute, wait for its
        /// window instead of refusing to start.
        #[arg(long)]
        pace: bool,
    },
    /// The runs kept for the environment, newest first.
    History {
        #[command(flatten)]
        env: EnvArg,
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
    },
    /// A kept run (its id, or `latest`) as JSON, JUnit XML or Markdown, on stdout.
    Export {
        #[arg(value_name = "RUN", default_value = "latest")]
        run: String,
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
        #[command(flatten)]
        env: EnvArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    Warn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Json,
    Junit,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// Every agent of the environment, with where it lives (api, database, both) and, for one in
    /// both, the fields that differ. Exit 1 when a side could not be read.
    List {
        #[command(flatten)]
        env: Target,
    },
    /// One agent, from both sides.
    Show {
        id: String,
        #[command(flatten)]
        env: Target,
    },
    /// Create an agent in the API's registry. The API replaces an agent with the same id
    /// without a word: afctl shows what would change and asks (--yes) first.
    Create {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// The instructions as text.
        #[arg(
            long,
            conflicts_with = "instructions_file",
            required_unless_present = "instructions_file"
        )]
        instructions: Option<String>,
        /// The instructions from a file (- for stdin).
        #[arg(long, value_name = "FILE")]
        instructions_file: Option<PathBuf>,
        /// The model (the platform's default: gpt-4o).
        #[arg(long, default_value = afc_core::agents::DEFAULT_MODEL)]
        model: String,
        #[command(flatten)]
        env: Target,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Change an agent in the API's registry: the fields given replace the current ones (the
    /// rest are kept); shows what changes first. Exit 1 when there is no such agent.
    Update {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, conflicts_with = "instructions_file")]
        instructions: Option<String>,
        /// The instructions from a file (- for stdin).
        #[arg(long, value_name = "FILE")]
        instructions_file: Option<PathBuf>,
        #[arg(long)]
        model: Option<String>,
        #[command(flatten)]
        env: Target,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Write the API's agents to DIR, one file per agent (keys in a stable order, for git).
    Export {
        #[arg(value_name = "DIR")]
        folder: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: AgentFormat,
        /// Only these agents (repeatable).
        #[arg(long = "only", value_name = "ID")]
        only: Vec<String>,
        #[command(flatten)]
        env: Target,
    },
    /// Import agents from a file (one agent or a list) or a folder of .json/.yaml files: shows
    /// each as new, replaced (with the fields that change), unchanged or invalid (file and line),
    /// then saves the new and replaced ones. Exit 1 when any is invalid or a save failed.
    Import {
        #[arg(value_name = "PATH")]
        path: PathBuf,
        #[command(flatten)]
        bulk: BulkArgs,
        #[command(flatten)]
        env: Target,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Compare the API's agents of --env with those of --with: present in both and equal,
    /// different (the fields), missing from --with, only in --with. Exit 1 when they differ.
    Diff {
        #[arg(long = "with", value_name = "NAME")]
        other: String,
        #[command(flatten)]
        env: Target,
    },
    /// Copy the API's agents of --env (the source) to --to: those missing there or different,
    /// after showing the plan.
    Promote {
        #[arg(long, value_name = "NAME")]
        to: String,
        /// Only these agents (repeatable).
        #[arg(long = "only", value_name = "ID")]
        only: Vec<String>,
        #[command(flatten)]
        bulk: BulkArgs,
        #[command(flatten)]
        env: Target,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Delete an agent from the API's registry.
    Delete {
        id: String,
        #[command(flatten)]
        env: Target,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Write agents to the other side: `--to table` (the API's agents into the agents table, in
    /// one transaction; a new row takes --tenant and --creator) or `--to api` (the table's rows
    /// into the API's registry, as a plan that keeps to the rate limit). Shows exactly what it
    /// writes first; --dry-run stops there.
    Reconcile {
        #[arg(value_name = "ID", required = true)]
        ids: Vec<String>,
        #[arg(long, value_enum)]
        to: Side,
        #[arg(long, value_name = "TENANT_ID")]
        tenant: Option<String>,
        #[arg(long, value_name = "USER_ID")]
        creator: Option<String>,
        #[command(flatten)]
        bulk: BulkArgs,
        #[command(flatten)]
        env: Target,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// The runs kept on this machine (of one agent, if given), newest first.
    History {
        id: Option<String>,
        /// Only runs whose input, output or error contains this (any case).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        env: Target,
    },
    /// Run an agent: exit 0 when it completed, 1 when its status is error (the reason shown).
    Run {
        id: String,
        /// The input text.
        #[arg(
            long,
            conflicts_with = "input_file",
            required_unless_present = "input_file"
        )]
        input: Option<String>,
        /// The input from a file (- for stdin).
        #[arg(long, value_name = "FILE")]
        input_file: Option<PathBuf>,
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// Stop waiting after this many seconds (the platform may still finish the run).
        #[arg(long, value_name = "SECONDS", default_value_t = 120)]
        timeout: u64,
        /// A JSON object passed as the run's context.
        #[arg(long, value_name = "JSON")]
        context: Option<String>,
        #[command(flatten)]
        env: Target,
    },
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    #[command(flatten)]
    pub source: ApiSource,
    /// Check again every --interval seconds until stopped (or --count rounds).
    #[arg(long)]
    pub watch: bool,
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub interval: u64,
    /// With --watch: stop after this many rounds.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    #[command(flatten)]
    pub source: ApiSource,
    /// A saved exposition instead of the API; give it twice (older first) for rates.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["env", "api_url"])]
    pub file: Vec<PathBuf>,
    /// Seconds between two scrapes of the API (0: one scrape, totals since the API started),
    /// or between the two --file expositions.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub interval: u64,
    /// How many endpoints to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Rank endpoints by requests, p95 latency or 5xx errors.
    #[arg(long, value_enum, default_value_t = Rank::Traffic)]
    pub sort: Rank,
}

/// How the operator confirms a change the write policy asks about (see `docs/security.md`).
#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// Do not ask for a yes (required when not on a terminal).
    #[arg(long)]
    pub yes: bool,
    /// For a protected (or read-only, for its own profile) environment: its name, typed to
    /// confirm.
    #[arg(long, value_name = "ENVNAME")]
    pub confirm: Option<String>,
}

/// Which API: an environment's, or one given by URL.
#[derive(Debug, Args)]
pub struct ApiSource {
    /// An environment (defaults to the current one).
    #[arg(long = "env", value_name = "NAME", conflicts_with = "api_url")]
    pub env: Option<String>,
    /// An API base URL, e.g. http://127.0.0.1:8000 (the API only; no database or Redis checks).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
}

/// Which database: an environment's, or one given by URL (`afctl migrate`, `afctl demo`).
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// An environment (its password comes from the keyring). Defaults to the current one.
    #[arg(long = "env", value_name = "NAME", conflicts_with = "database_url")]
    pub env: Option<String>,
    /// A postgresql:// URL instead of an environment (or set DATABASE_URL).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Which database, and which migrations.
#[derive(Debug, Args)]
pub struct MigrateTarget {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// Read migrations from this folder instead of those built into afctl.
    #[arg(long, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
}

/// What `apply` and `adopt` need to change a database.
#[derive(Debug, Args)]
pub struct MigrateWrite {
    #[command(flatten)]
    pub confirm: ConfirmArgs,
    /// Wait up to this many seconds for another migration's lock (default: report it at once).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub lock_wait: u64,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Each migration: applied, pending, modified, missing or dirty. Exit 1 unless up to date.
    Status {
        #[command(flatten)]
        target: MigrateTarget,
    },
    /// The SQL that apply would run, statement by statement, with lint and the lock holder.
    /// Exit 1 when apply would refuse or the lint finds an error.
    Plan {
        #[command(flatten)]
        target: MigrateTarget,
    },
    /// Apply every pending migration under the migration lock. Exit 1 when one fails.
    Apply {
        #[command(flatten)]
        target: MigrateTarget,
        #[command(flatten)]
        write: MigrateWrite,
    },
    /// Revert applied migrations newer than VERSION with their down files, newest first.
    /// Refused (nothing changes) when one of them cannot be reversed. Exit 1 when one fails.
    Revert {
        #[command(flatten)]
        target: MigrateTarget,
        #[command(flatten)]
        write: MigrateWrite,
        /// Keep migrations up to and including this version (0: revert everything reversible).
        #[arg(long, value_name = "VERSION")]
        to: u32,
    },
    /// Compare the database with the canonical schema. Exit 1 on any error or warning.
    Validate {
        #[command(flatten)]
        target: MigrateTarget,
        /// Also write the report as Markdown to this file.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
    },
    /// Take over a database built by Alembic or by the API: show the repair, then run it and
    /// record the baseline. Exit 1 when existing rows stop it.
    Adopt {
        #[command(flatten)]
        target: MigrateTarget,
        #[command(flatten)]
        write: MigrateWrite,
        /// Show the differences and the repair SQL only.
        #[arg(long)]
        dry_run: bool,
        /// Fill NULLs in columns the repair makes NOT NULL: alone, with the proposed values
        /// (`{}` for workflows.definition, `0.0.0` for blueprints.version, `unnamed` for
        /// api_keys.name); as TABLE.COLUMN=VALUE, with that value. Repeatable.
        #[arg(long, value_name = "TABLE.COLUMN=VALUE", num_args = 0..=1, default_missing_value = "")]
        backfill: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Dev,
    Staging,
    Production,
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Rank {
    Traffic,
    Latency,
    Errors,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Safety {
    Open,
    Protected,
    ReadOnly,
}

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// List the environments (the current one is marked).
    List,
    /// Show one environment's settings (never its secrets).
    Show { name: String },
    /// Add an environment. Passwords in --db-url or --redis-url go to the keyring, not the settings.
    Add {
        name: String,
        #[arg(long, value_enum)]
        kind: Kind,
        #[command(flatten)]
        options: EnvOptions,
    },
    /// Change an environment: only the options given change. A password in --db-url or
    /// --redis-url replaces the stored one; a URL without one keeps it.
    Set {
        name: String,
        #[arg(long, value_enum)]
        kind: Option<Kind>,
        /// Rename it (its secrets move with it).
        #[arg(long, value_name = "NEW_NAME")]
        rename: Option<String>,
        #[command(flatten)]
        options: EnvOptions,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Remove an environment and every secret it keeps in the keyring.
    Remove {
        name: String,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Make an environment the current one (shared with the desktop app).
    Use { name: String },
    /// Test the API, database and Redis connections. Exit 1 if any fails.
    Test { name: String },
    /// Store a connection credential in the keyring; the value is read from stdin (never from the
    /// command line), or removed with --clear.
    Credential {
        name: String,
        #[arg(value_enum)]
        which: Credential,
        /// Remove the stored credential instead.
        #[arg(long)]
        clear: bool,
        /// With api-password: the login's email address.
        #[arg(long, required_if_eq("which", "api-password"))]
        email: Option<String>,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
}

/// Which environment a command works on: a saved one, or one given by URL for this run.
#[derive(Debug, Args)]
pub struct Target {
    /// A saved environment (defaults to the current one).
    #[arg(long = "env", value_name = "NAME", conflicts_with_all = ["api_url", "database_url"])]
    pub env: Option<String>,
    /// The API by URL instead of an environment (no credentials; open, like --database-url).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// The database by URL instead of an environment.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// How many agents are written at once.
#[derive(Debug, Args)]
pub struct BulkArgs {
    /// Show the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// When the API's rate limit cannot fit every request this minute, wait for its window
    /// instead of refusing to start.
    #[arg(long)]
    pub pace: bool,
}

/// An agent file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AgentFormat {
    Json,
    Yaml,
}

/// Which side `agents reconcile` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Side {
    Table,
    Api,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Credential {
    /// The database password.
    DbPassword,
    /// The Redis password.
    RedisPassword,
    /// An `af_` API key.
    ApiKey,
    /// The password of an email login (with --email).
    ApiPassword,
}

/// The settings `env add` and `env set` share.
#[derive(Debug, Args)]
pub struct EnvOptions {
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Allow plain http:// to an API that is not on this machine (credentials then cross the
    /// network unencrypted); `--allow-insecure-http false` withdraws it.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub allow_insecure_http: Option<bool>,
    /// A PEM file with the CA that signed the API's certificate (an API behind a private CA);
    /// an empty value removes it.
    #[arg(long, value_name = "PATH")]
    pub api_ca_cert: Option<String>,
    /// With a changed host: send the stored passwords and API secret there too (otherwise give
    /// them again, in the URL or with `env credential`).
    #[arg(long)]
    pub keep_passwords: bool,
    /// A postgresql:// URL; its password is moved to the keyring.
    #[arg(long, value_name = "URL")]
    pub db_url: Option<String>,
    /// A redis:// or rediss:// URL; its password is moved to the keyring.
    #[arg(long, value_name = "URL")]
    pub redis_url: Option<String>,
    /// Defaults to protected for production, open otherwise.
    #[arg(long, value_enum)]
    pub safety: Option<Safety>,
    /// A #rrggbb colour (defaults by kind).
    #[arg(long)]
    pub color: Option<String>,
}

#[derive(Debug, Args)]
pub struct EnvArg {
    /// The environment (defaults to the current one).
    #[arg(long = "env", value_name = "NAME")]
    pub env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// List every catalog variable and the environment's own: set or missing, validation findings.
    List {
        #[command(flatten)]
        env: EnvArg,
    },
    /// Set a variable. The value is read from stdin (never from the command line).
    Set {
        #[command(flatten)]
        env: EnvArg,
        var: String,
        /// Keep a variable the catalog does not know in the keyring (default: decided by its name).
        #[arg(long, conflicts_with = "plain")]
        secret: bool,
        /// Keep a variable the catalog does not know in the settings file.
        #[arg(long)]
        plain: bool,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Show whether a variable is set; --reveal prints its value.
    Get {
        #[command(flatten)]
        env: EnvArg,
        var: String,
        #[arg(long)]
        reveal: bool,
    },
    /// Keep a custom secret as plain text: its value leaves the keyring for the settings file.
    MakePlain {
        #[command(flatten)]
        env: EnvArg,
        var: String,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Remove a variable (and its keyring entry).
    Remove {
        #[command(flatten)]
        env: EnvArg,
        var: String,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Import a .env file: secrets to the keyring. --dry-run shows the preview only.
    Import {
        #[command(flatten)]
        env: EnvArg,
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        confirm: ConfirmArgs,
    },
    /// Export every variable, secrets included, to a .env file readable only by you.
    Export {
        #[command(flatten)]
        env: EnvArg,
        file: PathBuf,
    },
    /// Validate the variables. Exit 1 when a required variable is missing or a value is invalid.
    Check {
        #[command(flatten)]
        env: EnvArg,
    },
    /// Compare two environments (secrets by keyed hash). Exit 1 on any drift.
    Diff { env1: String, env2: String },
}
