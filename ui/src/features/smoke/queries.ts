import { useQuery } from "@tanstack/react-query";
import { smokeChecks, smokeHistory, smokeReport } from "../../backend";

/** The Smoke checks section's reads; a finished run invalidates its environment's. */
export const smokeKeys = {
  env: (env: string) => ["smoke", env],
} as const;

/** Runs shown in the history and trends. */
const HISTORY = 50;

export const useSmokeChecks = () => useQuery({ queryKey: ["smoke-checks"], queryFn: smokeChecks, staleTime: Infinity });

export const useSmokeHistory = (env: string) => useQuery({ queryKey: [...smokeKeys.env(env), "history"], queryFn: () => smokeHistory(env, HISTORY) });

export const useSmokeReport = (env: string, id: string, enabled: boolean) =>
  useQuery({ queryKey: [...smokeKeys.env(env), "report", id], queryFn: () => smokeReport(env, id), enabled });
