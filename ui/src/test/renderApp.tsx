// Renders the whole app against scripted command handlers (see backend/mock.ts).
import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AppInfo, Preferences } from "../backend";
import { mockBackend, type Handler } from "../backend/mock";
import { App } from "../App";
import { ToastProvider } from "../components/Toasts";
import { createQueryClient } from "../queries";

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

export function setup(
  overrides: Record<string, Handler> = {},
  systemTheme: "light" | "dark" = "light",
  initial: Preferences = { theme: "system", logLevel: "info" },
) {
  let saved = initial;
  const calls = mockBackend(
    {
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
      ...overrides,
    },
    systemTheme,
  );
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <App />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { user, calls };
}

