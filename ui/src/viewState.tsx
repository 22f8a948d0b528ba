// The window's disposable view state (last section, each section's tab, table sort and column
// widths, collapsed groups), restored at start. Read once; each change is saved in the
// background. Operator data (environments, health settings) never goes here.
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { saveViewState, type ViewState } from "./backend";

const Context = createContext<{ state: ViewState; set: (key: string, value: unknown) => void }>({
  state: {},
  set: () => undefined,
});

export function ViewStateProvider({ initial, children }: { initial: ViewState; children: ReactNode }) {
  const [state, setState] = useState(initial);
  const set = useCallback((key: string, value: unknown) => {
    setState((s) => ({ ...s, [key]: value }));
    void saveViewState(key, value);
  }, []);
  return <Context value={{ state, set }}>{children}</Context>;
}

/** A remembered value: `fallback` until one was saved, or when the saved one is not `valid`. */
export function useViewState<T>(key: string, fallback: T, valid: (v: unknown) => v is T = (v): v is T => typeof v === typeof fallback) {
  const { state, set } = useContext(Context);
  const saved = state[key];
  const value = saved !== undefined && valid(saved) ? saved : fallback;
  const update = useCallback(
    (next: T) => {
      set(key, next);
    },
    [key, set],
  );
  return [value, update] as const;
}

/** A remembered choice among `options` (a tab, a range). */
export function useViewChoice<T extends string>(key: string, options: readonly T[], fallback: T) {
  return useViewState<T>(key, fallback, (v): v is T => typeof v === "string" && (options as readonly string[]).includes(v));
}
