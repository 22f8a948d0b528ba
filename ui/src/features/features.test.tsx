import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DriftBoard, Environment, EnvironmentList, VariableRow, VariablesView } from "../backend";
import { setup } from "../test/renderApp";

const LOCAL: Environment = {
  name: "local",
  kind: "dev",
  color: "#2f9e44",
  safety: "open",
  apiUrl: "http://127.0.0.1:8000",
  database: { host: "127.0.0.1", port: 5432, database: "app", user: "app", tls: "prefer", hasPassword: true },
  apiAuth: { kind: "none" },
  variables: {},
};
const PROD: Environment = { ...LOCAL, name: "prod", kind: "production", color: "#e03131", safety: "protected", database: undefined };

function list(environments: Environment[], current?: string): EnvironmentList {
  return { environments, current, notes: Object.fromEntries(environments.map((e) => [e.name, {}])) };
}

function row(name: string, patch: Partial<VariableRow> = {}): VariableRow {
  return {
    name,
    category: "auth",
    secret: true,
    requirement: "optional",
    read: true,
    note: "",
    custom: false,
    isSet: true,
    findings: [],
    ...patch,
  };
}

function variables(rows: VariableRow[]): VariablesView {
  return { environment: "local", rows };
}

const goTo = async (user: ReturnType<typeof setup>["user"], title: string) => {
  await user.click(await screen.findByRole("button", { name: new RegExp(`^${title}`) }));
};

afterEach(() => {
  vi.useRealTimers();
});

describe("environments", () => {
  it("first run offers presets; a pasted URL's password is sent to the keyring, not with the profile", async () => {
    let environments: Environment[] = [];
    const { user, calls } = setup({
      list_environments: () => list(environments, environments[0]?.name),
      environment_presets: () => [{ id: "local", title: "Local", description: "This machine", environment: { ...LOCAL, database: undefined } }],
      split_database_url: () => ({
        connection: { host: "db.example.com", port: 5432, database: "app", user: "ops", tls: "verify-full", hasPassword: true },
        password: "pa55",
      }),
      create_environment: (args) => {
        environments = [args.environment as Environment];
        return args.environment;
      },
    });
    await user.click(await screen.findByRole("button", { name: /^Local/ }));
    const dialog = await screen.findByRole("dialog", { name: "New environment" });
    await user.type(within(dialog).getByPlaceholderText(/^postgresql:\/\/user/), "postgresql://ops:pa55@db.example.com/app");
    await user.click(within(dialog).getByRole("button", { name: "Split the database URL" }));
    expect(await within(dialog).findByRole("status")).toHaveTextContent("OS keyring");
    await user.click(within(dialog).getByRole("button", { name: "Create environment" }));
    await waitFor(() => {
      expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    });
    const create = calls.find((c) => c.command === "create_environment");
    expect(create?.args.secrets).toEqual({ dbPassword: { action: "set", value: "pa55" } });
    expect((create?.args.environment as Environment).database?.host).toBe("db.example.com");
    expect(JSON.stringify(create?.args.environment)).not.toContain("pa55");
    expect(await screen.findByRole("combobox", { name: "Current environment" })).toHaveValue("local");
  });

  it("the top bar shows the current environment's kind and safety on every screen, and switches", async () => {
    const { user, calls } = setup({
      list_environments: () => list([LOCAL, PROD], "prod"),
      set_current_environment: () => null,
    });
    const select = await screen.findByRole("combobox", { name: "Current environment" });
    expect(select).toHaveValue("prod");
    const slot = screen.getByTestId("environment");
    expect(slot).toHaveTextContent("production");
    expect(slot).toHaveTextContent("protected");
    await goTo(user, "Migrations");
    expect(document.querySelector(".app")).toHaveAttribute("data-env-kind", "production");
    await user.selectOptions(select, "local");
    await waitFor(() => {
      expect(calls.some((c) => c.command === "set_current_environment" && c.args.name === "local")).toBe(true);
    });
  });

  it("Ctrl+E moves focus to the environment switcher", async () => {
    const { user } = setup({ list_environments: () => list([LOCAL, PROD], "local") });
    const select = await screen.findByRole("combobox", { name: "Current environment" });
    await user.keyboard("{Control>}e{/Control}");
    expect(select).toHaveFocus();
  });

  it("deleting a protected environment needs its name typed", async () => {
    const { user, calls } = setup({ list_environments: () => list([LOCAL, PROD], "local"), delete_environment: () => null });
    const card = (await screen.findByRole("heading", { name: "prod" })).closest("article");
    if (!card) throw new Error("no card");
    await user.click(within(card).getByRole("button", { name: /Delete/ }));
    const dialog = await screen.findByRole("dialog", { name: "Delete prod?" });
    const confirm = within(dialog).getByRole("button", { name: "Delete environment" });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox"), "prod");
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() => {
      expect(calls.some((c) => c.command === "delete_environment" && c.args.name === "prod")).toBe(true);
    });
  });

  it("tests an edited environment before saving it, with the typed password", async () => {
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      test_draft_connection: () => ({
        environment: "local",
        results: [{ target: "database", status: "ok", summary: "PostgreSQL 15 answered in 1 ms", facts: [], checks: [] }],
      }),
    });
    const card = (await screen.findByRole("heading", { name: "local" })).closest("article");
    if (!card) throw new Error("no card");
    await user.click(within(card).getByRole("button", { name: /Edit/ }));
    const dialog = await screen.findByRole("dialog", { name: "Edit local" });
    await user.type(within(dialog).getByPlaceholderText("Stored in the keyring (leave empty to keep)"), "new-pw");
    await user.click(within(dialog).getByRole("button", { name: "Test connection" }));
    expect(await within(dialog).findByText("PostgreSQL 15 answered in 1 ms")).toBeInTheDocument();
    const args = calls.find((c) => c.command === "test_draft_connection")?.args;
    expect(args?.original).toBe("local");
    expect(args?.secrets).toEqual({ dbPassword: { action: "set", value: "new-pw" } });
    expect(calls.some((c) => c.command === "update_environment")).toBe(false);
  });

  it("shows each connection test result with its reason and code", async () => {
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      test_connection: () => ({
        environment: "local",
        results: [
          {
            target: "api",
            status: "degraded",
            summary: "The API is alive but reports itself degraded",
            facts: [],
            checks: [{ name: "database", status: "unhealthy", healthy: false, reason: "Not an executable object: 'SELECT 1'" }],
          },
          {
            target: "redis",
            status: "failed",
            summary: "Could not reach Redis at 127.0.0.1:6379",
            facts: [],
            checks: [],
            error: { code: "unreachable", message: "Could not reach Redis", details: "Connection refused" },
          },
        ],
      }),
    });
    await user.click(await screen.findByRole("button", { name: /Test connection/ }));
    const results = await screen.findByRole("list", { name: "Connection test of local" });
    expect(results).toHaveTextContent("Not an executable object");
    expect(results).toHaveTextContent("unreachable");
    expect(results).toHaveTextContent("Connection refused");
  });
});

