// Backend data through TanStack Query: one hook per command, one cache for the whole window.
import { QueryClient, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import {
  auditLog,
  driftBoard,
  environmentPresets,
  getAppInfo,
  getPreferences,
  getStartupNotices,
  keyringStatus,
  listEnvironments,
  listVariables,
  savePreferences,
  type Preferences,
} from "./backend";

export function createQueryClient() {
  return new QueryClient({
    // Local IPC either answers or fails for a reason retrying will not change.
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
}

export const useAppInfo = (enabled = true) => useQuery({ queryKey: ["appInfo"], queryFn: getAppInfo, enabled });

export const usePreferences = () => useQuery({ queryKey: ["preferences"], queryFn: getPreferences });

export const useStartupNotices = () => useQuery({ queryKey: ["startupNotices"], queryFn: getStartupNotices });

/** Saves preferences, showing the change at once and rolling it back if the save fails. */
export function useSavePreferences() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: savePreferences,
    onMutate: async (next: Preferences) => {
      await client.cancelQueries({ queryKey: ["preferences"] });
      const previous = client.getQueryData<Preferences>(["preferences"]);
      client.setQueryData(["preferences"], next);
      return { previous };
    },
    onError: (_error, _next, context) => {
      if (context?.previous) client.setQueryData(["preferences"], context.previous);
    },
    onSuccess: (saved) => client.setQueryData(["preferences"], saved),
  });
}

// Environments and secrets. Every change invalidates what it can affect, so each view refetches.
// afctl shares these files, so each view refetches when it is shown rather than trusting a cache,
// and the environment list (a small local file) is re-read every few seconds.
export const useEnvironments = () =>
  useQuery({ queryKey: ["environments"], queryFn: listEnvironments, staleTime: 0, refetchInterval: 3000 });

export const usePresets = () => useQuery({ queryKey: ["presets"], queryFn: environmentPresets });

export const useKeyringStatus = () => useQuery({ queryKey: ["keyring"], queryFn: keyringStatus, staleTime: 0 });

export const useVariables = (environment: string | undefined) =>
  useQuery({
    queryKey: ["variables", environment],
    queryFn: () => listVariables(environment ?? ""),
    enabled: environment !== undefined,
    staleTime: 0,
  });

export const useDriftBoard = (enabled: boolean) =>
  useQuery({ queryKey: ["drift"], queryFn: driftBoard, enabled, staleTime: 0 });

export const useAuditLog = () => useQuery({ queryKey: ["audit"], queryFn: auditLog, staleTime: 0 });

/** Reads everything under `keys` again after a write. A read still in flight began before the
 * write, and a view mounted now would wait for it rather than start another, so it is cancelled
 * first. */
export async function refreshAfterWrite(client: QueryClient, keys: QueryKey[]) {
  await Promise.all(keys.map((queryKey) => client.cancelQueries({ queryKey })));
  await Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** A mutation whose success refreshes environments, variables, the drift board and the audit log. */
export function useChange<A, R>(fn: (args: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => refreshAfterWrite(client, [["environments"], ["variables"], ["drift"], ["audit"], ["keyring"]]),
  });
}
