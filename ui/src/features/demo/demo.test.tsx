import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Checklist, DemoProgress, DemoReport, DemoRows, DemoView, Script, StepResult } from "../../backend";
import { LOCAL, PROD, goTo, list } from "../../test/fixtures";
import { expectAccessible } from "../../test/a11y";
import { fakeJobs } from "../../test/jobs";
import { setup } from "../../test/renderApp";

const SCRIPT: Script = {
  name: "quick",
  title: "Agent Factory in five minutes",
  targetMinutes: 5,
  origin: "shipped:quick",
  steps: [
    { id: "health", title: "The platform is up", say: "Here is its **health**.", action: "show_health", audience: "A card per dependency.", recovery: "Check the API URL.", target_seconds: 40 },
    {
      id: "create-agent",
      title: "Create an agent",
      say: "One request creates it.",
      action: { create_agent: { id: "demo-live-{run}", name: "Support", instructions: "Be kind." } },
      audience: "The new agent.",
      recovery: "Wait for the rate limit's minute, then retry.",
      target_seconds: 60,
    },
  ],
};

const ROWS: DemoRows = { target: "127.0.0.1:5432/app", tables: [{ table: "tenants", rows: 0 }], total: 0 };

const CHECKLIST: Checklist = {
  environment: "local",
  script: "quick",
  requests: 9,
  ready: false,
  items: [
    { id: "production", title: "Not production", status: "pass", detail: "local is a dev environment" },
    { id: "database", title: "The database is reachable, migrated and valid", status: "fail", detail: "3 migration(s) pending, 0 problem(s)", fix: "apply_migrations" },
    { id: "llm", title: "An LLM key for the agent run", status: "warn", detail: "The run step will show the error path", fix: "open_secrets" },
  ],
};

const progress = (current: number, results: StepResult[] = []): DemoProgress => ({
  environment: "local",
  script: "quick",
  runId: "a1b2c3",
  startedAt: "2026-11-30T10:00:00Z",
  current,
  captured: {},
  results,
  log: [{ at: "2026-11-30T10:00:00Z", line: "started" }],
  elapsedMs: 0,
  finished: false,
});

const view = (p?: DemoProgress, live = true): DemoView => ({ environment: "local", source: "quick", script: SCRIPT, progress: p, live, black: false });

const result = (stepId: string, status: StepResult["status"], patch: Partial<StepResult> = {}): StepResult => ({
  stepId,
  status,
  check: "checked",
  visible: { headline: "The API is alive and healthy", facts: [{ label: "database", value: "healthy · 1 ms", tone: "good" }], bars: [] },
  requests: 3,
  durationMs: 12,
  ...patch,
});

