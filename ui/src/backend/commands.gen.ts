// Generated from src-tauri/src/commands/ by `npm run bindings`; do not edit.
// One function per Tauri command; argument and result types come from ./bindings.
import type { Channel } from "@tauri-apps/api/core";
import { call } from "./ipc";
import type { Activity, AdoptionPlan, Advice, AgentPlan, AgentsOverviewRow, AgentsView, ApiAgent, AppError, AppInfo, AudienceView, AuditAction, AuditLogView, Chart, ChartTheme, CheckInfo, Checklist, Classified, Completion, Confirmation, ConnectionSecrets, ConnectionTest, Decision, DemoRows, DemoView, DiagnosticsSummary, Direction, DriftBoard, EditOutcome, EditPlan, EnvHealthView, Environment, EnvironmentList, ExecutionFilter, ExecutionsView, Explained, ExportFormat, ExportReport, ExportSummary, FileFormat, Finding, HealthSettings, HistoryEntry, ImportFrom, ImportSource, JobInfo, JobUpdate, KeyringStatus, NewAgent, ObjectNames, OverviewRow, Page, PageRequest, PastedDatabaseUrl, PastedRedisUrl, Plan, Preferences, Preset, PreviewedImport, ProbeTarget, ReconcilePreview, ReportFormat, RunRecord, RunRequest, SeedOutcome, SeedPreview, SmokeOptions, SmokeReport, SmokeRun, SmokeSchedule, Snippet, SqlOutcome, SqlTab, StagedEdits, StatementSpan, StatusReport, StepStatus, TableChoices, TableDetail, TableOwner, TableRef, ValidationReport, VariableChange, VariablesView } from "./bindings";

/** Every agent of `env`: the API's registry and the agents table, joined by id. */
export const listAgents = (env: string) =>
  call<AgentsView>("list_agents", { env });

/** The agent `id` in the API's registry now (to show what saving would replace). */
export const apiAgent = (env: string, id: string) =>
  call<ApiAgent | null>("api_agent", { env, id });

/** Creates an agent in the API's registry, or replaces the one with its id. */
export const saveAgent = (env: string, agent: NewAgent, confirmation: Confirmation) =>
  call<null>("save_agent", { env, agent, confirmation });

/** Deletes an agent from the API's registry. */
export const deleteAgent = (env: string, id: string, confirmation: Confirmation) =>
  call<null>("delete_agent", { env, id, confirmation });

/** Runs an agent as a job (its result: a RunResult, or none when cancelled). Cancelling stops waiting; the platform may still finish the run. */
export const runAgent = (env: string, id: string, request: RunRequest) =>
  call<number>("run_agent", { env, id, request });

/** The table's tenants and users, to choose a copied agent's tenant and creator. */
export const agentTableChoices = (env: string) =>
  call<TableChoices>("agent_table_choices", { env });

/** Exactly what writing agents `ids` to the other side (`towards` it) would write. */
export const reconcilePreview = (env: string, ids: string[], towards: Direction, owner: TableOwner) =>
  call<ReconcilePreview>("reconcile_preview", { env, ids, towards, owner });

/** Writes agents `ids` to the other side: into the table (in one transaction), or one agent into the API's registry. */
export const reconcileAgents = (env: string, ids: string[], towards: Direction, owner: TableOwner, confirmation: Confirmation) =>
  call<null>("reconcile_agents", { env, ids, towards, owner, confirmation });

/** What publishing the table's rows `ids` to the API would do, as a plan to tick and write. */
export const publishPlan = (env: string, ids: string[]) =>
  call<AgentPlan>("publish_plan", { env, ids });

/** The environment's agent runs kept on this machine (of one agent, if given) whose text contains `search`, newest first. */
export const agentRunHistory = (env: string, agent: string | null, search: string | null) =>
  call<RunRecord[]>("agent_run_history", { env, agent, search });

/** A page of `env`'s executions matching `filter`: the table's, and the API's with the first. */
export const listExecutions = (env: string, filter: ExecutionFilter) =>
  call<ExecutionsView>("list_executions", { env, filter });