describe("secrets", () => {
  const handlers = (rows: VariableRow[]) => ({
    list_environments: () => list([LOCAL], "local"),
    list_variables: () => variables(rows),
    reveal_variable: () => "the-secret-value",
    copy_variable: () => 30,
  });

  it("reveals a secret on request and hides it again after 15 seconds", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { user } = setup(handlers([row("JWT_SECRET_KEY")]));
    await goTo(user, "Secrets");
    expect(await screen.findByLabelText("hidden value")).toBeInTheDocument();
    expect(screen.queryByText(/the-secret-value/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Reveal JWT_SECRET_KEY" }));
    expect(await screen.findByTestId("revealed-value")).toHaveTextContent("the-secret-value");
    // One tick per second, as the countdown re-arms itself after each render.
    for (let s = 0; s < 16; s++) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1000);
      });
    }
    expect(screen.queryByTestId("revealed-value")).not.toBeInTheDocument();
  });

  it("copies a secret through the backend and says when the clipboard clears", async () => {
    const { user, calls } = setup(handlers([row("JWT_SECRET_KEY")]));
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("button", { name: "Copy JWT_SECRET_KEY" }));
    expect(await screen.findByText("Copied; the clipboard clears in 30 s")).toBeInTheDocument();
    expect(calls.find((c) => c.command === "copy_variable")?.args).toEqual({ environment: "local", name: "JWT_SECRET_KEY" });
  });

  it("marks what the platform never reads, validation findings and required variables", async () => {
    const { user } = setup(
      handlers([
        row("JWT_ALGORITHM", { secret: false, read: false, isSet: false, default: "HS256" }),
        row("DATABASE_URL", {
          category: "database",
          requirement: "required",
          findings: [{ severity: "error", message: "Must start with postgresql://" }],
        }),
      ]),
    );
    await goTo(user, "Secrets");
    const unread = (await screen.findByText("JWT_ALGORITHM")).closest("tr");
    expect(unread).toHaveTextContent("not read by the platform");
    expect(unread).toHaveTextContent("platform default HS256");
    expect(unread).toHaveTextContent("optional");
    const required = screen.getByText("DATABASE_URL").closest("tr");
    expect(required).toHaveTextContent("required");
    expect(required).toHaveTextContent("Must start with postgresql://");
    expect(screen.getByTestId("variables-summary")).toHaveTextContent("1 set · 1 error · 0 warnings");
  });

  it("without a keyring: says what is missing and how to start it; secrets are locked, plain values are not", async () => {
    const { user } = setup({
      ...handlers([row("JWT_SECRET_KEY"), row("DEBUG", { secret: false, value: "false", category: "api" })]),
      keyring_status: () => ({
        available: false,
        service: "dev.agentfactory.console.debug",
        error: { code: "keyring_unavailable", message: "The OS keyring is not available" },
      }),
    });
    await goTo(user, "Secrets");
    const screenText = await screen.findByTestId("keyring-unavailable");
    expect(screenText).toHaveTextContent("gnome-keyring-daemon");
    expect(screenText).toHaveTextContent("keyring_unavailable");
    expect(screen.getByRole("button", { name: "Set JWT_SECRET_KEY" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Set DEBUG" })).toBeEnabled();
    expect(screen.getByRole("button", { name: /Import .env/ })).toBeDisabled();
  });

  it("imports a .env only after a preview that names problem lines", async () => {
    const { user, calls } = setup({
      ...handlers([]),
      preview_import: () => ({
        id: 7,
        preview: {
          environment: "local",
          rows: [
            { name: "OPENAI_API_KEY", line: 1, secret: true, action: "new", findings: [] },
            { name: "DEBUG", line: 3, secret: false, action: "changed", value: "true", findings: [] },
            { name: "LOG_LEVEL", line: 4, secret: false, action: "unchanged", value: "INFO", findings: [] },
          ],
          problems: [{ line: 2, kind: "invalid", message: 'Not a KEY=value line (no "=")' }],
        },
      }),
      apply_import: () => ({ environment: "local", added: 1, changed: 1, unchanged: 1, secrets: 1, skipped: 1 }),
    });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("button", { name: /Import .env/ }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByPlaceholderText("/home/you/project/.env"), "/tmp/x.env");
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    expect(await within(dialog).findByText(/Line 2: Not a KEY=value line/)).toBeInTheDocument();
    expect(within(dialog).getByText("OPENAI_API_KEY").closest("tr")).toHaveTextContent("hidden");
    expect(calls.some((c) => c.command === "apply_import")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Import 2 variables" }));
    expect(await within(dialog).findByRole("status")).toHaveTextContent("1 new, 1 changed, 1 unchanged");
    expect(calls.find((c) => c.command === "apply_import")?.args).toEqual({ id: 7 });
    expect(calls.find((c) => c.command === "preview_import")?.args.source).toEqual({ kind: "file", path: "/tmp/x.env" });
  });

  it("importing into a protected environment needs its name typed", async () => {
    const { user } = setup({
      list_environments: () => list([PROD], "prod"),
      list_variables: () => ({ environment: "prod", rows: [] }),
      preview_import: () => ({
        id: 1,
        preview: { environment: "prod", rows: [{ name: "DEBUG", line: 1, secret: false, action: "new", value: "false", findings: [] }], problems: [] },
      }),
    });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("button", { name: /Import .env/ }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("tab", { name: "Paste text" }));
    await user.type(within(dialog).getByRole("textbox"), "DEBUG=false");
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    const importButton = await within(dialog).findByRole("button", { name: "Import 1 variable" });
    expect(importButton).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/prod is protected/), "prod");
    expect(importButton).toBeEnabled();
  });

  it("Browse… fills the path from the native dialog", async () => {
    const { user, calls } = setup({ ...handlers([]), "plugin:dialog|open": () => "/home/op/project/.env" });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("button", { name: /Import .env/ }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: /Browse/ }));
    await waitFor(() => {
      expect(within(dialog).getByPlaceholderText("/home/you/project/.env")).toHaveValue("/home/op/project/.env");
    });
    expect(calls.some((c) => c.command === "plugin:dialog|open")).toBe(true);
  });

  it("the drift board shows missing values, secret groups and production warnings", async () => {
    const board: DriftBoard = {
      environments: [
        { name: "local", kind: "dev", color: "#2f9e44" },
        { name: "prod", kind: "production", color: "#e03131" },
      ],
      rows: [
        { name: "JWT_SECRET_KEY", secret: true, status: "equal", cells: [{ present: true, group: 1 }, { present: true, group: 1 }] },
        { name: "DEBUG", secret: false, status: "different", cells: [{ present: true, value: "true" }, { present: true, value: "false" }] },
        { name: "SENTRY_DSN", secret: true, status: "missing", cells: [{ present: false }, { present: true, group: 1 }] },
      ],
      warnings: [{ environment: "prod", variable: "JWT_SECRET_KEY", message: "The same value is used in local (dev)" }],
    };
    const { user } = setup({ ...handlers([]), drift_board: () => board });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("tab", { name: "Drift board" }));
    const table = await screen.findByTestId("drift-board");
    expect(table).toHaveTextContent("The same value is used in local (dev)");
    expect(within(table).queryByText("JWT_SECRET_KEY", { selector: "td" })).not.toBeInTheDocument();
    expect(within(table).getByText("SENTRY_DSN").closest("tr")).toHaveTextContent("missing");
    await user.click(within(table).getByLabelText("Only variables that differ"));
    expect(within(table).getByText("JWT_SECRET_KEY", { selector: "td" }).closest("tr")).toHaveTextContent("secret · A");
  });
});

