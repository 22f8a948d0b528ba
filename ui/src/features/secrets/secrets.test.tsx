import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DriftBoard, VariableRow } from "../../backend";
import { LOCAL, PROD, goTo, list, row, variables } from "../../test/fixtures";
import { fakeJobs } from "../../test/jobs";
import { setup } from "../../test/renderApp";
import { expectAccessible } from "../../test/a11y";

afterEach(() => {
  vi.useRealTimers();
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

  it("keeps a custom secret in the keyring until the operator confirms storing it as plain text", async () => {
    const custom = row("PARTNER_ENDPOINT_CODE", { category: "custom", custom: true });
    const { user, calls } = setup({ ...handlers([row("JWT_SECRET_KEY"), custom]), change_variable: () => null });
    await goTo(user, "Secrets");
    expect(await screen.findByRole("button", { name: "Store PARTNER_ENDPOINT_CODE as plain text" })).toBeInTheDocument();
    // A catalog secret has no such action.
    expect(screen.queryByRole("button", { name: "Store JWT_SECRET_KEY as plain text" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Store PARTNER_ENDPOINT_CODE as plain text" }));
    const dialog = await screen.findByRole("dialog", { name: "Store PARTNER_ENDPOINT_CODE as plain text?" });
    await expectAccessible("make-plain confirmation");
    expect(dialog).toHaveTextContent("written to the console's settings file");
    expect(calls.some((c) => c.command === "change_variable")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Store as plain text" }));
    await waitFor(() => {
      expect(calls.find((c) => c.command === "change_variable")?.args).toEqual({
        environment: "local",
        name: "PARTNER_ENDPOINT_CODE",
        change: "make_plain",
        confirmation: { yes: true },
      });
    });
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
    const jobs = fakeJobs();
    const { user, calls } = setup({
      ...handlers([]),
      preview_import: () => ({
        id: 7,
        source: "/tmp/x.env",
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
      apply_import: () =>
        jobs.start("secrets.import", "local", "Import /tmp/x.env into local", ["Importing /tmp/x.env"], {
          state: "succeeded",
          result: { environment: "local", added: 1, changed: 1, unchanged: 1, secrets: 1, skipped: 1 },
        }),
      ...jobs.handlers,
    });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("button", { name: /Import .env/ }));
    const dialog = await screen.findByRole("dialog");
    // The window has no path field: the backend opens the native dialog and reads the chosen file.
    expect(within(dialog).queryByRole("textbox")).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Choose a file and preview…" }));
    expect(await within(dialog).findByText(/Line 2: Not a KEY=value line/)).toBeInTheDocument();
    expect(within(dialog).getByText("OPENAI_API_KEY").closest("tr")).toHaveTextContent("hidden");
    expect(calls.some((c) => c.command === "apply_import")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Import 2 variables" }));
    expect(await within(dialog).findByRole("status")).toHaveTextContent("1 new, 1 changed, 1 unchanged");
    expect(calls.find((c) => c.command === "apply_import")?.args).toEqual({ id: 7, confirmation: { yes: true } });
    expect(within(dialog).getByLabelText("Live log")).toHaveTextContent("Importing /tmp/x.env");
    expect(calls.find((c) => c.command === "preview_import")?.args.source).toEqual({ kind: "file" });
  });

  it("importing into a protected environment needs its name typed", async () => {
    const { user } = setup({
      list_environments: () => list([PROD], "prod"),
      list_variables: () => ({ environment: "prod", rows: [] }),
      preview_import: () => ({
        id: 1,
        source: "pasted text",
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
    await user.type(within(dialog).getByLabelText(/"prod" is protected/), "prod");
    expect(importButton).toBeEnabled();
  });

  it("a cancelled file dialog changes nothing and shows no preview", async () => {
    const { user, calls } = setup({ ...handlers([]), preview_import: () => null });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("button", { name: /Import .env/ }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Choose a file and preview…" }));
    await waitFor(() => {
      expect(calls.some((c) => c.command === "preview_import")).toBe(true);
    });
    expect(within(dialog).queryByTestId("import-preview")).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
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
    const { user } = setup({
      ...handlers([]),
      drift_board: () => board,
      agents_overview: () => [
        { environment: "local", count: 3, missing: [], different: ["support-bot"] },
        { environment: "prod", count: 2, missing: ["new-one"], different: ["support-bot"] },
      ],
    });
    await goTo(user, "Secrets");
    await user.click(await screen.findByRole("tab", { name: "Drift board" }));
    const table = await screen.findByTestId("drift-board");
    expect(table).toHaveTextContent("The same value is used in local (dev)");
    expect(within(table).queryByText("JWT_SECRET_KEY", { selector: "td" })).not.toBeInTheDocument();
    expect(within(table).getByText("SENTRY_DSN").closest("tr")).toHaveTextContent("missing");
    await user.click(within(table).getByLabelText("Only variables that differ"));
    expect(within(table).getByText("JWT_SECRET_KEY", { selector: "td" }).closest("tr")).toHaveTextContent("secret · A");
    // The agents rows: what each environment's API lacks and what differs.
    const agents = await within(table).findByRole("table", { name: "Agents of every environment" });
    expect(agents.querySelector('[data-agents-env="prod"]')).toHaveAttribute("data-status", "missing");
    expect(agents.querySelector('[data-agents-env="prod"]')).toHaveTextContent("new-one");
    expect(agents.querySelector('[data-agents-env="local"]')).toHaveAttribute("data-status", "different");
  });
});