/** Writes `env`'s API agents (all, or `ids`) to a folder the operator chooses, one file each. None when the dialog was cancelled. */
export const exportAgents = (env: string, format: FileFormat, ids: string[] | null) =>
  call<ExportReport | null>("export_agents", { env, format, ids });

/** What importing agent files the operator chooses into `env` would do. None when cancelled. */
export const importAgentsPlan = (env: string, from: ImportFrom) =>
  call<AgentPlan | null>("import_agents_plan", { env, from });

/** The API agents of `from` compared with those of `to`: what promoting them would write. */
export const promotionPlan = (from: string, to: string) =>
  call<AgentPlan>("promotion_plan", { from, to });

/** Saves `agents` to `env`'s API one at a time, as a job (its result: a BulkReport). `pace` waits for the rate limit's window instead of refusing to start. */
export const saveAgents = (env: string, agents: NewAgent[], confirmation: Confirmation, pace: boolean) =>
  call<number>("save_agents", { env, agents, confirmation, pace });

/** Every environment's API agents compared with the others' (the drift board's agents table). */
export const agentsOverview = () =>
  call<AgentsOverviewRow[]>("agents_overview");

/** Version, build, platform and file locations for the About dialog. */
export const getAppInfo = () =>
  call<AppInfo>("get_app_info");

/** The UI painted its first section: the start-up time is logged (and written where AFC_STARTUP_REPORT says, for the start-up benchmark). */
export const uiReady = () =>
  call<null>("ui_ready");

/** Writes the diagnostics bundle (versions, recent logs, settings without secrets, the audit log, the health history, the last job logs) to a zip the operator chooses. None when cancelled. */
export const saveDiagnostics = () =>
  call<DiagnosticsSummary | null>("save_diagnostics");

/** Opens a new issue on the project's tracker in the system browser, with the versions filled in. */
export const reportProblem = () =>
  call<null>("report_problem");

export const dbNames = (env: string) =>
  call<ObjectNames>("db_names", { env });

export const dbDescribe = (env: string, table: TableRef) =>
  call<TableDetail>("db_describe", { env, table });

export const dbFunctionDdl = (env: string, routine: TableRef, signature: string) =>
  call<string>("db_function_ddl", { env, routine, signature });

/** Every table's columns, for the SQL editor's completion. */
export const dbCompletion = (env: string) =>
  call<Completion>("db_completion", { env });

export const dbPage = (env: string, request: PageRequest) =>
  call<Page>("db_page", { env, request });

/** A whole value (the grid shows the first characters of long ones). */
export const dbCell = (env: string, table: TableRef, key: (string | null)[], column: string) =>
  call<string | null>("db_cell", { env, table, key, column });

export const dbEditPlan = (env: string, edits: StagedEdits) =>
  call<EditPlan>("db_edit_plan", { env, edits });

export const dbApplyEdits = (env: string, edits: StagedEdits, confirmation: Confirmation) =>
  call<EditOutcome>("db_apply_edits", { env, edits, confirmation });

/** Exports the rows `request` selects to a file the operator chooses, as a job; its id, or None when they cancelled the dialog. */
export const dbExport = (env: string, request: PageRequest, format: ExportFormat, estimate: number) =>
  call<number | null>("db_export", { env, request, format, estimate });

/** Opens (or reopens) SQL tab `tab` on `env`: writable on open environments; read-only on the others unless `unlock` (the operator's answer) lets a protected one write. */
export const sqlOpen = (env: string, tab: string, unlock: Confirmation | null, timeoutSeconds: number) =>
  call<SqlTab>("sql_open", { env, tab, unlock, timeoutSeconds });

/** Changes SQL tab `tab`'s statement timeout from its next statement, keeping its session (and any transaction the operator has open in it). */
export const sqlSetTimeout = (tab: string, timeoutSeconds: number) =>
  call<null>("sql_set_timeout", { tab, timeoutSeconds });