describe("audit log", () => {
  it("lists what was done, by whom, where and how it ended", async () => {
    const { user } = setup({
      audit_log: () => ({
        path: "/home/op/.config/dev.agentfactory.console/audit.jsonl",
        unreadableLines: 1,
        entries: [
          { at: "2026-11-26T08:00:00Z", source: "afctl", environment: "prod", action: "secret.set", target: "JWT_SECRET_KEY", outcome: "failed", detail: "keyring_unavailable" },
          { at: "2026-11-26T07:00:00Z", source: "app", environment: "dev", action: "variable.delete", target: "DEBUG", outcome: "ok" },
        ],
      }),
    });
    await goTo(user, "Audit log");
    const entry = (await screen.findByText("secret.set")).closest("tr");
    expect(entry).toHaveTextContent("afctl");
    expect(entry).toHaveTextContent("failed");
    expect(entry).toHaveTextContent("keyring_unavailable");
    expect(screen.getByText(/1 unreadable lines were skipped/)).toBeInTheDocument();
    expect(screen.getByText("variable.delete")).toBeInTheDocument();
    await user.click(screen.getByLabelText("Failures only"));
    expect(screen.queryByText("variable.delete")).not.toBeInTheDocument();
    await user.click(screen.getByLabelText("Failures only"));
    await user.selectOptions(screen.getByRole("combobox", { name: "Environment" }), "dev");
    expect(screen.queryByText("secret.set")).not.toBeInTheDocument();
    expect(screen.getByText("variable.delete")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Search the audit log"), "nothing matches");
    expect(screen.queryByText("variable.delete")).not.toBeInTheDocument();
  });
});

describe("Migrations", () => {
  const status = {
    target: "127.0.0.1:5432/app",
    mode: "local",
    shape: { kind: "console_managed" },
    serverVersion: "15.8",
    pending: 1,
    problems: 0,
    migrations: [
      { version: 1, name: "core_tables", file: "0001_core_tables.up.sql", state: "applied", appliedAt: "2026-11-26T10:00:00Z", durationMs: 42, checksum: "abcdef0123456789", reversible: false, note: "irreversible: data" },
      { version: 2, name: "performance_indexes", file: "0002_performance_indexes.up.sql", state: "pending", checksum: "0123456789abcdef", reversible: true },
    ],
  };

  it("shows each migration's state and the plan's SQL, lint and refusal", async () => {
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => status,
      migration_plan: () => ({
        target: status.target,
        mode: "local",
        shape: { kind: "alembic", revision: "002" },
        refusal: "This database is built by Alembic: adopt it first",
        migrations: [{ version: 2, name: "performance_indexes", file: "0002_performance_indexes.up.sql", transactional: true, statements: [{ index: 1, line: 3, sql: "CREATE INDEX ix_a ON public.agents (tenant_id)" }] }],
        lint: [{ version: 2, statement: 1, line: 3, severity: "warning", rule: "blocks-writes", message: "CREATE INDEX holds a SHARE lock on agents" }],
        blockers: [],
      }),
    });
    await goTo(user, "Migrations");
    const table = await screen.findByRole("table", { name: "Migrations" });
    expect(within(table).getByText("0001_core_tables.up.sql").closest("tr")).toHaveAttribute("data-state", "applied");
    expect(within(table).getByText("pending")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Apply 1 pending…" })).toBeEnabled();
    await user.click(screen.getByRole("tab", { name: "Plan" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("adopt it first");
    expect(screen.getByText(/Lint: 1 warning \(blocks-writes 1\)/)).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Lint" })).toHaveTextContent("SHARE lock on agents");
    expect(screen.getByText("CREATE", { selector: ".sql__keyword" })).toBeInTheDocument();
  });

  it("reverts the newer migrations after confirmation, with the version to keep", async () => {
    const applied = {
      ...status,
      pending: 0,
      migrations: [status.migrations[0], { ...status.migrations[1], state: "applied", appliedAt: "2026-11-26T10:00:01Z", durationMs: 7 }],
    };
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => applied,
      revert_migrations: () => ({ target: applied.target, applied: [2], skipped: [], cancelled: false, durationMs: 5 }),
    });
    await goTo(user, "Migrations");
    await screen.findByRole("table", { name: "Migrations" });
    expect(screen.getByRole("button", { name: "Up to date" })).toBeDisabled();
    // Only 0001 has a newer reversible migration after it.
    await user.click(screen.getByRole("button", { name: "Revert newer…" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Revert the migrations after 0001 on local?");
    await user.click(within(dialog).getByRole("button", { name: "Revert" }));
    await waitFor(() => {
      expect(calls.some((c) => c.command === "revert_migrations" && c.args.to === 1 && c.args.confirm === null)).toBe(true);
    });
  });

  it("after an apply, a validation begun before it is not what the Validate tab shows", async () => {
    const report = (errors: number) => ({ target: status.target, shape: { kind: "console_managed" }, checkedAt: "2026-11-26T10:00:00Z", errors, warnings: 0, infos: 0, findings: [] });
    let releaseEarly: (value: unknown) => void = () => undefined;
    let validations = 0;
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => status,
      audit_log: () => ({ entries: [], path: "/tmp/audit.jsonl" }),
      // The first validation (before the apply) answers only when released, after the apply.
      validate_schema: () => {
        validations += 1;
        return validations === 1 ? new Promise((resolve) => (releaseEarly = resolve)) : report(0);
      },
      apply_migrations: () => ({ target: status.target, applied: [2], skipped: [], cancelled: false, durationMs: 9 }),
    });
    await goTo(user, "Migrations");
    await user.click(screen.getByRole("tab", { name: "Validate" }));
    await user.click(screen.getByRole("tab", { name: "Status" }));
    await user.click(await screen.findByRole("button", { name: "Apply 1 pending…" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Apply" }));
    await screen.findByText(/Done/);
    await user.click(screen.getByRole("tab", { name: "Validate" }));
    releaseEarly(report(3));
    expect(await screen.findByTestId("validation-summary")).toHaveTextContent("Clean: 0 errors, 0 warnings");
    // And on request, again.
    const before = validations;
    await user.click(await screen.findByRole("button", { name: "Validate again" }));
    await waitFor(() => {
      expect(validations).toBe(before + 1);
    });
  });

  it("a read-only environment offers no apply", async () => {
    const { user } = setup({
      list_environments: () => list([{ ...LOCAL, safety: "read-only" }], "local"),
      migration_status: () => status,
    });
    await goTo(user, "Migrations");
    await screen.findByRole("table", { name: "Migrations" });
    expect(screen.queryByRole("button", { name: /Apply/ })).toBeNull();
    expect(screen.getByText(/read-only: migrations cannot be applied/)).toBeInTheDocument();
  });
});

describe("Health & Metrics", () => {
  const view = {
    environment: "local",
    health: {
      environment: "local",
      checkedAt: "2026-11-26T10:00:00Z",
      overall: "degraded",
      dependencies: [
        { name: "api", status: "healthy", latencyMs: 3.1, sources: ["API /live: The API is alive"] },
        {
          name: "database",
          status: "degraded",
          reason: "The API reports its database unhealthy: Not an executable object: 'SELECT 1'; the console's own database check: healthy — the API's health check is what is failing",
          sources: ["API /health: unhealthy (Not an executable object: 'SELECT 1')", "console's own check: healthy"],
        },
      ],
      probes: [],
    },
    metrics: {
      requests: 80,
      requestRate: 4,
      windowSeconds: 20,
      errors: 20,
      errorRatio: 0.25,
      latency: { p50: 0.55, p95: 0.95, p99: 0.99 },
      endpoints: [
        { endpoint: "/api/v1/agents/{agent_id}", requests: 80, rate: 4, errors: 20, errorRatio: 0.25, latency: { p95: 0.95 } },
        { endpoint: "/slow", requests: 2, rate: 0.1, errors: 0, errorRatio: 0, latency: { p95: 4.2 } },
      ],
      process: { residentMemoryBytes: 104857600, cpuCores: 0.15, restarted: false },
      samples: 10,
      notes: [],
    },
    dependencies: [{ name: "database", uptimeHour: 0.5, uptimeDay: 0.5, lastHour: Array(60).fill("unknown"), lastDay: Array(96).fill("healthy") }],
    incidents: [{ at: "2026-11-26T09:59:00Z", dependency: "database", from: "healthy", to: "degraded", reason: "Not an executable object" }],
    points: [],
    intervalSeconds: 30,
    memory: { retainedBytes: 524288, budgetBytes: 8388608, polls: 120, maxPolls: 8192 },
  };

  it("shows reconciled dependencies, uptime, metrics and incidents, checks on demand, and saves its settings", async () => {
    let settings = { intervalSeconds: 30, notifications: false, memoryBudgetMib: 8 };
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      health_overview: () => [view],
      health_check_now: () => null,
      health_settings: () => settings,
      save_health_settings: (args: Record<string, unknown>) => (settings = args.settings as typeof settings),
      health_sparklines: () => [["/slow", '<svg xmlns="http://www.w3.org/2000/svg" width="120"></svg>']],
      health_chart: (args: Record<string, unknown>) => `<svg xmlns="http://www.w3.org/2000/svg" data-chart="${String(args.chart)}" data-minutes="${String(args.minutes)}"></svg>`,
    });
    await goTo(user, "Health & Metrics");
    const card = await screen.findByText("The API reports its database unhealthy", { exact: false });
    expect(card.closest("[data-dependency]")).toHaveAttribute("data-status", "degraded");
    expect(screen.getByText(/uptime: last hour 50.0%/)).toBeInTheDocument();
    expect(screen.getByText("4.00/s", { selector: "dd" })).toBeInTheDocument();
    expect(screen.getByText("25.0%", { selector: "dd" })).toBeInTheDocument();
    expect(screen.getByText("550 ms / 950 ms / 990 ms")).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Incidents" })).toHaveTextContent("database healthy → degraded");
    expect(screen.getByTestId("health-memory")).toHaveTextContent("History: 120 polls, 0.50 MiB of 8.0 MiB; room for the last day at this interval.");
    // Top endpoints by traffic, then by latency.
    const firstEndpoint = () => within(screen.getByRole("table", { name: "Top endpoints" })).getAllByRole("row")[1];
    expect(firstEndpoint()).toHaveTextContent("/api/v1/agents/{agent_id}");
    await user.click(screen.getByRole("radio", { name: "Slowest" }));
    expect(firstEndpoint()).toHaveTextContent("/slow");
    expect(await screen.findByRole("img", { name: "/slow requests over the last hour" })).toBeInTheDocument();
    // Charts come from Rust as SVG; the range selector asks for another span.
    const latency = await screen.findByRole("img", { name: "Latency percentiles over the last 60 minutes" });
    expect(decodeURIComponent(latency.getAttribute("src") ?? "")).toContain('data-chart="latency"');
    await user.click(screen.getByRole("radio", { name: "24 hours" }));
    await screen.findByRole("img", { name: "Request rate over the last 1440 minutes" });
    await user.click(screen.getByRole("button", { name: "Check now" }));
    // Three changes in quick succession: each shows at once, and none undoes another when saved.
    await user.selectOptions(screen.getByRole("combobox", { name: "Polling interval" }), "60");
    await user.selectOptions(screen.getByRole("combobox", { name: "Memory per environment" }), "32");
    await user.click(screen.getByRole("checkbox", { name: "Notify me of changes" }));
    expect(screen.getByRole("combobox", { name: "Memory per environment" })).toHaveValue("32");
    await waitFor(() => {
      expect(calls.some((c) => c.command === "health_check_now" && c.args.env === "local")).toBe(true);
      expect(settings).toEqual({ intervalSeconds: 60, notifications: true, memoryBudgetMib: 32 });
    });
  });
});
