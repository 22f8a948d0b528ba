// Typed wrappers, one per Rust command (src-tauri/src/commands/). Argument and result types are
// generated from the Rust definitions (./bindings, `npm run bindings`).
import { Channel } from "@tauri-apps/api/core";
import { call } from "./ipc";
import type { AdoptionPlan } from "./bindings/AdoptionPlan";
import type { ApplyEvent } from "./bindings/ApplyEvent";
import type { ApplyReport } from "./bindings/ApplyReport";
import type { Chart } from "./bindings/Chart";
import type { ChartTheme } from "./bindings/ChartTheme";
import type { EnvHealthView } from "./bindings/EnvHealthView";
import type { HealthSettings } from "./bindings/HealthSettings";
import type { OverviewRow } from "./bindings/OverviewRow";
import type { Plan } from "./bindings/Plan";
import type { StatusReport } from "./bindings/StatusReport";
import type { ValidationReport } from "./bindings/ValidationReport";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { Preferences } from "./bindings/Preferences";
import type { ConnectionSecrets } from "./bindings/ConnectionSecrets";
import type { ConnectionTest } from "./bindings/ConnectionTest";
import type { Environment } from "./bindings/Environment";
import type { EnvironmentList } from "./bindings/EnvironmentList";
import type { PastedDatabaseUrl } from "./bindings/PastedDatabaseUrl";
import type { PastedRedisUrl } from "./bindings/PastedRedisUrl";
import type { Preset } from "./bindings/Preset";
import type { ProbeTarget } from "./bindings/ProbeTarget";
import type { AuditLogView } from "./bindings/AuditLogView";
import type { DriftBoard } from "./bindings/DriftBoard";
import type { ExportSummary } from "./bindings/ExportSummary";
import type { Finding } from "./bindings/Finding";
import type { ImportSource } from "./bindings/ImportSource";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { KeyringStatus } from "./bindings/KeyringStatus";
import type { PreviewedImport } from "./bindings/PreviewedImport";
import type { VariablesView } from "./bindings/VariablesView";

export const getAppInfo = () => call<AppInfo>("get_app_info");

export const getPreferences = () => call<Preferences>("get_preferences");

export const savePreferences = (preferences: Preferences) =>
  call<Preferences>("save_preferences", { preferences });

export const getStartupNotices = () => call<AppError[]>("get_startup_notices");

// Environments

export const listEnvironments = () => call<EnvironmentList>("list_environments");
export const environmentPresets = () => call<Preset[]>("environment_presets");
export const createEnvironment = (environment: Environment, secrets: ConnectionSecrets) =>
  call<Environment>("create_environment", { environment, secrets });
export const updateEnvironment = (original: string, environment: Environment, secrets: ConnectionSecrets) =>
  call<Environment>("update_environment", { original, environment, secrets });
export const duplicateEnvironment = (source: string, name: string) =>
  call<Environment>("duplicate_environment", { source, name });
export const deleteEnvironment = (name: string) => call<null>("delete_environment", { name });
export const setCurrentEnvironment = (name: string) => call<null>("set_current_environment", { name });
export const testConnection = (name: string, target?: ProbeTarget) =>
  call<ConnectionTest>("test_connection", { name, target: target ?? null });
/** Tests an environment being edited, before it is saved (typed secrets as typed). */
export const testDraftConnection = (original: string | undefined, environment: Environment, secrets: ConnectionSecrets) =>
  call<ConnectionTest>("test_draft_connection", { original: original ?? null, environment, secrets });
export const splitDatabaseUrl = (url: string) => call<PastedDatabaseUrl>("split_database_url", { url });
export const splitRedisUrl = (url: string) => call<PastedRedisUrl>("split_redis_url", { url });

// Secrets

export const keyringStatus = () => call<KeyringStatus>("keyring_status");
export const listVariables = (environment: string) => call<VariablesView>("list_variables", { environment });
export const setVariable = (environment: string, name: string, value: string, secret?: boolean) =>
  call<Finding[]>("set_variable", { environment, name, value, secret: secret ?? null });
export const removeVariable = (environment: string, name: string) =>
  call<null>("remove_variable", { environment, name });
export const revealVariable = (environment: string, name: string) =>
  call<string>("reveal_variable", { environment, name });
/** Copies in Rust (the value never enters the window); resolves to the seconds until it is cleared. */
export const copyVariable = (environment: string, name: string) =>
  call<number>("copy_variable", { environment, name });
export const previewImport = (environment: string, source: ImportSource) =>
  call<PreviewedImport>("preview_import", { environment, source });
export const applyImport = (id: number) => call<ImportSummary>("apply_import", { id });
export const exportVariables = (environment: string, path: string) =>
  call<ExportSummary>("export_variables", { environment, path });
export const driftBoard = () => call<DriftBoard>("drift_board");
export const auditLog = () => call<AuditLogView>("audit_log");

// Migrations

export const migrationStatus = (env: string) => call<StatusReport>("migration_status", { env });
export const migrationPlan = (env: string) => call<Plan>("migration_plan", { env });
export const validateSchema = (env: string) => call<ValidationReport>("validate_schema", { env });
export const exportValidation = (env: string, path: string, format: "json" | "markdown") =>
  call<null>("export_validation", { env, path, format });
export const adoptionPlan = (env: string) => call<AdoptionPlan>("adoption_plan", { env });
export const migrationOverview = () => call<OverviewRow[]>("migration_overview");
export const cancelMigrations = () => call<boolean>("cancel_migrations");

function progressChannel(onEvent: (event: ApplyEvent) => void) {
  const channel = new Channel<ApplyEvent>();
  channel.onmessage = onEvent;
  return channel;
}

/** Applies pending migrations; progress arrives on `onEvent` while the promise is pending. */
export const applyMigrations = (env: string, confirm: string | null, onEvent: (event: ApplyEvent) => void) =>
  call<ApplyReport>("apply_migrations", { env, confirm, events: progressChannel(onEvent) });

export const revertMigrations = (env: string, to: number, confirm: string | null, onEvent: (event: ApplyEvent) => void) =>
  call<ApplyReport>("revert_migrations", { env, to, confirm, events: progressChannel(onEvent) });

export const adoptDatabase = (env: string, confirm: string | null, onEvent: (event: ApplyEvent) => void) =>
  call<ApplyReport>("adopt_database", { env, confirm, events: progressChannel(onEvent) });

// Health and metrics

export const healthOverview = () => call<EnvHealthView[]>("health_overview");
export const healthCheckNow = (env: string) => call<null>("health_check_now", { env });
export const healthSettings = () => call<HealthSettings>("health_settings");
export const saveHealthSettings = (settings: HealthSettings) => call<HealthSettings>("save_health_settings", { settings });
export const healthChart = (env: string, chart: Chart, minutes: number, theme: ChartTheme, width: number, height: number) =>
  call<string>("health_chart", { env, chart, minutes, theme, width, height });
export const healthSparklines = (env: string, minutes: number, theme: ChartTheme) =>
  call<[string, string][]>("health_sparklines", { env, minutes, theme });
export const exportHealthCsv = (env: string, path: string) => call<null>("export_health_csv", { env, path });
export const saveChartPng = (path: string, png: number[]) => call<null>("save_chart_png", { path, png });
