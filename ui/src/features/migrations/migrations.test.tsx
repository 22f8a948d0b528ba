import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCAL, goTo, list } from "../../test/fixtures";
import type { JobState, JobUpdate } from "../../backend";
import { sendJobUpdates } from "../../backend/mock";
import { fakeJobs } from "../../test/jobs";
import { setup } from "../../test/renderApp";
import { expectAccessible } from "../../test/a11y";

afterEach(() => {
  vi.useRealTimers();
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
    await expectAccessible("migrations table");
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
    const jobs = fakeJobs();
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => applied,
      revert_migrations: () =>
        jobs.start("migration.revert", "local", "Revert local's migrations after 0001", ["Locked 127.0.0.1:5432/app: 1 to run"], {
          state: "succeeded",
          result: { target: applied.target, applied: [2], skipped: [], cancelled: false, durationMs: 5 },
        }),
      ...jobs.handlers,
    });
    await goTo(user, "Migrations");
    await screen.findByRole("table", { name: "Migrations" });
    expect(screen.getByRole("button", { name: "Up to date" })).toBeDisabled();
    // Only 0001 has a newer reversible migration after it.
    await user.click(screen.getByRole("button", { name: "Revert newer…" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("Revert the migrations after 0001 on local?");
    expect(dialog).toHaveTextContent('migration.revert on environment "local"?');
    await user.click(within(dialog).getByRole("button", { name: "Revert" }));
    await waitFor(() => {
      expect(calls.some((c) => c.command === "revert_migrations" && c.args.to === 1)).toBe(true);
    });
    expect(calls.find((c) => c.command === "revert_migrations")?.args.confirmation).toEqual({ yes: true });
    expect(await screen.findByLabelText("Live log")).toHaveTextContent("1 to run");
  });

  it("after an apply, a validation begun before it is not what the Validate tab shows", async () => {
    const report = (errors: number) => ({ target: status.target, shape: { kind: "console_managed" }, checkedAt: "2026-11-26T10:00:00Z", errors, warnings: 0, infos: 0, findings: [] });
    let releaseEarly: (value: unknown) => void = () => undefined;
    let validations = 0;
    const jobs = fakeJobs();
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => status,
      audit_log: () => ({ entries: [], path: "/tmp/audit.jsonl" }),
      ...jobs.handlers,
      // The first validation (before the apply) answers only when released, after the apply.
      validate_schema: () => {
        validations += 1;
        return validations === 1 ? new Promise((resolve) => (releaseEarly = resolve)) : report(0);
      },
      apply_migrations: () =>
        jobs.start("migration.apply", "local", "Apply migrations to local", ["Finished: 1 applied in 9 ms"], {
          state: "succeeded",
          result: { target: status.target, applied: [2], skipped: [], cancelled: false, durationMs: 9 },
        }),
    });
    await goTo(user, "Migrations");
    await user.click(screen.getByRole("tab", { name: "Validate" }));
    await user.click(screen.getByRole("tab", { name: "Status" }));
    await user.click(await screen.findByRole("button", { name: "Apply 1 pending…" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Apply" }));
    await screen.findByText("Done");
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

  it("a running apply's log is whole after leaving the section and coming back, and it can be cancelled", async () => {
    // A job that is still running (fakeJobs' jobs have all finished): listed as running until
    // it is cancelled, its log so far replayed to each subscriber.
    const running = 1;
    let state: JobState = "running";
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => status,
      list_jobs: () => [
        {
          id: running,
          kind: "migration.apply",
          environment: "local",
          title: "Apply migrations to local",
          startedAt: "2026-11-30T10:00:00Z",
          state,
          progress: { done: 1, total: 2 },
          lastMessage: "[1/2] 0002_performance_indexes (22 statements)",
          droppedEvents: 0,
          cancellable: true,
          background: false,
        },
      ],
      job_events: (args) => {
        sendJobUpdates(
          args.events,
          ...["Locked 127.0.0.1:5432/app: 2 to run", "[1/2] 0002_performance_indexes (22 statements)"].map(
            (message, i): JobUpdate => ({ type: "event", data: { seq: i + 1, at: "2026-11-30T10:00:00Z", message } }),
          ),
        );
        return { id: running, kind: "migration.apply", title: "Apply migrations to local", startedAt: "", state, lastMessage: "", droppedEvents: 0, cancellable: true, background: false };
      },
      cancel_job: () => {
        state = "cancelled";
        return true;
      },
    });
    await goTo(user, "Migrations");
    expect(await screen.findByLabelText("Live log")).toHaveTextContent("[1/2] 0002_performance_indexes");
    await goTo(user, "Audit log");
    await goTo(user, "Migrations");
    const log = await screen.findByLabelText("Live log");
    expect(log).toHaveTextContent("2 to run");
    expect(log).toHaveTextContent("[1/2] 0002_performance_indexes");
    // The top bar counts it, and cancels it from its list.
    await user.click(screen.getByRole("button", { name: "Jobs: 1 running" }));
    const dialog = await screen.findByRole("dialog", { name: "Jobs" });
    await user.click(within(dialog).getByRole("button", { name: /Apply migrations to local/ }));
    await user.click(await within(dialog).findByRole("button", { name: "Cancel at the next safe point" }));
    await waitFor(() => {
      expect(calls.some((c) => c.command === "cancel_job" && c.args.id === running)).toBe(true);
    });
    expect(await within(dialog).findByRole("button", { name: "Cancelling at the next safe point…" })).toBeDisabled();
  });

  it("adoption offers to fill NULLs with an editable value, and sends only what was accepted", async () => {
    const jobs = fakeJobs();
    const blocker = {
      object: "column workflows.definition",
      problem: "workflows has rows with no value, where the repair adds NOT NULL",
      rows: ["id w3"],
      backfill: { column: "workflows.definition", proposed: "{}" },
    };
    const plan = (backfills: [string, string][]) => ({
      target: status.target,
      mode: "local",
      shape: { kind: "alembic", revision: "002" },
      differences: [],
      steps: backfills.map(([c, v]) => ({ object: c, found: "NULL in id w3", expected: v, sql: `UPDATE public.workflows SET definition = E'${v}' WHERE definition IS NULL` })),
      lint: [],
      blockers: backfills.length ? [] : [blocker],
      baseline: ["0001_core_tables.up.sql"],
    });
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => ({ ...status, shape: { kind: "alembic", revision: "002" } }),
      adoption_plan: (args) => plan(args.backfills as [string, string][]),
      adopt_database: () => jobs.start("migration.adopt", "local", "Adopt local's database", [], { state: "succeeded", result: { target: status.target, applied: [1], skipped: [], cancelled: false, durationMs: 9 } }),
      ...jobs.handlers,
    });
    await goTo(user, "Migrations");
    await user.click(await screen.findByRole("tab", { name: "Adopt" }));
    const form = await screen.findByRole("form", { name: "Fill workflows.definition" });
    expect(screen.getByRole("button", { name: "Adopt…" })).toBeDisabled();
    const value = within(form).getByRole("textbox");
    expect(value).toHaveValue("{}");
    await user.clear(value);
    await user.type(value, '{{"steps": [[]}');
    await user.click(within(form).getByRole("button", { name: "Use this value" }));
    expect(await screen.findByRole("list", { name: "Accepted back-fills" })).toHaveTextContent("workflows.definition");
    expect(screen.getByText(/UPDATE/, { selector: ".sql__keyword" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Adopt…" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Run the repair" }));
    await waitFor(() => {
      expect(calls.find((c) => c.command === "adopt_database")?.args.backfills).toEqual([["workflows.definition", '{"steps": []}']]);
    });
  });

  it("adopting a database the console already manages has nothing to do", async () => {
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      migration_status: () => status,
      adoption_plan: () => ({ target: status.target, mode: "local", shape: { kind: "console_managed" }, differences: [], steps: [], lint: [], blockers: [], baseline: [] }),
    });
    await goTo(user, "Migrations");
    await user.click(await screen.findByRole("tab", { name: "Adopt" }));
    expect(await screen.findByText(/Nothing to do: the console already manages this database/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Adopt…" })).toBeNull();
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
