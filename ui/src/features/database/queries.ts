import { useQuery } from "@tanstack/react-query";
import { dbActivity, dbAdvise, dbCompletion, dbDescribe, dbNames, sqlHistory, sqlSnippets, type TableRef } from "../../backend";

/** The Database section's reads; an apply or a statement that writes invalidates them. */
export const dbKeys = {
  all: ["db"],
  names: (env: string) => ["db", "names", env],
  table: (env: string, t: TableRef) => ["db", "describe", env, t.schema, t.name],
  completion: (env: string) => ["db", "completion", env],
  activity: (env: string) => ["db", "activity", env],
  advice: (env: string) => ["db", "advice", env],
  history: (env: string) => ["db", "history", env],
  snippets: ["db", "snippets"],
} as const;

export const useNames = (env: string) => useQuery({ queryKey: dbKeys.names(env), queryFn: () => dbNames(env) });

export const useTable = (env: string, t: TableRef | null) =>
  useQuery({ queryKey: t ? dbKeys.table(env, t) : ["db", "none"], queryFn: () => dbDescribe(env, t as TableRef), enabled: t !== null });

export const useCompletion = (env: string) => useQuery({ queryKey: dbKeys.completion(env), queryFn: () => dbCompletion(env), staleTime: 60_000 });

/** Live while the Activity view is open: polled every two seconds, stopped when it closes. */
export const useActivity = (env: string) =>
  useQuery({ queryKey: dbKeys.activity(env), queryFn: () => dbActivity(env), refetchInterval: 2000, refetchIntervalInBackground: false });

export const useAdvice = (env: string) => useQuery({ queryKey: dbKeys.advice(env), queryFn: () => dbAdvise(env) });

export const useHistory = (env: string) => useQuery({ queryKey: dbKeys.history(env), queryFn: () => sqlHistory(env) });

export const useSnippets = () => useQuery({ queryKey: dbKeys.snippets, queryFn: () => sqlSnippets() });

export const sameTable = (a: TableRef | null, b: TableRef | null) => a !== null && b !== null && a.schema === b.schema && a.name === b.name;

export const tableLabel = (t: TableRef) => (t.schema === "public" ? t.name : `${t.schema}.${t.name}`);
