import type { LogLevel, Preferences } from "../backend";
import { Modal } from "./Modal";
import { ThemeSwitch } from "./ThemeSwitch";

const LEVELS: { value: LogLevel; label: string }[] = [
  { value: "error", label: "Errors only" },
  { value: "warn", label: "Warnings" },
  { value: "info", label: "Information (default)" },
  { value: "debug", label: "Debug" },
  { value: "trace", label: "Trace (very verbose)" },
];

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  preferences: Preferences;
  onChange: (next: Preferences) => void;
}

/** Changes apply and are saved at once. */
export function PreferencesDialog({ open, onOpenChange, preferences, onChange }: Props) {
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Preferences">
      <div className="form">
        <div className="form__row">
          <span className="form__label" id="pref-theme">
            Theme
          </span>
          <ThemeSwitch
            value={preferences.theme}
            onChange={(theme) => onChange({ ...preferences, theme })}
          />
        </div>
        <div className="form__row">
          <label className="form__label" htmlFor="pref-log-level">
            Log level
          </label>
          <select
            id="pref-log-level"
            className="select"
            value={preferences.logLevel}
            onChange={(e) => {
              const level = LEVELS.find((l) => l.value === e.target.value);
              if (level) onChange({ ...preferences, logLevel: level.value });
            }}
          >
            {LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
          <p className="form__hint">How much the console writes to its log file. The AFC_LOG environment variable, when set, takes precedence.</p>
        </div>
      </div>
    </Modal>
  );
}
