// Typed wrappers, one per Rust command (src-tauri/src/commands/). Argument and result types are
// generated from the Rust definitions (./bindings, `npm run bindings`).
import { call } from "./ipc";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { Preferences } from "./bindings/Preferences";

export const getAppInfo = () => call<AppInfo>("get_app_info");

export const getPreferences = () => call<Preferences>("get_preferences");

export const savePreferences = (preferences: Preferences) =>
  call<Preferences>("save_preferences", { preferences });

export const getStartupNotices = () => call<AppError[]>("get_startup_notices");
