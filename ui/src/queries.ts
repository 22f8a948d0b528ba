// Backend data through TanStack Query: one hook per command, one cache for the whole window.
import { QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getAppInfo, getPreferences, getStartupNotices, savePreferences, type Preferences } from "./backend";

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