export const sqlClose = (tab: string) =>
  call<null>("sql_close", { tab });

/** The statements of an editor's text and where each starts. */
export const sqlStatements = (text: string) =>
  call<StatementSpan[]>("sql_statements", { text });

export const sqlClassify = (statement: string) =>
  call<Classified>("sql_classify", { statement });

/** Runs one statement in tab `tab` (recorded in `env`'s history); `destroy` says the operator agreed to a statement that destroys data. */
export const sqlRun = (env: string, tab: string, statement: string, destroy: boolean) =>
  call<SqlOutcome>("sql_run", { env, tab, statement, destroy });

export const sqlFetchMore = (tab: string, rows: number) =>
  call<SqlOutcome>("sql_fetch_more", { tab, rows });

/** Cancels the statement tab `tab` runs; false when it runs none. */
export const sqlCancel = (tab: string) =>
  call<boolean>("sql_cancel", { tab });

export const sqlExplain = (tab: string, statement: string, analyze: boolean) =>
  call<Explained>("sql_explain", { tab, statement, analyze });

export const sqlHistory = (env: string) =>
  call<HistoryEntry[]>("sql_history", { env });

export const sqlSnippets = () =>
  call<Snippet[]>("sql_snippets");

export const saveSqlSnippet = (name: string, sql: string) =>
  call<null>("save_sql_snippet", { name, sql });

export const deleteSqlSnippet = (name: string) =>
  call<null>("delete_sql_snippet", { name });

/** Writes a result the window holds to a file the operator chooses; the path, or None. */
export const sqlExportResult = (columns: string[], rows: (string | null)[][], format: ExportFormat) =>
  call<string | null>("sql_export_result", { columns, rows, format });

export const dbActivity = (env: string) =>
  call<Activity>("db_activity", { env });

export const dbAdvise = (env: string) =>
  call<Advice>("db_advise", { env });

export const dbSignalDecision = (env: string, pid: number, terminate: boolean) =>
  call<Decision>("db_signal_decision", { env, pid, terminate });

/** Cancels (or terminates) server process `pid` with the operator's answer; false when it had ended. */
export const dbSignal = (env: string, pid: number, terminate: boolean, confirmation: Confirmation) =>
  call<boolean>("db_signal", { env, pid, terminate, confirmation });

/** The demo rows of `env`'s database, per table. */
export const demoData = (env: string) =>
  call<DemoRows>("demo_data", { env });

/** What seeding `env` would write, and anything in the way. */
export const demoSeedPreview = (env: string) =>
  call<SeedPreview>("demo_seed_preview", { env });

/** What the write policy asks before seeding or resetting `env`'s demo data (production is refused whatever its safety level). */
export const demoDecision = (env: string, action: AuditAction) =>
  call<Decision>("demo_decision", { env, action });

export const seedDemo = (env: string, answer: Confirmation) =>
  call<SeedOutcome>("seed_demo", { env, answer });

export const resetDemo = (env: string, answer: Confirmation) =>
  call<DemoRows>("reset_demo", { env, answer });

/** The presenter's view of `env`'s demo (its script read again: a file edited meanwhile is reloaded). */
export const demoView = (env: string) =>
  call<DemoView>("demo_view", { env });

/** The shipped scripts' names. */
export const demoScripts = () =>
  call<string[]>("demo_scripts");

/** Chooses a shipped script by name (files come from `open_demo_script`). */
export const chooseDemoScript = (env: string, name: string) =>
  call<DemoView>("choose_demo_script", { env, name });

/** Chooses a script file the operator picks in a native dialog. None when cancelled. */
export const openDemoScript = (env: string) =>
  call<DemoView | null>("open_demo_script", { env });

/** Writes the chosen script to a file the operator picks (their own copy to edit), and chooses that copy. None when cancelled. */
export const copyDemoScript = (env: string) =>
  call<DemoView | null>("copy_demo_script", { env });

