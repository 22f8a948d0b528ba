import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { goTo } from "../../test/fixtures";
import { setup } from "../../test/renderApp";
import { expectAccessible } from "../../test/a11y";

afterEach(() => {
  vi.useRealTimers();
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
    const entry = (await screen.findByText("secret.set")).closest("[role=row]");
    await expectAccessible("audit log");
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
