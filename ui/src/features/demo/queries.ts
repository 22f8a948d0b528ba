import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { DEMO_UPDATED, demoChecklist, demoData, demoScripts, demoView, onBackendEvent } from "../../backend";

/** The Demo section's reads, by environment. */
export const demoKeys = {
  env: (env: string) => ["demo", env],
  view: (env: string) => ["demo", env, "view"],
  data: (env: string) => ["demo", env, "data"],
  checklist: (env: string) => ["demo", env, "checklist"],
} as const;

export const useDemoView = (env: string) => useQuery({ queryKey: demoKeys.view(env), queryFn: () => demoView(env) });

export const useDemoScripts = () => useQuery({ queryKey: ["demo-scripts"], queryFn: demoScripts, staleTime: Infinity });

export const useDemoData = (env: string) => useQuery({ queryKey: demoKeys.data(env), queryFn: () => demoData(env) });

export const useDemoChecklist = (env: string) => useQuery({ queryKey: demoKeys.checklist(env), queryFn: () => demoChecklist(env) });

/** Reads the demo again when it changed (from this window, the audience's keys, or a job). */
export function useDemoUpdates(env: string) {
  const client = useQueryClient();
  useEffect(
    () =>
      onBackendEvent(DEMO_UPDATED, () => {
        void client.invalidateQueries({ queryKey: demoKeys.view(env) });
      }),
    [client, env],
  );
}
