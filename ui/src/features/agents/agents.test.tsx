import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AgentPlan, AgentsView, ApiAgent, ExecutionFilter } from "../../backend";
import { LOCAL, goTo, list } from "../../test/fixtures";
import { fakeJobs } from "../../test/jobs";
import { setup } from "../../test/renderApp";
import { fieldErrors } from "./AgentForm";
import { parseContext } from "./RunPanel";
import { expectAccessible } from "../../test/a11y";

const SUPPORT: ApiAgent = {
  id: "support-bot",
  name: "Support Bot",
  instructions: "Answer politely.",
  model: "gpt-4o",
  tools: [],
  knowledge_packs: [],
  config: { temperature: 0.7 },
  metadata: {},
};

const VIEW: AgentsView = {
  environment: "local",
  hasApi: true,
  hasDatabase: true,
  rows: [
    { id: "db-only", name: "Table Agent", source: "database", table: { id: "db-only", name: "Table Agent", tenantId: "t1", executions: [["completed", 2]] }, differences: [] },
    {
      id: "support-bot",
      name: "Support Bot",
      model: "gpt-4o",
      source: "both",
      api: SUPPORT,
      table: { id: "support-bot", name: "Support Bot (old)", instructions: "Answer politely.", model: "gpt-4o", executions: [] },
      differences: ["name"],
    },
  ],
};