/** The pre-demo checklist for the chosen script. */
export const demoChecklist = (env: string) =>
  call<Checklist>("demo_checklist", { env });

/** What the write policy asks before a demo starts: it creates things and deletes them again. */
export const demoStartDecision = (env: string) =>
  call<Decision>("demo_start_decision", { env });

export const startDemo = (env: string, answer: Confirmation) =>
  call<DemoView>("start_demo", { env, answer });

export const resumeDemo = (env: string, answer: Confirmation) =>
  call<DemoView>("resume_demo", { env, answer });

/** Performs the current step (a retry when it was performed before). A page the step opens is opened in the system browser. */
export const performDemoStep = (env: string) =>
  call<DemoView>("perform_demo_step", { env });

/** The presenter's keys, from either window (the audience window's go to the demo it shows): `next` performs the step or moves on, `back` goes back, `black` blacks the audience out. */
export const demoKey = (env: string | null, key: string) =>
  call<DemoView>("demo_key", { env, key });

export const demoGo = (env: string, index: number) =>
  call<DemoView>("demo_go", { env, index });

/** Marks the current step `skipped` or `error_path` (the audience then sees the platform's error) and moves on. */
export const markDemoStep = (env: string, status: StepStatus) =>
  call<DemoView>("mark_demo_step", { env, status });

/** Removes what the demo created on stage; what was removed. */
export const cleanUpDemo = (env: string, answer: Confirmation) =>
  call<string[]>("clean_up_demo", { env, answer });

/** Forgets the demo's progress, to start over. */
export const forgetDemo = (env: string) =>
  call<DemoView>("forget_demo", { env });

/** The report of the demo so far, written as Markdown or JSON to a file the operator chooses. */
export const exportDemoReport = (env: string, markdown: boolean) =>
  call<string | null>("export_demo_report", { env, markdown });

/** Rehearses the chosen script unattended as a job (its result: a DemoReport). */
export const rehearseDemo = (env: string, answer: Confirmation) =>
  call<number>("rehearse_demo", { env, answer });

/** The monitors the audience window can go to: their names and sizes. */
export const demoMonitors = () =>
  call<string[]>("demo_monitors");

/** Opens (or brings back) the audience window for `env`'s demo, on monitor `monitor` when it exists (else the presenter's own), full screen when asked. */
export const openAudience = (env: string, monitor: number | null, fullscreen: boolean) =>
  call<string>("open_audience", { env, monitor, fullscreen });

/** What the audience window shows now. */
export const demoAudience = () =>
  call<AudienceView>("demo_audience");

export const listEnvironments = () =>
  call<EnvironmentList>("list_environments");

export const environmentPresets = () =>
  call<Preset[]>("environment_presets");

export const createEnvironment = (environment: Environment, secrets: ConnectionSecrets) =>
  call<Environment>("create_environment", { environment, secrets });

export const updateEnvironment = (original: string, environment: Environment, secrets: ConnectionSecrets, confirmation: Confirmation) =>
  call<Environment>("update_environment", { original, environment, secrets, confirmation });

export const duplicateEnvironment = (source: string, name: string) =>
  call<Environment>("duplicate_environment", { source, name });

export const deleteEnvironment = (name: string, confirmation: Confirmation) =>
  call<null>("delete_environment", { name, confirmation });

export const setCurrentEnvironment = (name: string) =>
  call<null>("set_current_environment", { name });

export const testConnection = (name: string, target: ProbeTarget | null) =>
  call<ConnectionTest>("test_connection", { name, target });

/** "Test connection" inside the editor, before saving. */
export const testDraftConnection = (original: string | null, environment: Environment, secrets: ConnectionSecrets) =>
  call<ConnectionTest>("test_draft_connection", { original, environment, secrets });

export const splitDatabaseUrl = (url: string) =>
  call<PastedDatabaseUrl>("split_database_url", { url });

export const splitRedisUrl = (url: string) =>
  call<PastedRedisUrl>("split_redis_url", { url });

