import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { SMOKE_UPDATED, onBackendEvent, smokeChecks, smokeHistory, smokeReport, smokeSchedule, smokeSuites } from "../../backend";

/** The Smoke checks section's reads; a finished run invalidates its environment's. */
export const smokeKeys = {
  env: (env: string) => ["smoke", env],
} as const;

/** Runs shown in the history and trends. */
const HISTORY = 50;

export const useSmokeChecks = (env: string) => useQuery({ queryKey: [...smokeKeys.env(env), "checks"], queryFn: () => smokeChecks(env) });

export const useSmokeSuites = (env: string) => useQuery({ queryKey: [...smokeKeys.env(env), "suites"], queryFn: () => smokeSuites(env) });

export const useSmokeHistory = (env: string) => useQuery({ queryKey: [...smokeKeys.env(env), "history"], queryFn: () => smokeHistory(env, HISTORY) });

export const useSmokeReport = (env: string, id: string, enabled: boolean) =>
  useQuery({ queryKey: [...smokeKeys.env(env), "report", id], queryFn: () => smokeReport(env, id), enabled });

export const useSmokeSchedule = () => useQuery({ queryKey: ["smoke-schedule"], queryFn: smokeSchedule });

/** Reads an environment's runs again when a scheduled run of it finished (an event, not a timer). */
export function useScheduledRuns() {
  const client = useQueryClient();
  useEffect(
    () =>
      onBackendEvent(SMOKE_UPDATED, (env) => {
        if (typeof env === "string") void client.invalidateQueries({ queryKey: smokeKeys.env(env) });
      }),
    [client],
  );
}
