import { Info, Settings } from "lucide-react";
import type { ThemePreference } from "../backend";
import { ThemeSwitch } from "./ThemeSwitch";

interface Props {
  theme: ThemePreference;
  onTheme: (t: ThemePreference) => void;
  onPreferences: () => void;
  onAbout: () => void;
}

/** Always visible. Its left side is where the current environment's name and colour will show. */
export function TopBar({ theme, onTheme, onPreferences, onAbout }: Props) {
  return (
    <header className="topbar">
      <div className="env-slot" data-testid="environment">
        <span className="env-slot__swatch" aria-hidden />
        <span className="env-slot__name">No environment</span>
        <span className="env-slot__hint">Environments are not built yet</span>
      </div>
      <div className="topbar__actions">
        <ThemeSwitch value={theme} onChange={onTheme} />
        <button type="button" className="icon-button" aria-label="Preferences" title="Preferences (Ctrl+,)" onClick={onPreferences}>
          <Settings size={17} aria-hidden />
        </button>
        <button type="button" className="icon-button" aria-label="About" title="About (F1)" onClick={onAbout}>
          <Info size={17} aria-hidden />
        </button>
      </div>
    </header>
  );
}
