import { useEffect, useState } from "react";
import { DEMO_UPDATED, closeThisWindow, demoAudience, demoKey, onBackendEvent, toAppError, type AudienceView } from "../../backend";
import { useResolvedTheme } from "../../hooks/useResolvedTheme";
import { presenterKey } from "./keys";
import { VisibleResult } from "./VisibleResult";
import "./demo.css";

const AUDIENCE_TITLE = "Agent Factory — audience";

/** The audience window: the current step's title and visible result in large type, or black.
 * Its keys (a clicker's Page Up/Down, arrows, space, B) act on the demo it shows; Escape
 * closes it (the presenter's window opens it again). */
export function AudienceApp() {
  const [view, setView] = useState<AudienceView | null>(null);
  useResolvedTheme(view?.theme);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = AUDIENCE_TITLE;
    let live = true;
    demoAudience().then(
      (v) => {
        if (live) setView(v);
      },
      (e: unknown) => {
        if (live) setError(toAppError(e).message);
      },
    );
    const stop = onBackendEvent(DEMO_UPDATED, (payload) => {
      setView(payload as AudienceView);
    });
    return () => {
      live = false;
      stop();
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        closeThisWindow().catch((err: unknown) => {
          setError(toAppError(err).message);
        });
        return;
      }
      const key = presenterKey(e);
      if (!key) return;
      e.preventDefault();
      demoKey(null, key).catch((err: unknown) => {
        setError(toAppError(err).message);
      });
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, []);

  if (view?.black) return <main className="audience audience--black" aria-label="Black screen" data-black />;
  const step = view?.step;
  return (
    <main className="audience" aria-live="polite">
      {error && <p role="alert">{error}</p>}
      <header className="audience__header">
        <span>{view?.title ?? "Agent Factory"}</span>
        {step && <span className="audience__count">{`${String(step.index + 1)} / ${String(step.total)}`}</span>}
      </header>
      {step ? (
        <section className="audience__step" data-audience-step={step.index}>
          <h1>{step.title}</h1>
          {step.visible ? <VisibleResult visible={step.visible} /> : <p className="audience__expect">{step.expect}</p>}
        </section>
      ) : (
        <section className="audience__step">
          <h1>{view?.title || "Agent Factory"}</h1>
          <p className="audience__expect">{view?.finished ? "Thank you." : "The demo will start shortly."}</p>
        </section>
      )}
    </main>
  );
}
