import { useEffect, useState } from "react";
import { onSystemThemeChange, setWindowTheme, systemTheme, type Theme, type ThemePreference } from "../backend";

/**
 * The theme to paint: the operator's choice, or the OS theme when they chose "system" (followed
 * live). Applies it to <html data-theme> and to the native window. While the preference is still
 * loading (`undefined`) the native window is left alone: Rust opened it in the saved theme.
 */
export function useResolvedTheme(preference: ThemePreference | undefined): Theme {
  const [osTheme, setOsTheme] = useState<Theme>("light");

  useEffect(() => {
    let live = true;
    systemTheme()
      .then((t) => {
        if (live) setOsTheme(t);
      })
      .catch(() => undefined); // Without an answer the light theme stays: nothing to report.
    const stop = onSystemThemeChange(setOsTheme);
    return () => {
      live = false;
      stop();
    };
  }, []);

  const resolved = preference === undefined || preference === "system" ? osTheme : preference;

  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }, [resolved]);

  useEffect(() => {
    if (preference === undefined) return;
    setWindowTheme(preference === "system" ? null : preference).catch(() => undefined);
  }, [preference]);

  return resolved;
}