/** What the operator must do before `action` on environment `env` (`subject`: what it is done to, such as a variable's name): the window shows this as its confirmation. */
export const writeDecision = (env: string, action: AuditAction, subject: string | null) =>
  call<Decision>("write_decision", { env, action, subject });

/** Every environment's latest health, metrics and history (the watchers keep them; the window reads again when told `health-updated`). */
export const healthOverview = () =>
  call<EnvHealthView[]>("health_overview");

/** Polls an environment now instead of at its next turn. */
export const healthCheckNow = (env: string) =>
  call<null>("health_check_now", { env });

/** How health is watched: the polling interval, notifications, memory per environment. */
export const healthSettings = () =>
  call<HealthSettings>("health_settings");

/** Saves how health is watched and applies it at once: every watch takes the new budget, and a new interval counts from now (each watch polls again). */
export const saveHealthSettings = (settings: HealthSettings) =>
  call<HealthSettings>("save_health_settings", { settings });

/** A chart of the last `minutes` of an environment's history, as SVG of `width`×`height`. */
export const healthChart = (env: string, chart: Chart, minutes: number, theme: ChartTheme, width: number, height: number) =>
  call<string>("health_chart", { env, chart, minutes, theme, width, height });

/** Writes an environment's history (up to a day) as CSV to a file the operator chooses; the path written, or None if they cancelled. */
export const exportHealthCsv = (env: string) =>
  call<string | null>("export_health_csv", { env });

/** Writes a chart the window rendered to PNG (from the SVG above, at presentation size) to a file the operator chooses; the path written, or None if they cancelled. */
export const saveChartPng = (name: string, png: number[]) =>
  call<string | null>("save_chart_png", { name, png });

/** A sparkline (SVG) of the request rate of each endpoint the last poll ranked busiest. */
export const healthSparklines = (env: string, minutes: number, theme: ChartTheme) =>
  call<[string, string][]>("health_sparklines", { env, minutes, theme });

/** Every job of this run, newest first. */
export const listJobs = () =>
  call<JobInfo[]>("list_jobs");

/** A job's log: what happened before (replayed at once), then each new event until it ends. */
export const jobEvents = (id: number, events: Channel<JobUpdate>) =>
  call<JobInfo>("job_events", { id, events });

/** Asks a running job to stop at its next safe point. */
export const cancelJob = (id: number) =>
  call<boolean>("cancel_job", { id });

export const migrationStatus = (env: string) =>
  call<StatusReport>("migration_status", { env });

export const migrationPlan = (env: string) =>
  call<Plan>("migration_plan", { env });

/** Applies the pending migrations as a job (its log: `job_events`); returns the job's id. */
export const applyMigrations = (env: string, confirmation: Confirmation) =>
  call<number>("apply_migrations", { env, confirmation });

/** Reverts the applied migrations newer than `to`, as a job; cancellable like an apply. */
export const revertMigrations = (env: string, to: number, confirmation: Confirmation) =>
  call<number>("revert_migrations", { env, to, confirmation });

/** Adopts a database built the old ways, as a job, filling NULLs with the accepted values. */
export const adoptDatabase = (env: string, backfills: [string, string][], confirmation: Confirmation) =>
  call<number>("adopt_database", { env, backfills, confirmation });

export const validateSchema = (env: string) =>
  call<ValidationReport>("validate_schema", { env });

/** Validates again and writes the report as `json` or `markdown` to a file the operator chooses; the path written, or None if they cancelled. */
export const exportValidation = (env: string, format: string) =>
  call<string | null>("export_validation", { env, format });

export const adoptionPlan = (env: string, backfills: [string, string][]) =>
  call<AdoptionPlan>("adoption_plan", { env, backfills });

export const migrationOverview = () =>
  call<OverviewRow[]>("migration_overview");

export const getPreferences = () =>
  call<Preferences>("get_preferences");

/** Saves the operator's preferences and applies the log level at once. */
export const savePreferences = (preferences: Preferences) =>
  call<Preferences>("save_preferences", { preferences });

