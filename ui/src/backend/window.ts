// The OS theme, and the native window's own theme (title bar, scrollbars).
import { getCurrentWindow } from "@tauri-apps/api/window";

export type Theme = "light" | "dark";

export async function systemTheme(): Promise<Theme> {
  return (await getCurrentWindow().theme()) ?? "light";
}

/** Calls `onChange` when the OS switches theme; returns a function that stops listening. */
export function onSystemThemeChange(onChange: (theme: Theme) => void): () => void {
  const stop = getCurrentWindow().onThemeChanged(({ payload }) => {
    onChange(payload);
  });
  return () => {
    void stop.then((unlisten) => {
      unlisten();
    });
  };
}

/** Forces the native window to a theme, or back to following the OS with `null`. */
export function setWindowTheme(theme: Theme | null): Promise<void> {
  return getCurrentWindow().setTheme(theme);
}

/** Closes this window as its close button would (the demo's audience window, on Escape). */
export function closeThisWindow(): Promise<void> {
  return getCurrentWindow().close();
}
