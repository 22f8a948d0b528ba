import { useEffect } from "react";

export interface Shortcuts {
  /** Ctrl/⌘ + 1…9: the section at that position. */
  onSection: (index: number) => void;
  /** Ctrl/⌘ + , */
  onPreferences: () => void;
  /** F1 */
  onAbout: () => void;
  /** Ctrl/⌘ + E: the environment switcher. */
  onEnvironment: () => void;
}

/** Window-wide keyboard shortcuts. */
export function useShortcuts({ onSection, onPreferences, onAbout, onEnvironment }: Shortcuts) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && !e.shiftKey && /^[1-9]$/.test(e.key)) {
        e.preventDefault();
        onSection(Number(e.key) - 1);
      } else if (mod && e.key === ",") {
        e.preventDefault();
        onPreferences();
      } else if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "e") {
        e.preventDefault();
        onEnvironment();
      } else if (e.key === "F1") {
        e.preventDefault();
        onAbout();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [onSection, onPreferences, onAbout, onEnvironment]);
}
