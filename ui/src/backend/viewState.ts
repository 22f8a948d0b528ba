// The window's disposable view state (last section and tab, table sort and column widths,
// collapsed groups) in tauri-plugin-store. The store file is created by the Rust side under a
// fixed name; the window can only get, set and save it. Operator data never goes here.
import { getStore, type Store } from "@tauri-apps/plugin-store";

export const VIEW_STATE_STORE = "view-state.json";

export type ViewState = Record<string, unknown>;

let store: Store | null = null;

/** Everything saved, read once at start; an unreadable store is an empty one. */
export async function loadViewState(): Promise<ViewState> {
  try {
    store = await getStore(VIEW_STATE_STORE);
    if (store === null) return {};
    return Object.fromEntries(await store.entries());
  } catch {
    return {};
  }
}

/** Remembers one value (the store saves itself shortly after). */
export async function saveViewState(key: string, value: unknown): Promise<void> {
  try {
    await store?.set(key, value);
  } catch {
    // View state is disposable: losing a column width is not worth an error.
  }
}