/** Start-up problems for the UI to show once (a malformed settings file, an invalid AFC_LOG). */
export const getStartupNotices = () =>
  call<AppError[]>("get_startup_notices");

/** Brings the local sandbox up on this machine's PostgreSQL and Redis as a job (its result: a SandboxStatus); each step is an event of the job. */
export const startSandbox = () =>
  call<number>("start_sandbox");

export const keyringStatus = () =>
  call<KeyringStatus>("keyring_status");

export const listVariables = (environment: string) =>
  call<VariablesView>("list_variables", { environment });

export const setVariable = (environment: string, name: string, value: string, secret: boolean | null, confirmation: Confirmation) =>
  call<Finding[]>("set_variable", { environment, name, value, secret, confirmation });

/** Removes a variable, or moves a custom secret out of the keyring into the settings file (the decision for `variable.make-plain` says the value will be on disk). */
export const changeVariable = (environment: string, name: string, change: VariableChange, confirmation: Confirmation) =>
  call<null>("change_variable", { environment, name, change, confirmation });

/** The one way a secret value reaches the window: the operator clicked "Reveal". */
export const revealVariable = (environment: string, name: string) =>
  call<string>("reveal_variable", { environment, name });

/** Puts a value on the clipboard without it passing through the window, and clears the clipboard again after 30 seconds if it still holds that value. */
export const copyVariable = (environment: string, name: string) =>
  call<number>("copy_variable", { environment, name });

export const previewImport = (environment: string, source: ImportSource) =>
  call<PreviewedImport | null>("preview_import", { environment, source });

/** Imports exactly what the preview `id` showed, as a job whose result is the summary. */
export const applyImport = (id: number, confirmation: Confirmation) =>
  call<number>("apply_import", { id, confirmation });

/** Exports every variable, secrets included, to a file the operator chooses (None: cancelled). */
export const exportVariables = (environment: string) =>
  call<ExportSummary | null>("export_variables", { environment });

export const driftBoard = () =>
  call<DriftBoard>("drift_board");

export const auditLog = () =>
  call<AuditLogView>("audit_log");

/** The built-in checks, the shipped flows and `env`'s own flow folders', to choose from. */
export const smokeChecks = (env: string) =>
  call<CheckInfo[]>("smoke_checks", { env });

/** The folders of flows `env` runs besides the shipped ones. */
export const smokeSuites = (env: string) =>
  call<string[]>("smoke_suites", { env });

/** Adds a folder of flows the operator chooses in a native dialog. None when cancelled. */
export const addSmokeSuite = (env: string) =>
  call<string[] | null>("add_smoke_suite", { env });

/** Stops running the flows of `suite`, one of `env`'s folders (the list's own entry, not a new path). */
export const removeSmokeSuite = (env: string, suite: string) =>
  call<string[]>("remove_smoke_suite", { env, suite });

/** Runs the suite against `env` as a job (its result: a SmokeReport); each check's end is an event of the job. */
export const runSmoke = (env: string, options: SmokeOptions) =>
  call<number>("run_smoke", { env, options });

/** `env`'s kept runs, newest first. */
export const smokeHistory = (env: string, limit: number) =>
  call<SmokeRun[]>("smoke_history", { env, limit });

/** A kept run (`latest` for the newest) compared with the runs before it. */
export const smokeReport = (env: string, id: string) =>
  call<SmokeReport>("smoke_report", { env, id });

/** Writes a kept run to a file the operator chooses. The path written, or None when cancelled. */
export const exportSmokeRun = (env: string, id: string, format: ReportFormat) =>
  call<string | null>("export_smoke_run", { env, id, format });

/** Which environments run their suite on a schedule, and how often. */
export const smokeSchedule = () =>
  call<SmokeSchedule>("smoke_schedule");

/** Runs `env`'s suite every `minutes` while the console is open (None: never on its own). */
export const setSmokeSchedule = (env: string, minutes: number | null) =>
  call<SmokeSchedule>("set_smoke_schedule", { env, minutes });
