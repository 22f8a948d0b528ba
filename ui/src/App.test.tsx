import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { emitBackendEvent, failWith } from "./backend/mock";
import { SECTIONS, preloadSection } from "./sections";
import sectionsData from "./sections.json";
import { INFO, setup } from "./test/renderApp";

const BUILT = new Set(["environments", "secrets", "migrations", "health", "agents", "database", "smoke", "demo", "audit"]);

const heading = () => screen.findByRole("heading", { level: 1 });

/** The toast that contains `text` (Radix also renders a hidden live region with role=status). */
async function toastWith(text: string | RegExp) {
  const toast = (await screen.findByText(text)).closest("li");
  if (!toast) throw new Error("the text is not inside a toast");
  return toast;
}
const theme = () => document.documentElement.dataset.theme;

describe("the shell", () => {
  it("the section registry agrees with sections.json (which the end-to-end tests read)", () => {
    expect(SECTIONS.map((s) => [s.id, s.title, s.shortcut, s.component !== null])).toEqual(
      sectionsData.map((s, i) => [s.id, s.title, i + 1, s.built]),
    );
    expect(new Set(sectionsData.filter((s) => s.built).map((s) => s.id))).toEqual(BUILT);
  });

  it("paints the first screen's section with the shell once its code is preloaded, never a loading line first", async () => {
    await preloadSection("agents");
    let loadingShown = false;
    const observer = new MutationObserver(() => {
      if (document.body.textContent.includes("Loading…")) loadingShown = true;
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    setup({}, "light", undefined, { section: "agents" });
    expect(await heading()).toHaveTextContent("Agents");
    observer.disconnect();
    expect(loadingShown).toBe(false);
  });

  it("opens at the section it was left on", async () => {
    setup({}, "light", undefined, { section: "audit" });
    expect(await heading()).toHaveTextContent("Audit log");
  });

  it("reads the environments again when the backend says they changed (afctl, not polling)", async () => {
    let reads = 0;
    setup({
      list_environments: () => {
        reads += 1;
        return { environments: [], notes: {} };
      },
    });
    await heading();
    await waitFor(() => {
      expect(reads).toBe(1);
    });
    await act(() => emitBackendEvent("environments-changed"));
    await waitFor(() => {
      expect(reads).toBe(2);
    });
  });

  it("lists every section and says plainly which are not built yet", async () => {
    const { user } = setup();
    const nav = await screen.findByRole("navigation", { name: "Sections" });
    const items = within(nav).getAllByRole("button");
    expect(items.map((b) => b.dataset.section)).toEqual(SECTIONS.map((s) => s.id));

    for (const section of SECTIONS) {
      await user.click(within(nav).getByRole("button", { name: new RegExp(`^${section.title}`) }));
      expect(await heading()).toHaveTextContent(section.title);
      if (!BUILT.has(section.id)) expect(screen.getByText("This section is not built yet.")).toBeInTheDocument();
      expect(within(nav).getByRole("button", { current: "page" })).toHaveAttribute("data-section", section.id);
    }
  });

  it("moves between sections with Ctrl+number and the arrow keys", async () => {
    const { user } = setup();
    await heading();
    await user.keyboard("{Control>}3{/Control}");
    expect(await heading()).toHaveTextContent("Migrations");

    const current = screen.getByRole("button", { current: "page" });
    current.focus();
    await user.keyboard("{ArrowDown}");
    expect(await heading()).toHaveTextContent("Health & Metrics");
    expect(screen.getByRole("button", { current: "page" })).toHaveFocus();
    await user.keyboard("{End}");
    expect(await heading()).toHaveTextContent("Audit log");
    await user.keyboard("{Home}");
    expect(await heading()).toHaveTextContent("Environments");
    await user.keyboard("{ArrowUp}");
    expect(await heading()).toHaveTextContent("Environments");
  });
});

describe("About", () => {
  it("opens with F1 and shows version, build, platform and file locations", async () => {
    const { user } = setup();
    await heading();
    await user.keyboard("{F1}");
    const dialog = await screen.findByRole("dialog", { name: "About Agent Factory Console" });
    expect(await within(dialog).findByText("9.8.7")).toBeInTheDocument();
    expect(within(dialog).getByText("release · abc1234def")).toBeInTheDocument();
    expect(within(dialog).getByText("linux x86_64 · WebView 2.50.6")).toBeInTheDocument();
    expect(within(dialog).getByText(INFO.paths.logDir)).toBeInTheDocument();
    expect(within(dialog).getByText(INFO.paths.keyringService)).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => {
      expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    });
  });

  it("shows a failure inline with its code, details and a copy action", async () => {
    const { user } = setup({
      get_app_info: failWith({ code: "internal", message: "Could not read the build", details: "disk on fire" }),
    });
    await user.click(await screen.findByRole("button", { name: "About" }));
    const alert = await within(await screen.findByRole("dialog")).findByRole("alert");
    expect(alert).toHaveTextContent("internal");
    expect(alert).toHaveTextContent("Could not read the build");
    expect(alert).toHaveTextContent("disk on fire");
    await user.click(within(alert).getByRole("button", { name: "Copy details" }));
    expect(await navigator.clipboard.readText()).toBe("internal: Could not read the build\ndisk on fire");
  });
});

describe("themes", () => {
  it("follows the operating system when the preference is system", async () => {
    setup({}, "dark");
    await heading();
    await waitFor(() => {
      expect(theme()).toBe("dark");
    });
  });

  it("applies and saves a manual choice", async () => {
    const { user, calls } = setup({}, "dark");
    await user.click(await screen.findByRole("radio", { name: "Light theme" }));
    await waitFor(() => {
      expect(theme()).toBe("light");
    });
    const save = calls.find((c) => c.command === "save_preferences");
    expect(save?.args).toEqual({ preferences: { theme: "light", logLevel: "info" } });
    expect(calls.some((c) => c.command === "plugin:window|set_theme")).toBe(true);
  });

  it("starts in the saved theme without first telling the window to follow the system", async () => {
    const { calls } = setup({}, "light", { theme: "dark", logLevel: "info" });
    await heading();
    await waitFor(() => {
      expect(theme()).toBe("dark");
    });
    const windowThemes = calls.filter((c) => c.command === "plugin:window|set_theme").map((c) => c.args.value);
    expect(windowThemes).toEqual(["dark"]);
  });

  it("rolls back and reports the error when saving fails", async () => {
    const { user } = setup({
      save_preferences: failWith({ code: "internal", message: "Could not replace settings.json", details: "read-only" }),
    });
    await user.click(await screen.findByRole("radio", { name: "Dark theme" }));
    const toast = await toastWith("Could not replace settings.json");
    expect(toast).toHaveTextContent("internal");
    expect(toast).toHaveTextContent("read-only");
    await waitFor(() => {
      expect(theme()).toBe("light");
    });
    expect(screen.getByRole("radio", { name: "System theme" })).toHaveAttribute("aria-checked", "true");
  });
});

describe("preferences", () => {
  it("saves the log level from the Preferences dialog (Ctrl+,)", async () => {
    const { user, calls } = setup();
    await heading();
    await user.keyboard("{Control>},{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "Preferences" });
    await user.selectOptions(within(dialog).getByLabelText("Log level"), "debug");
    await waitFor(() => {
      expect(calls.filter((c) => c.command === "save_preferences").at(-1)?.args).toEqual({
        preferences: { theme: "system", logLevel: "debug" },
      });
    });
  });
});

describe("start-up notices", () => {
  it("are shown as toasts with their code", async () => {
    setup({
      get_startup_notices: () => [
        { code: "invalid_input", message: "Your settings file could not be read", details: "kept as settings.json.corrupt-1" },
      ],
    });
    const toast = await toastWith("Your settings file could not be read");
    expect(toast).toHaveTextContent("invalid_input");
    expect(toast).toHaveTextContent("kept as settings.json.corrupt-1");
  });
});
