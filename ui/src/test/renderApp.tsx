// Renders the whole app against scripted command handlers (see backend/mock.ts).
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AppInfo, AuditAction, Decision, Environment, EnvironmentList, Preferences, ViewState } from "../backend";
import { mockBackend, type Handler } from "../backend/mock";
import { App } from "../App";
import { resetJobLogs } from "../jobs/jobLog";
import { Providers } from "../Providers";

export const INFO: AppInfo = {
  name: "Agent Factory Console",
  version: "9.8.7",
  build: { profile: "release", commit: "abc1234def" },
  platform: { os: "linux", arch: "x86_64", webview: "2.50.6" },
  paths: {
    configDir: "/home/op/.config/dev.agentfactory.console",
    settingsFile: "/home/op/.config/dev.agentfactory.console/settings.json",
    logDir: "/home/op/.local/share/dev.agentfactory.console/logs",
    dataDir: "/home/op/.local/share/dev.agentfactory.console",
    auditLog: "/home/op/.config/dev.agentfactory.console/audit.jsonl",
    keyringService: "dev.agentfactory.console",
  },
};

/** The write policy's table (afc-core's guard), for the environments a test lists. */
function decide(action: AuditAction, env: Environment | undefined): Decision {
  const name = env?.name ?? "?";
  const on = `environment "${name}"`;
  const ownProfile = action === "environment.update" || action === "environment.delete";
  const write = ["variable.set", "environment.update", "agent.save", "agent.to-table"].includes(action);
  if (env?.safety === "read-only" && !ownProfile) return { verdict: "refused", reason: `${on} is read-only: ${action} is not allowed` };
  if (env?.safety !== "open") return { verdict: "confirm_name", name, sentence: `${on} is protected. Type its name to ${action}.` };
  return write ? { verdict: "allowed", sentence: action } : { verdict: "confirm_yes", sentence: `${action} on ${on}?` };
}

export function setup(
  overrides: Record<string, Handler> = {},
  systemTheme: "light" | "dark" = "light",
  initial: Preferences = { theme: "system", logLevel: "info" },
  viewState: ViewState = {},
) {
  let saved = initial;
  const environments = () => ((overrides.list_environments?.({}) as EnvironmentList | undefined)?.environments ?? []);
  const calls = mockBackend(
    {
      write_decision: (args) => decide(args.action as AuditAction, environments().find((e) => e.name === args.env)),
      get_preferences: () => saved,
      save_preferences: (args) => {
        saved = args.preferences as Preferences;
        return saved;
      },
      get_startup_notices: () => [],
      get_app_info: () => INFO,
      list_environments: () => ({ environments: [], notes: {} }),
      keyring_status: () => ({ available: true, service: "dev.agentfactory.console.debug" }),
      environment_presets: () => [],
      audit_log: () => ({ entries: [], unreadableLines: 0, path: "/tmp/audit.jsonl" }),
      list_jobs: () => [],
      ...overrides,
    },
    systemTheme,
  );
  const user = userEvent.setup();
  resetJobLogs();
  render(
    <Providers viewState={viewState}>
      <App />
    </Providers>,
  );
  return { user, calls };
}

