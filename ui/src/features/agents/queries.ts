import { useQuery } from "@tanstack/react-query";
import { listAgents } from "../../backend";

/** The Agents section's reads; a save or delete invalidates them. */
export const agentsKeys = {
  all: ["agents"],
  list: (env: string) => ["agents", "list", env],
} as const;

export const useAgents = (env: string) => useQuery({ queryKey: agentsKeys.list(env), queryFn: () => listAgents(env), staleTime: 0 });
