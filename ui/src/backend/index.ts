// The UI's only seam to the backend: nothing outside ui/src/backend imports @tauri-apps.
export * from "./commands.gen";
export type * from "./bindings";
export { BackendError, toAppError } from "./ipc";
export { closeThisWindow, onSystemThemeChange, setWindowTheme, systemTheme, type Theme } from "./window";
export { DEMO_UPDATED, ENVIRONMENTS_CHANGED, HEALTH_UPDATED, JOBS_CHANGED, SMOKE_UPDATED, onBackendEvent, type BackendEvent } from "./events";
export { watchJob } from "./jobs";
export { loadViewState, saveViewState, type ViewState } from "./viewState";
