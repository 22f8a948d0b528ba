import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCAL, goTo, list } from "../../test/fixtures";
import { setup } from "../../test/renderApp";
import { expectAccessible } from "../../test/a11y";

afterEach(() => {
  vi.useRealTimers();
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
      probes: { requests: 40, errors: 30, errorRatio: 0.75 },
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
    await expectAccessible("health cards");
    expect(card.closest("[data-dependency]")).toHaveAttribute("data-status", "degraded");
    expect(screen.getByText(/uptime: last hour 50.0%/)).toBeInTheDocument();
    expect(screen.getByText("4.00/s", { selector: "dd" })).toBeInTheDocument();
    const errors = document.querySelector('[data-field="error-ratio"]');
    expect(errors).toHaveTextContent(/^25\.0%without the probe endpoints/);
    expect(errors).toHaveTextContent("probes: 30 of 40 failed (75.0%)");
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