describe("Demo", () => {
  it("checks the platform before the demo and seeds the data after a preview", async () => {
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      demo_view: () => view(),
      demo_scripts: () => ["quick", "extended"],
      demo_checklist: () => CHECKLIST,
      demo_data: () => ROWS,
      demo_seed_preview: () => ({ target: ROWS.target, rows: [{ table: "tenants", id: "demo-tenant", what: "Demo Organization (demo-org)" }], conflicts: [] }),
      demo_decision: () => ({ verdict: "confirm_yes", sentence: "seed the demo data on environment \"local\"?" }),
      seed_demo: () => ({ seeded: true, message: "Seeded the demo data on 127.0.0.1:5432/app: 9 rows", rows: [] }),
    });
    await goTo(user, "Demo");
    const checklist = await screen.findByRole("region", { name: "Before the demo" });
    // Each item says its state in words beside its colour.
    const db = await within(checklist).findByText(/3 migration\(s\) pending/);
    await expectAccessible("demo preparation");
    expect(db.closest("li")).toHaveTextContent("not ready");
    expect(within(checklist).getByText(/about 9 API requests/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: /Seed/ }));
    const dialog = await screen.findByRole("dialog", { name: "Seed the demo data on local" });
    expect(dialog).toHaveTextContent("demo-tenant: Demo Organization");
    await user.click(within(dialog).getByRole("button", { name: "Seed" }));
    await waitFor(() => expect(calls.find((c) => c.command === "seed_demo")?.args).toEqual({ env: "local", answer: { yes: true } }));
    expect(await screen.findByText(/Seeded the demo data/)).toBeInTheDocument();

    await user.click(within(checklist).getByRole("button", { name: "Open Migrations to apply them" }));
    expect(await screen.findByRole("heading", { name: "Migrations", level: 1 })).toBeInTheDocument();
  });

  it("presents from the keyboard, and a failed check offers its recovery to the presenter", async () => {
    let state = view(undefined);
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      demo_view: () => state,
      demo_scripts: () => ["quick", "extended"],
      demo_monitors: () => ["1 (1280×800)"],
      demo_start_decision: () => ({ verdict: "allowed", sentence: "go" }),
      start_demo: () => (state = view(progress(0))),
      // The backend's "next": perform the step when it has no result, else move on.
      demo_key: () => {
        const p = state.progress ?? progress(0);
        const step = SCRIPT.steps[p.current];
        if (step && !p.results.some((r) => r.stepId === step.id)) {
          const results = [...p.results, p.current === 0 ? result("health", "passed") : result("create-agent", "failed", { error: "rate-limited (probably)" })];
          state = view({ ...p, results });
        } else state = view({ ...p, current: p.current + 1 });
        return state;
      },
      mark_demo_step: () => (state = view({ ...(state.progress ?? progress(0)), current: 2, finished: true })),
    });
    await goTo(user, "Demo");
    await user.click(await screen.findByRole("tab", { name: "Present" }));
    await user.click(await screen.findByRole("button", { name: "Start the demo" }));
    expect(await screen.findByRole("heading", { name: "The platform is up" })).toBeInTheDocument();
    expect(screen.getByLabelText("Speaker notes")).toHaveTextContent("Here is its health.");

    await user.keyboard("{PageDown}");
    await waitFor(() => expect(calls.filter((c) => c.command === "demo_key")).toHaveLength(1));
    expect(calls.find((c) => c.command === "demo_key")?.args).toEqual({ env: "local", key: "next" });
    expect(await screen.findByRole("complementary", { name: "What the audience sees" })).toHaveTextContent("The API is alive and healthy");
    await user.keyboard("{PageDown}");
    await waitFor(() => expect(calls.filter((c) => c.command === "demo_key")).toHaveLength(2));
    expect(await screen.findByRole("heading", { name: "Create an agent" })).toBeInTheDocument();

    await user.keyboard("{PageDown}");
    expect(await screen.findByText(/Wait for the rate limit's minute/)).toBeInTheDocument();
    await expectAccessible("presenter with a failed check");
    // The audience pane does not show the failure.
    expect(screen.getByRole("complementary", { name: "What the audience sees" })).not.toHaveTextContent("rate-limited");
    await user.click(screen.getByRole("button", { name: /Skip/ }));
    await waitFor(() => expect(calls.find((c) => c.command === "mark_demo_step")?.args).toEqual({ env: "local", status: "skipped" }));
    expect(await screen.findByRole("heading", { name: "The demo is over" })).toBeInTheDocument();
  });

  it("offers to resume a demo saved before a restart", async () => {
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      demo_view: () => view(progress(1, [result("health", "passed")]), false),
      demo_scripts: () => ["quick"],
      demo_monitors: () => [],
      demo_checklist: () => CHECKLIST,
      demo_data: () => ROWS,
    });
    await goTo(user, "Demo");
    await user.click(await screen.findByRole("tab", { name: "Present" }));
    expect(await screen.findByRole("button", { name: "Resume at step 2" })).toBeInTheDocument();
  });

  it("rehearses the script as a job after the write policy's question, and reports it", async () => {
    const jobs = fakeJobs();
    const report: DemoReport = {
      environment: "local",
      script: "quick",
      title: SCRIPT.title,
      runId: "r1",
      startedAt: "2026-11-30T10:00:00Z",
      targetSeconds: 300,
      elapsedMs: 300_000,
      requests: 10,
      passed: 5,
      failed: 0,
      steps: [],
      log: [],
    };
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      demo_view: () => view(),
      demo_scripts: () => ["quick"],
      demo_checklist: () => CHECKLIST,
      demo_data: () => ROWS,
      demo_start_decision: () => ({ verdict: "confirm_yes", sentence: "delete what the demo creates on environment \"local\"?" }),
      rehearse_demo: () => jobs.start("demo.rehearse", "local", "Rehearse", ["The platform is up: passed"], { state: "succeeded", result: report }),
      ...jobs.handlers,
    });
    await goTo(user, "Demo");
    await user.click(await screen.findByRole("tab", { name: "Rehearse" }));
    await user.click(await screen.findByRole("button", { name: "Rehearse" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Rehearse" }));
    await waitFor(() => expect(calls.find((c) => c.command === "rehearse_demo")?.args).toEqual({ env: "local", answer: { yes: true } }));
    expect(await screen.findByText(/5 passed, 0 failed of 0 steps; 10 API requests; 5:00 of the 5:00 target/)).toBeInTheDocument();
  });

  it("refuses production", async () => {
    const { user, calls } = setup({ list_environments: () => list([PROD], "prod"), demo_scripts: () => ["quick"] });
    await goTo(user, "Demo");
    expect(await screen.findByText(/never runs on production/)).toBeInTheDocument();
    expect(calls.some((c) => c.command === "demo_view")).toBe(false);
  });
});
