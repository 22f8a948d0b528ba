// What the backend pushes instead of the window polling (src-tauri/src/events.rs).
import { listen } from "@tauri-apps/api/event";

/** A job started or finished (payload: its id). */
export const JOBS_CHANGED = "jobs-changed";
/** An environment's health was polled (payload: its name). */
export const HEALTH_UPDATED = "health-updated";
/** The environments changed: in this window, or by afctl (the settings file was written). */
export const ENVIRONMENTS_CHANGED = "environments-changed";
/** A scheduled smoke run of an environment finished (payload: its name). */
export const SMOKE_UPDATED = "smoke-updated";
/** The demo on stage changed (payload: what the audience sees, an AudienceView). */
export const DEMO_UPDATED = "demo-updated";

export type BackendEvent = typeof JOBS_CHANGED | typeof HEALTH_UPDATED | typeof ENVIRONMENTS_CHANGED | typeof SMOKE_UPDATED | typeof DEMO_UPDATED;

/** Calls `onEvent` with each payload of `name`; returns a function that stops listening. */
export function onBackendEvent(name: BackendEvent, onEvent: (payload: unknown) => void): () => void {
  const stop = listen(name, ({ payload }) => {
    onEvent(payload);
  });
  return () => {
    void stop.then((unlisten) => {
      unlisten();
    });
  };
}
