// The UI's only seam to the backend: nothing outside ui/src/backend imports @tauri-apps.
export * from "./commands";
export { BackendError, toAppError } from "./ipc";
export { onSystemThemeChange, setWindowTheme, systemTheme, type Theme } from "./window";
export type { AppError } from "./bindings/AppError";
export type { AppInfo } from "./bindings/AppInfo";
export type { ErrorCode } from "./bindings/ErrorCode";
export type { LogLevel } from "./bindings/LogLevel";
export type { Preferences } from "./bindings/Preferences";
export type { ThemePreference } from "./bindings/ThemePreference";
