import { KeyRound } from "lucide-react";
import type { AppError } from "../../backend";

/** What the operator sees when there is no OS keyring: what is missing and how to start it. */
export function KeyringUnavailable({ error, onRetry, retrying }: { error: AppError; onRetry: () => void; retrying: boolean }) {
  return (
    <div className="keyring-down" role="alert" data-testid="keyring-unavailable">
      <KeyRound size={28} aria-hidden />
      <div>
        <h2>The OS keyring is not available</h2>
        <p>
          The console keeps secret values only in the operating system&apos;s keyring, and will not store them anywhere
          else. Secrets cannot be read, revealed, set or imported until a keyring is running; everything else keeps
          working.
        </p>
        <p className="keyring-down__reason">
          <code className="error-code">{error.code}</code> {error.message}
        </p>
        <h3>How to start one</h3>
        <ul>
          <li>
            GNOME and most desktops: GNOME Keyring starts with the session. Run{" "}
            <code>gnome-keyring-daemon --start --components=secrets</code> if it is not running.
          </li>
          <li>KeePassXC: enable Settings → Secret Service Integration.</li>
          <li>
            Without a desktop session (SSH, CI): start a D-Bus session and an unlocked keyring, e.g.{" "}
            <code>dbus-run-session -- sh -c &apos;echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets; …&apos;</code>
          </li>
        </ul>
        {error.details && <pre className="error-notice__details">{error.details}</pre>}
        <button type="button" className="button button--primary" onClick={onRetry} disabled={retrying}>
          {retrying ? "Checking…" : "Try again"}
        </button>
      </div>
    </div>
  );
}
