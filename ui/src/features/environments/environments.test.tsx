import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Environment } from "../../backend";
import { LOCAL, PROD, goTo, list } from "../../test/fixtures";
import { fakeJobs } from "../../test/jobs";
import { setup } from "../../test/renderApp";
import { expectAccessible } from "../../test/a11y";

afterEach(() => {
  vi.useRealTimers();
});

describe("environments", () => {
  it("first run tries the console on this machine: the sandbox as a job, then Health", async () => {
    const jobs = fakeJobs();
    let environments: Environment[] = [];
    const sandbox: Environment = { ...LOCAL, name: "local-sandbox", apiUrl: undefined };
    const { user, calls } = setup({
      list_environments: () => list(environments, environments[0]?.name),
      start_sandbox: () => {
        environments = [sandbox];
        return jobs.start("sandbox.up", "", "Set up the local sandbox", ["Creating database agent_factory_sandbox on 127.0.0.1:5432/postgres", "Applied 5 migration(s)"], {
          state: "succeeded",
          result: { environment: true, database: true, pendingMigrations: 0, demoRows: 9, api: "No Agent Factory API runs in the sandbox." },
        });
      },
      health_overview: () => [],
      ...jobs.handlers,
    });
    await user.click(await screen.findByRole("button", { name: "Try it on this machine" }));
    await waitFor(() => expect(calls.some((c) => c.command === "start_sandbox")).toBe(true));
    expect(await screen.findByRole("heading", { name: "Health & Metrics", level: 1 })).toBeInTheDocument();
  });

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
    await expectAccessible("environment editor");
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
    expect(calls.find((c) => c.command === "delete_environment")?.args.confirmation).toEqual({ yes: true, name: "prod" });
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

  it("plain http:// to a remote API is allowed only when ticked, and the card then warns", async () => {
    let saved: Environment = { ...LOCAL, apiUrl: "http://10.0.0.5:8000" };
    const { user, calls } = setup({
      list_environments: () => list([saved], "local"),
      update_environment: (args) => {
        saved = args.environment as Environment;
        return saved;
      },
    });
    const card = (await screen.findByRole("heading", { name: "local" })).closest("article");
    if (!card) throw new Error("no card");
    expect(within(card).queryByTestId("insecure-http")).not.toBeInTheDocument();
    await user.click(within(card).getByRole("button", { name: /Edit/ }));
    const dialog = await screen.findByRole("dialog", { name: "Edit local" });
    await user.click(within(dialog).getByRole("checkbox", { name: "Allow plain http:// to a remote host" }));
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));
    await waitFor(() => {
      expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    });
    const update = calls.find((c) => c.command === "update_environment");
    expect((update?.args.environment as Environment).allowInsecureHttp).toBe(true);
    expect(await screen.findByTestId("insecure-http")).toHaveTextContent("plain http allowed");
  });

  it("an API key without the af_ prefix is flagged before it is saved", async () => {
    const { user } = setup({ list_environments: () => list([LOCAL], "local") });
    const card = (await screen.findByRole("heading", { name: "local" })).closest("article");
    if (!card) throw new Error("no card");
    await user.click(within(card).getByRole("button", { name: /Edit/ }));
    const dialog = await screen.findByRole("dialog", { name: "Edit local" });
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Credentials" }), "api_key");
    const key = dialog.querySelector<HTMLInputElement>('input[name="apiSecret"]');
    if (!key) throw new Error("no key field");
    await user.type(key, "sk-not-a-platform-key");
    expect(within(dialog).getByTestId("api-key-prefix")).toHaveTextContent("only recognises keys that start with af_");
    await user.clear(key);
    await user.type(key, "af_right_shape_123");
    expect(within(dialog).queryByTestId("api-key-prefix")).not.toBeInTheDocument();
  });

  it("a stored password follows a changed host only when the operator says so", async () => {
    const { user, calls } = setup({
      list_environments: () => list([LOCAL], "local"),
      update_environment: (args) => args.environment,
    });
    const card = (await screen.findByRole("heading", { name: "local" })).closest("article");
    if (!card) throw new Error("no card");
    await user.click(within(card).getByRole("button", { name: /Edit/ }));
    const dialog = await screen.findByRole("dialog", { name: "Edit local" });
    const keep = /Send the stored password to app@db2.example.com:5432/;
    expect(within(dialog).queryByRole("checkbox", { name: keep })).not.toBeInTheDocument();
    const host = within(dialog).getByRole("textbox", { name: "Host" });
    await user.clear(host);
    await user.type(host, "db2.example.com");
    await user.click(within(dialog).getByRole("checkbox", { name: keep }));
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));
    await waitFor(() => {
      expect(calls.find((c) => c.command === "update_environment")?.args.secrets).toEqual({ dbPassword: { action: "keep" } });
    });
  });
});
