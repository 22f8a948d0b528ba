// Backend data through TanStack Query: one cache for the whole window. This file holds what the
// shell uses (preferences, environments, jobs) and the write helper every feature uses; each
// feature keeps its own query keys and hooks in features/<feature>/queries.ts.
import { QueryClient, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import {
  ENVIRONMENTS_CHANGED,
  HEALTH_UPDATED,
  JOBS_CHANGED,
  environmentPresets,
  getAppInfo,
  getPreferences,
  getStartupNotices,
  listEnvironments,
  listJobs,
  onBackendEvent,
  savePreferences,
  type Preferences,
} from "./backend";

export function createQueryClient() {
  return new QueryClient({
    // Local IPC either answers or fails for a reason retrying will not change.
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
}

/** The shell's query keys. Every write invalidates the audit log (it records every change). */
export const shellKeys = {
  appInfo: ["appInfo"],
  preferences: ["preferences"],
  notices: ["startupNotices"],
  environments: ["environments"],
  presets: ["presets"],
  audit: ["audit"],
  jobs: ["jobs"],
  health: ["health"],
} as const satisfies Record<string, QueryKey>;

export const useAppInfo = (enabled = true) => useQuery({ queryKey: shellKeys.appInfo, queryFn: getAppInfo, enabled });

export const usePreferences = () => useQuery({ queryKey: shellKeys.preferences, queryFn: getPreferences });

export const useStartupNotices = () => useQuery({ queryKey: shellKeys.notices, queryFn: getStartupNotices });

/** Saves preferences, showing the change at once and rolling it back if the save fails. */
export function useSavePreferences() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: savePreferences,
    onMutate: async (next: Preferences) => {
      await client.cancelQueries({ queryKey: shellKeys.preferences });
      const previous = client.getQueryData<Preferences>(shellKeys.preferences);
      client.setQueryData(shellKeys.preferences, next);
      return { previous };
    },
    onError: (_error, _next, context) => {
      if (context?.previous) client.setQueryData(shellKeys.preferences, context.previous);
    },
    onSuccess: (saved) => client.setQueryData(shellKeys.preferences, saved),
  });
}

/** The environments; read again when the backend says they changed (here or by afctl). */
export const useEnvironments = () => useQuery({ queryKey: shellKeys.environments, queryFn: listEnvironments });

export const usePresets = () => useQuery({ queryKey: shellKeys.presets, queryFn: environmentPresets });

export const useJobs = () => useQuery({ queryKey: [...shellKeys.jobs, "list"], queryFn: listJobs });

/** Reads everything under `keys` again after a write. A read still in flight began before the
 * write, and a view mounted now would wait for it rather than start another, so it is cancelled
 * first. */
export async function refreshAfterWrite(client: QueryClient, keys: readonly QueryKey[]) {
  await Promise.all(keys.map((queryKey) => client.cancelQueries({ queryKey })));
  await Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** A write: when it settles, what it `invalidates` (and the audit log) is read again. */
export function useWrite<A, R>(fn: (args: A) => Promise<R>, invalidates: readonly QueryKey[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => refreshAfterWrite(client, [...invalidates, shellKeys.audit]),
  });
}

/** Turns the backend's events into fresh reads, instead of polling. */
export function useBackendEvents() {
  const client = useQueryClient();
  useEffect(() => {
    const stops = [
      onBackendEvent(JOBS_CHANGED, () => void client.invalidateQueries({ queryKey: [...shellKeys.jobs, "list"] })),
      onBackendEvent(HEALTH_UPDATED, () => void client.invalidateQueries({ queryKey: shellKeys.health })),
      // Anything may depend on an environment: read every shown view again (job logs are streams).
      onBackendEvent(
        ENVIRONMENTS_CHANGED,
        () => void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== shellKeys.jobs[0] }),
      ),
    ];
    return () => {
      stops.forEach((stop) => {
        stop();
      });
    };
  }, [client]);
}
