import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CheckInfo, CheckResult, SmokeReport, SmokeRun } from "../../backend";
import { LOCAL, goTo, list } from "../../test/fixtures";
import { expectAccessible } from "../../test/a11y";
import { fakeJobs } from "../../test/jobs";
import { setup } from "../../test/renderApp";

const CHECKS: CheckInfo[] = [
  { id: "liveness", name: "Liveness (GET /live)", suite: "built-in", critical: true, requests: 1 },
  { id: "health", name: "Health (GET /health)", suite: "built-in", critical: true, requests: 1 },
  { id: "api-docs", name: "API docs", suite: "built-in", critical: false, requests: 3 },
  { id: "database", name: "Database (direct)", suite: "built-in", critical: true, requests: 0 },
];

const check = (id: string, status: CheckResult["status"], patch: Partial<CheckResult> = {}): CheckResult => ({
  id,
  name: CHECKS.find((c) => c.id === id)?.name ?? id,
  suite: "built-in",
  critical: CHECKS.find((c) => c.id === id)?.critical ?? false,
  status,
  latencyMs: 12,
  exchanges: [],
  ...patch,
});

const run = (id: string, outcome: SmokeRun["outcome"], checks: CheckResult[]): SmokeRun => ({
  id,
  environment: "local",
  startedAt: id,
  durationMs: 420,
  requests: 5,
  outcome,
  checks,
});

const GREEN = run("2026-11-30T10:00:00.000Z", "passed", [check("liveness", "pass"), check("health", "pass"), check("database", "pass")]);
const RED = run("2026-11-30T11:00:00.000Z", "failed", [
  check("liveness", "pass", { httpStatus: 200, requestId: "req-1" }),
  check("health", "fail", {
    httpStatus: 503,
    requestId: "req-2",
    reason: "HTTP 503 degraded: database: Not an executable object: 'SELECT 1'",
    exchanges: [
      {
        method: "GET",
        url: "http://127.0.0.1:8000/health",
        requestHeaders: [],
        status: 503,
        responseHeaders: [["x-request-id", "req-2"]],
        responseBody: '{"status":"degraded"}',
        latencyMs: 9,
      },
    ],
  }),
  check("database", "pass", { reason: "PostgreSQL 15.4 answered in 2 ms" }),
]);
const RED_REPORT: SmokeReport = { run: RED, diff: { previous: GREEN.id, baseline: GREEN.id, newlyFailing: ["health"], stillFailing: [], fixed: [], slower: [] } };

describe("Smoke checks", () => {
  it("runs the chosen checks as a job and shows why one failed, what changed and its evidence", async () => {
    const jobs = fakeJobs();
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      smoke_checks: () => CHECKS,
      smoke_history: () => [RED, GREEN],
      smoke_report: () => RED_REPORT,
      smoke_schedule: () => ({ everyMinutes: {} }),
      smoke_suites: () => [],
      set_smoke_schedule: (args) => ({ everyMinutes: { [String(args.env)]: args.minutes } }),
      run_smoke: () => jobs.start("smoke.run", "local", "Smoke checks of local", ["FAIL health"], { state: "succeeded", result: RED_REPORT }),
      export_smoke_run: () => "/home/ops/smoke.xml",
      ...jobs.handlers,
    });
    await goTo(user, "Smoke checks");
    const setupBox = await screen.findByRole("group", { name: "Checks of local" });
    expect(await within(setupBox).findByText("4 checks, 5 API requests")).toBeInTheDocument();
    await user.click(within(setupBox).getByRole("checkbox", { name: /api-docs/ }));
    expect(within(setupBox).getByText("3 checks, 2 API requests")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(calls.find((c) => c.command === "run_smoke")?.args).toMatchObject({ env: "local", options: { skip: ["api-docs"], concurrency: 8 } }));

    const table = await screen.findByRole("table", { name: "Smoke checks" });
    await waitFor(() => expect(within(table).getByText("health").closest('[role="row"]')).toHaveAttribute("data-status", "fail"));
    expect(table).toHaveTextContent("Not an executable object");
    expect(screen.getByRole("list", { name: "Compared with earlier runs" })).toHaveTextContent("Newly failing: health");
    // The trend: passed in the older run, failed in the newer.
    expect(within(table).getByRole("img", { name: /health in the last 2 runs: 1 failed/ })).toHaveAttribute("data-trend", "pf");

    await expectAccessible("smoke results");
    await user.click(within(table).getByRole("button", { name: "health" }));
    const detail = screen.getByRole("complementary", { name: "Check health" });
    expect(within(detail).getByRole("region", { name: "GET http://127.0.0.1:8000/health" })).toHaveTextContent("HTTP 503 in 9 ms");
    expect(within(detail).getByLabelText("Response body")).toHaveTextContent('{"status":"degraded"}');

    await user.click(screen.getByRole("radio", { name: "Failed" }));
    expect(within(table).queryByText("liveness")).toBeNull();

    await user.selectOptions(within(setupBox).getByRole("combobox", { name: "Schedule" }), "30");
    await waitFor(() => expect(calls.find((c) => c.command === "set_smoke_schedule")?.args).toEqual({ env: "local", minutes: 30 }));

    await user.click(screen.getByRole("button", { name: "JUnit XML" }));
    await waitFor(() => expect(calls.find((c) => c.command === "export_smoke_run")?.args).toEqual({ env: "local", id: RED.id, format: "junit" }));
  });

  it("shows an earlier run from the history, and says so when there is none", async () => {
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      smoke_checks: () => CHECKS,
      smoke_history: () => [RED, GREEN],
      smoke_schedule: () => ({ everyMinutes: { local: 15 } }),
      smoke_suites: () => ["/home/ops/flows"],
      remove_smoke_suite: () => [],
      smoke_report: (args) => (args.id === GREEN.id ? { run: GREEN, diff: { newlyFailing: [], stillFailing: [], fixed: [], slower: [] } } : RED_REPORT),
    });
    await goTo(user, "Smoke checks");
    expect(await screen.findByRole("combobox", { name: "Schedule" })).toHaveValue("15");
    await user.click(await screen.findByRole("button", { name: "Stop running the flows in /home/ops/flows" }));
    await waitFor(() => expect(calls.find((c) => c.command === "remove_smoke_suite")?.args).toEqual({ env: "local", suite: "/home/ops/flows" }));
    const history = await screen.findByRole("navigation", { name: "Earlier runs" });
    expect(history).toHaveTextContent("Runs (2)");
    await waitFor(() => expect(screen.getByRole("table", { name: "Smoke checks" })).toHaveTextContent("Not an executable object"));
    const older = within(history).getByRole("button", { name: new RegExp(new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(GREEN.startedAt))) });
    await user.click(older);
    await waitFor(() => expect(calls.some((c) => c.command === "smoke_report" && c.args.id === GREEN.id)).toBe(true));
    await waitFor(() => expect(screen.getByRole("table", { name: "Smoke checks" })).not.toHaveTextContent("Not an executable object"));
    expect(screen.getByText("The first run of this environment.")).toBeInTheDocument();
  });
});
