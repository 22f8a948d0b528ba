// Test support: runs the UI against scripted command handlers instead of the Rust side.
// Only tests import this file, so it never reaches the production bundle.
import type { Channel } from "@tauri-apps/api/core";
import type { JobUpdate } from "./bindings";
import { clearMocks, mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import type { AppError } from "./bindings/AppError";

export type Handler = (args: Record<string, unknown>) => unknown;

/** A handler that rejects the way a failing Rust command does. */
export function failWith(error: AppError): Handler {
  return () => {
    // A failing Rust command rejects with the plain {code, message, details?} object, not an Error.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw error;
  };
}

/**
 * Installs `handlers` (command name to handler) plus a main window whose OS theme is
 * `systemTheme`. Returns the list of calls made, for assertions.
 */
export function mockBackend(handlers: Record<string, Handler>, systemTheme: "light" | "dark" = "light") {
  const calls: { command: string; args: Record<string, unknown> }[] = [];
  mockWindows("main");
  mockIPC(
    (command, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ command, args });
      if (command === "plugin:window|theme") return systemTheme;
      if (command === "plugin:window|set_theme") return null;
      // The view-state store is not created in tests: the window then starts from defaults.
      if (command.startsWith("plugin:store|")) return null;
      const handler = handlers[command];
      if (!handler) throw new Error(`no mock for command ${command}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export { clearMocks };
/** Emits a backend event to the window (as src-tauri/src/events.rs does). */
export { emit as emitBackendEvent } from "@tauri-apps/api/event";

/** Sends `updates` on the channel `job_events` received, as the Rust side would. */
export function sendJobUpdates(channel: unknown, ...updates: JobUpdate[]) {
  const c = channel as Channel<JobUpdate>;
  for (const u of updates) c.onmessage(u);
}
