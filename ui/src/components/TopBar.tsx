import "./TopBar.css";
import { Info, Settings } from "lucide-react";
import type { Environment, ThemePreference } from "../backend";
import { JobsIndicator } from "../jobs/JobsIndicator";
import { ThemeSwitch } from "./ThemeSwitch";
import { IconButton } from "./IconButton";

interface Props {
  theme: ThemePreference;
  onTheme: (t: ThemePreference) => void;
  onPreferences: () => void;
  onAbout: () => void;
  environments: Environment[];
  current: Environment | undefined;
  onSwitch: (name: string) => void;
  onManage: () => void;
}

/** Always visible, so the current environment's name, colour and safety level are on every screen. */
export function TopBar({ theme, onTheme, onPreferences, onAbout, environments, current, onSwitch, onManage }: Props) {
  return (
    <header className="topbar">
      <div className="env-slot" data-testid="environment" data-kind={current?.kind} data-safety={current?.safety}>
        <span className={current ? "env-slot__swatch env-slot__swatch--set" : "env-slot__swatch"} aria-hidden />
        {current ? (
          <>
            <label className="visually-hidden" htmlFor="env-switch">
              Current environment
            </label>
            <select
              id="env-switch"
              className="select env-slot__select"
              title="Switch environment (Ctrl+E)"
              value={current.name}
              onChange={(e) => onSwitch(e.target.value)}
            >
              {environments.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
            <span className={`badge badge--kind-${current.kind}`}>{current.kind}</span>
            {current.safety !== "open" && <span className="badge badge--safety">{current.safety}</span>}
          </>
        ) : (
          <>
            <span className="env-slot__name">No environment</span>
            <button type="button" className="button button--small" onClick={onManage}>
              Add one
            </button>
          </>
        )}
      </div>
      <div className="topbar__actions">
        <JobsIndicator />
        <ThemeSwitch value={theme} onChange={onTheme} />
        <IconButton icon={Settings} size={17} label="Preferences" title="Preferences (Ctrl+,)" onClick={onPreferences} />
        <IconButton icon={Info} size={17} label="About" title="About (F1)" onClick={onAbout} />
      </div>
    </header>
  );
}