describe("Agents", () => {
  it("shows both sides with their source, the differences, and a side that could not be read", async () => {
    const { user } = setup({
      list_environments: () => list([LOCAL], "local"),
      list_agents: () => ({ ...VIEW, apiError: { code: "unreachable", message: "The API at http://127.0.0.1:8000 cannot be reached" } }),
    });
    await goTo(user, "Agents");
    const table = await screen.findByRole("table", { name: "Agents" });
    await expectAccessible("agents table");
    expect(within(table).getByText("db-only").closest('[role="row"]')).toHaveAttribute("data-source", "database");
    expect(document.querySelector('[data-half="api"]')).toHaveTextContent("The API half is missing");
    await user.click(within(table).getByRole("button", { name: "support-bot" }));
    const detail = screen.getByRole("complementary", { name: "Agent support-bot" });
    expect(within(detail).getByRole("table", { name: "Differences" })).toHaveTextContent("Support Bot (old)");
    await user.click(screen.getByRole("radio", { name: "Database only" }));
    expect(within(table).queryByText("support-bot")).toBeNull();
  });

  it("saving over an existing agent shows what changes and asks before replacing it", async () => {
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      list_agents: () => VIEW,
      api_agent: () => SUPPORT,
      save_agent: () => null,
    });
    await goTo(user, "Agents");
    await user.click(await screen.findByRole("button", { name: "support-bot" }));
    await user.click(screen.getByRole("button", { name: /Edit/ }));
    const dialog = await screen.findByRole("dialog", { name: "Edit agent support-bot" });
    await expectAccessible("agent editor");
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    await user.clear(name);
    await user.type(name, "Support Bot 2");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    const notice = await within(dialog).findByTestId("replace-notice");
    expect(within(notice).getByRole("table", { name: "What saving changes" })).toHaveTextContent("Support Bot 2");
    expect(calls.some((c) => c.command === "save_agent")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Replace it…" }));
    await waitFor(() => {
      expect(calls.find((c) => c.command === "save_agent")?.args.agent).toEqual({ ...SUPPORT_FIELDS, name: "Support Bot 2" });
    });
  });

  it("a run without an LLM key shows the platform's error and what to do", async () => {
    const jobs = fakeJobs();
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      list_agents: () => VIEW,
      run_agent: () =>
        jobs.start("agent.run", "local", "Run support-bot on local", ["error in 0.00 s"], {
          state: "succeeded",
          result: { output: "", status: "error", execution_time: 0, error: "OpenAI API key required.", request_id: "r-1", explanation: "The API has no LLM key" },
        }),
      agent_run_history: () => [
        { at: "2026-11-30T10:02:00Z", agent: "support-bot", input: "Hello", status: "error", output: "", error: "OpenAI API key required.", executionTime: 0, requestId: "r-2" },
        { at: "2026-11-30T10:01:00Z", agent: "support-bot", input: "Earlier question", sessionId: "s-1", context: { lang: "fr" }, status: "completed", output: "Bonjour", executionTime: 1.5, requestId: "r-1" },
      ],
      ...jobs.handlers,
    });
    await goTo(user, "Agents");
    await user.click(await screen.findByRole("button", { name: "support-bot" }));
    const run = screen.getByRole("region", { name: "Run" });
    // The runs kept on this machine: one sent again fills the form; two are compared.
    const history = within(run).getByRole("region", { name: "Run history" });
    await user.click((await within(history).findAllByRole("button", { name: "Run again" }))[1] as HTMLElement);
    expect(within(run).getByRole("textbox", { name: "Input" })).toHaveValue("Earlier question");
    expect(within(run).getByRole("textbox", { name: /^Context/ })).toHaveValue('{"lang":"fr"}');
    for (const box of within(history).getAllByRole("checkbox")) await user.click(box);
    const compared = within(history).getByRole("table", { name: "Two runs compared" });
    expect(compared).toHaveTextContent("Bonjour");
    expect(within(compared).getByRole("rowheader", { name: "output" }).closest("tr")).toHaveAttribute("data-differs", "true");
    await user.clear(within(run).getByRole("textbox", { name: "Input" }));
    await user.clear(within(run).getByRole("textbox", { name: /^Context/ }));
    await user.type(within(run).getByRole("textbox", { name: "Input" }), "Hello");
    await user.type(within(run).getByRole("textbox", { name: /^Context/ }), "[[1]");
    expect(within(run).getByRole("alert")).toHaveTextContent("must be a JSON object");
    expect(within(run).getByRole("button", { name: /^Run$/ })).toBeDisabled();
    await user.clear(within(run).getByRole("textbox", { name: /^Context/ }));
    await user.click(within(run).getByRole("button", { name: /^Run$/ }));
    const result = await within(run).findByLabelText("Run result");
    expect(result).toHaveAttribute("data-status", "error");
    expect(result).toHaveTextContent("OpenAI API key required.");
    expect(result).toHaveTextContent("The API has no LLM key");
    expect(calls.find((c) => c.command === "run_agent")?.args.request).toEqual({ input_text: "Hello", session_id: "s-1" });
  });

  it("copies an API agent into the table with the chosen tenant, after showing the statement", async () => {
    const apiOnly = { ...VIEW, rows: [{ id: "research", name: "Research", model: "gpt-4o", source: "api" as const, api: { ...SUPPORT, id: "research", name: "Research" }, differences: [] }] };
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      list_agents: () => apiOnly,
      agent_table_choices: () => ({ tenants: [["t1", "Acme"], ["t2", "Beta"]], users: [["u1", "a@acme.test", "t1"], ["u2", "b@beta.test", "t2"]] }),
      reconcile_preview: (args) => ({
        ids: ["research"],
        direction: args.towards,
        target: "the agents table of local",
        text: `INSERT INTO public.agents (id, name, instructions, model, tenant_id, created_by) VALUES (E'research', E'Research', E'x', E'gpt-4o', ${(args.owner as { tenantId?: string }).tenantId ? "E't1'" : "NULL"}, NULL)`,
        replaces: [],
      }),
      reconcile_agents: () => null,
    });
    await goTo(user, "Agents");
    await user.click(await screen.findByRole("button", { name: "research" }));
    await user.click(screen.getByRole("button", { name: "Copy into the table…" }));
    const dialog = await screen.findByRole("dialog", { name: "Copy research into the agents table" });
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Tenant" }), "t1");
    // Only the chosen tenant's users are offered as the creator.
    expect(within(within(dialog).getByRole("combobox", { name: "Creator" })).getAllByRole("option").map((o) => o.textContent)).toEqual(["(none)", "a@acme.test"]);
    await waitFor(() => {
      expect(within(dialog).getByLabelText("What will be written")).toHaveTextContent("E't1'");
    });
    await user.click(within(dialog).getByRole("button", { name: "Write…" }));
    await waitFor(() => {
      const call = calls.find((c) => c.command === "reconcile_agents");
      expect(call?.args).toMatchObject({ ids: ["research"], towards: "to_table", owner: { tenantId: "t1" } });
    });
  });

  it("reads the fields a 422 names and checks the run context", () => {
    expect(fieldErrors({ code: "invalid_input", message: "x", details: "HTTP 422\nbody.name: Field required\nbody.other: x" })).toEqual({ name: "Field required" });
    expect(parseContext("")).toEqual({});
    expect(parseContext('{"a": 1}')).toEqual({ context: { a: 1 } });
    expect(parseContext("{nope").error).toMatch(/not JSON/);
  });

  it("imports a plan of agents: invalid ones named, the writes paced when they do not fit, a stop reported", async () => {
    const jobs = fakeJobs();
    const plan: AgentPlan = {
      target: "local",
      source: "/home/ops/agents",
      budget: { limitMinute: 60, remainingMinute: 1, summary: "1 of 60 left this minute" },
      items: [
        { id: "a", origin: "a.json", action: "new", changes: [], agent: { id: "a", name: "A", instructions: "Hi", model: "gpt-4o" } },
        {
          id: "support-bot",
          origin: "support-bot.yaml",
          action: "replace",
          changes: ["model"],
          agent: { ...SUPPORT_FIELDS, model: "gpt-4.1" },
          current: SUPPORT_FIELDS,
        },
        { id: "", origin: "broken.json", action: "invalid", changes: [], reason: "line 3, column 11: expected value" },
      ],
    };
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      list_agents: () => VIEW,
      import_agents_plan: () => plan,
      save_agents: () =>
        jobs.start("agents.save", "local", "Save 2 agents to local", ["[1/2] saved a"], {
          state: "succeeded",
          result: { done: ["a"], failed: "support-bot", error: { code: "rate_limited", message: "rate-limited (probably)" }, notStarted: [], cancelled: false, waitedSeconds: 0 },
        }),
      ...jobs.handlers,
    });
    await goTo(user, "Agents");
    await user.click(await screen.findByRole("button", { name: /Import folder/ }));
    const dialog = await screen.findByRole("dialog", { name: "Import agents into local" });
    const rows = within(dialog).getByRole("table", { name: "Plan" });
    expect(within(rows).getByText("line 3, column 11: expected value")).toBeInTheDocument();
    expect(within(rows).getByText("model: gpt-4o → gpt-4.1")).toBeInTheDocument();
    // Two writes, one request left this minute: paced unless the operator says otherwise.
    expect(within(dialog).getByText(/takes 2 request\(s\)/)).toHaveTextContent("1 of 60 left");
    expect(within(dialog).getByRole("checkbox", { name: /Pace/ })).toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Write 2 agent(s)" }));
    await user.click(await screen.findByRole("button", { name: "Write" }));
    await waitFor(() => expect(calls.find((c) => c.command === "save_agents")?.args).toMatchObject({ env: "local", pace: true }));
    expect((calls.find((c) => c.command === "save_agents")?.args.agents as { id: string }[]).map((a) => a.id)).toEqual(["a", "support-bot"]);
    const report = await within(dialog).findByRole("status");
    expect(report).toHaveTextContent("Wrote 1 agent(s). Stopped at support-bot");
    expect(within(dialog).getByRole("button", { name: "Write the 1 left" })).toBeInTheDocument();
  });

  it("lists executions a page at a time, says the API's need a login, and shows the detail of one", async () => {
    const page = (from: number, next: boolean) => ({
      rows: Array.from({ length: 3 }, (_, i) => ({ id: `x${from + i}`, kind: "agent", entityId: "db-only", status: i === 0 ? "failed" : "completed", createdAt: "2026-11-30 10:00:00", input: '{"q":1}' })),
      next: next ? { createdAt: "2026-11-30 10:00:00", id: `x${from + 2}` } : undefined,
    });
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      list_agents: () => VIEW,
      list_executions: (args) => ({
        api: [],
        table: (args.filter as ExecutionFilter).after ? page(3, false) : page(0, true),
        hasApi: true,
        hasDatabase: true,
        apiError: (args.filter as ExecutionFilter).after ? undefined : { code: "unauthorized", message: "The API's executions need a login" },
      }),
    });
    await goTo(user, "Agents");
    await user.click(await screen.findByRole("tab", { name: "Executions" }));
    const table = await screen.findByRole("table", { name: "Executions" });
    expect(document.querySelector('[data-half="api"]')).toHaveTextContent("need a login");
    // Few rows: the end of the list is in view, so the next page is asked for after the last row.
    await waitFor(() => expect(within(table).getByText("x5")).toBeInTheDocument());
    const after = calls.filter((c) => c.command === "list_executions").map((c) => (c.args.filter as ExecutionFilter).after?.id);
    expect(after).toEqual([undefined, "x2"]);
    await user.click(within(table).getByRole("button", { name: "x0" }));
    const detail = screen.getByRole("complementary", { name: "Execution x0" });
    expect(detail).toHaveTextContent('"q": 1');
    await user.selectOptions(screen.getByRole("combobox", { name: "Status" }), "failed");
    await waitFor(() => expect(calls.filter((c) => c.command === "list_executions").at(-1)?.args).toMatchObject({ filter: { status: "failed" } }));
  });
});

const SUPPORT_FIELDS = { id: SUPPORT.id, name: SUPPORT.name, instructions: SUPPORT.instructions, model: SUPPORT.model };
