// Test support: runs the UI against scripted command handlers instead of the Rust side.
// Only tests import this file, so it never reaches the production bundle.
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
      const handler = handlers[command];
      if (!handler) throw new Error(`no mock for command ${command}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export { clearMocks };
