// The one door to the Rust side. Every command goes through `call`, which turns any rejection
// into a BackendError carrying the stable {code, message, details?} shape the UI branches on.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";

/** An error from the backend, as an Error so stacks and TanStack Query handle it normally. */
export class BackendError extends Error {
  readonly error: AppError;

  constructor(error: AppError) {
    super(error.message);
    this.name = "BackendError";
    this.error = error;
  }
}

function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string";
}

/** Whatever was thrown, as an AppError the UI can show. */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof BackendError) return thrown.error;
  if (isAppError(thrown)) return thrown;
  // Tauri rejects with a plain string when a command could not be called at all
  // (a missing permission, arguments that do not deserialise).
  const details = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: "internal", message: "The console could not complete this request", details };
}

export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw new BackendError(toAppError(thrown));
  }
}
